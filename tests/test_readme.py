"""README.md is for a newcomer, CONTRIBUTING.md for everything else: the budgets that keep the README short.

The README's first screen gets a newcomer from a clone to a graded lab; the
timings, settings, exit codes and the checker's machinery live in
CONTRIBUTING.md.  These tests hold the README to its budgets (words in all,
in a paragraph, in a table cell), hold CONTRIBUTING.md to the same paragraph
and cell budgets, keep every figure the README states equal to the
measurement CONTRIBUTING.md records, and check the links and the screenshot
both files name.  Run them with ``-s`` to see the figures.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"

#: The README in all, a paragraph (or list item) and a table cell, in words as ``wc -w`` counts them.
README_WORDS = 1200
PARAGRAPH_WORDS = 120
CELL_WORDS = 60
#: The screenshot the README shows, in bytes: a small PNG, not a page's worth of download.
SCREENSHOT_BYTES = 150_000

#: A duration as the timings write it ("991 s (16.5 min)", "4.22 s", "12 min 59 s"), and a date.
DURATION = re.compile(r"\b\d+ min \d+ s\b|\b\d+(?:\.\d+)? s\b(?: \(\d+(?:\.\d+)? min\))?")
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
#: A list item: it reads as a paragraph of its own.
ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s")


def words(text: str) -> int:
    return len(text.split())


def blocks(markdown: str) -> tuple[list[str], list[str]]:
    """The paragraphs (a list item is one) and the table cells of ``markdown``, code blocks left out."""
    paragraphs: list[str] = []
    cells: list[str] = []
    current: list[str] = []
    fenced = False

    def end() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for line in markdown.splitlines():
        if line.startswith("```"):
            end()
            fenced = not fenced
        elif fenced:
            continue
        elif line.startswith("|"):
            end()
            row = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
            if not all(set(cell) <= set("-: ") for cell in row):
                cells.extend(row)
        elif not line.strip() or line.startswith("#") or ITEM.match(line):
            end()
            if line.strip() and not line.startswith("#"):
                current.append(line.strip())
        else:
            current.append(line.strip())
    end()
    return paragraphs, cells


def longest(texts: list[str]) -> tuple[int, str]:
    text = max(texts, key=words)
    return words(text), " ".join(text.split()[:8])


def report(path: Path) -> tuple[int, tuple[int, str], tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    paragraphs, cells = blocks(text)
    figures = words(text), longest(paragraphs), longest(cells or [""])
    total, (paragraph, starts), (cell, cell_starts) = figures
    print(
        f"{path.name}: {total} words; longest paragraph {paragraph} words ({starts} ...); "
        f"longest table cell {cell} words ({cell_starts} ...)"
    )
    return figures


def test_blocks_are_paragraphs_list_items_and_cells_without_code():
    paragraphs, cells = blocks(
        "# Title\n\nOne two\nthree.\n\n- an item\n  going on\n- another\n\n"
        "```console\n$ make test   # not prose\n```\n\n| a | b c |\n| --- | --- |\n| `x \\| y` | d |\n"
    )
    assert paragraphs == ["One two three.", "- an item going on", "- another"]
    assert cells == ["a", "b c", "`x \\| y`", "d"]


def test_the_readme_fits_its_budgets():
    total, (paragraph, starts), (cell, cell_starts) = report(README)
    assert total <= README_WORDS, f"README.md is {total} words, over {README_WORDS}: move detail to CONTRIBUTING.md"
    assert paragraph <= PARAGRAPH_WORDS, f"a README paragraph is {paragraph} words ({starts} ...)"
    assert cell <= CELL_WORDS, f"a README table cell is {cell} words ({cell_starts} ...)"


def test_contributing_keeps_its_paragraphs_and_cells_readable():
    _, (paragraph, starts), (cell, cell_starts) = report(CONTRIBUTING)
    assert paragraph <= PARAGRAPH_WORDS, f"a CONTRIBUTING.md paragraph is {paragraph} words ({starts} ...): split it"
    assert cell <= CELL_WORDS, f"a CONTRIBUTING.md table cell is {cell} words ({cell_starts} ...): split it"


def test_the_readme_shows_the_two_commands():
    commands = re.findall(r"^\$ (make \w+)", README.read_text(encoding="utf-8"), re.M)
    assert {"make check", "make test"} <= set(commands)


def test_every_time_and_date_the_readme_states_is_one_contributing_records():
    readme = README.read_text(encoding="utf-8")
    recorded = CONTRIBUTING.read_text(encoding="utf-8")
    stated = DURATION.findall(readme) + DATE.findall(readme)
    assert DURATION.search(readme), "the README says how long the two commands take"
    assert DATE.search(readme), "the README says when each time was measured"
    assert [figure for figure in stated if figure not in recorded] == []


def anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives a file's headings."""
    headings = re.findall(r"^#+ (.+)$", markdown, re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("path", [README, CONTRIBUTING], ids=lambda p: p.name)
def test_every_link_to_a_file_or_section_of_the_repository_resolves(path: Path):
    text = path.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)|src=\"([^\"]+)\"", text)
    local = [a or b for a, b in targets if not re.match(r"[a-z]+:", a or b)]
    assert local, f"{path.name} links to nothing in the repository"
    for target in local:
        file, _, anchor = target.partition("#")
        linked = (path.parent / file) if file else path
        assert linked.exists(), f"{path.name} links to {file}, which does not exist"
        if anchor and linked.suffix == ".md":
            assert anchor in anchors(linked.read_text(encoding="utf-8")), f"{path.name}: no section #{anchor}"


def test_every_page_of_the_guide_the_readme_names_is_a_page_of_docs():
    # An edition's page (zh_CN/index) is its English page's twin.
    named = re.findall(r"docs/_build/html/(?:zh_CN/)?([\w-]+)\.html", README.read_text(encoding="utf-8"))
    assert named, "the README's learner's path opens a page of the guide"
    sources = {path.with_suffix("").relative_to(ROOT / "docs").as_posix() for path in (ROOT / "docs").glob("*.*")}
    assert [page for page in named if page not in sources] == []


def test_the_screenshot_the_readme_shows_is_a_small_png():
    (shown,) = re.findall(r"src=\"([^\"]+\.png)\"", README.read_text(encoding="utf-8"))
    picture = (ROOT / shown).read_bytes()
    print(f"{shown}: {len(picture):,} bytes")
    assert picture.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(picture) <= SCREENSHOT_BYTES, f"{shown} is {len(picture):,} bytes: retake it (CONTRIBUTING.md)"
