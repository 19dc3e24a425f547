"""checks.inspect.layers: tar entries, and what a stack of layers shows and hides."""

from __future__ import annotations

import pytest

from checks.inspect.layers import (
    DIRECTORY,
    HARDLINK,
    INIT_LAYER,
    Entry,
    bytes_by_directory,
    clean,
    entry,
    largest,
    stack,
    visible_paths,
)
from checks.model.errors import MalformedError


def f(path: str, size: int = 0, checksum: str = "") -> Entry:
    return Entry(path=path, size=size, checksum=checksum)


def d(path: str) -> Entry:
    return Entry(path=path, size=0, type=DIRECTORY)


def wh(path: str) -> Entry:
    parent, _, name = path.rpartition("/")
    return Entry(path=f"{parent}/.wh.{name}" if parent else f".wh.{name}", size=0)


def link(path: str, target: str) -> Entry:
    return Entry(path=path, size=0, type=HARDLINK, link=target)


def test_tar_names_become_clean_relative_paths():
    assert clean("./etc/") == "etc"
    assert clean("usr//bin/gcc") == "usr/bin/gcc"
    assert clean("./") == ""


def test_an_old_style_entry_ending_in_a_slash_is_a_directory():
    assert entry("var/cache/", 0, "\0").is_dir
    assert not entry("var/cache/x", 3, "\0").is_dir


def test_a_whiteout_names_what_it_deletes_and_a_marker_does_not():
    assert wh("var/lib/apt/lists").deletes == "var/lib/apt/lists"
    assert wh("big").deletes == "big"
    assert f("cache/.wh..wh..opq").deletes is None
    assert f("cache/.wh..wh..opq").opaque == "cache"
    assert f("etc/conf").deletes is None
    assert f("etc/conf").opaque is None


def test_a_file_deleted_in_a_later_layer_is_invisible_but_still_counted_as_hidden():
    result = stack([[d("a"), f("a/big", 50)], [d("a"), wh("a/big")]])
    assert "a/big" not in result.files
    assert [(h.copy.path, h.copy.size, h.by, h.layer) for h in result.hidden] == [("a/big", 50, "a/big", 1)]


def test_deleting_a_directory_hides_every_file_under_it():
    result = stack([[d("data"), f("data/x", 3), d("data/sub"), f("data/sub/y", 2)], [wh("data")]])
    assert not [p for p in result.files if p.startswith("data")]
    assert sorted((h.copy.path, h.by) for h in result.hidden) == [("data/sub/y", "data"), ("data/x", "data")]


def test_an_overwritten_file_hides_its_older_copy_and_the_newest_one_wins():
    result = stack([[f("etc/conf", 10)], [f("etc/conf", 20)], [f("etc/conf", 5)]])
    assert result.files["etc/conf"].size == 5
    assert result.files["etc/conf"].layer == 2
    assert [(h.copy.size, h.layer) for h in result.hidden] == [(10, 1), (20, 2)]


def test_an_opaque_directory_hides_what_lower_layers_put_in_it_but_keeps_its_own_files():
    result = stack([[d("opq"), f("opq/old", 7)], [d("opq"), f("opq/.wh..wh..opq"), f("opq/new", 1)]])
    assert "opq/old" not in result.files
    assert result.files["opq/new"].size == 1
    assert [(h.copy.path, h.by) for h in result.hidden] == [("opq/old", "opq")]


def test_a_directory_re_added_in_a_later_layer_keeps_the_files_below_it():
    result = stack([[d("etc"), f("etc/a", 1)], [d("etc"), f("etc/b", 2)]])
    assert set(result.files) == {"etc/a", "etc/b"}
    assert result.hidden == ()


def test_a_file_replaced_by_a_directory_is_hidden_and_the_directory_replaces_it():
    result = stack([[f("x", 4)], [d("x"), f("x/y", 1)]])
    assert set(result.files) == {"x/y"}
    assert [h.copy.path for h in result.hidden] == ["x"]


def test_a_layer_may_imply_parent_directories_without_entries_of_their_own():
    result = stack([[f("implied/sub/f", 5)], [wh("implied")]])
    assert result.files == {}
    assert [h.copy.path for h in result.hidden] == ["implied/sub/f"]


def test_content_still_reachable_through_a_visible_hard_link_is_not_hidden():
    result = stack([[f("bin/tool", 400), link("bin/tool2", "bin/tool")], [f("bin/tool", 10)]])
    assert result.hidden == ()
    assert result.files["bin/tool2"].size == 400
    assert result.files["bin/tool"].size == 10


def test_a_whiteout_of_something_absent_changes_nothing():
    result = stack([[f("a", 1)], [wh("nothing-here")]])
    assert set(result.files) == {"a"}
    assert result.hidden == ()


def test_bytes_are_grouped_by_directory_three_levels_deep_and_files_at_the_root_count_for_the_root():
    totals = bytes_by_directory(
        [
            ("usr/lib/x86_64-linux-gnu/libc.so.6", 10),
            ("usr/lib/x86_64-linux-gnu/deep/x", 5),
            ("greeter", 7),
            ("etc/empty", 0),
        ]
    )
    assert totals == {"usr/lib/x86_64-linux-gnu": 15, "": 7}


def test_largest_lists_the_biggest_first_and_breaks_ties_by_name():
    assert largest({"b": 1, "a": 1, "c": 5}, 2) == (("c", 5), ("a", 1))


def test_the_visible_paths_are_the_files_and_directories_left_plus_the_engine_s_init_layer():
    result = stack(
        [[d("var"), d("var/lib/apt/lists"), f("var/lib/apt/lists/index", 9)], [wh("var/lib/apt/lists/index")]]
    )
    # the emptied directory is still there, so a claim that it is absent fails, as on `docker export`
    assert {"var", "var/lib", "var/lib/apt", "var/lib/apt/lists"} <= result.directories
    paths = visible_paths(result)
    assert "var/lib/apt/lists/index" not in paths
    assert paths >= INIT_LAYER
    assert paths - INIT_LAYER == {"var", "var/lib", "var/lib/apt", "var/lib/apt/lists"}


def test_a_deleted_directory_is_no_visible_path():
    result = stack([[d("data"), d("data/sub"), f("data/sub/y", 2)], [wh("data")]])
    assert not {p for p in visible_paths(result) if p.startswith("data")}


@pytest.mark.parametrize("name", [".wh.", "./.wh.", "etc/.wh."])
def test_a_whiteout_that_names_nothing_is_malformed_rather_than_a_deletion_of_its_folder(name):
    with pytest.raises(MalformedError, match="names nothing to delete"):
        entry(name, 0, "0")
