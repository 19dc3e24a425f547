"""checks.model.pulls: the wire limit and the least-squares fit the pull-speed page shows."""

from __future__ import annotations

import pytest

from checks.model.pulls import PullPoint, least_squares, pull_fit, wire_seconds


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
