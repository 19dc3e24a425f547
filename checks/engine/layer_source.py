"""Where an image's layer entries come from: the engine's own storage when it is readable, else ``docker save``.

Both give the same entries in the same order, because ``docker save`` itself
rebuilds each layer's tar from the engine's ``tar-split`` metadata:

- **storage** (fast; a local engine with the classic image store, readable by
  this user): each layer's ``image/<driver>/layerdb/sha256/<chain-id>/tar-split.json.gz``
  records every tar header of the layer and the size and CRC-64 of every
  file's content, so the layer is read without reading a byte of its files.
  The config comes from ``imagedb/content/sha256/<image-id>``; both are checked
  against the digests the engine reports before they are trusted.  When the
  secret rules need contents (:mod:`checks.inspect.secrets`), each small file
  is read from the layer's own unpacked copy, ``<data-root>/overlay2/<cache-id>/diff/<path>``
  (the layer's ``cache-id`` names it), which a later layer never changes: a
  file it deleted is still there.  It is read by a walk of descriptors relative
  to that folder (:func:`checks.engine.unpacked.unpacked_files`), so no link in it leads out of it.
- **content store** (a local engine with the containerd image store, readable
  by this user): that store keeps no layer store of the engine's own (its
  layers are containerd snapshots, named in containerd's database), but
  containerd keeps every blob by digest, ``<root>/io.containerd.content.v1.content/blobs/sha256/<hex>``
  (:func:`content_stores`).  The image id is its manifest's digest, so the
  manifest, the config and the layers are read as an OCI layout's are
  (:func:`~checks.inspect.layout.from_content_store`), every digest checked;
  about three times as fast as ``docker save`` there, which for lab 4's
  ``before`` takes some 20 s.
- **save** (any engine, remote ones included): the ``docker save`` stream,
  read once, headers parsed as it passes, contents skipped (their CRC-32 kept)
  but for the small files the secret rules read, when asked.  On the
  containerd image store it writes an OCI layout
  (:func:`~checks.inspect.archive.read_archive` reads it, with or without a
  manifest.json).

The figures are the same on both stores, from every source: the size is the
layers' own (:func:`~checks.inspect.archive.unpacked_bytes`), never the
engine's, and only the image id differs (the containerd store names an image
by its manifest's digest, the classic one by its config's).

Besides the engine API (:mod:`checks.engine.docker` and the modules beside it), this is the one module that
touches the engine's data, and it only reads.  Parsing the bytes is
:mod:`checks.inspect.archive`'s job.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from checks.engine import docker, images, proc, transfer
from checks.engine.unpacked import stored_found, stored_records
from checks.inspect.analyze import Analysis, analysis_of
from checks.inspect.archive import ImageContents, Scan, chain_ids, entries_from_tar_split, read_archive, unpacked_bytes
from checks.inspect.documents import blob_name, image_config
from checks.inspect.layers import stack
from checks.inspect.layers import visible_paths as paths_of
from checks.inspect.layout import from_content_store, from_oci
from checks.inspect.layoutfiles import FolderStore
from checks.inspect.pkgdb import Kept
from checks.inspect.secrets import Match, scan_content
from checks.inspect.tar import Prefetch
from checks.model.errors import UsageError

#: The storage driver whose unpacked layers the secret rules can read file by file.
UNPACKED = "overlay2"

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
    info = images.inspect_image(ref)
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
    elif (root := docker.containerd_root()) and (config := _content_config(root, info["Id"])) is not None:
        return tuple(json.loads(config).get("history", []))
    return from_save(ref, info).history


def _unpacked(root: str, driver: str, diff_ids: Sequence[str]) -> list[Path] | None:
    """:func:`unpacked_folders` for the driver that keeps them; None for another, or when they cannot be read."""
    try:
        return unpacked_folders(root, driver, diff_ids) if driver == UNPACKED else None
    except _UNREADABLE:
        return None


def from_storage(
    ref: str, info: Mapping[str, Any], driver: str, root: str, scan: Scan | None = None, *, stamped: bool = False
) -> ImageContents | None:
    """The image read from the engine's own files; None when they are missing, unreadable or do not match
    (or, with ``scan``, when the driver keeps no unpacked layers to read files from).  ``stamped`` gives
    each entry its mode, owner and time."""
    base = Path(root) / "image" / driver
    image_id: str = info["Id"]
    diff_ids = info.get("RootFS", {}).get("Layers", [])
    if scan is not None and driver != UNPACKED:
        return None
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
                layers.append(entries_from_tar_split(records.read(), stamped=stamped))
        found = None
        folders = _unpacked(root, driver, diff_ids)
        if scan is not None:
            if folders is None:
                return None
            found = tuple(stored_found(*layer, scan) for layer in zip(folders, layers, strict=True))
        kept = None if folders is None else stored_records(folders, layers)
    except _UNREADABLE:
        return None
    parsed = json.loads(config)
    return ImageContents(
        ref=ref,
        image_id=image_id,
        size_bytes=unpacked_bytes(layers),
        history=tuple(parsed.get("history", [])),
        layers=tuple(layers),
        source="storage",
        diff_ids=tuple(diff_ids),
        env=tuple((parsed.get("config") or {}).get("Env") or ()),
        found=found,
        records=kept,
    )


#: What reading the engine's own files raises when they are missing, unreadable or not what they should be.
_UNREADABLE = (OSError, EOFError, ValueError, KeyError, IndexError)


def unpacked_folders(root: str, driver: str, diff_ids: Sequence[str]) -> list[Path] | None:
    """Each layer's unpacked copy, ``<data-root>/overlay2/<cache-id>/diff``, as the layer store names it; None when
    a cache id could lead out of the driver's folder.  OSError when one is unreadable."""
    base = Path(root) / "image" / driver / "layerdb" / "sha256"
    folders = []
    for chain_id in chain_ids(diff_ids):
        cache_id = _store_file(base, chain_id.removeprefix("sha256:"), "cache-id").decode().strip()
        if cache_id in ("", ".", "..") or "/" in cache_id:
            return None
        folders.append(Path(root) / driver / cache_id / "diff")
    return folders


#: Where containerd keeps blobs by digest (``blobs/sha256/<hex>``), below its root.
CONTENT = "io.containerd.content.v1.content"


def content_stores(root: str) -> tuple[Path, ...]:
    """Where an engine on the containerd image store may keep its images' blobs: in the containerd it started
    itself, below its data root ``root``, or in the host's (Docker's packages run one as a service)."""
    return (Path(root) / "containerd" / "daemon" / CONTENT, Path("/var/lib/containerd") / CONTENT)


#: What reading containerd's blobs raises when they are missing, unreadable, or not the image's.
_NOT_THERE = (UsageError, OSError, EOFError, zlib.error)


def from_content(ref: str, info: Mapping[str, Any], root: str, scan: Scan | None = None) -> ImageContents | None:
    """The image read from containerd's content store, for an engine on the containerd image store whose data root
    is ``root``: its manifest (the image id's blob) and what it names, read as an OCI layout's, every digest checked
    (:func:`~checks.inspect.layout.from_content_store`); None when no store here holds all of it readable (a remote
    engine, a user who is not root, a blob that is missing or not what its digest says)."""
    contents = _first_content(root, lambda store: from_content_store(store, ref, info["Id"], scan))
    return None if contents is None else dataclasses.replace(contents, image_id=info["Id"])


def _content_config(root: str, image_id: str) -> bytes | None:
    """The config of image ``image_id`` from containerd's content store (:func:`from_content`); None when unread."""

    def config(store: FolderStore) -> bytes:
        raw, _, _ = from_oci(store, start=(blob_name(image_id), image_id))
        image_config(raw)
        return raw

    return _first_content(root, config)


T = TypeVar("T")


def _first_content(root: str, read: Callable[[FolderStore], T]) -> T | None:
    """What ``read`` makes of the first of :func:`content_stores` it can read all it needs from; None when none."""
    for folder in content_stores(root):
        try:
            store = FolderStore(folder)
        except OSError:
            continue
        try:
            return read(store)
        except _NOT_THERE:
            continue
        finally:
            store.close()
    return None


def from_save(ref: str, info: Mapping[str, Any], scan: Scan | None = None, *, stamped: bool = False) -> ImageContents:
    """The image read from a ``docker save`` stream (works with any engine, local or remote)."""
    records: list[Kept] = []
    with transfer.save(info["Id"]) as stream:
        prefetch = Prefetch(stream)
        try:
            _, config, layers, found = read_archive(prefetch, scan, stamped=stamped, records=records)  # type: ignore[arg-type]
        finally:
            prefetch.close()
    return ImageContents(
        ref=ref,
        image_id=info["Id"],
        size_bytes=unpacked_bytes(layers),
        history=tuple(config.get("history", [])),
        layers=tuple(layers),
        source="save",
        diff_ids=tuple(config.get("rootfs", {}).get("diff_ids", [])),
        env=tuple((config.get("config") or {}).get("Env") or ()),
        found=tuple(found) if scan is not None else None,
        records=tuple(records),
    )


def _inspected(ref: str) -> Mapping[str, Any]:
    """What the engine says of image ``ref``; UsageError when it has none."""
    info = images.inspect_image(ref)
    if info is None:
        raise UsageError(
            f"No image '{ref}' in the engine. `docker images` lists the images it has; build or pull it first."
        )
    return info


def read_image(ref: str, source: str | None = None, *, secrets: bool = False, stamped: bool = False) -> ImageContents:
    """The layers of image ``ref``, from the engine's storage when readable (``auto``), or as ``source`` says;
    with ``secrets``, what the secret rules find in each layer's small files too; with ``stamped``, each
    entry's mode, owner and time."""
    source = source or "auto"
    if source not in SOURCES:
        raise UsageError(
            f"Unknown layer source '{source}' (from --source or $SLIMLAB_LAYERS); use one of: {', '.join(SOURCES)}."
        )
    info = _inspected(ref)
    scan = scan_content if secrets else None
    if source != "save":
        where = docker.storage()
        contents = from_storage(ref, info, *where, scan, stamped=stamped) if where else None
        root = docker.containerd_root() if where is None and not stamped else None
        if root:
            contents = from_content(ref, info, root, scan)
        if contents is not None:
            return contents
        if source == "storage":
            raise UsageError(
                f"Cannot read the layers of '{ref}' from the engine's storage "
                f"({where[1] if where else root or 'a data root the engine does not name'}): "
                "it needs a local engine and read access to its data root (root). "
                "Use --source save (or auto) instead."
            )
    return from_save(ref, info, scan, stamped=stamped)


def visible_paths(ref: str, *, source: str | None = None) -> frozenset[str]:
    """Every path a container of image ``ref`` has (:func:`~checks.inspect.layers.visible_paths`), from its
    layers' headers (:func:`read_image`): the same list as ``docker export`` of a container, without reading
    a byte of the files, which for an image of a gigabyte takes seconds instead of tens of seconds."""
    return paths_of(stack(read_image(ref, source).layers))


def analyze(ref: str, *, source: str | None = None, secrets: bool = False) -> Analysis:
    """Analyze image ``ref`` (a tag or an id) in the engine; with ``secrets``, look for secrets in every layer.

    From the engine's storage with the secret rules on, the two halves of the work run side by side, each on a
    core: the small files are read and scanned in a child process (:func:`~checks.engine.proc.aside`) while this
    one stacks the layers' headers and works out the rest of the analysis.  Should the child fail to read the
    unpacked layers, or die, the same matches come from this process or the ``docker save`` stream instead.
    """
    if not secrets or (source or "auto") == "save":
        return analysis_of(read_image(ref, source, secrets=secrets))
    info = _inspected(ref)
    where = docker.storage()
    contents = from_storage(ref, info, *where) if where and where[0] == UNPACKED else None
    try:
        folders = unpacked_folders(where[1], where[0], contents.diff_ids) if where and contents else None
    except _UNREADABLE:
        folders = None
    if contents is None or folders is None:
        return analysis_of(read_image(ref, source, secrets=True))

    def found_here() -> tuple[tuple[Match, ...], ...]:
        return tuple(stored_found(*layer, scan_content) for layer in zip(folders, contents.layers, strict=True))

    with proc.aside(found_here) as found_aside:

        def found() -> Sequence[Sequence[Match]]:
            try:
                got = found_aside()
                return found_here() if got is None else got  # None: the child died without an answer
            except _UNREADABLE:
                return from_save(ref, info, scan_content).found or ()

        return analysis_of(contents, found=found)
