"""What a run pulls and compresses, as the claims ask: plain functions over the claim kinds.

Which variants get how many cold pulls over loopback (:func:`run_plan`), which over a throttled link
(:func:`link_plan`, :data:`LINK_RUNS` each) and in which order (:func:`pull_order`), which (held, pulled) pairs
are timed (:func:`shared_plan`), which are compressed every way of the matrix (:func:`matrix_plan`), which claims
a run with some pull settings leaves unjudged (:func:`unmeasured`), and what a machine can measure of what was
asked (:func:`effective`). :mod:`checks.engine.pullbench` and :mod:`checks.measure.pulls` do what these decide;
:mod:`checks.plan.keep` and :mod:`checks.plan.stale` ask them what a run would measure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from checks.model.claims.kind import Kind
from checks.model.measured import Facet
from checks.model.pulls import ENV_MODE, PullSettings, fresh_engine_problem, registry_problem

#: The variants every lab times one cold pull of even when no claim judges it: its two ends, which span the
#: sizes on the guide's chart of pull time against size. The variants in between are pushed and sized but not
#: pulled: one unreplicated pull of an image much like its neighbours is mostly noise, and lab 1's, 2's, 3's and
#: 5's middle variants took a fifth of a cold ``make check``'s pull time.
CHARTED = ("before", "after")


def run_plan(variants: Sequence[str], kinds: Iterable[Kind], runs: int) -> dict[str, int]:
    """How many cold pulls over loopback each variant gets: ``runs`` for a variant a pull claim judges,
    one for the other :data:`CHARTED` ones, whose pull is a point on the guide's chart of pull time against
    size, and none for the rest (their compressed size is still measured)."""
    judged = {v for kind in kinds if kind.reads(Facet.PULLS) and kind.link() is None for v in kind.variants()}
    return {variant: runs if variant in judged else int(variant in CHARTED) for variant in variants}


def cold_pulled(plan: Mapping[str, int], released: Iterable[str], shared: Iterable[tuple[str, str]]) -> set[str]:
    """The variants a run pulls cold at least once: the ones ``plan`` (from :func:`run_plan`) pulls, each
    variant with later releases (its update sequence starts with a cold pull of it) and each image a
    ``shared`` (held, pulled) pair holds first."""
    return {v for v, count in plan.items() if count} | set(released) | {held for held, _ in shared}


def shared_plan(kinds: Iterable[Kind]) -> tuple[tuple[str, str], ...]:
    """(held, pulled) pairs to time, as the claims ask: pull ``pulled`` on a node that holds only ``held``."""
    pairs: list[tuple[str, str]] = []
    for kind in kinds:
        if (pair := kind.shared()) is not None and pair not in pairs:
            pairs.append(pair)
    return tuple(pairs)


def unmeasured(kinds: Iterable[tuple[str, Kind]], setting: PullSettings) -> tuple[str, ...]:
    """Ids of the claims a run with ``setting`` cannot judge, given (id, kind) pairs."""
    return tuple(
        claim_id
        for claim_id, kind in kinds
        if (kind.reads(Facet.REGISTRY) and not setting.sizes) or (kind.reads(Facet.PULLS) and not setting.pulls)
    )


def link_plan(kinds: Iterable[Kind]) -> dict[float, tuple[str, ...]]:
    """Which variants to pull over which throttled link (Mbit/s), as the claims ask; rates in order."""
    plan: dict[float, list[str]] = {}
    for kind in kinds:
        if (rate := kind.link()) is not None:
            wanted = plan.setdefault(rate, [])
            wanted += [v for v in kind.variants() if v not in wanted]
    return {rate: tuple(plan[rate]) for rate in sorted(plan)}


#: Cold pulls of each variant over a throttled link: one. There the link's rate, not the machine's load, sets
#: most of the time, and those pulls are the longest of all: lab 0's full image over 100 Mbit/s above all.
LINK_RUNS = 1


def pull_order(runs: Mapping[str, int]) -> list[tuple[int, str]]:
    """(run, variant) in the order to pull, ``runs`` giving each variant's number of pulls: one round
    over every variant still to pull per run, so drift in the machine's load touches every variant alike."""
    return [(run, variant) for run in range(max(runs.values(), default=0)) for variant in runs if run < runs[variant]]


def matrix_plan(variants: Sequence[str], kinds: Iterable[Kind], charted: Sequence[str]) -> tuple[str, ...]:
    """The variants whose layers are compressed every way of :data:`~checks.model.compression.MATRIX`, in the
    lab's order: the ``charted`` ends of the lab (its before and after) and every variant a compression claim
    reads."""
    named = {v for kind in kinds if kind.reads(Facet.COMPRESSIONS) for v in kind.variants()}
    return tuple(v for v in variants if v in charted or v in named)


def effective(
    wanted: PullSettings, *, docker_host: str, euid: int, dockerd: str | None
) -> tuple[PullSettings, list[str]]:
    """What this machine can measure of what was asked, and why each thing left out is left out."""
    reasons = []
    sizes, pulls = wanted.sizes, wanted.pulls
    if sizes and (problem := registry_problem(docker_host)):
        reasons.append(
            f"compressed sizes and pull times are not measured: {problem}. Use an engine on this machine, "
            f"or set {ENV_MODE}=0 to say you know"
        )
        sizes = pulls = False
    if pulls and (problem := fresh_engine_problem(euid=euid, dockerd=dockerd)):
        reasons.append(
            f"pull times are not measured ({problem}); compressed sizes still are. Run as root to time "
            f"pulls, or set {ENV_MODE}=size to say you know"
        )
        pulls = False
    return PullSettings(sizes=sizes, pulls=pulls, runs=wanted.runs), reasons
