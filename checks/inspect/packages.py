"""The package behind the bytes: each file a container sees attributed to the package that owns it.

The owners come from the image's own records (:mod:`checks.inspect.pkgdb`), read as the final image holds them:
each database file's copy from the layer that wrote the copy a container sees.  A file is owned by

1. the first package whose record lists it, managers in the order dpkg, apk, pip (a path dpkg's lists name under
   ``bin``, ``sbin`` or ``lib*`` is also found under ``usr/``, where a merged-``/usr`` image keeps it);
2. else the npm package whose folder holds it most closely: a package owns the files under its folder that no
   package nested below it owns;
3. else no package: those files are one row, manager ``none``.

Each package's layer, the layer that brought it, follows one of two rules:

- **dpkg and apk**: the lowest layer whose own database records the package as installed (where its record first
  appears: the layer whose ``apt-get install`` or ``apk add`` installed it);
- **pip, npm and the files no package owns**: the layer where most of its bytes came from (lowest on a tie), for a
  ``pip install`` may be copied whole into another stage's image; a package with no bytes is its record's layer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.inspect.layers import Copy
from checks.inspect.pkgdb import Kept, Record, apk, dpkg, records
from checks.model.units import megabytes

NONE = "none"
#: The name of the row of files no package owns.
UNOWNED = "(no package)"
#: Where a merged-``/usr`` image keeps what dpkg's lists name at the root.
MERGED = ("bin/", "sbin/", "lib/", "lib32/", "lib64/", "libx32/")
#: How many packages the report's table shows.
TOP = 10


@dataclass(frozen=True, kw_only=True)
class Package:
    """One package's share of the final image."""

    #: ``dpkg``, ``apk``, ``pip``, ``npm``, or ``none`` for the files no package owns.
    manager: str
    name: str
    version: str
    #: Bytes of the files it owns in the final image.
    size_bytes: int
    files: int
    #: Index of the layer that brought it (see the module's rules), None when no layer can say.
    layer: int | None


def final_databases(layers: Sequence[Kept], files: Mapping[str, Copy], notes: list[str]) -> dict[str, bytes]:
    """The databases a container sees: each visible one's bytes from the layer that wrote its copy."""

    def seen(path: str, index: int) -> bool:
        return (copy := files.get(path)) is not None and copy.layer == index

    notes.extend(
        f"/{path} is too large to read as a package record, so its files count as no package's"
        for index, kept in enumerate(layers)
        for path in kept.skipped
        if seen(path, index)
    )
    return {path: data for index, kept in enumerate(layers) for path, data in kept.files.items() if seen(path, index)}


def _merged(path: str, files: Mapping[str, Copy]) -> str | None:
    if path in files:
        return path
    return "usr/" + path if path.startswith(MERGED) and "usr/" + path in files else None


def _npm_owner(path: str, folders: Mapping[str, int]) -> int | None:
    """The index of the npm package whose folder holds ``path`` most closely."""
    parent = path
    while "/" in parent:
        parent = parent.rpartition("/")[0]
        if parent in folders:
            return folders[parent]
    return None


def owners(found: Sequence[Record], files: Mapping[str, Copy]) -> dict[str, int]:
    """Each owned path of ``files`` -> the index in ``found`` of the package that owns it (the module's rules)."""
    owner: dict[str, int] = {}
    for index, record in enumerate(found):
        for path in record.paths:
            if (target := _merged(path, files)) is not None:
                owner.setdefault(target, index)
    folders = {r.folder: i for i, r in enumerate(found) if r.folder}
    if folders:
        for path in files:
            if path not in owner and (holder := _npm_owner(path, folders)) is not None:
                owner[path] = holder
    return owner


def first_recorded(layers: Sequence[Kept]) -> dict[tuple[str, str], int]:
    """(manager, name) -> the lowest layer whose own dpkg or apk database records it installed."""
    first: dict[tuple[str, str], int] = {}
    for index, kept in enumerate(layers):
        for record in (*dpkg(kept.files, []), *apk(kept.files, [])):
            first.setdefault((record.manager, record.name), index)
    return first


@dataclass
class _Tally:
    size: int = 0
    files: int = 0
    by_layer: dict[int, int] = field(default_factory=dict)

    def add(self, copy: Copy) -> None:
        self.size += copy.size
        self.files += 1
        self.by_layer[copy.layer] = self.by_layer.get(copy.layer, 0) + copy.size

    def most(self) -> int | None:
        return min(self.by_layer, key=lambda layer: (-self.by_layer[layer], layer)) if self.by_layer else None


def attribute(layers: Sequence[Kept], files: Mapping[str, Copy]) -> tuple[tuple[Package, ...], tuple[str, ...]]:
    """(every package and the row of files no package owns, largest first; notes on records that could not be read)
    from each layer's databases (``layers``, lowest first) and what a container sees (``files``)."""
    notes: list[str] = []
    found = records(final_databases(layers, files, notes), notes)
    owner = owners(found, files)
    tallies = [_Tally() for _ in found]
    unowned = _Tally()
    for path, copy in files.items():
        index = owner.get(path)
        (unowned if index is None else tallies[index]).add(copy)
    first = first_recorded(layers)
    rows = [_package(record, tally, first, files) for record, tally in zip(found, tallies, strict=True)]
    if unowned.files:
        rows.append(
            Package(
                manager=NONE,
                name=UNOWNED,
                version="",
                size_bytes=unowned.size,
                files=unowned.files,
                layer=unowned.most(),
            )
        )
    rows.sort(key=lambda p: (-p.size_bytes, p.manager, p.name, p.version))
    return tuple(rows), tuple(dict.fromkeys(notes))


def _package(record: Record, tally: _Tally, first: Mapping[tuple[str, str], int], files: Mapping[str, Copy]) -> Package:
    layer = first.get((record.manager, record.name)) if record.manager in ("dpkg", "apk") else None
    if layer is None:
        layer = tally.most()
    if layer is None and record.source in files:
        layer = files[record.source].layer
    return Package(
        manager=record.manager,
        name=record.name,
        version=record.version,
        size_bytes=tally.size,
        files=tally.files,
        layer=layer,
    )


def to_list(packages: Iterable[Package]) -> list[dict[str, Any]]:
    """The JSON form (``analyze --json``'s ``packages``): one object a package, its fields as named, largest first."""
    return [dataclasses.asdict(p) for p in packages]


def _table(rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right, strict=True)).rstrip()
        for row in rows
    ]


def render(packages: Sequence[Package], notes: Sequence[str] = (), *, top: int = TOP) -> list[str]:
    """The report's packages section: the ``top`` largest and the layer that brought each."""
    owned = sum(1 for p in packages if p.manager != NONE)
    shown = min(top, len(packages))
    lines = ["", f"  packages by bytes ({owned} in all; the {shown} largest rows, and the layer that brought each):"]
    if not packages:
        lines.append("    no files, no package records")
    else:
        table = [["size", "files", "manager", "package", "version", "layer"]]
        for p in packages[:top]:
            layer = "-" if p.layer is None else str(p.layer)
            table.append([megabytes(p.size_bytes), f"{p.files:,}", p.manager, p.name, p.version, layer])
        lines += _table(table, (True, True, False, False, False, True))
    lines += [f"    note: {note}" for note in notes]
    return lines


@dataclass(frozen=True, kw_only=True)
class Change:
    """One package in two images: its version and bytes in each (0 bytes and "" where it is not)."""

    manager: str
    name: str
    a_version: str = ""
    b_version: str = ""
    a_bytes: int = 0
    b_bytes: int = 0


@dataclass(frozen=True, kw_only=True)
class PackageDiff:
    """Packages only in B (added), only in A (removed), and in both with more bytes in B (grown), largest first."""

    added: tuple[Change, ...]
    removed: tuple[Change, ...]
    grown: tuple[Change, ...]


def _by_name(packages: Iterable[Package]) -> dict[tuple[str, str], tuple[str, int]]:
    """(manager, name) -> (version, bytes): a name installed twice is summed, its versions joined."""
    found: dict[tuple[str, str], tuple[str, int]] = {}
    for p in packages:
        version, size = found.get((p.manager, p.name), ("", 0))
        versions = ", ".join(dict.fromkeys(v for v in (*version.split(", "), p.version) if v))
        found[(p.manager, p.name)] = (versions, size + p.size_bytes)
    return found


def compare(a: Iterable[Package], b: Iterable[Package]) -> PackageDiff:
    """What changed from A's packages to B's (the row of files no package owns counts as a package)."""
    old, new = _by_name(a), _by_name(b)
    changes = [
        Change(
            manager=key[0],
            name=key[1],
            a_version=old.get(key, ("", 0))[0],
            b_version=new.get(key, ("", 0))[0],
            a_bytes=old.get(key, ("", 0))[1],
            b_bytes=new.get(key, ("", 0))[1],
        )
        for key in sorted(old.keys() | new.keys())
    ]

    def largest(rows: Iterable[Change], size: Any) -> tuple[Change, ...]:
        return tuple(sorted(rows, key=lambda c: (-size(c), c.manager, c.name)))

    return PackageDiff(
        added=largest((c for c in changes if (c.manager, c.name) not in old), lambda c: c.b_bytes),
        removed=largest((c for c in changes if (c.manager, c.name) not in new), lambda c: c.a_bytes),
        grown=largest(
            (c for c in changes if (c.manager, c.name) in old.keys() & new.keys() and c.b_bytes > c.a_bytes),
            lambda c: c.b_bytes - c.a_bytes,
        ),
    )


def diff_dict(result: PackageDiff) -> dict[str, Any]:
    """``diff --json``'s ``packages``: added, removed and grown, each a list of changes, largest first."""
    return {
        "added": [dataclasses.asdict(c) for c in result.added],
        "removed": [dataclasses.asdict(c) for c in result.removed],
        "grown": [dataclasses.asdict(c) for c in result.grown],
    }


def _grown_version(change: Change) -> str:
    return change.b_version if change.a_version == change.b_version else f"{change.a_version} -> {change.b_version}"


def diff_lines(result: PackageDiff, *, rows: int = TOP) -> list[str]:
    """``diff``'s packages section: the largest added, removed and grown, ``rows`` of each."""
    sections = (
        ("added", [(f"+{megabytes(c.b_bytes)}", c, c.b_version) for c in result.added]),
        ("removed", [(f"-{megabytes(c.a_bytes)}", c, c.a_version) for c in result.removed]),
        ("grown", [(f"+{megabytes(c.b_bytes - c.a_bytes)}", c, _grown_version(c)) for c in result.grown]),
    )
    lines = []
    for title, found in sections:
        lines += ["", f"  packages {title} ({len(found)}):"]
        if not found:
            lines.append("    none")
            continue
        lines += _table(
            [[size, c.manager, c.name, version] for size, c, version in found[:rows]], (True, False, False, False)
        )
        if len(found) > rows:
            lines.append(f"    ... and {len(found) - rows} more (--json lists all)")
    return lines
