"""checks.guide.pullchart: the pull-speed chart is geometry computed from recorded pulls alone.

The last tests build the real guide and read the measuring page, which shows
the chart: its tables and fit are the ones the recorded results give; and the
statements the pull-speed page cannot back are gone.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checks.guide.pullchart import (
    NBSP,
    Geometry,
    fit_line,
    fit_rows,
    image_name,
    link_rate,
    log_domain,
    log_position,
    log_ticks,
    pull_chart,
    seconds,
    spread,
    steps_125,
    which_follows,
)
from checks.model.pulls import Fit, PullPoint, pull_fit, pull_points, wire_seconds
from checks.model.results import read

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parent.parent


def point(compressed: int, runs: tuple[float, ...], *, variant: str = "v", size: int | None = None) -> PullPoint:
    return PullPoint(
        lab="lab-0-pull-speed", variant=variant, size_bytes=size or 3 * compressed,
        compressed_size_bytes=compressed, pull_seconds=sorted(runs)[len(runs) // 2], pull_runs=runs,
    )  # fmt: skip


LOOPBACK = [point(2_500_000, (0.09, 0.1, 0.11), variant="small"), point(400_000_000, (12.0, 15.0, 16.0))]
LINK = [point(400_000_000, (40.0, 41.0, 42.0))]


def chart(**kwargs: object) -> ET.Element:
    return ET.fromstring(pull_chart(LOOPBACK, LINK, 100, chart_id="p1", **kwargs))  # type: ignore[arg-type]


def groups(svg: ET.Element, series: str) -> list[ET.Element]:
    return [g for g in svg.iter(f"{SVG}g") if g.get("data-series") == series]


# log axes


def test_a_log_axis_steps_by_one_two_and_five():
    assert steps_125(1, 10)[:6] == [0.1, 0.2, 0.5, 1, 2, 5]


def test_the_domain_runs_from_the_step_below_the_smallest_to_the_step_above_the_largest():
    assert log_domain([2_566_826, 430_937_424]) == (2_000_000, 500_000_000)
    assert log_domain([0.088, 41.675]) == (0.05, 50)


def test_a_value_on_a_step_is_its_own_bound():
    assert log_domain([1.0, 20.0]) == (1.0, 20.0)


def test_ticks_include_both_ends_of_the_domain():
    assert log_ticks(0.05, 50) == [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50]


def test_positions_are_logarithmic_so_equal_ratios_are_equal_distances():
    assert log_position(1, 1, 100, 200) == 0
    assert log_position(100, 1, 100, 200) == pytest.approx(200)
    assert log_position(10, 1, 100, 200) == pytest.approx(100)


@pytest.mark.parametrize(("lo", "hi"), [(0, 1), (-1, 1), (5, 1)])
def test_a_log_axis_refuses_bounds_that_have_no_logarithm(lo, hi):
    with pytest.raises(ValueError, match="0 < lo <= hi"):
        steps_125(lo, hi)


# the chart


def test_every_image_is_one_mark_per_series_it_was_pulled_over():
    svg = chart()
    assert len(groups(svg, "loopback")) == 2
    assert len(groups(svg, "link-100")) == 1


def test_a_larger_download_sits_further_right_and_a_slower_pull_higher():
    small, large = groups(chart(), "loopback")
    circle = f"{SVG}circle"
    small_mark, large_mark = small.find(circle), large.find(circle)
    assert float(large_mark.get("cx")) > float(small_mark.get("cx"))
    assert float(large_mark.get("cy")) < float(small_mark.get("cy"))  # SVG's y grows downwards


def test_a_marks_bar_runs_from_its_fastest_to_its_slowest_pull():
    g = Geometry()
    lo, hi = log_domain([0.09, 42.0, wire_seconds(400_000_000, 100)])
    bar = groups(chart(), "loopback")[1].find(f"{SVG}line")
    bottom = g.top + g.plot_height
    assert float(bar.get("y1")) == pytest.approx(bottom - log_position(12.0, lo, hi, g.plot_height), abs=0.06)
    assert float(bar.get("y2")) == pytest.approx(bottom - log_position(16.0, lo, hi, g.plot_height), abs=0.06)


def test_each_throttled_pull_has_its_wire_limit_beside_it_and_loopback_pulls_have_none():
    g = Geometry()
    lo, hi = log_domain([0.09, 42.0, 32.0])
    link = groups(chart(), "link-100")[0]
    hollow = [r for r in link.iter(f"{SVG}rect") if r.get("fill") == "none"]
    assert len(hollow) == 1
    wire_y = float(hollow[0].get("y")) + g.mark
    assert wire_y == pytest.approx(g.top + g.plot_height - log_position(32.0, lo, hi, g.plot_height), abs=0.06)
    assert not [r for g_ in groups(chart(), "loopback") for r in g_.iter(f"{SVG}rect")]


def test_hovering_a_mark_names_the_image_and_its_figures():
    tip = groups(chart(), "link-100")[0].find(f"{SVG}title").text
    assert tip == (
        "lab-0-pull-speed/v: 400.0 MB compressed, 1.20 GB on disk; median cold pull over 100 Mbit/s 41.0 s "
        "(runs 40, 41, 42 s)"
    )


def test_the_chart_is_an_image_with_a_title_and_a_text_description():
    svg = chart()
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "p1-title p1-desc"
    desc = svg.find(f"{SVG}desc").text
    assert "2 images over loopback" in desc
    assert "lab 0 · v 41.0 s against 32.0 s" in desc


def test_without_a_link_there_is_no_wire_limit_at_all():
    svg = ET.fromstring(pull_chart(LOOPBACK, chart_id="p2"))
    assert not groups(svg, "link-100")
    assert not [line for line in svg.iter(f"{SVG}line") if line.get("class") == "slimlab-wire-limit"]


def test_a_chart_of_nothing_is_refused():
    with pytest.raises(ValueError, match="at least one image"):
        pull_chart([], chart_id="p3")


def test_every_label_is_at_the_body_texts_size_or_larger_before_scaling():
    svg = chart()
    assert {int(t.get("font-size")) for t in svg.iter(f"{SVG}text")} == {Geometry().font}
    assert Geometry().font >= 15


# words and numbers


@pytest.mark.parametrize(("value", "text"), [(0.091, "0.09 s"), (1.028, "1.03 s"), (41.25, "41.2 s")])
def test_pull_times_keep_two_significant_digits_at_least(value, text):
    assert seconds(value) == text


def test_an_image_is_named_by_its_labs_number_and_its_variant():
    assert image_name(point(1, (1.0,), variant="slim")) == "lab 0 · slim"


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
