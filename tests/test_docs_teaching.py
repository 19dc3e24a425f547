"""The first-screen directives and the handout, on stub pages of a real build (no Docker).

A copy of docs/ gets two orphan pages: one that uses ``headline``, ``try-lab``,
``top-results`` and ``:claim:`` with and without its own words, and a stub of
the short version marked ``.. handout::``, which Chromium prints to a PDF that
must be one A4 page (skipped, visibly, without a browser: ``make test``
installs one).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import TRANSLATIONS
from test_docs_browser import chromium
from test_docs_build import ROOT, build, text

from checks.model.spec import load
from checks.model.units import megabytes

TEACHING = """\
:orphan:

Teaching stub
=============

Build in one stage and ship from another.

.. measured-on::

.. headline:: lab-4-go-multistage

.. try-lab:: lab-4-go-multistage

Built with cgo on, the binary :claim:`fails to start <L4.9>`; see :claim:`L4.1` too.

.. top-results::
"""

#: A stub of the short version: a dozen techniques, one imperative line each with its measured effect.
HANDOUT = """\
:orphan:

.. handout::

The short version
=================

Apply these in order; each line links to the page that teaches it.

.. measured-on::

""" + "\n".join(
    f"{n}. **Build in one stage, ship from another**: :measured:`lab-4-go-multistage/before/size` to "
    f":measured:`lab-4-go-multistage/after/size`, :measured:`lab-4-go-multistage/after/ratio` of the size "
    f"(:doc:`multi-stage`)."
    for n in range(1, 15)
)

BAD = """\
:orphan:

.. headline:: lab-4-go-multistag

.. try-lab:: lab-2-layer

.. headline:: lab-4-go-multistage
   :variant: aftr
"""


@pytest.fixture(scope="module")
def stubs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("teaching")
    shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("_build"))
    shutil.copytree(ROOT / "labs", root / "labs")
    (root / "docs/teaching-stub.rst").write_text(TEACHING, encoding="utf-8")
    (root / "docs/handout-stub.rst").write_text(HANDOUT, encoding="utf-8")
    done = build(root / "docs", root / "out", "-D", f"slimlab_labs={root / 'labs'}")
    assert done.returncode == 0, done.stderr
    return root / "out/html"


def results(lab: str) -> dict:
    return json.loads((ROOT / "labs" / lab / "results.json").read_text(encoding="utf-8"))


def between(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def test_the_headline_is_before_to_after_with_the_share_all_measured(stubs: Path):
    html = (stubs / "teaching-stub.html").read_text(encoding="utf-8")
    line = between(html, '<p class="slimlab-headline', "</p>")
    sizes = {v: m["size_bytes"] for v, m in results("lab-4-go-multistage")["variants"].items()}
    share = f"{sizes['after'] / sizes['before'] * 100:.2f}%"
    assert text(line) == f"{megabytes(sizes['before'])} → {megabytes(sizes['after'])} ({share} of the size)"
    assert line.count('class="slimlab-measured"') == 3


def test_the_try_box_names_the_command_the_task_and_links_to_the_exercise(stubs: Path):
    html = (stubs / "teaching-stub.html").read_text(encoding="utf-8")
    box = between(html, '<div class="slimlab-try', "</div>")
    assert text(box) == (
        "Try it: make lab-4 Make this image at most 2% of its size with a multi-stage build. Open the exercise"
    )
    assert 'href="multi-stage.html#exercise-lab-4"' in box
    assert 'id="exercise-lab-4"' in (stubs / "multi-stage.html").read_text(encoding="utf-8")


def test_a_claim_link_shows_its_own_words_or_else_the_id(stubs: Path):
    html = (stubs / "teaching-stub.html").read_text(encoding="utf-8")
    sentence = text(between(html, "<p>Built with cgo on", "</p>"))
    assert sentence == "Built with cgo on, the binary fails to start; see L4.1 too."
    assert re.search(r'<a class="[^"]*" href="multi-stage.html#l4-9"><span>fails to start</span></a>', html)
    assert 'href="multi-stage.html#l4-1"><span class="slimlab-claim-id">L4.1</span></a>' in html


def test_the_top_results_are_the_three_smallest_shares_of_before_from_the_recorded_results(stubs: Path):
    shares = {}
    for folder in sorted((ROOT / "labs").glob("lab-*")):
        variants = results(folder.name)["variants"]
        shares[folder.name] = variants["after"]["size_bytes"] / variants["before"]["size_bytes"]
    expected = sorted(shares, key=shares.get)[:3]
    html = (stubs / "teaching-stub.html").read_text(encoding="utf-8")
    cards = re.findall(r'<div class="slimlab-top-result[^"]*">(.*?)</div>', html, re.S)
    assert len(cards) == 3
    assert [re.search(r'data-lab="([^"]+)"', card).group(1) for card in cards] == expected
    pages = [re.search(r'href="([^"#]+)\.html"', card).group(1) for card in cards]
    assert pages == [load(ROOT / "labs" / lab).page for lab in expected]


def test_a_wrong_lab_or_variant_fails_the_build_naming_what_exists(tmp_path: Path):
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("_build"))
    (tmp_path / "docs/bad-stub.rst").write_text(BAD, encoding="utf-8")
    done = build(tmp_path / "docs", tmp_path / "out", "-D", f"slimlab_labs={ROOT / 'labs'}")
    assert done.returncode != 0
    assert "headline: no lab 'lab-4-go-multistag'. Did you mean 'lab-4-go-multistage'?" in done.stderr
    assert "try-lab: no lab 'lab-2-layer'. Did you mean 'lab-2-layers'?" in done.stderr
    assert "headline: lab lab-4-go-multistage has no variant 'aftr'. Did you mean 'after'?" in done.stderr


def printed(page: Path, tmp_path: Path) -> tuple[int, list[int]]:
    """How many pages Chromium prints a built page on, and the size of the first, in points."""
    executable = chromium()
    if executable is None:
        pytest.skip("no chromium to print with: run `make test` (checks/setup/browser.sh) or set SLIMLAB_CHROMIUM")
    pdf = tmp_path / f"{page.stem}.pdf"
    subprocess.run(
        [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    data = pdf.read_bytes()
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert box, "the PDF names no page size"
    return len(re.findall(rb"/Type\s*/Page(?!s)", data)), [round(float(side)) for side in box.groups()]


def test_the_handout_prints_on_one_a4_page(stubs: Path, tmp_path: Path):
    pages, size = printed(stubs / "handout-stub.html", tmp_path)
    assert pages == 1, f"the handout prints on {pages} pages"
    assert size == [595, 842], "A4 is 595 x 842 points"


@pytest.mark.parametrize("edition", ["", *(f"{code}/" for code in TRANSLATIONS)])
def test_the_short_version_prints_on_one_a4_page_in_each_edition(built_guide: Path, tmp_path: Path, edition: str):
    short = built_guide / f"{edition}short.html"
    assert "slimlab-handout" in short.read_text(encoding="utf-8"), "the short version is marked as the handout"
    pages, size = printed(short, tmp_path)
    assert (pages, size) == (1, [595, 842]), f"{edition}short.html prints on {pages} pages of {size} points"
