"""tools/benchfigures.py: a cold `make check` broken down into phases, from the events `checks verify --events`
writes (each stream below is written by checks.model.progress.as_json, as verify writes it, and read back), and
tools/benchpulls.py's line of what the pull measurement adds to a lab's verify."""

from __future__ import annotations

import pytest
from benchfigures import (
    SIDE_BY_SIDE,
    cpu_times,
    drift,
    phase_busy,
    phase_of,
    phases,
    pull_cost,
    read_event,
    spread,
    standin_seconds,
)

from checks.model import progress
from checks.model.progress import EarlyDone, StandinBuilt, Step, as_json

#: The monotonic clock's reading when the bench started the run: every event's ``at`` is on the same clock.
START = 5000.0


def recorded(reported):
    """(seconds since the start, event) pairs as the bench reads them from what verify writes."""
    return [read_event(as_json(message, START + at), START) for at, message in reported]


def built(name, seconds):
    return StandinBuilt(name=name, seconds=seconds, text=f"base {name}: stand-in built in {seconds:.1f} s")


def step(phase, text):
    return Step(phase=phase, lab=text.split(":")[0], text=text)


def early_done(labs, seconds):
    words = f"measured early, side by side: {labs} lab(s) and the stand-ins they need, in {seconds:.0f} s"
    return EarlyDone(labs=labs, seconds=seconds, text=words)


EVENTS = recorded(
    [
        (0.0, step(progress.STANDINS, "base python:3.13-trixie: building the local stand-in slimlab-base/py:e87")),
        (0.5, "    #5 [2/4] RUN apt-get update"),
        (100.0, step(progress.BUILDS, "lab-0-pull-speed: building before (before.Dockerfile)")),
        (130.0, step(progress.SMOKE, "lab-0-pull-speed: smoke test of before")),
        (131.0, step(progress.FLOORS, "lab-0-pull-speed: tracing the smoke test of before for its runtime floor")),
        (133.0, step(progress.PUSHES, "pulls: registry /usr/bin/docker-registry listening on 127.0.0.1:53827")),
        (150.0, step(progress.PUSHES, "lab-0-pull-speed: pushed before: 388.3 MB compressed")),
        (151.0, step(progress.COLD_PULLS, "pulls: fresh engine with an empty data root started for cold pulls")),
        (167.0, step(progress.COLD_PULLS, "lab-0-pull-speed: cold pull 1/3 of before: 16.15 s")),
        (200.0, step(progress.ANALYSIS, "lab-0-pull-speed: analyzing the images")),
        (205.0, "  before: wasted 9.7 MB (efficiency 99.2%)"),
    ]
)


def test_an_event_read_back_is_timed_from_the_start_of_the_run():
    at, event = EVENTS[2]
    assert at == 100.0
    assert event == {
        "at": START + 100.0,
        "event": "step",
        "phase": "lab builds",
        "lab": "lab-0-pull-speed",
        "text": "lab-0-pull-speed: building before (before.Dockerfile)",
    }


def test_a_step_starts_its_own_phase_whatever_its_words():
    (event,) = recorded([(1.0, Step(phase=progress.REBUILDS, lab="lab-4", text="lab-4：从空的构建缓存重新构建"))])
    assert phase_of(event[1]) == "rebuilds"


@pytest.mark.parametrize(
    ("line", "phase"),
    [
        ("lab-0-pull-speed: results.json updated; 3.4s", "other"),
        ("lab-0-pull-speed: building before (a line, not a step, even worded like one)", "other"),
        ("    #5 [2/4] RUN apt-get update", None),
        ("", None),
    ],
)
def test_a_plain_line_starts_the_other_phase_and_build_output_none(line, phase):
    (event,) = recorded([(1.0, line)])
    assert phase_of(event[1]) == phase


def test_every_second_counts_for_the_phase_the_last_event_started():
    spent = phases(EVENTS, 210.0)
    assert spent == {
        "stand-in bases": 100.0,
        "cold pulls": 49.0,
        "lab builds": 30.0,
        "registry pushes": 18.0,
        "analysis": 10.0,
        "runtime floors": 2.0,
        "smoke tests": 1.0,
    }
    assert sum(spent.values()) == 210.0


STANDIN_EVENTS = recorded(
    [
        (0.0, step(progress.STANDINS, "base python:3.13-alpine: not present locally; trying to pull it (up to 60s)")),
        (1.0, step(progress.STANDINS, "base alpine: building the local stand-in slimlab-base/alpine:cd05")),
        (1.1, step(progress.STANDINS, "base busybox: building the local stand-in slimlab-base/busybox:0a1")),
        (1.5, "    alpine: #8 [builder 3/3] RUN set -eux"),
        (6.0, built("busybox", 4.9)),
        (7.0, built("alpine", 6.0)),
        (7.1, step(progress.STANDINS, "base python:3.13-alpine: building the local stand-in slimlab-base/py:9a1")),
        (250.0, "    python-3.13-alpine: #12 DONE 240.0s"),
        (260.5, built("python:3.13-alpine", 253.4)),
        (261.0, step(progress.BUILDS, "lab-1-base-image: building alpine (alpine.Dockerfile)")),
    ]
)


def test_each_stand_in_s_build_time_is_the_one_verify_reported_even_when_two_overlap():
    assert standin_seconds(STANDIN_EVENTS) == {"alpine": 6.0, "busybox": 4.9, "python:3.13-alpine": 253.4}


def test_a_stand_in_s_time_is_read_from_its_event_not_its_words():
    (event,) = recorded([(3.0, StandinBuilt(name="alpine", seconds=6.0, text="base alpine：替身镜像构建用时 6.0 秒"))])
    assert standin_seconds([event]) == {"alpine": 6.0}


def test_stand_in_events_belong_to_the_stand_in_phase_and_their_build_output_to_none():
    assert phase_of(STANDIN_EVENTS[4][1]) == "stand-in bases"
    assert phase_of(STANDIN_EVENTS[3][1]) is None


def test_a_run_that_builds_no_stand_in_records_none():
    assert standin_seconds(EVENTS) == {}


def test_drift_is_how_much_slower_one_core_computed_at_the_end():
    before = {"one_core_seconds": 2.0, "every_core_seconds": 2.1}
    assert drift(before, {"one_core_seconds": 3.0, "every_core_seconds": 3.2}) == pytest.approx(0.5)
    assert drift(before, {"one_core_seconds": 1.5, "every_core_seconds": 1.6}) == pytest.approx(-0.25)
    assert drift(before, before) == 0


def test_a_spread_is_min_median_and_max():
    assert spread([3.0, 1.0, 2.5]) == "1.00 / 2.50 / 3.00 s"


# how busy the cores were in each phase, from /proc/stat read as each phase began


def test_cpu_times_count_idle_and_iowait_as_the_only_time_not_busy():
    stat = "cpu  100 5 20 300 40 1 2 3 7 0\ncpu0 50 2 10 150 20 0 1 1 0 0\nintr 1 2\n"
    assert cpu_times(stat) == (131.0, 471.0)


def test_cpu_times_of_an_old_kernel_without_steal_time():
    assert cpu_times("cpu  10 0 10 80 0 0 0\n") == (20.0, 100.0)


def test_phase_busy_charges_each_stretch_to_the_phase_that_began_it():
    starts = [index for index, (_, event) in enumerate(EVENTS) if phase_of(event) is not None]
    # (busy, all) read at each phase start: the stand-in stretch is half busy, the rest fully busy
    samples, busy, total = {}, 0.0, 0.0
    for index in starts:
        samples[index] = (busy, total)
        busy, total = (busy + 50.0, total + 100.0) if index == 0 else (busy + 10.0, total + 10.0)
    result = phase_busy(EVENTS, samples, (busy, total))
    assert result["stand-in bases"] == pytest.approx(0.5)
    assert result["lab builds"] == pytest.approx(1.0)
    assert set(result) == set(phases(EVENTS, 210.0))


def test_phase_busy_without_samples_is_empty():
    assert phase_busy(EVENTS, {}, (1.0, 2.0)) == {}


EARLY_EVENTS = recorded(
    [
        (0.0, step(progress.STANDINS, "base alpine: building the local stand-in slimlab-base/alpine:cd05")),
        (5.0, step(progress.BUILDS, "lab-0-pull-speed: building before (before.Dockerfile)")),
        (6.0, step(progress.STANDINS, "base python:3.13-alpine: building the local stand-in slimlab-base/py:9a1")),
        (40.0, step(progress.SMOKE, "lab-0-pull-speed: smoke test of before")),
        (300.0, built("python:3.13-alpine", 294.0)),
        (320.0, early_done(1, 320.0)),
        (321.0, step(progress.PUSHES, "pulls: registry /usr/bin/docker-registry listening on 127.0.0.1:53827")),
        (330.0, step(progress.PUSHES, "lab-0-pull-speed: pushed before: 388.3 MB compressed")),
        (331.0, step(progress.COLD_PULLS, "lab-0-pull-speed: cold pull 1/3 of before: 16.15 s")),
    ]
)


def test_everything_before_the_early_event_counts_as_side_by_side_and_after_it_by_phase():
    spent = phases(EARLY_EVENTS, 350.0)
    assert spent == {SIDE_BY_SIDE: 320.0, "cold pulls": 19.0, "registry pushes": 10.0, "other": 1.0}
    assert sum(spent.values()) == 350.0


def test_a_run_without_the_early_event_has_no_side_by_side_phase():
    assert SIDE_BY_SIDE not in phases(EARLY_EVENTS[:5], 310.0)


def test_a_line_worded_like_the_early_one_does_not_end_the_side_by_side_phase():
    worded = recorded([(10.0, "measured early, side by side: 1 lab(s) and the stand-ins they need, in 10 s")])
    assert SIDE_BY_SIDE not in phases(worded, 20.0)


def test_phase_busy_charges_the_side_by_side_stretch_from_the_first_sample_to_the_early_event():
    # (busy, all) CPU seconds at each event that starts a phase: fully busy up to the early event, half after
    samples = {0: (0.0, 0.0), 1: (3.0, 3.0), 2: (4.0, 4.0), 3: (7.0, 7.0), 4: (9.0, 9.0), 5: (10.0, 10.0)}
    samples |= {6: (11.0, 12.0), 7: (12.0, 14.0), 8: (13.0, 16.0)}
    result = phase_busy(EARLY_EVENTS, samples, (14.0, 18.0))
    assert result == pytest.approx({SIDE_BY_SIDE: 1.0, "other": 0.5, "registry pushes": 0.5, "cold pulls": 0.5})


def test_a_labs_pull_cost_is_its_verify_seconds_without_and_with_the_measurement_and_the_difference():
    line = pull_cost("lab-0-pull-speed", 41.3, 97.0)
    assert line == f"{'lab-0-pull-speed':<28} verify   41.3 s without,   97.0 s with the pull measurement: +55.7 s"


def test_the_pull_cost_lines_line_up_whatever_the_lab_is_called():
    lines = [pull_cost("lab-0-pull-speed", 1.0, 2.0), pull_cost("all", 120.0, 300.0)]
    assert lines[0].index(" verify ") == lines[1].index(" verify ") == 28
