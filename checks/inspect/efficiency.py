"""Wasted bytes and efficiency, computed exactly as dive computes them, so the two can be checked against each other.

dive (wagoodman/dive 0.13: ``dive/filetree/efficiency.go``, ``dive/image/analysis.go``,
``dive/filetree/file_tree.go``) defines them this way:

- Each layer's tar becomes a tree.  Only its **leaves** are counted: files,
  symlinks, hard links, whiteouts and *empty* directories.  A directory that holds
  anything in that layer is never counted itself.
- A path is counted **once in every layer it appears in**, with a size: the
  tar header's size for a file (0 for symlinks, hard links and directories); for
  a **whiteout**, the bytes it deletes *when it deletes a directory* (every entry
  under it in the layers below, stacked); a whiteout that deletes a file counts 0.
- **efficiency** = Σ over paths of its smallest appearance / Σ over paths of
  all its appearances; 1.0 when there is nothing to count.
- **wasted bytes** = Σ over paths that appear in two or more layers of *all*
  their appearances, including the copy that stays: a 10 MB file written twice
  wastes 20 MB; a 50 MB file written then deleted wastes 50 MB (50 + 0).

What follows from those definitions, and what dive therefore does not see:

- **Deleting a directory is not waste.**  The files under it appear once each,
  in the layer that added them, and the whiteout appears once, at the
  directory's own path.  ``COPY data /data`` then ``RUN rm -rf /data`` keeps
  efficiency at 100% and wasted bytes at 0 (slimlab's ``deleted-later`` class
  counts those bytes).
- **Opaque directories are ignored** (``.wh..wh..opq`` entries are skipped), so
  the files they hide count as present.
- A directory a layer only implies (no entry of its own) gets an empty record
  when stacked, so a later whiteout of it counts 0.
- A whiteout of a path that the layers below do not have makes dive stop
  counting the rest of that layer (the error is logged), and leaves a record
  whose smallest size is -1.

This module reproduces all of it, including the last two quirks, but for one
consequence: enough -1 records beside few bytes would make dive's efficiency
negative (``a`` written as 50 bytes, then as 0 bytes beside a whiteout of
nothing: -2%), and a share is never below 0, so slimlab's stops at 0.

dive's wasted bytes count the copy that ships too (dive issue 684), so beside
them :func:`efficiency` gives **reclaimable bytes**: the bytes no container of
the image can see, which a rebuild could leave out.  They are every copy of a
file that a later layer replaced (the one in the final filesystem is not
counted) plus everything a later layer deleted, whiteouts of directories and
opaque directories included (:func:`checks.inspect.layers.stack` finds them;
content still reachable through a visible hard link is not counted).  A 10 MB
file written twice: dive 20 MB, reclaimable 10 MB; ``COPY data /data`` then
``RUN rm -rf /data``: dive 0, reclaimable the size of ``data``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from checks.inspect.layers import MARKER, WHITEOUT, Entry, Stacked, stack


@dataclass(frozen=True, kw_only=True)
class PathWaste:
    """A path counted in two or more layers (a row of dive's "inefficiencies")."""

    path: str
    #: In how many layers it appears.
    count: int
    #: The sum of all its appearances: what dive adds to wasted bytes.
    size_bytes: int
    #: The last layer it appears in (0 is the lowest): the one that replaced or deleted an earlier copy.
    layer: int = -1


@dataclass(frozen=True, kw_only=True)
class Efficiency:
    """dive's two numbers for an image, and the paths behind the waste."""

    efficiency: float
    wasted_bytes: int
    #: Bytes of every copy a later layer replaced or deleted: what no container sees, yet the image holds.
    reclaimable_bytes: int
    #: Every path counted in two or more layers, largest first.
    inefficiencies: tuple[PathWaste, ...]


class _Node:
    """A node of dive's file tree: the payload is the tar header's size and whether it is a directory."""

    __slots__ = ("children", "is_dir", "size")

    def __init__(self, size: int = 0, is_dir: bool = False) -> None:
        self.children: dict[str, _Node] = {}
        self.size = size
        self.is_dir = is_dir

    def copy(self) -> _Node:
        twin = _Node(self.size, self.is_dir)
        twin.children = {name: child.copy() for name, child in self.children.items()}
        return twin

    def get(self, parts: Sequence[str]) -> _Node | None:
        node: _Node | None = self
        for name in parts:
            node = node.children.get(name) if node else None
        return node

    def add(self, parts: Sequence[str], size: int, is_dir: bool) -> None:
        """dive's ``AddPath``: create missing parents with an empty payload, stop at a marker, set the payload."""
        node = self
        for name in parts:
            child = node.children.get(name)
            if child is None:
                if name.startswith(MARKER):
                    return
                child = node.children[name] = _Node()
            node = child
        node.size, node.is_dir = size, is_dir

    def total(self) -> int:
        """The sizes of this node and everything under it."""
        return self.size + sum(child.total() for child in self.children.values())


def tree(entries: Iterable[Entry]) -> _Node:
    """One layer's tree, as dive builds it from the tar."""
    root = _Node()
    for item in entries:
        if item.path:
            root.add(item.path.split("/"), item.size, item.is_dir)
    return root


def _stack(lower: _Node, upper: _Node) -> None:
    """dive's ``FileTree.Stack``: every node of ``upper``, children first and names in sorted order;
    a whiteout removes its path from ``lower``, anything else is added there with its payload."""
    for name in sorted(upper.children):
        child = upper.children[name]
        if name.startswith(WHITEOUT):
            lower.children.pop(name[len(WHITEOUT) :], None)
            continue
        target = lower.children.get(name)
        if target is None:
            if name.startswith(MARKER):
                continue
            target = lower.children[name] = _Node()
        _stack(target, child)
        target.size, target.is_dir = child.size, child.is_dir


class _Tally:
    """Per path: [appearances, sum of their sizes, smallest size (-1 before the first), last layer it is in]."""

    def __init__(self) -> None:
        self.rows: dict[str, list[int]] = {}
        #: The layer being counted.
        self.layer = 0

    def open(self, path: str) -> list[int]:
        return self.rows.setdefault(path, [0, 0, -1, -1])

    def record(self, path: str, size: int) -> None:
        row = self.rows.get(path) or self.open(path)
        row[0] += 1
        row[1] += size
        if row[2] < 0 or size < row[2]:
            row[2] = size
        row[3] = self.layer


def _count_layer(node: _Node, prefix: str, below: _Node, tally: _Tally) -> bool:
    """Count the leaves under ``node`` in dive's order; False when a whiteout of nothing stops the layer."""
    for name in sorted(node.children):
        child = node.children[name]
        path = f"{prefix}/{name}" if prefix else name
        if child.children:
            if not _count_layer(child, path, below, tally):
                return False
        elif not name.startswith(WHITEOUT):
            tally.record(path, child.size)
        else:
            key = f"{prefix}/{name[len(WHITEOUT) :]}" if prefix else name[len(WHITEOUT) :]
            tally.open(key)
            deleted = below.get(key.split("/"))
            if deleted is None:
                return False
            tally.record(key, deleted.total() if deleted.is_dir else 0)
    return True


def reclaimable(stacked: Stacked) -> int:
    """The bytes of the copies ``stacked`` hid: replaced by a later copy, or deleted by a later layer."""
    return sum(item.copy.size for item in stacked.hidden)


def efficiency(layers: Sequence[Iterable[Entry]], stacked: Stacked | None = None) -> Efficiency:
    """dive's efficiency, wasted bytes and inefficient paths for ``layers`` (lowest first), and the reclaimable bytes.

    ``stacked`` is ``stack(layers)`` when the caller has it already.
    """
    layers = [tuple(layer) for layer in layers]
    trees = [tree(layer) for layer in layers]
    tally = _Tally()
    below = trees[0].copy() if trees else _Node()  # dive's StackTreeRange starts from a copy of layer 0
    for index, layer in enumerate(trees):
        tally.layer = index
        _count_layer(layer, "", below, tally)
        _stack(below, layer)
    discovered = sum(row[1] for row in tally.rows.values())
    score = max(0.0, sum(row[2] for row in tally.rows.values()) / discovered) if discovered else 1.0
    wasted = [
        PathWaste(path=path, count=row[0], size_bytes=row[1], layer=row[3])
        for path, row in tally.rows.items()
        if row[0] >= 2
    ]
    wasted.sort(key=lambda row: (-row.size_bytes, row.path))
    return Efficiency(
        efficiency=score,
        wasted_bytes=sum(row.size_bytes for row in wasted),
        reclaimable_bytes=reclaimable(stacked or stack(layers)),
        inefficiencies=tuple(wasted),
    )
