"""Reproducibility: build a variant twice more, each time from an empty build cache, and compare the two images.

Both builds get the same ``SOURCE_DATE_EPOCH`` (every lab build does, see
:data:`SOURCE_DATE_EPOCH`) and ``--no-cache``, so every step runs again; on
an engine with the containerd image store they also ask BuildKit to clamp
file times to it (``rewrite-timestamp``), which the classic store's exporter
does not do.  The images are read back with each entry's mode, owner and time
(:mod:`checks.engine.layer_source`), compared by :mod:`checks.inspect.rebuild`,
and their tags removed again: the record keeps their ids and what differs.

BuildKit keeps cache mounts (``RUN --mount=type=cache``) across ``--no-cache``;
those are the one part of the cache the two builds share.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from typing import Any

from checks.engine import docker
from checks.engine.buildx import BuildRequest
from checks.engine.layer_source import config_history, read_image
from checks.inspect.rebuild import compare
from checks.model.measured import Rebuild

#: The ``SOURCE_DATE_EPOCH`` every lab build is given: 2025-01-01T00:00:00Z, a fixed time, so the same
#: inputs can give the same image on any machine and on any day.
SOURCE_DATE_EPOCH = 1735689600

#: Seconds between the end of the first build and the start of the second.  Tar headers keep whole seconds,
#: so two quick builds within one second would agree on every time by luck; a second apart, no time one
#: build writes can equal a time the other writes unless the build itself set it.
GAP = 1.0

#: The image fields a rebuild compares besides the layers (``docker image inspect`` names).
COMPARED = ("Architecture", "Os", "Variant", "Author", "Comment", "Created", "Config")


def with_epoch(request: BuildRequest) -> BuildRequest:
    """``request`` with ``SOURCE_DATE_EPOCH`` among its build arguments."""
    return dataclasses.replace(request, build_args={**request.build_args, "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH)})


def _config_of(image_id: str) -> Mapping[str, Any]:
    """What of the image's configuration two builds may differ in, layers aside."""
    info = docker.inspect_image(image_id) or {}
    return {**{key: info.get(key) for key in COMPARED}, "history": list(config_history(image_id))}


def rebuild(request: BuildRequest, *, what: str, echo: Callable[[str], None]) -> Rebuild:
    """Build ``request`` twice from an empty build cache and compare the two images (``what`` names it in progress)."""
    rewrite = docker.containerd_store()
    ids, tags = [], []
    try:
        for run in (1, 2):
            if run == 2:
                time.sleep(GAP)
            echo(f"{what}: rebuilding from an empty build cache ({run}/2) to see whether it is reproducible")
            tag = f"{request.tag}-rebuild-{run}"
            built = dataclasses.replace(with_epoch(request), tag=tag, no_cache=True, rewrite_timestamp=rewrite)
            ids.append(docker.build(built, echo=lambda line: echo("    " + line)))
            tags.append(tag)
        first, second = (read_image(image_id, stamped=True) for image_id in ids)
        found = compare(
            (ids[0], ids[1]),
            (first.layers, second.layers),
            (_config_of(ids[0]), _config_of(ids[1])),
            source_date_epoch=SOURCE_DATE_EPOCH,
            rewrite_timestamp=rewrite,
        )
    finally:
        # Untag only: when a rebuild gave the variant's own image, that image keeps its tag.
        docker.remove_images(tags)
    if found.reproducible:
        echo(f"{what}: reproducible, the same image id twice ({ids[0][:19]})")
    else:
        echo(f"{what}: not reproducible, {found.differing} paths differ ({', '.join(found.by_aspect)})")
    return found
