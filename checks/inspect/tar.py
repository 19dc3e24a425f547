"""The one tar reader of untrusted bytes: pure stream parsing, every header checked and bounded, a fault a
:class:`~checks.model.errors.MalformedError`.

:class:`Reader` reads a stream exactly, never more than :data:`CHUNK` bytes at a time; :func:`walk` passes over
a tar's members (PAX records, GNU long names, sparse maps), each header's checksum, numbers and path checked and
each count held to :mod:`checks.inspect.limits`; :class:`Prefetch` reads a pipe ahead on a thread.  What the
members make up (a layer's entries, a ``docker save`` archive) is :mod:`checks.inspect.archive`'s.
"""

from __future__ import annotations

import contextlib
import io
import queue
import re
import threading
import zlib
from collections.abc import Callable, Mapping
from typing import IO, NamedTuple

from checks.inspect.layers import REGULAR, SYMLINK, Stamp, clean
from checks.inspect.limits import DEPTH, ENTRIES, NAME, PAX, SPARSE
from checks.model.errors import MalformedError

BLOCK = 512
#: Bytes read at a time when passing over file contents.
CHUNK = 1 << 20


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
    """Exact reads from a binary stream, optionally limited to ``limit`` bytes, with bytes pushed back in front.

    The stream is never asked for more than :data:`CHUNK` bytes at a time, so a size that a header claims
    allocates nothing: memory follows what the stream holds.  Where the stream can seek, skipping over content
    that nobody reads seeks instead.
    """

    def __init__(self, raw: IO[bytes], limit: int | None = None) -> None:
        self.raw, self.left, self.front = raw, limit, b""
        self.seekable = limit is None and _seekable(raw)

    def _raw_read(self, size: int) -> bytes:
        size = min(size, CHUNK) if self.left is None else min(size, CHUNK, self.left)
        data = self.raw.read(size) if size else b""
        if self.left is not None:
            self.left -= len(data)
        return data

    def read(self, size: int) -> bytes:
        """Exactly ``size`` bytes; fewer only at the end of the stream."""
        data, self.front = self.front[:size], self.front[size:]
        if len(data) == size:
            return data
        parts, got = [data], len(data)
        while got < size:
            more = self._raw_read(size - got)
            if not more:
                break
            parts.append(more)
            got += len(more)
        return b"".join(parts)

    def exactly(self, size: int) -> bytes:
        """Exactly ``size`` bytes, or :class:`MalformedError` when the stream ends first."""
        data = self.read(size)
        if len(data) < size:
            raise cut()
        return data

    def skip(self, size: int, crc: int | None = None) -> int | None:
        """Pass over ``size`` bytes; return their CRC-32 when ``crc`` is a starting value."""
        if crc is None and self.seekable and size > len(self.front):
            size -= len(self.front)
            self.front = b""
            self.raw.seek(size - 1, io.SEEK_CUR)
            if not self.raw.read(1):
                raise cut()
            return None
        while size > 0:
            chunk = self.read(min(size, CHUNK))
            if not chunk:
                raise cut()
            if crc is not None:
                crc = zlib.crc32(chunk, crc)
            size -= len(chunk)
        return crc

    def tell(self) -> int:
        """Where the next read starts in a seekable stream."""
        return int(self.raw.tell()) - len(self.front)

    def drain(self) -> None:
        while self.read(CHUNK):
            pass


def _seekable(raw: object) -> bool:
    seekable = getattr(raw, "seekable", None)
    return bool(seekable()) if callable(seekable) else False


def cut() -> MalformedError:
    """The error for a stream that ends where a header said more follows."""
    return MalformedError(
        "it ended in the middle of a file: the archive was cut short, or a header claims more than it holds"
    )


DECIMAL = re.compile(r"[0-9]+")
SECONDS = re.compile(r"-?[0-9]+(?:\.[0-9]*)?")


def _number(field: bytes, what: str) -> int:
    """A numeric tar header field: octal text, or GNU base-256 when the high bit is set; never negative."""
    if field[:1] >= b"\x80":
        if field[0] & 0x40:
            raise MalformedError(f"its {what} field is negative")
        return int.from_bytes(bytes([field[0] & 0x3F]) + field[1:], "big")
    text = field.partition(b"\0")[0].strip(b" ")
    if text.isdigit():
        with contextlib.suppress(ValueError):  # an 8 or a 9
            return int(text, 8)
    elif not text:
        return 0
    raise MalformedError(f"its {what} field is not a number")


def _pax(data: bytes) -> dict[str, str]:
    """PAX extended header records: ``LEN key=value\\n`` each, LEN counting the whole record."""
    found, at = {}, 0
    while at < len(data) and any(data[at:]):
        space = data.find(b" ", at, at + 24)
        if space < 0:
            raise MalformedError("a PAX record has no length: no space after its first digits")
        digits = data[at:space]
        if not digits.isdigit():
            raise MalformedError("a PAX record's length is not a number")
        end = at + int(digits)
        if end <= space + 1 or end > len(data) or data[end - 1] != 0x0A:
            raise MalformedError("a PAX record's length does not match the record")
        key, equals, value = data[space + 1 : end - 1].partition(b"=")
        if not equals:
            raise MalformedError("a PAX record has no '='")
        found[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
        at = end
    return found


def _pax_number(value: str, key: str, pattern: re.Pattern[str] = DECIMAL) -> str:
    if not pattern.fullmatch(value):
        sign = " of 0 or more" if value.startswith("-") else ""
        raise MalformedError(f"its PAX {key} '{value[:24]}' is not a number{sign}")
    return value


class Header(NamedTuple):
    """One member of a tar stream, after PAX and GNU long-name headers are applied."""

    name: str
    size: int
    typeflag: str
    linkname: str
    #: The header block and the PAX records that apply to it, which :meth:`stamp` reads when asked.
    block: bytes = bytes(BLOCK)
    pax: Mapping[str, str] = {}

    def stamp(self) -> Stamp:
        """Its mode, owner and time (and a symbolic link's target)."""
        pending, block = self.pax, self.block
        return Stamp(
            mode=_number(block[100:108], "mode"),
            uid=int(_pax_number(pending["uid"], "uid")) if "uid" in pending else _number(block[108:116], "uid"),
            gid=int(_pax_number(pending["gid"], "gid")) if "gid" in pending else _number(block[116:124], "gid"),
            mtime=float(_pax_number(pending["mtime"], "mtime", SECONDS))
            if "mtime" in pending
            else float(_number(block[136:148], "mtime")),
            target=self.linkname if self.typeflag == SYMLINK else "",
        )


def _check_sum(block: bytes) -> None:
    """A header's checksum, as POSIX defines it (the signed sum that old tars wrote is accepted too)."""
    try:
        stored = _number(block[148:156], "checksum")
    except MalformedError:
        stored = -1
    unsigned = sum(block) - sum(block[148:156]) + 8 * 0x20
    if stored != unsigned and stored != unsigned - 256 * sum(1 for byte in block if byte & 0x80):
        raise MalformedError("it is not a tar header: its checksum is wrong")


def is_tar_header(block: bytes) -> bool:
    """Whether ``block`` is a tar header (its checksum right), or the zeros that end an empty tar."""
    if len(block) < BLOCK:
        return False
    try:
        _check_sum(block)
    except MalformedError:
        return not any(block)
    return True


def _text(raw: bytes) -> str:
    return raw.partition(b"\0")[0].decode("utf-8", "surrogateescape")


def _parse_header(block: bytes, pending: Mapping[str, str]) -> Header:
    _check_sum(block)
    name = pending.get("GNU.sparse.name") or pending.get("path")
    if name is None:
        name = _text(block[0:100])
        if block[257:263] == b"ustar\x00" and block[345]:
            name = _text(block[345:500]) + "/" + name
    size = int(_pax_number(pending["size"], "size")) if "size" in pending else _number(block[124:136], "size")
    link = pending["linkpath"] if "linkpath" in pending else _text(block[157:257])
    return Header(name, size, chr(block[156]), link, block, pending)


def checked_path(path: str, what: str) -> None:
    """A name within :data:`~checks.inspect.limits.NAME` and :data:`~checks.inspect.limits.DEPTH`."""
    if len(path) > NAME.most // 4:
        NAME.check(len(path.encode("utf-8", "surrogateescape")), what)
    if path.count("/") >= DEPTH.most:
        DEPTH.check(clean(path).count("/") + 1, what)


#: A metadata record's type flag: what it is, and the limit on its size.
RECORDS = {"x": ("a PAX header", PAX), "L": ("a GNU long name", NAME), "K": ("a GNU long link", NAME)}


def _record(reader: Reader, header: Header) -> bytes:
    """A PAX or GNU long-name record's data, its size checked against its limit before a byte is read."""
    what, limit = RECORDS[header.typeflag]
    limit.check(header.size - (header.typeflag != "x"), what)  # a long name ends in a NUL the limit does not count
    return reader.exactly(header.size)


def _sparse_map(reader: Reader, block: bytes) -> None:
    """Pass over an old GNU sparse header's extension blocks (the map of its data regions): at most SPARSE."""
    extended, count = block[482], 0
    while extended:
        count += 1
        SPARSE.check(count, "a sparse file's map")
        extended = reader.exactly(BLOCK)[504]


def _place(previous: str | None) -> str:
    return "the first tar header" if previous is None else f"the tar header after '{previous[-200:]}'"


def walk(reader: Reader, member: Callable[[Header, Reader], None], *, room: int = ENTRIES.most) -> None:
    """Call ``member`` for every member of the tar in ``reader``; it must read exactly the member's size.

    Every header is checked (checksum, numbers, PAX records, names) and every claim bounded by
    :mod:`checks.inspect.limits`, ``room`` entries at most; a fault is :class:`MalformedError`, naming the header.
    """
    pending: dict[str, str] = {}
    previous: str | None = None
    count = 0
    while True:
        block = reader.read(BLOCK)
        if len(block) < BLOCK or not any(block):
            if any(block):
                raise cut().at(_place(previous))
            return
        try:
            header = _member(reader, block, pending)
        except MalformedError as error:
            raise error.at(_place(previous)) from None
        if header is None:
            continue
        count += 1
        if count > room:
            ENTRIES.check(ENTRIES.most - room + count, "the image's entries")
        try:
            member(header, reader)
        except MalformedError as error:
            raise error.at(header.name[-200:]) from None
        pending, previous = {}, header.name
        reader.skip(-header.size % BLOCK)


def _member(reader: Reader, block: bytes, pending: dict[str, str]) -> Header | None:
    """The member ``block`` heads, checked; None for a metadata record, which is applied to ``pending``."""
    header = _parse_header(block, pending)
    if header.typeflag in RECORDS:
        data = _record(reader, header)
        if header.typeflag == "x":
            pending.update(_pax(data))
        else:
            pending["path" if header.typeflag == "L" else "linkpath"] = _text(data)
        reader.skip(-header.size % BLOCK)
        return None
    if header.typeflag == "g":
        reader.skip(header.size + -header.size % BLOCK)
        return None
    if header.typeflag == "S":
        _sparse_map(reader, block)
        header = header._replace(typeflag=REGULAR)
    checked_path(header.name, "a path")
    checked_path(header.linkname, "a link's target")
    return header


def final_header(raw: bytes) -> Header:
    """The header a run of raw header blocks describes, after its PAX and GNU long-name blocks."""
    reader = Reader(io.BytesIO(raw))
    pending: dict[str, str] = {}
    while True:
        block = reader.exactly(BLOCK)
        header = _member(reader, block, pending)
        if header is not None:
            return header
