"""The releases facet: the later releases of every variant an update claim reads, each built on the warm builder,
timed, and compared layer by layer with the releases before it."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

from checks.engine import docker
from checks.engine.buildx import BuildRequest
from checks.measure.build import layers_of
from checks.measure.source import prepare
from checks.model.i18n import _
from checks.model.measured import Measured, Release
from checks.model.newbytes import layer_ids, new_bytes
from checks.model.progress import BUILDS, Say, Step
from checks.model.spec import Lab
from checks.model.units import megabytes


def with_releases(
    lab: Lab,
    folder: Path,
    source: Path,
    measured: Mapping[str, Measured],
    requests: Mapping[str, BuildRequest],
    echo: Say,
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
            built[name].append(_release(lab, name, number, requests[name], held[name], echo))
    return {name: dataclasses.replace(m, releases=tuple(built.get(name, ()))) for name, m in measured.items()}


def _release(lab: Lab, name: str, number: int, request: BuildRequest, held: set[str], echo: Say) -> Release:
    """Release ``number`` of variant ``name``, its app prepared already, built by ``request`` under a tag of its
    own and timed; ``held``, the layers of its releases before, gains its own."""
    request = dataclasses.replace(
        request,
        tag=f"{request.tag}-release-{number}",
        labels={**request.labels, "org.slimlab.release": str(number)},
    )
    words = _("{lab}: building release {number} of {variant} on the warm builder")
    echo(Step(phase=BUILDS, lab=lab.name, text=words.format(lab=lab.name, number=number, variant=name)))
    start = time.monotonic()
    image_id = docker.build(request, echo=lambda line: echo("    " + line)).image_id
    seconds = round(time.monotonic() - start, 3)
    steps = layers_of(image_id)
    release = Release(number=number, image_id=image_id, build_seconds=seconds, new_bytes=new_bytes(steps, held) or 0)
    held |= set(layer_ids(steps))
    new = megabytes(release.new_bytes)
    echo(
        _("{lab}: release {number} of {variant} built in {seconds} s, {new} of new layers").format(
            lab=lab.name, number=number, variant=name, seconds=f"{seconds:.1f}", new=new
        )
    )
    return release
