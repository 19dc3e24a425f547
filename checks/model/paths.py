"""Paths a lab or a learner names, checked before anything reads them.

A lab folder may come from someone else, so what it names must stay inside it:
:func:`leaves` judges a relative path by its spelling alone (pure), :func:`escapes`
follows its symbolic links.  :func:`kind` says what is at a path by looking at
it, never opening it, so a FIFO or a device (``/dev/zero``) named as a file is
refused without blocking; :func:`read_small` reads a regular file that
:func:`kind` vouched for without ever blocking on anything else.
"""

from __future__ import annotations

import os
import posixpath
import stat
from pathlib import Path

FILE, FOLDER, NOTHING = "a file", "a folder", "nothing"
#: What is at a path, by the file type bits of its mode (symbolic links followed).
KINDS = {
    stat.S_IFREG: FILE,
    stat.S_IFDIR: FOLDER,
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}
#: How many characters of a path a message shows.
SHOWN = 100


def leaves(relative: str) -> str | None:
    """How ``relative`` (a path the spec gives relative to the lab folder) leads out of the folder by its spelling
    alone, or None when it stays in: an absolute path, or ``..`` climbing out."""
    if posixpath.isabs(relative):
        return "it is an absolute path"
    if posixpath.normpath(relative).split("/")[0] == "..":
        return "its '..' climb out of it"
    return None


def escapes(path: Path, *roots: Path) -> Path | None:
    """Where ``path`` leads, its symbolic links followed, when that is inside none of ``roots``; None when it stays."""
    resolved = Path(os.path.realpath(path))
    if any(resolved.is_relative_to(os.path.realpath(root)) for root in roots):
        return None
    return resolved


def kind(path: Path) -> str:
    """What is at ``path`` (symbolic links followed), looked at and never opened: :data:`FILE`, :data:`FOLDER`,
    :data:`NOTHING`, a FIFO, a device or a socket, or why it cannot be looked at."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return NOTHING
    except OSError as error:
        return f"a path that cannot be looked at ({error.strerror or error})"
    except ValueError:  # a NUL in the name
        return "a path with a NUL character, which no file can have"
    return KINDS.get(stat.S_IFMT(mode), "neither a file nor a folder")


def shown(path: str | Path) -> str:
    """A path as a message shows it: characters that are not printable escaped, a very long one cut short."""
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in str(path))
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}…({len(text)} characters)"


def read_small(path: Path, limit: int) -> bytes | None:
    """The bytes of the regular file at ``path``, or None when it holds more than ``limit``.

    Opened without blocking and checked once open, so a FIFO or a device put at
    the path after :func:`kind` looked is never read from (OSError instead).
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"{path} is no longer a regular file")
        data = file.read(limit + 1)
    return None if len(data) > limit else data
