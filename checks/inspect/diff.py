"""What changed between two images, by directory: ``python -m checks diff IMAGE_A IMAGE_B``.

Compares what a container of each image sees (:attr:`checks.inspect.analyze.Analysis.files`):
a path only in A was **removed**, only in B was **added**, and in both but
with another size or content checksum was **changed**.  Checksums are compared
only when both images recorded the same kind (both read from the engine's
storage, or both from ``docker save``); otherwise a change of size is what counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.inspect.layers import Copy, directory_of
from checks.inspect.packages import Package, PackageDiff, compare, diff_dict, diff_lines
from checks.model.units import megabytes

#: How deep directories are grouped, and how many rows the terminal shows.
DEPTH = 3
ROWS = 20


@dataclass(frozen=True, kw_only=True)
class DirectoryChange:
    """What changed under one directory (``""`` is the root, or the whole image for totals)."""

    directory: str
    removed_files: int = 0
    removed_bytes: int = 0
    added_files: int = 0
    added_bytes: int = 0
    changed_files: int = 0
    #: Bytes of the changed files in B minus their bytes in A.
    changed_bytes: int = 0

    @property
    def net_bytes(self) -> int:
        """How many bytes B has more (positive) or fewer (negative) than A here."""
        return self.added_bytes - self.removed_bytes + self.changed_bytes


@dataclass(frozen=True, kw_only=True)
class Diff:
    """Two images compared path by path."""

    a: str
    b: str
    #: Bytes a container sees in each image.
    a_bytes: int
    b_bytes: int
    #: One row per directory with a change, largest net change first.
    directories: tuple[DirectoryChange, ...]
    total: DirectoryChange = field(default_factory=lambda: DirectoryChange(directory=""))
    #: Packages added, removed and grown; None when either image's package records were not read.
    packages: PackageDiff | None = None


def changed(old: Copy, new: Copy) -> bool:
    """Another size, or another checksum of the same kind."""
    if old.size != new.size:
        return True
    same_kind = old.checksum.partition(":")[0] == new.checksum.partition(":")[0]
    return bool(old.checksum and new.checksum and same_kind and old.checksum != new.checksum)


def _add(rows: dict[str, dict[str, int]], path: str, **counts: int) -> None:
    for key in (directory_of(path, DEPTH), "\0total"):
        row = rows.setdefault(key, {})
        for name, value in counts.items():
            row[name] = row.get(name, 0) + value


def diff(
    a_files: Mapping[str, Copy],
    b_files: Mapping[str, Copy],
    *,
    a: str = "A",
    b: str = "B",
    packages: tuple[Sequence[Package] | None, Sequence[Package] | None] = (None, None),
) -> Diff:
    """Compare the visible files of two images, grouped by directory (``DEPTH`` levels deep), and their
    ``packages`` (A's and B's, :mod:`checks.inspect.packages`) when both were read."""
    rows: dict[str, dict[str, int]] = {}
    for path, old in a_files.items():
        new = b_files.get(path)
        if new is None:
            _add(rows, path, removed_files=1, removed_bytes=old.size)
        elif changed(old, new):
            _add(rows, path, changed_files=1, changed_bytes=new.size - old.size)
    for path, new in b_files.items():
        if path not in a_files:
            _add(rows, path, added_files=1, added_bytes=new.size)
    total = DirectoryChange(directory="", **rows.pop("\0total", {}))
    found = [DirectoryChange(directory=name, **counts) for name, counts in rows.items()]
    found.sort(key=lambda row: (-abs(row.net_bytes), row.directory))
    return Diff(
        a=a,
        b=b,
        a_bytes=sum(c.size for c in a_files.values()),
        b_bytes=sum(c.size for c in b_files.values()),
        directories=tuple(found),
        total=total,
        packages=None if None in packages else compare(packages[0] or (), packages[1] or ()),
    )


def _row_dict(row: DirectoryChange) -> dict[str, Any]:
    return {
        "directory": row.directory,
        "removed": {"files": row.removed_files, "bytes": row.removed_bytes},
        "added": {"files": row.added_files, "bytes": row.added_bytes},
        "changed": {"files": row.changed_files, "bytes": row.changed_bytes},
        "net_bytes": row.net_bytes,
    }


def to_dict(result: Diff) -> dict[str, Any]:
    """The JSON form printed by ``diff --json`` (directories have no leading slash)."""
    return {
        "a": result.a,
        "b": result.b,
        "a_bytes": result.a_bytes,
        "b_bytes": result.b_bytes,
        "total": _row_dict(result.total),
        "directories": [_row_dict(row) for row in result.directories],
        **({} if result.packages is None else {"packages": diff_dict(result.packages)}),
    }


def _signed(size: int) -> str:
    return ("+" if size > 0 else "-" if size < 0 else " ") + megabytes(abs(size))


def _cell(files: int, size: int) -> str:
    return f"{_signed(size)} ({files})" if files else "-"


def render(result: Diff, *, rows: int = ROWS) -> str:
    """The terminal table of ``diff``."""
    lines = [
        f"{result.a} -> {result.b}",
        (
            f"  files a container sees: {megabytes(result.a_bytes)} -> {megabytes(result.b_bytes)}"
            f" ({_signed(result.b_bytes - result.a_bytes).strip()})"
        ),
        "",
    ]
    table = [["directory", "removed (files)", "added (files)", "changed (files)", "net"]]
    for row in (*result.directories[:rows], result.total):
        name = "all" if row is result.total else "/" + row.directory
        table.append(
            [
                name,
                _cell(row.removed_files, -row.removed_bytes),
                _cell(row.added_files, row.added_bytes),
                _cell(row.changed_files, row.changed_bytes),
                _signed(row.net_bytes),
            ]
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    lines.extend(
        "  "
        + r[0].ljust(widths[0])
        + "  "
        + "  ".join(cell.rjust(w) for cell, w in zip(r[1:], widths[1:], strict=True))
        for r in table
    )
    if len(result.directories) > rows:
        lines.insert(-1, f"  ... and {len(result.directories) - rows} more directories (--json lists all)")
    if result.packages is not None:
        lines += diff_lines(result.packages)
    return "\n".join(lines)
