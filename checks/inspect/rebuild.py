"""What two builds of the same variant wrote differently: pure functions over their layers and configs.

A build is reproducible when building it again from the same inputs gives
the same image id.  When it does not, :func:`compare` names what differs,
layer by layer and path by path, in the words of
:data:`checks.model.measured.ASPECTS` (``content``, ``mtime``, ...), so a
reader sees whether only file times moved (what ``SOURCE_DATE_EPOCH`` and
``rewrite-timestamp`` are for) or the bytes did (bytecode, logs, caches).

Both images must come from the same reader (the engine's storage or ``docker
save``), so that their checksums are of one kind; entries must carry their
:class:`~checks.inspect.layers.Stamp`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from checks.inspect.layers import Entry
from checks.model.measured import ASPECTS, DIFFERENCES_KEPT, FileDifference, Rebuild

#: The configuration key that changes whenever a layer does; it is no difference of its own.
LAYERS_KEY = "rootfs"


def aspects_of(first: Entry, second: Entry) -> tuple[str, ...]:
    """How two copies of one path differ, in :data:`ASPECTS` order; empty when they are the same."""
    a, b = first.stamp, second.stamp
    found = {
        "content": first.size != second.size or first.checksum != second.checksum,
        "type": first.type != second.type,
        "mode": a is not None and b is not None and a.mode != b.mode,
        "owner": a is not None and b is not None and (a.uid, a.gid) != (b.uid, b.gid),
        "link": first.link != second.link or (a is not None and b is not None and a.target != b.target),
        "mtime": a is not None and b is not None and a.mtime != b.mtime,
    }
    return tuple(aspect for aspect in ASPECTS if found.get(aspect))


def layer_differences(index: int, first: Sequence[Entry], second: Sequence[Entry]) -> list[FileDifference]:
    """The paths of one layer that the two builds wrote differently, in path order."""
    a = {e.path: e for e in first}
    b = {e.path: e for e in second}
    found = []
    for path in sorted(a.keys() | b.keys()):
        if path not in b:
            aspects: tuple[str, ...] = ("only-first",)
        elif path not in a:
            aspects = ("only-second",)
        else:
            aspects = aspects_of(a[path], b[path])
        if aspects:
            found.append(FileDifference(layer=index, path=path, aspects=aspects))
    return found


def config_difference(first: Mapping[str, Any], second: Mapping[str, Any]) -> FileDifference | None:
    """The top-level configuration keys that differ, ``rootfs`` aside (it follows the layers); None when none do."""
    keys = sorted(k for k in first.keys() | second.keys() if k != LAYERS_KEY and first.get(k) != second.get(k))
    return FileDifference(layer=-1, path="config", aspects=tuple(keys)) if keys else None


def compare(
    image_ids: tuple[str, str],
    layers: tuple[Sequence[Sequence[Entry]], Sequence[Sequence[Entry]]],
    configs: tuple[Mapping[str, Any], Mapping[str, Any]],
    *,
    source_date_epoch: int,
) -> Rebuild:
    """What the two builds ``image_ids`` wrote differently (nothing when the ids match)."""
    record = Rebuild(source_date_epoch=source_date_epoch, image_ids=image_ids)
    if image_ids[0] == image_ids[1]:
        return record
    first, second = layers
    found = [
        difference
        for index in range(max(len(first), len(second)))
        for difference in layer_differences(
            index, first[index] if index < len(first) else (), second[index] if index < len(second) else ()
        )
    ]
    counts = Counter(aspect for difference in found for aspect in difference.aspects)
    if (config := config_difference(*configs)) is not None:
        found.insert(0, config)
        counts["config"] = 1
    # Content first: those are the differences that no time setting removes.
    shown = sorted(found, key=lambda d: (d.layer != -1, "content" not in d.aspects, d.layer, d.path))
    return Rebuild(
        source_date_epoch=source_date_epoch,
        image_ids=image_ids,
        differing=len(found),
        by_aspect=dict(sorted(counts.items())),
        differences=tuple(shown[:DIFFERENCES_KEPT]),
    )
