"""checks.inspect.packages: each file of the final image attributed to its package, the layer that brought each,
what analyze and diff show of them, and the databases a layer walk keeps as it streams."""

from __future__ import annotations

import io
import json

from analyze_images import file, layer_tar

from checks.inspect.analyze import analysis_of, render, to_dict
from checks.inspect.archive import ImageContents, layer_entries
from checks.inspect.diff import diff
from checks.inspect.diff import render as diff_render
from checks.inspect.diff import to_dict as diff_dict
from checks.inspect.layers import Copy, Entry
from checks.inspect.packages import NONE, UNOWNED, Package, attribute, compare
from checks.inspect.pkgdb import Kept
from checks.inspect.tar import Reader

STATUS_1 = b"Package: libc6\nStatus: install ok installed\nVersion: 2.41\n"
STATUS_2 = STATUS_1 + b"\nPackage: gcc-14\nStatus: install ok installed\nVersion: 14.2\n"
SITE = "usr/local/lib/python3.13/site-packages"


def kept(files: dict[str, bytes]) -> Kept:
    return Kept(files=dict(files), size=sum(map(len, files.values())))


def copies(*rows: tuple[str, int, int]) -> dict[str, Copy]:
    return {path: Copy(path=path, size=size, layer=layer) for path, size, layer in rows}


#: Layer 0: Debian with libc6 (usr-merged: its list says /lib, the file is in usr/lib).  Layer 1: apt-get install
#: gcc, which rewrites the status file.  Layer 2: pip install numpy, and an app with two npm packages, one nested.
LAYERS = (
    kept({"var/lib/dpkg/status": STATUS_1, "var/lib/dpkg/info/libc6.list": b"/lib/libc.so.6\n"}),
    kept({"var/lib/dpkg/status": STATUS_2, "var/lib/dpkg/info/gcc-14.list": b"/usr\n/usr/bin/gcc-14\n"}),
    kept(
        {
            f"{SITE}/numpy-2.1.dist-info/RECORD": (
                b"numpy/core.so,,\n../../../bin/f2py,,\nnumpy-2.1.dist-info/RECORD,,\n"
            ),
            "app/node_modules/a/package.json": b'{"name": "a", "version": "1.0.0"}',
            "app/node_modules/a/node_modules/b/package.json": b'{"name": "b", "version": "2.0.0"}',
        }
    ),
)
FILES = copies(
    ("var/lib/dpkg/status", 150, 1),
    ("var/lib/dpkg/info/libc6.list", 15, 0),
    ("var/lib/dpkg/info/gcc-14.list", 20, 1),
    ("usr/lib/libc.so.6", 2_000, 0),
    ("usr/bin/gcc-14", 50_000, 1),
    (f"{SITE}/numpy/core.so", 30_000, 2),
    ("usr/local/bin/f2py", 100, 2),
    (f"{SITE}/numpy-2.1.dist-info/RECORD", 60, 2),
    ("app/node_modules/a/package.json", 34, 2),
    ("app/node_modules/a/index.js", 1_000, 2),
    ("app/node_modules/a/node_modules/b/package.json", 34, 2),
    ("app/node_modules/a/node_modules/b/lib/b.js", 500, 2),
    ("app/server.js", 7, 2),
)


def by_name(packages):
    return {p.name: p for p in packages}


def test_each_file_is_attributed_to_the_package_whose_record_lists_it_and_the_rest_to_no_package():
    packages, notes = attribute(LAYERS, FILES)
    found = by_name(packages)
    assert found["gcc-14"] == Package(
        manager="dpkg", name="gcc-14", version="14.2", size_bytes=50_000, files=1, layer=1
    )
    assert (found["libc6"].size_bytes, found["libc6"].files) == (2_000, 1)  # /lib/libc.so.6 found in usr/lib
    assert (found["numpy"].manager, found["numpy"].size_bytes, found["numpy"].files) == ("pip", 30_160, 3)
    assert found[UNOWNED].manager == NONE
    assert found[UNOWNED].size_bytes == 150 + 15 + 20 + 7
    assert sum(p.size_bytes for p in packages) == sum(c.size for c in FILES.values())  # each byte once
    assert notes == ()


def test_an_npm_package_owns_its_folder_but_what_a_nested_package_owns():
    found = by_name(attribute(LAYERS, FILES)[0])
    assert (found["a"].size_bytes, found["a"].files, found["a"].version) == (1_034, 2, "1.0.0")
    assert (found["b"].size_bytes, found["b"].files) == (534, 2)


def test_packages_come_largest_first_with_the_unowned_row_among_them():
    sizes = [p.size_bytes for p in attribute(LAYERS, FILES)[0]]
    assert sizes == sorted(sizes, reverse=True)


def test_a_dpkg_package_s_layer_is_where_its_record_first_appears_not_where_its_bytes_are():
    files = {**FILES, **copies(("usr/lib/libc.so.6", 2_000, 2))}  # libc6's file rewritten in layer 2
    found = by_name(attribute(LAYERS, files)[0])
    assert found["libc6"].layer == 0
    assert found["gcc-14"].layer == 1


def test_a_pip_package_s_layer_is_where_most_of_its_bytes_came_from():
    files = {**FILES, **copies(("usr/local/bin/f2py", 100, 1))}
    assert by_name(attribute(LAYERS, files)[0])["numpy"].layer == 2


def test_the_databases_read_are_the_final_image_s_a_record_deleted_or_replaced_later_is_not():
    files = dict(FILES)
    del files["var/lib/dpkg/status"]  # a later layer deleted the status file
    assert "gcc-14" not in by_name(attribute(LAYERS, files)[0])
    older = {**FILES, **copies(("var/lib/dpkg/status", 70, 0))}  # the copy a container sees is layer 0's
    assert "gcc-14" not in by_name(attribute(LAYERS, older)[0])


def test_a_database_too_large_to_keep_is_a_note_and_its_files_are_no_package_s():
    layers = (Kept(skipped=["var/lib/dpkg/status"]),)
    packages, notes = attribute(layers, copies(("var/lib/dpkg/status", 99, 0), ("usr/bin/x", 5, 0)))
    assert [p.name for p in packages] == [UNOWNED]
    assert notes == (
        "/var/lib/dpkg/status is too large to read as a package record, so its files count as no package's",
    )


def test_an_image_with_no_files_has_no_rows():
    assert attribute((), {}) == ((), ())


def test_a_layer_walk_keeps_the_databases_it_streams_past_and_still_checksums_them():
    tar = layer_tar([file("var/lib/dpkg/status", STATUS_1), file("usr/bin/x", 10), file("app/package.json", b"{}")])
    layer = Kept()
    entries = layer_entries(Reader(io.BytesIO(tar)), kept=layer)
    assert layer.files == {"var/lib/dpkg/status": STATUS_1}
    assert entries == layer_entries(Reader(io.BytesIO(tar)))  # the same entries, checksums included


def contents(layers, records) -> ImageContents:
    return ImageContents(
        ref="demo:1",
        image_id="sha256:abc",
        size_bytes=0,
        history=tuple({"created_by": f"RUN step {i}"} for i in range(len(layers))),
        layers=layers,
        source="docker-archive",
        records=records,
    )


IMAGE_LAYERS = tuple(
    tuple(Entry(path=c.path, size=c.size) for c in FILES.values() if c.layer == index) for index in range(3)
)


def test_analyze_shows_the_largest_packages_with_their_layer_and_json_lists_them_all():
    analysis = analysis_of(contents(IMAGE_LAYERS, LAYERS))
    report = render(analysis)
    assert "packages by bytes (5 in all" in report
    row = next(line for line in report.splitlines() if " dpkg " in line and "gcc-14" in line)
    assert row.split() == ["50", "kB", "1", "dpkg", "gcc-14", "14.2", "1"]
    listed = json.loads(json.dumps(to_dict(analysis)))["packages"]
    assert listed[0] == {
        "manager": "dpkg",
        "name": "gcc-14",
        "version": "14.2",
        "size_bytes": 50_000,
        "files": 1,
        "layer": 1,
    }
    assert {p["manager"] for p in listed} == {"dpkg", "pip", "npm", "none"}


def test_without_records_analyze_says_nothing_of_packages():
    analysis = analysis_of(contents(IMAGE_LAYERS, None))
    assert "packages" not in to_dict(analysis)
    assert "packages by bytes" not in render(analysis)


def pkg(name: str, size: int, version: str = "1", manager: str = "dpkg") -> Package:
    return Package(manager=manager, name=name, version=version, size_bytes=size, files=1, layer=0)


def test_diff_names_the_packages_added_removed_and_grown():
    a = [pkg("gcc-14", 70_000_000), pkg("libc6", 12_000_000, "2.41"), pkg("numpy", 60, manager="pip")]
    b = [pkg("libc6", 12_500_000, "2.42"), pkg("numpy", 60, manager="pip"), pkg("express", 900, manager="npm")]
    result = compare(a, b)
    assert [c.name for c in result.removed] == ["gcc-14"]
    assert [c.name for c in result.added] == ["express"]
    assert [(c.name, c.a_version, c.b_version) for c in result.grown] == [("libc6", "2.41", "2.42")]


def test_diff_shows_packages_in_text_and_json_when_both_images_have_them():
    files = {"usr/bin/gcc": Copy(path="usr/bin/gcc", size=70, layer=0)}
    result = diff(files, {}, a="before", b="after", packages=([pkg("gcc-14", 70)], []))
    assert "packages removed (1):" in diff_render(result)
    assert diff_dict(result)["packages"]["removed"][0]["name"] == "gcc-14"
    without = diff(files, {}, packages=([pkg("gcc-14", 70)], None))
    assert "packages" not in diff_dict(without)
    assert "packages removed" not in diff_render(without)
