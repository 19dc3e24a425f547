"""Which images a Dockerfile builds from: plain text in, image names out.

Collects the names in ``FROM`` lines, ``COPY --from=`` and ``RUN --mount=from=``
that are neither ``scratch`` nor an earlier stage, with global ``ARG`` defaults
substituted.  This is how the checker finds every base a lab needs, with no
hand-kept list.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
_FROM_FLAG = re.compile(r"^--from=(\S+)$", re.IGNORECASE)
_MOUNT_FROM = re.compile(r"(?:^|,)from=([^,\s]+)")


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped.

    Heredoc bodies are skipped, so their lines are never read as instructions.
    """
    result: list[tuple[str, str]] = []
    pending = ""
    heredoc_end: list[str] = []
    for raw in text.splitlines():
        if heredoc_end:
            if raw.strip() == heredoc_end[0]:
                heredoc_end.pop(0)
            continue
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        word, _, rest = line.partition(" ")
        result.append((word.upper(), rest.strip()))
        heredoc_end = [m.group(2) for m in re.finditer(r"<<-?([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1", rest)]
    return result


def _substitute(value: str, args: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        return args.get(name) or (match.group(2) or "")

    return _VARIABLE.sub(one, value)


def external_images(text: str) -> list[str]:
    """Images the Dockerfile pulls in from outside, in order of first use, without duplicates."""
    args: dict[str, str] = {}
    stages: set[str] = set()
    found: list[str] = []

    def use(name: str) -> None:
        name = _substitute(name, args)
        if name.lower() != "scratch" and name.lower() not in stages and not name.isdigit() and name not in found:
            found.append(name)

    seen_from = False
    for instruction, rest in instructions(text):
        if instruction == "ARG" and not seen_from:
            for word in shlex.split(rest):
                key, _, default = word.partition("=")
                args[key] = _substitute(default, args)
        elif instruction == "FROM":
            seen_from = True
            words = [w for w in rest.split() if not w.startswith("--")]
            if words:
                use(words[0])
            if len(words) >= 3 and words[1].lower() == "as":
                stages.add(words[2].lower())
        elif instruction == "COPY":
            for word in rest.split():
                match = _FROM_FLAG.match(word)
                if match:
                    use(match.group(1))
        elif instruction == "RUN":
            for word in rest.split():
                if word.startswith("--mount="):
                    for match in _MOUNT_FROM.finditer(word[len("--mount="):]):
                        use(match.group(1))
    return found


def external_images_of(path: Path) -> list[str]:
    return external_images(path.read_text(encoding="utf-8"))
