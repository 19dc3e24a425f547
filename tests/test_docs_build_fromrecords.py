"""The directives that compute from every results.json, seen in a real build (no Docker)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_docs_build import ROOT, build


@pytest.fixture
def docs_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("_build"))
    shutil.copytree(ROOT / "labs", tmp_path / "labs")
    return tmp_path


def built(docs_copy: Path):
    return build(docs_copy / "docs", docs_copy / "out", "-D", f"slimlab_labs={docs_copy / 'labs'}")


def test_a_page_with_measured_values_and_no_note_on_their_bases_fails_the_build(docs_copy: Path):
    page = docs_copy / "docs/python-base.rst"
    page.write_text(page.read_text().replace(".. measured-on::\n", ""))
    done = built(docs_copy)
    assert done.returncode != 0
    assert "python-base shows measured values of lab-1-base-image without their lab-results table" in done.stderr


def test_the_note_names_the_stand_ins_the_results_record(docs_copy: Path):
    done = built(docs_copy)
    assert done.returncode == 0, done.stderr
    html = (docs_copy / "out/html/python-base.html").read_text(encoding="utf-8")
    assert "slimlab-measured-on" in html
    assert "stand-ins for" in html
    assert "python:3.13-slim-trixie" in html
