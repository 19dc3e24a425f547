"""Which line of a Dockerfile made each layer of an image: its history matched to the Dockerfile's last stage.

A build records one history step per instruction of the stage it ships
(BuildKit leaves ``ARG`` out; the classic builder writes it), after the
base image's own steps, and each step says which instruction it was
(``RUN /bin/sh -c ...``, ``COPY ...``, ``WORKDIR /app``: see
:func:`checks.inspect.analyze.instruction`).  So the steps are matched from
the last one back, instruction by instruction, against the last stage (and
the stages it builds ``FROM``, in turn); every step before them is the base
image's, made by the first of those stages' ``FROM`` line.

Only the instruction's keyword is compared: what a step records of its
arguments differs between builders (``COPY --from`` dropped, build arguments
filled in, a heredoc's body).  When the keywords do not line up (another
Dockerfile, another target, a step added by ``docker commit``), nothing is
guessed: :attr:`Lines.matched` is False and every layer is given no line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checks.inspect.analyze import instruction

# The Dockerfile's instructions with the line each starts on: read where every reading of a Dockerfile lives.
from checks.model.dockerfile import _from_line, _numbered


@dataclass(frozen=True)
class Step:
    """One instruction of a Dockerfile."""

    #: The line it starts on, counted from 1.
    line: int
    #: Its keyword, upper case: ``RUN``.
    keyword: str


@dataclass(frozen=True)
class _Stage:
    start: Step
    image: str
    name: str
    steps: tuple[Step, ...]


def _stages(text: str) -> list[_Stage]:
    """The stages of a Dockerfile, in order: each ``FROM`` with the instructions after it (global ``ARG`` lines
    before the first ``FROM`` left out)."""
    stages: list[_Stage] = []
    for number, keyword, rest in _numbered(text):
        if keyword == "FROM":
            image, name = _from_line(rest)
            stages.append(_Stage(start=Step(number, keyword), image=image.lower(), name=name, steps=()))
        elif stages:
            last = stages[-1]
            stages[-1] = _Stage(last.start, last.image, last.name, (*last.steps, Step(number, keyword)))
    return stages


def _chain(stages: Sequence[_Stage]) -> list[_Stage]:
    """The last stage and the earlier stages it builds ``FROM``, in turn, oldest first."""
    at = len(stages) - 1
    chain = [stages[at]]
    while True:
        earlier = {str(i): i for i in range(at)} | {stages[i].name: i for i in range(at) if stages[i].name}
        if stages[at].image not in earlier:
            return chain
        at = earlier[stages[at].image]
        chain.insert(0, stages[at])


def keyword(created_by: str) -> str:
    """The instruction a history step records: ``RUN /bin/sh -c make # buildkit`` -> ``RUN``."""
    return instruction(created_by).partition(" ")[0].upper()


@dataclass(frozen=True)
class Lines:
    """The Dockerfile line each layer came from."""

    #: Whether the image's history follows the Dockerfile's last stage; when it does not, no layer has a line.
    matched: bool
    #: For each layer (0 is the lowest), the instruction that made it; None when unknown.
    layers: tuple[Step | None, ...]

    def of(self, layer: int | None) -> Step | None:
        return None if layer is None or not 0 <= layer < len(self.layers) else self.layers[layer]


def _align(history: Sequence[Mapping[str, Any]], steps: Sequence[Step]) -> dict[int, Step] | None:
    """History step index -> instruction, for the last ``len(steps)`` steps (an ``ARG`` may have none); None
    when the keywords do not line up."""
    paired: dict[int, Step] = {}
    at = len(history) - 1
    for step in reversed(steps):
        if at >= 0 and keyword(str(history[at].get("created_by", ""))) == step.keyword:
            paired[at] = step
            at -= 1
        elif step.keyword != "ARG":
            return None
    return paired


def lines(history: Sequence[Mapping[str, Any]], layer_count: int, dockerfile: str) -> Lines:
    """Each of ``layer_count`` layers matched to the line of ``dockerfile`` (its text) that made it: a step of its
    last stage, or the ``FROM`` line for the base image's layers."""
    unmatched = Lines(matched=False, layers=(None,) * layer_count)
    stages = _stages(dockerfile)
    if not stages:
        return unmatched
    chain = _chain(stages)
    paired = _align(history, [step for stage in chain for step in stage.steps])
    if paired is None:
        return unmatched
    made = [paired.get(i, chain[0].start) for i, step in enumerate(history) if not step.get("empty_layer")]
    if len(made) != layer_count:
        return unmatched
    return Lines(matched=True, layers=tuple(made))
