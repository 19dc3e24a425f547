"""The hand-written prose of a built guide page, for the tests that read it as a reader does.

A page's article is read into runs of text, one per block (paragraph, list
item, table cell, heading...), leaving out what ``checks/guide`` generated
from the recorded results (every element with a ``slimlab-`` class the pages
do not give themselves) and code blocks.  Each run keeps its pieces: the text
of each piece, the link it sits in and whether it is inline code, so a test
can tell a word the reader is shown a link for from a bare one.  And each
run knows whether it comes before the page's evidence: the first element
with the class ``slimlab-evidence`` (:data:`checks.guide.evidence.EVIDENCE`:
the lab's figures, its claims, the exercise, what the tools point at).

``tests/test_docs_prose.py`` reads the runs without inline code for typed
figures; ``tests/test_docs_budget.py`` reads them with it for the prose budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from checks.guide.evidence import EVIDENCE

ROOT = Path(__file__).resolve().parent.parent

#: Elements whose text is never prose: code blocks and the browser's own content.
BLOCK_CODE = frozenset({"pre", "script", "style", "svg"})
#: Inline code: part of a sentence the reader reads, but never a figure typed by hand.
INLINE_CODE = frozenset({"code", "kbd", "samp"})
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
#: A link to a claim's anchor on a lab's page.
CLAIM_LINK = re.compile(r"#l\d+-\d+$")


@dataclass
class Piece:
    """Some text of a run, as one element shows it."""

    text: str
    #: The link it sits in, if any.
    href: str | None = None
    #: True for inline code (``code``, ``kbd``, ``samp``).
    code: bool = False


@dataclass
class Run:
    """The text of one block of hand-written prose."""

    pieces: list[Piece] = field(default_factory=list)
    #: True when it links to a claim's anchor.
    cites: bool = False
    #: True when it comes before the page's first evidence block.
    before_evidence: bool = True

    @property
    def text(self) -> str:
        return " ".join("".join(piece.text for piece in self.pieces).split())


class Prose(HTMLParser):
    """The prose of a page's article: its text runs, without generated content or code blocks.

    With ``inline_code`` False, inline code is left out too (as for typed figures); ``skip`` names more classes
    whose content is not prose (a code block's caption is a file name, not a sentence), and ``shown`` the
    generated classes that read as part of the sentence around them (a measured value, a claim's link).
    """

    def __init__(
        self, *, inline_code: bool = False, skip: frozenset[str] = frozenset(), shown: frozenset[str] = frozenset()
    ) -> None:
        super().__init__()
        self.runs: list[Run] = [Run()]
        self.evidence_seen = False
        self._inline_code = inline_code
        self._skip = skip
        self._shown = AUTHORED | shown
        self._open: list[tuple[str, bool, bool, str | None, bool]] = []
        self._hidden = 0
        self._articles = 0

    def _new_run(self) -> None:
        self.runs.append(Run(before_evidence=not self.evidence_seen))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if self._articles and EVIDENCE in classes:
            self.evidence_seen = True
        href = attributes.get("href") if tag == "a" else None
        if href and CLAIM_LINK.search(href):
            self.runs[-1].cites = True
        code = tag in INLINE_CODE
        hidden = (
            tag in BLOCK_CODE
            or (code and not self._inline_code)
            or any(c.startswith("slimlab-") and c not in self._shown for c in classes)
            or any(c in self._skip for c in classes)
        )
        article = tag == "article"
        self._open.append((tag, hidden, article, href, code))
        self._hidden += hidden
        self._articles += article
        if tag in BLOCKS:
            self._new_run()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self._open:
            name, hidden, article, _href, _code = self._open.pop()
            self._hidden -= hidden
            self._articles -= article
            if name == tag:
                break
        if tag in BLOCKS:
            self._new_run()

    def handle_data(self, data: str) -> None:
        if self._articles and not self._hidden:
            href = next((h for _t, _h, _a, h, _c in reversed(self._open) if h is not None), None)
            code = any(c for *_rest, c in self._open)
            self.runs[-1].pieces.append(Piece(data, href, code))


def runs(
    html: str, *, inline_code: bool = False, skip: frozenset[str] = frozenset(), shown: frozenset[str] = frozenset()
) -> list[Run]:
    """A page's runs of hand-written prose, the empty ones left out (see :class:`Prose` for the options)."""
    parser = Prose(inline_code=inline_code, skip=skip, shown=shown)
    parser.feed(html)
    return [run for run in parser.runs if run.text]


def prose(html: str) -> list[tuple[str, bool]]:
    """A page's runs of hand-written prose without inline code, each with whether it cites a claim."""
    return [(run.text, run.cites) for run in runs(html)]


def has_evidence(html: str) -> bool:
    """Whether the page's article holds an evidence block at all."""
    parser = Prose()
    parser.feed(html)
    return parser.evidence_seen
