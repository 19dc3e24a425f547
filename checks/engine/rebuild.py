"""Reproducibility: build a variant once more, from an empty build cache, and compare it with the variant's image.

The variant's own build and this one get the same ``SOURCE_DATE_EPOCH``
(every lab build does, see :data:`SOURCE_DATE_EPOCH`); this one also gets
``--no-cache``, so every step runs again, at least :data:`GAP` later.  Neither
asks BuildKit to clamp file times (``rewrite-timestamp``): an exporter that
stores into the engine unpacks the image, and BuildKit refuses the two together
on either image store ("conflicts with unpack", moby/buildkit#4230), so the
labs set their files' times themselves.
The variant's own image may come from the build cache: the same inputs must
give the same image either way, so one more build is the whole test (on a cold
run both builds start from nothing).  The two images are read back with each
entry's mode, owner and time (:mod:`checks.engine.layer_source`), compared by
:mod:`checks.inspect.rebuild`, and the rebuild's tag removed again: the record
keeps both ids and what differs.

BuildKit keeps cache mounts (``RUN --mount=type=cache``) across ``--no-cache``;
those are the one part of the cache the two builds share.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import Any

from checks.engine import docker, images
from checks.engine.buildx import BuildRequest
from checks.engine.layer_source import config_history, read_image
from checks.inspect.rebuild import compare
from checks.model.measured import Rebuild
from checks.model.progress import REBUILDS, Say, Step

#: The ``SOURCE_DATE_EPOCH`` every lab build is given: 2025-01-01T00:00:00Z, a fixed time, so the same
#: inputs can give the same image on any machine and on any day.
SOURCE_DATE_EPOCH = 1735689600

#: Seconds at least between the end of the variant's build and the start of the rebuild.  Tar headers keep
#: whole seconds, so two quick builds within one second would agree on every time by luck; a second apart,
#: no time one build writes can equal a time the other writes unless the build itself set it.
GAP = 1.0

#: The image fields a rebuild compares besides the layers (``docker image inspect`` names).
COMPARED = ("Architecture", "Os", "Variant", "Author", "Comment", "Created", "Config")


def with_epoch(request: BuildRequest) -> BuildRequest:
    """``request`` with ``SOURCE_DATE_EPOCH`` among its build arguments."""
    return dataclasses.replace(request, build_args={**request.build_args, "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH)})


def _config_of(image_id: str) -> Mapping[str, Any]:
    """What of the image's configuration two builds may differ in, layers aside."""
    info = images.inspect_image(image_id) or {}
    return {**{key: info.get(key) for key in COMPARED}, "history": list(config_history(image_id))}


def rebuild(request: BuildRequest, own: str, *, what: str, echo: Say, lab: str = "") -> Rebuild:
    """Build ``request`` (made by :func:`with_epoch`) once more from an empty build cache and compare the image
    with ``own``, the variant's image built from the same request (``what`` names it in progress, each
    :class:`~checks.model.progress.Step` of it ``lab``'s)."""
    tag = f"{request.tag}-rebuild"
    try:
        time.sleep(GAP)
        text = f"{what}: rebuilding from an empty build cache to see whether it is reproducible"
        echo(Step(phase=REBUILDS, lab=lab, text=text))
        again = docker.build(
            dataclasses.replace(request, tag=tag, no_cache=True), echo=lambda line: echo("    " + line)
        ).image_id
        ids = (own, again)
        first, second = (read_image(image_id, stamped=True) for image_id in ids)
        found = compare(
            ids,
            (first.layers, second.layers),
            (_config_of(own), _config_of(again)),
            source_date_epoch=SOURCE_DATE_EPOCH,
        )
    finally:
        # Untag only: when the rebuild gave the variant's own image, that image keeps its tag. The tag is the
        # variant's with a suffix, in this checkout's namespace: no other checkout's image is ever named so.
        images.remove_images([tag])
    if found.reproducible:
        text = f"{what}: reproducible, the same image id again ({own[:19]})"
    else:
        text = f"{what}: not reproducible, {found.differing} paths differ ({', '.join(found.by_aspect)})"
    echo(Step(phase=REBUILDS, lab=lab, text=text))
    return found
