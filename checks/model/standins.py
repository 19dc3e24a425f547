"""Stand-in bases as data: the cold build times ``make bench`` records, and which stand-in to build next.

``tools/bench.py --cold`` writes ``docs/standin-timings.json`` (how long each
stand-in's own recipe took on an engine with an empty data root); the
stand-ins page shows those figures (:mod:`checks.guide.timingsdoc`), and
:meth:`checks.engine.bases.Resolver.prepare` starts the longest chain of builds first.
"""

from __future__ import annotations

import json
from collections.abc import Container, Mapping, Sequence
from pathlib import Path
from typing import Any

#: The file the cold bench writes, in the guide's source folder (``docs/``).
STANDIN_TIMINGS_NAME = "standin-timings.json"


def read_standin_timings(path: Path) -> dict[str, Any] | None:
    """The parsed file, None when there is none yet; raises ValueError when it is malformed."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} cannot be read ({error}). Run `make bench` to measure it again.") from None
    if not isinstance(data, dict) or not isinstance(data.get("bases"), dict):
        raise ValueError(f"{path} has no 'bases' table. Run `make bench` to measure it again.")
    return data


def build_seconds(data: Mapping[str, Any] | None) -> dict[str, float]:
    """Seconds by official name, from :func:`read_standin_timings`'s answer (none for None)."""
    bases = (data or {}).get("bases", {})
    return {name: float(spent) for name, spent in bases.items() if isinstance(spent, int | float)}


def chain_seconds(waiting: Mapping[str, Sequence[str]], seconds: Mapping[str, float]) -> dict[str, float]:
    """For each name in ``waiting``: its own measured seconds plus those of the longest chain of waiting
    stand-ins that build on it (unmeasured ones count 0), so alpine carries python:3.13-alpine's minutes."""
    above: dict[str, list[str]] = {name: [] for name in waiting}
    for name, below in waiting.items():
        for base in below:
            if base in above:
                above[base].append(name)
    found: dict[str, float] = {}

    def chain(name: str, path: tuple[str, ...]) -> float:
        if name in path:  # recipes in a circle: the caller refuses them
            return 0.0
        if name not in found:
            found[name] = seconds.get(name, 0.0) + max((chain(up, (*path, name)) for up in above[name]), default=0.0)
        return found[name]

    return {name: chain(name, ()) for name in waiting}


def next_build(
    waiting: Mapping[str, Sequence[str]],
    done: Container[str],
    seconds: Mapping[str, float],
    *,
    last: Container[str] = (),
) -> str | None:
    """The base to resolve next out of ``waiting`` (name -> the bases its stand-in builds on): one whose own
    bases are all ``done``, the longest measured chain first (:func:`chain_seconds`), then by name, those in
    ``last`` (jobs that only use bases) after every other; None when none is ready.

    Longest chain first, because the last build to start sets when the last one ends: the few seconds of
    alpine go first when python:3.13-alpine, which compiles for minutes, waits for them.
    """
    chains = chain_seconds(waiting, seconds)
    ready = [name for name, below in waiting.items() if all(base in done for base in below)]
    return min(ready, key=lambda name: (name in last, -chains[name], name), default=None)
