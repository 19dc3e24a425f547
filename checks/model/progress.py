"""Progress, both ways: BuildKit's plain progress (``--progress=plain``) read (the step a failed build
stopped at, and which stages' steps a build ran), and the events ``checks verify`` reports as it goes.

An event is a frozen value with what a program needs (:class:`Step` and the phase it is a step of,
:class:`StandinBuilt`, :class:`EarlyDone`) and the words a person reads (``text``, in the run's language): the
terminal shows :func:`line`, ``verify --events FILE`` writes :func:`as_json`, so no reader depends on a line's
wording.

BuildKit prints each step of a build as a header, ``#7 [build 2/3] RUN go build ...``, when it starts and
again when its output resumes after another step's; then its log (``#7 0.512 ...``) and its end
(``#7 DONE 1.2s``, ``#7 CACHED``, ``#7 ERROR: ...``).  The bracket names the stage and counts its steps
(``[2/4]`` in a Dockerfile of one unnamed stage), or says what else the step is (``[internal] load build
definition``, ``[context golang:1.27-trixie] load metadata for ...``).  A stage the build does not need has
no step at all.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from checks.model.dockerfile import one_line, step_pattern

_STEP = re.compile(r"^#(\d+) (\[.*)$")
_STEP_ERROR = re.compile(r"^#(\d+) ERROR: (.*)$")
#: A step's header: the bracket (stage and count, ``internal``, ``context ...``), then what the step does.
_STEP_TEXT = re.compile(r"^#\d+ \[[^\]]*\] (.+)$")


def is_step(line: str) -> bool:
    """True for a step's header (``#7 [build 2/3] RUN ...``, ``#1 [internal] load ...``)."""
    return _STEP.match(line) is not None


def failing_step(lines: list[str]) -> tuple[str, list[str]]:
    """The step that failed and the last lines of its log."""
    steps = {m.group(1): m.group(2) for m in map(_STEP.match, lines) if m}
    errors = [m for m in map(_STEP_ERROR.match, lines) if m]
    if not errors:
        summary = next((line for line in reversed(lines) if line.startswith("ERROR")), lines[-1] if lines else "")
        return summary, lines[-15:]
    number, message = errors[-1].group(1), errors[-1].group(2)
    # its log lines without the number and the time ("#7 0.912 FAIL"); its header is the summary already
    log = [
        line.split(" ", 2)[-1]
        for line in lines
        if line.startswith(f"#{number} ") and not _STEP_ERROR.match(line) and not _STEP.match(line)
    ]
    return f"{steps.get(number, 'a step')}: {message}", log[-15:]


def stage_steps(stages: Mapping[str, Sequence[str]], lines: Iterable[str]) -> dict[str, int]:
    """For each stage of ``stages`` (name -> its steps, as :func:`checks.model.dockerfile.stages` gives them),
    how many of its steps the progress ``lines`` name, run or taken from the cache: 0 for a stage the build
    left out.

    A step is known by what it does, not by the stage its header names: a step that another build running at
    the same time shares (the same instruction on the same parent) is printed as that build names it
    (``[build 1/6] WORKDIR /src`` for this build's ``base`` stage), and with its variables filled in
    (:func:`~checks.model.dockerfile.step_pattern`).  A step that two stages both write counts for both: a
    stage is left out only when none of its steps shows.
    """
    ran = {one_line(m.group(1)) for m in map(_STEP_TEXT.match, lines) if m}
    shown = {step for steps in stages.values() for step in steps if _shows(step, ran)}
    return {name: sum(step in shown for step in steps) for name, steps in stages.items()}


def _shows(step: str, ran: set[str]) -> bool:
    """True when one of the printed steps ``ran`` is ``step``, its variables filled in."""
    if step in ran:
        return True
    pattern = step_pattern(step)
    return any(pattern.fullmatch(line) for line in ran)


@dataclass(frozen=True, kw_only=True)
class StandinBuilt:
    """A stand-in base was built from its recipe."""

    #: The official name it stands in for (``python:3.13-alpine``).
    name: str
    #: Wall seconds of its own build (two stand-ins may build at once).
    seconds: float
    #: The line a person reads.
    text: str


#: The phases of a run a :class:`Step` names, as the bench reports them (``tools/benchfigures.py``): every second
#: until the next step counts for the phase of the step before it.
STANDINS = "stand-in bases"
BUILDS = "lab builds"
SMOKE = "smoke tests"
FLOORS = "runtime floors"
REBUILDS = "rebuilds"
COLD_PULLS = "cold pulls"
PULLS_ONTO = "pulls onto a node holding images"
MATRIX = "compression matrix (skopeo)"
PUSHES = "registry pushes"
ANALYSIS = "analysis"
PHASES = (STANDINS, BUILDS, SMOKE, FLOORS, REBUILDS, COLD_PULLS, PULLS_ONTO, MATRIX, PUSHES, ANALYSIS)


@dataclass(frozen=True, kw_only=True)
class Step:
    """A step of one phase of the run: a build, a smoke test, a trace, a push, a pull, a re-compression, an
    analysis (its start, or for a pull its end, which starts the next one)."""

    #: One of :data:`PHASES`.
    phase: str
    #: The lab it is a step of; "" for one of the whole run (a stand-in, the registry, the fresh engine).
    lab: str = ""
    #: The line a person reads.
    text: str


@dataclass(frozen=True, kw_only=True)
class EarlyDone:
    """The early phase ended: the stand-ins and the labs' builds, measured side by side before any timed pull."""

    #: How many labs measured something early.
    labs: int
    #: Wall seconds of the phase.
    seconds: float
    #: The line a person reads.
    text: str


#: What ``checks verify`` reports beyond plain lines.
Event = Step | StandinBuilt | EarlyDone
#: Where progress goes: a plain line (``"lab-1: results.json unchanged"``, a build's output) or an :data:`Event`.
Say = Callable[[str | Event], None]
#: Each event's name in :func:`as_json`.
EVENT_NAMES: dict[type[Event], str] = {Step: "step", StandinBuilt: "standin-built", EarlyDone: "early-done"}


def line(message: str | Event) -> str:
    """What the terminal shows for ``message``."""
    return message if isinstance(message, str) else message.text


def as_json(message: str | Event, at: float) -> str:
    """One JSON object for ``message``, reported ``at`` monotonic seconds: ``{"at", "event", ...fields}``; a
    plain line is the event ``"line"`` with its ``text``."""
    if isinstance(message, str):
        fields: dict[str, object] = {"event": "line", "text": message}
    else:
        fields = {"event": EVENT_NAMES[type(message)], **dataclasses.asdict(message)}
    return json.dumps({"at": round(at, 3), **fields}, ensure_ascii=False)
