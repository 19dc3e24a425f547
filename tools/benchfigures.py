"""What `make bench` makes of a run of `checks verify`: its events read into phases, stand-in build times and how
busy the cores were in each phase, and how figures are summed up (spreads, drift).  Pure functions over data,
tested in tests/test_benchfigures.py; tools/bench.py runs the processes.

`checks verify --events FILE` writes one JSON object a line (:func:`checks.model.progress.as_json`):
``{"at": <monotonic seconds>, "event": <name>, ...}``.  The bench reads :class:`~checks.model.progress.Step`
(``step``, with the phase it is a step of), :class:`~checks.model.progress.EarlyDone` (``early-done``) and
:class:`~checks.model.progress.StandinBuilt` (``standin-built``) by their fields, never a line's words.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

from checks.model.progress import STANDINS

#: An event as the bench holds it: seconds since the run started, and the event's JSON object.
Reported = tuple[float, Mapping[str, Any]]

#: What `checks verify` does before its ``early-done`` event: stand-ins and every lab's builds, smoke tests,
#: floors and analyses, two at a time, so no step there says which one the seconds went to.
SIDE_BY_SIDE = "stand-ins and lab builds, side by side"


def read_event(text: str, start: float) -> Reported:
    """One line of an events file, its monotonic seconds made seconds since ``start`` (the same clock)."""
    event = json.loads(text)
    return float(event["at"]) - start, event


def phase_of(event: Mapping[str, Any]) -> str | None:
    """The phase an event starts: a step's own (:data:`checks.model.progress.PHASES`), the stand-ins' for a
    stand-in built, "other" for a line of another kind, and None for a build's output (a line set in)."""
    if event["event"] == "step":
        return str(event["phase"])
    if event["event"] == "standin-built":
        return STANDINS
    if event["event"] == "line":
        text = str(event["text"])
        return None if not text.strip() or text.startswith(" ") else "other"
    return "other"


def early_end(events: Sequence[Reported]) -> int | None:
    """The index of the event that ends the side-by-side phase; None when the run reported none."""
    return next((index for index, (_, event) in enumerate(events) if event["event"] == "early-done"), None)


def phases(events: Sequence[Reported], end: float) -> dict[str, float]:
    """Seconds spent in each phase, from the run's events and its total seconds: up to :func:`early_end`, all
    of them :data:`SIDE_BY_SIDE`; after it, the phase each event starts."""
    spent: dict[str, float] = {}
    current, since = "other", 0.0
    if (cut := early_end(events)) is not None:
        spent[SIDE_BY_SIDE] = since = events[cut][0]
        events = events[cut + 1 :]
    for at, event in events:
        if (name := phase_of(event)) is not None:
            spent[current] = spent.get(current, 0.0) + at - since
            current, since = name, at
    spent[current] = spent.get(current, 0.0) + end - since
    return {name: seconds for name, seconds in sorted(spent.items(), key=lambda item: -item[1]) if seconds >= 0.05}


def standin_seconds(events: Sequence[Reported]) -> dict[str, float]:
    """Seconds each stand-in's own recipe took to build, by official name, as `checks verify` reported them.

    Two stand-ins may build at once (``Resolver.prepare``), so each figure is its own build's wall time
    beside whatever else was building, not a span between two events.
    """
    return {event["name"]: float(event["seconds"]) for _, event in events if event["event"] == "standin-built"}


def cpu_times(stat: str) -> tuple[float, float]:
    """(busy, all) CPU time since boot, summed over cores, from the text of /proc/stat: idle and iowait are
    the only times not busy (guest time is already counted in user time)."""
    fields = [float(value) for value in stat.splitlines()[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields + [0.0] * (8 - len(fields))
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


def _charge(busy: dict[str, list[float]], name: str, since: tuple[float, float], now: tuple[float, float]) -> None:
    spent = busy.setdefault(name, [0.0, 0.0])
    spent[0] += now[0] - since[0]
    spent[1] += now[1] - since[1]


def phase_busy(
    events: Sequence[Reported], samples: Mapping[int, tuple[float, float]], end: tuple[float, float]
) -> dict[str, float]:
    """How busy the CPU was in each phase, 0 to 1, from the CPU times read as the event at each index of
    ``samples`` came (the events that start a phase) and at the end: whether the cores had work to spare
    while that phase ran, which running its steps side by side could use."""
    busy: dict[str, list[float]] = {}
    current, since, start = "other", None, 0
    if (cut := early_end(events)) is not None and cut in samples:
        busy[SIDE_BY_SIDE] = [0.0, 0.0]
        _charge(busy, SIDE_BY_SIDE, samples[min(samples)], samples[cut])
        since, start = samples[cut], cut + 1
    for index, (_, event) in enumerate(events):
        if index < start or (name := phase_of(event)) is None or index not in samples:
            continue
        if since is not None:
            _charge(busy, current, since, samples[index])
        current, since = name, samples[index]
    if since is not None:
        _charge(busy, current, since, end)
    return {name: used / total for name, (used, total) in busy.items() if total > 0}


#: How far the CPU reference may move between the start and the end of a cold run before the bench says
#: that the machine's speed changed under it (a shared virtual machine can slow down by a third for minutes).
DRIFT_WARN = 0.15


def drift(before: Mapping[str, float | int], after: Mapping[str, float | int]) -> float:
    """How much slower (above 0) or faster (below 0) one core computed at the end than at the start."""
    return float(after["one_core_seconds"]) / float(before["one_core_seconds"]) - 1


def spread(seconds: Sequence[float]) -> str:
    """Runs as min / median / max."""
    return f"{min(seconds):.2f} / {statistics.median(seconds):.2f} / {max(seconds):.2f} s"


def pull_cost(name: str, without: float, measured: float) -> str:
    """tools/benchpulls.py's line for one lab (or ``all``): seconds of `checks verify --force` without and with
    the pull measurement, and what the measurement adds."""
    return (
        f"{name:<28} verify {without:6.1f} s without, {measured:6.1f} s with the pull measurement: "
        f"+{measured - without:.1f} s"
    )
