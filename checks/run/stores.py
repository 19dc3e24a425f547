"""A lab verified on Docker's other image store too (``[lab] stores``, :mod:`checks.plan.stores`).

The main run measures the lab on the main engine's store. For another store a
second, empty engine that keeps its images there is started once
(:func:`checks.engine.fresh_engine.fresh_engine`); the bases reach it as they
reach any machine, pulled from a registry (the pull benchmark's loopback one:
pulled, a layer arrives compressed, which is what the containerd store then
keeps and reports). There the variants the layers page shows are built,
smoke-tested and listed by the main run's own code, without what only the main
run measures (floors, pulls, rebuilds, releases), and the claims that read only
them are judged.  Each store's record keeps what ``docker image inspect`` and
``docker image ls`` say beside slimlab's own figure: the three differ on the
containerd store.  The second engine and everything built in it are removed at
the end.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from checks.engine import docker, images, transfer
from checks.engine.bases import Resolver
from checks.engine.fresh_engine import fresh_engine
from checks.engine.registry import Registry
from checks.model.dockerfile import external_images_of
from checks.model.errors import UsageError
from checks.model.measured import Measured, StoreFigures
from checks.model.progress import Say
from checks.model.results import BaseUse, Results, StoreRun
from checks.model.settings import Settings
from checks.model.spec import Lab
from checks.plan import stores
from checks.plan.judge import judge
from checks.run.variants import measure


class Engines:
    """A second engine per other store, started on first need and removed when the block is left. The bases
    reach it through ``registry`` (the pull benchmark's, where the variants were pushed: their layers, the
    bases' among them, are there already, so a base's push compresses nothing again)."""

    def __init__(self, settings: Settings, echo: Say, registry: Callable[[], Registry]):
        self._settings, self._echo, self.registry = settings, echo, registry
        self._stack = contextlib.ExitStack()
        self._hosts: dict[str, str] = {}

    def __enter__(self) -> Engines:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stack.close()

    def host(self, store: str) -> str:
        if store not in self._hosts:
            self._echo(f"starting a second engine with the {store} image store")
            self._hosts[store] = self._stack.enter_context(
                fresh_engine(self._settings.engine_timeout, containerd_store=store == "containerd")
            )
        return self._hosts[store]


def _figures(name: str, m: Measured) -> StoreFigures:
    info = images.inspect_image(m.image_id) or {}
    listed = images.listed_bytes(m.image_id)
    if listed is None:
        raise UsageError(f"The engine lists no image {m.image_id} for variant '{name}' just after building it.")
    return StoreFigures(
        image_id=m.image_id, size_bytes=m.size_bytes, inspect_bytes=int(info.get("Size", 0)), listed_bytes=listed
    )


def main_run(results: Results, store: str) -> StoreRun:
    """The main run's images on the main engine's own store, with what that engine reports of each."""
    return StoreRun(
        store=store,
        inputs_sha256=results.inputs_sha256,
        bases={use.name: use.image_id for use in results.bases},
        engine=results.engine,
        variants={name: _figures(name, m) for name, m in results.variants.items()},
    )


def _copied(uses: tuple[BaseUse, ...], host: str, through: Registry, echo: Say) -> list[BaseUse]:
    """The main run's bases in the engine at ``host``, pushed to ``through`` and pulled from it unless already
    there: each as the main run named it, with its id in that engine."""
    there = []
    for use in uses:
        with docker.engine_at(host):
            found = images.inspect_image(use.image)
        if found is None:
            ref = through.ref_of(use.image)
            echo(f"pushing {use.image} to the loopback registry and pulling it into the second engine")
            transfer.push(use.image, ref)
            transfer.pull_as(ref, use.image, host=host)
            with docker.engine_at(host):
                found = images.inspect_image(use.image)
        if found is None:
            raise UsageError(f"The second engine at {host} lacks {use.image} just after pulling it.")
        there.append(dataclasses.replace(use, image_id=str(found["Id"])))
    return there


def other_run(
    lab: Lab, folder: Path, results: Results, *, store: str, engines: Engines, settings: Settings, echo: Say
) -> StoreRun:
    """The variants of ``lab`` the layers page shows (:data:`checks.plan.stores.OTHER_STORE_VARIANTS`) built from
    ``folder`` on the main run's bases in a second engine that keeps its images in ``store``, measured there, and
    the claims that read only them judged there."""
    host = engines.host(store)
    built = stores.OTHER_STORE_VARIANTS
    named = {name for variant in built for name in external_images_of(folder / lab.variant(variant).dockerfile)}
    uses = _copied(tuple(use for use in results.bases if use.name in named), host, engines.registry(), echo)
    with docker.engine_at(host):
        resolver = Resolver(echo=echo, settings=dataclasses.replace(settings, floor=False, rebuild=False), known=uses)
        measured = measure(
            lab, folder, uses, resolver=resolver, builder=None, echo=echo, variants_only=True, only=built
        )
        claims = judge(lab, measured, only=stores.judged_on_other_stores)
        return StoreRun(
            store=store,
            inputs_sha256=results.inputs_sha256,
            bases={use.name: use.image_id for use in results.bases},
            engine=docker.engine_versions(),
            variants={name: _figures(name, m) for name, m in measured.items()},
            claims=tuple(claims),
        )


def with_stores(
    lab: Lab, folder: Path, results: Results, engines: Engines, *, settings: Settings, echo: Say
) -> Results:
    """``results`` with a run on every store ``lab`` names whose recorded run does not stand."""
    main = docker.image_store()
    runs = dict(results.stores)
    for store in stores.to_measure(lab, results, main):
        if store == main:
            runs[store] = main_run(results, store)
            continue
        echo(f"{lab.name}: building {' and '.join(stores.OTHER_STORE_VARIANTS)} again on the {store} image store")
        runs[store] = other_run(lab, folder, results, store=store, engines=engines, settings=settings, echo=echo)
    return dataclasses.replace(results, stores={store: runs[store] for store in lab.stores if store in runs})
