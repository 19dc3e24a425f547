"""checks.guide.timingsdoc: the workshop timings table and the stand-ins' build times, from plain data."""

from __future__ import annotations

import json

import pytest

from checks.guide.timingsdoc import HEADERS, caption, read_timings, rows, seconds, standin_build
from checks.model.standins import read_standin_timings

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


def test_caption_names_the_machine_s_speed_when_the_cpu_reference_was_measured():
    data = {**DATA, "cpu_reference": {"cores": 2, "one_core_seconds": 8.42, "every_core_seconds": 9.1}}
    assert caption(data) == (
        "Measured 2026-11-27 20:49 UTC on a 2-core machine whose CPU reference takes 8.4 s on one core by make bench."
    )


@pytest.mark.parametrize("reference", [None, {}, {"one_core_seconds": None}, "8.4"])
def test_a_file_without_a_usable_cpu_reference_names_only_the_cores(reference):
    assert caption({**DATA, "cpu_reference": reference}).endswith("on a 2-core machine by make bench.")


def test_a_missing_file_tells_to_run_make_bench(tmp_path):
    with pytest.raises(ValueError, match="make bench"):
        read_timings(tmp_path / "workshop-timings.json")


def test_a_file_without_labs_is_refused(tmp_path):
    path = tmp_path / "workshop-timings.json"
    path.write_text(json.dumps({"measured_at": "x"}))
    with pytest.raises(ValueError, match="no 'labs'"):
        read_timings(path)


# the stand-ins' cold build times (tools/bench.py --cold writes them)

STANDINS = {
    "measured_at": "2026-12-01T19:02:11+00:00",
    "cores": 2,
    "bases": {"python:3.13-alpine": 281.4, "alpine": 6.2},
}


def test_a_stand_in_s_build_time_names_the_machine_and_the_day():
    assert standin_build(STANDINS, "python:3.13-alpine") == (
        "4.7 min on a 2-core machine, measured 2026-12-01 by make bench (an engine with an empty data root, "
        "two stand-ins building at a time; the stand-ins it is built on are not counted)."
    )
    assert standin_build(STANDINS, "alpine").startswith("6.2 s on a 2-core machine")


def test_a_stand_in_s_build_time_names_the_machine_s_speed_when_measured():
    data = {**STANDINS, "cpu_reference": {"cores": 2, "one_core_seconds": 12.0, "every_core_seconds": 13.5}}
    assert standin_build(data, "python:3.13-alpine").startswith(
        "4.7 min on a 2-core machine whose CPU reference takes 12 s on one core, measured 2026-12-01"
    )


@pytest.mark.parametrize("data", [STANDINS, None])
def test_a_stand_in_that_was_not_timed_says_how_to_time_it(data):
    assert standin_build(data, "busybox") == (
        "not measured yet (make bench measures it, on an engine with an empty data root)."
    )


def test_no_stand_in_timings_yet_is_not_an_error(tmp_path):
    assert read_standin_timings(tmp_path / "standin-timings.json") is None


def test_stand_in_timings_are_read_back_as_written(tmp_path):
    path = tmp_path / "standin-timings.json"
    path.write_text(json.dumps(STANDINS))
    assert read_standin_timings(path) == STANDINS


@pytest.mark.parametrize("text", ["{", json.dumps({"measured_at": "x"}), json.dumps(["bases"])])
def test_malformed_stand_in_timings_are_refused_with_the_remedy(tmp_path, text):
    path = tmp_path / "standin-timings.json"
    path.write_text(text)
    with pytest.raises(ValueError, match="make bench"):
        read_standin_timings(path)
