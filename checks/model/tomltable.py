"""A table of a TOML file read key by key: each error names the file and the key's path, with a "did you mean".

:class:`TableReader` is how :mod:`checks.model.spec` reads ``lab.toml``: a key
of the wrong type, a missing or unknown key, a path that leads out of the lab
folder are each one :class:`~checks.model.errors.UsageError`, exit 2.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from typing import Any

from checks.model import paths
from checks.model.errors import UsageError

#: What a message adds when a path the spec names leads out of the lab folder.
STAY_INSIDE = (
    "A lab builds only from its own files, so a lab handed to you cannot put the rest of this machine into an "
    "image: name a path inside the lab folder, relative to it"
)
#: How an error names the type a key must have.
TYPE_WORDS = {str: "a string", int: "a whole number", float: "a number", list: "a list of strings", dict: "a table"}


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """What an error adds about ``word``: the closest of ``choices``, else every one of them."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" Did you mean '{close[0]}'?" if close else f" Allowed: {', '.join(sorted(choices))}."


class TableReader:
    """Checks one table of the spec, with the file name and key path in every error."""

    def __init__(self, source: str, where: str, table: Any):
        self.source, self.where = source, where
        if not isinstance(table, Mapping):
            self.fail(f"'{where}' must be a table")
        self.table = table

    def fail(self, problem: str) -> None:
        end = "" if problem.endswith((".", "?")) else "."
        raise UsageError(f"{self.source}: {problem}{end} Fix the lab spec and run the command again.")

    def only(self, allowed: list[str]) -> None:
        for key in self.table:
            if key not in allowed:
                self.fail(f"unknown key '{self._path(key)}'.{did_you_mean(key, allowed)}")

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = dataclasses.MISSING) -> Any:
        if key not in self.table:
            if default is dataclasses.MISSING:
                self.fail(f"missing key '{self._path(key)}'")
            return default
        value = self.table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            names = " or ".join(TYPE_WORDS.get(k, k.__name__) for k in kinds)
            self.fail(f"'{self._path(key)}' must be {names}, not {value!r}")
        if isinstance(value, list):
            if not all(isinstance(item, str) for item in value):
                self.fail(f"'{self._path(key)}' must be a list of strings")
            return tuple(value)
        return value

    def path(self, key: str, default: Any = dataclasses.MISSING) -> Any:
        """A path relative to the lab folder, held inside it by its spelling (:func:`checks.model.paths.leaves`)."""
        relative = self.get(key, str, default)
        if not isinstance(relative, str):
            return relative
        named = f"'{self._path(key)}' names '{paths.shown(relative)}'"
        if "\0" in relative:
            self.fail(f"{named}, which holds a NUL character: no file name can. Remove it")
        if way_out := paths.leaves(relative):
            self.fail(f"{named}, which is outside the lab folder ({way_out}). {STAY_INSIDE}")
        return relative
