"""A verify of some labs: every lab's variants measured early, side by side (:mod:`checks.run.early`), then each
lab's turn in order (:func:`checks.run.verify.verify`), then the labs recorded on their other image stores
(:mod:`checks.run.stores`), all with one loopback registry and one fresh engine, started only when a lab is
measured. The command line only shows what each step gives (a :class:`Report`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from checks.engine.bases import Resolver
from checks.engine.pullbench import PullBench
from checks.engine.registry import Registry
from checks.inspect.redaction import scrubbed
from checks.model.progress import Say
from checks.model.pulls import wanted
from checks.model.results import RESULTS_NAME, Results
from checks.model.settings import Settings
from checks.run import stores
from checks.run.early import measure_early_all
from checks.run.verify import Outcome, verify
from checks.store.results import write_if_changed


class Report(Protocol):
    """What the command line shows of a run as it goes."""

    def starting(self, folder: Path) -> None:
        """The turn of the lab in ``folder`` starts."""

    def turned(self, folder: Path, outcome: Outcome) -> None:
        """The lab's turn ended with ``outcome``."""

    def stored(self, outcome: Outcome, results: Results, *, written: bool) -> None:
        """The lab was recorded on its other image stores: ``results``, ``written`` to results.json when they
        changed."""


def verify_labs(
    folders: Sequence[Path], settings: Settings, *, builder: str | None, force: bool, say: Say, report: Report
) -> None:
    """Verify the labs in ``folders`` and record their results, reporting each turn to ``report``."""
    with PullBench(wanted(settings), echo=say, settings=settings) as pulls:
        resolver = Resolver(echo=say, builder=builder, settings=settings)
        early = measure_early_all(folders, resolver, echo=say, builder=builder, force=force, pulls=pulls)
        outcomes = []
        for folder in folders:
            report.starting(folder)
            outcome = verify(
                folder, resolver=resolver, echo=say, builder=builder, force=force, pulls=pulls, early=early.get(folder)
            )
            report.turned(folder, outcome)
            outcomes.append((folder, outcome))
        # After every pull was timed: the other image stores build on a second engine, their bases pulled from
        # the registry the variants were pushed to.
        _on_other_stores(outcomes, settings, pulls.loopback_registry, say, report)


def _on_other_stores(
    outcomes: list[tuple[Path, Outcome]],
    settings: Settings,
    registry: Callable[[], Registry],
    say: Say,
    report: Report,
) -> None:
    """Record each lab on the image stores it names (``[lab] stores``) where its record does not stand. A lab
    whose results were left as recorded is left so."""
    if not settings.stores:
        return
    with stores.Engines(settings, say, registry) as engines:
        for folder, outcome in outcomes:
            if not outcome.lab.stores or outcome.note:
                continue
            results = stores.with_stores(outcome.lab, folder, outcome.results, engines, settings=settings, echo=say)
            written = results != outcome.results and write_if_changed(folder / RESULTS_NAME, results, scrub=scrubbed)
            report.stored(outcome, results, written=written)
