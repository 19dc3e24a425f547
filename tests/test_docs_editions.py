"""Both editions of the guide, from the built HTML: every page has its twin, with the same measured figures.

No Docker: the guide is built once per session (conftest.built_guide) as
``make html`` builds it, English at the root and each translation in its own
folder.  A Chinese page's numbers come from the same ``:measured:`` roles and
results directives as the English page's, so the two must show the same bytes.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, TRANSLATIONS
from test_docs_build import page

from checks.guide import chrome, sphinxref
from checks.guide.measuredfields import FIELDS

PAGES = sorted(p.stem for p in [*(ROOT / "docs").glob("*.rst"), *(ROOT / "docs").glob("*.md")])
CJK = re.compile(r"[\u4e00-\u9fff]")
#: A figure and its unit as a measured value shows it: ``6.2 MB``, ``0.66%``, ``1.0×``, ``3.21 s``, ``2 layers``.
FIGURE = re.compile(r"-?\d[\d,.]*\s*(?:MB|GB|kB|B|%|×|s\b)?")
#: The share of Chinese among the letters of a page's text, at least.
CHINESE_SHARE = 0.3


class Prose(HTMLParser):
    """The text of a page's article, without code, and every link of the language switcher."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.switcher: list[dict[str, str]] = []
        self.lang = ""
        self._depth = {"article": 0, "pre": 0, "code": 0, "nav": 0}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = attributes.get("lang", "")
        if tag == "nav" and "slimlab-editions" in attributes.get("class", ""):
            self._depth["nav"] += 1
        elif tag in self._depth and tag != "nav":
            self._depth[tag] += 1
        if self._depth["nav"] and tag in ("a", "span") and "slimlab-edition" in attributes.get("class", ""):
            self.switcher.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if self._depth.get(tag):
            self._depth[tag] -= 1

    def handle_data(self, data: str) -> None:
        if self._depth["article"] and not self._depth["pre"] and not self._depth["code"]:
            self.text.append(data)


def prose(path: Path) -> Prose:
    parser = Prose()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def figures(site: Path, name: str) -> list[tuple[str, ...]]:
    """Every measured value a page shows: which lab, variant and field, and the figures in its text, sorted.

    Only the figures: a value may carry a word ("1 finding", "none") that its edition translates, and Chinese
    says a factor in its own words (``82 倍`` for ``82×``, ``1/152`` for "152× smaller").
    """
    return sorted(
        (s.get("data-lab", ""), s.get("data-variant", ""), s.get("data-field", ""), *FIGURE.findall(factors(s["text"])))
        for s in page(site, name).found
    )


def factors(text: str) -> str:
    """A factor as the English edition writes it: ``82 倍`` and ``1/152`` as ``82×`` and ``152×``."""
    return re.sub(r"^1/(\d[\d.]*)$", r"\1×", re.sub(r"(\d) 倍", r"\1×", text))


def test_the_makefile_builds_every_translated_edition():
    found = re.search(r"^EDITIONS\s*:=\s*(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert found, "the Makefile names the editions it builds after English in EDITIONS"
    assert tuple(found.group(1).split()) == TRANSLATIONS


@pytest.mark.parametrize("code", TRANSLATIONS)
@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_a_translated_twin_with_the_same_measured_figures(built_guide: Path, code: str, name: str):
    english, translated = built_guide, built_guide / code
    assert (translated / f"{name}.html").is_file(), f"{code}/{name}.html was not built"
    shown = figures(english, name)
    assert figures(translated, name) == shown, f"{code}/{name}.html shows other figures than {name}.html"


@pytest.mark.parametrize("code", TRANSLATIONS)
@pytest.mark.parametrize("name", PAGES)
def test_a_translated_page_reads_in_its_language_with_no_markup_left_in_the_text(
    built_guide: Path, code: str, name: str
):
    found = prose(built_guide / code / f"{name}.html")
    assert found.lang == code.replace("_", "-")
    text = " ".join(found.text)
    letters = re.findall(r"[A-Za-z\u4e00-\u9fff]", text)
    share = len(CJK.findall(text)) / max(1, len(letters))
    least = CHINESE_SHARE
    assert share > least, f"{code}/{name}.html is mostly untranslated: {share:.0%} of its letters are Chinese"
    # Inline markup touching a CJK character is not recognised by reStructuredText and shows up as text.
    leftover = re.findall(r".{0,25}(?:``|:[a-z-]+:`|`_)(?:.{0,25})", text)
    assert not leftover, f"{code}/{name}.html shows markup as text (a space missing around it?): {leftover[:5]}"


@pytest.mark.parametrize("name", ["index", "layers"])
def test_the_switcher_on_each_edition_leads_to_the_same_page_of_the_other(built_guide: Path, name: str):
    for here, folder in [("en", built_guide), *((code, built_guide / code) for code in TRANSLATIONS)]:
        found = prose(folder / f"{name}.html")
        current = [s for s in found.switcher if s.get("aria-current") == "page"]
        assert [s["lang"] for s in current] == [here.replace("_", "-")]
        links = [s for s in found.switcher if "href" in s]
        assert len(links) == len(TRANSLATIONS)
        for link in links:
            target = (folder / link["href"]).resolve()
            assert target.is_file(), f"{folder.name}/{name}.html links {link['href']}, which does not exist"
            assert target.name == f"{name}.html"
            assert prose(target).lang == link["hreflang"]


def test_a_claims_statement_and_hint_are_translated_on_the_chinese_page(built_guide: Path):
    html = (built_guide / "zh_CN" / "multi-stage.html").read_text(encoding="utf-8")
    english = (built_guide / "multi-stage.html").read_text(encoding="utf-8")
    block = re.search(r'id="l4-1".*?</div>\s*</div>', html, re.S)
    assert block, "the claim L4.1 has its section on the Chinese multi-stage page"
    assert CJK.search(re.sub("<[^>]+>", "", block.group(0)))
    assert "at most 2% of the size of the single-stage one" in english
    assert "at most 2% of the size of the single-stage one" not in html


def article_text(path: Path) -> str:
    """A page's article as a reader reads it: tags gone, code blocks left out, white space made single."""
    article = re.search(r"<article.*?</article>", path.read_text(encoding="utf-8"), re.S)
    assert article, f"{path} has no article"
    text = re.sub(r"<pre.*?</pre>", " ", article.group(0), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def rendered(message: str) -> str:
    """A reference message as its page shows it: literals without their backticks."""
    return " ".join(message.replace("``", "").split())


@pytest.mark.parametrize("code", TRANSLATIONS)
def test_the_words_of_every_reference_table_are_translated_where_a_page_shows_them(built_guide: Path, code: str):
    """Claim kinds, lab.toml and results.json keys, :measured: fields, secret rules, hadolint's rules, base.toml."""
    english = {name: article_text(built_guide / f"{name}.html") for name in PAGES}
    translated = {name: article_text(built_guide / code / f"{name}.html") for name in PAGES}
    seen, left = [], []
    for message in sphinxref.messages(ROOT / "checks" / "bases"):
        shown = rendered(message.english)
        if len(shown.split()) < 3:  # a word (string, none) may stand in a sentence of any page
            continue
        pages = [name for name, text in english.items() if shown in text]
        seen += [message.context] if pages else []
        left += [f"{code}/{name}.html [{message.context}] {shown[:70]}" for name in pages if shown in translated[name]]
    assert len(seen) > 300, "the English pages no longer show the reference messages as this test reads them"
    assert not left, f"{len(left)} reference messages are English on Chinese pages:\n" + "\n".join(left[:20])


@pytest.mark.parametrize("code", TRANSLATIONS)
def test_a_measured_values_tooltip_says_what_it_is_in_the_pages_language(built_guide: Path, code: str):
    english_words = {f.help.split(" (")[0].replace(", once recorded", "").replace("`", "") for f in FIELDS.values()}

    def tooltips(folder: Path) -> list[str]:
        found = []
        for name in PAGES:
            text = (folder / f"{name}.html").read_text(encoding="utf-8")
            found += [html.unescape(t) for t in re.findall(r'class="slimlab-measured[^"]*"[^>]*title="([^"]*)"', text)]
        return found

    shown = tooltips(built_guide)
    assert any(t.split(" — ")[0] in english_words for t in shown), "the English tooltips are read as this test reads"
    left = sorted({t for t in tooltips(built_guide / code) if t.split(" — ")[0] in english_words})
    assert not left, f"tooltips of measured values still in English on {code} pages: {left[:5]}"


@pytest.mark.parametrize("code", TRANSLATIONS)
def test_the_generated_lists_and_labels_use_the_editions_punctuation(built_guide: Path, code: str):
    """A claim kind's users and a size fix's title: ", " and ": " in English, 、 and ： in Chinese."""

    def pieces(folder: Path) -> list[str]:
        found = []
        for name in ("reference", "layers", "only-what-runs"):
            page_html = (folder / f"{name}.html").read_text(encoding="utf-8")
            blocks = re.findall(
                r'<p class="slimlab-used-by">.*?</p>|class="slimlab-size-fix".*?</div>', page_html, re.S
            )
            found += [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]
        return found

    english = pieces(built_guide)
    assert sum(", " in piece for piece in english) > 10, "the English lists are read as this test reads them"
    assert sum(": " in piece for piece in english) > 10, "the English labels are read as this test reads them"
    left = [piece[:60] for piece in pieces(built_guide / code) if ", " in piece or ": " in piece]
    assert not left, f"half-width list or label punctuation on {code} pages: {left[:5]}"
    # which labs used a stand-in: "lab-1-base-image (this stand-in)." ends a sentence the edition's way
    assert "stand-in)." in article_text(built_guide / "standin-bases.html")
    assert "）." not in article_text(built_guide / code / "standin-bases.html")


def chrome_text(path: Path) -> str:
    """What a page shows around its article: the theme's header, sidebars and footer, and their labels (no code)."""
    page_html = re.sub(r"<code.*?</code>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    around = re.sub(
        r"<article.*?</article>|<script.*?</script>|<style.*?</style>|<head>.*?</head>", " ", page_html, flags=re.S
    )
    labels = re.findall(r'(?:aria-label|placeholder|title)="([^"]*)"', around)
    return " ".join(html.unescape(" ".join([re.sub(r"<[^>]+>", " ", around), *labels])).split())


#: Every page furo dresses: the guide's, and the search page and index Sphinx adds.
THEMED = [*PAGES, "search", "genindex"]
#: Three or more English words in a row.
ENGLISH_RUN = re.compile(r"[A-Za-z][\w'/-]*(?:[ ,]+[A-Za-z][\w'/-]*){2,}")


@pytest.mark.parametrize("code", TRANSLATIONS)
def test_the_themes_words_are_in_the_editions_language_and_english_stays_as_furo_wrote_it(built_guide: Path, code: str):
    english = [(built_guide / f"{name}.html").read_text(encoding="utf-8") for name in THEMED]
    found = {words for page_html in english for words in chrome.untranslated(page_html)}
    assert found == {*(piece.words for piece in chrome.CHROME), "Made with"}, (
        "furo's page no longer holds these words where checks.guide.chrome looks for them: "
        f"{sorted({piece.words for piece in chrome.CHROME} - found)}"
    )
    for name in THEMED:
        page_html = (built_guide / code / f"{name}.html").read_text(encoding="utf-8")
        assert not chrome.untranslated(page_html), f"{code}/{name}.html: {chrome.untranslated(page_html)}"
        runs = ENGLISH_RUN.findall(chrome_text(built_guide / code / f"{name}.html"))
        assert not runs, f"{code}/{name}.html shows English around its article: {runs[:5]}"
