"""An image's file tree for the explorer, small files folded into their folder: pure, no Docker.

The tree holds what a container sees and what later layers hid (dive's view: each file added, changed or
deleted by a layer), each folder with its bytes, hidden bytes, dive's wasted bytes and the bytes each layer
wrote under it.  One rule keeps it small, stated in :func:`tree`'s docstring and on the page that shows it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from checks.inspect.efficiency import PathWaste
from checks.inspect.layers import Copy, Hidden
from checks.inspect.removable import DELETED_LATER, classify
from checks.model.filetree import ADDED, CHANGED, DELETED, Node

#: ``analyze --html``: every folder's 8 largest entries, and each other one of at least 1/1000 of the image.
HTML_TOP, HTML_SHARE = 8, 1000
#: The guide's explorer, recorded in results.json: every folder's 6 largest entries, and each other of 1/200.
PAGE_TOP, PAGE_SHARE = 6, 200


@dataclass(frozen=True)
class Fold:
    """How a tree is folded: the ``top`` largest entries of every folder are shown, and every other one of at
    least ``share``-th of the image's bytes; a folder under that size shows none of its entries."""

    top: int
    share: int

    def least(self, image_bytes: int) -> int:
        """The bytes an entry beyond a folder's ``top`` needs to get a row of its own."""
        return max(1, image_bytes // self.share)


HTML, PAGE = Fold(HTML_TOP, HTML_SHARE), Fold(PAGE_TOP, PAGE_SHARE)


class _Place:
    """A path while the tree is made: its own file's figures, then its children's added up."""

    __slots__ = (
        "by",
        "children",
        "classes",
        "deleted",
        "files",
        "hidden",
        "layer",
        "layers",
        "size",
        "state",
        "wasted",
    )

    def __init__(self) -> None:
        self.children: dict[str, _Place] = {}
        self.size = self.hidden = self.wasted = self.files = self.deleted = 0
        self.state = ""
        self.layer: int | None = None
        self.by: list[int] = []
        self.layers: dict[int, int] = {}
        self.classes: dict[str, int] = {}

    def at(self, path: str) -> _Place:
        place = self
        for name in path.split("/"):
            place = place.children.setdefault(name, _Place())
        return place

    def total(self) -> None:
        """Add each folder's children's figures to its own, bottom up."""
        for child in self.children.values():
            child.total()
            self.size += child.size
            self.hidden += child.hidden
            self.wasted += child.wasted
            self.files += child.files
            self.deleted += child.deleted
            for layer, size in child.layers.items():
                self.layers[layer] = self.layers.get(layer, 0) + size
            for class_id, size in child.classes.items():
                self.classes[class_id] = self.classes.get(class_id, 0) + size
        if self.children:
            self.state = ""


def _places(files: Iterable[Copy], hidden: Iterable[Hidden], wasted: Iterable[PathWaste]) -> _Place:
    root = _Place()
    for copy in files:
        place = root.at(copy.path)
        place.size, place.files, place.layer, place.state = copy.size, 1, copy.layer, ADDED
        place.layers[copy.layer] = copy.size
        found = classify(copy.path) if copy.size else None
        if found is not None:
            place.classes[found[0]] = copy.size
    for item in hidden:
        place = root.at(item.copy.path)
        place.hidden += item.copy.size
        place.layers.setdefault(item.layer, 0)
        place.classes[DELETED_LATER.id] = place.classes.get(DELETED_LATER.id, 0) + item.copy.size
        if place.state in (ADDED, CHANGED):
            place.state = CHANGED
            place.by.append(item.copy.layer)
        else:
            place.state, place.layer, place.by, place.deleted = DELETED, item.copy.layer, [item.layer], 1
    for row in wasted:
        root.at(row.path).wasted += row.size_bytes
    root.total()
    return root


def _removable(place: _Place) -> str:
    """The class at least half its bytes are in, or ""."""
    if not place.classes:
        return ""
    class_id, size = max(place.classes.items(), key=lambda item: (item[1], item[0]))
    return class_id if 2 * size >= place.size + place.hidden else ""


def _node(name: str, place: _Place, fold: Fold, least: int) -> Node:
    entries = sorted(place.children.items(), key=lambda item: (-(item[1].size + item[1].hidden), item[0]))
    big = place.size + place.hidden >= least or not name
    shown = [
        (n, p)
        for rank, (n, p) in enumerate(entries)
        if big and p.size + p.hidden and (rank < fold.top or p.size + p.hidden >= least)
    ]
    kept = {n for n, _ in shown}
    folded = [p for n, p in entries if n not in kept]
    return Node(
        name=name,
        size_bytes=place.size,
        hidden_bytes=place.hidden,
        wasted_bytes=place.wasted,
        files=place.files,
        state=place.state,
        layer=place.layer if place.state else None,
        by=tuple(sorted(set(place.by))) if place.state else (),
        removable=_removable(place),
        layers=() if place.state else tuple(sorted(place.layers.items())),
        children=tuple(_node(n, p, fold, least) for n, p in shown),
        rest_files=sum(p.files + p.deleted for p in folded),
        rest_bytes=sum(p.size for p in folded),
        rest_hidden_bytes=sum(p.hidden for p in folded),
    )


def tree(
    files: Mapping[str, Copy] | Iterable[Copy],
    hidden: Iterable[Hidden] = (),
    wasted: Iterable[PathWaste] = (),
    *,
    fold: Fold = HTML,
) -> Node:
    """The image's tree from what a container sees (``files``), what later layers hid and dive's wasted paths.

    The rule that keeps it small: in every folder, its ``fold.top`` largest entries (by the bytes they cost
    the image, hidden ones included) get a row, and every other entry of at least ``1/fold.share`` of the
    image's bytes; the rest become one row, "… n files"; a folder under that size lists none of its entries, and
    an entry of no bytes (an empty file, a link) never has a row of its own.
    """
    copies = files.values() if isinstance(files, Mapping) else files
    root = _places(copies, hidden, wasted)
    return _node("", root, fold, fold.least(root.size + root.hidden))


def entries(node: Node) -> int:
    """How many files, seen or deleted, are at or under ``node``: a file is one; a folder, its rows' and its
    folded row's."""
    return 1 if not node.is_dir else sum(entries(child) for child in node.children) + node.rest_files


def refolded(root: Node, fold: Fold) -> Node:
    """``root``, a tree folded by a looser rule, folded again by ``fold`` (no more entries and no smaller share
    than that rule had): the same tree :func:`tree` makes with ``fold``, as the entries it keeps were kept."""

    def again(node: Node, least: int) -> Node:
        big = node.image_bytes >= least or not node.name
        keep = [big and (rank < fold.top or c.image_bytes >= least) for rank, c in enumerate(node.children)]
        shown = [c for c, kept in zip(node.children, keep, strict=True) if kept]
        folded = [c for c, kept in zip(node.children, keep, strict=True) if not kept]
        return dataclasses.replace(
            node,
            children=tuple(again(c, least) for c in shown),
            rest_files=node.rest_files + sum(entries(c) for c in folded),
            rest_bytes=node.rest_bytes + sum(c.size_bytes for c in folded),
            rest_hidden_bytes=node.rest_hidden_bytes + sum(c.hidden_bytes for c in folded),
        )

    return again(root, fold.least(root.image_bytes))
