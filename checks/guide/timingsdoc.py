"""Figures ``make bench`` measured, as plain functions over its files in ``docs/`` (no Docker, no Sphinx).

``tools/bench.py --timings`` writes ``workshop-timings.json``, which the
``.. workshop-timings::`` directive of :mod:`checks.guide.sphinxext` renders;
``tools/bench.py --cold`` writes ``standin-timings.json``, each stand-in's
build time from nothing, which the ``.. standin-bases::`` directive shows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checks.model.i18n import N_, _

#: The file the directive reads, relative to the Sphinx source folder.
TIMINGS_NAME = "workshop-timings.json"

#: What to do when the file is missing or unreadable; every such warning ends with it.
REMEDY = "Run `make bench` (about 15 minutes) to measure every lab's grade, then build the docs."

#: The table's column heads, in English (the directive shows each through :func:`checks.model.i18n._`).
HEADERS = [N_("Lab"), N_("Cold grade"), N_("Warm grade")]


def read_timings(path: Path) -> dict[str, Any]:
    """The parsed file; raises ValueError (with :data:`REMEDY`) when it is missing or malformed."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ValueError(f"{path} does not exist. {REMEDY}") from None
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} cannot be read ({error}). {REMEDY}") from None
    if not isinstance(data, dict) or not isinstance(data.get("labs"), dict):
        raise ValueError(f"{path} has no 'labs' table. {REMEDY}")
    return data


def seconds(value: float | None) -> str:
    """``"not measured"`` for a missing figure; whole seconds from 10 s up, else one decimal; minutes past 90 s."""
    if value is None:
        return _("not measured")
    if value >= 90:
        return f"{value / 60:.1f} min"
    return f"{value:.0f} s" if value >= 10 else f"{value:.1f} s"


def rows(data: Mapping[str, Any]) -> list[list[str]]:
    """One row per lab, in lab order: name, cold, warm."""
    return [
        [name, seconds(figures.get("cold_seconds")), seconds(figures.get("warm_seconds"))]
        for name, figures in sorted(data["labs"].items())
    ]


def machine(data: Mapping[str, Any]) -> str:
    """The machine a file of figures was measured on: its cores, and its speed when the file records
    ``make bench``'s CPU reference (tools/bench.py's ``cpu_reference``), so two files can be weighed."""
    cores, reference = data.get("cores"), data.get("cpu_reference")
    one_core = reference.get("one_core_seconds") if isinstance(reference, Mapping) else None
    if cores and one_core is not None:
        text = _("a {cores}-core machine whose CPU reference takes {seconds} on one core")
        return text.format(cores=cores, seconds=seconds(one_core))
    return _("a {cores}-core machine").format(cores=cores) if cores else _("one machine")


def caption(data: Mapping[str, Any]) -> str:
    when = str(data.get("measured_at", "?"))[:16].replace("T", " ")
    return _("Measured {when} UTC on {machine} by make bench.").format(when=when, machine=machine(data))


def standin_build(data: Mapping[str, Any] | None, image: str) -> str:
    """What the stand-ins page says about how long ``image``'s stand-in takes to build from nothing."""
    spent = (data or {}).get("bases", {}).get(image)
    if data is None or spent is None:
        return _("not measured yet (make bench measures it, on an engine with an empty data root).")
    text = _(
        "{seconds} on {machine}, measured {when} by make bench (an engine with an empty data root, "
        "two stand-ins building at a time; the stand-ins it is built on are not counted)."
    )
    return text.format(seconds=seconds(spent), machine=machine(data), when=str(data.get("measured_at", "?"))[:10])
