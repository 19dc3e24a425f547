"""Which image stores a lab must be measured on again, and which of its claims each store judges.

A lab that names ``[lab] stores`` is verified on each of them: on the main engine's own store by its main
run, on every other one by a second engine that keeps its images there (:mod:`checks.run.stores`). A
store's run stands while the main run's inputs and bases are those it was measured beside.
"""

from __future__ import annotations

from collections.abc import Mapping

from checks.model.claims.kind import Kind
from checks.model.measured import Facet
from checks.model.results import Results, StoreRun
from checks.model.spec import Lab

#: The variants built on another store: what the layers page's table shows. The rest would double the time the
#: store takes (every Go variant builds on the whole Go toolchain) for figures no page shows.
OTHER_STORE_VARIANTS = ("before", "after")


def judged_on_other_stores(kind: Kind) -> bool:
    """The claims judged again on another store: those of :func:`judged_on_every_store` that read only the
    variants built there."""
    return judged_on_every_store(kind) and set(kind.variants()) <= set(OTHER_STORE_VARIANTS)


#: The facets only the main run measures.
MAIN_RUN_ONLY = (Facet.FLOOR, Facet.REGISTRY, Facet.PULLS, Facet.REBUILD, Facet.RELEASES, Facet.COMPRESSIONS)


def judged_on_every_store(kind: Kind) -> bool:
    """Claims about what an image holds, how large it is and how it runs: judged on every store. Those that
    need figures only the main run measures (runtime floors, registry sizes, pulls, releases, rebuilds) are
    judged by the main run alone."""
    return not kind.reads(*MAIN_RUN_ONLY)


def beside(run: StoreRun | None, results: Results) -> bool:
    """Whether ``run`` was measured beside a main run of the same inputs and bases as ``results``."""
    bases: Mapping[str, str] = {use.name: use.image_id for use in results.bases}
    return run is not None and run.inputs_sha256 == results.inputs_sha256 and dict(run.bases) == bases


def main_stands(run: StoreRun | None, results: Results) -> bool:
    """Whether the main store's figures are those of the main run's images."""
    return (
        beside(run, results)
        and run is not None
        and {name: figures.image_id for name, figures in run.variants.items()}
        == {name: m.image_id for name, m in results.variants.items()}
    )


def to_measure(lab: Lab, results: Results, main: str) -> tuple[str, ...]:
    """The stores ``lab`` names, in its order, whose recorded run does not stand for ``results``: the main
    engine's store ``main`` when its figures are not of the main run's images, another when it was measured
    beside other inputs or bases."""
    return tuple(
        store
        for store in lab.stores
        if not (main_stands if store == main else beside)(results.stores.get(store), results)
    )
