"""Layer compression: gzip as ``docker push`` writes it, and zstd at two levels: plain functions over data.

A registry stores each layer compressed, and a node downloads and then
decompresses it.  The engine this checker drives (the classic image store)
pushes gzip and nothing else; BuildKit's image output can write zstd
(``compression=zstd,compression-level=N,force-compression=true``) and skopeo
re-compresses on copy (``--dest-compress-format zstd --dest-compress-level N``).
The checker takes the second road, on the image it already built, so the
same layers are compared: :mod:`checks.engine.recompress` runs skopeo,
:mod:`checks.engine.pullbench` pushes and pulls, and what they read (the
matrix, the unpack time a pull's progress messages show) is here; which
variants the matrix covers is :func:`checks.plan.pulls.matrix_plan`, and
skopeo's arguments are :mod:`checks.engine.recompress`'s.

Both skopeo and BuildKit compress zstd with the Go encoder of
``github.com/klauspost/compress``, which has four speeds, not zstd's 22
levels: a level is mapped onto one of them (:func:`encoder_speed`), and every
level from 10 up is its best, about what the zstd tool's level 11 gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Compression:
    """One way to compress an image's layers."""

    #: ``gzip`` or ``zstd``.
    format: str
    #: The level asked for; None for what ``docker push`` writes (gzip at Go's default level, never re-compressed).
    level: int | None = None

    @property
    def key(self) -> str:
        """How results.json and ``lab.toml`` name it: ``gzip``, ``zstd-3``."""
        return self.format if self.level is None else f"{self.format}-{self.level}"

    @property
    def pushed(self) -> bool:
        """True for the engine's own gzip, which the ordinary push measures; False for a re-compression."""
        return self.level is None


#: What ``docker push`` writes: every image's compressed size and cold pulls elsewhere in the guide are these.
PUSHED = Compression("gzip")
#: The matrix, in the order the guide shows it: the engine's gzip, zstd's default level and its highest.
MATRIX = (PUSHED, Compression("zstd", 3), Compression("zstd", 19))
#: The compressions skopeo writes (all but the engine's own).
RECOMPRESSED = tuple(c for c in MATRIX if not c.pushed)
#: Every key of :data:`MATRIX`, as a claim may name one.
KEYS = tuple(c.key for c in MATRIX)


def by_key(key: str) -> Compression:
    """The compression of :data:`MATRIX` named ``key``."""
    for compression in MATRIX:
        if compression.key == key:
            return compression
    raise ValueError(f"no compression named {key!r} (known: {', '.join(KEYS)})")


def encoder_speed(level: int) -> str:
    """The speed of klauspost's zstd encoder a zstd level is mapped to, as containers/image maps it
    (``zstd.EncoderLevelFromZstd``): below 3 fastest, 3 to 5 default, 6 to 9 better, 10 and up best."""
    if level < 3:
        return "fastest"
    if level < 6:
        return "default"
    if level < 10:
        return "better"
    return "best"


def unpack_seconds(events: Iterable[tuple[float, str, str]]) -> float | None:
    """Seconds a pull spent unpacking, from its progress messages: (seconds since the pull began, layer id,
    status), in the order the engine sent them.

    The engine downloads several layers at once but decompresses and unpacks them one at a time, lowest
    first: a layer's unpacking starts once it is downloaded and the layer below it is unpacked, and ends
    at its ``Pull complete``.  The sum of those spans is the pull's unpack time; the rest of the pull is
    transfer (and waiting).  A layer the engine already held (``Already exists``) unpacks nothing.  None
    when no layer was unpacked."""
    order: list[str] = []
    downloaded: dict[str, float] = {}
    complete: dict[str, float] = {}
    for seconds, layer, status in events:
        if not layer or status == "Already exists":
            continue
        if layer not in order and status in ("Pulling fs layer", "Waiting", "Downloading", "Download complete"):
            order.append(layer)
        if status == "Download complete":
            downloaded[layer] = seconds
        elif status == "Pull complete":
            complete[layer] = seconds
            if layer not in order:
                order.append(layer)
    total, below = 0.0, 0.0
    for layer in order:
        if layer not in complete:
            continue
        start = max(downloaded.get(layer, below), below)
        total += max(complete[layer] - start, 0.0)
        below = complete[layer]
    return round(total, 3) if complete else None
