"""checks.learner.workshop: which images a room needs, what a bundle holds, and what preparing builds (no Docker)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import LABS

from checks.learner import workshop
from checks.model.errors import UsageError
from checks.model.results import BaseUse


class FakeResolver:
    """Answers every base with a stand-in, and knows one more base that stand-ins are built on."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def resolve(self, name: str) -> BaseUse:
        self.asked.append(name)
        return BaseUse(
            name=name, source="stand-in", image=f"slimlab-base/{name.replace(':', '-')}:1", image_id=f"sha256:{name}"
        )

    def known(self) -> list[BaseUse]:
        below = BaseUse(
            name="debian:trixie-slim", source="stand-in", image="slimlab-base/debian-trixie-slim:1", image_id="sha256:d"
        )
        return [self.resolve(name) for name in dict.fromkeys(self.asked)] + [below]


def labs() -> list[Path]:
    return sorted(p.parent for p in LABS.glob("*/lab.toml"))


def test_every_base_a_lab_names_is_asked_for_and_listed_once():
    resolver = FakeResolver()
    uses = workshop.all_bases(labs(), resolver)  # type: ignore[arg-type]
    names = [use.name for use in uses]
    assert len(names) == len(set(names))
    assert {"golang:1.27-trixie", "busybox", "python:3.13-slim-trixie"} <= set(names)
    assert set(resolver.asked) == set(names)


def test_a_bundle_saves_every_base_once_including_those_stand_ins_are_built_on(monkeypatch, tmp_path):
    saved: list[tuple[list[str], Path]] = []
    monkeypatch.setattr(workshop.transfer, "save_gz", lambda refs, archive: saved.append((refs, archive)))
    archive = tmp_path / "room.tar.gz"
    uses = workshop.bundle(labs(), FakeResolver(), archive, echo=lambda line: None)  # type: ignore[arg-type]
    [(refs, where)] = saved
    assert where == archive
    assert refs == sorted(set(refs)) == sorted({use.image for use in uses})
    assert "slimlab-base/debian-trixie-slim:1" in refs


def test_loading_a_bundle_that_is_not_there_says_how_to_make_one(tmp_path):
    with pytest.raises(UsageError, match="make workshop-bundle") as caught:
        workshop.load_bundle(tmp_path / "missing.tar.gz")
    assert str(tmp_path / "missing.tar.gz") in str(caught.value)


def test_preparing_verifies_every_lab_and_grades_every_reference_answer(monkeypatch):
    verified: list[str] = []
    graded: list[tuple[str, str]] = []
    monkeypatch.setattr(workshop, "verify", lambda folder, **kwargs: verified.append(folder.name))
    monkeypatch.setattr(
        workshop, "grade", lambda folder, dockerfile, **kwargs: graded.append((folder.name, dockerfile))
    )
    folders = labs()
    workshop.prepare(folders, FakeResolver(), echo=lambda line: None)  # type: ignore[arg-type]
    assert verified == [folder.name for folder in folders]
    assert graded == [
        (folder.name, "solution.Dockerfile") for folder in folders if (folder / "solution.Dockerfile").is_file()
    ]
    assert graded, "every lab has a reference answer"
