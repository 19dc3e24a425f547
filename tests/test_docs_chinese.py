"""The built Chinese edition reads as Chinese: no English sentences, the glossary's terms, Chinese typography.

Read from the HTML ``make html`` writes (conftest.built_guide builds it once per session), not from the
catalogs: text the catalogs never see (claim figures, generated tables, the theme's own words and
attributes such as ``aria-label``) is what a reader sees too.  Every page of ``zh_CN/`` is read whole,
its theme included; what is not prose is left out (code, ``pre``, inline literals and file names,
``kbd``, math, scripts).  Each finding names the page, the part of the page it is in (:data:`KINDS`) and
quotes the text.  ``python tests/test_docs_chinese.py [site]`` counts the findings of ``make html``'s
output by test, part and page, without failing.

The terms come from ``docs/locale/zh_CN/GLOSSARY.md``: its third column lists, in backticks, the forms
a page must not use (the file says how the column is read).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "locale" / "zh_CN" / "GLOSSARY.md"
LANGUAGE = "zh_CN"

#: The parts of a page a finding can be in, for the count: the theme's own words, a claim's row, a
#: table, a chart (its text), the tooltip of a generated figure or bar (the ``title`` and ``aria-label`` of an
#: element with a ``slimlab-`` class, outside a claim's row), and the rest of the article.
CHROME, CLAIMS, TABLES, CHARTS, TOOLTIPS, PROSE = (
    "theme chrome",
    "claim rows",
    "tables",
    "charts",
    "figure tooltips",
    "page prose",
)
KINDS = (CHROME, CLAIMS, TABLES, CHARTS, TOOLTIPS, PROSE)

#: Elements whose text is not prose: code, the browser's own content, math.
SKIPPED_TAGS = frozenset({"script", "style", "code", "pre", "kbd", "samp", "tt", "var", "math", "noscript"})
#: Classes of elements whose text is not prose: inline literals (``file`` names included), highlighted
#: code, math rendered as text.
SKIPPED_CLASSES = frozenset({"pre", "literal", "highlight", "math", "file", "notranslate"})
#: Attributes a reader meets (a screen reader reads them, a mouse shows them).
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
VOID = frozenset({"area", "base", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr", "path"})
#: Elements that end a run of text: a sentence never spans two of them.
BLOCKS = frozenset(
    {
        "p",
        "li",
        "td",
        "th",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "div",
        "section",
        "caption",
        "summary",
        "details",
        "figcaption",
        "title",
        "blockquote",
        "table",
        "tr",
        "ul",
        "ol",
        "dl",
        "nav",
        "header",
        "footer",
        "aside",
        "article",
        "main",
        "body",
        "button",
        "label",
        "option",
        "text",
        "desc",
        "figure",
        "form",
    }
)
#: Stands for something left out (a literal, a code span): it keeps the text on each side apart.
LEFT_OUT = "\ue000"


@dataclass(frozen=True)
class Run:
    """Text a reader sees in one block of a page, with the part of the page it is in."""

    kind: str
    text: str

    def quote(self, start: int = 0, end: int | None = None, around: int = 30) -> str:
        """The text around ``start:end`` (all of it when short), literals shown as ``…``."""
        end = len(self.text) if end is None else end
        left, right = max(0, start - around), min(len(self.text), end + around)
        shown = self.text[left:right].replace(LEFT_OUT, "``…``")
        return ("…" if left else "") + " ".join(shown.split()) + ("…" if right < len(self.text) else "")


class PageText(HTMLParser):
    """Every run of text on a page, outside what is not prose; the values of :data:`READ_ATTRIBUTES` too."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[Run] = []
        self._stack: list[tuple[str, bool, str]] = []  # tag, left out, kind
        self._buffer: list[str] = []
        self._kind = CHROME

    def _state(self) -> tuple[bool, str]:
        return (self._stack[-1][1], self._stack[-1][2]) if self._stack else (False, CHROME)

    def _flush(self) -> None:
        text = "".join(self._buffer)
        if text.replace(LEFT_OUT, "").strip():
            self.runs.append(Run(self._kind, text))
        self._buffer = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        classes = set(attributes.get("class", "").split())
        left_out, kind = self._state()
        if tag in BLOCKS or tag == "br":
            self._flush()
        kind = self._kind_of(tag, classes, kind)
        if not left_out and (tag in SKIPPED_TAGS or classes & SKIPPED_CLASSES):
            self._buffer.append(LEFT_OUT)
            left_out = True
        if not left_out:
            said = CHROME if "headerlink" in classes else self._attribute_kind(classes, kind)
            for name in READ_ATTRIBUTES:
                if attributes.get(name, "").strip() and not (name == "title" and tag == "link"):
                    self.runs.append(Run(said, attributes[name]))
        if tag not in VOID:
            self._stack.append((tag, left_out, kind))
        if self._kind != kind and self._buffer:
            self._flush()
        self._kind = kind

    @staticmethod
    def _attribute_kind(classes: set[str], kind: str) -> str:
        if kind in (PROSE, TABLES, CHARTS) and any(c.startswith("slimlab-") for c in classes):
            return TOOLTIPS
        return kind

    @staticmethod
    def _kind_of(tag: str, classes: set[str], outer: str) -> str:
        if tag == "article":
            return PROSE
        if "headerlink" in classes:
            return CHROME
        if outer in (CHROME, CLAIMS):
            return outer
        if classes & {"slimlab-claim", "slimlab-claims-head"}:
            return CLAIMS
        if tag == "table" and outer == PROSE:
            return TABLES
        if tag == "svg" and outer == PROSE:
            return CHARTS
        return outer

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not any(t == tag for t, _, _ in self._stack):
            return
        if tag in BLOCKS:
            self._flush()
        while self._stack and self._stack.pop()[0] != tag:
            pass
        _, kind = self._state()
        if kind != self._kind:
            self._flush()
            self._kind = kind

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        left_out, _ = self._state()
        in_head = any(t == "head" for t, _, _ in self._stack) and not any(t == "title" for t, _, _ in self._stack)
        if not left_out and not in_head:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def page_runs(html: str) -> list[Run]:
    parser = PageText()
    parser.feed(html)
    parser.close()
    return parser.runs


# (a) no English sentences ------------------------------------------------------------------------------

#: Names of three or more English words a Chinese page may show as they are, each with its reason.  A
#: single word or two (Docker, BuildKit, Node.js, GitHub Actions) never count: only runs of three do.
ALLOWED_RUNS: dict[str, str] = {
    "Minimize Container Image Size": "the title of the note this guide grew from, quoted by name",
    "Slacker: Fast Distribution with Lazy Docker Containers": "the paper's title, cited as published",
    "Image Layer Filesystem Changeset": "the title of the OCI image spec's section the link opens",
    "Optimize cache usage in builds": "the title of Docker's page, given after its Chinese translation",
}
#: The first use of a term carries its English in full-width brackets, as GLOSSARY.md asks:
#: 多阶段构建（multi-stage build）.  Such a gloss is Latin letters only, up to four words.
GLOSS = re.compile(r"（[A-Za-z][A-Za-z-]*(?: [A-Za-z][A-Za-z-]*){0,3}）")
#: A Dockerfile instruction quoted as text where no markup can mark it (SVG and attributes have no ``code``, and
#: lab.toml's hints are plain text): the instruction up to the next Chinese character or full-width punctuation
#: is code, not English.
INSTRUCTION = re.compile(
    r"\b(?:RUN|COPY|ADD|FROM|WORKDIR|ENV|ARG|USER|CMD|ENTRYPOINT|LABEL|EXPOSE|VOLUME|SHELL|HEALTHCHECK|ONBUILD"
    r"|STOPSIGNAL)\b[^\u3000-\u303f\u3400-\u9fff\uff00-\uffef]*"
)
#: Text in straight quotes is quoted output or code ('hello from slimlab', "No module named 'xml'"), and English in
#: Chinese quotation marks is a quotation (an error message, a manual's words: “certificate signed by unknown
#: authority”), never a sentence of the page's own.
QUOTED = re.compile(
    r"(?<![A-Za-z])'[^'\n]*'(?![A-Za-z])|(?<![A-Za-z])\"[^\"\n]*\"(?![A-Za-z])"
    r"|“[^“”\u3000-\u303f\u3400-\u9fff\uff00-\uffef]*”"
)
#: A command line quoted as text where no markup can mark it (an attribute, a chart, words from lab.toml or
#: base.toml): the program and its arguments, up to the next Chinese character or full-width punctuation.
COMMAND = re.compile(
    r"\b(?:docker|apt-get|apk|yarn|dnf|yum|npm|go|pip|python|git|make|chmod|mkdir)\s+[a-z-][^\u3000-\u303f\u3400-\u9fff\uff00-\uffef]*"
)
#: Where a run of English can go on: spaces and the punctuation of an English sentence.
_PIECES = re.compile(r"[A-Za-z0-9'\u2019\-./_ \t\n,;:!?()\"&+=<>*#@%$]+")
_WORD = re.compile(r"[A-Za-z]+(?:['\u2019-][A-Za-z]+)*")
ENOUGH = 3


def english_runs(text: str, kind: str = PROSE) -> Iterator[tuple[int, int]]:
    """Where ``text`` has three or more English words in a row: (start, end) of each run.  Quotations, command
    lines quoted as text and names with a colon (``debian:trixie-slim``) count as code; so does a Dockerfile
    instruction in a chart or a tooltip (``kind``), where no markup can mark it."""
    for allowed in ALLOWED_RUNS:
        text = text.replace(allowed, LEFT_OUT * len(allowed))
    for literal in (GLOSS, QUOTED, COMMAND, *([INSTRUCTION] if kind in (CHARTS, TOOLTIPS) else [])):
        text = literal.sub(lambda m: LEFT_OUT * len(m.group(0)), text)
    for piece in _PIECES.finditer(text):
        words: list[re.Match[str]] = []
        for token in re.finditer(r"[^\s,;]+", piece.group(0)):
            bare = token.group(0).strip("()\"'!?.:")
            if _WORD.fullmatch(bare):
                words.append(token)
                continue
            if len(words) >= ENOUGH:
                yield piece.start() + words[0].start(), piece.start() + words[-1].end()
            words = []
        if len(words) >= ENOUGH:
            yield piece.start() + words[0].start(), piece.start() + words[-1].end()


def english_findings(runs: list[Run]) -> list[tuple[str, str]]:
    return [(run.kind, run.quote(start, end)) for run in runs for start, end in english_runs(run.text, run.kind)]


# (b) the glossary --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuledOut:
    """A form GLOSSARY.md rules out, and what to write instead."""

    form: str
    english: str
    use: str

    @property
    def pattern(self) -> re.Pattern[str]:
        parts = [re.escape(part) for part in self.form.split("…")]
        body = r"[^。！？；\n]{0,12}?".join(parts)
        return re.compile(rf"(?<![A-Za-z-]){body}(?![A-Za-z-])" if self.latin else body)

    @property
    def latin(self) -> bool:
        return bool(re.fullmatch(r"[A-Za-z][A-Za-z -]*", self.form))


def ruled_out(glossary: str) -> list[RuledOut]:
    """Every form the terms table of ``glossary`` (GLOSSARY.md's text) rules out: the backticked ones of its
    third column."""
    table = glossary.split("## Terms", 1)[1]
    found = []
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 3 or set(cells[0]) <= {"-"} or cells[0] == "English":
            continue
        found += [RuledOut(form, cells[0], cells[1]) for form in re.findall(r"`([^`]+)`", cells[2])]
    forms = [rule.form for rule in found]
    twice = sorted({form for form in forms if forms.count(form) > 1})
    assert not twice, f"{GLOSSARY.name} rules out {twice} in more than one row: keep each in one"
    return found


def glossary_findings(runs: list[Run], forms: list[RuledOut]) -> list[tuple[str, str]]:
    found = []
    for run in runs:
        unglossed = GLOSS.sub(lambda m: LEFT_OUT * len(m.group(0)), run.text)
        found += [
            (run.kind, f"uses {rule.form!r} ({rule.english}): {run.quote(*match.span())} -> use {rule.use}")
            for rule in forms
            for match in rule.pattern.finditer(unglossed if rule.latin else run.text)
        ]
    return found


# (c) typography ----------------------------------------------------------------------------------------

CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
#: What Chinese typography rules out, each with what the finding says.
TYPOGRAPHY: dict[str, re.Pattern[str]] = {
    "a space inside full-width brackets": re.compile(r"[（【「『《〈][ \t\u00a0]+|[ \t\u00a0]+[）】」』》〉]"),
    "half-width punctuation after a Chinese character": re.compile(rf"{CJK}[,.:;?!]"),
    "a figure with × in Chinese prose (say 只有原来的… or …倍)": re.compile(r"\d\s*×"),
}


#: The source note quoted word for word (「…」, on the page that weighs it): its punctuation is the note's own.
NOTE_QUOTE = re.compile(r"「[^「」]*」")


def typography_findings(runs: list[Run]) -> list[tuple[str, str]]:
    return [
        (run.kind, f"{what}: {run.quote(*match.span())}")
        for run in runs
        for what, pattern in TYPOGRAPHY.items()
        for match in pattern.finditer(NOTE_QUOTE.sub(lambda m: LEFT_OUT * len(m.group(0)), run.text))
    ]


# The tests ---------------------------------------------------------------------------------------------

PAGES = sorted(p.name for p in (ROOT / "docs").glob("*.*") if p.suffix in (".rst", ".md"))
#: The pages of the built edition: one per source page, and the ones Sphinx adds.
BUILT = [*(Path(p).with_suffix(".html").name for p in PAGES), "genindex.html", "search.html"]


def report(page: str, findings: list[tuple[str, str]]) -> str:
    counts = Counter(kind for kind, _ in findings)
    head = f"{LANGUAGE}/{page}: {len(findings)} ({', '.join(f'{k} {counts[k]}' for k in KINDS if counts[k])})"
    return "\n".join([head, *(f"  [{kind}] {what}" for kind, what in findings)])


def runs_of(site: Path, page: str) -> list[Run]:
    return page_runs((site / LANGUAGE / page).read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", BUILT)
def test_a_chinese_page_shows_no_three_english_words_in_a_row_outside_code_and_names(built_guide: Path, page: str):
    found = english_findings(runs_of(built_guide, page))
    assert not found, report(page, found)


@pytest.mark.parametrize("page", BUILT)
def test_a_chinese_page_uses_no_form_the_glossary_rules_out(built_guide: Path, page: str):
    found = glossary_findings(runs_of(built_guide, page), ruled_out(GLOSSARY.read_text(encoding="utf-8")))
    assert not found, report(page, found)


@pytest.mark.parametrize("page", BUILT)
def test_a_chinese_page_follows_chinese_typography(built_guide: Path, page: str):
    found = typography_findings(runs_of(built_guide, page))
    assert not found, report(page, found)


# The readers themselves, on small pages ----------------------------------------------------------------


def article(body: str) -> str:
    return f'<html lang="zh-CN"><head><title>页</title></head><body><article role="main">{body}</article></body></html>'


def test_english_runs_are_found_in_prose_tables_and_claims_and_not_in_code_or_literals():
    runs = page_runs(
        article(
            "<p>这里有 three English words。</p><p>代码 <code>docker run --rm it now</code> 不算。</p>"
            '<p><span class="pre">a b c d</span> 和 <kbd>Ctrl Alt Del</kbd> 也不算。</p>'
            "<table><tr><td>same output from before</td></tr></table>"
            '<details class="slimlab-claim"><summary>预期 USER is not root</summary></details>'
        )
    )
    assert english_findings(runs) == [
        (PROSE, "这里有 three English words。"),
        (TABLES, "same output from before"),
        (CLAIMS, "预期 USER is not root"),
    ]


def test_the_theme_s_words_and_attributes_are_read_as_theme_chrome():
    html = (
        '<html><head><title>页</title></head><body><a class="skip-to-content">Skip to content</a>'
        '<button aria-label="Back to top">↑</button><article role="main"><h1>标题'
        '<a class="headerlink" title="Link to this heading">¶</a></h1></article></body></html>'
    )
    assert english_findings(page_runs(html)) == [
        (CHROME, "Skip to content"),
        (CHROME, "Back to top"),
        (CHROME, "Link to this heading"),
    ]


def test_one_or_two_english_words_names_figures_paths_and_glosses_are_not_english_sentences():
    text = (
        "用 Docker BuildKit 构建，镜像 python:3.13-slim 只有 6.2 MB；见 usr/local/go/bin。"
        "多阶段构建（multi-stage build）。笔记的标题是 Minimize Container Image Size。"
    )
    assert list(english_runs(text)) == []
    assert list(english_runs("它 keeps the cache。")) == [(2, 17)]


def test_each_allowed_run_of_english_says_why_it_is_allowed():
    assert all(reason.strip() for reason in ALLOWED_RUNS.values())
    assert len(ALLOWED_RUNS) <= 12, "the allow-list stays short: translate, or show it as a literal"


def test_each_allowed_run_of_english_is_still_on_a_chinese_page(built_guide: Path):
    shown = "\n".join(run.text for page in BUILT for run in runs_of(built_guide, page))
    assert [allowed for allowed in ALLOWED_RUNS if allowed not in shown] == []


def test_instructions_and_quoted_output_a_chart_or_tooltip_shows_as_text_are_code_not_english():
    label = "RUN set -eux; apt-get install -y gcc：新增 0 字节。all print 'hello from slimlab'"
    assert list(english_runs(label, CHARTS)) == list(english_runs(label, TOOLTIPS)) == []
    assert list(english_runs("RUN 步骤 keeps the cache。", CHARTS)) == [(7, 22)]
    assert list(english_runs("预期 USER is not root", PROSE)) == [(3, 19)], "in prose an instruction is a literal"
    assert list(english_runs("提示：以 FROM debian:trixie-slim 构建，COPY 到 FROM scratch 的阶段。", CLAIMS)) == []
    assert list(english_runs("预期 USER is not root", CLAIMS)) == [(3, 19)], "a template left in English is found"


def test_command_lines_and_quotations_are_code_not_english_and_the_page_s_own_english_is_not():
    assert list(english_runs("与 docker image ls 显示的一致；运行 go env GOROOT 打印路径。")) == []
    output = "退出码 1：“exec /greeter: no such file or directory”，预期输出 \"No module named 'xml'\""
    assert list(english_runs(output)) == []
    assert list(english_runs("它说“storage area for state information”。")) == []
    assert list(english_runs("它说“这是 the cache of the build”。")), "Chinese in the quotes: the page's own words"


def test_the_tooltip_of_a_generated_figure_is_counted_apart_from_the_prose_around_it():
    runs = page_runs(
        article('<p>镜像 <span class="slimlab-measured" title="Uncompressed size in MB">6.2 MB</span>。</p>')
    )
    assert english_findings(runs) == [(TOOLTIPS, "Uncompressed size in MB")]


def test_the_glossary_rules_out_forms_and_says_what_to_use_instead():
    forms = {rule.form: rule for rule in ruled_out(GLOSSARY.read_text(encoding="utf-8"))}
    assert forms["交付"].use.startswith("打进镜像")
    assert forms["作业"].use.startswith("任务")
    assert {"无特权用户", "替身", "以实测为据", "应答", "实测小节", "缩小了…倍", "lint"} <= set(forms)
    assert "发布" not in forms, "发布 is the word for a release"


def test_a_ruled_out_form_is_found_with_the_form_to_use_and_a_gloss_or_a_longer_word_is_not():
    forms = ruled_out(
        "## Terms\n\n| English | 中文 | 不要用 |\n|---|---|---|\n"
        "| job | 任务 | `作业` |\n| lint | 静态检查 | `lint` on its own |\n| ratio | 只有原来的 1/152 | `缩小了…倍` |\n"
    )
    runs = [Run(PROSE, "CI 作业失败。"), Run(PROSE, "镜像缩小了 152 倍。"), Run(PROSE, "先 lint 一下。")]
    assert [what.split(":")[0] for _, what in glossary_findings(runs, forms)] == [
        "uses '作业' (job)",
        "uses '缩小了…倍' (ratio)",
        "uses 'lint' (lint)",
    ]
    fine = [Run(PROSE, "静态检查工具（lint）和 hadolint 与 lint-imports。"), Run(PROSE, "缩小了。另一个 2 倍。")]
    assert glossary_findings(fine, forms) == []


def test_typography_finds_spaces_in_brackets_half_width_punctuation_after_chinese_and_figures_with_times():
    runs = [Run(PROSE, "见（ L7.2 ）。"), Run(PROSE, "镜像更小.然后"), Run(PROSE, "缩小到 152× 了")]
    assert [what.split(":")[0] for _, what in typography_findings(runs)] == [
        "a space inside full-width brackets",
        "a space inside full-width brackets",
        "half-width punctuation after a Chinese character",
        "a figure with × in Chinese prose (say 只有原来的… or …倍)",
    ]
    assert typography_findings([Run(PROSE, "见（L7.2）。用 ``a.b`` 和 python:3.13，0.66%。")]) == []
    assert typography_findings([Run(TABLES, "「镜像越小, 部署越快」")]) == [], "the note quoted keeps its own commas"
    assert len(typography_findings([Run(TABLES, "「镜像越小」，部署越快, 对吧")])) == 1


def tally(site: Path, say: Callable[[str], None] = print) -> None:
    """Count each test's findings on ``site``'s Chinese pages, by part of the page and by page."""
    if not (site / LANGUAGE / "index.html").is_file():
        raise SystemExit(f"{site / LANGUAGE} holds no built Chinese edition: run `make html` first")
    forms = ruled_out(GLOSSARY.read_text(encoding="utf-8"))
    tests = {
        "(a) English runs": english_findings,
        "(b) glossary": lambda runs: glossary_findings(runs, forms),
        "(c) typography": typography_findings,
    }
    for name, find in tests.items():
        by_page = {page: find(runs_of(site, page)) for page in BUILT if (site / LANGUAGE / page).is_file()}
        kinds = Counter(kind for found in by_page.values() for kind, _ in found)
        total = sum(kinds.values())
        say(f"{name}: {total} findings; " + ", ".join(f"{k} {kinds[k]}" for k in KINDS))
        for page, found in by_page.items():
            if found:
                counts = Counter(kind for kind, _ in found)
                say(f"  {page}: {len(found)} (" + ", ".join(f"{k} {counts[k]}" for k in KINDS if counts[k]) + ")")


if __name__ == "__main__":
    tally(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "_build" / "html")
