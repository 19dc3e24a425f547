"""checks.guide.timingsdoc: the workshop timings table, rendered from plain data."""

from __future__ import annotations

import json

import pytest

from checks.guide.timingsdoc import HEADERS, caption, read_timings, rows, seconds

DATA = {
    "measured_at": "2026-11-27T20:49:00+00:00",
    "cores": 2,
    "labs": {
        "lab-1-base-image": {"cold_seconds": 41.26, "warm_seconds": 3.4},
        "lab-0-pull-speed": {"cold_seconds": 2.3, "warm_seconds": 1.4},
        "lab-5-python-multistage": {"cold_seconds": None, "warm_seconds": None},
    },
}


def test_rows_follow_lab_order_with_one_column_per_header():
    assert [row[0] for row in rows(DATA)] == ["lab-0-pull-speed", "lab-1-base-image", "lab-5-python-multistage"]
    assert all(len(row) == len(HEADERS) for row in rows(DATA))


def test_a_lab_that_was_not_measured_says_so_rather_than_zero():
    assert rows(DATA)[2][1:] == ["not measured", "not measured"]


@pytest.mark.parametrize(
    ("value", "shown"), [(1.44, "1.4 s"), (41.26, "41 s"), (95.0, "1.6 min"), (None, "not measured")]
)
def test_seconds_read_as_short_durations(value, shown):
    assert seconds(value) == shown


def test_caption_names_the_time_and_the_core_count():
    assert caption(DATA) == "Measured 2026-11-27 20:49 UTC on a 2-core machine by make bench."


def test_a_missing_file_tells_to_run_make_bench(tmp_path):
    with pytest.raises(ValueError, match="make bench"):
        read_timings(tmp_path / "workshop-timings.json")


def test_a_file_without_labs_is_refused(tmp_path):
    path = tmp_path / "workshop-timings.json"
    path.write_text(json.dumps({"measured_at": "x"}))
    with pytest.raises(ValueError, match="no 'labs'"):
        read_timings(path)
