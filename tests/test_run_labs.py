"""checks.run.labs: a verify of some labs, each turn reported in order, after the early phase (engine faked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.model.results import Results
from checks.model.settings import Settings
from checks.model.spec import Lab
from checks.run import labs
from checks.run.verify import Outcome


class Bench:
    """Stands in for a PullBench: a context manager whose registry is never started."""

    def __init__(self, *_, **__):
        self.loopback_registry = lambda: pytest.fail("no lab here names another image store")

    def __enter__(self):
        return self

    def __exit__(self, *_):
        return None


class Shown:
    """A Report that writes down what it is told."""

    def __init__(self):
        self.said: list[str] = []

    def starting(self, folder: Path) -> None:
        self.said.append(f"start {folder.name}")

    def turned(self, folder: Path, outcome: Outcome) -> None:
        self.said.append(f"turned {folder.name}: {outcome.lab.name}")

    def stored(self, outcome: Outcome, results: Results, *, written: bool) -> None:
        self.said.append(f"stored {outcome.lab.name}")


def outcome_of(folder: Path) -> Outcome:
    lab = Lab(name=folder.name, title="t", page="p", variants=(), claims=())
    results = Results(
        lab=lab.name, title="t", inputs_sha256="d", measured_at="2026-12-08T00:00:00+00:00", engine={}, bases=(),
        variants={}, claims=(), analysis={},
    )  # fmt: skip
    return Outcome(lab=lab, results=results, skipped=True, written=False)


def test_every_lab_is_measured_early_first_then_turn_by_turn_in_order(monkeypatch):
    happened: list[str] = []

    def early(folders, resolver, **_):
        happened.append("early " + ", ".join(folder.name for folder in folders))
        return dict.fromkeys(folders)

    def verify(folder, **options):
        happened.append(f"verify {folder.name} (early: {options['early']})")
        return outcome_of(folder)

    monkeypatch.setattr(labs, "PullBench", Bench)
    monkeypatch.setattr(labs, "Resolver", lambda **_: object())
    monkeypatch.setattr(labs, "measure_early_all", early)
    monkeypatch.setattr(labs, "verify", verify)
    shown = Shown()
    folders = [Path("lab-1"), Path("lab-2")]
    labs.verify_labs(folders, Settings(stores=True), builder=None, force=False, say=print, report=shown)
    assert happened == ["early lab-1, lab-2", "verify lab-1 (early: None)", "verify lab-2 (early: None)"]
    assert shown.said == ["start lab-1", "turned lab-1: lab-1", "start lab-2", "turned lab-2: lab-2"]
