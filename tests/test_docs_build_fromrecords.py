"""The directives that compute from every results.json, seen in a real build (no Docker)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checks.guide.nodes import base_label
from tests.test_docs_build import ROOT, build


@pytest.fixture
def docs_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("_build"))
    shutil.copytree(ROOT / "labs", tmp_path / "labs")
    return tmp_path


def built(docs_copy: Path):
    return build(docs_copy / "docs", docs_copy / "out", "-D", f"slimlab_labs={docs_copy / 'labs'}")


def test_a_page_with_measured_values_and_no_note_on_their_bases_fails_the_build(docs_copy: Path):
    page = docs_copy / "docs/original-note.rst"
    page.write_text(page.read_text().replace(".. measured-on::\n", ""))
    done = built(docs_copy)
    assert done.returncode != 0
    assert "original-note shows measured values of lab-1-base-image" in done.stderr
    assert "without their lab-results table" in done.stderr


def test_the_note_is_one_line_that_links_to_where_the_bases_are_named(built_guide: Path):
    html = (built_guide / "original-note.html").read_text(encoding="utf-8")
    start = html.index('<p class="slimlab-measuring-line')
    note = html[start : html.index("</p>", start)]
    assert 'href="measuring.html#recorded-labs"' in note
    assert "stand-in" not in note, "the bases are named on the measuring page"
    assert "python:3.13" not in note


def test_the_measuring_page_names_each_labs_bases_official_or_stand_in(built_guide: Path):
    html = (built_guide / "measuring.html").read_text(encoding="utf-8")
    start = html.index('<table class="slimlab-table slimlab-provenance')
    table = html[start : html.index("</table>", start)]
    for folder in sorted((ROOT / "labs").glob("lab-*")):
        results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
        assert f'<span class="pre">{folder.name}</span>' in table
        assert results["measured_at"][:10] in table
        for name, base in results["bases"].items():
            assert name in table
            if base["source"] == "stand-in":
                assert f'href="standin-bases.html#{base_label(name)}"' in table, name
