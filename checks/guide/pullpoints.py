"""The pull chart's numbers: one point per image, the least time a link takes to carry it, a line through them.

``.. pull-chart::`` (:mod:`checks.guide.pullchart`) plots every variant of every lab
that has a compressed size and cold pulls (:func:`pull_points`), each throttled pull
beside its wire limit (:func:`wire_seconds`), and states how well a least-squares
line of pull time on the compressed, or on the uncompressed, size fits them
(:func:`pull_fit`); :mod:`checks.guide.pullsvg` draws the points.  Plain functions
over recorded results, no Sphinx.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from checks.model.results import Results


@dataclass(frozen=True, kw_only=True)
class PullPoint:
    """One image on the chart of pull time against compressed size."""

    lab: str
    variant: str
    #: Uncompressed size, as `docker image ls` shows it.
    size_bytes: int
    compressed_size_bytes: int
    #: Median cold pull, in seconds.
    pull_seconds: float
    #: Every cold pull, in run order (for a bar from the fastest to the slowest).
    pull_runs: tuple[float, ...]


def pull_points(every: Iterable[Results], link_mbit: float | None = None) -> list[PullPoint]:
    """Every variant of every lab with a compressed size and cold pulls (over loopback, or over
    the ``link_mbit`` Mbit/s link when given), smallest first."""
    points = [
        PullPoint(
            lab=results.lab,
            variant=name,
            size_bytes=m.size_bytes,
            compressed_size_bytes=m.compressed_size_bytes,
            pull_seconds=statistics.median(runs),
            pull_runs=runs,
        )
        for results in every
        for name, m in results.variants.items()
        if m.compressed_size_bytes is not None and (runs := m.runs_over(link_mbit))
    ]
    return sorted(points, key=lambda p: (p.compressed_size_bytes, p.lab, p.variant))


def wire_seconds(compressed_size_bytes: int, link_mbit: float) -> float:
    """The least time a link of ``link_mbit`` Mbit/s takes to carry the compressed bytes (bits ÷ rate)."""
    return compressed_size_bytes * 8 / (link_mbit * 1e6)


@dataclass(frozen=True, kw_only=True)
class Fit:
    """A least-squares line ``seconds = intercept + slope * bytes`` over some images."""

    #: Seconds the line gives at zero bytes.
    intercept: float
    #: Seconds per byte.
    slope: float
    #: Share of the spread in seconds the line accounts for: 1 is every point on it.
    r_squared: float
    #: How many images the line was fitted to.
    count: int


def least_squares(xs: Sequence[float], ys: Sequence[float]) -> Fit | None:
    """The ordinary least-squares line of ``ys`` on ``xs``; None with fewer than 3 points or no spread."""
    if len(xs) != len(ys):
        raise ValueError(f"{len(xs)} x values but {len(ys)} y values")
    if len(xs) < 3:
        return None
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = mean_y - slope * mean_x
    residual = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return Fit(intercept=intercept, slope=slope, r_squared=1 - residual / syy, count=len(xs))


def pull_fit(points: Sequence[PullPoint], *, compressed: bool) -> Fit | None:
    """Median pull seconds fitted on compressed bytes (``compressed``) or on uncompressed bytes."""
    xs = [float(p.compressed_size_bytes if compressed else p.size_bytes) for p in points]
    return least_squares(xs, [p.pull_seconds for p in points])
