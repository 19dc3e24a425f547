"""The claim kinds about pulls, judged on plain data: max_compressed_size and pull_speedup."""

from __future__ import annotations

import dataclasses

import pytest

from checks.model.claims import KINDS
from checks.model.claims.pulls import MaxCompressedSize, PullSpeedup
from checks.model.measured import Measured
from checks.model.pulls import PullSettings
from checks.model.units import MB
from checks.plan.pulls import unmeasured


def image(compressed: int | None = None, runs: tuple[float, ...] = ()) -> Measured:
    return Measured(image_id="sha256:x", size_bytes=1, layer_count=1, compressed_size_bytes=compressed, pull_runs=runs)


def test_both_kinds_are_registered_under_their_lab_toml_names():
    assert KINDS["max_compressed_size"] is MaxCompressedSize
    assert KINDS["pull_speedup"] is PullSpeedup


@pytest.mark.parametrize(
    ("setting", "unjudged"),
    [
        (PullSettings(), ()),
        (PullSettings(pulls=False), ("speedup",)),
        (PullSettings(sizes=False, pulls=False), ("compressed", "speedup")),
    ],
)
def test_a_run_that_does_not_measure_what_a_kind_needs_leaves_its_claims_unjudged(setting, unjudged):
    claims = [
        ("compressed", MaxCompressedSize(variant="after", max_mb=5)),
        ("speedup", PullSpeedup(variant="after", of="before", min=2)),
    ]
    assert unmeasured(claims, setting) == unjudged


# the pull time a variant records


def test_the_pull_time_is_the_median_of_the_runs():
    assert image(runs=(20.0, 16.0, 17.0)).pull_seconds == 17.0
    assert image(runs=(1.0, 3.0)).pull_seconds == 2.0


def test_an_image_never_pulled_has_no_pull_time():
    assert image().pull_seconds is None


# max_compressed_size


@pytest.mark.parametrize(("size", "passed"), [(30 * MB - 1, True), (30 * MB, True), (30 * MB + 1, False)])
def test_max_compressed_size_holds_up_to_the_ceiling_and_not_one_byte_more(size, passed):
    verdict = MaxCompressedSize(variant="after", max_mb=30).evaluate({"after": image(size)})
    assert verdict.passed is passed


def test_max_compressed_size_shows_the_compressed_size():
    verdict = MaxCompressedSize(variant="after", max_mb=30).evaluate({"after": image(22_304_023)})
    assert (str(verdict.expected), str(verdict.measured)) == ("<= 30 MB compressed", "22.3 MB compressed")


def test_max_compressed_size_fails_when_nothing_was_pushed():
    verdict = MaxCompressedSize(variant="after", max_mb=30).evaluate({"after": image()})
    assert not verdict.passed
    assert str(verdict.measured) == "not measured"


def test_max_compressed_size_ignores_the_uncompressed_size():
    big_on_disk = dataclasses.replace(image(10 * MB), size_bytes=500 * MB)
    assert MaxCompressedSize(variant="after", max_mb=30).evaluate({"after": big_on_disk}).passed


# pull_speedup


def test_pull_speedup_holds_when_the_variant_pulls_enough_times_faster():
    measured = {"after": image(runs=(1.2, 1.0, 1.1)), "before": image(runs=(17.6, 16.5, 15.0))}
    verdict = PullSpeedup(variant="after", of="before", min=4).evaluate(measured)
    assert verdict.passed
    assert str(verdict.expected) == "after pulls >= 4× faster than before"
    assert str(verdict.measured) == "15.0× (1.10 s against 16.50 s, medians of 3 cold pulls)"


@pytest.mark.parametrize(("fast", "passed"), [(4.0, True), (3.9, True), (4.1, False)])
def test_pull_speedup_holds_at_exactly_the_minimum_and_fails_just_below(fast, passed):
    measured = {"after": image(runs=(fast,)), "before": image(runs=(8.0,))}
    assert PullSpeedup(variant="after", of="before", min=2).evaluate(measured).passed is passed


def test_pull_speedup_fails_when_the_variant_pulls_slower():
    measured = {"after": image(runs=(9.0,)), "before": image(runs=(3.0,))}
    verdict = PullSpeedup(variant="after", of="before", min=1).evaluate(measured)
    assert not verdict.passed
    assert str(verdict.measured).startswith("0.3× ")


def test_pull_speedup_compares_medians_so_one_slow_run_does_not_decide():
    measured = {"after": image(runs=(1.0, 30.0, 1.0)), "before": image(runs=(10.0, 10.0, 10.0))}
    assert PullSpeedup(variant="after", of="before", min=5).evaluate(measured).passed


@pytest.mark.parametrize("missing", ["after", "before"])
def test_pull_speedup_fails_as_not_measured_when_either_side_was_never_pulled(missing):
    measured = {"after": image(runs=(1.0,)), "before": image(runs=(9.0,))}
    measured[missing] = image()
    verdict = PullSpeedup(variant="after", of="before", min=2).evaluate(measured)
    assert not verdict.passed
    assert str(verdict.measured) == "pull times not measured"


def test_pull_speedup_reads_the_judged_variant_and_the_one_it_is_compared_with():
    assert PullSpeedup(variant="slim", of="before", min=2).variants() == ("slim", "before")


# pull_speedup over a throttled link


def linked(runs: tuple[float, ...], link: str = "100") -> Measured:
    return Measured(image_id="sha256:x", size_bytes=1, layer_count=1, pull_runs=(0.1,), link_pull_runs={link: runs})


def test_pull_speedup_over_a_link_compares_the_pulls_over_that_link_only():
    measured = {"after": linked((2.9, 3.1, 3.0)), "before": linked((33.0, 31.0, 32.0))}
    verdict = PullSpeedup(variant="after", of="before", min=5, link_mbit=100).evaluate(measured)
    assert verdict.passed
    assert str(verdict.expected) == "after pulls >= 5× faster than before over a 100 Mbit/s link"
    assert str(verdict.measured) == "10.7× (3.00 s against 32.00 s, medians of 3 cold pulls over a 100 Mbit/s link)"


def test_pull_speedup_over_a_link_fails_as_not_measured_when_only_loopback_pulls_exist():
    measured = {"after": image(runs=(1.0,)), "before": image(runs=(9.0,))}
    verdict = PullSpeedup(variant="after", of="before", min=2, link_mbit=100).evaluate(measured)
    assert not verdict.passed
    assert str(verdict.measured) == "pull times over a 100 Mbit/s link not measured"


def test_pull_speedup_over_another_link_rate_is_not_measured():
    measured = {"after": linked((3.0,), "50"), "before": linked((60.0,), "50")}
    assert not PullSpeedup(variant="after", of="before", min=2, link_mbit=100).evaluate(measured).passed


def test_only_a_pull_speedup_with_a_link_names_a_link():
    assert PullSpeedup(variant="after", of="before", min=2, link_mbit=100).link() == 100
    assert PullSpeedup(variant="after", of="before", min=2).link() is None
    assert MaxCompressedSize(variant="after", max_mb=1).link() is None
