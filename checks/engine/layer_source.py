"""Where an image's layer entries come from: the engine's own storage when it is readable, else ``docker save``.

Both give the same entries in the same order, because ``docker save`` itself
rebuilds each layer's tar from the engine's ``tar-split`` metadata:

- **storage** (fast; a local engine with the classic image store, readable by
  this user): each layer's ``image/<driver>/layerdb/sha256/<chain-id>/tar-split.json.gz``
  records every tar header of the layer and the size and CRC-64 of every
  file's content, so the layer is read without reading a byte of its files.
  The config comes from ``imagedb/content/sha256/<image-id>``; both are checked
  against the digests the engine reports before they are trusted.
- **save** (any engine, remote ones included): the ``docker save`` stream,
  read once, headers parsed as it passes, contents skipped (their CRC-32 kept).

Besides :mod:`checks.engine.docker`, this is the one module that touches the
engine's data, and it only reads.  Parsing the bytes is
:mod:`checks.inspect.archive`'s job.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checks.engine import docker
from checks.inspect.analyze import Analysis, analysis_of
from checks.inspect.archive import ImageContents, Prefetch, chain_ids, entries_from_tar_split, read_archive
from checks.model.errors import UsageError

SOURCES = ("auto", "storage", "save")


def _store_file(base: Path, *parts: str) -> bytes:
    return base.joinpath(*parts).read_bytes()


def _stored_config(base: Path, image_id: str) -> bytes | None:
    """The image's config from the engine's files; None when it does not match its id (OSError when unreadable)."""
    config = _store_file(base, "imagedb", "content", "sha256", image_id.removeprefix("sha256:"))
    return config if "sha256:" + hashlib.sha256(config).hexdigest() == image_id else None


def config_history(ref: str) -> tuple[Mapping[str, Any], ...]:
    """The config's history of image ``ref``, oldest first, which says which steps wrote no layer.

    The engine's API leaves ``empty_layer`` out of its history, so the config is read: from the
    engine's storage when readable (cheap), else from ``docker save``.
    """
    info = docker.inspect_image(ref)
    if info is None:
        raise UsageError(f"No image '{ref}' in the engine. `docker images` lists the images it has.")
    where = docker.storage()
    if where:
        try:
            config = _stored_config(Path(where[1]) / "image" / where[0], info["Id"])
        except OSError:
            config = None
        if config is not None:
            return tuple(json.loads(config).get("history", []))
    return from_save(ref, info).history


def from_storage(ref: str, info: Mapping[str, Any], driver: str, root: str) -> ImageContents | None:
    """The image read from the engine's own files; None when they are missing, unreadable or do not match."""
    base = Path(root) / "image" / driver
    image_id: str = info["Id"]
    diff_ids = info.get("RootFS", {}).get("Layers", [])
    try:
        config = _stored_config(base, image_id)
        if config is None:
            return None
        layers = []
        for diff_id, chain_id in zip(diff_ids, chain_ids(diff_ids), strict=False):
            folder = ("layerdb", "sha256", chain_id.removeprefix("sha256:"))
            if _store_file(base, *folder, "diff").decode().strip() != diff_id:
                return None
            with gzip.open(base.joinpath(*folder, "tar-split.json.gz"), "rt", encoding="utf-8") as records:
                layers.append(entries_from_tar_split(records.read()))
    except (OSError, EOFError, ValueError, KeyError, IndexError):
        return None
    return ImageContents(
        ref=ref,
        image_id=image_id,
        size_bytes=int(info.get("Size", 0)),
        history=tuple(json.loads(config).get("history", [])),
        layers=tuple(layers),
        source="storage",
    )


def from_save(ref: str, info: Mapping[str, Any]) -> ImageContents:
    """The image read from a ``docker save`` stream (works with any engine, local or remote)."""
    with docker.save(info["Id"]) as stream:
        prefetch = Prefetch(stream)
        try:
            _, config, layers = read_archive(prefetch)  # type: ignore[arg-type]
        finally:
            prefetch.close()
    return ImageContents(
        ref=ref,
        image_id=info["Id"],
        size_bytes=int(info.get("Size", 0)),
        history=tuple(config.get("history", [])),
        layers=tuple(layers),
        source="save",
    )


def read_image(ref: str, source: str | None = None) -> ImageContents:
    """The layers of image ``ref``, from the engine's storage when readable (``auto``), or as ``source`` says."""
    source = source or "auto"
    if source not in SOURCES:
        raise UsageError(
            f"Unknown layer source '{source}' (from --source or $SLIMLAB_LAYERS); use one of: {', '.join(SOURCES)}."
        )
    info = docker.inspect_image(ref)
    if info is None:
        raise UsageError(
            f"No image '{ref}' in the engine. `docker images` lists the images it has; build or pull it first."
        )
    if source != "save":
        where = docker.storage()
        contents = from_storage(ref, info, *where) if where else None
        if contents is not None:
            return contents
        if source == "storage":
            raise UsageError(
                f"Cannot read the layers of '{ref}' from the engine's storage "
                f"({where[1] if where else 'unknown data root'}): "
                "it needs a local engine with the classic image store and read access to its data root (root). "
                "Use --source save (or auto) instead."
            )
    return from_save(ref, info)


def analyze(ref: str, *, source: str | None = None) -> Analysis:
    """Analyze image ``ref`` (a tag or an id) in the engine."""
    return analysis_of(read_image(ref, source))
