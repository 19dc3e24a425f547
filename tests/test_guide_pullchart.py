"""checks.guide.pullchart: the pull chart's tables and fit are computed from recorded pulls alone.

The last tests build the real guide and read the measuring page, which shows
the chart: its tables and fit are the ones the recorded results give; and the
statements the pull-speed page cannot back are gone.  The SVG's own tests are
in test_guide_pullsvg.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pullpoints import LINK, point

from checks.guide.pullchart import NBSP, fit_line, fit_rows, link_rate, spread, which_follows
from checks.guide.pullpoints import Fit, PullPoint, pull_fit, pull_points
from checks.guide.pullsvg import image_name
from checks.store.results import read

ROOT = Path(__file__).resolve().parent.parent


# words and numbers


def test_the_line_reads_as_seconds_at_zero_plus_seconds_per_100_mb():
    fit = Fit(intercept=-0.096, slope=4.2829e-8, r_squared=0.9469, count=25)
    assert fit_line(fit).replace(NBSP, " ") == "-0.10 s + 4.28 s per 100 MB"


def test_the_size_the_time_follows_is_the_one_with_the_larger_r_squared():
    tight, loose = (
        Fit(intercept=0, slope=1, r_squared=0.983, count=25),
        Fit(intercept=0, slope=1, r_squared=0.947, count=25),
    )
    assert which_follows(loose, tight) == "the time follows the uncompressed size more closely than the compressed size"
    assert which_follows(tight, loose) == "the time follows the compressed size more closely than the uncompressed size"


def test_fits_alike_at_three_decimals_are_called_alike():
    a, b = Fit(intercept=0, slope=1, r_squared=0.99999, count=3), Fit(intercept=0, slope=1, r_squared=0.99996, count=3)
    assert which_follows(a, b).startswith("the two fits are alike")


def test_each_series_has_a_row_for_each_size_it_can_be_fitted_on():
    three = [point(10_000_000, (1.0,)), point(20_000_000, (2.5,)), point(40_000_000, (4.0,))]
    rows = fit_rows([("over loopback", three), ("over 100 Mbit/s", LINK)])
    assert [row[0] for row in rows] == [
        "over loopback, on the compressed size (3 images)",
        "over loopback, on the uncompressed size (3 images)",
    ]


@pytest.mark.parametrize("text", ["fast", "0", "-100", ""])
def test_a_link_rate_must_be_a_number_of_mbit_per_second_above_zero(text):
    with pytest.raises(ValueError, match="link rate"):
        link_rate(text)


# the real page, built from the recorded results


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pull-docs")
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(ROOT), "-n", "-W", "--keep-going", "-q",
         str(ROOT / "docs"), str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def pull_page(built: Path) -> str:
    """The page that shows the chart: the measuring page, where the guide says how pulls were timed."""
    return (built / "measuring.html").read_text(encoding="utf-8")


def recorded() -> list[PullPoint]:
    every = [r for path in sorted((ROOT / "labs").glob("*/results.json")) if (r := read(path)) is not None]
    return pull_points(every)


def test_the_page_tables_every_image_the_labs_pulled(pull_page: str):
    points = recorded()
    for p in points:
        assert image_name(p) in pull_page
    assert pull_page.count('data-series="loopback"') == len(points)


def test_the_page_shows_the_fit_the_recorded_pulls_give(pull_page: str):
    points = recorded()
    for compressed in (True, False):
        fit = pull_fit(points, compressed=compressed)
        assert fit is not None
        assert f"{fit.r_squared:.3f}" in pull_page
        assert fit_line(fit) in pull_page.replace("&nbsp;", NBSP)


@pytest.mark.parametrize("cut", ["number of files", "measurably slower", "start measurably"])
def test_the_page_no_longer_says_what_no_lab_measures(built: Path, cut: str):
    assert cut not in (built / "pull-speed.html").read_text(encoding="utf-8")


def test_a_spread_of_runs_reads_fastest_to_slowest_and_one_run_says_so():
    assert spread([1.15, 0.72, 0.9]) == "0.72 to 1.15 s"
    assert spread([12.34, 10.0]) == "10.0 to 12.3 s"
    assert spread([1.04]) == "one pull"
