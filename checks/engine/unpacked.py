"""A layer's small files read from the engine's unpacked copy of it (``<data-root>/overlay2/<cache-id>/diff``),
which a later layer never changes: a file it deleted is still there.

Each file is read by a walk of descriptors relative to that folder (:func:`walk_files`), never through a link,
never blocking on a FIFO, so no link in it leads out of it; many small files go into one buffer, laid end to end,
for one scan of the secret rules (:func:`stored_found`); the package databases the same way
(:func:`stored_records`).  :mod:`checks.engine.layer_source` says which layers and files.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from checks.inspect.archive import Scan
from checks.inspect.layers import Entry
from checks.inspect.pkgdb import Kept
from checks.inspect.secrets import CONTENT_LIMIT, Match, scan_content, scan_files, wanted

#: How the reader opens a folder of a layer's unpacked copy, and a file in it: relative to its parent's descriptor,
#: never through a symbolic link (``O_NOFOLLOW``), never blocking on a FIFO, never as a controlling terminal.
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


def _plan(sizes: Mapping[str, int]) -> tuple[dict[str, dict[str, int]], dict[str, set[str]]]:
    """For the files ``sizes`` names: each folder's wanted files (name -> size) and the subfolders that lead to some."""
    files: dict[str, dict[str, int]] = {}
    below: dict[str, set[str]] = {}
    for path, size in sizes.items():
        folder, _, name = path.rpartition("/")
        files.setdefault(folder, {})[name] = size
        while folder:
            parent, _, name = folder.rpartition("/")
            known = parent in below
            below.setdefault(parent, set()).add(name)
            if known:
                break
            folder = parent
    return files, below


def _read_into(folder: int, name: str, size: int, path: str, target: memoryview) -> None:
    """Read ``name`` in the open folder ``folder``, a regular file of ``size`` bytes (else OSError), into ``target``."""
    handle = os.open(name, _FILE, dir_fd=folder)
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or status.st_size != size:
            raise OSError(f"{path} in the layer's folder is not the regular file of {size} bytes its header says")
        got = 0
        while got < size:
            count = os.readv(handle, [target[got:size]])
            if not count:
                raise OSError(f"{path} in the layer's folder ended before its {size} bytes")
            got += count
    finally:
        os.close(handle)


def _read_file(folder: int, name: str, size: int, path: str) -> bytes:
    """The bytes of ``name`` in the open folder ``folder``, a regular file of ``size`` bytes (else OSError)."""
    data = bytearray(size)
    _read_into(folder, name, size, path, memoryview(data))
    return bytes(data)


T = TypeVar("T")


def unpacked_files(diff: Path, sizes: Mapping[str, int]) -> Iterator[tuple[str, bytes]]:
    """Each file ``sizes`` names with its bytes (:func:`walk_files`, each read whole)."""
    return walk_files(diff, sizes, _read_file)


def walk_files(
    diff: Path, sizes: Mapping[str, int], read: Callable[[int, str, int, str], T]
) -> Iterator[tuple[str, T]]:
    """Each file ``sizes`` names (its path in the layer -> its size in the layer's headers) with what ``read`` made of
    it (``read(folder, name, size, path)``, the folder an open descriptor), from the layer's unpacked copy ``diff``;
    OSError when one is missing or is not that regular file.

    The walk never resolves a path: each folder on the way is opened relative to its parent's descriptor, only by a
    name its parent's listing holds (so never ``..``), with ``O_NOFOLLOW``, so a symbolic link in the layer, to a
    file or a folder, is never followed out of it.  A name is opened only when the listing says it is a regular file
    (a device or FIFO is listed, never opened), and what was opened is checked again (``fstat``) before it is read,
    never more than its size.  The walk visits only the folders that lead to a wanted file, and holds one descriptor
    per level of depth.
    """
    if not sizes:
        return
    files, below = _plan(sizes)
    left = len(sizes)
    stack: list[tuple[str, int, Iterator[str]]] = []  # the open folders, each with the subfolders still to enter
    try:
        opened: tuple[str, int] | None = ("", os.open(diff, _FOLDER))
        while opened is not None:
            folder, descriptor = opened
            stack.append((folder, descriptor, iter(())))
            wanted_here, subfolders, entering = files.get(folder, {}), below.get(folder, set()), []
            with os.scandir(descriptor) as listing:
                for item in listing:
                    path = f"{folder}/{item.name}" if folder else item.name
                    if item.name in wanted_here:
                        if not item.is_file(follow_symlinks=False):
                            raise OSError(f"{path} in the layer's folder is not a regular file")
                        yield path, read(descriptor, item.name, wanted_here[item.name], path)
                        left -= 1
                    elif item.name in subfolders and item.is_dir(follow_symlinks=False):
                        entering.append(item.name)
            stack[-1] = (folder, descriptor, iter(entering))
            opened = None
            while stack and opened is None:
                parent, handle, pending = stack[-1]
                name = next(pending, None)
                if name is None:
                    stack.pop()
                    os.close(handle)
                else:
                    opened = (f"{parent}/{name}" if parent else name, os.open(name, _FOLDER, dir_fd=handle))
    finally:
        for _, handle, _ in stack:
            os.close(handle)
    if left:
        raise OSError(f"{left} file(s) of the layer are not in its folder {diff}")


#: How many bytes of small files are read one after another before the secret rules scan them in one call.
BATCH = max(8 << 20, CONTENT_LIMIT)


class _Batch:
    """Small files read one after another into one buffer, and scanned together when it is full (:func:`scan_files`)."""

    def __init__(self) -> None:
        self.view = memoryview(bytearray(BATCH))
        self.files: list[tuple[str, int]] = []  # each file's path and where it ends in the buffer
        self.found: dict[str, tuple[Match, ...]] = {}

    def read(self, folder: int, name: str, size: int, path: str) -> None:
        at = self.files[-1][1] if self.files else 0
        if at + size > len(self.view):
            self.scan()
            at = 0
            if size > len(self.view):
                self.view = memoryview(bytearray(size))
        _read_into(folder, name, size, path, self.view[at : at + size])
        self.files.append((path, at + size))

    def scan(self) -> None:
        self.found.update(zip((path for path, _ in self.files), scan_files(self.view, self.files), strict=True))
        self.files = []


def stored_found(diff: Path, entries: Sequence[Entry], scan: Scan) -> tuple[Match, ...]:
    """What ``scan`` finds in the small files of one layer, read from its unpacked copy ``diff``
    (:func:`walk_files`), in the order of the layer's entries.  The content rules' own scan (:func:`scan_content`)
    reads them many at a time (:class:`_Batch`), with the same matches."""
    sizes = {e.path: e.size for e in entries if wanted(e)}
    found: Mapping[str, Sequence[Match]]
    if scan is scan_content:
        batch = _Batch()
        for _ in walk_files(diff, sizes, batch.read):
            pass
        batch.scan()
        found = batch.found
    else:
        found = {path: scan(path, data) for path, data in unpacked_files(diff, sizes)}
    return tuple(m for item in entries if wanted(item) for m in found[item.path])


def stored_records(folders: Sequence[Path], layers: Sequence[Sequence[Entry]]) -> tuple[Kept, ...] | None:
    """Each layer's package databases (:class:`~checks.inspect.pkgdb.Kept`), read from its unpacked copy; None when
    one cannot be read (the analysis then has no packages)."""
    found = []
    try:
        for diff, entries in zip(folders, layers, strict=True):
            kept = Kept()
            sizes = {e.path: e.size for e in entries if kept.wants(e.path, e.size, e.type)}
            for path, data in unpacked_files(diff, sizes):
                kept.keep(path, data)
            found.append(kept)
    except OSError:
        return None
    return tuple(found)
