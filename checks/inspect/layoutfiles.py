"""An image's files on disk, with no engine: the members of a folder or a tar (uncompressed or gzip), by relative
path (:class:`Store`).

Links are resolved inside the folder or the archive, never on the host, each chain of them bounded; only
regular files are opened, and a FIFO, a device or a socket is refused before it is opened.  What the files
make up (a ``docker save`` archive, an OCI layout) is :mod:`checks.inspect.layout`'s.
"""

from __future__ import annotations

import errno
import gzip
import io
import os
import posixpath
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, cast

from checks.inspect.archive import GZIP
from checks.inspect.layers import HARDLINK, SYMLINK
from checks.inspect.limits import LINKS, MEMBERS
from checks.inspect.tar import CHUNK, Reader, cut, is_tar_header, walk
from checks.model.errors import MalformedError, UsageError


def missing(argument: str) -> UsageError:
    """The error for a path where nothing is."""
    return UsageError(
        f"No image archive at '{argument}': no such file or folder. Write one with `docker save IMAGE -o FILE.tar` "
        "(or `skopeo copy` into an OCI layout), or name an image in the engine "
        "without a path-like prefix or ending."
    )


class Store(Protocol):
    """The members of an archive or a folder, by relative path: links resolved inside it, only files opened."""

    def has(self, name: str) -> bool: ...

    def open(self, name: str) -> IO[bytes]: ...


def relative(name: str) -> str:
    """A member name as a clean relative path; one that leaves the archive is refused."""
    path = posixpath.normpath(name.lstrip("/"))
    if path == ".." or path.startswith("../"):
        raise MalformedError(f"it names '{name[:200]}', which is outside it")
    return path


def _followed(link: str, target: str, folder: str) -> str:
    """Where a symbolic link ``link`` in ``folder`` leads, inside the archive or layout; never a host path."""
    joined = posixpath.normpath(posixpath.join(folder, target))
    if target.startswith("/") or joined == ".." or joined.startswith("../"):
        raise MalformedError(f"{link} is a symbolic link to {target[:200]}, outside the archive or layout")
    return joined


def _no_file(name: str) -> MalformedError:
    return MalformedError(f"it has no file {name}, though its index or manifest names it")


#: What a file that is not a regular one is, as a message says it.
KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
    stat.S_IFLNK: "a symbolic link",
}


def _what(mode: int) -> str:
    return KINDS.get(stat.S_IFMT(mode), "not a regular file")


class FolderStore:
    """An extracted archive or OCI layout: files under a folder, opened relative to it.

    A path is opened one component at a time from the folder's own descriptor, never following a link
    (``O_NOFOLLOW``): a symbolic link on the way is read and resolved here, inside the folder, as one inside a tar
    is, and one that leads out of it is refused.  Only regular files are opened: a FIFO, a device or a socket is
    refused from its ``lstat``, before any ``open``.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)

    def close(self) -> None:
        os.close(self.fd)

    def has(self, name: str) -> bool:
        try:
            os.close(self._open(name))
        except FileNotFoundError:
            return False
        return True

    def open(self, name: str) -> IO[bytes]:
        try:
            return os.fdopen(self._open(name), "rb")
        except FileNotFoundError:
            raise _no_file(name) from None

    def _open(self, name: str) -> int:
        path = relative(name)
        for _ in range(LINKS.most + 1):
            found = self._open_path(path)
            if isinstance(found, int):
                return found
            path = found
        raise MalformedError(f"the links from {name} lead on past {LINKS.most} links ({LINKS.why})")

    def _open_path(self, path: str) -> int | str:
        """The descriptor of the regular file at ``path``, or the path a symbolic link on the way leads to."""
        parts = path.split("/")
        at = self.fd
        try:
            for index, part in enumerate(parts):
                mode = os.stat(part, dir_fd=at, follow_symlinks=False).st_mode
                last = index == len(parts) - 1
                if stat.S_ISLNK(mode):
                    rest = "/".join(parts[: index + 1])
                    target = os.readlink(part, dir_fd=at)
                    return posixpath.join(_followed(rest, target, posixpath.dirname(rest)), *parts[index + 1 :])
                if not (stat.S_ISREG(mode) if last else stat.S_ISDIR(mode)):
                    if not last and not stat.S_ISDIR(mode):
                        raise FileNotFoundError(errno.ENOENT, path)
                    raise MalformedError(f"{path} is {_what(mode)}, not a file")
                flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK | (0 if last else os.O_DIRECTORY)
                opened = os.open(part, flags, dir_fd=at)
                if at != self.fd:
                    os.close(at)
                at = opened
            if not stat.S_ISREG(os.fstat(at).st_mode):  # it changed between the lstat and the open
                raise MalformedError(f"{path} is {_what(os.fstat(at).st_mode)}, not a file")
            found, at = at, self.fd
            return found
        finally:
            if at != self.fd:
                os.close(at)


@dataclass(frozen=True)
class _Member:
    """Where a member of a tar is: the offset of its content, its size, its type and its link."""

    offset: int
    size: int
    typeflag: str
    link: str


class _Section(io.RawIOBase):
    """A member's content: ``size`` bytes from ``offset`` of a seekable stream that other sections share."""

    def __init__(self, stream: IO[bytes], offset: int, size: int) -> None:
        self.stream, self.offset, self.size, self.at = stream, offset, size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        want = min(len(buffer), self.size - self.at)
        if want <= 0:
            return 0
        self.stream.seek(self.offset + self.at)
        data = self.stream.read(want)
        if not data:
            raise cut()
        buffer[: len(data)] = data
        self.at += len(data)
        return len(data)


class TarStore:
    """A tar holding an archive or an OCI layout (uncompressed or gzip), indexed in one pass of its headers
    (:func:`~checks.inspect.tar.walk`, every limit applied): members found by name, links resolved among
    the members, never on the host."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.members: dict[str, _Member] = {}
        self.count = 0
        walk(Reader(stream), self._index)

    def _index(self, header: Any, data: Reader) -> None:
        self.count += 1
        MEMBERS.check(self.count, "the archive's files")
        path = posixpath.normpath(header.name.lstrip("/"))
        if path != ".." and not path.startswith("../"):  # a member no relative name can reach is left out
            self.members[path] = _Member(data.tell(), header.size, header.typeflag, header.linkname)
        data.skip(header.size)

    def has(self, name: str) -> bool:
        return relative(name) in self.members

    def open(self, name: str) -> IO[bytes]:
        member = self._resolve(name)
        return io.BufferedReader(_Section(self.stream, member.offset, member.size), CHUNK)

    def _resolve(self, name: str) -> _Member:
        path = relative(name)
        for _ in range(LINKS.most + 1):
            member = self.members.get(path)
            if member is None:
                raise _no_file(name)
            if member.typeflag in ("0", "\0", "7"):
                return member
            if member.typeflag == HARDLINK:
                path = relative(member.link)
            elif member.typeflag == SYMLINK:
                path = _followed(path, member.link, posixpath.dirname(path))
            else:
                raise MalformedError(f"{path} is no file (its tar type is '{member.typeflag}')")
        raise MalformedError(f"the links from {name} lead on past {LINKS.most} links ({LINKS.why})")


def _kind(path: Path) -> str:
    """``folder`` or ``file``; anything else (a FIFO, a device, a socket) is refused before it is opened."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise missing(str(path)) from None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    raise UsageError(
        f"'{path}' is {_what(mode)}, not a file or folder: slimlab reads an image from a docker save archive "
        "or an OCI layout, never from a pipe or a device. Save the image to a file first."
    )


@contextmanager
def opened(path: Path) -> Iterator[Store]:
    """The store of a folder, or of a tar file (uncompressed or gzip); a FIFO or a device is refused unopened."""
    if _kind(path) == "folder":
        folder = FolderStore(path)
        try:
            yield folder
        finally:
            folder.close()
        return
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # it changed since the stat
            raise UsageError(f"'{path}' is {_what(os.fstat(descriptor).st_mode)}, not a file or folder.")
        packed = file.read(2) == GZIP
        file.seek(0)
        stream = cast(IO[bytes], gzip.GzipFile(fileobj=file) if packed else file)
        first = stream.read(512)
        stream.seek(0)
        if not is_tar_header(first):
            raise UsageError(
                f"'{path}' is no tar archive slimlab can read (its first bytes are no tar header); "
                "give a docker save archive or an OCI layout."
            )
        yield TarStore(stream)
