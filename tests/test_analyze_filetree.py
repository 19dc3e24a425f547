"""checks.inspect.filetree: the explorer's tree of an image, what each layer added, changed or deleted, small
entries folded into one row per folder; and its JSON form (checks.model.filetree)."""

from __future__ import annotations

from checks.inspect.analyze import analysis_of
from checks.inspect.archive import ImageContents
from checks.inspect.filetree import HTML, Fold, refolded, tree
from checks.inspect.layers import DIRECTORY, HARDLINK, Entry
from checks.model.filetree import ADDED, CHANGED, DELETED, Node, count, from_rows, to_rows


def f(path: str, size: int = 0) -> Entry:
    return Entry(path=path, size=size)


def d(path: str) -> Entry:
    return Entry(path=path, size=0, type=DIRECTORY)


def tree_of(*layers, fold: Fold = HTML) -> Node:
    found = analysis_of(
        ImageContents(ref="t:1", image_id="sha256:1", size_bytes=0, history=(), layers=layers, source="storage")
    )
    return tree(found.files, found.hidden, found.inefficiencies, fold=fold)


def at(node: Node, path: str) -> Node:
    for name in path.split("/"):
        node = next(child for child in node.children if child.name == name)
    return node


LAYERS = (
    (d("etc"), f("etc/conf", 1000), d("data"), f("data/a", 3000), f("data/b", 2000), f("usr/bin/tool", 5000)),
    (d("etc"), f("etc/conf", 1500), f("data/.wh.a")),
    (f(".wh.data"), f("srv/app", 8000)),
)


def test_a_file_a_later_layer_wrote_again_is_changed_in_that_layer_its_old_copy_hidden():
    conf = at(tree_of(*LAYERS), "etc/conf")
    assert (conf.state, conf.layer, conf.by) == (CHANGED, 1, (0,))
    assert (conf.size_bytes, conf.hidden_bytes) == (1500, 1000)


def test_a_file_no_later_layer_touched_is_added_by_the_layer_that_wrote_it():
    tool = at(tree_of(*LAYERS), "usr/bin/tool")
    assert (tool.state, tool.layer, tool.by, tool.hidden_bytes) == (ADDED, 0, (), 0)


def test_deleted_files_keep_a_row_with_the_layer_that_added_and_the_one_that_deleted_them():
    root = tree_of(*LAYERS)
    a, b = at(root, "data/a"), at(root, "data/b")
    assert (a.state, a.layer, a.by, a.size_bytes, a.hidden_bytes) == (DELETED, 0, (1,), 0, 3000)
    assert (b.state, b.layer, b.by) == (DELETED, 0, (2,))
    assert (at(root, "data").size_bytes, at(root, "data").hidden_bytes) == (0, 5000)


def test_a_folder_adds_up_what_is_under_it_seen_and_hidden_and_what_each_layer_wrote_there():
    root = tree_of(*LAYERS)
    assert (root.size_bytes, root.hidden_bytes, root.files) == (1500 + 5000 + 8000, 1000 + 5000, 3)
    assert root.layers == ((0, 5000), (1, 1500), (2, 8000))
    assert [child.name for child in root.children] == ["srv", "data", "usr", "etc"]  # by bytes in the image, then name


def test_dive_s_wasted_bytes_sit_at_their_path_and_add_up_in_every_folder_above():
    root = tree_of(*LAYERS)
    assert at(root, "etc/conf").wasted_bytes == 2500
    assert at(root, "etc").wasted_bytes == 2500
    assert root.wasted_bytes == 2500 + 3000  # data/a: added, then a whiteout of a file (0 bytes): counted twice


def test_beyond_a_folder_s_largest_entries_the_small_ones_become_one_row_and_no_byte_is_lost():
    files = [f(f"lib/big{i}", 100_000 + i) for i in range(3)] + [f(f"lib/small{i:02}", 10) for i in range(40)]
    root = tree_of(files, fold=Fold(top=5, share=100))  # 1/100 of 300 kB: 3 kB
    lib = at(root, "lib")
    assert [c.name for c in lib.children] == ["big2", "big1", "big0", "small00", "small01"]
    assert (lib.rest_files, lib.rest_bytes) == (38, 380)
    assert sum(c.size_bytes for c in lib.children) + lib.rest_bytes == lib.size_bytes


def test_an_entry_beyond_the_largest_gets_its_own_row_when_it_is_big_enough():
    files = [f(f"lib/big{i}", 100_000) for i in range(8)] + [f("lib/small", 10)]
    lib = at(tree_of(files, fold=Fold(top=2, share=100)), "lib")
    assert len(lib.children) == 8
    assert (lib.rest_files, lib.rest_bytes) == (1, 10)


def test_a_folder_smaller_than_the_least_row_lists_none_of_its_entries():
    root = tree_of([f("big", 1_000_000), f("tiny/a", 10), f("tiny/b", 20)], fold=Fold(top=5, share=100))
    tiny = at(root, "tiny")
    assert (tiny.children, tiny.rest_files, tiny.rest_bytes) == ((), 2, 30)


def test_a_tree_folded_again_by_a_tighter_rule_is_the_tree_that_rule_makes():
    grown = [f(f"usr/lib/m{i:02}/f{j}", 1000 * i + j) for i in range(30) for j in range(4)]
    deleted = [f(f"tmp/x{i}", 3000 + i) for i in range(9)], [f(".wh.tmp"), f("usr/lib/m00/.wh.f1")]
    layers = (*LAYERS, grown, *deleted)
    loose = tree_of(*layers, fold=Fold(top=8, share=1000))
    for tighter in (Fold(top=8, share=1000), Fold(top=6, share=200), Fold(top=3, share=50), Fold(top=1, share=5)):
        assert refolded(loose, tighter) == tree_of(*layers, fold=tighter), tighter


def test_empty_files_and_links_have_no_row_of_their_own():
    layer = [f("bin/busybox", 900_000), Entry(path="bin/ls", size=0, type=HARDLINK, link="bin/busybox"), f("bin/e")]
    bin_ = at(tree_of(layer), "bin")
    assert [c.name for c in bin_.children] == ["busybox"]
    assert bin_.rest_files == 2


def test_a_folder_mostly_in_a_removable_class_is_marked_with_it():
    root = tree_of([f("var/lib/apt/lists/InRelease", 5000), f("var/lib/apt/lists/Packages", 90_000), f("app", 10)])
    assert at(root, "var/lib/apt/lists").removable == "package-manager-cache"
    assert at(root, "var").removable == "package-manager-cache"
    assert at(root, "app").removable == ""
    assert root.removable == "package-manager-cache"  # 95 kB of 95 kB and 10 bytes


def test_the_tree_s_json_form_is_a_line_per_node_and_reads_back_the_same():
    root = tree_of(*LAYERS, [f("srv/a name with spaces", 10)])
    rows = to_rows(root)
    assert rows[0] == "14510 6000 5500 4 - - - - 0:5000,1:1500,2:8000,3:10 0 0 0 0 "
    assert "1500 1000 2500 1 changed 1 0 - - 0 0 0 2 conf" in rows
    assert any(row.endswith(" 2 a name with spaces") for row in rows)
    assert from_rows(rows) == root
    assert count(root) == len(rows)
