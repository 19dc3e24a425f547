"""checks.inspect.efficiency: dive's wasted bytes and efficiency, rule by rule, on synthetic layers.

Each rule is also checked against dive itself on real images in test_docker_analyze.py.
Beside dive's figures, the reclaimable bytes count each hidden copy once and the copy that ships never.
"""

from __future__ import annotations

import pytest

from checks.inspect.efficiency import efficiency
from checks.inspect.layers import DIRECTORY, HARDLINK, Entry


def f(path: str, size: int = 0) -> Entry:
    return Entry(path=path, size=size)


def d(path: str) -> Entry:
    return Entry(path=path, size=0, type=DIRECTORY)


def wh(path: str) -> Entry:
    parent, _, name = path.rpartition("/")
    return Entry(path=f"{parent}/.wh.{name}" if parent else f".wh.{name}", size=0)


def test_an_image_with_every_path_once_is_fully_efficient_and_wastes_nothing():
    result = efficiency([[d("etc"), f("etc/a", 10)], [d("usr"), f("usr/b", 20)]])
    assert result.efficiency == 1.0
    assert result.wasted_bytes == 0
    assert result.inefficiencies == ()


def test_an_empty_image_counts_as_fully_efficient():
    assert efficiency([]).efficiency == 1.0
    assert efficiency([[d("empty-dir-only")]]).efficiency == 1.0


def test_a_file_added_then_deleted_wastes_its_whole_size():
    result = efficiency([[f("keep", 50), f("big", 50_000_000)], [wh("big")]])
    assert result.wasted_bytes == 50_000_000
    assert result.efficiency == pytest.approx(50 / 50_000_050)
    assert [(w.path, w.count, w.size_bytes) for w in result.inefficiencies] == [("big", 2, 50_000_000)]


def test_an_overwritten_file_wastes_every_copy_including_the_one_that_stays():
    result = efficiency([[f("conf", 10)], [f("conf", 20)]])
    assert result.wasted_bytes == 30
    assert result.efficiency == pytest.approx(10 / 30)


def test_deleting_a_directory_is_not_waste_for_dive_though_the_whiteout_counts_what_it_deletes():
    layers = [[d("data"), f("data/x", 3), d("data/sub"), f("data/sub/y", 2), f("c", 10)], [wh("data"), f("c", 10)]]
    result = efficiency(layers)
    assert result.wasted_bytes == 20  # only c, twice
    # data/x 3 + data/sub/y 2 + the whiteout of data 5 (+ c: smallest 10, all 20)
    assert result.efficiency == pytest.approx((3 + 2 + 5 + 10) / (3 + 2 + 5 + 20))


def test_an_empty_directory_deleted_later_is_counted_twice_with_no_bytes():
    result = efficiency([[d("empty")], [wh("empty")]])
    assert [(w.path, w.count, w.size_bytes) for w in result.inefficiencies] == [("empty", 2, 0)]


def test_a_directory_that_holds_something_is_never_counted_itself():
    result = efficiency([[d("etc"), f("etc/a", 1)], [d("etc"), f("etc/b", 1)]])
    assert result.wasted_bytes == 0
    assert result.inefficiencies == ()


def test_an_opaque_directory_is_ignored_so_the_files_it_hides_are_not_waste():
    result = efficiency([[d("opq"), f("opq/old", 7)], [d("opq"), f("opq/.wh..wh..opq"), f("opq/new", 1)]])
    assert result.wasted_bytes == 0
    assert result.efficiency == 1.0


def test_the_whiteout_of_a_directory_a_layer_only_implied_deletes_nothing_for_dive():
    # "implied" has no entry of its own in layer 0, so dive's stacked record of it is empty (not a directory).
    result = efficiency([[f("implied/sub/f", 5000), f("c", 10)], [wh("implied"), f("c", 10)]])
    assert result.efficiency == pytest.approx((5000 + 0 + 10) / (5000 + 0 + 20))


def test_a_whiteout_of_nothing_stops_dive_counting_the_rest_of_that_layer():
    result = efficiency([[d("x"), f("x/a", 100)], [wh("nothing-here"), f("zzz", 1000), f("x/a", 200)]])
    # x/a (200) and zzz come after .wh.nothing-here in name order and are not counted;
    # the failed whiteout leaves a record whose smallest size is -1.
    assert result.wasted_bytes == 0
    assert result.efficiency == pytest.approx(99 / 100)


def test_inefficiencies_are_listed_largest_first():
    result = efficiency([[f("small", 1), f("large", 100)], [f("small", 1), f("large", 100)]])
    assert [w.path for w in result.inefficiencies] == ["large", "small"]


def figures(layers) -> tuple[int, int]:
    result = efficiency(layers)
    return result.wasted_bytes, result.reclaimable_bytes


def test_a_file_overwritten_once_is_waste_twice_for_dive_and_reclaimable_once():
    assert figures([[f("conf", 10)], [f("conf", 20)]]) == (30, 10)


def test_a_file_overwritten_twice_leaves_two_reclaimable_copies_and_three_wasted_for_dive():
    assert figures([[f("conf", 10)], [f("conf", 10)], [f("conf", 10)]]) == (30, 20)


def test_a_file_deleted_later_is_the_same_in_both_counts():
    assert figures([[f("keep", 5), f("big", 1000)], [wh("big")]]) == (1000, 1000)


def test_a_file_overwritten_then_deleted_reclaims_both_copies():
    assert figures([[f("x", 10)], [f("x", 10)], [wh("x")]]) == (20, 20)


def test_a_deleted_directory_is_no_waste_for_dive_but_all_of_it_is_reclaimable():
    layers = [[d("data"), f("data/x", 3), d("data/sub"), f("data/sub/y", 2)], [wh("data")]]
    assert figures(layers) == (0, 5)


def test_an_opaque_directory_hides_reclaimable_bytes_dive_does_not_count():
    layers = [[d("opq"), f("opq/old", 7)], [d("opq"), f("opq/.wh..wh..opq"), f("opq/new", 1)]]
    assert figures(layers) == (0, 7)


def test_a_chown_layer_copies_every_file_again_so_dive_counts_both_copies_and_one_is_reclaimable():
    copied = [d("app"), f("app/a", 300), f("app/b", 700)]
    assert figures([copied, copied]) == (2000, 1000)


def test_content_a_visible_hard_link_still_reaches_is_not_reclaimable():
    layers = [[f("bin/tool", 400), Entry(path="bin/tool2", size=0, type=HARDLINK, link="bin/tool")], [f("bin/tool", 1)]]
    assert figures(layers)[1] == 0


def test_directories_and_files_that_stay_reclaim_nothing():
    assert figures([[d("etc"), f("etc/a", 1)], [d("etc"), f("etc/b", 1)]]) == (0, 0)


def test_whiteouts_of_nothing_beside_few_bytes_never_make_the_efficiency_negative():
    # a: 50 bytes, then 0; dive's record of the whiteout of nothing counts -1: (0 - 1) / 50 would be -2%
    result = efficiency([[f("a", 50)], [f("a", 0), d("z"), wh("z/nothing")]])
    assert result.efficiency == 0.0
    assert result.wasted_bytes == 50
