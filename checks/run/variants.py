"""A lab's variants measured: each variant's build facet and floor (or the ones measured early, taken as they
are), then what must run in order, its later releases and its rebuilds."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from checks.engine.bases import Resolver
from checks.engine.buildx import BuildRequest
from checks.measure import build
from checks.measure.floor import floor_of
from checks.measure.rebuild import rebuild_of
from checks.measure.releases import with_releases
from checks.measure.source import build_folder, build_request, prepare
from checks.model.dockerfile import final_base_of
from checks.model.i18n import _
from checks.model.measured import Facet, Measured
from checks.model.progress import Say
from checks.model.results import BaseUse, Results
from checks.model.spec import Lab


def measure_all(
    lab: Lab,
    folder: Path,
    source: Path,
    uses: list[BaseUse],
    *,
    resolver: Resolver,
    builder: str | None,
    echo: Say,
    previous: Results | None,
    rebuilt: bool = False,
    early: Mapping[str, Measured] | None = None,
    variants_only: bool = False,
    only: Collection[str] | None = None,
) -> dict[str, Measured]:
    """Build, measure and smoke-test every variant from ``source`` (``folder`` or its prepared copy),
    and trace its runtime floor unless the settings say not to (reused from ``previous`` for the same image,
    and with ``rebuilt`` for the same recipe: see :func:`~checks.measure.floor.floor_of`; the same for rebuilds,
    :func:`~checks.measure.rebuild.rebuild_of`). A variant in ``early`` (measured so by
    :func:`checks.run.early.measure_early`) is taken as it is; with ``variants_only``, the later releases and the
    rebuilds, which must run in order, are left out, and with ``only`` as well, only the variants it names are
    measured (``uses`` may then hold only the bases they name)."""
    assert only is None or variants_only, "a lab's turn measures every variant"
    requests = {
        variant.name: build_request(lab, variant, source, uses, resolver=resolver, builder=builder)
        for variant in lab.variants
        if only is None or variant.name in only
    }
    early = early or {}
    measured = {}
    for name, request in requests.items():
        measured[name] = early.get(name) or _built(lab, folder, name, request, resolver, echo, previous, rebuilt)
    if variants_only:
        return measured
    if early:
        # in the lab's order, whichever of its groups ended first
        earlier = ", ".join(v.name for v in lab.variants if v.name in early)
        echo(f"{lab.name}: {earlier} built, smoke-tested and analyzed earlier, beside other builds")
    return _in_order(lab, folder, source, measured, requests, resolver, echo, previous, rebuilt)


def _built(
    lab: Lab,
    folder: Path,
    name: str,
    request: BuildRequest,
    resolver: Resolver,
    echo: Say,
    previous: Results | None,
    rebuilt: bool,
) -> Measured:
    """Variant ``name`` built by ``request``, measured, smoke-tested and, unless the settings say not to, traced
    for its floor."""
    variant = lab.variant(name)
    # What a node that already holds the final stage's base pulls: compared layer by layer.
    base = resolver.base_layers(final_base_of(request.dockerfile, variant.target))
    m = build.probe(
        lab,
        folder,
        variant,
        request,
        needs_files=name in lab.read_by(lambda kind: kind.reads(Facet.FILES)),
        needs_secrets=name in lab.read_by(lambda kind: kind.reads(Facet.SECRETS)),
        base=base,
        echo=echo,
    )
    return floor_of(lab, variant, m, previous, echo, rebuilt=rebuilt) if resolver.settings.floor else m


def _in_order(
    lab: Lab,
    folder: Path,
    source: Path,
    measured: dict[str, Measured],
    requests: Mapping[str, BuildRequest],
    resolver: Resolver,
    echo: Say,
    previous: Results | None,
    rebuilt: bool,
) -> dict[str, Measured]:
    """``measured`` with what must run in order after every variant is built: the later releases, then the
    rebuilds."""
    if lab.released():
        # Before any rebuild: a build with --no-cache leaves its own layers in the cache for the next build
        # to take, so a later release would start from the rebuild's layers instead of the variant's.
        measured = with_releases(lab, folder, source, measured, requests, echo)
        echo(_("{lab}: preparing release 1 of the app again ({script})").format(lab=lab.name, script=lab.prepare))
        prepare(folder, lab, source)
    for variant in lab.variants:
        if resolver.settings.rebuild and variant.name in lab.rebuilt():
            measured[variant.name] = rebuild_of(
                lab,
                variant,
                measured[variant.name],
                requests[variant.name],
                previous,
                what=f"{lab.name}: {variant.name}",
                echo=echo,
                rebuilt=rebuilt,
            )
    return measured


def measure(
    lab: Lab,
    folder: Path,
    uses: list[BaseUse],
    *,
    resolver: Resolver,
    builder: str | None,
    echo: Say,
    previous: Results | None = None,
    rebuilt: bool = False,
    early: Mapping[str, Measured] | None = None,
    variants_only: bool = False,
    only: Collection[str] | None = None,
) -> dict[str, Measured]:
    """Build, measure and smoke-test every variant of ``lab`` (prepared first if it says so); ``early``,
    ``variants_only`` and ``only`` as for :func:`measure_all`."""
    with build_folder(folder, lab, echo) as source:
        return measure_all(
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
