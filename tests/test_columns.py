"""checks.model.columns: text measured in terminal columns, so reports in Chinese line up."""

from __future__ import annotations

import pytest

from checks.model.columns import pad, widest, width


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("", 0),
        ("PASS", 4),
        ("通过", 4),
        ("未通过", 6),
        ("L4.1", 4),
        ("实测 6.2 MB；目标 ≤ 10%", 23),  # ≤ is ambiguous (A): one column, as most terminals show it
        ("\uff21\uff22", 4),  # full-width Latin letters (F)
        ("e\u0301", 1),  # a combining accent takes no column of its own
        ("\uff76\uff85", 2),  # half-width katakana (H): one column each
    ],
)
def test_width_counts_wide_and_full_width_characters_as_two_columns_and_combining_marks_as_none(text, columns):
    assert width(text) == columns


def test_pad_fills_to_the_same_column_whatever_the_script():
    assert pad("通过", 6) + "|" == "通过  |"
    assert pad("未通过", 6) + "|" == "未通过|"
    assert pad("PASS", 6) + "|" == "PASS  |"
    assert width(pad("通过", 6)) == width(pad("未通过", 6)) == width(pad("FAIL", 6)) == 6


def test_pad_leaves_text_that_is_wide_enough_already_as_it_is():
    assert pad("未通过", 4) == "未通过"


def test_widest_is_the_widest_texts_columns_and_never_below_its_floor():
    assert widest(["通过", "未通过"]) == 6
    assert widest(["L9.1"], at_least=6) == 6
    assert widest([]) == 0
