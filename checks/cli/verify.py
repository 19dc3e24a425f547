"""``verify`` and ``rejudge``: the labs measured and judged, or judged again on their recorded figures."""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path
from typing import TYPE_CHECKING

from checks.cli.labs import LABS, Commands, all_labs, builder_of, find_lab
from checks.cli.output import echo, reporting, show
from checks.inspect.redaction import scrubbed
from checks.model.errors import UsageError
from checks.model.progress import Say
from checks.model.settings import Settings

if TYPE_CHECKING:
    from checks.model.results import Results
    from checks.run.verify import Outcome


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    from checks.model.spec import SPEC_NAME
    from checks.run.labs import verify_labs

    folders = [find_lab(word) for word in args.labs] if args.labs else all_labs()
    if not folders:
        raise UsageError(f"No labs found in {LABS} (a lab is a folder with a {SPEC_NAME}).")
    with reporting(args.events) as say:
        shown = _Shown(settings, say)
        verify_labs(folders, settings, builder=builder_of(args, settings), force=args.force, say=say, report=shown)
    for line in shown.failures:
        echo(line)
    if shown.failures:
        echo(f"{len(shown.failures)} claim(s) do not hold.")
        return 1
    echo(f"All claims hold in {len(folders)} lab(s).")
    return 0


class _Shown:
    """A verify as the terminal shows it (:class:`checks.run.labs.Report`): each lab's summary, analysis and
    hadolint's findings after its turn, and every claim that does not hold, gathered for the end."""

    def __init__(self, settings: Settings, say: Say):
        self._settings, self._say = settings, say
        self._start = 0.0
        self.failures: list[str] = []

    def starting(self, folder: Path) -> None:
        from checks.model.results import RESULTS_NAME

        self._start = time.monotonic()
        say_if_unreadable(folder / RESULTS_NAME)

    def turned(self, folder: Path, outcome: Outcome) -> None:
        from checks.learner import report

        show(report.summary(outcome.results, skipped=outcome.skipped))
        show(analysis_and_lint(folder, outcome.results, self._settings.docs_url))
        written = "results.json updated" if outcome.written else "results.json unchanged"
        show(f"  {written}; {time.monotonic() - self._start:.1f}s\n")
        if outcome.note:
            self._say(f"{outcome.lab.name}: {outcome.note}")
        self.failures += report.failures(outcome.results, outcome.lab.page, docs_url=self._settings.docs_url)

    def stored(self, outcome: Outcome, results: Results, *, written: bool) -> None:
        from checks.learner import report

        if written:
            show(f"{outcome.lab.name}: results.json updated with its image stores")
        for store, run in results.stores.items():
            if run.claims:
                held = sum(claim.passed for claim in run.claims)
                show(f"{outcome.lab.name}: on the {store} image store, {held} of {len(run.claims)} claims hold")
            self.failures += [
                line.replace(" does not hold: ", f" does not hold on the {store} image store: ", 1)
                for line in report.failures(
                    dataclasses.replace(outcome.results, claims=run.claims),
                    outcome.lab.page,
                    docs_url=self._settings.docs_url,
                )
            ]


def cmd_rejudge(args: argparse.Namespace, settings: Settings) -> int:
    """Judge each lab's claims again on the figures its results.json records: no build, no Docker."""
    from checks.model.results import RESULTS_NAME
    from checks.model.spec import load
    from checks.plan.rejudge import rejudge
    from checks.store.results import read, unreadable, write_if_changed

    folders = [find_lab(word) for word in args.labs] if args.labs else all_labs()
    kept = 0
    for folder in folders:
        path = folder / RESULTS_NAME
        results = read(path)
        if results is None:
            raise UsageError(
                f"{path} holds no results to judge again ({unreadable(path) or 'it does not exist'}). "
                f"Measure the lab instead: python -m checks verify {folder.name}"
            )
        judged, left = rejudge(load(folder), results)
        written = write_if_changed(path, judged, scrub=scrubbed)
        show(f"{folder.name}: {'results.json updated' if written else 'results.json unchanged'}")
        for why in left:
            echo(f"{folder.name}: claim {why}; left as recorded (python -m checks verify --force {folder.name})")
        kept += len(left)
    return 1 if kept else 0


def say_if_unreadable(path: Path) -> None:
    """A results.json that cannot be read is measured again like an absent one; the user hears why."""
    from checks.store.results import unreadable

    problem = unreadable(path)
    if problem:
        echo(f"{path} cannot be used: {problem}. Treating it as absent: measuring again and writing it anew.")


def analysis_and_lint(folder: Path, results: Results, docs_url: str) -> str:
    """For the verify report: each variant's recorded analysis, and hadolint's size-related findings."""
    from checks.inspect import analyze, lint

    lines = analyze.summary_lines(results.analysis)
    try:
        findings = lint.size_findings(lint.lint(lint.dockerfiles(folder), root=folder))
    except UsageError as error:
        return "\n".join([*lines, f"  lint skipped: {error}"])
    return "\n".join([*lines, *(f"  lint: {lint.line(f, docs_url=docs_url)}" for f in findings)])


def add_verify(commands: Commands) -> None:
    """The ``verify`` command and its options."""
    v = commands.add_parser("verify", help="build, measure and verify labs (all by default)")
    v.add_argument("labs", nargs="*", metavar="LAB", help="lab number, folder name or path")
    v.add_argument("--force", action="store_true", help="rebuild and re-measure even when nothing changed")
    v.add_argument("--builder", help="buildx builder to use (default: $BUILDX_BUILDER, else the local engine)")
    v.add_argument(
        "--events",
        type=Path,
        metavar="FILE",
        help="also write each progress line and event to FILE as it comes, one JSON object a line with its "
        "monotonic seconds (what make bench reads)",
    )
    v.set_defaults(run=cmd_verify)


def add_rejudge(commands: Commands) -> None:
    """The ``rejudge`` command and its options."""
    r = commands.add_parser(
        "rejudge",
        help="judge the claims again on the figures results.json records, no Docker (after their words change)",
    )
    r.add_argument("labs", nargs="*", metavar="LAB", help="lab number, folder name or path (all by default)")
    r.set_defaults(run=cmd_rejudge)
