"""Every place where one of a fixed set of byte strings starts, found in one pass over the bytes.

The secret rules (:mod:`checks.inspect.secrets`) try their patterns only where one of their literals starts
(``ghp_``, ``AKIA``, ``-----BEGIN ``).  Looking for each literal in turn reads every file once per literal, sixteen
times for the rules, which costs seconds on an image of a gigabyte; Hyperscan, a matcher of many patterns at once
(pinned in ``requirements.txt`` for the machines it has wheels for, x86-64), reads each file once and reports every
place of every literal, overlapping ones included.  Where it cannot be imported, one ``bytes.find`` per literal gives
the same places, more slowly.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from functools import cached_property
from typing import cast

try:
    import hyperscan
except ImportError:  # no wheel for this machine: the same places, one bytes.find per literal
    FAST = False
else:
    FAST = True


class Literals:
    """A set of byte strings to find, compiled once; :meth:`places` finds them all in one pass."""

    def __init__(self, literals: Sequence[bytes], *, fast: bool = FAST) -> None:
        if not literals or not all(literals):
            raise ValueError("Literals needs one or more non-empty byte strings")
        self.literals = tuple(literals)
        self.fast = fast

    @cached_property
    def _database(self) -> hyperscan.Database:
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        database.compile(
            expressions=list(self.literals),
            ids=list(range(len(self.literals))),
            elements=len(self.literals),
            flags=0,
            literal=True,
        )
        return database

    def places(self, data: bytes) -> list[tuple[int, int]]:
        """Every (offset, index of the literal) where a literal starts in ``data``, by offset, then index."""
        found: list[tuple[int, int]] = []
        if self.fast:
            lengths = [len(literal) for literal in self.literals]

            def on_match(index: int, _start: int, end: int, _flags: int, _context: object) -> None:
                found.append((end - lengths[index], index))  # Hyperscan reports where a literal ends

            self._database.scan(data, match_event_handler=on_match)
        else:
            for index, literal in enumerate(self.literals):
                at = data.find(literal)
                while at != -1:
                    found.append((at, index))
                    at = data.find(literal, at + 1)
        found.sort()
        return found

    def places_each(
        self, data: bytes | bytearray | memoryview, ends: Sequence[int]
    ) -> dict[int, list[tuple[int, int]]]:
        """:meth:`places` of each piece of ``data``, the pieces laid end to end (piece ``i`` ends at ``ends[i]``, the
        first starts at 0), found in one pass: for each piece that holds any, its places as offsets in the piece.  A
        literal that starts in one piece and ends in the next is in neither, as in each piece read on its own."""
        found: dict[int, list[tuple[int, int]]] = {}
        if not self.fast:
            for piece, end in enumerate(ends):
                start = ends[piece - 1] if piece else 0
                if places := self.places(bytes(data[start:end])):
                    found[piece] = places
            return found
        lengths = [len(literal) for literal in self.literals]

        def on_match(index: int, _start: int, end: int, _flags: int, _context: object) -> None:
            start = end - lengths[index]
            piece = bisect.bisect_right(ends, start)
            first = ends[piece - 1] if piece else 0
            if end <= ends[piece]:
                found.setdefault(piece, []).append((start - first, index))

        if ends:  # Hyperscan reads any buffer, without a copy; its type stubs name only bytes
            self._database.scan(cast(bytes, memoryview(data)[: ends[-1]]), match_event_handler=on_match)
        for places in found.values():
            places.sort()
        return found
