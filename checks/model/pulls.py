"""What a fresh node downloads and how long it waits: plain functions over data.

A smaller image deploys faster because a node pulls it faster.  The checker
measures two things per variant: the *compressed size* (the layer blobs a
registry stores after a push, which is what a node downloads) and the *pull
time* (cold pulls by an engine that has never pulled anything).
:mod:`checks.engine.registry` runs the registry and :mod:`checks.engine.pullbench` pushes
and pulls; the facts they read (settings, manifests, the points of the guide's chart) are the
functions here, and what a run pulls, as the claims ask, is :mod:`checks.plan.pulls`.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.model.compression import MATRIX
from checks.model.measured import Compressed
from checks.model.results import Results
from checks.model.settings import Settings

#: The setting that turns the measurement down (see :mod:`checks.model.settings`).
ENV_MODE = "SLIMLAB_PULL_MEASURE"

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
#: What a manifest request accepts, single-platform manifests first.
ACCEPT = ", ".join((DOCKER_MANIFEST, OCI_MANIFEST, DOCKER_LIST, OCI_INDEX))


@dataclass(frozen=True, kw_only=True)
class PullSettings:
    """How much of a pull ``python -m checks verify`` measures."""

    #: Push each variant to a loopback registry and record its compressed size.
    sizes: bool = True
    #: Also time cold pulls by a fresh engine (needs root).
    pulls: bool = True
    #: Cold pulls per variant; the median is recorded.
    runs: int = 3


def wanted(settings: Settings) -> PullSettings:
    """What the settings ask ``verify`` to measure of a pull."""
    return PullSettings(sizes=settings.measures_sizes, pulls=settings.measures_pulls, runs=settings.pull_runs)


def registry_problem(docker_host: str) -> str | None:
    """Why the engine cannot push to a registry on this machine's loopback, or None."""
    if docker_host and not docker_host.startswith("unix://"):
        return (
            f"DOCKER_HOST is {docker_host}, an engine that cannot reach a registry on this machine's loopback interface"
        )
    return None


def fresh_engine_problem(*, euid: int, dockerd: str | None) -> str | None:
    """Why no fresh engine can be started for cold pulls, or None."""
    if euid != 0:
        return "cold pulls need a second, empty Docker engine, and starting one needs root"
    if not dockerd:
        return "cold pulls need a second, empty Docker engine, and dockerd is not installed here"
    return None


def layer_blobs(manifest: Mapping[str, Any]) -> tuple[int, ...]:
    """The size of each of a manifest's layer blobs, lowest layer first (the order of ``RootFS.Layers``)."""
    media_type = manifest.get("mediaType", OCI_MANIFEST if "layers" in manifest else "")
    if media_type not in (DOCKER_MANIFEST, OCI_MANIFEST) or not isinstance(manifest.get("layers"), list):
        raise ValueError(f"not a single-platform image manifest (mediaType {media_type or 'missing'})")
    return tuple(int(layer["size"]) for layer in manifest["layers"])


def layer_digests(manifest: Mapping[str, Any]) -> tuple[str, ...]:
    """The digest of each of a manifest's layer blobs, lowest layer first (as :func:`layer_blobs`)."""
    layer_blobs(manifest)  # the same checks
    return tuple(str(layer["digest"]) for layer in manifest["layers"])


def pulled_bytes(digests: Sequence[str], sizes: Sequence[int], held: Collection[str]) -> int:
    """Compressed bytes a node that holds the blobs ``held`` downloads to pull an image whose layer blobs are
    ``digests`` with ``sizes``: each blob it lacks, once (an engine fetches a blob by its digest)."""
    if len(digests) != len(sizes):
        raise ValueError(f"{len(digests)} layer digests but {len(sizes)} sizes")
    return sum({d: n for d, n in zip(digests, sizes, strict=True) if d not in held}.values())


def layers_bytes(manifest: Mapping[str, Any]) -> int:
    """Bytes a node downloads for an image: the sum of its manifest's layer blobs."""
    return sum(layer_blobs(manifest))


def is_index(manifest: Mapping[str, Any]) -> bool:
    """True for a multi-platform index (or manifest list), which names a manifest per platform."""
    return manifest.get("mediaType") in (DOCKER_LIST, OCI_INDEX) or "manifests" in manifest


def platform_digest(index: Mapping[str, Any], os: str, architecture: str) -> str:
    """The digest of the manifest an index holds for ``os``/``architecture`` (attestations skipped)."""
    for entry in index.get("manifests", []):
        platform = entry.get("platform") or {}
        if platform.get("os") == os and platform.get("architecture") == architecture:
            digest: str = entry["digest"]
            return digest
    shown = (
        ", ".join(
            f"{(e.get('platform') or {}).get('os')}/{(e.get('platform') or {}).get('architecture')}"
            for e in index.get("manifests", [])
        )
        or "none"
    )
    raise ValueError(f"the index holds no {os}/{architecture} manifest (it holds {shown})")


@dataclass(frozen=True, kw_only=True)
class PullFigures:
    """What pushing and pulling one variant measured."""

    #: Sum of the layer blobs in the pushed manifest.
    compressed_size_bytes: int
    #: Seconds of each cold pull, in run order (empty when pulls were not timed).
    pull_runs: tuple[float, ...] = ()
    #: Seconds of each cold pull over a throttled link, by its rate key (``"100"``).
    link_pull_runs: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    #: The size of each layer blob, lowest layer first (empty when not read).
    layer_blobs: tuple[int, ...] = ()
    #: Per later release (2, 3, ...): compressed bytes a node holding the release before pulls, and the
    #: seconds that pull took (None when pulls are not timed).
    releases: tuple[tuple[int, float | None], ...] = ()
    #: Pulls on a node that holds another variant: (held, compressed bytes pulled, seconds or None).
    shared: tuple[tuple[str, int, float | None], ...] = ()
    #: The compression matrix, one row per compression (empty when the variant was not in it this time).
    compressions: tuple[Compressed, ...] = ()


def matrix_complete(compressions: Sequence[Compressed], *, timed: bool) -> bool:
    """True when ``compressions`` has a row for every compression of the matrix, each with a pull time when
    ``timed``."""
    rows = {c.compression: c for c in compressions}
    return all(c.key in rows and (not timed or rows[c.key].pull_seconds is not None) for c in MATRIX)


# ---------------------------------------------------------------------------
# The guide's chart: pull time against compressed size, over every image.


@dataclass(frozen=True, kw_only=True)
class PullPoint:
    """One image on the chart of pull time against compressed size."""

    lab: str
    variant: str
    #: Uncompressed size, as `docker image ls` shows it.
    size_bytes: int
    compressed_size_bytes: int
    #: Median cold pull, in seconds.
    pull_seconds: float
    #: Every cold pull, in run order (for a bar from the fastest to the slowest).
    pull_runs: tuple[float, ...]


def pull_points(every: Iterable[Results], link_mbit: float | None = None) -> list[PullPoint]:
    """Every variant of every lab with a compressed size and cold pulls (over loopback, or over
    the ``link_mbit`` Mbit/s link when given), smallest first."""
    points = [
        PullPoint(
            lab=results.lab,
            variant=name,
            size_bytes=m.size_bytes,
            compressed_size_bytes=m.compressed_size_bytes,
            pull_seconds=statistics.median(runs),
            pull_runs=runs,
        )
        for results in every
        for name, m in results.variants.items()
        if m.compressed_size_bytes is not None and (runs := m.runs_over(link_mbit))
    ]
    return sorted(points, key=lambda p: (p.compressed_size_bytes, p.lab, p.variant))


def wire_seconds(compressed_size_bytes: int, link_mbit: float) -> float:
    """The least time a link of ``link_mbit`` Mbit/s takes to carry the compressed bytes (bits ÷ rate)."""
    return compressed_size_bytes * 8 / (link_mbit * 1e6)


@dataclass(frozen=True, kw_only=True)
class Fit:
    """A least-squares line ``seconds = intercept + slope * bytes`` over some images."""

    #: Seconds the line gives at zero bytes.
    intercept: float
    #: Seconds per byte.
    slope: float
    #: Share of the spread in seconds the line accounts for: 1 is every point on it.
    r_squared: float
    #: How many images the line was fitted to.
    count: int


def least_squares(xs: Sequence[float], ys: Sequence[float]) -> Fit | None:
    """The ordinary least-squares line of ``ys`` on ``xs``; None with fewer than 3 points or no spread."""
    if len(xs) != len(ys):
        raise ValueError(f"{len(xs)} x values but {len(ys)} y values")
    if len(xs) < 3:
        return None
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = mean_y - slope * mean_x
    residual = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return Fit(intercept=intercept, slope=slope, r_squared=1 - residual / syy, count=len(xs))


def pull_fit(points: Sequence[PullPoint], *, compressed: bool) -> Fit | None:
    """Median pull seconds fitted on compressed bytes (``compressed``) or on uncompressed bytes."""
    xs = [float(p.compressed_size_bytes if compressed else p.size_bytes) for p in points]
    return least_squares(xs, [p.pull_seconds for p in points])
