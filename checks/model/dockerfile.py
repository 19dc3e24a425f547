"""Which images a Dockerfile builds from: plain text in, image names out.

Collects the names in ``FROM`` lines, ``COPY --from=`` and ``RUN --mount=from=``
that are neither ``scratch`` nor an earlier stage, with global ``ARG`` defaults
substituted.  This is how the checker finds every base a lab needs, with no
hand-kept list.  :func:`final_base` names the one image the final stage
builds on, the base whose layers a node may already hold; :func:`stages`
names the stages a build of it can run, with the steps each runs.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

from checks.model.errors import UsageError

_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
_FROM_FLAG = re.compile(r"^--from=(\S+)$", re.IGNORECASE)
_MOUNT_FROM = re.compile(r"(?:^|,)from=([^,\s]+)")


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped.

    Heredoc bodies are skipped, so their lines are never read as instructions.
    """
    return [(word, rest) for _, word, rest in _numbered(text)]


def _numbered(text: str) -> list[tuple[int, str, str]]:
    """(line number, INSTRUCTION, arguments): :func:`instructions` with the line each one starts on."""
    result: list[tuple[int, str, str]] = []
    pending, start = "", 0
    heredoc_end: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if heredoc_end:
            if raw.strip() == heredoc_end[0]:
                heredoc_end.pop(0)
            continue
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        start = start if pending else number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        word, _, rest = line.partition(" ")
        result.append((start, word.upper(), rest.strip()))
        heredoc_end = [m.group(2) for m in re.finditer(r"<<-?([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1", rest)]
    return result


def _substitute(value: str, args: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        return args.get(name) or (match.group(2) or "")

    return _VARIABLE.sub(one, value)


def _arg_words(rest: str, *, source: str, number: int) -> list[str]:
    """The words of an ``ARG`` line, split as a shell would; an unbalanced quote is the author's to fix."""
    try:
        return shlex.split(rest)
    except ValueError as error:
        raise UsageError(
            f"{source}, line {number}: cannot read 'ARG {rest}' ({error}). "
            "Close the quote (or escape it with a backslash) and run the command again."
        ) from None


def _past_global_args(text: str, args: dict[str, str], *, source: str) -> Iterator[tuple[str, str]]:
    """(INSTRUCTION, arguments) of every instruction but the global ``ARG`` lines before the first ``FROM``,
    whose defaults go into ``args`` as they are read (each may use the ones before it)."""
    seen_from = False
    for number, instruction, rest in _numbered(text):
        if instruction == "ARG" and not seen_from:
            for word in _arg_words(rest, source=source, number=number):
                key, _, default = word.partition("=")
                args[key] = _substitute(default, args)
            continue
        seen_from = seen_from or instruction == "FROM"
        yield instruction, rest


def _from_line(rest: str) -> tuple[str, str]:
    """A ``FROM`` line's image as written ("" when it names none) and its stage name, lower-cased ("" if none)."""
    words = [w for w in rest.split() if not w.startswith("--")]
    name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else ""
    return (words[0] if words else ""), name


def external_images(text: str, *, source: str = "Dockerfile") -> list[str]:
    """Images the Dockerfile pulls in from outside, in order of first use, without duplicates.

    ``source`` names the Dockerfile in the :class:`UsageError` for a line it cannot read.
    """
    args: dict[str, str] = {}
    stages: set[str] = set()
    found: list[str] = []

    def use(name: str) -> None:
        name = _substitute(name, args)
        if name.lower() != "scratch" and name.lower() not in stages and not name.isdigit() and name not in found:
            found.append(name)

    for instruction, rest in _past_global_args(text, args, source=source):
        if instruction == "FROM":
            image, name = _from_line(rest)
            if image:
                use(image)
            if name:
                stages.add(name)
        elif instruction == "COPY":
            for word in rest.split():
                match = _FROM_FLAG.match(word)
                if match:
                    use(match.group(1))
        elif instruction == "RUN":
            for word in rest.split():
                if word.startswith("--mount="):
                    for match in _MOUNT_FROM.finditer(word[len("--mount=") :]):
                        use(match.group(1))
    return found


def external_images_of(path: Path) -> list[str]:
    """:func:`external_images` of the Dockerfile at ``path``, named in any error."""
    return external_images(path.read_text(encoding="utf-8"), source=str(path))


def final_base(text: str, target: str | None = None, *, source: str = "Dockerfile") -> str | None:
    """The image the final stage (or the stage ``target`` names) builds on; None for ``FROM scratch``.

    A stage that builds ``FROM`` an earlier stage is chased to that stage's
    base, so the answer is always an image from outside or None.
    """
    args: dict[str, str] = {}
    stages: dict[str, str] = {}
    chosen: str | None = None
    count = 0
    for instruction, rest in _past_global_args(text, args, source=source):
        if instruction == "FROM":
            written, name = _from_line(rest)
            image = _substitute(written, args) or "scratch"
            base = stages.get(image.lower(), image)
            stages[str(count)] = chosen = base  # a stage is named by its index too: FROM 0, COPY --from=0
            count += 1
            if name:
                stages[name] = base
            if target and name == target.lower():
                break
    return None if chosen is None or chosen.lower() == "scratch" else chosen


def final_base_of(path: Path, target: str | None = None) -> str | None:
    """:func:`final_base` of the Dockerfile at ``path``, named in any error."""
    return final_base(path.read_text(encoding="utf-8"), target, source=str(path))


#: Instructions that set only the image's configuration: BuildKit runs no build step for them.
CONFIG_ONLY = frozenset(
    {"ARG", "CMD", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "SHELL"}
    | {"STOPSIGNAL", "USER", "VOLUME"}
)


def one_line(step: str) -> str:
    """A step as one line, the way it is compared: white space collapsed, the instruction upper-cased."""
    word, _, rest = step.strip().partition(" ")
    return " ".join([word.upper(), *rest.split()])


def step_pattern(step: str) -> re.Pattern[str]:
    """What a step of :func:`stages` looks like in BuildKit's progress: the same line, but a variable
    (``$SOURCE_DATE_EPOCH``, ``${GO}``) may read as anything, since BuildKit prints a step with its build
    arguments and environment filled in."""
    parts = _VARIABLE.split(step)[:: _VARIABLE.groups + 1]  # the text between the variables
    return re.compile(".*".join(map(re.escape, parts)))


def stages(text: str, target: str | None = None, *, source: str = "Dockerfile") -> dict[str, tuple[str, ...]]:
    """The stages up to the final one (or the one ``target`` names), in order, named as BuildKit names them
    (the name after ``AS``, lower-cased, or ``stage-N``, counted from 0, for a stage without one), each with
    its instructions that make a build step (every one but ``FROM`` and :data:`CONFIG_ONLY`), as
    :func:`one_line` writes them."""
    found: dict[str, list[str]] = {}
    steps: list[str] = []
    for instruction, rest in _past_global_args(text, {}, source=source):
        if instruction == "FROM":
            if target and target.lower() in found:
                break
            steps = found.setdefault(_from_line(rest)[1] or f"stage-{len(found)}", [])
        elif instruction not in CONFIG_ONLY:
            steps.append(one_line(f"{instruction} {rest}"))
    return {name: tuple(steps) for name, steps in found.items()}


def stages_of(path: Path, target: str | None = None) -> dict[str, tuple[str, ...]]:
    """:func:`stages` of the Dockerfile at ``path``, named in any error."""
    return stages(path.read_text(encoding="utf-8"), target, source=str(path))
