"""Which recorded figures of a variant still stand for the image built now: one rule, each facet's condition once.

The rule (:func:`stands`): a figure recorded for image ``old`` stands for image ``new`` when it is complete
for what this run measures and ``new`` is the same image, or, where the recipe may stand
(:func:`recipe_may_stand`: the lab's inputs are the recorded ones and no claim reads that facet of the
variant), when ``new`` is the same recipe built again (:meth:`~checks.model.measured.Measured.built_like`,
within :data:`~checks.model.measured.LAYER_SLACK`). On a new machine every image is built again and most
ids move with file times, so the figures no claim reads are kept for the same recipe; the figures a claim
reads are measured on the build being judged.

Each facet below states what "complete" means for it and which claims read it. Where facets differ, they
differ as verify's steps did before, and stay so: a variant a claim of :func:`reads_pushes` reads is pushed
again even when its image is the recorded one (:func:`kept_pushes`), while its matrix, floor and rebuild
are kept for the same image; a floor also needs the smoke test to print the same; and a run that measures
no pulls keeps the recorded pull figures for the same image only, never for the same recipe
(:func:`kept_pull_figures`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping

from checks.model.claims.kind import Kind
from checks.model.measured import Compressed, Facet, Measured
from checks.model.pulls import PullSettings, matrix_complete
from checks.model.results import Results
from checks.model.spec import Lab
from checks.plan.pulls import CHARTED, matrix_plan, run_plan


def stands(old: Measured, new: Measured, *, rebuilt: bool) -> bool:
    """The rule: ``new`` is the image ``old`` was measured on, or, with ``rebuilt`` (the recipe may stand,
    :func:`recipe_may_stand`), the same recipe built again."""
    return old.image_id == new.image_id or (rebuilt and old.built_like(new))


def same_inputs(previous: Results | None, digest: str) -> bool:
    """True when ``previous`` was recorded from the lab's inputs as they are (``digest``): a build now is the
    same recipe built again (a new machine, an emptied cache), so a recipe may stand."""
    return previous is not None and previous.inputs_sha256 == digest


def recipe_may_stand(lab: Lab, name: str, *, rebuilt: bool, reads: Callable[[Kind], bool]) -> bool:
    """True when the figures of facet ``reads`` recorded for variant ``name`` may stand for the same recipe
    built again: the inputs are the recorded ones (``rebuilt``, :func:`same_inputs`) and no claim of a kind
    ``reads`` accepts reads the variant."""
    return rebuilt and name not in lab.read_by(reads)


# The claims that read each facet: a variant they read is measured on the build being judged.


def reads_floor(kind: Kind) -> bool:
    return kind.reads(Facet.FLOOR)


def reads_rebuild(kind: Kind) -> bool:
    return kind.reads(Facet.REBUILD)


def reads_matrix(kind: Kind) -> bool:
    return kind.reads(Facet.COMPRESSIONS)


def reads_pushes(kind: Kind) -> bool:
    return kind.reads(Facet.REGISTRY, Facet.PULLS, Facet.COMPRESSIONS, Facet.RELEASES)


# Each facet: complete, and standing by the rule.


def recorded_floor(old: Measured | None, new: Measured, *, rebuilt: bool = False) -> Measured | None:
    """``old``, when its runtime floor stands for ``new``: a floor was traced, the smoke test printed the
    same, and the rule holds; None when the floor must be traced anew."""
    if old is None or old.runtime_bytes is None or old.smoke is None or new.smoke is None:
        return None
    return old if old.smoke.stdout == new.smoke.stdout and stands(old, new, rebuilt=rebuilt) else None


def recorded_rebuild(old: Measured | None, new: Measured, *, rebuilt: bool = False) -> Measured | None:
    """``old``, when its rebuild (one more build from an empty cache) stands for ``new``; None when the
    variant must be built once more."""
    return old if old is not None and old.rebuild is not None and stands(old, new, rebuilt=rebuilt) else None


def recorded_matrix(
    old: Measured | None, new: Measured, *, timed: bool, rebuilt: bool = False
) -> tuple[Compressed, ...] | None:
    """The compression matrix recorded for image ``new``, when it is complete for what this run measures
    (a pull time in every row when ``timed``) and the rule holds; None when it must be measured.

    Compressing and pulling every before and after three ways again took a cold run about 700 s of its
    time (README), hence ``rebuilt``. Its figures are those of the build they were measured on."""
    if old is None or not matrix_complete(old.compressions, timed=timed):
        return None
    return old.compressions if stands(old, new, rebuilt=rebuilt) else None


def recorded_pulls(
    old: Measured | None, new: Measured, *, pulls: int, charted: bool, timed: bool, rebuilt: bool = False
) -> Measured | None:
    """``old``, when its compressed size, cold pulls and compression matrix stand for image ``new`` and are
    complete for what this run measures (``pulls`` cold pulls when ``timed``; the matrix when ``charted``);
    None when ``new`` must be pushed and pulled. For a variant no claim of :func:`reads_pushes` reads: the
    caller decides that (:func:`kept_pushes`).

    Pushing and pulling every image of labs whose claims read no pull took most of a cold run's registry
    time on a new machine (README), hence ``rebuilt``. Its figures are those of the build that measured them."""
    if old is None or old.compressed_size_bytes is None:
        return None
    if timed and len(old.pull_runs) < pulls:
        return None
    if charted and not matrix_complete(old.compressions, timed=timed):
        return None
    return old if stands(old, new, rebuilt=rebuilt) else None


# A lab's variants: what their pushes, pulls and matrices keep.


def kept_pushes(
    lab: Lab, measured: Mapping[str, Measured], setting: PullSettings, previous: Results | None, *, rebuilt: bool
) -> dict[str, Measured]:
    """The variants of ``measured`` that keep what ``previous`` records of their pushes and pulls
    (:func:`recorded_pulls`), each with its recorded measurement; every other one is pushed. A variant a claim
    of :func:`reads_pushes` reads is pushed even when its image is the one recorded. Each variant's answer
    depends on it alone, so a lab's variants may be asked about in parts."""
    if previous is None:
        return {}
    kinds = [claim.check for claim in lab.claims]
    plan = run_plan(list(measured), kinds, setting.runs)
    charted = matrix_plan(list(measured), kinds, CHARTED)
    read = lab.read_by(reads_pushes)
    return {
        name: earlier
        for name, m in measured.items()
        if name not in read
        and (
            earlier := recorded_pulls(
                previous.variants.get(name),
                m,
                pulls=plan[name],
                charted=name in charted,
                timed=setting.pulls,
                rebuilt=recipe_may_stand(lab, name, rebuilt=rebuilt, reads=reads_pushes),
            )
        )
        is not None
    }


def kept_matrices(
    lab: Lab,
    measured: Mapping[str, Measured],
    setting: PullSettings,
    previous: Results | None,
    *,
    rebuilt: bool,
    kept: Collection[str],
) -> dict[str, tuple[Compressed, ...] | None]:
    """For each variant of ``measured`` in the compression matrix (:func:`~checks.plan.pulls.matrix_plan`)
    but those that keep their pushes (``kept``, :func:`kept_pushes`): the matrix recorded for it when that
    stands (:func:`recorded_matrix`), else None (it is compressed every way again)."""
    charted = matrix_plan(list(measured), [claim.check for claim in lab.claims], CHARTED)
    return {
        name: recorded_matrix(
            previous.variants.get(name) if previous else None,
            measured[name],
            timed=setting.pulls,
            rebuilt=recipe_may_stand(lab, name, rebuilt=rebuilt, reads=reads_matrix),
        )
        for name in charted
        if name not in kept
    }


def kept_pull_figures(
    measured: Mapping[str, Measured], previous: Results | None, setting: PullSettings | None
) -> dict[str, Measured]:
    """``measured``, with the recorded compressed size and pull times of every variant whose image did not
    change, where this run measures none (``SLIMLAB_PULL_MEASURE=0``, or no registry: ``setting`` None): the
    same image pulls the same bytes, so re-measuring one lab without pulls keeps the figures the pull chart
    shows."""
    sizes, times = (setting.sizes, setting.pulls) if setting is not None else (False, False)
    if previous is None or (sizes and times):
        return dict(measured)
    kept = {}
    for name, m in measured.items():
        old = previous.variants.get(name)
        if old is None or not stands(old, m, rebuilt=False):
            kept[name] = m
            continue
        kept[name] = recorded_figures(m, old, sizes=not sizes, times=not times)
    return kept


def recorded_figures(m: Measured, old: Measured, *, sizes: bool = True, times: bool = True) -> Measured:
    """``m`` with ``old``'s figures from the registry: its compressed sizes and compression matrix (``sizes``)
    and its cold pulls (``times``)."""
    return dataclasses.replace(
        m,
        compressed_size_bytes=old.compressed_size_bytes if sizes else m.compressed_size_bytes,
        new_compressed_bytes=old.new_compressed_bytes if sizes else m.new_compressed_bytes,
        compressions=old.compressions if sizes else m.compressions,
        pull_runs=old.pull_runs if times else m.pull_runs,
        link_pull_runs=old.link_pull_runs if times else m.link_pull_runs,
    )
