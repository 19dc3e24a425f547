"""checks.inspect.explorer and ``analyze --html``: one self-contained page, rendered from analyze's data, written
whole or not at all, secrets redacted as in every other output (no Docker: archives made here)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from analyze_images import directory, docker_archive, file, whiteout
from fake_secrets import SECRETS, written

from checks import cli
from checks.inspect.analyze import analysis_of, to_dict
from checks.inspect.explorer import body, packages_section
from checks.inspect.filetree import tree
from checks.inspect.layers import Copy
from checks.inspect.layout import read_path


@pytest.fixture
def image(tmp_path: Path) -> Path:
    """Two layers: a compiler deleted later, a config written twice, apt's lists, an app."""
    layers = [
        [
            directory("usr"),
            file("usr/lib/gcc/cc1", 400_000),
            file("etc/conf", 10_000),
            file("var/lib/apt/lists/Packages", 50_000),
        ],
        [directory("usr"), whiteout("usr/lib/gcc"), file("etc/conf", 20_000), file("srv/app", 600_000)],
    ]
    path = tmp_path / "app.tar"
    path.write_bytes(docker_archive(layers, tag="app:1", history=["ADD rootfs.tar /", "RUN make && rm -rf gcc"]))
    return path


class Page(HTMLParser):
    """What a browser would fetch for a page, and its text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag in ("script", "img", "iframe", "link", "source", "video", "audio", "object", "embed"):
            self.fetched += [v for k, v in attrs if k in ("src", "href", "data") and v]
        if tag == "a":
            self.links.append(found.get("href", ""))

    def handle_data(self, data):
        self.text.append(data)


def written_page(image: Path, tmp_path: Path, capsys) -> str:
    target = tmp_path / "explorer.html"
    assert cli.main(["analyze", str(image), "--html", str(target)]) == 0
    capsys.readouterr()
    return target.read_text(encoding="utf-8")


def test_the_page_fetches_nothing_its_style_and_script_are_inline(image, tmp_path, capsys):
    text = written_page(image, tmp_path, capsys)
    page = Page(text)
    assert page.fetched == []
    assert not re.search(r"@import|url\(|@font-face", text)
    assert text.count("<style>") == 1
    assert text.count("<script>") == 1
    assert all(re.search(r"\.html#[\w-]+$", link) for link in page.links)  # the guide's sections, nothing else


def test_the_page_shows_every_layer_with_its_instruction_and_bytes(image, tmp_path, capsys):
    text = " ".join(Page(written_page(image, tmp_path, capsys)).text)
    assert "ADD rootfs.tar /" in text
    assert "RUN make && rm -rf gcc" in text
    assert "460 kB" in text
    assert "620 kB" in text


def test_the_tree_marks_what_each_layer_added_changed_or_deleted(image, tmp_path, capsys):
    text = written_page(image, tmp_path, capsys)
    assert re.search(r'class="r changed"[^>]*><span class="n">conf</span>', text)
    assert re.search(r'class="r deleted rm"[^>]*><span class="n">cc1</span>', text)
    assert "<b>deleted</b> by 1 (added by 0)" in text
    assert re.search(r'class="r added"[^>]*><span class="n">app</span>', text)


def test_removable_classes_link_the_guide_section_that_removes_them(image, tmp_path, capsys):
    text = written_page(image, tmp_path, capsys)
    assert "only-what-runs.html#package-manager-cache" in text
    assert "layers.html#deleted-later" in text


def test_the_folding_rule_is_stated_with_the_size_it_comes_to(image, tmp_path, capsys):
    text = written_page(image, tmp_path, capsys)
    assert "Each folder lists its 8 largest entries and every other one of at least 1 kB (1/1,000" in text


def test_a_secret_in_a_layer_s_file_name_and_its_instruction_is_absent_from_the_page(tmp_path, capsys):
    secret = SECRETS[1]
    layers = [[file(f"srv/{written(secret)}", 3000), file("root/.env", f"TOKEN={written(secret)}\n".encode())]]
    image = tmp_path / "leaky.tar"
    image.write_bytes(docker_archive(layers, tag="t:1", history=[f"RUN /bin/sh -c echo {written(secret)} > x"]))
    text = written_page(image, tmp_path, capsys)
    assert secret.tell not in text
    assert 'id="secrets"' in text
    assert "github-token" in text


def test_the_page_is_written_whole_or_not_at_all(tmp_path, capsys):
    broken = tmp_path / "broken.tar"
    broken.write_bytes(b"not a tar" * 100)
    target = tmp_path / "explorer.html"
    assert cli.main(["analyze", str(broken), "--html", str(target)]) == 2
    assert list(tmp_path.iterdir()) == [broken]


def test_packages_are_rendered_largest_first_when_the_analysis_names_them(image):
    data = {**to_dict(analysis_of(read_path(str(image)))), "packages": PACKAGES}
    root = tree({})
    text = body(data, root, rule="", learn_secrets="")
    assert 'id="packages"' in text
    assert text.index("libpython3.12") < text.index("gcc-14") < text.index("<i>no package</i>")
    assert "3.12.8-1" in text
    assert "4,212" in text


def test_without_packages_the_page_has_no_packages_section(image):
    # analyze leaves the key out when it read no package records (a storage driver other than overlay2)
    data = {key: value for key, value in to_dict(analysis_of(read_path(str(image)))).items() if key != "packages"}
    assert 'id="packages"' not in body(data, tree({}), rule="", learn_secrets="")


PACKAGES = [
    {"manager": "dpkg", "name": "gcc-14", "version": "14.2.0-19", "size_bytes": 40_000_000, "files": 30, "layer": 1},
    {"manager": "none", "name": "", "version": "", "size_bytes": 2_000_000, "files": 12, "layer": None},
    {
        "manager": "dpkg",
        "name": "libpython3.12",
        "version": "3.12.8-1",
        "size_bytes": 60_000_000,
        "files": 4212,
        "layer": 0,
    },
]


def test_a_package_s_cells_are_escaped():
    text = packages_section([{"manager": "npm", "name": "<script>x</script>", "version": "1", "size_bytes": 1}])
    assert "<script>" not in text
    assert "&lt;script&gt;" in text


def test_a_removable_class_is_named_where_it_starts_below_the_root_and_not_again_under_it():
    files = [Copy(path=p, size=s, layer=0) for p, s in (("usr/lib/gcc/cc1", 9000), ("usr/lib/gcc/x/as", 900))]
    url = "multi-stage.html#build-toolchain"
    data = {
        **dict.fromkeys(("size_bytes", "efficiency", "wasted_bytes", "reclaimable_bytes", "removable_bytes"), 1),
        "image": "t:1",
        "layers": [],
        "classes": {"build-toolchain": {"title": "Compilers", "size_bytes": 9900, "url": url}},
    }
    text = body(data, tree(files), rule="", learn_secrets="")
    assert text.count(f'href="{url}"') == 2  # the usr/ row's and the removable section's
    assert re.search(r'<span class="n">usr/</span><span class="s">[^<]*</span><span class="t"><span><a href', text)
