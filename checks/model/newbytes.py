"""What a node that already holds an image's base must download: layers compared by diff id (pure).

A layer is known by its *diff id*, the SHA-256 of its uncompressed tar
(``RootFS.Layers`` in ``docker image inspect``).  A node that already holds an
image's base pulls only the layers whose diff ids the base does not list, and
each of them once.  That is why a squash that keeps the base costs an update
little and a flattened image costs the whole of it: the figures here say how
much, from the recorded history and the base's diff ids that
:mod:`checks.measure.build` supplies.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from checks.model.measured import Layer


def with_diff_ids(
    steps: Sequence[Layer], config: Sequence[Mapping[str, Any]], diff_ids: Sequence[str]
) -> tuple[Layer, ...]:
    """The history ``steps`` (oldest first) with each filesystem layer's diff id.

    ``config`` is the image config's history, step for step: the steps it does
    not mark ``empty_layer`` wrote the layers of ``diff_ids``, in order.  The
    steps come back unchanged when the two do not tell the same story (another
    number of steps or of layers), rather than with ids put on the wrong steps.
    """
    writes = [not step.get("empty_layer") for step in config]
    if len(writes) != len(steps) or sum(writes) != len(diff_ids):
        return tuple(steps)
    ids = iter(diff_ids)
    return tuple(
        dataclasses.replace(step, diff_id=next(ids)) if wrote else step
        for step, wrote in zip(steps, writes, strict=True)
    )


def with_layer_bytes(steps: Sequence[Layer], layer_bytes: Sequence[int]) -> tuple[Layer, ...]:
    """The history ``steps`` with each step that wrote a layer given that layer's own file bytes, in order
    (``layer_bytes``: one figure per filesystem layer, lowest first, as ``analyze`` reads them); unchanged when
    the two do not count the same layers."""
    writes = [bool(step.diff_id) for step in steps]
    if sum(writes) != len(layer_bytes):
        return tuple(steps)
    sizes = iter(layer_bytes)
    return tuple(
        dataclasses.replace(step, size_bytes=next(sizes)) if wrote else step
        for step, wrote in zip(steps, writes, strict=True)
    )


def layer_ids(steps: Sequence[Layer]) -> tuple[str, ...]:
    """The diff ids of the filesystem layers, lowest first (empty when none were recorded)."""
    return tuple(step.diff_id for step in steps if step.diff_id)


def new_bytes(steps: Sequence[Layer], base: Collection[str] | None) -> int | None:
    """Uncompressed bytes of the layers ``base`` (its diff ids; empty for ``FROM scratch``) does not hold.

    A layer that occurs twice is pulled once, so it counts once.  None when the
    base is unknown, or when ``steps`` carry no diff ids (results recorded
    before they were).
    """
    if base is None or not layer_ids(steps):
        return None
    sizes = {step.diff_id: step.size_bytes for step in steps if step.diff_id and step.diff_id not in base}
    return sum(sizes.values())


def new_blob_bytes(diff_ids: Sequence[str], blobs: Sequence[int], base: Collection[str] | None) -> int | None:
    """Compressed bytes of the layers ``base`` does not hold: ``blobs`` are the manifest's layer sizes,
    one per diff id in the same order.  None when the base is unknown or the two lists do not match."""
    if base is None or not diff_ids or len(diff_ids) != len(blobs):
        return None
    sizes = {diff_id: size for diff_id, size in zip(diff_ids, blobs, strict=True) if diff_id not in base}
    return sum(sizes.values())
