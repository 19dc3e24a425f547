"""checks.inspect.tar, the tar reader (and checks.inspect.archive's layer entries), on headers that lie: every
claim bounded, every fault a MalformedError.

The corpus test (tests/test_hostile.py) runs the command line on whole
hostile images; these tests hold the reader's rules one by one.
"""

from __future__ import annotations

import io

import pytest
from analyze_images import file, layer_tar
from hostile import END, header, member, pax

from checks.inspect.archive import entries_from_tar_split, layer_entries
from checks.inspect.limits import DEPTH, NAME
from checks.inspect.tar import Reader, final_header, is_tar_header
from checks.model.errors import MalformedError, UsageError


def entries(data: bytes, **options: object) -> list[tuple[str, int]]:
    return [(item.path, item.size) for item in layer_entries(Reader(io.BytesIO(data)), **options)]  # type: ignore[arg-type]


def test_a_malformed_layer_is_a_usage_error_so_the_command_line_exits_2():
    assert issubclass(MalformedError, UsageError)


def test_a_long_name_record_over_path_max_is_refused_before_a_byte_of_it_is_read():
    class Counting(io.BytesIO):
        asked = 0

        def read(self, size: int = -1) -> bytes:
            Counting.asked = max(Counting.asked, size)
            return super().read(size)

    claim = header("././@LongLink", 1 << 40, b"L") + b"a" * 4096
    with pytest.raises(MalformedError, match="limit of 4,096 on a path's length"):
        layer_entries(Reader(Counting(claim)))
    assert Counting.asked <= 512


def test_a_long_name_of_exactly_path_max_is_read():
    name = "long-" * (NAME.most // 5 - 1) + "x" * (NAME.most % 5 + 5)
    assert len(name) == NAME.most
    assert entries(member("././@LongLink", name.encode() + b"\0", b"L") + member("short", b"x") + END) == [(name, 1)]


def test_a_path_at_the_depth_limit_is_read_and_one_level_more_is_refused():
    at_limit = "/".join(["d"] * (DEPTH.most - 1)) + "/f"
    assert entries(pax({"path": at_limit}) + member("f", b"x") + END) == [(at_limit, 1)]
    with pytest.raises(MalformedError, match="limit of 512 on a path's depth"):
        entries(pax({"path": "d/" + at_limit}) + member("f", b"x") + END)


def test_an_image_s_entries_stop_at_the_room_left_by_its_other_layers():
    layer = b"".join(member(f"f{number}", b"x") for number in range(11)) + END
    assert len(entries(layer, room=11)) == 11
    with pytest.raises(MalformedError, match="the image's entries: 500,001 entries, over slimlab's limit of 500,000"):
        entries(layer, room=10)


@pytest.mark.parametrize(
    ("records", "says"),
    [
        (b"zz path=a\n", "length is not a number"),
        (b"12path=a\n", "has no length"),
        (b"99 path=a\n", "length does not match"),
        (b"8 patha\n", "has no '='"),
    ],
)
def test_a_pax_record_that_does_not_parse_says_which_rule_it_breaks(records, says):
    with pytest.raises(MalformedError, match=says):
        entries(pax(records) + member("a", b"x") + END)


@pytest.mark.parametrize("value", ["-4096", "4k", "", "1e3"])
def test_a_pax_size_that_is_no_whole_number_of_zero_or_more_is_malformed(value):
    with pytest.raises(MalformedError, match="PAX size"):
        entries(pax({"size": value}) + member("a", b"x") + END)


def test_header_numbers_are_octal_or_base_256_and_never_negative():
    assert entries(header("a", size_field=b"\x80" + (3).to_bytes(11, "big")) + b"abc".ljust(512, b"\0") + END) == [
        ("a", 3)
    ]
    with pytest.raises(MalformedError, match="size field is negative"):
        entries(header("a", size_field=b"\xff" * 12) + END)
    with pytest.raises(MalformedError, match="size field is not a number"):
        entries(header("a", size_field=b"-0000000001\0") + END)


def test_a_block_with_a_wrong_checksum_is_no_tar_header():
    good = header("a")
    bad = good[:0] + b"b" + good[1:]
    assert is_tar_header(good)
    assert is_tar_header(bytes(512))
    assert not is_tar_header(bad)
    with pytest.raises(MalformedError, match="the first tar header: it is not a tar header"):
        entries(bad + END)


def test_a_layer_cut_inside_a_header_or_a_file_is_malformed_not_short():
    whole = layer_tar([file("etc/conf", 2000)])
    with pytest.raises(MalformedError, match="ended in the middle of a file"):
        entries(whole[:1000])
    with pytest.raises(MalformedError, match="ended in the middle"):
        entries(whole[:300])


def test_an_old_gnu_sparse_file_is_a_regular_file_and_its_map_is_passed_over():
    extended = bytearray(512)  # one extension block, which says no other follows
    layer = header("sparse", 512, b"S", extra={482: b"\x01"}) + bytes(extended) + b"s" * 512 + member("after", b"a")
    assert entries(layer + END) == [("sparse", 512), ("after", 1)]


def test_the_final_header_of_tar_split_records_is_parsed_with_the_same_rules():
    assert final_header(pax({"linkpath": "usr/bin/x"}) + header("l", typeflag=b"1", link="short")).linkname == (
        "usr/bin/x"
    )
    with pytest.raises(MalformedError, match="PAX record"):
        final_header(pax(b"zz x=y\n") + header("l"))


def test_the_engine_s_tar_split_records_are_held_to_the_same_limits_on_names():
    from analyze_images import tar_split

    deep = "/".join(["d"] * (DEPTH.most + 10)) + "/f"
    records = tar_split(pax({"path": deep}) + member("f", b"x") + END)
    with pytest.raises(MalformedError, match="on a path's depth"):
        entries_from_tar_split(records)
