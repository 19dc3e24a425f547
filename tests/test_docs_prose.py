"""No size or time in the guide's prose is typed by hand.

Every figure a page states must come from a ``:measured:`` role or a results
directive: their output carries a ``slimlab-`` class, so this test reads each
rendered page's article, leaves out what the extension generated (and code;
``tests/guide_prose.py`` reads the prose), and fails on any size, time,
percentage or ratio left in the words around it.
The few figures prose may state unmeasured are listed in ``UNMEASURED``, each
with the reason; the list is checked too, so it cannot outlive its text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from guide_prose import prose

ROOT = Path(__file__).resolve().parent.parent

#: A number followed by a unit of size or time, a percentage or a ratio: "12 GB", "1,000 bytes",
#: "3.5 s", "60-minute", "40%", "4×". Versions ("1.27.x", "3.13") have no unit and do not match.
FIGURE = re.compile(
    r"(?<![\w.,])\d+(?:[.,]\d+)*\s?-?"
    r"(?:[kKMGT]i?B|bytes?|B|ms|s|seconds?|min|minutes?|hours?|%|×|x|times)"
    r"(?![\w])"
)
#: The same in words: "tens of megabytes", "can double", "twice the size". A run of prose may say
#: these when it cites the claim that checks them (a link to a claim's anchor, ``#l2-16``).
WORDS = re.compile(r"\b(?:tens|hundreds|thousands) of (?:kilo|mega|giga)bytes\b|\bdoubles?\b|\btwice\b")
#: Figures that prose may state without a measurement, by page; the comment says why.
UNMEASURED: dict[str, frozenset[str]] = {
    # The note's supposed Go figures, quoted in its words and then set against lab 4's measurements.
    "original-note": frozenset({"50 MB", "1 KB", "1 MB", "100 KB", "50MB", "100KB", "1MB", "1KB"}),
    # The definition of the unit every size in the guide is written in; and what trusting the recording
    # machine's proxy CA adds to an image, measured once by comparing the stand-ins' and labs' recorded sizes
    # before and after the bases trusted it (rounded: the CA is that machine's, regenerated per machine).
    "measuring": frozenset({"1 MB", "1,000,000 bytes", "3 kB", "6 kB", "8 kB"}),
    # The same figures, and the size of a whole CA bundle an official image's copy would repeat.
    "standin-bases": frozenset({"3 kB", "6 kB", "8 kB", "200 kB"}),
    # slim's published figures for its Python 2.7 example app, quoted beside lab 6's measurements.
    "to-the-floor": frozenset({"60.7MB", "18.3MB", "916MB", "27.5MB"}),
    # The disk a run needs: README's measured figure, kept equal by the test below.
    "labs": frozenset({"12 GB", "7.5 GB", "3.9 GB"}),
    # A suggested agenda, not a measurement: the agenda table's minutes, added up by the test below.
    "instructor": frozenset({"60-minute"}),
}


def typed_figures(html: str) -> list[tuple[str, str]]:
    """Each (figure, the run of prose it sits in) that a page states outside what checks/guide generated."""
    return [
        (match.group(0), text)
        for text, cites in prose(html)
        for pattern in ((FIGURE,) if cites else (FIGURE, WORDS))
        for match in pattern.finditer(text)
    ]


def article(body: str) -> str:
    return f"<html><body><nav>4 MB menu</nav><article>{body}</article></body></html>"


@pytest.mark.parametrize(
    ("body", "figures"),
    [
        ("<p>The image is 57 MB and pulls in 1.2 s, 40% of the full one.</p>", ["57 MB", "1.2 s", "40%"]),
        ("<p>About 12 GB of disk and a 60-minute session, 4× faster.</p>", ["12 GB", "60-minute", "4×"]),
        ("<p>It leaves tens of megabytes and can double an install.</p>", ["tens of megabytes", "double"]),
        ('<p>It holds the base twice (<a href="layers.html#l2-16">L2.16</a>), 5 MB more.</p>', ["5 MB"]),
        ('<p>It is <span class="slimlab-measured">57.3 MB</span> on disk.</p>', []),
        ('<div class="slimlab-lab-results"><table><tr><td>1.06 GB</td></tr></table></div>', []),
        ('<table class="slimlab-note-table"><tr><td>about 50 MB</td></tr></table>', ["50 MB"]),
        ("<p>Run <code>head -c 1000000</code> or <pre>du -h: 5 MB</pre></p>", []),
        ("<p>Python 3.13 on Go 1.27.x, debian13, L3.10</p>", []),
    ],
    ids=["typed", "units", "words", "words-with-claim", "role", "directive", "authored-table", "code", "versions"],
)
def test_typed_figures_finds_sizes_and_times_only_in_hand_written_prose(body: str, figures: list[str]):
    assert [figure for figure, _ in typed_figures(article(body))] == figures


def test_no_page_types_a_size_or_a_time_that_no_measurement_gave(built_guide: Path):
    typed = [
        f"{html.stem}: {figure!r} in {text[:120]!r}"
        for html in sorted(built_guide.glob("*.html"))
        for figure, text in typed_figures(html.read_text(encoding="utf-8"))
        if figure not in UNMEASURED.get(html.stem, frozenset())
    ]
    assert not typed, (
        "these figures are typed, not measured: show them with a :measured: role or a results "
        "directive (or, for a quotation, add them to UNMEASURED with the reason):\n" + "\n".join(typed)
    )


def test_every_unmeasured_figure_still_occurs_on_its_page(built_guide: Path):
    for name, allowed in UNMEASURED.items():
        stated = {figure for figure, _ in typed_figures((built_guide / f"{name}.html").read_text(encoding="utf-8"))}
        assert allowed <= stated, f"{name}: no longer states {sorted(allowed - stated)}; drop them from UNMEASURED"


def _disk(text: str) -> list[str]:
    sentence = re.search(
        r"about (\d+ GB) of disk.*?showed (\d[\d.]* GB) of images and (\d[\d.]* GB)", text, re.S | re.I
    )
    assert sentence, "no disk figure found"
    return list(sentence.groups())


def test_the_disk_figure_on_the_labs_page_is_the_readmes(built_guide: Path):
    labs = " ".join(text for text, _ in prose((built_guide / "labs.html").read_text(encoding="utf-8")))
    assert _disk(labs) == _disk((ROOT / "README.md").read_text(encoding="utf-8"))


#: The agenda's stated length, in words, as minutes.
HOURS = {
    "two hours": 120,
    "two and a half hours": 150,
    "three hours": 180,
    "three and a half hours": 210,
    "four hours": 240,
    "four and a half hours": 270,
}


def test_the_agenda_minutes_add_up_to_what_the_instructor_page_says():
    source = (ROOT / "docs/instructor.rst").read_text(encoding="utf-8")
    table = source[source.index("* - Lab") : source.index("Allow about")]
    minutes = [int(m) for m in re.findall(r"^     - (\d+)$", table, re.M)]
    assert sum(minutes[:3]) <= 60, "labs 0 to 2 no longer fit the 60-minute session the page promises"
    stated = re.search(r"Allow about (.+?) with a break", source)
    assert stated, "the page no longer says how long the whole agenda takes"
    assert stated.group(1) in HOURS, f"add {stated.group(1)!r} to HOURS"
    # The labs' minutes plus a break of 15 to 30 minutes.
    assert 15 <= HOURS[stated.group(1)] - sum(minutes) <= 30, f"the labs take {sum(minutes)} minutes"
