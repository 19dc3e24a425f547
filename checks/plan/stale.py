"""Whether a lab's recorded results stand as a whole, what they lack that a run measures, and which claims a
run leaves unjudged: plain functions over the spec, the settings and the recorded results.

A lab whose results stand is not built again; only one thing more is then done on the recorded images,
tracing a missing runtime floor (:func:`lacks_floor`). The one image fact these cannot read, whether each
recorded image is still under its tag, the engine looks up for the variants :func:`tagged` names.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from checks.model.claims.kind import Kind
from checks.model.measured import Measured
from checks.model.pulls import PullSettings, matrix_complete
from checks.model.results import Results
from checks.model.settings import Settings
from checks.model.spec import Lab
from checks.plan import keep
from checks.plan.pulls import CHARTED, cold_pulled, link_plan, matrix_plan, run_plan, shared_plan

#: Why floor claims go unjudged in a run with SLIMLAB_FLOOR=0.
FLOOR_OFF = "SLIMLAB_FLOOR=0 traces no smoke test for the runtime floor"
#: Why reproducibility claims go unjudged in a run with SLIMLAB_REBUILD=0.
REBUILD_OFF = "SLIMLAB_REBUILD=0 builds nothing once more"


def inputs_stand(
    lab: Lab, previous: Results | None, digest: str, bases: Mapping[str, str], only: Collection[str] | None = None
) -> bool:
    """Same inputs, same bases (by name, the image each is), the same variants, each analyzed (before and after
    with their file trees, which the explorer shows); with ``only``
    (some of the variants, and ``bases`` the ones they name), the bases those variants name."""
    if previous is None or previous.inputs_sha256 != digest:
        return False
    recorded = {b.name: b.image_id for b in previous.bases}
    if (recorded if only is None else {name: recorded.get(name) for name in bases}) != bases:
        return False
    if set(previous.variants) != {v.name for v in lab.variants}:
        return False
    if set(previous.analysis) != set(previous.variants):
        return False  # recorded before images were analyzed
    return all(previous.analysis[v].tree is not None for v in CHARTED if v in previous.analysis)  # or their trees


def tagged(lab: Lab, previous: Results, only: Collection[str] | None = None) -> dict[str, str]:
    """The image id each variant (each of ``only``) was recorded with, in the lab's order: the image that must
    still be under its tag for the results to stand."""
    return {v.name: previous.variants[v.name].image_id for v in lab.variants if only is None or v.name in only}


def recorded_stand(
    lab: Lab,
    previous: Results | None,
    digest: str,
    bases: Mapping[str, str],
    settings: Settings,
    pulls: PullSettings | None,
    only: Collection[str] | None = None,
) -> bool:
    """True when the recorded results stand but for their images' tags (:func:`tagged`): same inputs and bases,
    and nothing missing that this run measures (pull figures, rebuilds; a missing floor is traced on its own).
    ``pulls`` is what this run measures of a pull (None: nothing); ``only`` as for :func:`inputs_stand`."""
    return (
        previous is not None
        and not lacks_pull_figures(previous, pulls, [c.check for c in lab.claims])
        and not (settings.rebuild and lacks_rebuild(lab, previous))
        and inputs_stand(lab, previous, digest, bases, only)
    )


def lacks_rebuild(lab: Lab, previous: Results) -> bool:
    """True when a variant the lab rebuilds for reproducibility has no rebuild recorded yet."""
    return any((m := previous.variants.get(name)) is not None and m.rebuild is None for name in lab.rebuilt())


def lacks_floor(lab: Lab, previous: Results) -> bool:
    """True when a variant whose smoke test passed has no runtime floor recorded yet."""
    return any(
        v.smoke is not None
        and (m := previous.variants.get(v.name)) is not None
        and m.smoke is not None
        and m.smoke.passed
        and m.runtime_bytes is None
        for v in lab.variants
    )


def lacks_pull_figures(previous: Results, wants: PullSettings | None, kinds: Sequence[Kind] = ()) -> bool:
    """True when a run that measures ``wants`` of a pull (None: nothing) measures figures that the recorded
    results do not hold yet, given the kinds of the lab's claims (which variants get cold pulls, see
    :func:`checks.plan.pulls.run_plan`; which are pulled over a throttled link,
    :func:`~checks.plan.pulls.link_plan`; which (held, pulled) pairs, :func:`~checks.plan.pulls.shared_plan`;
    which are compressed every way of the matrix, :func:`~checks.plan.pulls.matrix_plan`)."""
    if wants is None:
        return False
    plan = run_plan(list(previous.variants), kinds, wants.runs)
    shared = shared_plan(kinds)
    cold = cold_pulled(plan, (v for v, m in previous.variants.items() if m.releases), shared)
    return (
        _lacks_matrix(previous, wants, kinds)
        or any(_lacks_figures(m, wants, cold=name in cold) for name, m in previous.variants.items())
        or _lacks_shared(previous, wants, shared)
        or _lacks_links(previous, wants, link_plan(kinds))
    )


def _lacks_matrix(previous: Results, wants: PullSettings, kinds: Sequence[Kind]) -> bool:
    """A variant of the matrix without a complete one."""
    return wants.sizes and any(
        not matrix_complete(previous.variants[name].compressions, timed=wants.pulls)
        for name in matrix_plan(list(previous.variants), kinds, CHARTED)
    )


def _lacks_figures(m: Measured, wants: PullSettings, *, cold: bool) -> bool:
    """A variant without its compressed size, its cold pulls (when ``cold``), or a release's pull."""
    return (
        (wants.sizes and m.compressed_size_bytes is None)
        or (wants.pulls and cold and not m.pull_runs)
        or any((wants.sizes and r.pulled_bytes is None) or (wants.pulls and r.pull_seconds is None) for r in m.releases)
    )


def _lacks_shared(previous: Results, wants: PullSettings, shared: Sequence[tuple[str, str]]) -> bool:
    """A (held, pulled) pair the claims ask for without its pull."""
    for held, pulled in shared:
        found = previous.variants[pulled].shared_pull(held) if pulled in previous.variants else None
        if wants.sizes and (found is None or (wants.pulls and found.pull_seconds is None)):
            return True
    return False


def _lacks_links(previous: Results, wants: PullSettings, links: Mapping[float, Sequence[str]]) -> bool:
    """A variant the claims pull over a throttled link without those pulls."""
    return wants.pulls and any(
        not previous.variants[v].runs_over(rate)
        for rate, names in links.items()
        for v in names
        if v in previous.variants
    )


def left_out(lab: Lab, settings: Settings, unjudged: tuple[tuple[str, ...], str]) -> tuple[tuple[str, ...], str]:
    """The claims this run leaves unjudged, and why: ``unjudged`` (those the pull measurement cannot judge,
    and why), then the floor claims when the settings trace no floor and the reproducibility claims when
    they rebuild nothing."""
    if not settings.floor:
        unjudged = _also(lab, unjudged, keep.reads_floor, FLOOR_OFF)
    if not settings.rebuild:
        unjudged = _also(lab, unjudged, keep.reads_rebuild, REBUILD_OFF)
    return unjudged


def _also(
    lab: Lab, unjudged: tuple[tuple[str, ...], str], reads: Callable[[Kind], bool], why_not: str
) -> tuple[tuple[str, ...], str]:
    """``unjudged`` and the claims of a kind ``reads`` accepts, with ``why_not`` added when there are any."""
    ids, why = unjudged
    if not (more := tuple(c.id for c in lab.claims if reads(c.check))):
        return unjudged
    return (*ids, *more), "; ".join(filter(None, (why if ids else "", why_not)))
