"""What the guide shows of a lab, as plain functions over recorded data (no Docker, no Sphinx).

The docs build reads each lab's ``lab.toml`` and ``results.json``, in an
edition's language; this module says whether those results still describe the
lab's files (:func:`staleness`).  :mod:`checks.guide.measuredfields` turns one
measured value into the text a page shows.
:mod:`checks.guide.sphinxext` is only the glue between these functions and Sphinx.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from checks.inspect.redaction import scrubbed
from checks.model.errors import UsageError
from checks.model.i18n import ENGLISH, Catalog
from checks.model.results import RESULTS_NAME, Results
from checks.model.scrub import scrub_tree
from checks.model.spec import SPEC_NAME, Lab, load
from checks.model.translation import translate_lab, translate_results
from checks.store.inputs import inputs_sha256
from checks.store.results import read

#: What to do about missing or stale results; every such warning ends with it.
REMEDY = "Run `make check` to measure the lab again, then build the docs."


@dataclass(frozen=True, kw_only=True)
class LabDocs:
    """One lab as the docs build sees it: its spec, its recorded results, its current fingerprint."""

    #: Folder name, e.g. ``lab-4-go-multistage``.
    name: str
    folder: Path
    #: The parsed ``lab.toml``; None when it does not parse (see ``problem``).
    spec: Lab | None
    #: The recorded ``results.json``; None when it is absent or unreadable.
    results: Results | None
    #: :func:`checks.store.inputs.inputs_sha256` of the lab's files now; empty when the spec does not parse.
    current_sha256: str
    #: Why the spec could not be read, if it could not.
    problem: str = ""

    @property
    def results_path(self) -> Path:
        return self.folder / RESULTS_NAME


def load_lab(folder: Path, catalog: Catalog = ENGLISH) -> LabDocs:
    """Read a lab folder for the docs, its words in ``catalog``'s language: never raises for a broken spec."""
    try:
        spec, problem = load(folder), ""
        current = inputs_sha256(spec, folder)
        spec = translate_lab(spec, catalog)
    except UsageError as error:
        spec, problem, current = None, str(error), ""
    except (OSError, ValueError) as error:  # an unreadable input, a .dockerignore pattern BuildKit refuses
        spec, problem, current = None, f"its build inputs cannot be read: {error}", ""
    return LabDocs(
        name=folder.name,
        folder=folder,
        spec=spec,
        results=translate_results(recorded, catalog) if (recorded := recorded_results(folder)) else None,
        current_sha256=current,
        problem=problem,
    )


def recorded_results(folder: Path) -> Results | None:
    """A lab's recorded results with every string scrubbed of secret values: a results.json handed over with a lab
    may hold what the checker itself would never have written."""
    recorded = read(folder / RESULTS_NAME)
    return None if recorded is None else scrub_tree(recorded, scrubbed)


def lab_folders(labs: Path) -> list[Path]:
    """Every lab folder (a folder holding a ``lab.toml``) under ``labs``, by name."""
    return sorted((spec.parent for spec in labs.glob(f"*/{SPEC_NAME}")), key=lambda p: p.name)


def staleness(lab: LabDocs) -> str | None:
    """Why the recorded results cannot be shown as they are, or None when they are current."""
    where = f"labs/{lab.name}/{RESULTS_NAME}"
    if lab.results is None:
        state = "is missing" if not lab.results_path.exists() else "is unreadable or of another schema"
        return f"{where} {state}, so the guide has no measurement of {lab.name}. {REMEDY}"
    if lab.results.inputs_sha256 != lab.current_sha256:
        return (
            f"{where} is stale: the lab's files changed after it was measured (inputs_sha256 is now "
            f"{lab.current_sha256[:12]}, recorded {lab.results.inputs_sha256[:12]}). {REMEDY}"
        )
    return None


def did_you_mean(word: str, choices: list[str]) -> str:
    """``Did you mean 'x'?`` when a close spelling exists; always lists what exists."""
    close = difflib.get_close_matches(word, choices, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return f"{hint} Known: {', '.join(choices) or 'none'}."
