"""Verify one lab: resolve its bases, build and measure each variant, judge its claims.

This is the orchestration layer: it calls :mod:`checks.engine.docker` for the
measurements and the pure modules for everything else.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.engine import docker, floor, proc, rebuild
from checks.engine.bases import Resolver
from checks.engine.buildx import BuildRequest
from checks.engine.docker import MANAGED_LABEL
from checks.engine.layer_source import analyze, config_history, visible_paths
from checks.engine.pullbench import PullBench
from checks.inspect.analyze import secrets_seen, summary
from checks.inspect.secrets import scrubbed
from checks.model import checkout
from checks.model.checkout import HERE
from checks.model.claims import Kind
from checks.model.dockerfile import external_images_of, final_base_of, stages_of
from checks.model.errors import UsageError
from checks.model.i18n import _
from checks.model.measured import Compressed, Layer, Measured, Release, SharedPull
from checks.model.newbytes import layer_ids, new_blob_bytes, new_bytes, with_diff_ids, with_layer_bytes
from checks.model.progress import EarlyDone, Event, Say, stage_steps
from checks.model.pulls import PullFigures, PullSettings
from checks.model.results import (
    RESULTS_NAME,
    AnalysisSummary,
    BaseUse,
    ClaimResult,
    Results,
)
from checks.model.settings import Settings
from checks.model.spec import BUILD_ID_ENV, RELEASE_ENV, SPEC_NAME, Lab, Variant, load
from checks.model.units import megabytes
from checks.plan import keep, stale
from checks.plan.pulls import link_plan, run_plan, shared_plan, unmeasured
from checks.store.inputs import inputs_sha256
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


#: Seconds a lab's prepare script may take to make its build context.
PREPARE_TIMEOUT = 600.0


def image_tag(lab: Lab, variant: Variant) -> str:
    """The variant's image name, in this checkout's namespace: two checkouts on one engine never move each other's
    tags (:mod:`checks.model.checkout` says why names of their own rather than a lock)."""
    return HERE.tag(lab.name, variant.name)


def image_labels(lab: Lab, variant: Variant) -> dict[str, str]:
    """The labels on the variant's image: slimlab's, this checkout's (what ``make clean`` removes), the lab's and
    the variant's."""
    return {
        MANAGED_LABEL: "true",
        checkout.LABEL: HERE.id,
        "org.slimlab.lab": lab.name,
        "org.slimlab.variant": variant.name,
    }


def _still_tagged(lab: Lab, name: str, image_id: str) -> bool:
    """True when variant ``name``'s tag still names image ``image_id``."""
    current = docker.inspect_image(image_tag(lab, lab.variant(name)))
    return current is not None and current["Id"] == image_id


def floor_of(
    lab: Lab,
    variant: Variant,
    m: Measured,
    previous: Results | None,
    echo: Callable[[str], None],
    *,
    rebuilt: bool = False,
) -> Measured:
    """``m`` with its runtime floor: the recorded one when the same image printed the same, else traced anew.
    With ``rebuilt`` (the lab's inputs are the recorded ones), the floor of the same recipe built before
    that printed the same is kept too (:meth:`~checks.model.measured.Measured.built_like`), unless a floor
    claim reads the variant: those are traced on the build being judged.

    Only a variant whose smoke test passed has a floor; one that cannot be traced keeps none, and says why.
    """
    if variant.smoke is None or m.smoke is None or not m.smoke.passed:
        return m
    before = keep.recorded_floor(
        previous.variants.get(variant.name) if previous else None,
        m,
        rebuilt=keep.recipe_may_stand(lab, variant.name, rebuilt=rebuilt, reads=keep.reads_floor),
    )
    if before is not None:
        return dataclasses.replace(m, runtime_files=before.runtime_files, runtime_bytes=before.runtime_bytes)
    floor.ensure_strace(echo)
    echo(
        _("{lab}: tracing the smoke test of {variant} for its runtime floor").format(lab=lab.name, variant=variant.name)
    )
    run = floor.measure_floor(
        docker.inspect_image(m.image_id) or {},
        variant.smoke.args,
        expect=variant.smoke.expect,
        timeout=variant.smoke.timeout,
    )
    if run.floor is None:
        echo(_("{lab}: no runtime floor for {variant}: {why}").format(lab=lab.name, variant=variant.name, why=run.why))
        return m
    return dataclasses.replace(m, runtime_files=run.floor.count, runtime_bytes=run.floor.bytes)


def rebuild_of(
    lab: Lab,
    variant: Variant,
    m: Measured,
    request: BuildRequest,
    previous: Results | None,
    *,
    what: str,
    echo: Callable[[str], None],
    rebuilt: bool = False,
) -> Measured:
    """``m`` with its rebuild: the recorded one when the same image was recorded with it, else built anew.
    With ``rebuilt`` (the lab's inputs are the recorded ones), the rebuild recorded for the same recipe built
    before is kept too (:meth:`~checks.model.measured.Measured.built_like`), unless a ``reproducible`` claim
    reads the variant: those are rebuilt from the build being judged."""
    before = keep.recorded_rebuild(
        previous.variants.get(variant.name) if previous else None,
        m,
        rebuilt=keep.recipe_may_stand(lab, variant.name, rebuilt=rebuilt, reads=keep.reads_rebuild),
    )
    if before is not None:
        if before.image_id != m.image_id:
            echo(f"{what}: keeping the rebuild recorded for the same steps and layer sizes (--force builds it again)")
        return dataclasses.replace(m, rebuild=before.rebuild)
    return dataclasses.replace(m, rebuild=rebuild.rebuild(request, m.image_id, what=what, echo=echo))


def with_floors(lab: Lab, previous: Results, echo: Callable[[str], None]) -> Results:
    """The recorded results with every missing runtime floor traced on the recorded images, and the
    floor claims judged again (the other verdicts, which may need file lists, stay as recorded)."""
    variants = {v.name: floor_of(lab, v, previous.variants[v.name], previous, echo) for v in lab.variants}
    judged = {c.id: c for c in judge(lab, variants, only=lambda kind: kind.needs_floor)}
    claims = tuple(judged.get(c.id, c) for c in previous.claims)
    return dataclasses.replace(previous, variants=variants, claims=claims)


def _measure(
    lab: Lab,
    folder: Path,
    variant: Variant,
    request: BuildRequest,
    *,
    needs_files: bool,
    needs_secrets: bool = False,
    base: tuple[str, ...] | None,
    echo: Callable[[str], None],
) -> Measured:
    echo(
        _("{lab}: building {variant} ({dockerfile})").format(
            lab=lab.name, variant=variant.name, dockerfile=variant.dockerfile
        )
    )
    built = docker.build(request, echo=lambda line: echo("    " + line))
    image_id = built.image_id
    info = docker.inspect_image(image_id) or {}
    smoke = None
    if variant.smoke is not None:
        echo(_("{lab}: smoke test of {variant}").format(lab=lab.name, variant=variant.name))
        smoke = docker.run_smoke(
            image_id, variant.smoke.args, expect=variant.smoke.expect, timeout=variant.smoke.timeout
        )
        if smoke.timed_out:
            raise UsageError(
                f"{folder / SPEC_NAME}: the smoke test of variant '{variant.name}' did not finish within "
                f"{variant.smoke.timeout:g}s, so its container was killed and removed. Smoke arguments must make the "
                "app exit on its own (a self-check mode, as in lab 4); if the app is only slow, raise the smoke "
                "timeout in the lab spec."
            )
    diff_ids = info.get("RootFS", {}).get("Layers", [])
    steps = _layers(image_id, info)
    size = int(info.get("Size", 0))
    if docker.containerd_store():
        # There the engine's Size counts the compressed content and its history the snapshots' disk use: the
        # layers' own file bytes instead, which the classic store reports (the layers page compares them).
        found = analyze(image_id)
        size, steps = found.size_bytes, with_layer_bytes(steps, [layer.size_bytes for layer in found.layers])
    return Measured(
        image_id=image_id,
        size_bytes=size,
        layer_count=len(diff_ids),
        layers=steps,
        new_bytes=new_bytes(steps, base),
        base_layers=base,
        user=(info.get("Config") or {}).get("User") or "",
        files=visible_paths(image_id) if needs_files else None,
        stages=stage_steps(stages_of(request.dockerfile, request.target), built.steps),
        smoke=smoke,
        secrets=secrets_seen(analyze(image_id, secrets=True)) if needs_secrets else None,
    )


def prepare(folder: Path, lab: Lab, copy: Path, *, release: int = 1, build_id: str = "") -> None:
    """Run the lab's prepare script in ``copy``, for release ``release`` of the app (``SLIMLAB_RELEASE``)."""
    assert lab.prepare
    env = {**os.environ, RELEASE_ENV: str(release), BUILD_ID_ENV: build_id}
    done = proc.run(["bash", lab.prepare], what=str(folder / lab.prepare), cwd=copy, env=env, timeout=PREPARE_TIMEOUT)
    if done.returncode:
        tail = "\n".join("    " + line for line in (done.stdout + done.stderr).strip().splitlines()[-15:])
        raise UsageError(
            f"{folder / lab.prepare} failed (exit {done.returncode}, {RELEASE_ENV}={release}):\n{tail}\n"
            "Fix the script and run the command again."
        )


@contextlib.contextmanager
def build_folder(folder: Path, lab: Lab, echo: Callable[[str], None]) -> Iterator[Path]:
    """The folder to build from: the lab itself, or a prepared temporary copy of it (release 1)."""
    if not lab.prepare:
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix=f"slimlab-{lab.name}-") as tmp:
        copy = Path(tmp) / lab.name
        shutil.copytree(folder, copy, symlinks=True)
        echo(_("{lab}: preparing the build context ({script})").format(lab=lab.name, script=lab.prepare))
        prepare(folder, lab, copy)
        yield copy


def _layers(image_id: str, info: Mapping[str, Any] | None = None) -> tuple[Layer, ...]:
    """The image's history, each step that wrote a layer with its diff id (``info``: its inspect data, if read)."""
    info = info if info is not None else docker.inspect_image(image_id) or {}
    return with_diff_ids(docker.history(image_id), config_history(image_id), info.get("RootFS", {}).get("Layers", []))


def with_releases(
    lab: Lab,
    folder: Path,
    source: Path,
    measured: Mapping[str, Measured],
    requests: Mapping[str, BuildRequest],
    echo: Callable[[str], None],
) -> dict[str, Measured]:
    """``measured`` with the later releases of every variant an update claim reads: for each release and each
    such variant, the prepare script remakes the app in ``source`` (the prepared copy), with a build id of that
    variant's own, and the variant is built again on the warm builder, timed, and compared layer by layer with
    its releases before."""
    names = lab.released()
    built: dict[str, list[Release]] = {name: [] for name in names}
    held = {name: set(layer_ids(measured[name].layers)) for name in names}
    # One build id per variant: two variants with the same steps (an untouched exercise is its lab's before)
    # would otherwise share one release, and the second would take the first one's build from the cache.
    build_ids = {name: uuid.uuid4().hex[:16] for name in names}
    for number in range(2, lab.releases + 1):
        for name in names:
            echo(
                _("{lab}: preparing release {number} of the app for {variant} ({script})").format(
                    lab=lab.name, number=number, variant=name, script=lab.prepare
                )
            )
            prepare(folder, lab, source, release=number, build_id=build_ids[name])
            request = dataclasses.replace(
                requests[name],
                tag=f"{requests[name].tag}-release-{number}",
                labels={**requests[name].labels, "org.slimlab.release": str(number)},
            )
            echo(
                _("{lab}: building release {number} of {variant} on the warm builder").format(
                    lab=lab.name, number=number, variant=name
                )
            )
            start = time.monotonic()
            image_id = docker.build(request, echo=lambda line: echo("    " + line)).image_id
            seconds = round(time.monotonic() - start, 3)
            steps = _layers(image_id)
            built[name].append(
                Release(
                    number=number, image_id=image_id, build_seconds=seconds, new_bytes=new_bytes(steps, held[name]) or 0
                )
            )
            held[name] |= set(layer_ids(steps))
            new = megabytes(built[name][-1].new_bytes)
            echo(
                _("{lab}: release {number} of {variant} built in {seconds} s, {new} of new layers").format(
                    lab=lab.name, number=number, variant=name, seconds=f"{seconds:.1f}", new=new
                )
            )
    return {name: dataclasses.replace(m, releases=tuple(built.get(name, ()))) for name, m in measured.items()}


def _measure_all(
    lab: Lab,
    folder: Path,
    source: Path,
    uses: list[BaseUse],
    *,
    resolver: Resolver,
    builder: str | None,
    echo: Callable[[str], None],
    previous: Results | None,
    rebuilt: bool = False,
    early: Mapping[str, Measured] | None = None,
    variants_only: bool = False,
    only: Collection[str] | None = None,
) -> dict[str, Measured]:
    """Build, measure and smoke-test every variant from ``source`` (``folder`` or its prepared copy),
    and trace its runtime floor unless the settings say not to (reused from ``previous`` for the same image,
    and with ``rebuilt`` for the same recipe: see :func:`floor_of`; the same for rebuilds, :func:`rebuild_of`).
    A variant in ``early`` (measured so by :func:`measure_early`) is taken as it is; with ``variants_only``,
    the later releases and the rebuilds, which must run in order, are left out, and with ``only`` as well,
    only the variants it names are measured (``uses`` may then hold only the bases they name)."""
    assert only is None or variants_only, "a lab's turn measures every variant"
    file_variants = lab.read_by(lambda kind: kind.needs_files)
    secret_variants = lab.read_by(lambda kind: kind.needs_secrets)
    measured = {}
    requests = {}
    for variant in lab.variants:
        if only is not None and variant.name not in only:
            continue
        request = rebuild.with_epoch(
            BuildRequest(
                dockerfile=source / variant.dockerfile,
                context=source / variant.context,
                tag=image_tag(lab, variant),
                labels=image_labels(lab, variant),
                contexts=resolver.contexts(uses),
                target=variant.target,
                builder=builder,
                secrets=tuple(f"id={secret_id},src={source / file}" for secret_id, file in variant.secrets),
            )
        )
        requests[variant.name] = request
        if early is not None and variant.name in early:
            measured[variant.name] = early[variant.name]
            continue
        # What a node that already holds the final stage's base pulls: compared layer by layer.
        base = resolver.base_layers(final_base_of(source / variant.dockerfile, variant.target))
        measured[variant.name] = _measure(
            lab,
            folder,
            variant,
            request,
            needs_files=variant.name in file_variants,
            needs_secrets=variant.name in secret_variants,
            base=base,
            echo=echo,
        )
        if resolver.settings.floor:
            measured[variant.name] = floor_of(lab, variant, measured[variant.name], previous, echo, rebuilt=rebuilt)
    if variants_only:
        return measured
    if early:
        # in the lab's order, whichever of its groups ended first
        earlier = ", ".join(v.name for v in lab.variants if v.name in early)
        echo(f"{lab.name}: {earlier} built, smoke-tested and analyzed earlier, beside other builds")
    if lab.released():
        # Before any rebuild: a build with --no-cache leaves its own layers in the cache for the next build
        # to take, so a later release would start from the rebuild's layers instead of the variant's.
        measured = with_releases(lab, folder, source, measured, requests, echo)
        echo(_("{lab}: preparing release 1 of the app again ({script})").format(lab=lab.name, script=lab.prepare))
        prepare(folder, lab, source)
    for variant in lab.variants:
        if resolver.settings.rebuild and variant.name in lab.rebuilt():
            what = f"{lab.name}: {variant.name}"
            measured[variant.name] = rebuild_of(
                lab,
                variant,
                measured[variant.name],
                requests[variant.name],
                previous,
                what=what,
                echo=echo,
                rebuilt=rebuilt,
            )
    return measured


def base_names(lab: Lab, folder: Path) -> list[str]:
    """Every base the lab's Dockerfiles name, in order of first use."""
    names: list[str] = []
    for variant in lab.variants:
        names += [n for n in external_images_of(folder / variant.dockerfile) if n not in names]
    return names


def resolve_bases(lab: Lab, folder: Path, resolver: Resolver, names: Sequence[str] | None = None) -> list[BaseUse]:
    """The image behind every base the lab's Dockerfiles name (or each of ``names``), in order of first use."""
    return [resolver.resolve(name) for name in (base_names(lab, folder) if names is None else names)]


def variant_groups(lab: Lab, folder: Path) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The lab's variants grouped by the bases their Dockerfiles name: (those bases, in order of first use;
    the variants that name exactly them, in the lab's order), the groups in the order of their first variant.
    Each group can be measured as soon as its own bases exist (:func:`measure_early_all`)."""
    groups: dict[frozenset[str], tuple[list[str], list[str]]] = {}
    for variant in lab.variants:
        names = list(dict.fromkeys(external_images_of(folder / variant.dockerfile)))
        groups.setdefault(frozenset(names), (names, []))[1].append(variant.name)
    return [(tuple(bases), tuple(variants)) for bases, variants in groups.values()]


def measure(
    lab: Lab,
    folder: Path,
    uses: list[BaseUse],
    *,
    resolver: Resolver,
    builder: str | None,
    echo: Callable[[str], None],
    previous: Results | None = None,
    rebuilt: bool = False,
    early: Mapping[str, Measured] | None = None,
    variants_only: bool = False,
    only: Collection[str] | None = None,
) -> dict[str, Measured]:
    """Build, measure and smoke-test every variant of ``lab`` (prepared first if it says so); ``early``,
    ``variants_only`` and ``only`` as for :func:`_measure_all`."""
    with build_folder(folder, lab, echo) as source:
        return _measure_all(
            lab,
            folder,
            source,
            uses,
            resolver=resolver,
            builder=builder,
            echo=echo,
            previous=previous,
            rebuilt=rebuilt,
            early=early,
            variants_only=variants_only,
            only=only,
        )


def judge(
    lab: Lab, measured: Mapping[str, Measured], *, only: Callable[[Kind], bool] = lambda kind: True
) -> tuple[ClaimResult, ...]:
    """Every claim's verdict on the measurements (of the claims whose kind ``only`` accepts)."""
    results = []
    for claim in lab.claims:
        if not only(claim.check):
            continue
        verdict = claim.check.evaluate(measured)
        results.append(
            ClaimResult(
                id=claim.id,
                kind=claim.check.kind,
                text=claim.text,
                passed=verdict.passed,
                expected=verdict.expected,
                measured=verdict.measured,
            )
        )
    return tuple(results)


def with_pull_figures(
    lab: Lab,
    measured: Mapping[str, Measured],
    pulls: PullBench,
    previous: Results | None = None,
    *,
    rebuilt: bool = False,
    echo: Callable[[str], None] = lambda line: None,
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
    echo: Callable[[str], None],
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
    echo: Callable[[str], None],
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


def up_to_date(
    lab: Lab,
    previous: Results | None,
    digest: str,
    uses: Sequence[BaseUse],
    settings: Settings,
    pulls: PullBench | None,
    only: Collection[str] | None = None,
) -> bool:
    """True when the recorded results stand (:func:`checks.plan.stale.recorded_stand`) and every recorded
    image is still under its tag. With ``only`` (some of the variants, and ``uses`` the bases they name),
    the same for those variants."""
    bases = {u.name: u.image_id for u in uses}
    wants = pulls.setting if pulls is not None else None
    if previous is None or not stale.recorded_stand(lab, previous, digest, bases, settings, wants, only):
        return False
    return all(_still_tagged(lab, name, image_id) for name, image_id in stale.tagged(lab, previous, only).items())


def _inputs(
    folder: Path, resolver: Resolver, names: Sequence[str] | None = None
) -> tuple[Lab, str, list[BaseUse], Results | None]:
    """The lab in ``folder``, the fingerprint of its inputs, its bases (or only ``names``) and its recorded
    results, if any."""
    lab = load(folder)
    uses = resolve_bases(lab, folder, resolver, names)
    return lab, inputs_sha256(lab, folder), uses, read(folder / RESULTS_NAME)


@dataclass(frozen=True, kw_only=True)
class Early:
    """Some or all of a lab's variants measured before its turn, beside other builds (:func:`measure_early`):
    built, smoke-tested, listed, traced for their floors and analyzed. Nothing in it is a time, so it may be
    measured while other things build (and its variants pushed, :func:`push_early`); its turn measures the
    variants it lacks and adds what must run alone or in order (releases, rebuilds and timed pulls)."""

    #: The inputs and bases it was measured for (:func:`verify` uses it only for the same).
    digest: str
    #: The bases the variants measured name, by name: the image each was.
    bases: Mapping[str, str]
    measured: Mapping[str, Measured]
    #: Each variant's analysis, by image id.
    analysis: Mapping[str, AnalysisSummary]

    def holds_for(self, digest: str, uses: Sequence[BaseUse]) -> bool:
        """True when it was measured for these inputs and, of these bases, the ones its variants name."""
        current = {u.name: u.image_id for u in uses}
        return self.digest == digest and all(current.get(name) == image for name, image in self.bases.items())

    def __or__(self, other: Early) -> Early:
        """Both parts of one lab, measured for the same inputs."""
        assert self.digest == other.digest, "parts of one lab are measured for the same inputs"
        return Early(
            digest=self.digest,
            bases={**self.bases, **other.bases},
            measured={**self.measured, **other.measured},
            analysis={**self.analysis, **other.analysis},
        )


def measure_early(
    folder: Path,
    *,
    resolver: Resolver,
    echo: Callable[[str], None],
    builder: str | None = None,
    force: bool = False,
    pulls: PullBench | None = None,
    group: tuple[Sequence[str], Collection[str]] | None = None,
) -> Early | None:
    """What :func:`verify` would measure first for the lab in ``folder``, every figure but times; None when
    its turn will measure nothing (its results stand) or its spec does not load (its turn says why). With
    ``group`` (bases, variants: one of :func:`variant_groups`), only those variants, resolving only those
    bases. With ``pulls``, the variants the turn will push are pushed too (:func:`push_early`). Every line it
    prints names the lab, so that it can run beside other builds."""
    names, only = group if group is not None else (None, None)
    try:
        lab, digest, uses, previous = _inputs(folder, resolver, names)
    except UsageError:
        return None
    if not force and up_to_date(lab, previous, digest, uses, resolver.settings, pulls, only):
        return None
    reuse = None if force else previous
    rebuilt = keep.same_inputs(reuse, digest)

    def said(line: str) -> None:
        echo(f"    {lab.name}: {line.lstrip()}" if line.startswith(" ") else line)

    measured = measure(
        lab,
        folder,
        uses,
        resolver=resolver,
        builder=builder,
        echo=said,
        previous=reuse,
        rebuilt=rebuilt,
        variants_only=True,
        only=only,
    )
    some = only is not None and len(measured) < len(lab.variants)
    said(f"{lab.name}: analyzing the images" + (f" of {', '.join(measured)}" if some else ""))
    analysis = {m.image_id: summary(analyze(m.image_id)) for m in measured.values()}
    if pulls is not None:
        push_early(lab, measured, pulls, reuse, rebuilt=rebuilt, echo=said)
    return Early(
        digest=digest,
        bases={u.name: u.image_id for u in uses},
        measured=measured,
        analysis=analysis,
    )


#: The words :func:`measure_early_all`'s :class:`~checks.model.progress.EarlyDone` starts with.
EARLY_DONE = "measured early, side by side:"


def _groups_of(folder: Path) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The lab's :func:`variant_groups`; none when its spec does not load (its turn then says why)."""
    try:
        return variant_groups(load(folder), folder)
    except UsageError:
        return []


def measure_early_all(
    folders: Sequence[Path],
    resolver: Resolver,
    *,
    echo: Say,
    builder: str | None = None,
    force: bool = False,
    pulls: PullBench | None = None,
) -> dict[Path, Early | BaseException | None]:
    """Every lab's bases, and every lab's variants as soon as the bases they name exist (:func:`measure_early`
    of each of its :func:`variant_groups`: lab 5's glibc variants while python:3.13-alpine compiles), in the
    same slots, side by side (:meth:`Resolver.prepare`); all before any lab's turn, so that no build runs
    while a pull is timed. What each lab answered (its groups' answers together), or the first error one of
    its groups raised, which its turn raises again (a spec error waits for its lab the same way); a stand-in
    that fails to build stops the run here. It ends with :class:`~checks.model.progress.EarlyDone` (what came
    before ran side by side)."""
    found: dict[Path, Early | BaseException | None] = dict.fromkeys(folders)
    lock = threading.Lock()
    # Ctrl-C, SIGTERM or a stand-in that fails stops the run in the main thread only: the labs being
    # measured stop at their next line (a build in progress with it) instead of building the rest of them.
    stopped = threading.Event()

    def checked(line: str | Event) -> None:
        if stopped.is_set():
            raise UsageError("stopped: the run is interrupted, or a stand-in failed to build")
        echo(line)

    def job(folder: Path, group: tuple[tuple[str, ...], tuple[str, ...]]) -> Callable[[], None]:
        def run() -> None:
            try:
                part: Early | BaseException | None = measure_early(
                    folder, resolver=resolver, echo=checked, builder=builder, force=force, pulls=pulls, group=group
                )
            except Exception as error:  # raised again in the lab's turn
                part = error
            with lock:
                earlier = found[folder]
                if isinstance(earlier, BaseException) or part is None:
                    return
                found[folder] = part if earlier is None or isinstance(part, BaseException) else earlier | part

        return run

    start = time.monotonic()
    groups = {folder: _groups_of(folder) for folder in folders}
    jobs = {
        f"lab {folder.name}" + (f" ({', '.join(variants)})" if len(groups[folder]) > 1 else ""): (
            bases,
            job(folder, (bases, variants)),
        )
        for folder in folders
        for bases, variants in groups[folder]
    }
    resolver.prepare((name for needs, _ in jobs.values() for name in needs), jobs=jobs, stop=stopped)
    if early := [folder.name for folder, answer in found.items() if answer is not None]:
        seconds = time.monotonic() - start
        words = f"{EARLY_DONE} {len(early)} lab(s) and the stand-ins they need, in {seconds:.0f} s"
        echo(EarlyDone(labs=len(early), seconds=round(seconds, 1), text=words))
    return found


def _standing(lab: Lab, previous: Results, path: Path, settings: Settings, echo: Callable[[str], None]) -> Outcome:
    """The outcome of a lab whose recorded results stand: as recorded, or with the floors they lack traced."""
    if not (settings.floor and stale.lacks_floor(lab, previous)):
        return Outcome(lab=lab, results=previous, skipped=True, written=False)
    # Same images: only their floors are new, so nothing is rebuilt or pulled again.
    traced = with_floors(lab, previous, echo)
    return Outcome(lab=lab, results=traced, skipped=False, written=write_if_changed(path, traced, scrub=scrubbed))


def _analysis(
    lab: Lab, measured: Mapping[str, Measured], analyzed: Mapping[str, AnalysisSummary], echo: Callable[[str], None]
) -> dict[str, AnalysisSummary]:
    """Each variant's analysis: the one ``analyzed`` holds for its image (measured early), else made now."""
    echo(f"{lab.name}: analyzing the images")
    return {name: analyzed.get(m.image_id) or summary(analyze(m.image_id)) for name, m in measured.items()}


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
    echo: Callable[[str], None],
    builder: str | None = None,
    force: bool = False,
    pulls: PullBench | None = None,
    early: Early | BaseException | None = None,
) -> Outcome:
    """Verify the lab in ``folder`` and record its results (only when they changed).

    With ``pulls``, each variant is also pushed to a loopback registry and pulled cold
    (:mod:`checks.engine.pullbench`); claims that need figures the run does not measure are
    left unjudged, and then results.json is left as recorded. ``early`` is what :func:`measure_early`
    answered for the lab, beside other builds: its variants are not built again (or the error it raised
    is raised now, in the lab's turn)."""
    if isinstance(early, BaseException):
        raise early  # measuring it early failed: its turn says so, as it would have measuring it now
    lab, digest, uses, previous = _inputs(folder, resolver)
    path = folder / RESULTS_NAME
    if isinstance(early, Early) and not early.holds_for(digest, uses):
        early = None  # measured for other inputs: not what this turn would measure
    if early is None and not force and up_to_date(lab, previous, digest, uses, resolver.settings, pulls):
        assert previous is not None
        return _standing(lab, previous, path, resolver.settings, echo)

    engine = docker.engine_versions()
    reuse = None if force else previous  # --force traces the floors again too
    # The same inputs built again (a new machine, an emptied cache): the figures no claim reads are kept
    # for the same recipe, not only for the same image id.
    rebuilt = keep.same_inputs(reuse, digest)
    measured = measure(
        lab,
        folder,
        uses,
        resolver=resolver,
        builder=builder,
        echo=echo,
        previous=reuse,
        rebuilt=rebuilt,
        early=early.measured if early else None,
    )
    if pulls is not None:
        measured = with_pull_figures(lab, measured, pulls, reuse, rebuilt=rebuilt, echo=echo)
    measured = keep.kept_pull_figures(measured, previous, pulls.setting if pulls is not None else None)
    left_out, why = stale.left_out(lab, resolver.settings, unjudged(lab, pulls))
    claims = tuple(claim for claim in judge(lab, measured) if claim.id not in left_out)
    analysis = _analysis(lab, measured, early.analysis if early else {}, echo)
    results = Results(
        lab=lab.name,
        title=lab.title,
        inputs_sha256=digest,
        measured_at=datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        engine=engine,
        bases=tuple(uses),
        variants=measured,
        claims=claims,
        analysis=analysis,
        # As recorded: the run on each image store stands or not by the main run's inputs and bases
        # (checks.plan.stores), and is measured again after every lab's turn (checks.engine.stores).
        stores=previous.stores if previous is not None else {},
    )
    return _recorded(lab, path, results, left_out, why)
