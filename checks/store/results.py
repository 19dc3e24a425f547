"""A lab's results.json on disk: read back, or why it cannot be; written whole, and only when a measurement changed.

Its form is :mod:`checks.model.results` (:func:`~checks.model.resultsjson.dumps` and
:func:`~checks.model.resultsjson.loads`); this module is the file: an absent one is no
results, an unreadable one says why, and a write never leaves half a file behind.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checks.model.results import Results
from checks.model.resultsjson import json_text, loads, to_dict
from checks.model.scrub import Scrub, scrub_tree

#: Fields that change on every run without the measurement changing.
VOLATILE = ("measured_at",)


def _stable(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in VOLATILE}


def _load(path: Path) -> tuple[Results | None, str | None]:
    """The results recorded at ``path``, or why there are none (None for both when the file is absent)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except OSError as error:
        return None, f"it cannot be read ({error.strerror or error})"
    except ValueError as error:  # UnicodeDecodeError
        return None, f"it is not valid JSON ({error})"
    try:
        return loads(text), None
    except ValueError as error:
        return None, str(error)


def read(path: Path) -> Results | None:
    """The results recorded at ``path``; None when absent, unreadable or of another schema."""
    return _load(path)[0]


def unreadable(path: Path) -> str | None:
    """Why the file at ``path`` holds no usable results, or None when it is absent or usable."""
    return _load(path)[1]


def write_if_changed(path: Path, results: Results, *, scrub: Scrub) -> bool:
    """Write ``results`` unless the file already says the same (the time aside); True if written.

    Every string is written as ``scrub`` returns it (:func:`checks.inspect.redaction.scrubbed`): a history step,
    a smoke test's output or a path an image holds may carry a secret value, and results.json is committed.
    """
    data = scrub_tree(to_dict(results), scrub)
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(existing, dict) and _stable(existing) == _stable(data):
            return False
    except (OSError, ValueError):
        pass
    # Whole or not at all: an interrupted write must not leave a truncated results.json behind.
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(json_text(data), encoding="utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return True
