"""Verify one lab: plan, measure each facet the plan leaves to measure, judge its claims, record its results.

The probes are :mod:`checks.measure`'s, what still stands is :mod:`checks.plan`'s, and results.json is written
through :mod:`checks.store.results` only when it changed.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from pathlib import Path

from checks.engine import docker
from checks.engine.bases import Resolver
from checks.engine.pullbench import PullBench
from checks.inspect.redaction import scrubbed
from checks.measure.analysis import analyses
from checks.measure.floor import floor_of
from checks.measure.pulls import unjudged, with_pull_figures
from checks.model.measured import Facet, Measured
from checks.model.progress import Say
from checks.model.results import RESULTS_NAME, BaseUse, Results
from checks.model.settings import Settings
from checks.model.spec import Lab
from checks.plan import keep, stale
from checks.plan.judge import judge
from checks.run.early import Early
from checks.run.standing import inputs, up_to_date
from checks.run.variants import measure
from checks.store.results import read, write_if_changed


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What verifying one lab produced."""

    lab: Lab
    results: Results
    #: True when nothing changed since the recorded results, so nothing was rebuilt.
    skipped: bool
    #: True when results.json was (re)written.
    written: bool
    #: Why some claims were not judged (and results.json was left as recorded), if any were not.
    note: str = ""


def with_floors(lab: Lab, previous: Results, echo: Say) -> Results:
    """The recorded results with every missing runtime floor traced on the recorded images, and the
    floor claims judged again (the other verdicts, which may need file lists, stay as recorded)."""
    variants = {v.name: floor_of(lab, v, previous.variants[v.name], previous, echo) for v in lab.variants}
    judged = {c.id: c for c in judge(lab, variants, only=lambda kind: kind.reads(Facet.FLOOR))}
    claims = tuple(judged.get(c.id, c) for c in previous.claims)
    return dataclasses.replace(previous, variants=variants, claims=claims)


def _standing(lab: Lab, previous: Results, path: Path, settings: Settings, echo: Say) -> Outcome:
    """The outcome of a lab whose recorded results stand: as recorded, or with the floors they lack traced."""
    if not (settings.floor and stale.lacks_floor(lab, previous)):
        return Outcome(lab=lab, results=previous, skipped=True, written=False)
    # Same images: only their floors are new, so nothing is rebuilt or pulled again.
    traced = with_floors(lab, previous, echo)
    return Outcome(lab=lab, results=traced, skipped=False, written=write_if_changed(path, traced, scrub=scrubbed))


def _recorded(lab: Lab, path: Path, results: Results, left_out: tuple[str, ...], why: str) -> Outcome:
    """The outcome of a lab measured anew: ``results`` written to ``path`` when they changed, unless claims
    were ``left_out`` (unjudged, for ``why``): then results.json is left as recorded."""
    if left_out:
        note = f"claims {', '.join(left_out)} not verified: {why}. results.json left as recorded."
        return Outcome(lab=lab, results=results, skipped=False, written=False, note=note)
    written = write_if_changed(path, results, scrub=scrubbed)
    return Outcome(lab=lab, results=results if written else (read(path) or results), skipped=False, written=written)


def verify(
    folder: Path,
    *,
    resolver: Resolver,
    echo: Say,
    builder: str | None = None,
    force: bool = False,
    pulls: PullBench | None = None,
    early: Early | BaseException | None = None,
) -> Outcome:
    """Verify the lab in ``folder`` and record its results (only when they changed).

    With ``pulls``, each variant is also pushed to a loopback registry and pulled cold
    (:mod:`checks.engine.pullbench`); claims that need figures the run does not measure are
    left unjudged, and then results.json is left as recorded. ``early`` is what
    :func:`checks.run.early.measure_early` answered for the lab, beside other builds: its variants are not built
    again (or the error it raised is raised now, in the lab's turn)."""
    if isinstance(early, BaseException):
        raise early  # measuring it early failed: its turn says so, as it would have measuring it now
    lab, digest, uses, previous = inputs(folder, resolver)
    path = folder / RESULTS_NAME
    if isinstance(early, Early) and not early.holds_for(digest, uses):
        early = None  # measured for other inputs: not what this turn would measure
    if early is None and not force and up_to_date(lab, previous, digest, uses, resolver.settings, pulls):
        assert previous is not None
        return _standing(lab, previous, path, resolver.settings, echo)
    reuse = None if force else previous  # --force traces the floors again too
    measured = _measured(lab, folder, uses, previous, reuse, digest, resolver, builder, pulls, early, echo)
    left_out, why = stale.left_out(lab, resolver.settings, unjudged(lab, pulls))
    claims = judge(lab, measured, left_out=(left_out, why))
    analysis = analyses(lab, measured, early.analysis if early else {}, echo)
    results = Results(
        lab=lab.name,
        title=lab.title,
        inputs_sha256=digest,
        measured_at=datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        engine=docker.engine_versions(),
        bases=tuple(uses),
        variants=measured,
        claims=claims,
        analysis=analysis,
        # As recorded: the run on each image store stands or not by the main run's inputs and bases
        # (checks.plan.stores), and is measured again after every lab's turn (checks.run.stores).
        stores=previous.stores if previous is not None else {},
    )
    return _recorded(lab, path, results, left_out, why)


def _measured(
    lab: Lab,
    folder: Path,
    uses: list[BaseUse],
    previous: Results | None,
    reuse: Results | None,
    digest: str,
    resolver: Resolver,
    builder: str | None,
    pulls: PullBench | None,
    early: Early | None,
    echo: Say,
) -> dict[str, Measured]:
    """Every variant of ``lab`` measured for its turn (``early``'s taken as they are), with its pull figures as far
    as ``pulls`` measures them; what ``reuse`` (``previous``, unless forced) records is kept where it stands."""
    # The same inputs built again (a new machine, an emptied cache): the figures no claim reads are kept
    # for the same recipe, not only for the same image id.
    rebuilt = keep.same_inputs(reuse, digest)
    measured = measure(
        lab, folder, uses, resolver=resolver, builder=builder, echo=echo, previous=reuse, rebuilt=rebuilt,
        early=early.measured if early else None,
    )  # fmt: skip
    if pulls is not None:
        measured = with_pull_figures(lab, measured, pulls, reuse, rebuilt=rebuilt, echo=echo)
    return keep.kept_pull_figures(measured, previous, pulls.setting if pulls is not None else None)
