"""Terminal columns: how wide text shows, so a Chinese report lines up as an English one does.

A terminal gives a wide character (CJK ideographs, full-width punctuation: Unicode's east Asian width
``W`` or ``F``) two columns, a combining mark none, and every other character one.  ``str.ljust`` counts
characters, so ``通过`` and ``未通过`` padded with it end in different columns; :func:`pad` counts columns.
"""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    """The columns ``text`` takes in a terminal: two for a wide character, none for a combining mark."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text
    )


def pad(text: str, columns: int) -> str:
    """``text`` followed by spaces up to ``columns`` columns (as it is, when it is that wide already)."""
    return text + " " * max(0, columns - width(text))


def widest(texts: list[str] | tuple[str, ...], at_least: int = 0) -> int:
    """The columns of the widest of ``texts``, and never fewer than ``at_least``."""
    return max([at_least, *(width(t) for t in texts)])
