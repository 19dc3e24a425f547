"""checks.inspect.pkgdb: which files are package databases, what each manager's records say, and hostile records."""

from __future__ import annotations

import pytest

from checks.inspect.pkgdb import FILE_LIMIT, LAYER_LIMIT, Kept, apk, dpkg, npm, pip, records

STATUS = b"""Package: gcc-14
Status: install ok installed
Architecture: amd64
Version: 14.2.0-19
Description: GNU C compiler
 a continuation line: Package: not-a-package

Package: removed-one
Status: deinstall ok config-files
Version: 1.0

Package: libc6
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Version: 2.41-12
"""
LISTS = {
    "var/lib/dpkg/info/gcc-14.list": b"/.\n/usr\n/usr/bin\n/usr/bin/gcc-14\n",
    "var/lib/dpkg/info/libc6:amd64.list": b"/lib/x86_64-linux-gnu/libc.so.6\n",
}


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("var/lib/dpkg/status", True),
        ("./var/lib/dpkg/status", True),
        ("var/lib/dpkg/status-old", False),
        ("var/lib/dpkg/info/gcc-14.list", True),
        ("var/lib/dpkg/info/gcc-14.md5sums", False),
        ("var/lib/dpkg/status.d/base-files", True),
        ("var/lib/dpkg/status.d/base-files.md5sums", True),
        ("lib/apk/db/installed", True),
        ("usr/lib/python3/site-packages/numpy-2.1.dist-info/RECORD", True),
        ("opt/venv/lib/python3.13/site-packages/numpy-2.1.dist-info/METADATA", True),
        ("opt/venv/lib/python3.13/site-packages/numpy/RECORD", False),
        ("app/node_modules/express/package.json", True),
        ("app/node_modules/@types/node/package.json", True),
        ("app/node_modules/express/lib/package.json", False),
        ("app/package.json", False),
    ],
)
def test_a_layer_walk_keeps_the_package_databases_and_nothing_else(path, kept):
    assert Kept().wants(path, 100, "0") is kept


def test_a_database_over_its_limit_or_the_layer_s_is_passed_over_and_named():
    kept = Kept()
    assert not kept.wants("var/lib/dpkg/status", FILE_LIMIT + 1, "0")
    kept.keep("lib/apk/db/installed", b"x")
    kept.size = LAYER_LIMIT
    assert not kept.wants("var/lib/dpkg/info/a.list", 10, "0")
    assert kept.skipped == ["var/lib/dpkg/status", "var/lib/dpkg/info/a.list"]


def test_a_link_or_a_folder_with_a_database_s_name_is_not_read():
    assert not Kept().wants("var/lib/dpkg/status", 0, "2")
    assert not Kept().wants("lib/apk/db/installed", 0, "5")


def test_dpkg_lists_installed_packages_with_their_files_and_leaves_out_removed_ones():
    notes: list[str] = []
    found = {r.name: r for r in dpkg({"var/lib/dpkg/status": STATUS, **LISTS}, notes)}
    assert sorted(found) == ["gcc-14", "libc6"]
    assert found["gcc-14"].version == "14.2.0-19"
    assert found["gcc-14"].paths == ("usr", "usr/bin", "usr/bin/gcc-14")
    assert found["libc6"].paths == ("lib/x86_64-linux-gnu/libc.so.6",)  # its list is named with its architecture
    assert notes == []


def test_distroless_status_d_gives_one_package_a_file_and_its_paths_from_md5sums():
    files = {
        "var/lib/dpkg/status.d/base-files": b"Package: base-files\nVersion: 13\n",
        "var/lib/dpkg/status.d/base-files.md5sums": b"d41d8cd98f00b204e9800998ecf8427e  etc/debian_version\n",
    }
    (record,) = dpkg(files, [])
    assert (record.name, record.version, record.paths) == ("base-files", "13", ("etc/debian_version",))


def test_apk_joins_each_file_to_the_folder_named_before_it():
    db = (
        b"C:Q1abc=\nP:musl\nV:1.2.5-r0\nF:lib\nR:ld-musl-x86_64.so.1\nR:libc.musl-x86_64.so.1\n\n"
        b"P:busybox\nV:1.36\nR:rootfile\nF:bin\nR:busybox\n"
    )
    found = {r.name: r for r in apk({"lib/apk/db/installed": db}, [])}
    assert found["musl"].paths == ("lib/ld-musl-x86_64.so.1", "lib/libc.musl-x86_64.so.1")
    assert found["busybox"].paths == ("rootfile", "bin/busybox")
    assert found["musl"].version == "1.2.5-r0"


def test_pip_reads_record_paths_relative_to_site_packages_and_the_name_from_metadata():
    site = "opt/venv/lib/python3.13/site-packages"
    files = {
        f"{site}/numpy-2.1.0.dist-info/RECORD": (
            b"numpy/__init__.py,sha256=abc,100\n"
            b'"numpy/odd,name.py",,\n'
            b"../../../bin/f2py,sha256=x,10\n"
            b"numpy-2.1.0.dist-info/RECORD,,\n"
        ),
        f"{site}/numpy-2.1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: numpy\nVersion: 2.1.0\n\nName: no\n",
        f"{site}/mmh3-5.0.dist-info/RECORD": b"mmh3.so,,\n",
    }
    found = {r.name: r for r in pip(files, [])}
    assert found["numpy"].version == "2.1.0"
    assert found["numpy"].paths == (
        f"{site}/numpy/__init__.py",
        f"{site}/numpy/odd,name.py",
        "opt/venv/bin/f2py",
        f"{site}/numpy-2.1.0.dist-info/RECORD",
    )
    assert (found["mmh3"].version, found["mmh3"].paths) == ("5.0", (f"{site}/mmh3.so",))  # from the folder's name


def test_npm_names_a_package_from_its_package_json_and_its_folder_when_that_is_not_json():
    notes: list[str] = []
    files = {
        "app/node_modules/express/package.json": b'{"name": "express", "version": "4.21.2"}',
        "app/node_modules/@scope/broken/package.json": b"{not json",
        "app/node_modules/odd/package.json": b'["a list"]',
    }
    found = {r.folder: r for r in npm(files, notes)}
    assert (found["app/node_modules/express"].name, found["app/node_modules/express"].version) == ("express", "4.21.2")
    assert found["app/node_modules/@scope/broken"].name == "@scope/broken"
    assert found["app/node_modules/odd"].name == "odd"
    assert notes == ["/app/node_modules/@scope/broken/package.json: not JSON, so its name is its folder's"]


HOSTILE = [
    b"",
    b"\x00\xff\xfe" * 1000,
    b"Package:\nVersion: 1\n",
    b"Version: 1\nStatus: install ok installed\n",
    b"::::\n\n\n\n",
    b"Package: a\nStatus: install ok installed\n" * 3,
    "Package: ünïcode\nStatus: install ok installed\n".encode("utf-16"),
]


@pytest.mark.parametrize("data", HOSTILE)
def test_a_malformed_database_of_any_manager_is_at_most_a_note_never_an_error(data):
    notes: list[str] = []
    files = {
        "var/lib/dpkg/status": data,
        "var/lib/dpkg/info/a.list": data,
        "var/lib/dpkg/status.d/x": data,
        "lib/apk/db/installed": data,
        "s/x-1.dist-info/RECORD": data + b'\n"unclosed,\x00',
        "s/x-1.dist-info/METADATA": data,
        "node_modules/a/package.json": data,
        "node_modules/deep/package.json": b"[" * 100_000,
    }
    found = records(files, notes)
    assert all(isinstance(note, str) for note in notes)
    assert {r.manager for r in found} >= {"pip", "npm"}


def test_a_stanza_with_no_package_name_is_a_note():
    notes: list[str] = []
    assert dpkg({"var/lib/dpkg/status": b"Version: 1\nStatus: install ok installed\n"}, notes) == []
    assert notes == ["/var/lib/dpkg/status: a stanza with no Package field, passed over"]
