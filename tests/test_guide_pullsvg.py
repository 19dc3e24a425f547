"""checks.guide.pullsvg: the pull-speed chart is geometry computed from recorded pulls alone."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from pullpoints import LINK, LOOPBACK, point

from checks.guide.drawing import log_domain, log_position
from checks.guide.pullpoints import wire_seconds
from checks.guide.pullsvg import Geometry, image_name, pull_chart, seconds

SVG = "{http://www.w3.org/2000/svg}"


def chart(**kwargs: object) -> ET.Element:
    return ET.fromstring(pull_chart(LOOPBACK, LINK, 100, chart_id="p1", **kwargs))  # type: ignore[arg-type]


def groups(svg: ET.Element, series: str) -> list[ET.Element]:
    return [g for g in svg.iter(f"{SVG}g") if g.get("data-series") == series]


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


def test_the_charts_text_description_counts_the_images_and_sets_each_throttled_pull_beside_its_limit():
    svg = chart()
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


# words


@pytest.mark.parametrize(("value", "text"), [(0.091, "0.09 s"), (1.028, "1.03 s"), (41.25, "41.2 s")])
def test_pull_times_keep_two_significant_digits_at_least(value, text):
    assert seconds(value) == text


def test_an_image_is_named_by_its_labs_number_and_its_variant():
    assert image_name(point(1, (1.0,), variant="slim")) == "lab 0 · slim"
