"""When the runtimes the labs build on stop being supported, as data: ``checks/bases/support.toml``.

Each row of that file names a runtime (Debian 13, Python 3.13, Node.js 26 ...), the day its support ends
as its source gives it, and the source; a stand-in's ``base.toml`` names the rows its image holds. The
base-images page shows the table (:mod:`checks.guide.sphinxref`), and :func:`past_support` is the check
that no lab names a base whose runtime was past its support on the day the lab's results were recorded
(``tests/test_support.py``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

#: The file beside the stand-in recipes, in ``checks/bases/``.
SUPPORT_NAME = "support.toml"

_END = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


@dataclass(frozen=True, kw_only=True)
class Runtime:
    """One runtime the labs build on, and when its support ends."""

    #: Its key in ``support.toml``, which a ``base.toml`` names: ``node-26``.
    key: str
    #: What it is, as people name it: ``Node.js``.
    name: str
    #: Which version the labs build: ``26``.
    version: str
    #: The day its support ends, as its source gives it: ``2029-04-30``, or ``2029-10`` when the source names
    #: the month only; empty for tags that move on to a supported release.
    ends: str
    #: What ends then, or how the source puts it, in a few words.
    note: str
    #: Where the date is said.
    source: str

    @property
    def first_day_without(self) -> date | None:
        """The day :attr:`ends` names, a month's first day for a month; None when it names none."""
        return _day(self.ends)

    def ended_by(self, day: date) -> bool:
        """True when its support ended on or before ``day``."""
        end = self.first_day_without
        return end is not None and end <= day


def _day(ends: str) -> date | None:
    """``2029-04-30`` or ``2029-10`` (its first day) as a date, None for ``""``; ValueError for another text or
    a day no calendar has."""
    if not ends:
        return None
    if not (match := _END.fullmatch(ends)):
        raise ValueError("neither YYYY-MM-DD nor YYYY-MM")
    year, month, day = match.groups()
    return date(int(year), int(month), int(day or 1))


def runtimes(text: str, source: str = SUPPORT_NAME) -> dict[str, Runtime]:
    """Every row of a ``support.toml``, by key; ValueError naming ``source`` and the fix for one that is not
    what it should be (a missing or unknown field, an end that is not a date)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{source} is not TOML ({error}). Fix its syntax.") from None
    fields = {"name", "version", "ends", "note", "source"}
    found = {}
    for key, row in data.items():
        if not isinstance(row, dict) or not {"name", "version", "note", "source"} <= set(row) <= fields:
            raise ValueError(
                f"{source}: [{key}] must hold name, version, note and source (and ends, unless its tags move on "
                f"to a supported release), and nothing else: it holds {sorted(row) if isinstance(row, dict) else row}."
            )
        if not all(isinstance(value, str) for value in row.values()):
            raise ValueError(f'{source}: [{key}]\'s values must be strings (a date in quotes: ends = "2029-04-30").')
        ends = row.get("ends", "")
        try:
            _day(ends)
        except ValueError as error:
            raise ValueError(f"{source}: [{key}] ends = {ends!r} is no day or month ({error}).") from None
        found[key] = Runtime(key=key, ends=ends, **{name: row[name] for name in sorted(fields - {"ends"})})
    return found


def read(path: Path) -> dict[str, Runtime]:
    """:func:`runtimes` of the file at ``path``."""
    return runtimes(path.read_text(encoding="utf-8"), str(path))


def past_support(
    names: Iterable[str], day: date, held: Mapping[str, Sequence[str]], known: Mapping[str, Runtime]
) -> list[tuple[str, Runtime]]:
    """(base, runtime) for each base of ``names`` that holds a runtime whose support ended on or before
    ``day``; ``held`` gives the runtimes (keys of ``known``) each base holds, none for a base it does not name.
    A key ``known`` lacks is a KeyError: a ``base.toml`` names a runtime ``support.toml`` does not have."""
    return [(name, known[key]) for name in names for key in held.get(name, ()) if known[key].ended_by(day)]
