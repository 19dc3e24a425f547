"""An image read from a file or a folder, with no engine: ``docker save`` archives and OCI image layouts.

What ``analyze`` and ``diff`` read when their argument names a path (the rule
is :func:`names_a_path`):

- a **docker-archive** (what ``docker save`` writes): ``manifest.json`` names
  the config and each layer's file;
- an **OCI image layout** (``oci-layout`` and ``index.json``, as skopeo and
  BuildKit's OCI exporter write it): the index names a manifest, or an index
  of manifests, one per platform, which is followed to linux/amd64 (or to the
  only image there is); the manifest names the config and the layers by digest
  under ``blobs/sha256/``.

Either one as a tar (itself uncompressed or gzip) or as an extracted folder.
A layer may be uncompressed, gzip or zstd: its media type says which (a
docker-archive has none, so its first bytes do), and its first bytes must
agree.  Every blob named by digest must have that digest, and every layer's
uncompressed digest must be the config's ``rootfs.diff_ids`` entry for it:
the figures are those of the image, or there are none.

The result is the :class:`~checks.inspect.archive.ImageContents` that the
engine's storage and ``docker save`` give, so the analysis is the same.  This
module reads files and nothing else: no engine, no network.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from checks.inspect.archive import GZIP, ZSTD, ImageContents, Scan, layer_entries, unpacked_bytes
from checks.inspect.documents import (
    PLATFORM,
    Platform,
    blob_name,
    docker_manifest,
    image_config,
    oci_image,
    sha256_digest,
    with_digest,
)
from checks.inspect.layers import Entry
from checks.inspect.layoutfiles import Store, opened, relative
from checks.inspect.limits import DOCUMENT, ENTRIES
from checks.inspect.pkgdb import Kept
from checks.inspect.secrets import Match
from checks.inspect.tar import CHUNK, Reader
from checks.model.errors import MalformedError, UsageError

#: Endings that make an argument a path even when nothing is there.
ARCHIVE_ENDINGS = (".tar", ".tar.gz", ".tgz", ".tar.zst")
#: Beginnings that make an argument a path even when nothing is there: no image reference starts so.
PATH_STARTS = ("/", ".", "~")
#: An image reference as the engine reads one (distribution's grammar: ``[host[:port]/]name[:tag][@digest]``),
#: or an image id.
REFERENCE = re.compile(
    r"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9-]+)*(?::[0-9]+)?|\[[0-9a-fA-F:]+\](?::[0-9]+)?)/)?"
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$"
    r"|^(?:sha256:)?[0-9a-f]{12,64}$"
)
ZSTD_MISSING = "reading zstd layers needs the zstandard package: run make venv"
#: What to do about an input that is not what it should be.
FIX = (
    "The file is damaged or was made to mislead: write it anew from an image you trust "
    "(docker save IMAGE -o FILE.tar, or skopeo copy into an OCI layout)."
)


def expanded(argument: str) -> Path:
    """The path ``argument`` names, ``~`` and ``~user`` expanded; a user with no home here is an error."""
    try:
        return Path(argument).expanduser()
    except RuntimeError:
        user = argument[1:].split("/", 1)[0]
        raise UsageError(
            f"'{argument}' starts with ~{user}, the home folder of a user '{user}' this machine does not know. "
            "Give the path without ~, or the name of a user who exists."
        ) from None


def names_a_path(argument: str, exists: bool) -> bool:
    """Whether ``argument`` names an image archive or layout rather than an image in the engine.

    A path when something is there (``exists``: a file or a folder), or when
    it could not be an image reference: it starts with ``/``, ``.`` or ``~``,
    or ends with ``.tar``, ``.tar.gz``, ``.tgz`` or ``.tar.zst``.  Anything
    else that reads as a reference is one; what is neither is an error saying so.
    """
    if exists or argument.startswith(PATH_STARTS) or argument.endswith(ARCHIVE_ENDINGS):
        return True
    if REFERENCE.match(argument):
        return False
    raise UsageError(
        f"'{argument}' is neither a file or folder that exists nor an image reference (such as name:tag or an "
        "image id). Give the path of a docker save archive or an OCI image layout (a tar or a folder), or the "
        "name of an image in the engine (`docker images` lists them)."
    )


class _Hashed:
    """A stream read through, its SHA-256 kept; at most ``limit`` bytes of it (-1: no limit)."""

    def __init__(self, raw: IO[bytes] | Any, limit: int = -1) -> None:
        self.raw, self.sha, self.limit, self.count = raw, hashlib.sha256(), limit, 0

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.raw.read(min(size, CHUNK) if size >= 0 else CHUNK)
        self.sha.update(data)
        self.count += len(data)
        if 0 <= self.limit < self.count:
            raise MalformedError(f"it holds more than the {self.limit:,} bytes its descriptor says")
        return data

    def digest(self) -> str:
        """The digest of the whole stream: what is left is read first."""
        while self.read(CHUNK):
            pass
        return "sha256:" + self.sha.hexdigest()


@dataclass(frozen=True)
class Blob:
    """A layer as a manifest names it."""

    #: Its path in the archive.
    name: str
    #: ``gzip``, ``zstd``, ``none``, or "" when the first bytes decide (a docker-archive names no media type).
    compression: str
    #: The digest the blob must have, or "" when it is named by path.
    digest: str = ""
    #: Its size as its descriptor gives it, or -1 when none does.
    size: int = -1


def compression_of(media_type: str) -> str:
    """``gzip``, ``zstd`` or ``none`` for an OCI or Docker layer media type."""
    if media_type.endswith(("+gzip", ".tar.gzip")):
        return "gzip"
    if media_type.endswith(("+zstd", ".tar.zstd")):
        return "zstd"
    if media_type.endswith((".tar", "layer.v1.tar")):
        return "none"
    raise MalformedError(f"a layer has the media type '{media_type[:100]}', which is no image layer slimlab can read")


def _sniffed(head: bytes) -> str:
    if head.startswith(GZIP):
        return "gzip"
    if head.startswith(ZSTD):
        return "zstd"
    return "none"


def _errors(compression: str) -> tuple[type[BaseException], ...]:
    """What a damaged stream of ``compression`` raises while it is read."""
    if compression == "zstd":
        import zstandard  # type: ignore[import-not-found,unused-ignore]

        return (zstandard.ZstdError,)
    return (OSError, EOFError, zlib.error)


def _decompressed(reader: Reader, compression: str) -> Any:
    if compression == "gzip":
        return gzip.GzipFile(mode="rb", fileobj=reader)  # type: ignore[call-overload]
    if compression == "zstd":
        try:
            import zstandard  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            raise UsageError(ZSTD_MISSING) from None
        return zstandard.ZstdDecompressor().stream_reader(cast(IO[bytes], reader))
    return reader


def read_layer(
    store: Store,
    blob: Blob,
    diff_id: str,
    scan: Scan | None = None,
    matches: list[Match] | None = None,
    *,
    room: int = ENTRIES.most,
    kept: Kept | None = None,
) -> tuple[Entry, ...]:
    """One layer's entries, its compression checked against its first bytes and its digests against the expected;
    with ``scan``, what it finds in the layer's small files is added to ``matches``; ``room``: see
    :func:`~checks.inspect.tar.walk`; ``kept`` is given the layer's package databases."""
    try:
        return _layer(store, blob, diff_id, scan, matches, room, kept)
    except MalformedError as error:
        raise error.at(f"the layer {blob.name}") from None


def _layer(
    store: Store, blob: Blob, diff_id: str, scan: Scan | None, matches: list[Match] | None, room: int, kept: Kept | None
) -> tuple[Entry, ...]:
    with store.open(blob.name) as raw:
        packed = _Hashed(raw, blob.size)
        reader = Reader(packed)  # type: ignore[arg-type]
        reader.front = head = reader.read(4)
        found = _sniffed(head)
        if blob.compression and found != blob.compression:
            raise MalformedError(
                f"it is declared {blob.compression} but its first bytes say {found}: "
                "the archive is damaged or was written wrongly"
            )
        # An uncompressed layer's digest is its blob's: hashed once, as it passes.
        plain = _Hashed(_decompressed(reader, found)) if found != "none" else None
        try:
            entries = layer_entries(reader if plain is None else Reader(plain), scan, matches, room=room, kept=kept)  # type: ignore[arg-type]
            unpacked = packed.digest() if plain is None else plain.digest()
        except _errors(found) as error:
            raise MalformedError(f"it cannot be decompressed ({found}): {error}") from None
        if blob.digest and packed.digest() != blob.digest:
            raise MalformedError("the blob does not have the digest its manifest names: it is damaged")
    if unpacked != diff_id:
        raise MalformedError(
            f"it unpacks to {unpacked}, but the image config's rootfs.diff_ids says {diff_id[:80]}: "
            "the archive is damaged or mixes layers of another image"
        )
    return entries


def _read(store: Store, name: str, digest: str = "") -> bytes:
    """A small file of the archive (at most :data:`~checks.inspect.limits.DOCUMENT`), checked against ``digest``
    when it is named by one."""
    with store.open(name) as raw:
        data = raw.read(DOCUMENT.most + 1)
    DOCUMENT.check(len(data), name if len(data) <= DOCUMENT.most else f"{name} (at least)")
    return with_digest(data, name, digest)


def from_oci(
    store: Store,
    platform: Platform | None = None,
    start: tuple[str, str] = ("index.json", ""),
    where: str = "The image layout",
) -> tuple[bytes, list[Blob], list[str]]:
    """(the config's bytes, the layers, notes on the choice of image) of an OCI image layout (from ``start``, each
    index followed to ``platform``'s image: see :func:`~checks.inspect.documents.oci_manifest`)."""
    raw, layers, notes = oci_image(
        lambda name, digest: _read(store, name, digest), platform, start, has=store.has, where=where
    )
    blobs = [Blob(blob_name(d.digest), compression_of(d.media_type), d.digest, d.size) for d in layers]
    return raw, blobs, notes


def from_docker_archive(store: Store) -> tuple[bytes, list[Blob]]:
    """(the config's bytes, the layers) of a ``docker save`` archive: the one image its ``manifest.json`` lists."""
    image = docker_manifest(_read(store, "manifest.json"))
    return _read(store, image.config), [Blob(relative(name), "") for name in image.layers]


def contents(store: Store, ref: str, platform: Platform | None = None, scan: Scan | None = None) -> ImageContents:
    """The image in ``store``: an OCI image layout when it has one (an index followed to ``platform``'s image, or
    to the only one it holds), else a docker-archive; with ``scan``, what it finds in each layer's small files
    too."""
    notes: list[str] = []
    if store.has("oci-layout") and store.has("index.json"):
        source = "oci-layout"
        raw, blobs, notes = from_oci(store, platform, where=f"'{ref}'")
    elif store.has("manifest.json"):
        source = "docker-archive"
        raw, blobs = from_docker_archive(store)
    else:
        raise UsageError(
            f"'{ref}' holds neither an OCI image layout (oci-layout and index.json) nor a docker save archive "
            "(manifest.json). Write one with `docker save IMAGE -o FILE.tar`; to analyze an image in the engine "
            "whose name is also a file or folder here, add its tag (name:latest)."
        )
    return _image(store, ref, source, (raw, blobs, notes), scan)


def from_content_store(store: Store, ref: str, digest: str, scan: Scan | None = None) -> ImageContents:
    """The image whose manifest (or index, followed to :data:`~checks.inspect.documents.PLATFORM`) is the blob
    ``digest`` of a folder of blobs by digest (``blobs/sha256/<hex>``, as containerd's content store keeps them),
    every digest checked as in a layout (``scan``: see :func:`contents`)."""
    return _image(store, ref, "content-store", from_oci(store, PLATFORM, (blob_name(digest), digest)), scan)


def _image(
    store: Store, ref: str, source: str, image: tuple[bytes, list[Blob], list[str]], scan: Scan | None
) -> ImageContents:
    """The image in ``store`` of ``image`` (the config's bytes, the layers, notes), each layer read and checked
    (:func:`read_layer`)."""
    raw, blobs, notes = image
    config = image_config(raw)
    if len(config.diff_ids) != len(blobs):
        raise MalformedError(
            f"the image config lists {len(config.diff_ids)} layers (rootfs.diff_ids) but its manifest {len(blobs)}: "
            "the archive is damaged"
        )
    found: list[list[Match]] = [[] for _ in blobs]
    kept = [Kept() for _ in blobs]
    layers: list[tuple[Entry, ...]] = []
    for index, (blob, diff_id) in enumerate(zip(blobs, config.diff_ids, strict=True)):
        room = ENTRIES.most - sum(map(len, layers))
        layers.append(read_layer(store, blob, diff_id, scan, found[index], room=room, kept=kept[index]))
    return ImageContents(
        ref=ref,
        image_id=sha256_digest(raw),  # the engine's image id is its config's digest too
        size_bytes=unpacked_bytes(layers),
        history=config.history,
        layers=tuple(layers),
        source=source,
        diff_ids=config.diff_ids,
        env=config.env,
        found=tuple(map(tuple, found)) if scan is not None else None,
        notes=tuple(notes),
        records=tuple(kept),
    )


def read_path(
    argument: str, platform: Platform | None = None, scan: Scan | None = None, *, at: Path | None = None
) -> ImageContents:
    """The image in the archive or folder ``argument`` names, or that is at ``at`` when given (a registry's image
    copied to a folder: messages name ``argument``) (``platform``, ``scan``: see :func:`contents`)."""
    path = at or expanded(argument)
    try:
        with opened(path) as store:
            return contents(store, argument, platform, scan)
    except MalformedError as error:
        raise error.at(f"'{argument}'", fix=FIX) from None
    except (EOFError, zlib.error) as error:
        raise MalformedError(f"it cannot be decompressed (gzip): {error}", f"'{argument}'", fix=FIX) from None
    except OSError as error:
        raise UsageError(f"'{argument}' cannot be read: {error.strerror or error}.") from None
