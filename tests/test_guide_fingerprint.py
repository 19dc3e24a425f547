"""The guide's fingerprint covers every module the extension imports: an incremental build keeps no stale page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from checks.guide.sphinxext import source_sha256


def modules_the_extension_imports() -> set[str]:
    """In a fresh interpreter: the checks modules that importing the extension loads."""
    code = "import json, checks.guide.sphinxext as s; print(json.dumps(sorted(s.guide_modules())))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def test_the_fingerprint_covers_the_analysis_modules_the_reference_pages_render():
    covered = modules_the_extension_imports()
    assert {
        "checks.inspect.removable",
        "checks.inspect.lint",
        "checks.model.claims",
        "checks.model.claims.kind",
        "checks.model.claims.sizes",
        "checks.guide.sphinxref",
    } <= covered


def test_the_extension_loads_nothing_of_the_engine_or_the_learner():
    assert not {
        name for name in modules_the_extension_imports() if name.startswith(("checks.engine", "checks.learner"))
    }


def test_editing_any_covered_module_changes_the_fingerprint(tmp_path: Path):
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_text("A = 1\n")
    second.write_text("B = 2\n")
    modules = {"checks.inspect.removable": first, "checks.inspect.lint": second}
    before = source_sha256(modules)
    second.write_text("B = 3\n")
    assert source_sha256(modules) != before
