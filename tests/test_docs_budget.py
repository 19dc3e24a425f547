"""The prose budget of a technique page: the advice first and short, the machinery out of the teaching.

On each technique page of the built English guide, the teaching prose is the
hand-written prose of its article (``tests/guide_prose.py``: what the guide
generates from the recorded results, code blocks and code captions left out;
inline code counted, as the reader reads it).  The page's evidence starts at
the first element with the class ``slimlab-evidence``: the lab's figures
(``lab-results``), its claims, the exercise, or the list of what the analysis
and the linter point at.  A page with none has no evidence, and all of its
teaching prose counts.  The budget:

- at most :data:`WORDS_BEFORE_EVIDENCE` words of teaching prose before the
  evidence (Docker's multi-stage page has about 600);
- at most :data:`LONG_SHARE` of its sentences longer than :data:`LONG_WORDS`
  words, over all of its teaching prose;
- none of the machinery of :data:`NEVER` in its teaching prose, and none of
  slimlab's own words of :data:`INTRODUCED` before the page has linked one to
  the glossary (or to the page that explains it).

Every technique page keeps to it.  ``python tests/test_docs_budget.py [HTML]``
prints each page's figures for a built guide (default ``docs/_build/html``),
so a writer sees where a page's words go before the test does.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

if __name__ == "__main__":  # run as a script: the checker and the helpers of this checkout
    sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]
from guide_prose import ROOT, Run, has_evidence, runs

#: The technique pages: those that teach one way to make an image smaller.
TECHNIQUE_PAGES = (
    "base-images",
    "layers",
    "only-what-runs",
    "multi-stage",
    "multi-stage-python",
    "node",
    "java",
    "pull-speed",
    "updates",
    "to-the-floor",
    "reproducible",
    "beyond",
    "your-image",
)
WORDS_BEFORE_EVIDENCE = 900
LONG_WORDS = 35
LONG_SHARE = 0.05

#: Not prose: the file name a code block shows above itself.
SKIP = frozenset({"code-block-caption"})
#: Generated, yet read as part of the sentence: a measured value, a link to a claim (its words, or its bare id).
SHOWN = frozenset({"slimlab-measured", "slimlab-claim-link", "slimlab-claim-id"})


def checker_constants() -> frozenset[str]:
    """The upper-case names the checker's code defines (``LAYER_SLACK``), but for those a lab's Dockerfile uses
    too (``SOURCE_DATE_EPOCH`` is the reader's business): naming one tells the reader how slimlab works inside."""
    names = set()
    for path in (ROOT / "checks").rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            names |= {
                t.id for t in targets if isinstance(t, ast.Name) and re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+", t.id)
            }
    dockerfiles = " ".join(path.read_text(encoding="utf-8") for path in (ROOT / "labs").glob("*/*Dockerfile*"))
    return frozenset(name for name in names if name not in dockerfiles)


#: Machinery that never belongs in teaching prose, each with why: it lives on the reference, measuring or
#: stand-in pages, which a teaching page links once.
NEVER: dict[str, re.Pattern[str]] = {
    # the checker's settings: the reference page lists them
    "a SLIMLAB_ setting": re.compile(r"\bSLIMLAB_\w*"),
    # where code lives is for contributors (DEVELOPERS.md), not for a reader making an image smaller
    "a module path": re.compile(r"\bchecks[/.][a-z_]+"),
    # a name from the checker's code (LAYER_SLACK): how slimlab judges, not what the reader does
    "a name from the checker's code": re.compile(r"\b(?:" + "|".join(sorted(checker_constants())) + r")\b"),
    # the recorded measurement's file: the measuring page says where figures come from
    "results.json": re.compile(r"\bresults\.json\b"),
    # a claim's id: teaching prose links a claim in its own words (:claim:`fails to start <L4.9>`)
    "a bare claim id": re.compile(r"\bL\d+\.\d+\b"),
    # the machine that measured: the measuring page describes it
    "this machine": re.compile(r"\bthis (?:build )?machine\b", re.I),
}

#: slimlab's own words, each with the links that introduce it: the glossary's entry, or the page that explains
#: it.  A page may use the word once it has linked one occurrence; before that, the reader has no way to know it.
INTRODUCED: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    "variant": (re.compile(r"\bvariants?\b", re.I), ("glossary.html#term-variant",)),
    "claim": (re.compile(r"\bclaims?\b", re.I), ("glossary.html#term-claim",)),
    "smoke test": (re.compile(r"\bsmoke[- ]tests?\b", re.I), ("glossary.html#term-smoke-test",)),
    "runtime floor": (
        re.compile(r"\bruntime floors?\b", re.I),
        ("glossary.html#term-runtime-floor", "measuring.html#runtime-floor"),
    ),
    "stand-in": (re.compile(r"\bstand-ins?\b", re.I), ("glossary.html#term-stand-in", "standin-bases.html")),
    "the source note": (
        re.compile(r"\b(?:the )?source note\b", re.I),
        ("glossary.html#term-the-source-note", "original-note.html"),
    ),
}

#: Where a sentence ends: a full stop, question or exclamation mark, then the next one's capital or figure.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“(]?[A-Z0-9])")
#: A word: letters or digits, joined by an apostrophe, a hyphen or a dot ("don't", "stand-in", "6.3").
WORD = re.compile(r"\w+(?:[.'\u2019-]\w+)*")


@dataclass(frozen=True)
class Hit:
    """Machinery in a page's teaching prose: what it is, and the words around it."""

    what: str
    context: str


@dataclass(frozen=True)
class Budget:
    """What a page spends: its teaching words before the evidence, its sentences, its machinery."""

    page: str
    words_before_evidence: int
    has_evidence: bool
    sentences: int
    long_sentences: tuple[str, ...]
    hits: tuple[Hit, ...]

    @property
    def long_share(self) -> float:
        return len(self.long_sentences) / self.sentences if self.sentences else 0.0

    def problems(self) -> list[str]:
        found = []
        if self.words_before_evidence > WORDS_BEFORE_EVIDENCE:
            found.append(f"{self.words_before_evidence} words before the evidence (at most {WORDS_BEFORE_EVIDENCE})")
        if self.long_share > LONG_SHARE:
            found.append(
                f"{self.long_share:.0%} of {self.sentences} sentences over {LONG_WORDS} words "
                f"(at most {LONG_SHARE:.0%})"
            )
        if self.hits:
            found.append(f"{len(self.hits)} machinery words in the teaching prose")
        return found

    def report(self) -> str:
        before = "before the evidence" if self.has_evidence else "in all (no evidence block on the page)"
        lines = [
            (
                f"{self.page}: {self.words_before_evidence} words {before}; "
                f"{len(self.long_sentences)} of {self.sentences} sentences over {LONG_WORDS} words "
                f"({self.long_share:.0%}); {len(self.hits)} machinery words"
            )
        ]
        lines += [f"  long ({len(WORD.findall(s))} words): {s[:100]}..." for s in self.long_sentences]
        lines += [f"  {hit.what}: ...{hit.context}..." for hit in self.hits]
        return "\n".join(lines)


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text) if WORD.search(s)]


def context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 40) : end + 40].split())


def leads_to(href: str, link: str) -> bool:
    """Whether a link leads to a page (``standin-bases.html``, any place on it) or a place (``...#term-claim``)."""
    page, _, place = link.partition("#")
    there, _, anchor = href.partition("#")
    return there.endswith(page) and place in ("", anchor)


def machinery(found: list[Run]) -> list[Hit]:
    """The machinery words of a page's teaching prose, in reading order."""
    hits: list[Hit] = []
    introduced: set[str] = set()
    for run in found:
        text = "".join(piece.text for piece in run.pieces)
        for what, pattern in NEVER.items():
            hits += [Hit(what, context(text, m.start(), m.end())) for m in pattern.finditer(text)]
        offset = 0
        for piece in run.pieces:
            for word, (pattern, introductions) in INTRODUCED.items():
                for m in pattern.finditer(piece.text):
                    if piece.href and any(leads_to(piece.href, link) for link in introductions):
                        introduced.add(word)
                    elif word not in introduced:
                        hits.append(
                            Hit(
                                f"'{word}' before a link introduces it",
                                context(text, offset + m.start(), offset + m.end()),
                            )
                        )
            offset += len(piece.text)
    return hits


def budget(page: str, html: str) -> Budget:
    found = runs(html, inline_code=True, skip=SKIP, shown=SHOWN)
    all_sentences = [s for run in found for s in sentences(run.text)]
    return Budget(
        page=page,
        words_before_evidence=sum(len(WORD.findall(run.text)) for run in found if run.before_evidence),
        has_evidence=has_evidence(html),
        sentences=len(all_sentences),
        long_sentences=tuple(s for s in all_sentences if len(WORD.findall(s)) > LONG_WORDS),
        hits=tuple(machinery(found)),
    )


# The rules, on small pages made up here: each must find what it is for, and only that.


def page(body: str) -> str:
    return f'<html><body><nav>SLIMLAB_X variant</nav><article role="main">{body}</article></body></html>'


EVIDENCE_BLOCK = '<div class="slimlab-lab-results slimlab-evidence"><p>results.json L4.1 1.2 MB</p></div>'


def test_words_are_counted_up_to_the_first_evidence_block_and_not_in_it():
    spent = budget(
        "p", page("<h1>Use one stage</h1><p>Build here and ship there.</p>" + EVIDENCE_BLOCK + "<p>After it.</p>")
    )
    assert spent.words_before_evidence == 3 + 5
    assert spent.has_evidence
    assert spent.hits == ()


def test_a_page_without_evidence_counts_every_word():
    spent = budget("p", page("<p>One two three.</p><p>Four <code>five</code>.</p>"))
    assert (spent.words_before_evidence, spent.has_evidence) == (5, False)


def test_code_blocks_and_their_captions_are_not_prose():
    html = page('<div class="code-block-caption"><span>labs/lab-4/after.Dockerfile</span></div><pre>RUN x y z</pre>')
    assert budget("p", html).words_before_evidence == 0


def test_a_sentence_over_the_limit_is_long_and_the_share_is_over_all_sentences():
    long = "word " * (LONG_WORDS + 1)
    spent = budget("p", page(f"<p>{long.strip()}. Short one here. And another.</p>"))
    assert spent.sentences == 3
    assert len(spent.long_sentences) == 1
    assert spent.problems() == [f"33% of 3 sentences over {LONG_WORDS} words (at most 5%)"]


@pytest.mark.parametrize(
    ("prose", "what"),
    [
        ("<p>Set <code>SLIMLAB_PULL_RUNS</code> to three.</p>", "a SLIMLAB_ setting"),
        (
            "<p>It is <code>LAYER_SLACK</code> in <code>checks/model/measured.py</code>.</p>",
            "a name from the checker's code",
        ),
        ("<p>The recorded <code>results.json</code> says so.</p>", "results.json"),
        ("<p>It fails to start (L4.9).</p>", "a bare claim id"),
        (
            (
                '<p>It fails (<a class="slimlab-claim-link" href="#l4-9">'
                '<span class="slimlab-claim-id">L4.9</span></a>).</p>'
            ),
            "a bare claim id",
        ),
        ("<p>On this machine's two cores it takes long.</p>", "this machine"),
    ],
    ids=["setting", "constant", "results", "claim-id", "claim-link", "machine"],
)
def test_machinery_in_teaching_prose_is_found_with_its_context(prose: str, what: str):
    hits = budget("p", page(prose)).hits
    assert what in [hit.what for hit in hits]


def test_a_name_a_lab_dockerfile_uses_is_the_readers_business():
    assert "SOURCE_DATE_EPOCH" not in checker_constants()
    assert "LAYER_SLACK" in checker_constants()


def test_a_claim_linked_in_its_own_words_shows_no_id_and_measured_values_count_as_words():
    html = page(
        '<p>It <a class="slimlab-claim-link" href="#l4-9"><span>fails to start</span></a> at '
        '<span class="slimlab-measured">6.3 MB</span>.</p>'
    )
    spent = budget("p", html)
    assert spent.hits == ()
    assert spent.words_before_evidence == 7


def test_slimlabs_own_word_is_fine_once_a_link_has_introduced_it():
    linked = '<p>The <a href="glossary.html#term-variant">variant</a> builds. Each variant differs.</p>'
    assert budget("p", page(linked)).hits == ()
    bare = "<p>Each variant differs.</p>" + linked
    (hit,) = budget("p", page(bare)).hits
    assert hit.what == "'variant' before a link introduces it"
    assert "Each variant differs" in hit.context


def test_a_stand_in_may_be_introduced_by_a_link_to_its_own_page():
    html = page('<p>Built on a <a href="standin-bases.html#base-x">stand-in</a>; the stand-in differs.</p>')
    assert budget("p", html).hits == ()


def test_every_word_slimlab_introduces_has_its_glossary_entry(built_guide: Path):
    glossary = (built_guide / "glossary.html").read_text(encoding="utf-8")
    for word, (_pattern, introductions) in INTRODUCED.items():
        entry = introductions[0].split("#")[1]
        assert f'id="{entry}"' in glossary, word


def test_every_technique_page_exists(built_guide: Path):
    for name in TECHNIQUE_PAGES:
        assert (built_guide / f"{name}.html").is_file(), name


@pytest.mark.parametrize("name", TECHNIQUE_PAGES)
def test_a_technique_page_keeps_to_its_prose_budget(built_guide: Path, name: str):
    spent = budget(name, (built_guide / f"{name}.html").read_text(encoding="utf-8"))
    print(spent.report())
    assert not spent.problems(), spent.report()


def main(folder: Path) -> None:
    """Print every technique page's figures from a built guide."""
    for name in TECHNIQUE_PAGES:
        spent = budget(name, (folder / f"{name}.html").read_text(encoding="utf-8"))
        mark = "ok  " if not spent.problems() else "over"
        print(f"{mark} {spent.report()}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs/_build/html")
