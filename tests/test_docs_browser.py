"""The built guide in a real headless Chromium: copy buttons, before/after tabs, layer charts.

The layer charts are also read at a phone's width (390 CSS px, through the
DevTools protocol's device emulation): their labels must be no smaller than
the body text there, and a layer of no bytes must still be drawn.

The site is built from the recorded results into a temporary folder, served on
127.0.0.1 only, and driven through Chromium's DevTools protocol over a pipe
(``--remote-debugging-pipe``: no port, no extra Python package).  ``make test``
installs Debian's chromium first (checks/setup/browser.sh); without a browser
these tests skip, visibly, and CI counts the skip as a failure.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TRANSLATIONS

ROOT = Path(__file__).resolve().parent.parent
#: Each edition's folder under the site's root, for the tests that must behave the same in every language.
EDITIONS = pytest.mark.parametrize("edition", ["", *(f"{code}/" for code in TRANSLATIONS)], ids=["en", *TRANSLATIONS])
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
]


def chromium() -> str | None:
    for candidate in (os.environ.get("SLIMLAB_CHROMIUM", ""), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


class Browser:
    """Just enough of the DevTools protocol: one page, evaluate, click, wait."""

    def __init__(self, executable: str, profile: Path):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire() -> None:  # Chromium reads commands on fd 3 and writes replies on fd 4
            # Copy both ends above 4 first: the pipes may themselves be fds 3 and 4.
            reads, writes = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        self.proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # wire() only calls os.dup and os.dup2, safe between fork and exec even with the server thread
            # running; pass_fds cannot put a pipe at the fd numbers 3 and 4 that Chromium reads.
            preexec_fn=wire,  # noqa: PLW1509
            close_fds=False,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.page("Page.enable")
        self.page("Emulation.setFocusEmulationEnabled", enabled=True)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _read(self, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_chrome, 65536)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def page(self, method: str, **params: Any) -> dict[str, Any]:
        return self.send(method, session=self.session, **params)

    def open(self, url: str) -> None:
        self.events.clear()
        self.page("Page.navigate", url=url)
        self.wait_for(
            "document.readyState === 'complete' && !!document.querySelector('button.copybtn')"
            " === !!document.querySelector('div.highlight')"
        )

    def js(self, expression: str) -> Any:
        result = self.page(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True, userGesture=True
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, condition: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while not self.js(f"!!({condition})"):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {condition}")
            time.sleep(0.1)

    def click(self, selector: str) -> None:
        """A real mouse click at the centre of the element (scrolled into view first)."""
        box = self.js(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.scrollIntoView({block: 'center', behavior: 'instant'});"
            " const r = e.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
        )
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.page("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left", clickCount=1)

    @contextlib.contextmanager
    def viewport(self, width: int, height: int = 844) -> Iterator[None]:
        """Lay pages out as a phone this wide would (CSS px), then as the window again."""
        self.page(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 600
        )
        try:
            yield
        finally:
            self.page("Emulation.clearDeviceMetricsOverride")

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(built_guide: Path) -> Iterator[str]:
    """The guide, built from the recorded results and served on 127.0.0.1 (a free port)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(built_guide)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def opened_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A headless Chromium for a module's tests, closed after them; without one, the tests skip (visibly)."""
    executable = chromium()
    if executable is None:
        pytest.skip(
            "no chromium for the browser tests: run `make test` (checks/setup/browser.sh installs it) "
            "or set SLIMLAB_CHROMIUM"
        )
    b = Browser(executable, tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


@pytest.fixture(scope="module")
def browser(site: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    for b in opened_browser(tmp_path_factory):
        b.send("Browser.grantPermissions", origin=site, permissions=["clipboardReadWrite", "clipboardSanitizedWrite"])
        yield b


@EDITIONS
def test_a_console_block_copies_its_commands_without_the_prompt(site: str, browser: Browser, edition: str):
    browser.open(f"{site}/{edition}index.html")
    block = "div.highlight-console"
    shown = browser.js(f"document.querySelector('{block} pre').innerText")
    assert shown.startswith("$ make lab-4")
    browser.js("navigator.clipboard.writeText('nothing copied yet')")
    tooltip = "document.querySelector('div.highlight-console button.copybtn').dataset.tooltip"
    before = browser.js(tooltip)
    browser.click(f"{block} button.copybtn")
    # sphinx-copybutton confirms a copy by changing the button's tooltip (in the page's language).
    browser.wait_for(f"{tooltip} !== {json.dumps(before)}")
    copied = browser.js("navigator.clipboard.readText()")
    expected = "\n".join(line.removeprefix("$ ") for line in shown.strip().splitlines())
    assert copied.strip() == expected
    assert not copied.startswith("$")


@EDITIONS
def test_every_code_block_has_a_copy_button(site: str, browser: Browser, edition: str):
    browser.open(f"{site}/{edition}multi-stage.html")
    counts = browser.js(
        "[document.querySelectorAll('div.highlight').length,"
        " document.querySelectorAll('div.highlight button.copybtn').length]"
    )
    assert counts[0] > 0
    assert counts[0] == counts[1]


@EDITIONS
def test_before_after_tabs_switch_on_click(site: str, browser: Browser, edition: str):
    browser.open(f"{site}/{edition}multi-stage.html")
    visible = (
        "[...document.querySelector('.sd-tab-set').querySelectorAll(':scope > .sd-tab-content')]"
        ".map(c => getComputedStyle(c).display !== 'none' && c.offsetHeight > 0)"
    )
    assert browser.js(visible)[:2] == [True, False]
    browser.click(".sd-tab-set > label.sd-tab-label:nth-of-type(2)")
    browser.wait_for(f"{visible}[1]")
    assert browser.js(visible)[:2] == [False, True]
    assert "distroless" in browser.js("document.querySelectorAll('.sd-tab-set > .sd-tab-content')[1].innerText")


@EDITIONS
def test_the_layer_chart_renders_a_visible_bar_per_layer(site: str, browser: Browser, edition: str):
    results = json.loads((ROOT / "labs/lab-4-go-multistage/results.json").read_text())
    browser.open(f"{site}/{edition}multi-stage.html")
    browser.js("document.querySelector('svg.slimlab-chart').scrollIntoView()")
    bars = browser.js(
        "[...document.querySelectorAll('svg.slimlab-chart rect.slimlab-layer')]"
        ".map(r => { const b = r.getBoundingClientRect(); return [b.width, b.height, +r.dataset.bytes]; })"
    )
    layers = [layer["size_bytes"] for v in results["variants"].values() for layer in v["layers"] if layer["size_bytes"]]
    assert [bytes_ for _, _, bytes_ in bars] == layers
    assert all(width > 0 and height > 0 for width, height, _ in bars)
    widest = max(bars)
    assert widest[2] == max(layers), "the largest layer draws the widest segment"
    title = browser.js("document.querySelector('svg.slimlab-chart title').textContent")
    assert title.startswith("Layer sizes") if not edition else title and not title.startswith("Layer sizes")


PHONE = 390

#: For each layer chart on the page: the body text's size, the size its labels are drawn at (an SVG's text scaled
#: by the SVG's drawn width over its viewBox; the HTML twin's at its own computed size), and which one is shown.
CHART_LABELS = """[...document.querySelectorAll('.slimlab-chart-box')].map(box => {
  const px = e => parseFloat(getComputedStyle(e).fontSize);
  const shown = e => !!e && getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0;
  const body = px(document.querySelector('article p'));
  const svg = box.querySelector('svg.slimlab-chart'), bars = box.querySelector('.slimlab-bars');
  if (shown(svg)) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const texts = [...svg.querySelectorAll('text.variant, text.total')];
    return {shown: 'svg', body, smallest: Math.min(...texts.map(t => px(t) * scale)), labels: texts.length,
            text: [...svg.querySelectorAll('g.slimlab-variant')]
              .map(g => [...g.querySelectorAll('text.variant, text.total')].map(t => t.textContent).join(' '))};
  }
  const labels = shown(bars) ? [...bars.querySelectorAll('.slimlab-bars-label')].filter(shown) : [];
  return {shown: shown(bars) ? 'bars' : 'nothing', body, smallest: Math.min(...labels.map(px)), labels: labels.length,
          text: labels.map(l => l.innerText)};
})"""


@EDITIONS
@pytest.mark.parametrize("page", ["layers", "multi-stage"])
def test_at_phone_width_the_chart_labels_are_no_smaller_than_the_body_text(
    site: str, browser: Browser, page: str, edition: str
):
    with browser.viewport(PHONE):
        browser.open(f"{site}/{edition}{page}.html")
        assert browser.js("document.documentElement.clientWidth") == PHONE
        charts = browser.js(CHART_LABELS)
    assert charts, "a lab-results page has a layer chart"
    for chart in charts:
        assert chart["shown"] != "nothing", chart
        assert chart["labels"] > 0, chart
        assert chart["smallest"] >= chart["body"], chart


def test_at_phone_width_each_variant_is_named_with_its_total(site: str, browser: Browser):
    results = json.loads((ROOT / "labs/lab-2-layers/results.json").read_text())
    with browser.viewport(PHONE):
        browser.open(f"{site}/layers.html")
        [chart] = browser.js(CHART_LABELS)
        fits = browser.js("document.querySelector('.slimlab-chart-box').getBoundingClientRect().right")
    assert [line.split(" ", 1)[0] for line in chart["text"]] == list(results["variants"])
    assert all(" MB · " in line and " layer" in line for line in chart["text"])  # "1 layer" when flattened
    assert fits <= PHONE


#: The visible marks of a page's layers of no bytes, wherever drawn: SVG markers or the HTML twin's.
ZERO_MARKS = """[...document.querySelectorAll('g.slimlab-empty-layer, .slimlab-bars-empty')]
  .filter(e => e.getClientRects().length > 0 && getComputedStyle(e.closest('svg, .slimlab-bars')).display !== 'none')
  .map(e => { const b = e.getBoundingClientRect();
    return {variant: e.closest('[data-variant]').dataset.variant, width: b.width, height: b.height,
            label: e.getAttribute('aria-label')}; })"""


@pytest.mark.parametrize("width", [1280, PHONE])
def test_lab_2s_delete_in_a_later_step_is_drawn_though_it_adds_no_bytes(site: str, browser: Browser, width: int):
    with browser.viewport(width):
        browser.open(f"{site}/layers.html")
        browser.js("document.querySelector('.slimlab-chart-box').scrollIntoView()")
        marks = browser.js(ZERO_MARKS)
    later = [m for m in marks if m["variant"] == "delete-later"]
    assert len(later) == 1, marks
    assert later[0]["width"] >= 2
    assert later[0]["height"] >= 10
    assert "rm -rf /tmp/installer" in later[0]["label"]
    assert "0 bytes" in later[0]["label"]


def test_the_instruction_of_every_segment_is_one_click_away_without_hover(site: str, browser: Browser):
    with browser.viewport(PHONE):
        browser.open(f"{site}/layers.html")
        steps = "document.querySelector('.slimlab-chart-box details.slimlab-steps')"
        assert browser.js(f"{steps}.open") is False
        browser.click(".slimlab-chart-box details.slimlab-steps > summary")
        browser.wait_for(f"{steps}.open")
        text = browser.js(f"{steps}.innerText")
        box = browser.js(f"{steps}.getBoundingClientRect().right")
    assert "RUN rm -rf /tmp/installer" in text
    assert "COPY --chmod=0755 app/report.sh /usr/local/bin/report" in text
    assert box <= PHONE


# The Chinese edition: its text renders with a CJK font, and the switcher leads between editions.


#: The fonts Chromium drew an element's text with: [familyName, glyphCount] (DevTools' CSS domain).
def drawn_with(browser: Browser, selector: str) -> list[tuple[str, int]]:
    browser.page("DOM.enable")
    browser.page("CSS.enable")
    root = browser.page("DOM.getDocument", depth=0)["root"]["nodeId"]
    node = browser.page("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
    assert node, f"no {selector} on the page"
    fonts = browser.page("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]
    return [(f["familyName"], f["glyphCount"]) for f in fonts]


@pytest.mark.parametrize("code", TRANSLATIONS)
@pytest.mark.parametrize("width", [1280, PHONE])
def test_a_chinese_page_draws_its_text_with_a_cjk_font(site: str, browser: Browser, code: str, width: int):
    with browser.viewport(width):
        browser.open(f"{site}/{code}/index.html")
        heading = browser.js("document.querySelector('article h1').textContent")
        fonts = drawn_with(browser, "article h1")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in heading), heading
    cjk = [(family, glyphs) for family, glyphs in fonts if "CJK" in family or "Han" in family]
    assert cjk, (
        f"{code}/index.html's heading {heading!r} is drawn with {fonts}: no CJK font (checks/setup/browser.sh "
        "installs fonts-noto-cjk)"
    )
    assert all(glyphs > 0 for _, glyphs in cjk)


@pytest.mark.parametrize("code", TRANSLATIONS)
@pytest.mark.parametrize("width", [1280, PHONE])
def test_the_language_switcher_is_visible_and_leads_both_ways(site: str, browser: Browser, code: str, width: int):
    link = "nav.slimlab-editions a.slimlab-edition"
    visible = (
        f"(() => {{ const r = document.querySelector('{link}').getBoundingClientRect();"
        " return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= document.documentElement.clientWidth; })()"
    )
    with browser.viewport(width):
        browser.open(f"{site}/layers.html")
        assert browser.js(visible), f"the switcher to {code} is not on screen at {width} px"
        browser.click(link)
        browser.wait_for(f"location.pathname === '/{code}/layers.html' && document.readyState === 'complete'")
        assert browser.js("document.documentElement.lang") == code.replace("_", "-")
        assert browser.js(visible)
        browser.click(link)
        browser.wait_for("location.pathname === '/layers.html' && document.readyState === 'complete'")
        assert browser.js("document.documentElement.lang") == "en"


# Printing: a page prints without the navigation around it (a page marked `.. handout::` also fits one A4 page:
# tests/test_docs_teaching.py prints one).

#: What a printed page leaves out: both sidebars, the phone's header, the language switcher and the footer.
CHROME = [".sidebar-drawer", ".toc-drawer", ".mobile-header", "nav.slimlab-editions", "footer"]


@EDITIONS
def test_a_page_prints_without_the_navigation_around_it(site: str, browser: Browser, edition: str):
    browser.open(f"{site}/{edition}multi-stage.html")
    present = browser.js(f"{json.dumps(CHROME)}.filter(s => document.querySelector(s))")
    assert set(present) == set(CHROME), "the selectors name what furo and the switcher draw"
    browser.page("Emulation.setEmulatedMedia", media="print")
    try:
        shown = browser.js(
            f"{json.dumps(CHROME)}.filter(s => [...document.querySelectorAll(s)]"
            ".some(e => getComputedStyle(e).display !== 'none'))"
        )
        article = browser.js("document.querySelector('article').getBoundingClientRect().width")
    finally:
        browser.page("Emulation.setEmulatedMedia", media="")
    assert shown == []
    assert article > 0


# The evidence, folded (checks/guide/evidence.py, docs/_static/slimlab.js): each claim a row whose explanation and
# hint open on a click, and a link to a claim (the checker prints one when it fails) opens its row.


#: True once the element with this id is in the upper half of the screen.
ON_SCREEN = (
    "(() => {{ const top = document.getElementById('{anchor}').getBoundingClientRect().top;"
    " return top >= 0 && top < window.innerHeight / 2; }})()"
)


#: Resolves once the page has not scrolled for a tenth of a second.
SETTLED = """new Promise(done => { let y = -1; const t = setInterval(() => {
  if (window.scrollY === y) { clearInterval(t); done(true); } y = window.scrollY; }, 100); })"""


def row_open(claim_anchor: str) -> str:
    return f"document.getElementById({json.dumps(claim_anchor)}).open"


def test_a_claims_explanation_and_hint_are_folded_until_asked_for(site: str, browser: Browser):
    browser.open(f"{site}/multi-stage.html")
    folded = browser.js(
        "[[...document.querySelectorAll('details.slimlab-claim')].filter(d => d.open).length,"
        " [...document.querySelectorAll('.slimlab-hint')].filter(h => h.checkVisibility()).length,"
        " document.querySelectorAll('.slimlab-hint').length]"
    )
    assert folded[:2] == [0, 0]
    assert folded[2] > 0
    browser.click("#l4-9 > summary")
    browser.wait_for(row_open("l4-9"))
    assert "CGO_ENABLED=0" in browser.js("document.querySelector('#l4-9 .slimlab-hint').innerText")


@EDITIONS
@pytest.mark.parametrize("width", [1280, PHONE])
def test_a_failure_link_lands_on_its_claim_with_the_row_open(site: str, browser: Browser, edition: str, width: int):
    with browser.viewport(width):
        browser.open(f"{site}/{edition}multi-stage.html#l4-9")
        browser.wait_for(row_open("l4-9"))
        browser.wait_for(ON_SCREEN.format(anchor="l4-9"))  # furo scrolls smoothly
        opened = browser.js("[...document.querySelectorAll('details.slimlab-claim')].filter(d => d.open).length")
    assert opened == 1


def test_a_claim_link_in_the_prose_opens_its_row_every_time_it_is_clicked(site: str, browser: Browser):
    browser.open(f"{site}/multi-stage.html")
    link = "article p a[href='#l4-9']"
    assert browser.js(row_open("l4-9")) is False
    browser.click(link)
    browser.wait_for(row_open("l4-9"))
    browser.js(SETTLED)  # furo scrolls smoothly: a click during the scroll would land elsewhere
    browser.js("document.getElementById('l4-9').open = false")
    browser.click(link)  # the same fragment again: no hashchange, and the row opens anyway
    browser.wait_for(row_open("l4-9"))


def test_a_link_to_what_the_linter_points_at_opens_the_folded_list(site: str, browser: Browser):
    browser.open(f"{site}/only-what-runs.html#dl3009")
    browser.wait_for("document.getElementById('dl3009').closest('details').open")
    browser.wait_for(ON_SCREEN.format(anchor="dl3009"))


# Nothing clipped: at a desktop's and a phone's width, on every page of every edition, each table, code block and
# chart fits its column, or scrolls with a visible cue (the scroll shadows of slimlab.css).

#: Every folded block opened and every tab shown, then the problems: what overflows the article's column with no
#: scrolling box around it, what scrolls without the cue (a shadow layer that stays put over covers that scroll),
#: and a page that scrolls sideways.  Also how many boxes scroll, so a test can see the cue is used at all.
CLIPPED = """(() => {
  const style = document.createElement('style');
  style.textContent = '.sd-tab-set > .sd-tab-content { display: block !important; }';
  document.head.appendChild(style);
  document.querySelectorAll('article details').forEach(d => { d.open = true; });
  const column = document.querySelector('article[role="main"]');
  const edge = column.getBoundingClientRect();
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1;
  const cued = e => {
    const css = getComputedStyle(e);
    const shadows = (css.backgroundImage.match(/radial-gradient/g) || []).length;
    return shadows >= 2 && css.backgroundAttachment.includes('local') && css.backgroundAttachment.includes('scroll')
      && e.getBoundingClientRect().width > 0;
  };
  const name = e => e.tagName.toLowerCase() + [...e.classList].slice(0, 3).map(c => '.' + c).join('')
    + (e.id ? '#' + e.id : '');
  const outside = r => r.right > edge.right + 1 || r.left < edge.left - 1;
  const problems = [];
  const blocks = column.querySelectorAll(
    'table, pre, svg, img, .slimlab-chart-box, .slimlab-bars, .slimlab-floor-chart, .slimlab-pull-chart, '
    + '.slimlab-pull-figure, .slimlab-pull-narrow, .slimlab-claims, .slimlab-exercise, .sd-tab-set');
  let scrolling = 0;
  for (const block of blocks) {
    if (!shown(block)) continue;
    let box = null;
    for (let node = block; node && node !== column; node = node.parentElement) if (scrolls(node)) { box = node; break; }
    if (box === null) {
      const r = block.getBoundingClientRect();
      const by = Math.round(Math.max(r.right - edge.right, edge.left - r.left));
      if (outside(r)) problems.push(`${name(block)} overflows its column by ${by} px`);
    } else if (!cued(box)) {
      problems.push(`${name(block)} scrolls in ${name(box)} with no visible cue`);
    } else if (outside(box.getBoundingClientRect())) {
      problems.push(`${name(box)} is wider than its column`);
    } else {
      scrolling += 1;
    }
  }
  if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1) {
    problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px)`);
  }
  return {problems: [...new Set(problems)], scrolling};
})()"""

#: Every page of the guide, by name (each edition has the same).
PAGES = sorted(p.stem for p in (ROOT / "docs").glob("*.*") if p.suffix in (".rst", ".md"))


@EDITIONS
@pytest.mark.parametrize("width", [1280, PHONE])
def test_no_table_code_block_or_chart_is_clipped_without_a_cue(site: str, browser: Browser, edition: str, width: int):
    found, scrolling = [], 0
    with browser.viewport(width):
        for page in PAGES:
            browser.open(f"{site}/{edition}{page}.html")
            seen = browser.js(CLIPPED)
            found += [f"{edition}{page}.html at {width} px: {problem}" for problem in seen["problems"]]
            scrolling += seen["scrolling"]
    assert not found, "\n".join(found)
    if width == PHONE:
        assert scrolling > 0, "at a phone's width some code block scrolls, with its cue"
