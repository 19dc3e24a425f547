"""Finding the host's Debian mirror from apt sources (checks/setup/mirror.py), on fake /etc/apt trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.setup import mirror

DEBIAN_SOURCES = """\
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie trixie-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""


def apt_tree(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


# the one-line format


@pytest.mark.parametrize(
    ("line", "uri"),
    [
        ("deb http://deb.debian.org/debian trixie main", "http://deb.debian.org/debian"),
        ("deb [signed-by=/usr/share/keyrings/d.gpg] http://m.example/debian trixie main", "http://m.example/debian"),
        ("deb [ arch=amd64 signed-by=/k.gpg ] http://m.example/debian/ trixie main", "http://m.example/debian/"),
        ("deb [arch=amd64,arm64 trusted=yes] https://m.example/debian trixie main # fast", "https://m.example/debian"),
        ("  deb\thttp://tabs.example/debian  trixie main", "http://tabs.example/debian"),
    ],
    ids=["plain", "signed-by", "spaced-options", "options-and-comment", "white-space"],
)
def test_one_line_sources_give_the_uri_of_each_deb_line(line, uri):
    assert mirror._one_line_uris(line + "\n") == [uri]


@pytest.mark.parametrize(
    "line",
    ["deb-src http://deb.debian.org/debian trixie main", "# deb http://deb.debian.org/debian trixie main", "", "#"],
    ids=["deb-src", "commented-out", "empty", "bare-comment"],
)
def test_one_line_sources_skip_what_is_not_a_deb_line(line):
    assert mirror._one_line_uris(line) == []


def test_one_line_sources_keep_the_order_of_lines():
    text = (
        "deb http://a.example/debian trixie main\n"
        "deb-src http://b.example/debian trixie main\n"
        "deb http://c.example/debian trixie main\n"
    )
    assert mirror._one_line_uris(text) == ["http://a.example/debian", "http://c.example/debian"]


# the deb822 format


def test_deb822_sources_give_every_uri_of_enabled_deb_stanzas():
    uris = mirror._deb822_uris(DEBIAN_SOURCES)
    assert uris == ["http://deb.debian.org/debian", "http://deb.debian.org/debian-security"]


def test_deb822_sources_skip_disabled_stanzas():
    text = DEBIAN_SOURCES.replace("Components: main\nSigned-By", "Enabled: no\nComponents: main\nSigned-By", 1)
    assert mirror._deb822_uris(text) == ["http://deb.debian.org/debian-security"]


def test_deb822_sources_skip_source_only_stanzas_and_read_several_uris():
    text = (
        "Types: deb-src\nURIs: http://src.example/debian\nSuites: trixie\n\n"
        "# a comment line\ntypes: deb deb-src\nuris: http://a.example/debian http://b.example/debian\nSuites: trixie\n"
    )
    assert mirror._deb822_uris(text) == ["http://a.example/debian", "http://b.example/debian"]


def test_deb822_sources_ignore_continuation_lines_of_an_inline_key():
    text = (
        "Types: deb\nURIs: http://m.example/debian\nSuites: trixie\nSigned-By:\n"
        " -----BEGIN PGP PUBLIC KEY BLOCK-----\n URIs: http://evil.example/debian\n .\n"
        " -----END PGP PUBLIC KEY BLOCK-----\n"
    )
    assert mirror._deb822_uris(text) == ["http://m.example/debian"]


# choosing the mirror


@pytest.mark.parametrize(
    ("uris", "picked"),
    [
        (["http://deb.debian.org/debian-security", "http://deb.debian.org/debian"], "http://deb.debian.org/debian"),
        (["http://security.debian.org/debian", "http://m.example/debian/"], "http://m.example/debian"),
        (["http://deb.debian.org/debian-ports", "http://archive.ubuntu.com/ubuntu"], None),
        ([], None),
    ],
    ids=["skips-debian-security", "skips-security-host", "none-is-debian", "nothing"],
)
def test_pick_mirror_takes_the_first_main_debian_archive(uris, picked):
    assert mirror.pick_mirror(uris) == picked


def test_pick_mirror_keeps_the_order_it_is_given():
    uris = ["http://first.example/debian", "http://second.example/debian"]
    assert mirror.pick_mirror(uris) == "http://first.example/debian"


# host_mirror on a fake /etc/apt


def test_host_mirror_reads_deb822_files_in_sources_list_d(tmp_path):
    local = DEBIAN_SOURCES.replace("http://deb.debian.org", "http://local.mirror")
    root = apt_tree(tmp_path, {"sources.list.d/debian.sources": local})
    assert mirror.host_mirror(root) == "http://local.mirror/debian"


def test_host_mirror_reads_one_line_files_and_skips_security(tmp_path):
    root = apt_tree(
        tmp_path,
        {
            "sources.list": "deb http://security.debian.org/debian-security trixie-security main\n"
            "deb http://m.example/debian/ trixie main\n"
        },
    )
    assert mirror.host_mirror(root) == "http://m.example/debian"


def test_host_mirror_prefers_sources_list_then_the_d_files_in_name_order(tmp_path):
    root = apt_tree(
        tmp_path,
        {
            "sources.list": "# nothing here\n",
            "sources.list.d/20-second.list": "deb http://second.example/debian trixie main\n",
            "sources.list.d/10-first.sources": "Types: deb\nURIs: http://first.example/debian\nSuites: trixie\n",
        },
    )
    assert mirror.host_mirror(root) == "http://first.example/debian"
    (root / "sources.list").write_text("deb http://main.example/debian trixie main\n", encoding="utf-8")
    assert mirror.host_mirror(root) == "http://main.example/debian"


def test_host_mirror_ignores_files_with_other_suffixes(tmp_path):
    root = apt_tree(
        tmp_path,
        {
            "sources.list.d/old.list.disabled-by-farm": "deb http://disabled.example/debian trixie main\n",
            "sources.list.d/old.sources.save": "Types: deb\nURIs: http://saved.example/debian\n",
            "sources.list.d/nodesource.sources": "Types: deb\nURIs: https://deb.nodesource.com/node_22.x\n",
        },
    )
    assert mirror.host_mirror(root) is None


@pytest.mark.parametrize("tree", [{}, {"sources.list": ""}], ids=["empty-folder", "empty-file"])
def test_host_mirror_is_none_when_no_debian_archive_is_named(tmp_path, tree):
    assert mirror.host_mirror(apt_tree(tmp_path, tree)) is None


def test_host_mirror_is_none_for_a_missing_folder(tmp_path):
    assert mirror.host_mirror(tmp_path / "no-such-apt") is None


def test_main_prints_the_mirror(monkeypatch, capsys):
    monkeypatch.setattr(mirror, "host_mirror", lambda: "http://m.example/debian")
    assert mirror.main() == 0
    assert capsys.readouterr().out == "http://m.example/debian\n"


def test_main_exits_1_and_says_why_without_a_mirror(monkeypatch, capsys):
    monkeypatch.setattr(mirror, "host_mirror", lambda: None)
    assert mirror.main() == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no Debian archive found" in captured.err
