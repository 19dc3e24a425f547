"""checks.guide.pullpoints: the pull chart's points, their wire limit and the least-squares fit the pull-speed page
shows."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checks.guide.pullpoints import PullPoint, least_squares, pull_fit, pull_points, wire_seconds
from checks.model.measured import Measured
from checks.model.results import Results


def point(size: int, compressed: int, seconds: float) -> PullPoint:
    return PullPoint(
        lab="lab-9", variant=f"v{size}", size_bytes=size, compressed_size_bytes=compressed,
        pull_seconds=seconds, pull_runs=(seconds,),
    )  # fmt: skip


def test_the_wire_limit_is_the_bits_over_the_link_rate():
    assert wire_seconds(100_000_000, 100) == pytest.approx(8.0)
    assert wire_seconds(12_500_000, 12.5) == pytest.approx(8.0)


def test_points_on_a_line_fit_it_exactly():
    fit = least_squares([1.0, 2.0, 3.0, 4.0], [3.0, 5.0, 7.0, 9.0])
    assert fit is not None
    assert (fit.intercept, fit.slope, fit.r_squared, fit.count) == pytest.approx((1.0, 2.0, 1.0, 4))


def test_scatter_about_the_line_lowers_r_squared_by_the_share_left_unexplained():
    fit = least_squares([0.0, 1.0, 2.0], [0.0, 2.0, 1.0])
    assert fit is not None
    # slope 0.5, intercept 0.5; residuals -0.5, 1, -0.5 (1.5 in squares) of a total spread of 2
    assert (fit.slope, fit.intercept, fit.r_squared) == pytest.approx((0.5, 0.5, 0.25))


@pytest.mark.parametrize(
    ("xs", "ys"),
    [([1.0, 2.0], [1.0, 2.0]), ([5.0, 5.0, 5.0], [1.0, 2.0, 3.0]), ([1.0, 2.0, 3.0], [4.0, 4.0, 4.0])],
)
def test_no_line_is_fitted_to_two_points_or_to_no_spread(xs, ys):
    assert least_squares(xs, ys) is None


def test_unequal_lengths_are_refused():
    with pytest.raises(ValueError, match="3 x values but 2 y values"):
        least_squares([1.0, 2.0, 3.0], [1.0, 2.0])


def test_the_pull_fit_takes_the_compressed_or_the_uncompressed_bytes():
    points = [point(100, 10, 1.0), point(200, 30, 2.0), point(300, 50, 3.0)]
    on_disk, downloaded = pull_fit(points, compressed=False), pull_fit(points, compressed=True)
    assert on_disk is not None
    assert downloaded is not None
    assert on_disk.slope == pytest.approx(0.01)
    assert downloaded.slope == pytest.approx(0.05)


# the chart's points


def measured(size: int, compressed: int | None = None, runs: tuple[float, ...] = ()) -> Measured:
    return Measured(
        image_id="sha256:x", size_bytes=size, layer_count=1, compressed_size_bytes=compressed, pull_runs=runs
    )


def results(lab: str, **variants: Measured) -> Results:
    return Results(
        lab=lab, title="t", inputs_sha256="0", measured_at="", engine={}, bases=(), variants=variants, claims=()
    )


def test_the_chart_has_one_point_per_image_with_both_figures_smallest_first():
    labs = [
        results("lab-4", before=measured(900, 300, (14.0, 15.0, 16.0)), after=measured(6, 2, (0.1,))),
        results("lab-1", before=measured(1000, 380, (17.0,)), unpushed=measured(50), untimed=measured(60, 20)),
    ]
    points = pull_points(labs)
    assert [(p.lab, p.variant) for p in points] == [("lab-4", "after"), ("lab-4", "before"), ("lab-1", "before")]
    assert (points[1].size_bytes, points[1].compressed_size_bytes, points[1].pull_seconds) == (900, 300, 15.0)
    assert points[1].pull_runs == (14.0, 15.0, 16.0)


def test_the_chart_over_a_link_has_only_the_images_pulled_over_that_link():
    over = replace(measured(6, 2, (0.1,)), link_pull_runs={"100": (0.4, 0.5)})
    points = pull_points([results("lab-0", before=measured(900, 300, (15.0,)), after=over)], link_mbit=100)
    assert [(p.variant, p.pull_seconds) for p in points] == [("after", 0.45)]
