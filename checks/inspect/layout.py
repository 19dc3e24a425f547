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
import json
import posixpath
import re
import tarfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, cast

from checks.inspect.archive import CHUNK, GZIP, ZSTD, ImageContents, Reader, Scan, layer_entries
from checks.inspect.layers import Entry
from checks.inspect.secrets import Match
from checks.model.errors import UsageError

#: The platform an index of several images is followed to (the machine slimlab assumes).
PLATFORM = ("linux", "amd64")
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
INDEX_TYPES = ("application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json")
ZSTD_MISSING = "reading zstd layers needs the zstandard package: run make venv"


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


def missing(argument: str) -> UsageError:
    """The error for a path where nothing is."""
    return UsageError(
        f"No image archive at '{argument}': no such file or folder. Write one with `docker save IMAGE -o FILE.tar` "
        "(or `skopeo copy` into an OCI layout), or name an image in the engine "
        "without a path-like prefix or ending."
    )


class Store(Protocol):
    """The members of an archive or a folder, by relative path."""

    def has(self, name: str) -> bool: ...

    def open(self, name: str) -> IO[bytes]: ...


def _relative(name: str) -> str:
    """A member name as a clean relative path; one that leaves the archive is refused."""
    path = posixpath.normpath(name.lstrip("/"))
    if path == ".." or path.startswith("../"):
        raise UsageError(f"The image archive names '{name}', which is outside it.")
    return path


class FolderStore:
    """An extracted archive or OCI layout: files under a folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def has(self, name: str) -> bool:
        return (self.root / _relative(name)).is_file()

    def open(self, name: str) -> IO[bytes]:
        return (self.root / _relative(name)).open("rb")


class TarStore:
    """A tar holding an archive or an OCI layout (uncompressed or gzip): members found by name, links followed."""

    def __init__(self, tar: tarfile.TarFile) -> None:
        self.tar = tar
        self.members = {_relative(m.name): m for m in tar.getmembers() if m.isfile() or m.issym() or m.islnk()}

    def has(self, name: str) -> bool:
        return _relative(name) in self.members

    def open(self, name: str) -> IO[bytes]:
        try:
            found = self.tar.extractfile(self.members[_relative(name)])
        except KeyError:
            found = None
        if found is None:
            raise UsageError(f"The image archive has no file {name}, though its index names it.")
        return found


class _Hashed:
    """A stream read through, its SHA-256 kept."""

    def __init__(self, raw: IO[bytes] | Any) -> None:
        self.raw, self.sha = raw, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.raw.read(size)
        self.sha.update(data)
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


def compression_of(media_type: str) -> str:
    """``gzip``, ``zstd`` or ``none`` for an OCI or Docker layer media type."""
    if media_type.endswith(("+gzip", ".tar.gzip")):
        return "gzip"
    if media_type.endswith(("+zstd", ".tar.zstd")):
        return "zstd"
    if media_type.endswith((".tar", "layer.v1.tar")):
        return "none"
    raise UsageError(f"A layer has the media type '{media_type}', which is no image layer slimlab can read.")


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
    store: Store, blob: Blob, diff_id: str, scan: Scan | None = None, matches: list[Match] | None = None
) -> tuple[Entry, ...]:
    """One layer's entries, its compression checked against its first bytes and its digests against the expected;
    with ``scan``, what it finds in the layer's small files is added to ``matches``."""
    with store.open(blob.name) as raw:
        packed = _Hashed(raw)
        reader = Reader(packed)  # type: ignore[arg-type]
        reader.front = head = reader.read(4)
        found = _sniffed(head)
        if blob.compression and found != blob.compression:
            raise UsageError(
                f"The layer {blob.name} is declared {blob.compression} but its first bytes say {found}: "
                "the archive is damaged or was written wrongly."
            )
        plain = _Hashed(_decompressed(reader, found))
        try:
            entries = layer_entries(Reader(plain), scan, matches)  # type: ignore[arg-type]
            unpacked = plain.digest()
        except _errors(found) as error:
            raise UsageError(f"The layer {blob.name} cannot be decompressed ({found}): {error}.") from None
        if blob.digest and packed.digest() != blob.digest:
            raise UsageError(f"The blob {blob.name} does not have the digest its manifest names: it is damaged.")
    if unpacked != diff_id:
        raise UsageError(
            f"The layer {blob.name} unpacks to {unpacked}, but the image config's rootfs.diff_ids says {diff_id}: "
            "the archive is damaged or mixes layers of another image."
        )
    return entries


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _read(store: Store, name: str, digest: str = "") -> bytes:
    """A small file of the archive, checked against ``digest`` when it is named by one."""
    with store.open(name) as raw:
        data = raw.read()
    if digest and _sha256(data) != digest:
        raise UsageError(f"The blob {name} does not have the digest its index names: it is damaged.")
    return data


def _json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data)
    except ValueError as error:
        raise UsageError(f"{name} in the image archive is not JSON: {error}.") from None


def _blob_name(digest: str) -> str:
    algorithm, _, hexdigest = digest.partition(":")
    if algorithm != "sha256" or not re.fullmatch(r"[0-9a-f]{64}", hexdigest):
        raise UsageError(f"The image archive names the blob '{digest}'; slimlab reads sha256 digests only.")
    return f"blobs/sha256/{hexdigest}"


def _platform(descriptor: Mapping[str, Any]) -> tuple[str, str]:
    found = descriptor.get("platform") or {}
    return str(found.get("os", "")), str(found.get("architecture", ""))


def _images(descriptors: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The descriptors that are images: attestations (BuildKit's provenance, platform unknown) left out."""
    return [
        d
        for d in descriptors
        if d.get("annotations", {}).get("vnd.docker.reference.type") != "attestation-manifest"
        and _platform(d) != ("unknown", "unknown")
    ]


def _name(descriptor: Mapping[str, Any]) -> str:
    """What an index calls an image: Docker's full name, the OCI ref name, else its platform."""
    notes = descriptor.get("annotations", {})
    return str(
        notes.get("io.containerd.image.name")
        or notes.get("org.opencontainers.image.ref.name")
        or "/".join(_platform(descriptor))
    )


def choose(descriptors: Sequence[Mapping[str, Any]], platform: tuple[str, str] = PLATFORM) -> Mapping[str, Any]:
    """The manifest to read from an index: the only image, else the one for ``platform``."""
    images = _images(descriptors)
    if len(images) == 1:
        return images[0]
    matching = [d for d in images if _platform(d) == platform]
    if len(matching) == 1:
        return matching[0]
    names = [_name(d) for d in images]
    raise UsageError(
        f"The image layout holds {len(images)} images ({', '.join(names) or 'none'}) and no single one for "
        f"{'/'.join(platform)}; slimlab reads one: copy only the one you mean into a layout of its own "
        "(skopeo copy, or docker save IMAGE)."
    )


def oci_manifest(store: Store, platform: tuple[str, str] = PLATFORM) -> Mapping[str, Any]:
    """The image manifest ``index.json`` leads to, through nested indexes."""
    document: Mapping[str, Any] = _json(_read(store, "index.json"), "index.json")
    for _ in range(8):  # an index of indexes, a few levels deep at most
        if "manifests" not in document and document.get("mediaType") not in INDEX_TYPES:
            return document
        descriptor = choose(document.get("manifests", []), platform)
        name = _blob_name(descriptor["digest"])
        document = _json(_read(store, name, descriptor["digest"]), name)
    raise UsageError("The image layout's indexes nest deeper than slimlab follows.")


def from_oci(store: Store, platform: tuple[str, str] = PLATFORM) -> tuple[bytes, list[Blob]]:
    """(the config's bytes, the layers) of an OCI image layout."""
    manifest = oci_manifest(store, platform)
    config = _read(store, _blob_name(manifest["config"]["digest"]), manifest["config"]["digest"])
    layers = [
        Blob(_blob_name(d["digest"]), compression_of(d.get("mediaType", "")), d["digest"]) for d in manifest["layers"]
    ]
    return config, layers


def from_docker_archive(store: Store) -> tuple[bytes, list[Blob]]:
    """(the config's bytes, the layers) of a ``docker save`` archive: the one image its ``manifest.json`` lists."""
    images = _json(_read(store, "manifest.json"), "manifest.json")
    if not isinstance(images, list) or len(images) != 1:
        tags = [tag for image in images or [] for tag in image.get("RepoTags") or ["(untagged)"]]
        raise UsageError(
            f"The docker save archive holds {len(images or [])} images ({', '.join(tags)}); slimlab reads one: "
            "save only the one you mean (docker save IMAGE -o FILE.tar)."
        )
    (image,) = images
    return _read(store, image["Config"]), [Blob(_relative(name), "") for name in image["Layers"]]


def contents(store: Store, ref: str, platform: tuple[str, str] = PLATFORM, scan: Scan | None = None) -> ImageContents:
    """The image in ``store``: an OCI image layout when it has one, else a docker-archive; with ``scan``, what it
    finds in each layer's small files too."""
    if store.has("oci-layout") and store.has("index.json"):
        source = "oci-layout"
        raw, blobs = from_oci(store, platform)
    elif store.has("manifest.json"):
        source = "docker-archive"
        raw, blobs = from_docker_archive(store)
    else:
        raise UsageError(
            f"'{ref}' holds neither an OCI image layout (oci-layout and index.json) nor a docker save archive "
            "(manifest.json). Write one with `docker save IMAGE -o FILE.tar`; to analyze an image in the engine "
            "whose name is also a file or folder here, add its tag (name:latest)."
        )
    config = _json(raw, "the image config")
    diff_ids = list(config.get("rootfs", {}).get("diff_ids", []))
    if len(diff_ids) != len(blobs):
        raise UsageError(
            f"The image config lists {len(diff_ids)} layers (rootfs.diff_ids) but its manifest {len(blobs)}: "
            "the archive is damaged."
        )
    found: list[list[Match]] = [[] for _ in blobs]
    layers = tuple(
        read_layer(store, blob, diff_id, scan, found[index])
        for index, (blob, diff_id) in enumerate(zip(blobs, diff_ids, strict=True))
    )
    return ImageContents(
        ref=ref,
        image_id=_sha256(raw),  # the engine's image id is its config's digest too
        size_bytes=sum(item.size for layer in layers for item in layer),
        history=tuple(config.get("history", [])),
        layers=layers,
        source=source,
        diff_ids=tuple(diff_ids),
        env=tuple((config.get("config") or {}).get("Env") or ()),
        found=tuple(map(tuple, found)) if scan is not None else None,
    )


@contextmanager
def opened(path: Path) -> Iterator[Store]:
    """The store of a folder, or of a tar file (uncompressed or gzip)."""
    if path.is_dir():
        yield FolderStore(path)
        return
    try:
        tar = tarfile.open(path, "r:*")  # noqa: SIM115 (the with below closes it; this try is for opening alone)
    except (tarfile.TarError, OSError) as error:
        raise UsageError(
            f"'{path}' is no tar archive slimlab can read ({error}); give a docker save archive or an OCI layout."
        ) from None
    with tar:
        yield TarStore(tar)


def read_path(argument: str, platform: tuple[str, str] = PLATFORM, scan: Scan | None = None) -> ImageContents:
    """The image in the archive or folder ``argument`` names (``scan``: see :func:`contents`)."""
    path = Path(argument).expanduser()
    if not path.exists():
        raise missing(argument)
    with opened(path) as store:
        return contents(store, argument, platform, scan)
