"""The registry and pulls facet: each variant pushed to the loopback registry, sized, pulled cold (over loopback,
a throttled link, onto a node holding another variant) and compressed every way of the matrix
(:mod:`checks.engine.pullbench`), except what :mod:`checks.plan.keep` says still stands; and the claims a run
that measures no pulls leaves unjudged."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from checks.engine.pullbench import PullBench
from checks.model.measured import Compressed, Measured, SharedPull
from checks.model.newbytes import layer_ids, new_blob_bytes
from checks.model.progress import Say
from checks.model.pulls import PullFigures, PullSettings
from checks.model.results import Results
from checks.model.spec import Lab
from checks.plan import keep
from checks.plan.pulls import link_plan, run_plan, shared_plan, unmeasured


def with_pull_figures(
    lab: Lab,
    measured: Mapping[str, Measured],
    pulls: PullBench,
    previous: Results | None = None,
    *,
    rebuilt: bool = False,
    echo: Say = lambda line: None,
) -> dict[str, Measured]:
    """``measured`` with each variant's compressed size and cold pull times, as far as ``pulls`` measures them,
    and the compression matrix of the variants it covers.

    What ``previous`` records is kept where it stands (:mod:`checks.plan.keep`), for the same image or, with
    ``rebuilt``, for the same recipe built before: a variant no registry, pull, compression or update claim
    reads keeps all of it and is not pushed (:func:`checks.plan.keep.kept_pushes`); one that only no
    compression claim reads keeps its matrix (:func:`checks.plan.keep.kept_matrices`).  The rest is measured now."""
    if not pulls.setting.sizes:
        return dict(measured)
    kept = keep.kept_pushes(lab, measured, pulls.setting, previous, rebuilt=rebuilt)
    recorded = keep.kept_matrices(lab, measured, pulls.setting, previous, rebuilt=rebuilt, kept=kept)
    _say_kept(lab, measured, previous, kept, recorded, echo)
    pushed = {name: m for name, m in measured.items() if name not in kept}
    matrix = [name for name, found in recorded.items() if found is None]
    figures = _pushed_and_pulled(lab, pushed, pulls, matrix) if pushed else {}
    return {
        name: keep.recorded_figures(m, kept[name])
        if name in kept
        else _with_figures(m, figures[name], recorded.get(name))
        for name, m in measured.items()
    }


def _say_kept(
    lab: Lab,
    measured: Mapping[str, Measured],
    previous: Results | None,
    kept: Mapping[str, Measured],
    recorded: Mapping[str, tuple[Compressed, ...] | None],
    echo: Say,
) -> None:
    """Say which figures :func:`with_pull_figures` keeps for an image built again."""
    for name, earlier in kept.items():
        if earlier.image_id != measured[name].image_id:
            echo(
                f"{lab.name}: keeping the compressed size and pull times recorded for {name}: built again by the same "
                "steps into layers of the same sizes, and no claim reads them (--force measures them again)"
            )
    for name, found in recorded.items():
        if found is not None and previous is not None and previous.variants[name].image_id != measured[name].image_id:
            echo(
                f"{lab.name}: keeping the compression matrix recorded for {name}: built again by the same steps "
                "into layers of the same sizes, and no claim reads it (--force measures it again)"
            )


def _pushed_and_pulled(
    lab: Lab, pushed: Mapping[str, Measured], pulls: PullBench, matrix: Sequence[str]
) -> dict[str, PullFigures]:
    """What pushing and pulling the variants of ``pushed`` measures, as the lab's claims ask; ``matrix``: the
    variants compressed every way."""
    kinds = [claim.check for claim in lab.claims]
    return pulls.measure(
        lab.name,
        {name: m.image_id for name, m in pushed.items()},
        link_plan(kinds),
        run_plan(list(pushed), kinds, pulls.setting.runs),
        releases={name: [r.image_id for r in m.releases] for name, m in pushed.items() if m.releases},
        shared=shared_plan(kinds),
        matrix=matrix,
    )


def _with_figures(m: Measured, found: PullFigures, matrix: tuple[Compressed, ...] | None) -> Measured:
    """``m`` with what pushing and pulling it measured, and ``matrix`` (its recorded matrix) if kept."""
    return dataclasses.replace(
        m,
        compressed_size_bytes=found.compressed_size_bytes,
        pull_runs=found.pull_runs,
        link_pull_runs=found.link_pull_runs,
        new_compressed_bytes=new_blob_bytes(layer_ids(m.layers), found.layer_blobs, m.base_layers),
        releases=tuple(
            dataclasses.replace(release, pulled_bytes=pulled, pull_seconds=seconds)
            for release, (pulled, seconds) in zip(m.releases, found.releases, strict=True)
        ),
        shared_pulls=tuple(
            SharedPull(held=held, pulled_bytes=pulled, pull_seconds=seconds) for held, pulled, seconds in found.shared
        ),
        compressions=matrix or found.compressions,
    )


def push_early(
    lab: Lab,
    measured: Mapping[str, Measured],
    pulls: PullBench,
    previous: Results | None,
    *,
    rebuilt: bool,
    echo: Say,
) -> None:
    """Push now, beside other builds, each variant of ``measured`` that :func:`with_pull_figures` would push
    in the lab's turn: a push times nothing, and the turn then only pulls (and pushes the later releases)."""
    if not pulls.setting.sizes:
        return
    kept = keep.kept_pushes(lab, measured, pulls.setting, previous, rebuilt=rebuilt)
    if pushed := {name: m.image_id for name, m in measured.items() if name not in kept}:
        echo(f"{lab.name}: pushing {', '.join(pushed)} to the loopback registry")
        pulls.push(lab.name, pushed)


def unjudged(lab: Lab, pulls: PullBench | None) -> tuple[tuple[str, ...], str]:
    """Ids of the claims this run cannot judge, and why."""
    if pulls is None:
        return unmeasured(
            ((c.id, c.check) for c in lab.claims), PullSettings(sizes=False, pulls=False)
        ), "this run measures no compressed sizes or pull times"
    return pulls.unmeasured(lab), pulls.why_not()
