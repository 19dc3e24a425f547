"""What a fresh node downloads and how long it waits: plain functions over data.

A smaller image deploys faster because a node pulls it faster.  The checker
measures two things per variant: the *compressed size* (the layer blobs a
registry stores after a push, which is what a node downloads) and the *pull
time* (cold pulls by an engine that has never pulled anything).
:mod:`checks.engine.registry` runs the registry and :mod:`checks.engine.pullbench` pushes
and pulls; the facts they read (settings, manifests, what a node that holds some blobs downloads) are
the functions here, what a run pulls, as the claims ask, is :mod:`checks.plan.pulls`, and the guide's chart
of pull time against size is :mod:`checks.guide.pullpoints`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.model.compression import MATRIX
from checks.model.measured import Compressed
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
