"""What image layers hold, read as tar entries: pure functions, no Docker.

A layer is the list of its tar entries in archive order, exactly as ``docker
save`` streams it.  Two kinds of entry delete what the layers below put there
(the OCI image spec's whiteouts):

- a *whiteout* ``DIR/.wh.NAME`` deletes ``DIR/NAME`` and everything under it;
- an *opaque marker* ``DIR/.wh..wh..opq`` hides everything lower layers put in ``DIR``.

:func:`stack` applies layers in order and returns the filesystem a container
sees, plus every copy of a file that a later layer deleted or replaced: those
bytes are invisible in the container, yet still in the image and still
extractable by anyone who has it.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from checks.model.errors import MalformedError

WHITEOUT = ".wh."
#: Names that start with this are markers, never files (``.wh..wh..opq``, aufs' ``.wh..wh.plnk``).
MARKER = ".wh..wh."
OPAQUE = ".wh..wh..opq"

#: Tar type flags (POSIX ustar) that matter here.
REGULAR, HARDLINK, SYMLINK, DIRECTORY = "0", "1", "2", "5"


@dataclass(frozen=True, slots=True)
class Stamp:
    """An entry's metadata besides its content, read when two builds are compared (:mod:`checks.inspect.rebuild`)."""

    #: Permission bits and set-id bits, as the tar header's mode field holds them.
    mode: int
    uid: int
    gid: int
    #: Modification time in seconds since the epoch (fractional when a PAX record says so).
    mtime: float
    #: A symbolic link's target; else "".
    target: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """One tar entry of a layer."""

    #: Relative path without leading or trailing slash: ``usr/bin/gcc``.
    path: str
    #: Bytes of content in the tar: 0 for directories, links and whiteouts.
    size: int
    #: Tar type flag: ``0`` file, ``1`` hard link, ``2`` symlink, ``5`` directory, ...
    type: str = REGULAR
    #: Checksum of the content when the source records one (``crc64:...``, ``crc32:...``), else "".
    checksum: str = ""
    #: For a hard link, the path it links to (same layer); else "".
    link: str = ""
    #: Mode, owner and time, when the reader was asked for them; else None.
    stamp: Stamp | None = None

    @property
    def is_dir(self) -> bool:
        return self.type == DIRECTORY

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    @property
    def deletes(self) -> str | None:
        """The path this whiteout deletes; None when the entry is not a whiteout."""
        parent, _, name = self.path.rpartition("/")
        if not name.startswith(WHITEOUT) or name.startswith(MARKER):
            return None
        return f"{parent}/{name[len(WHITEOUT) :]}" if parent else name[len(WHITEOUT) :]

    @property
    def opaque(self) -> str | None:
        """The directory this opaque marker empties of lower layers' files ("" is the root); else None."""
        parent, _, name = self.path.rpartition("/")
        return parent if name == OPAQUE else None


def clean(name: str) -> str:
    """A tar member name as a relative path, like Go's ``path.Clean``: ``./etc/`` -> ``etc``, ``./`` -> ``""``."""
    return posixpath.normpath("/" + name).lstrip("/")


def entry(name: str, size: int, typeflag: str, checksum: str = "", link: str = "", stamp: Stamp | None = None) -> Entry:
    """An :class:`Entry` from raw tar header fields (an old-style type ``\\0`` ending in ``/`` is a directory); a
    whiteout that names nothing (``.wh.`` alone, which would delete its own folder, the root included) is
    :class:`~checks.model.errors.MalformedError`."""
    if typeflag in ("", "\0", "7"):
        typeflag = DIRECTORY if name.endswith("/") else REGULAR
    path = clean(name)
    if path.endswith(WHITEOUT) and path.rpartition("/")[2] == WHITEOUT:
        raise MalformedError(f"the whiteout '{name[-200:]}' names nothing to delete (it would delete its own folder)")
    return Entry(
        path=path,
        size=size,
        type=typeflag,
        checksum=checksum,
        link=clean(link) if typeflag == HARDLINK else "",
        stamp=stamp,
    )


@dataclass(frozen=True, slots=True)
class Copy:
    """One layer's copy of a file (anything but a directory)."""

    path: str
    size: int
    #: Index of the layer that wrote it (0 is the lowest).
    layer: int
    checksum: str = ""
    #: For a hard link, the path it links to in the same layer; else "".
    link: str = ""


@dataclass(frozen=True, slots=True)
class Hidden:
    """A copy of a file that a later layer deleted or replaced: invisible, yet still in the image."""

    copy: Copy
    #: What hid it: a whiteout's target, an opaque directory, or the replaced path itself.
    by: str
    #: The layer that hid it.
    layer: int


@dataclass(frozen=True, kw_only=True)
class Stacked:
    """The layers applied in order."""

    #: What a container sees: every non-directory path and the copy that wins.
    files: Mapping[str, Copy]
    #: Every copy with content that a later layer deleted or replaced, in the order they were hidden.
    hidden: tuple[Hidden, ...]
    #: What a container sees besides the files: every directory.
    directories: frozenset[str] = frozenset()


#: What the engine's init layer adds under every container (moby's ``initlayer``), which ``docker export``
#: of a container lists with the image's own paths: the mount points and the files the engine writes.
INIT_LAYER = frozenset(
    {
        *("dev", "dev/console", "dev/pts", "dev/shm", "proc", "sys", ".dockerenv"),
        *("etc", "etc/hostname", "etc/hosts", "etc/mtab", "etc/resolv.conf"),
    }
)


def visible_paths(stacked: Stacked) -> frozenset[str]:
    """Every path a container of the image has, directories included, as ``docker export`` lists them."""
    return frozenset(stacked.files) | stacked.directories | INIT_LAYER


_DIR = None  # a directory in _Overlay.nodes


class _Overlay:
    """Mutable working state of :func:`stack`: paths, their children, and what got hidden."""

    def __init__(self) -> None:
        self.nodes: dict[str, Copy | None] = {"": _DIR}
        self.children: dict[str, set[str]] = {"": set()}
        self.hidden: list[Hidden] = []

    def remove(self, path: str, *, by: str, layer: int) -> None:
        if path not in self.nodes:
            return
        pending = [path]
        while pending:
            current = pending.pop()
            node = self.nodes.pop(current)
            if node is not None and node.size:
                self.hidden.append(Hidden(copy=node, by=by, layer=layer))
            pending.extend(self.children.pop(current, ()))
        self.children[path.rpartition("/")[0]].discard(path)

    def empty(self, directory: str, *, layer: int) -> None:
        for child in list(self.children.get(directory, ())):
            self.remove(child, by=directory, layer=layer)

    def _link(self, path: str, layer: int) -> None:
        """Register ``path`` with its parent, creating parent directories a layer only implied."""
        while path:
            parent = path.rpartition("/")[0]
            if self.nodes.get(parent, _DIR) is not _DIR:  # a file where a directory must be
                self.remove(parent, by=parent, layer=layer)
            known = parent in self.nodes
            self.nodes.setdefault(parent, _DIR)
            self.children.setdefault(parent, set()).add(path)
            if known:
                return
            path = parent

    def add(self, item: Entry, layer: int) -> None:
        if item.path in self.nodes and not (self.nodes[item.path] is _DIR and item.is_dir):
            self.remove(item.path, by=item.path, layer=layer)
        self._link(item.path, layer)
        if item.is_dir:
            self.nodes[item.path] = _DIR
            self.children.setdefault(item.path, set())
        else:
            self.nodes[item.path] = Copy(
                path=item.path, size=item.size, layer=layer, checksum=item.checksum, link=item.link
            )


def stack(layers: Sequence[Iterable[Entry]]) -> Stacked:
    """Apply ``layers`` (lowest first) as an overlay filesystem does.

    Within a layer, whiteouts and opaque markers act first, on the layers below
    only; then the layer's own entries are added, each replacing what was at its path.
    """
    state = _Overlay()
    for index, layer in enumerate(layers):
        entries = [e for e in layer if e.path]
        for item in entries:
            if (target := item.deletes) is not None:
                state.remove(target, by=target, layer=index)
            elif (directory := item.opaque) is not None:
                state.empty(directory, layer=index)
        for item in entries:
            if not item.name.startswith(WHITEOUT):
                state.add(item, index)
    files = {path: node for path, node in state.nodes.items() if node is not None}
    directories = frozenset(path for path, node in state.nodes.items() if node is None and path)
    return Stacked(files=files, hidden=_still_linked(files, state.hidden), directories=directories)


def _still_linked(files: dict[str, Copy], hidden: Iterable[Hidden]) -> tuple[Hidden, ...]:
    """The hidden copies whose content no visible hard link still reaches.

    A tar stores a file's content once, under its first name; its other names
    are links of size 0.  When that first name is deleted or replaced, the
    content lives on under a link that is still visible: it moves there.
    """
    links: dict[tuple[int, str], str] = {}
    for path, copy in files.items():
        if copy.link:
            links.setdefault((copy.layer, copy.link), path)
    gone = []
    for item in hidden:
        alias = links.pop((item.copy.layer, item.copy.path), None)
        if alias is None:
            gone.append(item)
        else:
            files[alias] = dataclasses.replace(files[alias], size=item.copy.size, checksum=item.copy.checksum)
    return tuple(gone)


def directory_of(path: str, depth: int) -> str:
    """The directory holding ``path``, cut to at most ``depth`` levels ("" is the root)."""
    parts = path.split("/")[:-1]
    return "/".join(parts[:depth])


def bytes_by_directory(files: Iterable[tuple[str, int]], depth: int = 3) -> dict[str, int]:
    """Bytes per directory, ``depth`` levels deep, from (path, size) pairs."""
    totals: dict[str, int] = {}
    for path, size in files:
        if size:
            key = directory_of(path, depth)
            totals[key] = totals.get(key, 0) + size
    return totals


def largest(totals: Mapping[str, int], count: int) -> tuple[tuple[str, int], ...]:
    """The ``count`` largest items, largest first (ties by name)."""
    return tuple(sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:count])
