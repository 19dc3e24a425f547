"""No size or time in the guide's prose is typed by hand.

Every figure a page states must come from a ``:measured:`` role or a results
directive: their output carries a ``slimlab-`` class, so this test reads each
rendered page's article, leaves out what the extension generated (and code),
and fails on any size, time, percentage or ratio left in the words around it.
The few figures prose may state unmeasured are listed in ``UNMEASURED``, each
with the reason; the list is checked too, so it cannot outlive its text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Elements whose text is never prose: code and the browser's own content.
CODE = frozenset({"pre", "code", "kbd", "samp", "script", "style", "svg"})
#: Classes the pages give their own hand-written content (the ``:class:`` options in docs/); every
#: other ``slimlab-`` class marks content that checks/guide generated from the recorded results.
AUTHORED = frozenset(
    name
    for source in (ROOT / "docs").glob("*.rst")
    for option in re.findall(r"^\s*:class: (.+)$", source.read_text(encoding="utf-8"), re.M)
    for name in option.split()
)
#: Elements that never have an end tag.
VOID = frozenset({"area", "base", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"})
#: Elements that end a run of prose (a figure never spans two of them).
BLOCKS = frozenset({"p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "div", "section", "caption"})

#: A number followed by a unit of size or time, a percentage or a ratio: "12 GB", "1,000 bytes",
#: "3.5 s", "60-minute", "40%", "4×". Versions ("1.24.x", "3.13") have no unit and do not match.
FIGURE = re.compile(
    r"(?<![\w.,])\d+(?:[.,]\d+)*\s?-?"
    r"(?:[kKMGT]i?B|bytes?|B|ms|s|seconds?|min|minutes?|hours?|%|×|x|times)"
    r"(?![\w])"
)
#: The same in words: "tens of megabytes", "can double", "twice the size". A run of prose may say
#: these when it cites the claim that checks them (a link to a claim's anchor, ``#l2-16``).
WORDS = re.compile(r"\b(?:tens|hundreds|thousands) of (?:kilo|mega|giga)bytes\b|\bdoubles?\b|\btwice\b")
#: A link to a claim's anchor on a lab's page.
CLAIM_LINK = re.compile(r"#l\d+-\d+$")

#: Figures that prose may state without a measurement, by page; the comment says why.
UNMEASURED: dict[str, frozenset[str]] = {
    # The note's supposed Go figures, quoted in its words and then set against lab 4's measurements.
    "original-note": frozenset({"50 MB", "1 KB", "1 MB", "100 KB", "50MB", "100KB", "1MB", "1KB"}),
    # The definition of the unit every size in the guide is written in.
    "measuring": frozenset({"1 MB", "1,000,000 bytes"}),
    # slim's published figures for its Python 2.7 example app, quoted beside lab 6's measurements.
    "to-the-floor": frozenset({"60.7MB", "18.3MB", "916MB", "27.5MB"}),
    # The disk a run needs: README's measured figure, kept equal by the test below.
    "labs": frozenset({"12 GB", "7.5 GB", "3.9 GB"}),
    # A suggested agenda, not a measurement: the agenda table's minutes, added up by the test below.
    "instructor": frozenset({"60-minute"}),
}


class Prose(HTMLParser):
    """The prose of a page's article: its text runs, without generated content or code."""

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[str] = [""]
        #: The indexes of the runs that link to a claim.
        self.citing: set[int] = set()
        self._open: list[tuple[str, bool, bool]] = []
        self._hidden = 0
        self._articles = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "a" and CLAIM_LINK.search(attributes.get("href") or ""):
            self.citing.add(len(self.runs) - 1)
        hidden = tag in CODE or any(c.startswith("slimlab-") and c not in AUTHORED for c in classes)
        article = tag == "article"
        self._open.append((tag, hidden, article))
        self._hidden += hidden
        self._articles += article
        if tag in BLOCKS:
            self.runs.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self._open:
            name, hidden, article = self._open.pop()
            self._hidden -= hidden
            self._articles -= article
            if name == tag:
                break
        if tag in BLOCKS:
            self.runs.append("")

    def handle_data(self, data: str) -> None:
        if self._articles and not self._hidden:
            self.runs[-1] += data


def prose(html: str) -> list[tuple[str, bool]]:
    """A page's runs of hand-written prose, white space collapsed, each with whether it cites a claim."""
    parser = Prose()
    parser.feed(html)
    return [(" ".join(run.split()), i in parser.citing) for i, run in enumerate(parser.runs) if run.strip()]


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
        ("<p>Python 3.13 on Go 1.24.x, debian13, L3.10</p>", []),
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
