"""Image layers as tar entries, read from the bytes an engine or an archive holds: plain functions over streams.

Two readers, one result (:class:`ImageContents`):

- :func:`entries_from_tar_split`: a layer's entries from the engine's
  ``tar-split`` records, which hold every tar header of the layer and the size
  and CRC-64 of every file's content, so a layer is read without reading a byte
  of its files;
- :func:`read_archive`: a ``docker save`` archive read once as a stream,
  headers parsed as they pass, contents skipped (their CRC-32 kept), but for
  the small files a :data:`Scan` is handed as they pass (the secret rules of
  :mod:`checks.inspect.secrets`), when one is given.

Nothing here talks to an engine: :mod:`checks.engine.layer_source` hands
these functions what it read from one.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import io
import json
import posixpath
import queue
import threading
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from checks.inspect.layers import SYMLINK, Entry, Stamp, entry
from checks.inspect.secrets import Match, wanted
from checks.model.errors import UsageError

BLOCK = 512
#: Bytes read at a time when passing over file contents.
CHUNK = 1 << 20


@dataclass(frozen=True, kw_only=True)
class ImageContents:
    """An image's layers as tar entries, with the config history that made them."""

    ref: str
    image_id: str
    #: Uncompressed size, as ``docker image inspect`` reports it.
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


def entries_from_tar_split(text: str, *, stamped: bool = False) -> tuple[Entry, ...]:
    """A layer's entries from its tar-split records (JSON, one record a line).

    Type 2 records are raw tar bytes (the previous file's padding, then
    headers), type 1 records name a file and give its content's size and
    CRC-64.  A file's own header is the last 512 raw bytes before its type 1
    record; byte 156 of it is the type flag.  Hard links also need the link
    target, so their headers are parsed in full (PAX records included), and so
    is every header when ``stamped`` asks for each entry's :class:`Stamp`.
    """
    records = json.loads("[" + ",".join(line for line in text.splitlines() if line.strip()) + "]")
    entries = []
    raw, padding = b"", 0
    for record in records:
        if record["type"] == 2:
            raw += base64.b64decode(record["payload"])
            continue
        size = record.get("size", 0)
        typeflag = chr(raw[-BLOCK + 156]) if len(raw) >= BLOCK else "0"
        header = final_header(raw[padding:]) if typeflag == "1" or (stamped and len(raw) >= BLOCK) else None
        link = header.linkname if header is not None and typeflag == "1" else ""
        payload = record.get("payload")
        checksum = f"crc64:{payload}" if payload else ""
        stamp = header.stamp() if stamped and header is not None else None
        entries.append(entry(record["name"], size, typeflag, checksum, link, stamp))
        raw, padding = b"", -size % BLOCK
    return tuple(entries)


class Prefetch:
    """A pipe read ahead by a thread, so the engine never waits while the archive is parsed."""

    def __init__(self, raw: IO[bytes], depth: int = 64) -> None:
        self.chunks: queue.Queue[bytes | BaseException] = queue.Queue(depth)
        self.current, self.at, self.closed = b"", 0, False
        self.thread = threading.Thread(target=self._pump, args=(raw,), daemon=True)
        self.thread.start()

    def _pump(self, raw: IO[bytes]) -> None:
        try:
            while not self.closed:
                chunk = raw.read1(CHUNK)  # type: ignore[attr-defined]
                self.chunks.put(chunk)
                if not chunk:
                    return
        except BaseException as error:  # handed to the reading thread
            self.chunks.put(error)

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes (fewer only when the stream ends); b"" at its end."""
        while self.at >= len(self.current):
            chunk = self.chunks.get()
            if isinstance(chunk, BaseException):
                raise chunk
            if not chunk:
                self.chunks.put(b"")  # stay at the end for later reads
                return b""
            self.current, self.at = chunk, 0
        data = self.current[self.at : self.at + size]  # copies only what is read, never the rest of the chunk
        self.at += len(data)
        return data

    def close(self) -> None:
        self.closed = True
        while self.thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self.chunks.get(timeout=0.1)


class Reader:
    """Exact reads from a binary stream, optionally limited to ``limit`` bytes, with bytes pushed back in front."""

    def __init__(self, raw: IO[bytes], limit: int | None = None) -> None:
        self.raw, self.left, self.front = raw, limit, b""

    def _raw_read(self, size: int) -> bytes:
        if self.left is not None:
            size = min(size, self.left)
        data = self.raw.read(size) if size else b""
        if self.left is not None:
            self.left -= len(data)
        return data

    def read(self, size: int) -> bytes:
        """Exactly ``size`` bytes; fewer only at the end of the stream."""
        data, self.front = self.front[:size], self.front[size:]
        while len(data) < size:
            more = self._raw_read(size - len(data))
            if not more:
                break
            data += more
        return data

    def skip(self, size: int, crc: int | None = None) -> int | None:
        """Pass over ``size`` bytes; return their CRC-32 when ``crc`` is a starting value."""
        while size > 0:
            chunk = self.read(min(size, CHUNK))
            if not chunk:
                raise UsageError("The image archive ended in the middle of a file; the docker save stream was cut.")
            if crc is not None:
                crc = zlib.crc32(chunk, crc)
            size -= len(chunk)
        return crc

    def drain(self) -> None:
        while self.read(CHUNK):
            pass


def _number(field: bytes) -> int:
    """A numeric tar header field: octal text, or GNU base-256 when the high bit is set."""
    if field and field[0] & 0x80:
        return int.from_bytes(bytes([field[0] & 0x7F]) + field[1:], "big")
    text = field.split(b"\0", 1)[0].strip()
    return int(text, 8) if text else 0


def _pax(data: bytes) -> dict[str, str]:
    """PAX extended header records: ``LEN key=value\\n`` each."""
    found, at = {}, 0
    while at < len(data):
        space = data.index(b" ", at)
        length = int(data[at:space])
        key, _, value = data[space + 1 : at + length - 1].partition(b"=")
        found[key.decode()] = value.decode("utf-8", "surrogateescape")
        at += length
    return found


@dataclass(frozen=True)
class Header:
    """One member of a tar stream, after PAX and GNU long-name headers are applied."""

    name: str
    size: int
    typeflag: str
    linkname: str
    mode: int = 0
    uid: int = 0
    gid: int = 0
    mtime: float = 0.0

    def stamp(self) -> Stamp:
        """Its mode, owner and time (and a symbolic link's target)."""
        target = self.linkname if self.typeflag == SYMLINK else ""
        return Stamp(mode=self.mode, uid=self.uid, gid=self.gid, mtime=self.mtime, target=target)


def _parse_header(block: bytes, pending: Mapping[str, str]) -> Header:
    def text(raw: bytes) -> str:
        return raw.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")

    name = text(block[0:100])
    if block[257:263] == b"ustar\x00" and block[345]:
        name = text(block[345:500]) + "/" + name
    return Header(
        name=pending.get("path", name),
        size=int(pending["size"]) if "size" in pending else _number(block[124:136]),
        typeflag=chr(block[156]),
        linkname=pending.get("linkpath", text(block[157:257])),
        mode=_number(block[100:108]),
        uid=int(pending["uid"]) if "uid" in pending else _number(block[108:116]),
        gid=int(pending["gid"]) if "gid" in pending else _number(block[116:124]),
        mtime=float(pending["mtime"]) if "mtime" in pending else float(_number(block[136:148])),
    )


def walk(reader: Reader, member: Callable[[Header, Reader], None]) -> None:
    """Call ``member`` for every member of the tar in ``reader``; it must read exactly the member's size."""
    pending: dict[str, str] = {}
    while True:
        block = reader.read(BLOCK)
        if len(block) < BLOCK or not any(block):
            return
        header = _parse_header(block, pending)
        padding = -header.size % BLOCK
        if header.typeflag in "xLK":
            data = reader.read(header.size)[: header.size]
            if header.typeflag == "x":
                pending.update(_pax(data))
            else:
                pending["path" if header.typeflag == "L" else "linkpath"] = data.split(b"\0", 1)[0].decode(
                    "utf-8", "surrogateescape"
                )
        elif header.typeflag == "g":
            reader.skip(header.size)
        else:
            member(header, reader)
            pending = {}
        reader.skip(padding)


def final_header(raw: bytes) -> Header:
    """The header a run of raw header blocks describes, after its PAX and GNU long-name blocks."""
    pending: dict[str, str] = {}
    at = 0
    while True:
        header = _parse_header(raw[at : at + BLOCK], pending)
        data = raw[at + BLOCK : at + BLOCK + header.size]
        if header.typeflag not in "xLKg":
            return header
        if header.typeflag == "x":
            pending.update(_pax(data))
        elif header.typeflag != "g":
            pending["path" if header.typeflag == "L" else "linkpath"] = data.split(b"\0", 1)[0].decode(
                "utf-8", "surrogateescape"
            )
        at += BLOCK + header.size + (-header.size % BLOCK)


def layer_entries(
    reader: Reader, scan: Scan | None = None, found: list[Match] | None = None, *, stamped: bool = False
) -> tuple[Entry, ...]:
    """The entries of one layer tar, with a CRC-32 of each file's content (and each one's :class:`Stamp`
    when ``stamped``).

    With ``scan``, each small regular file (:func:`checks.inspect.secrets.wanted`) is read whole and handed to it;
    what it returns is added to ``found``.
    """
    entries: list[Entry] = []

    def record(header: Header, data: Reader) -> None:
        item = entry(header.name, header.size, header.typeflag)
        if scan is not None and found is not None and wanted(item):
            content = data.read(header.size)
            if len(content) < header.size:
                raise UsageError("The image archive ended in the middle of a file; the docker save stream was cut.")
            crc: int | None = zlib.crc32(content)
            found.extend(scan(item.path, content))
        else:
            crc = data.skip(header.size, 0) if header.size else None
        checksum = f"crc32:{crc:08x}" if crc is not None else ""
        stamp = header.stamp() if stamped else None
        entries.append(entry(header.name, header.size, header.typeflag, checksum, header.linkname, stamp))

    walk(reader, record)
    return tuple(entries)


GZIP, ZSTD = b"\x1f\x8b", b"\x28\xb5\x2f\xfd"


def _blob(
    header: Header,
    data: Reader,
    layers: dict[str, tuple[Entry, ...]],
    small: dict[str, bytes],
    scan: Scan | None,
    found: dict[str, list[Match]],
    stamped: bool = False,
) -> None:
    """One member of a ``docker save`` archive: a layer tar (plain or gzip), a small JSON file, or anything else."""
    name = posixpath.normpath(header.name)
    body = Reader(data.raw, header.size - len(data.front))
    body.front, data.front = data.front, b""  # bytes the outer reader had pushed back belong to this member
    head = body.read(min(BLOCK, header.size))
    if head.startswith(ZSTD):
        raise UsageError(
            f"{name} in the image archive is zstd-compressed, which slimlab cannot read; "
            "analyze an image stored uncompressed or with gzip."
        )
    if head.startswith(GZIP):
        body.front = head
        unpacked = Reader(gzip.GzipFile(fileobj=io.BufferedReader(_RawReader(body))))  # type: ignore[arg-type]
        layers[name] = layer_entries(unpacked, scan, found.setdefault(name, []), stamped=stamped)
    elif len(head) == BLOCK and (head[257:262] == b"ustar" or not any(head)):
        body.front = head
        layers[name] = layer_entries(body, scan, found.setdefault(name, []), stamped=stamped)
    elif header.size <= 64 << 20:
        small[name] = head + body.read(header.size - len(head))
    body.drain()


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
    stream: IO[bytes], scan: Scan | None = None, *, stamped: bool = False
) -> tuple[dict[str, Any], dict[str, Any], list[tuple[Entry, ...]], list[tuple[Match, ...]]]:
    """(manifest, config, layers lowest first, what ``scan`` found in each layer) from a ``docker save`` archive;
    ``stamped`` gives each entry its :class:`Stamp`."""
    reader = Reader(stream)
    layers: dict[str, tuple[Entry, ...]] = {}
    small: dict[str, bytes] = {}
    links: dict[str, str] = {}
    found: dict[str, list[Match]] = {}

    def member(header: Header, data: Reader) -> None:
        name = posixpath.normpath(header.name)
        if header.typeflag == "2":
            links[name] = posixpath.normpath(posixpath.join(posixpath.dirname(name), header.linkname))
        elif header.typeflag in "0\0" and header.size:
            _blob(header, data, layers, small, scan, found, stamped)
        else:
            data.skip(header.size)

    walk(reader, member)
    reader.drain()
    if "manifest.json" not in small:
        raise UsageError(
            "The docker save archive has no manifest.json; the engine may use an image format slimlab does not know."
        )
    manifest = json.loads(small["manifest.json"])[0]
    config = json.loads(small[posixpath.normpath(manifest["Config"])])
    names = [links.get(path, path) for path in map(posixpath.normpath, manifest["Layers"])]
    return manifest, config, [layers[name] for name in names], [tuple(found.get(name, ())) for name in names]
