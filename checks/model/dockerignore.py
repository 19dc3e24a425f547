"""Which files of a build context reach the build: ``.dockerignore`` patterns read as BuildKit reads them.

BuildKit (moby's ``patternmatcher`` and ``ignorefile``) takes one pattern a
line: ``#`` starts a comment, blank lines are skipped, a leading ``!`` lets a
path back in, a leading ``/`` means nothing (every pattern is relative to the
context).  ``*`` and ``?`` match within one path segment, ``**`` matches any
number of segments (none included), and a pattern that matches a folder
matches everything under it.  The last pattern that matches a path decides.
:func:`ignored` is pure; only :func:`context_files` reads a folder.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The file BuildKit reads at the root of the build context.
CONTEXT_IGNORE = ".dockerignore"
#: Appended to a Dockerfile's name, the file BuildKit reads instead of :data:`CONTEXT_IGNORE`.
DOCKERFILE_IGNORE_SUFFIX = ".dockerignore"
#: Characters that mean something in a regular expression but nothing in a pattern.
_LITERAL = set(".+()|{}$")


@dataclass(frozen=True, kw_only=True)
class Pattern:
    """One line of a ``.dockerignore``, cleaned and compiled."""

    #: The pattern as BuildKit keeps it: cleaned, no ``!``, no leading ``/``.
    text: str
    #: True for a ``!`` line: a path it matches is let back in.
    exception: bool
    regex: re.Pattern[str]

    def matches(self, path: str) -> bool:
        """Whether the pattern matches ``path`` or one of the folders above it."""
        parts = path.split("/")
        return any(self.regex.fullmatch("/".join(parts[:end])) for end in range(len(parts), 0, -1))


def _clean(pattern: str) -> str:
    """Go's ``filepath.Clean``: no ``.`` or ``..`` segments, no doubled or trailing slashes."""
    cleaned = posixpath.normpath(pattern)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def _regex(pattern: str) -> re.Pattern[str]:
    """The pattern as patternmatcher compiles it (``**`` any segments, ``*`` and ``?`` within one)."""
    out, index = "", 0
    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char == "*" and pattern[index : index + 1] == "*":
            index += 1
            if pattern[index : index + 1] == "/":
                index += 1
            out += ".*" if index == len(pattern) else "(.*/)?"
        elif char == "*":
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "\\":
            out += re.escape(pattern[index : index + 1] or "\\")
            index += 1
        else:
            out += "\\" + char if char in _LITERAL else char
    try:
        return re.compile(out)
    except re.error as error:
        raise ValueError(f"'{pattern}' is not a valid .dockerignore pattern ({error})") from None


def parse(text: str) -> tuple[Pattern, ...]:
    """The patterns of a ``.dockerignore``'s text; ValueError for a line BuildKit refuses too."""
    patterns = []
    for raw in text.removeprefix("\ufeff").splitlines():
        line = raw.strip()
        if not line or raw.startswith("#"):
            continue
        exception = line.startswith("!")
        line = line[1:].strip() if exception else line
        if not line:
            raise ValueError("'!' alone is not a valid .dockerignore pattern: name what to let back in")
        cleaned = _clean(line)
        cleaned = cleaned[1:] if len(cleaned) > 1 and cleaned.startswith("/") else cleaned
        patterns.append(Pattern(text=cleaned, exception=exception, regex=_regex(cleaned)))
    return tuple(patterns)


def ignored(path: str, patterns: Sequence[Pattern]) -> bool:
    """Whether ``path`` (relative to the context, ``/``-separated) stays out of the build context."""
    verdict = False
    for pattern in patterns:
        # As BuildKit: a pattern can only change the verdict it would flip.
        if pattern.exception == verdict and pattern.matches(path):
            verdict = not pattern.exception
    return verdict


def ignore_file(dockerfile: Path, context: Path) -> Path | None:
    """The ignore file BuildKit reads for this Dockerfile and context, if there is one.

    ``<Dockerfile>.dockerignore`` next to the Dockerfile wins over the context's ``.dockerignore``.
    """
    for candidate in (dockerfile.with_name(dockerfile.name + DOCKERFILE_IGNORE_SUFFIX), context / CONTEXT_IGNORE):
        if candidate.is_file():
            return candidate
    return None


def context_files(context: Path, patterns: Iterable[Pattern]) -> list[Path]:
    """Every file under ``context`` that the patterns let into the build context, sorted."""
    kept = tuple(patterns)
    return sorted(
        path
        for path in context.rglob("*")
        if path.is_file() and not ignored(path.relative_to(context).as_posix(), kept)
    )
