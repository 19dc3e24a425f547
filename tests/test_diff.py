"""checks.inspect.diff: what was removed, added and changed between two images, by directory."""

from __future__ import annotations

import json

from checks.inspect.diff import changed, diff, render, to_dict
from checks.inspect.layers import Copy


def c(path: str, size: int, checksum: str = "") -> Copy:
    return Copy(path=path, size=size, layer=0, checksum=checksum)


BEFORE = {
    p.path: p
    for p in (
        c("usr/local/go/bin/go", 100),
        c("usr/local/go/src/x.go", 50),
        c("etc/conf", 10, "crc64:a"),
        c("etc/same", 5, "crc64:s"),
        c("usr/bin/gcc", 30),
    )
}
AFTER = {p.path: p for p in (c("greeter", 7), c("etc/conf", 12, "crc64:b"), c("etc/same", 5, "crc64:s"))}


def test_paths_only_in_a_are_removed_only_in_b_added_and_in_both_with_other_content_changed():
    result = diff(BEFORE, AFTER, a="before", b="after")
    rows = {row.directory: row for row in result.directories}
    assert rows["usr/local/go"].removed_bytes == 150
    assert rows["usr/local/go"].removed_files == 2
    assert rows[""].added_bytes == 7
    assert rows[""].added_files == 1
    assert rows["etc"].changed_files == 1
    assert rows["etc"].changed_bytes == 2
    assert result.total.net_bytes == 7 + 2 - 180
    assert result.a_bytes - result.b_bytes == 180 - 9


def test_directories_are_listed_by_the_size_of_their_change():
    result = diff(BEFORE, AFTER)
    assert [row.directory for row in result.directories] == ["usr/local/go", "usr/bin", "", "etc"]


def test_a_file_of_the_same_size_changed_only_when_both_checksums_are_of_one_kind_and_differ():
    assert changed(c("a", 1, "crc64:x"), c("a", 1, "crc64:y"))
    assert not changed(c("a", 1, "crc64:x"), c("a", 1, "crc32:y"))
    assert not changed(c("a", 1), c("a", 1, "crc64:y"))
    assert changed(c("a", 1), c("a", 2))


def test_identical_images_have_no_changes():
    result = diff(BEFORE, BEFORE)
    assert result.directories == ()
    assert result.total.net_bytes == 0


def test_the_table_shows_signed_sizes_and_file_counts_and_the_json_lists_every_directory():
    result = diff(BEFORE, AFTER, a="before", b="after")
    text = render(result, rows=2)
    assert text.splitlines()[0] == "before -> after"
    assert "/usr/local/go" in text
    assert "(2)" in text
    assert text.splitlines()[-1].lstrip().startswith("all")
    assert "... and 2 more directories" in text
    data = json.loads(json.dumps(to_dict(result)))
    assert len(data["directories"]) == 4
    assert data["total"]["net_bytes"] == -171
