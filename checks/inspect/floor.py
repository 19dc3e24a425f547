"""An image's runtime floor: the files its app opens or executes while its smoke test runs (pure).

:mod:`checks.engine.floor` runs the smoke command in a chroot of the image
under ``strace -f -y -e trace=open,openat,openat2,execve,execveat,chroot`` and
lists the image's tree with ``find -printf``; this module reads both texts.
:func:`opened_paths` keeps the successful opens and execs made after the
launcher's ``chroot`` (what the launcher itself opened before it is not the
app's), resolving each path against the process's directory as strace
decoded it (``-y`` prints ``AT_FDCWD</root/usr>``); :func:`floor` follows
symlinks inside the image root and counts each regular file once, with its
size from the tree.  Paths under ``/proc``, ``/dev``, ``/sys`` and ``/tmp``
are not the image's and never count.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

#: What the chroot provides that is not the image's: never part of a floor.
NOT_IMAGE = ("proc", "dev", "sys", "tmp")
#: Symlinks followed in one path before giving up, as the kernel's ELOOP limit.
MAX_LINKS = 40

#: One complete strace line: pid, syscall, arguments, return value (and its ``-y`` decoration).
_LINE = re.compile(r"^(?P<pid>\d+)\s+(?P<call>\w+)\((?P<args>.*)\)\s+=\s+(?P<ret>-?\d+)")
_UNFINISHED = re.compile(r"^(?P<pid>\d+)\s+(?P<head>.*?)\s*<unfinished \.\.\.>$")
_RESUMED = re.compile(r"^(?P<pid>\d+)\s+<\.\.\. \w+ resumed>\s?(?P<tail>.*)$")
#: A C string as strace prints it, with its escapes; a truncated one ends in ``"...``, which is not matched whole.
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"(\.\.\.)?')
#: A directory argument: ``AT_FDCWD``, ``3``, each with an optional ``-y`` path ``</usr/lib>``.
_DIRFD = re.compile(r"^(?P<fd>AT_FDCWD|-?\d+)(?:<(?P<path>[^>]*)>)?")

#: Which argument holds the path, and whether a directory argument comes first.
_PATH_CALLS = {"open": False, "execve": False, "openat": True, "openat2": True, "execveat": True}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "f": "\f", '"': '"', "\\": "\\"}


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One path of the image's tree, as ``find -printf '%y %s %P %l'`` lists it."""

    #: ``f`` regular file, ``d`` directory, ``l`` symlink, anything else another kind.
    kind: str
    size: int = 0
    #: A symlink's target, as stored.
    target: str = ""


@dataclass(frozen=True, kw_only=True)
class Floor:
    """The image's files the app used: each regular file once, with its size."""

    #: Path (no leading slash) to size in bytes, sorted by path.
    files: Mapping[str, int]

    @property
    def count(self) -> int:
        return len(self.files)

    @property
    def bytes(self) -> int:
        return sum(self.files.values())


def unescape(text: str) -> str:
    """A strace string's content as the path it names (``\\n``, ``\\"``, ``\\x41``, ``\\101``)."""
    out, i = bytearray(), 0
    while i < len(text):
        char = text[i]
        if char != "\\" or i + 1 == len(text):
            out += char.encode("utf-8", "surrogateescape")
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "x":
            out.append(int(text[i + 2 : i + 4], 16))
            i += 4
        elif nxt.isdigit():
            digits = re.match(r"[0-7]{1,3}", text[i + 1 :])
            assert digits is not None
            out.append(int(digits.group(), 8) & 0xFF)
            i += 1 + len(digits.group())
        else:
            out += _ESCAPES.get(nxt, nxt).encode()
            i += 2
    return out.decode("utf-8", "surrogateescape")


def _joined(lines: Iterable[str]) -> Iterator[str]:
    """Complete lines: a call strace split at ``<unfinished ...>`` is joined to its ``<... resumed>`` rest."""
    pending: dict[str, str] = {}
    for raw in lines:
        line = raw.rstrip("\n")
        if (cut := _UNFINISHED.match(line)) is not None:
            pending[cut["pid"]] = cut["head"]
        elif (rest := _RESUMED.match(line)) is not None:
            head = pending.pop(rest["pid"], None)
            if head is not None:
                yield f"{rest['pid']} {head}{rest['tail']}"
        else:
            yield line


def _inside(path: str, root: str) -> str | None:
    """A host path strace decoded as the same path inside the chroot at ``root``; None when outside it."""
    root = root.rstrip("/")
    if path == root:
        return "/"
    return path[len(root) :] if path.startswith(root + "/") else None


def _path_of(call: str, args: str, root: str, cwd: str) -> str | None:
    """The absolute path (inside the chroot) that a call named, or None when it cannot be told."""
    directory = cwd
    if _PATH_CALLS[call]:
        dirfd = _DIRFD.match(args)
        if dirfd is None:
            return None
        if dirfd["path"] is not None:
            inside = _inside(dirfd["path"], root)
            if inside is None:
                return None
            directory = inside
        elif dirfd["fd"] != "AT_FDCWD":
            return None  # a directory descriptor strace did not decode (run without -y)
        args = args[dirfd.end() :]
    string = _STRING.search(args)
    if string is None or string.group(2):  # no path, or one strace cut short
        return None
    name = unescape(string.group(1))
    if not name:  # execveat(fd, "", ..., AT_EMPTY_PATH): the descriptor is the file
        return directory if _PATH_CALLS[call] else None
    return posixpath.join(directory, name)


def opened_paths(trace: str, *, root: str, cwd: str = "/", execs_only: bool = False) -> list[str]:
    """Every path (inside the chroot, absolute) that a successful open or exec named after the first chroot.

    ``root`` is the chroot's directory on the host, as strace's ``-y`` decorations show it; ``cwd``
    the app's starting directory, for a relative path whose directory strace did not decode;
    ``execs_only`` keeps the executed files alone.
    """
    found: list[str] = []
    started = False
    for line in _joined(trace.splitlines()):
        call = _LINE.match(line)
        if call is None or int(call["ret"]) < 0:
            continue
        if call["call"] == "chroot":
            started = True
            continue
        if not started or call["call"] not in _PATH_CALLS or (execs_only and not call["call"].startswith("exec")):
            continue
        path = _path_of(call["call"], call["args"], root, cwd)
        if path is not None:
            found.append(path)
    return found


def resolve(path: str, lookup: Callable[[str], Entry | None]) -> str | None:
    """``path`` with every symlink followed inside the image root, as the chroot's kernel would; None
    when a component is missing or the links loop.  ``lookup`` takes a path without its leading slash."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    done: list[str] = []
    hops = 0
    while parts:
        part = parts.pop(0)
        if part == "..":
            if done:
                done.pop()
            continue
        entry = lookup("/".join([*done, part]))
        if entry is None:
            return None
        if entry.kind != "l":
            done.append(part)
            continue
        hops += 1
        if hops > MAX_LINKS:
            return None
        if entry.target.startswith("/"):
            done = []
        parts = [p for p in entry.target.split("/") if p not in ("", ".")] + parts
    return "/".join(done)


def excluded(path: str) -> bool:
    """True for paths the chroot provides and the image does not (``/proc``, ``/dev``, ``/sys``, ``/tmp``)."""
    return path.split("/", 1)[0] in NOT_IMAGE


def floor(paths: Iterable[str], lookup: Callable[[str], Entry | None]) -> Floor:
    """The regular files of the image that ``paths`` name (symlinks followed), each once, with their sizes."""
    files: dict[str, int] = {}
    for path in paths:
        if excluded(path.lstrip("/")):
            continue
        real = resolve(path, lookup)
        if real is None or excluded(real) or real in files:
            continue
        entry = lookup(real)
        if entry is not None and entry.kind == "f":
            files[real] = entry.size
    return Floor(files=dict(sorted(files.items())))


# ---------------------------------------------------------------------------
# What the kernel loads for an exec without an open that strace would see.

#: Bytes of an executed file read to find what loads it: ELF program headers sit near the start.
HEAD_BYTES = 1 << 16


def loader_of(head: bytes) -> str | None:
    """The program the kernel loads to run a file that starts with ``head``: a script's ``#!`` interpreter or
    an ELF binary's ``PT_INTERP`` (its dynamic loader, ``/lib64/ld-linux-x86-64.so.2``); None for neither."""
    if head.startswith(b"#!"):
        words = head[2:].split(b"\n", 1)[0].split()
        return words[0].decode("utf-8", "surrogateescape") if words else None
    if not head.startswith(b"\x7fELF") or len(head) < 64 or head[4] != 2:  # 64-bit ELF only
        return None
    order: Literal["little", "big"] = "little" if head[5] == 1 else "big"
    offset, size, count = (int.from_bytes(head[a:b], order) for a, b in ((32, 40), (54, 56), (56, 58)))
    for index in range(count):
        start = offset + index * size
        entry = head[start : start + size]
        if len(entry) < 40 or int.from_bytes(entry[0:4], order) != 3:  # PT_INTERP
            continue
        at, length = int.from_bytes(entry[8:16], order), int.from_bytes(entry[32:40], order)
        text = head[at : at + length].split(b"\0", 1)[0]
        return text.decode("utf-8", "surrogateescape") or None
    return None


def loaded(executed: Iterable[str], lookup: Callable[[str], Entry | None], head: Callable[[str], bytes]) -> list[str]:
    """What the kernel loaded to run the ``executed`` files (and what loaded those), as absolute paths.

    strace sees an ``execve`` of ``/usr/bin/python3``, never the kernel's reading of its dynamic loader or of
    a script's ``#!`` interpreter; ``head`` reads the first :data:`HEAD_BYTES` of a resolved image path.
    """
    found: list[str] = []
    queue = list(executed)
    while queue:
        real = resolve(queue.pop(0), lookup)
        entry = lookup(real) if real is not None else None
        if real is None or entry is None or entry.kind != "f":
            continue
        loader = loader_of(head(real))
        if loader is not None and loader not in found:
            found.append(loader)
            queue.append(loader)
    return found


def tree(listing: str) -> dict[str, Entry]:
    """The image's tree from ``find ROOT -xdev -printf '%y\\0%s\\0%P\\0%l\\0'``: four NUL-ended fields a path."""
    fields = listing.split("\0")
    entries = {}
    for i in range(0, len(fields) - 3, 4):
        kind, size, path, target = fields[i : i + 4]
        if path:
            entries[path] = Entry(kind=kind, size=int(size), target=target)
    return entries


def measure(trace: str, listing: str, *, root: str, cwd: str = "/", loaders: Iterable[str] = ()) -> Floor:
    """The floor from the texts :mod:`checks.engine.floor` records: strace's log, the tree's listing and
    the loaders the kernel read for the executed files (:func:`loaded`)."""
    entries = tree(listing)
    return floor([*opened_paths(trace, root=root, cwd=cwd), *loaders], entries.get)


# ---------------------------------------------------------------------------
# The image's user, as the engine resolves ``USER`` against the image's own files.


def _table(text: str) -> list[list[str]]:
    return [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]


@dataclass(frozen=True, kw_only=True)
class User:
    """Who the app runs as."""

    uid: int
    gid: int
    #: Supplementary groups, the primary one included.
    groups: tuple[int, ...]
    #: The home directory ``HOME`` is set to when the image's environment has none.
    home: str = "/"


def resolve_user(user: str, passwd: str, group: str) -> User:
    """``USER`` (``""``, ``name``, ``uid``, ``name:group``, ``uid:gid``) looked up in the image's
    ``/etc/passwd`` and ``/etc/group`` texts, as the engine does; ValueError for a name the image lacks."""
    name, _, group_name = user.partition(":")
    users = {row[0]: row for row in _table(passwd) if len(row) >= 6}
    by_uid = {row[2]: row for row in users.values()}
    name = name or "0"
    row = users.get(name) or by_uid.get(name)
    if row is None and not name.isdigit():
        raise ValueError(f"no user '{name}' in the image's /etc/passwd")
    uid, gid = (int(row[2]), int(row[3])) if row else (int(name), 0)
    groups = _table(group)
    if group_name:
        match = next((g for g in groups if len(g) >= 3 and group_name in (g[0], g[2])), None)
        if match is None and not group_name.isdigit():
            raise ValueError(f"no group '{group_name}' in the image's /etc/group")
        gid = int(match[2]) if match else int(group_name)
    login = row[0] if row else ""
    extra = {int(g[2]) for g in groups if len(g) >= 4 and login and login in g[3].split(",")}
    return User(uid=uid, gid=gid, groups=tuple(sorted({gid, *extra})), home=(row[5] if row else "") or "/")
