"""An image's file tree as the explorer shows it: folders by size, small entries folded into one row per folder.

:func:`checks.inspect.filetree.tree` makes one from an analysis; ``analyze --html`` and the guide's explorer
(``results.json`` records one per variant) render it.  One JSON form both ways: :func:`to_rows`, :func:`from_rows`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: A file's state, as dive colours it: the layer that wrote it added it, replaced earlier copies, or deleted it.
ADDED, CHANGED, DELETED = "added", "changed", "deleted"


@dataclass(frozen=True, kw_only=True)
class Node:
    """A folder or a file of the image: the final filesystem's, or one a later layer deleted."""

    #: The last part of its path ("" for the root).
    name: str
    #: Bytes a container sees at or under it.
    size_bytes: int
    #: Bytes of copies later layers replaced or deleted at or under it: in the image, seen by no container.
    hidden_bytes: int = 0
    #: dive's wasted bytes of the paths at or under it (each path's every copy, the one that ships included).
    wasted_bytes: int = 0
    #: Files a container sees at or under it.
    files: int = 0
    #: A file's state (:data:`ADDED`, :data:`CHANGED`, :data:`DELETED`); "" for a folder.
    state: str = ""
    #: A file: the layer that wrote its copy (for a deleted one, the copy that was deleted).  A folder: None.
    layer: int | None = None
    #: A changed file: the layers of the copies it replaced; a deleted one: the layer that deleted it.
    by: tuple[int, ...] = ()
    #: The removable class most of its bytes are in (:data:`checks.inspect.removable.BY_ID`), or "".
    removable: str = ""
    #: A folder: the bytes each layer wrote under it that a container sees, ``(layer, bytes)``, by layer (0 for a
    #: layer that only deleted or replaced something there).
    layers: tuple[tuple[int, int], ...] = ()
    #: A folder's entries shown, largest first.
    children: tuple[Node, ...] = ()
    #: A folder's entries folded into one row: how many files (seen or deleted), their bytes and hidden bytes.
    rest_files: int = 0
    rest_bytes: int = 0
    rest_hidden_bytes: int = 0

    @property
    def is_dir(self) -> bool:
        return not self.state

    @property
    def image_bytes(self) -> int:
        """What it costs the image: the bytes seen and the bytes hidden."""
        return self.size_bytes + self.hidden_bytes


#: The fields of a node's row in the JSON form, in order; its depth and its name (which may hold spaces) follow.
_FIELDS = (
    "size_bytes",
    "hidden_bytes",
    "wasted_bytes",
    "files",
    "state",
    "layer",
    "by",
    "removable",
    "layers",
    "rest_files",
    "rest_bytes",
    "rest_hidden_bytes",
)
_NONE = "-"


def _cell(node: Node, field: str) -> str:
    value = getattr(node, field)
    if field == "by":
        return ",".join(map(str, value)) or _NONE
    if field == "layers":
        return ",".join(f"{layer}:{size}" for layer, size in value) or _NONE
    return _NONE if value in ("", None) else str(value)


def to_rows(node: Node, depth: int = 0) -> list[str]:
    """The JSON form: one line of text per node, parents first (``size hidden wasted files state layer by
    removable layers rest_files rest_bytes rest_hidden depth name``, "-" for none), so a recorded tree stays
    small and a change to it reads as changed lines."""
    row = " ".join([*(_cell(node, field) for field in _FIELDS), str(depth), node.name])
    return [row] + [line for child in node.children for line in to_rows(child, depth + 1)]


def _node(cells: list[str], children: tuple[Node, ...]) -> Node:
    value = dict(zip(_FIELDS, cells[: len(_FIELDS)], strict=True))

    def number(field: str) -> int:
        return int(value[field])

    return Node(
        name=cells[-1] if len(cells) > len(_FIELDS) else "",
        size_bytes=number("size_bytes"),
        hidden_bytes=number("hidden_bytes"),
        wasted_bytes=number("wasted_bytes"),
        files=number("files"),
        state="" if value["state"] == _NONE else value["state"],
        layer=None if value["layer"] == _NONE else number("layer"),
        by=() if value["by"] == _NONE else tuple(int(i) for i in value["by"].split(",")),
        removable="" if value["removable"] == _NONE else value["removable"],
        layers=()
        if value["layers"] == _NONE
        else tuple((int(a), int(b)) for a, b in (pair.split(":") for pair in value["layers"].split(","))),
        children=children,
        rest_files=number("rest_files"),
        rest_bytes=number("rest_bytes"),
        rest_hidden_bytes=number("rest_hidden_bytes"),
    )


def from_rows(rows: Sequence[str]) -> Node:
    """A tree from its JSON form (:func:`to_rows`)."""
    parsed = []
    for row in rows:
        cells = row.split(" ", len(_FIELDS) + 1)
        parsed.append((int(cells[len(_FIELDS)]), cells[: len(_FIELDS)] + cells[len(_FIELDS) + 1 :]))
    place = 0

    def build(depth: int) -> Node:
        nonlocal place
        cells = parsed[place][1]
        place += 1
        children = []
        while place < len(parsed) and parsed[place][0] == depth + 1:
            children.append(build(depth + 1))
        return _node(cells, tuple(children))

    return build(0)


def count(node: Node) -> int:
    """How many rows the tree shows: its nodes, and one for each folder's folded entries."""
    return 1 + (1 if node.rest_files else 0) + sum(count(child) for child in node.children)
