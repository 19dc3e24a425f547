"""checks.inspect.removable: which bytes need not be in an image, and where the guide removes them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checks.inspect.layers import Copy, Hidden
from checks.inspect.removable import BY_ID, CLASSES, DELETED_LATER, KEEP, classes, classify, glob_regex

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize(
    ("path", "class_id", "place"),
    [
        (
            "var/lib/apt/lists/deb.debian.org_debian_dists_trixie_InRelease",
            "package-manager-cache",
            "var/lib/apt/lists",
        ),
        ("var/cache/debconf/templates.dat", "package-manager-cache", "var/cache/debconf"),
        ("var/lib/dpkg/status-old", "package-manager-cache", "var/lib/dpkg/status-old"),
        ("root/.cache/pip/http/ab/cd", "build-caches", "root/.cache"),
        ("root/.npm/_cacache/index", "npm-cache", "root/.npm"),
        ("app/node_modules/express/History.md", "node-modules-clutter", "app/node_modules/express/History.md"),
        ("app/node_modules/qs/test/parse.js", "node-modules-clutter", "app/node_modules/qs/test"),
        ("usr/libexec/gcc/x86_64-linux-gnu/14/cc1", "build-toolchain", "usr/libexec/gcc"),
        ("usr/bin/x86_64-linux-gnu-gcc-14", "build-toolchain", "usr/bin/x86_64-linux-gnu-gcc-14"),
        ("usr/local/go/pkg/tool/linux_amd64/compile", "build-toolchain", "usr/local/go"),
        ("usr/lib/go-1.24/bin/go", "build-toolchain", "usr/lib/go-1.24"),
        ("usr/local/rustup/toolchains/stable/bin/rustc", "build-toolchain", "usr/local/rustup"),
        ("usr/include/stdio.h", "headers-static-libs", "usr/include"),
        ("usr/lib/x86_64-linux-gnu/libc.a", "headers-static-libs", "usr/lib/x86_64-linux-gnu/libc.a"),
        ("usr/share/doc/git/README", "docs-man", "usr/share/doc"),
        ("usr/share/man/man1/ls.1.gz", "docs-man", "usr/share/man"),
        (
            "usr/lib/python3/dist-packages/yaml/__pycache__/x.cpython-313.pyc",
            "python-bytecode",
            "usr/lib/python3/dist-packages/yaml/__pycache__",
        ),
        (
            "usr/local/lib/python3.13/site-packages/numpy/tests/test_a.py",
            "package-tests",
            "usr/local/lib/python3.13/site-packages/numpy/tests",
        ),
        (
            "usr/local/lib/python3.13/dist-packages/numpy/_core/tests/__pycache__/t.pyc",
            "package-tests",
            "usr/local/lib/python3.13/dist-packages/numpy/_core/tests",
        ),
        ("src/.git/objects/pack/p.pack", "git-metadata", "src/.git"),
    ],
)
def test_a_path_is_claimed_by_its_class_and_grouped_under_what_the_pattern_names(path, class_id, place):
    assert classify(path) == (class_id, place)


@pytest.mark.parametrize(
    "path",
    [
        "greeter",
        "usr/lib/x86_64-linux-gnu/libc.so.6",
        "etc/ssl/certs/ca-certificates.crt",
        "usr/bin/bash",
        "usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "app/main.py",
        "usr/local/bin/greeter",
        "usr/share/gcc/python/libstdcxx/v6/printers.py",
        "usr/share/doc/libc6/copyright",
    ],
)
def test_what_an_app_needs_at_run_time_is_in_no_class(path):
    assert classify(path) is None


def test_the_first_class_that_matches_wins_so_no_byte_counts_twice():
    # libgcc.a is both a static library and part of gcc: the toolchain comes first.
    assert classify("usr/lib/gcc/x86_64-linux-gnu/14/libgcc.a") == ("build-toolchain", "usr/lib/gcc")


def test_patterns_translate_stars_as_the_shell_does_and_double_stars_across_directories():
    body, tree = glob_regex("**/site-packages/*/tests/**")
    assert tree
    assert re.fullmatch(body, "usr/lib/python3/site-packages/pkg/tests")
    assert re.fullmatch(body, "site-packages/pkg/tests")
    assert not re.fullmatch(body, "usr/site-packages/a/b/tests")


def test_every_class_has_a_unique_id_a_guide_page_and_a_url_to_its_section():
    assert len(BY_ID) == len(CLASSES) + 1
    for removable in BY_ID.values():
        assert any((DOCS / removable.page).with_suffix(s).is_file() for s in (".rst", ".md")), removable.page
        assert removable.section.url().endswith(f"/{removable.page}.html#{removable.id}")


def test_classes_add_up_visible_bytes_and_hidden_copies_largest_first():
    files = [
        Copy(path="usr/include/a.h", size=10, layer=0),
        Copy(path="usr/include/b.h", size=5, layer=0),
        Copy(path="usr/share/doc/x", size=30, layer=1),
        Copy(path="greeter", size=1000, layer=2),
        Copy(path="usr/share/doc/empty", size=0, layer=1),
    ]
    hidden = [Hidden(copy=Copy(path="big", size=50, layer=0), by="big", layer=1)]
    found = classes(files, hidden)
    assert [(c.id, c.size_bytes, c.files) for c in found] == [
        (DELETED_LATER.id, 50, 1),
        ("docs-man", 30, 1),
        ("headers-static-libs", 15, 2),
    ]
    assert found[2].top == (("usr/include", 15),)
    assert found[0].removable is DELETED_LATER


def test_hidden_copies_are_grouped_by_what_hid_them():
    hidden = [Hidden(copy=Copy(path=f"data/{n}", size=n, layer=0), by="data", layer=2) for n in (1, 2, 3)]
    (found,) = classes([], hidden)
    assert found.top == (("data", 6),)
    assert found.files == 3


def _one_expression(path: str) -> tuple[str, str] | None:
    """What the patterns say of ``path`` as one expression of every pattern in order (the first match wins)."""
    owners, alternatives = [], []
    for c in (KEEP, *CLASSES):
        for pattern in c.patterns:
            body, tree = glob_regex(pattern)
            alternatives.append(f"(?P<g{len(owners)}>{body})" + ("(?:/.*)?" if tree else ""))
            owners.append(c.id)
    found = re.match("(?:" + "|".join(alternatives) + r")\Z", path)
    if found is None or owners[int(found.lastgroup[1:])] == KEEP.id:
        return None
    return owners[int(found.lastgroup[1:])], found.group(found.lastgroup)


FOLDERS = (
    "usr", "lib", "local", "share", "bin", "go", "gcc", "doc", "man", "include", "var", "cache", "apt", "root",
    "home", "tmp", "node_modules", "site-packages", "dist-packages", "tests", "test", "__pycache__", ".git",
    "pkgconfig", "python3.13", "x86_64-linux-gnu", "go-1.24", "copyright", "libc.a", "m.pyc", "a.pc", "x.map",
    "README.md", "app", ".npm", ".cache", "locale", "libbfd.so", "gcc-14", "c++", "ld",
)  # fmt: skip


@given(st.lists(st.sampled_from(FOLDERS), min_size=1, max_size=7))
def test_each_path_tries_only_the_patterns_that_can_match_it_with_the_same_answer_as_all_of_them(folders):
    path = "/".join(folders)
    assert classify(path) == _one_expression(path)
