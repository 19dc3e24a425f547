"""Naming a lab on the command line (checks.__main__.find_lab and all_labs), on a fake labs folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.cli.labs import LABS, all_labs, find_lab
from checks.model.errors import UsageError


@pytest.fixture
def labs(tmp_path: Path, monkeypatch) -> Path:
    """lab-1-basics, lab-4-go, lab-40-many (labs) and lab-5-draft (no lab.toml); the cwd is elsewhere."""
    root = tmp_path / "labs"
    for name in ("lab-4-go", "lab-1-basics", "lab-40-many"):
        (root / name).mkdir(parents=True)
        (root / name / "lab.toml").write_text("", encoding="utf-8")
    (root / "lab-5-draft").mkdir()
    (root / "notes.txt").write_text("", encoding="utf-8")
    work = tmp_path / "elsewhere"
    work.mkdir()
    monkeypatch.chdir(work)
    return root


def test_all_labs_lists_folders_with_a_lab_toml_by_name(labs):
    assert [p.name for p in all_labs(labs)] == ["lab-1-basics", "lab-4-go", "lab-40-many"]


@pytest.mark.parametrize(("word", "name"), [("4", "lab-4-go"), ("40", "lab-40-many"), ("1", "lab-1-basics")])
def test_find_lab_by_number(labs, word, name):
    assert find_lab(word, labs) == labs / name


@pytest.mark.parametrize("word", ["lab-4", "lab-4-go"])
def test_find_lab_by_folder_name_or_its_numbered_prefix(labs, word):
    assert find_lab(word, labs) == labs / "lab-4-go"


def test_find_lab_by_absolute_path(labs):
    assert find_lab(str(labs / "lab-40-many"), labs) == (labs / "lab-40-many").resolve()


def test_find_lab_by_relative_path_gives_an_absolute_one(labs, monkeypatch):
    monkeypatch.chdir(labs.parent)
    found = find_lab("labs/lab-1-basics", labs)
    assert found.is_absolute()
    assert found == (labs / "lab-1-basics").resolve()


@pytest.mark.parametrize("word", ["7", "lab-7", "go", "lab-5-draft", "lab-4-g"])
def test_an_unknown_lab_is_a_usage_error_listing_the_known_labs(labs, word):
    with pytest.raises(UsageError) as caught:
        find_lab(word, labs)
    message = str(caught.value)
    assert f"No lab '{word}' in {labs}." in message
    assert "Known labs: lab-1-basics, lab-4-go, lab-40-many." in message


def test_an_empty_labs_folder_has_no_known_labs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match="Known labs: none"):
        find_lab("4", tmp_path)


def test_an_exact_folder_name_wins_over_longer_names(labs):
    (labs / "lab-4-go-fast").mkdir()
    (labs / "lab-4-go-fast" / "lab.toml").write_text("", encoding="utf-8")
    assert find_lab("lab-4-go", labs) == labs / "lab-4-go"


def test_the_real_lab_4_is_found_by_number(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert find_lab("4") == LABS / "lab-4-go-multistage"
