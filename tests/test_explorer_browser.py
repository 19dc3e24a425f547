"""``analyze --html`` in a real headless Chromium, offline: its layers and its tree visible at 1280 and 390 px.

The image is dive's own test image (dive's ``.data/test-docker-image.tar``, built by its
``Dockerfile.test-image`` on busybox): its layers restated here with :mod:`analyze_images` (a file added, copied,
chmod-ed, moved, copied again, a folder deleted, a folder added), on a small stand-in for busybox, so no engine
is needed.  A lab image's explorer is opened the same way by ``tests/test_docker_analyze.py``.  Without a
browser these tests skip, visibly, and CI counts the skip as a failure (as ``tests/test_docs_browser.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from analyze_images import directory, docker_archive, file, hardlink, whiteout
from test_docs_browser import Browser, opened_browser

from checks import cli

PHONE = 390
README = 6_000  # dive's README.md, which its Dockerfile ADDs as /somefile.txt

#: dive's test image, layer by layer, with the instruction that made each.
DIVE_TEST_IMAGE = [
    (
        "ADD file:busybox in /",
        [
            directory("bin"),
            file("bin/busybox", 1_100_000),
            *(hardlink(f"bin/{name}", "bin/busybox") for name in ("sh", "ls", "cp", "mv", "rm", "chmod")),
            directory("etc"),
            file("etc/passwd", 340),
        ],
    ),
    ("ADD README.md /somefile.txt", [file("somefile.txt", README)]),
    ("RUN mkdir -p /root/example/really/nested", [directory("root/example/really/nested")]),
    ("RUN cp /somefile.txt /root/example/somefile1.txt", [file("root/example/somefile1.txt", README)]),
    ("RUN chmod 444 /root/example/somefile1.txt", [file("root/example/somefile1.txt", README)]),
    ("RUN cp /somefile.txt /root/example/somefile2.txt", [file("root/example/somefile2.txt", README)]),
    ("RUN cp /somefile.txt /root/example/somefile3.txt", [file("root/example/somefile3.txt", README)]),
    (
        "RUN mv /root/example/somefile3.txt /root/saved.txt",
        [whiteout("root/example/somefile3.txt"), file("root/saved.txt", README)],
    ),
    ("RUN cp /root/saved.txt /root/.saved.txt", [file("root/.saved.txt", README)]),
    ("RUN rm -rf /root/example/", [whiteout("root/example")]),
    (
        "ADD .scripts/ /root/.data/",
        [directory("root/.data"), file("root/.data/tag.sh", 600), file("root/.data/test.sh", 1300)],
    ),
    ("RUN cp /root/saved.txt /tmp/saved.again1.txt", [file("tmp/saved.again1.txt", README)]),
    ("RUN cp /root/saved.txt /root/.data/saved.again2.txt", [file("root/.data/saved.again2.txt", README)]),
    ("RUN chmod +x /root/saved.txt", [file("root/saved.txt", README)]),
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    yield from opened_browser(tmp_path_factory)


def explorer_of(image: str | Path, folder: Path) -> Path:
    """``analyze IMAGE --html`` as a user runs it: the page's path."""
    page = folder / "explorer.html"
    assert cli.main(["analyze", str(image), "--html", str(page)]) == 0
    return page


#: What a reader sees of a page: the layers listed, the tree's rows shown, scrolled sideways or not, fetched.
SEEN = """(() => {
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  return {
    layers: [...document.querySelectorAll('#layers + ol > li')].filter(shown).map(li => li.innerText),
    rows: [...document.querySelectorAll('.tr summary, .tr .r')].filter(shown).map(r => r.innerText)
      .filter(text => text.trim()),
    sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    fetched: performance.getEntriesByType('resource').map(r => r.name),
  };
})()"""


def seen(browser: Browser, page: Path, width: int) -> dict:
    with browser.viewport(width):
        browser.open(page.as_uri())
        browser.wait_for("document.readyState === 'complete' && !!document.querySelector('.tr')")
        return browser.js(SEEN)


def assert_explored(browser: Browser, page: Path, layers: int, paths: tuple[str, ...]) -> None:
    """The page opens offline at both widths, every layer listed, the tree's rows shown, nothing sideways."""
    for width in (1280, PHONE):
        found = seen(browser, page, width)
        assert len(found["layers"]) == layers, found["layers"]
        assert found["fetched"] == []
        assert found["sideways"] <= 0, f"{width} px: scrolls {found['sideways']} px sideways"
        text = "\n".join(found["rows"])
        for name in paths:
            assert name in text, (width, name, text[:2000])


@pytest.fixture(scope="module")
def dive_test_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dive-test-image")
    path = folder / "test-docker-image.tar"
    steps = [step for step, _ in DIVE_TEST_IMAGE]
    path.write_bytes(docker_archive([layer for _, layer in DIVE_TEST_IMAGE], tag="dive-test:1", history=steps))
    return path


def test_dive_s_test_image_opens_offline_with_its_layers_and_tree_at_both_widths(browser, dive_test_image, tmp_path):
    page = explorer_of(dive_test_image, tmp_path)
    assert_explored(browser, page, layers=len(DIVE_TEST_IMAGE), paths=("busybox", "root/", "saved.txt", "tmp/"))


def test_each_instruction_is_listed_with_its_layer(browser, dive_test_image, tmp_path):
    found = seen(browser, explorer_of(dive_test_image, tmp_path), PHONE)
    assert "RUN rm -rf /root/example/" in found["layers"][9]
    assert "RUN chmod +x /root/saved.txt" in found["layers"][13]


def test_marking_a_layer_shows_what_it_deleted_and_dims_the_rest(browser, dive_test_image, tmp_path):
    seen(browser, explorer_of(dive_test_image, tmp_path), 1280)
    browser.click('button[data-layer="9"]')
    marked = browser.js("[...document.querySelectorAll('.tr .on')].map(r => r.innerText)")
    assert any("somefile1.txt" in row and "deleted by 9" in row for row in marked), marked
    assert browser.js("document.querySelectorAll('.tr .dim').length") > 0
    browser.click('button[data-layer="9"]')
    assert browser.js("document.querySelectorAll('.tr .on, .tr .dim').length") == 0


def test_without_script_the_tree_is_still_there_and_opens(browser, dive_test_image, tmp_path):
    page = explorer_of(dive_test_image, tmp_path)
    browser.page("Emulation.setScriptExecutionDisabled", value=True)
    try:
        found = seen(browser, page, PHONE)
    finally:
        browser.page("Emulation.setScriptExecutionDisabled", value=False)
    assert any(row.startswith("root/") for row in found["rows"]), found["rows"]
