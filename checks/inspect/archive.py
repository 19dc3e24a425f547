"""Image layers as tar entries, read from the bytes an engine or an archive holds: plain functions over streams.

Two readers, one result (:class:`ImageContents`):

- :func:`entries_from_tar_split`: a layer's entries from the engine's
  ``tar-split`` records, which hold every tar header of the layer and the size
  and CRC-64 of every file's content, so a layer is read without reading a byte
  of its files;
- :func:`read_archive`: a ``docker save`` archive read once as a stream,
  headers parsed as they pass, contents skipped (their CRC-32 kept), but for
  the small files a :data:`Scan` is handed as they pass (the secret rules of
  :mod:`checks.inspect.secrets`), when one is given.  Its ``manifest.json``
  names the image's files; an archive without one is read through its OCI
  image layout (``index.json`` to the manifest, blobs by digest), as the
  containerd image store writes it.

Nothing here talks to an engine: :mod:`checks.engine.layer_source` hands
these functions what it read from one.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import io
import json
import posixpath
import re
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from checks.inspect.documents import (
    PLATFORM,
    Config,
    blob_name,
    docker_manifest,
    image_config,
    image_manifest,
    oci_manifest,
    with_digest,
)
from checks.inspect.layers import SYMLINK, Entry, clean, entry
from checks.inspect.limits import DOCUMENT, ENTRIES
from checks.inspect.pkgdb import Kept
from checks.inspect.secrets import Match, wanted
from checks.inspect.tar import BLOCK, Header, Reader, checked_path, final_header, walk
from checks.model.errors import MalformedError, UsageError


@dataclass(frozen=True, kw_only=True)
class ImageContents:
    """An image's layers as tar entries, with the config history that made them."""

    ref: str
    image_id: str
    #: Uncompressed size (:func:`unpacked_bytes`), which ``docker image inspect`` reports on the classic store.
    size_bytes: int
    #: The config's history, oldest first: dicts with ``created_by`` and ``empty_layer``.
    history: tuple[Mapping[str, Any], ...]
    #: Each layer's entries in archive order, lowest layer first.
    layers: tuple[tuple[Entry, ...], ...]
    #: ``storage``, ``save``, ``docker-archive`` or ``oci-layout``: where the layers were read.
    source: str
    #: Each layer's diff id, lowest first (empty when the reader did not record them).
    diff_ids: tuple[str, ...] = ()
    #: The config's ``Env`` entries (``NAME=value``).
    env: tuple[str, ...] = ()
    #: Each layer's content matches (:func:`checks.inspect.secrets.scan_content`); None when contents were not read.
    found: tuple[tuple[Match, ...], ...] | None = None
    #: What the reader decided that the user should hear: which of several images it read, say.
    notes: tuple[str, ...] = ()
    #: Each layer's package databases (:mod:`checks.inspect.pkgdb`); None when the reader did not keep them.
    records: tuple[Kept, ...] | None = None


def unpacked_bytes(layers: Sequence[Sequence[Entry]]) -> int:
    """An image's size: the bytes of every file of every layer, those a later layer deletes or replaces included.

    The same whatever store the engine keeps the image in, and the sum of the layers' own sizes.  The engine's
    figure is not read: the classic image store's ``docker image inspect`` gives this one, or a few bytes more for
    a layer it counts symbolic links' targets in (as ``docker load`` registers one), and the containerd image
    store's gives what its snapshots take on disk (``docker image ls`` adds the content blobs to that).
    """
    return sum(item.size for layer in layers for item in layer)


#: Reads the content of a small file as a layer passes: (path, bytes) -> what it found there.
Scan = Callable[[str, bytes], Sequence[Match]]


def chain_ids(diff_ids: Sequence[str]) -> list[str]:
    """The layer store's chain ids: the first diff id, then sha256 of "<previous chain id> <diff id>"."""
    chain: list[str] = []
    for diff_id in diff_ids:
        chain.append(
            diff_id if not chain else "sha256:" + hashlib.sha256(f"{chain[-1]} {diff_id}".encode()).hexdigest()
        )
    return chain


#: The two records the engine writes (moby's tar-split, through Go's JSON encoder), one a line: raw tar bytes, and a
#: file's name, size and CRC-64.  Only these spellings are read without a JSON parser: a name with no escape, quote
#: or control character, numbers without leading zeros, base64 checked strictly; any other line sends the layer to
#: the parser.
_RAW_HEAD, _RAW_TAIL = '{"type":2,"payload":"', '","position":'
_NUMBER = "(?:0|[1-9][0-9]*)"
_POSITION = re.compile(_NUMBER + r"\}")
_FILE_RECORD = re.compile(
    r'\{"type":1,"name":"([^"\\\x00-\x1f]*)",(?:"size":(' + _NUMBER + r"),)?"
    r'"payload":(?:"([A-Za-z0-9+/=]*)"|null),"position":' + _NUMBER + r"\}"
)
#: A tar-split record as the reader uses it: raw tar bytes (None for a file), and a file's name, size and CRC-64.
_Record = tuple[bytes | None, str, int, str | None]


def _plain_records(text: str) -> list[_Record] | None:
    """The records of ``text`` when every line is spelled as the engine writes it (:data:`_FILE_RECORD`, raw bytes
    in strict base64), exactly what a JSON parser would read from them; None when a line is spelled otherwise."""
    records: list[_Record] = []
    for line in text.split("\n"):
        if line.startswith(_RAW_HEAD):
            payload, tail, position = line.rpartition(_RAW_TAIL)
            if len(payload) < len(_RAW_HEAD) or not tail or not _POSITION.fullmatch(position):
                return None
            try:
                records.append((binascii.a2b_base64(payload[len(_RAW_HEAD) :], strict_mode=True), "", 0, None))
            except binascii.Error:
                return None
        elif found := _FILE_RECORD.fullmatch(line):
            records.append((None, found[1], int(found[2] or 0), found[3]))
        elif line:
            return None
    return records


def _json_records(text: str) -> Iterator[_Record]:
    """The records of ``text`` (JSON, one a line) as a JSON parser reads them, one by one.  Lines end in ``\\n``
    only: a name may hold U+0085 or U+2028 as it is, which ``str.splitlines`` would take for line ends."""
    for record in json.loads("[" + ",".join(line for line in text.split("\n") if line.strip()) + "]"):
        if record["type"] == 2:
            yield base64.b64decode(record["payload"]), "", 0, None
        else:
            yield None, record["name"], record.get("size", 0), record.get("payload")


def entries_from_tar_split(text: str, *, stamped: bool = False) -> tuple[Entry, ...]:
    """A layer's entries from its tar-split records (JSON, one record a line).

    Type 2 records are raw tar bytes (the previous file's padding, then
    headers), type 1 records name a file and give its content's size and
    CRC-64.  A file's own header is the last 512 raw bytes before its type 1
    record; byte 156 of it is the type flag.  Hard links also need the link
    target, so their headers are parsed in full (PAX records included), and so
    is every header when ``stamped`` asks for each entry's :class:`Stamp`.  Names and the count of entries are
    held to the limits the tar reader applies (:func:`walk`).  Records spelled as the engine writes them are read
    without a JSON parser (:func:`_plain_records`), the same records a parser reads.
    """
    records = _plain_records(text)
    entries = []
    raw, padding = b"", 0
    for data, name, size, payload in _json_records(text) if records is None else records:
        if data is not None:
            raw += data
            continue
        typeflag = chr(raw[-BLOCK + 156]) if len(raw) >= BLOCK else "0"
        header = final_header(raw[padding:]) if typeflag == "1" or (stamped and len(raw) >= BLOCK) else None
        link = header.linkname if header is not None and typeflag == "1" else ""
        checksum = f"crc64:{payload}" if payload else ""
        stamp = header.stamp() if stamped and header is not None else None
        checked_path(name, "a path")
        entries.append(entry(name, size, typeflag, checksum, link, stamp))
        if len(entries) > ENTRIES.most:
            ENTRIES.check(len(entries), "the layer's entries")
        raw, padding = b"", -size % BLOCK
    return tuple(entries)


def layer_entries(
    reader: Reader,
    scan: Scan | None = None,
    found: list[Match] | None = None,
    *,
    stamped: bool = False,
    room: int = ENTRIES.most,
    kept: Kept | None = None,
) -> tuple[Entry, ...]:
    """The entries of one layer tar, with a CRC-32 of each file's content (and each one's :class:`Stamp`
    when ``stamped``); at most ``room`` of them (:func:`walk`).

    With ``scan``, each small regular file (:func:`checks.inspect.secrets.wanted`) is read whole and handed to it;
    what it returns is added to ``found``.  With ``kept``, the package databases it wants are read whole into it.
    """
    entries: list[Entry] = []

    def record(header: Header, data: Reader) -> None:
        scanned = scan is not None and found is not None and wanted(entry(header.name, header.size, header.typeflag))
        keep = kept is not None and kept.wants(header.name, header.size, header.typeflag)
        if scanned or keep:
            content = data.exactly(header.size)
            crc: int | None = zlib.crc32(content)
            if scanned and scan is not None and found is not None:
                found.extend(scan(clean(header.name), content))
            if keep and kept is not None:
                kept.keep(header.name, content)
        else:
            crc = data.skip(header.size, 0) if header.size else None
        checksum = f"crc32:{crc:08x}" if crc is not None else ""
        stamp = header.stamp() if stamped else None
        entries.append(entry(header.name, header.size, header.typeflag, checksum, header.linkname, stamp))

    walk(reader, record, room=room)
    return tuple(entries)


GZIP, ZSTD = b"\x1f\x8b", b"\x28\xb5\x2f\xfd"


class _Members:
    """What a ``docker save`` stream held, as it passed: its layers' entries, its small files, its links."""

    def __init__(self, scan: Scan | None, stamped: bool) -> None:
        self.scan, self.stamped = scan, stamped
        self.layers: dict[str, tuple[Entry, ...]] = {}
        self.small: dict[str, bytes] = {}
        self.sizes: dict[str, int] = {}
        self.links: dict[str, str] = {}
        self.found: dict[str, list[Match]] = {}
        self.kept: dict[str, Kept] = {}
        self.entries = 0

    def __call__(self, header: Header, data: Reader) -> None:
        name = posixpath.normpath(header.name)
        if header.typeflag == SYMLINK:
            self.links[name] = posixpath.normpath(posixpath.join(posixpath.dirname(name), header.linkname))
        elif header.typeflag in "0\0" and header.size:
            self._blob(name, header, data)
        else:
            data.skip(header.size)

    def _blob(self, name: str, header: Header, data: Reader) -> None:
        """One member: a layer tar (plain or gzip), a small JSON file, or anything else."""
        self.sizes[name] = header.size
        body = Reader(data.raw, header.size - len(data.front))
        body.front, data.front = data.front, b""  # bytes the outer reader had pushed back belong to this member
        head = body.read(min(BLOCK, header.size))
        if head.startswith(ZSTD):
            raise UsageError(
                f"{name} in the image archive is zstd-compressed, which slimlab cannot read; "
                "analyze an image stored uncompressed or with gzip."
            )
        body.front = head
        if head.startswith(GZIP):
            unpacked = Reader(gzip.GzipFile(fileobj=io.BufferedReader(_RawReader(body))))  # type: ignore[arg-type]
            try:
                self._layer(name, unpacked)
            except (OSError, EOFError, zlib.error) as error:
                raise MalformedError(f"it cannot be decompressed (gzip): {error}") from None
        elif len(head) == BLOCK and (head[257:262] == b"ustar" or not any(head)):
            self._layer(name, body)
        elif header.size <= DOCUMENT.most:
            self.small[name] = body.exactly(header.size)
        body.drain()

    def _layer(self, name: str, reader: Reader) -> None:
        found = self.found.setdefault(name, [])
        kept = self.kept.setdefault(name, Kept())
        room = ENTRIES.most - self.entries
        entries = layer_entries(reader, self.scan, found, stamped=self.stamped, room=room, kept=kept)
        self.layers[name] = entries
        self.entries += len(entries)

    def holds(self, name: str) -> bool:
        """Whether the archive has a file of this name (a layer, a small file, or one too large to keep)."""
        return name in self.sizes

    def document(self, name: str) -> bytes:
        """A small file of the archive by name; :class:`MalformedError` when it is missing or over the limit."""
        if name not in self.small:
            if name in self.sizes:
                DOCUMENT.check(self.sizes[name], name)
            raise MalformedError(f"it has no {name}, which its manifest.json or index names")
        return self.small[name]

    def layer(self, name: str) -> str:
        """The member a layer's name leads to, through a symbolic link (Docker's older archives link
        repeated layers)."""
        path = posixpath.normpath(name)
        path = self.links.get(path, path)
        if path not in self.layers:
            raise MalformedError(f"its manifest names the layer {name}, which it does not hold as a tar")
        return path


class _RawReader(io.RawIOBase):
    """A :class:`Reader` as a raw stream, for :class:`gzip.GzipFile`."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.reader.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def read_archive(
    stream: IO[bytes], scan: Scan | None = None, *, stamped: bool = False, records: list[Kept] | None = None
) -> tuple[dict[str, Any], dict[str, Any], list[tuple[Entry, ...]], list[tuple[Match, ...]]]:
    """(manifest, config, layers lowest first, what ``scan`` found in each layer) from a ``docker save`` archive;
    ``stamped`` gives each entry its :class:`Stamp`; ``records`` is given each layer's package databases.  The
    manifest is the image's entry in ``manifest.json``, or where there is none, the OCI image manifest its
    ``index.json`` leads to (the one for linux/amd64 when it indexes several); it and the config are checked
    (:mod:`checks.inspect.documents`) before they are returned."""
    reader = Reader(stream)
    members = _Members(scan, stamped)
    try:
        walk(reader, members)
        reader.drain()
        if members.holds("manifest.json"):
            manifest, config, layer_names = _docker(members)
        elif members.holds("oci-layout") and members.holds("index.json"):
            manifest, config, layer_names = _oci(members)
        else:
            raise UsageError(
                "The docker save archive has neither a manifest.json nor an OCI image layout (oci-layout and "
                "index.json); the engine may use an image format slimlab does not know."
            )
        names = [members.layer(name) for name in layer_names]
    except MalformedError as error:
        raise error.at("the docker save archive") from None
    layers = [members.layers[name] for name in names]
    if records is not None:
        records.extend(members.kept[name] for name in names)
    return manifest, dict(config.document), layers, [tuple(members.found.get(name, ())) for name in names]


def _docker(members: _Members) -> tuple[dict[str, Any], Config, list[str]]:
    """(the image's entry in manifest.json, the config, each layer's name) of a ``docker save`` archive."""
    image = docker_manifest(members.document("manifest.json"))
    config = image_config(members.document(posixpath.normpath(image.config)), image.config)
    return dict(image.document), config, list(image.layers)


def _oci(members: _Members) -> tuple[dict[str, Any], Config, list[str]]:
    """(the manifest, the config, each layer's name) of the image an archive's OCI layout leads to, as an engine
    that writes no manifest.json saves it: every document checked against its digest."""
    manifest, name, _ = oci_manifest(
        lambda name, digest: with_digest(members.document(name), name, digest),
        PLATFORM,  # the engine's own: it saves the images it runs
        has=members.holds,
        where="The docker save archive",
    )
    config_descriptor, layers = image_manifest(manifest, name)
    config_name = blob_name(config_descriptor.digest)
    config = image_config(with_digest(members.document(config_name), config_name, config_descriptor.digest))
    if len(config.diff_ids) != len(layers):
        raise MalformedError(
            f"the image config lists {len(config.diff_ids)} layers (rootfs.diff_ids) but its manifest "
            f"{len(layers)}: the archive is damaged"
        )
    return dict(manifest), config, [blob_name(layer.digest) for layer in layers]
