"""checks.guide.exercise without a build: which files an exercise shows, and when its answer is the after variant."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checks.guide.docdata import load_lab
from checks.guide.exercise import answer_is_after, missing_files, shown_files
from checks.model.exercise import make_target, smoke_goal_id
from checks.model.spec import load

LABS = Path(__file__).resolve().parent.parent / "labs"


@pytest.fixture
def lab4(tmp_path: Path) -> Path:
    return Path(shutil.copytree(LABS / "lab-4-go-multistage", tmp_path / "lab-4-go-multistage"))


def test_an_exercise_shows_its_dockerfile_and_its_own_ignore_file_when_it_has_one():
    assert [p.name for p in shown_files(LABS / "lab-4-go-multistage", "exercise.Dockerfile")] == ["exercise.Dockerfile"]
    assert [p.name for p in shown_files(LABS / "lab-3-only-what-runs", "exercise.Dockerfile")] == [
        "exercise.Dockerfile",
        "exercise.Dockerfile.dockerignore",
    ]


def test_an_answer_identical_to_after_is_the_same_file(lab4: Path):
    assert answer_is_after(load(lab4), lab4) == "same"


def test_an_answer_that_names_itself_where_after_names_after_is_the_same_but_renamed():
    folder = LABS / "lab-3-only-what-runs"
    assert answer_is_after(load(folder), folder) == "renamed"


def test_an_answer_that_differs_from_after_is_not_said_to_be_it(lab4: Path):
    (lab4 / "solution.Dockerfile").write_text("FROM scratch\n")
    assert answer_is_after(load(lab4), lab4) is None


def test_an_answer_with_an_ignore_file_after_lacks_is_not_said_to_be_it(lab4: Path):
    (lab4 / "solution.Dockerfile.dockerignore").write_text("*\n")
    assert answer_is_after(load(lab4), lab4) is None


def test_a_lab_without_its_answer_is_missing_it(lab4: Path):
    (lab4 / "solution.Dockerfile").unlink()
    assert missing_files(load_lab(lab4)) == ["solution.Dockerfile"]


def test_the_make_target_and_the_added_smoke_goal_come_from_the_lab():
    lab = load(LABS / "lab-4-go-multistage")
    assert (make_target(lab), smoke_goal_id(lab)) == ("lab-4", "L4.0")
