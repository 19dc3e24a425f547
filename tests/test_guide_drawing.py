"""checks.guide.drawing: the markup every chart is drawn with, as text computed from numbers and words alone."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from checks.guide.drawing import (
    PALETTE,
    attributes,
    bar,
    bar_row,
    group,
    key,
    legend,
    log_domain,
    log_position,
    log_ticks,
    nice_step,
    segment,
    share_bar,
    share_width,
    steps_125,
    svg_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


# the SVG frame


def frame(**kwargs: object) -> ET.Element:
    shown = {"chart_id": "c1", "classes": "slimlab-chart", "size": (760, 120), "title": "t", "desc": "d", "body": []}
    return ET.fromstring(svg_chart(**{**shown, **kwargs}))  # type: ignore[arg-type]


def test_an_svg_chart_is_an_image_named_by_its_title_and_described_by_its_text():
    svg = frame(title="Layer sizes", desc="before: 948.7 MB")
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").get("id") == "c1-title"
    assert svg.find(f"{SVG}title").text == "Layer sizes"
    assert svg.find(f"{SVG}desc").text == "before: 948.7 MB"


def test_an_svg_chart_scales_to_the_page_from_its_own_units():
    svg = frame(size=(760, 440))
    assert svg.get("viewBox") == "0 0 760 440"
    assert svg.get("width") == "100%"


def test_an_svg_chart_holds_its_body_in_order_and_escapes_its_words():
    svg = frame(title="<b> & co", body=['<rect width="1"/>', '<circle r="2"/>'])
    assert [child.tag for child in svg] == [f"{SVG}title", f"{SVG}desc", f"{SVG}rect", f"{SVG}circle"]
    assert svg.find(f"{SVG}title").text == "<b> & co"


# axes


@pytest.mark.parametrize(
    ("largest", "step"), [(948_678_148, 200_000_000), (6_231_089, 2_000_000), (1_000, 200), (0, 1)]
)
def test_axis_steps_are_round_numbers(largest, step):
    assert nice_step(largest) == step


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


# HTML bars


def test_attributes_keep_their_order_and_escape_every_value():
    assert attributes({"data-variant": 'a"<b>', "data-bytes": 12}) == ' data-variant="a&quot;&lt;b&gt;" data-bytes="12"'


@pytest.mark.parametrize(("share", "width"), [(0.064, "6.400%"), (0.0, "0.000%"), (1.5, "100.000%"), (-0.2, "0.000%")])
def test_a_share_is_a_css_width_held_between_nothing_and_the_whole_bar(share, width):
    assert share_width(share) == width


def test_a_segment_is_its_width_of_the_bar_in_its_colour():
    html = segment("25.000%", PALETTE[0], {"data-bytes": 381})
    assert html == (
        f'<span class="slimlab-bars-layer" data-bytes="381" style="width: 25.000%; background: {PALETTE[0]}"></span>'
    )


def test_a_bar_holds_its_parts_in_order_with_its_own_class_first():
    html = bar(["<i>1</i>", "<i>2</i>"], classes="slimlab-floor-bar", values={"aria-hidden": "true"})
    element = ET.fromstring(html)
    assert element.get("class") == "slimlab-bars-bar slimlab-floor-bar"
    assert element.get("aria-hidden") == "true"
    assert [child.text for child in element] == ["1", "2"]


def test_a_share_bar_is_the_whole_image_in_light_with_its_share_dark_at_the_left():
    element = ET.fromstring(share_bar(0.25, "#111111", "#eeeeee", label="6.2 MB <of> 948.7 MB", marks=["<i/>"]))
    assert element.get("role") == "img"
    assert element.get("aria-label") == "6.2 MB <of> 948.7 MB"
    assert element.get("style") == "width: 100%; background: #eeeeee"
    dark, mark = list(element)
    assert dark.get("style") == "width: 25.000%; background: #111111"
    assert mark.tag == "i"


def test_a_row_names_its_bar_in_text_at_body_size_and_escapes_it():
    element = ET.fromstring(bar_row("a<b>", "6.2 MB & more", "<div/>", classes="slimlab-floor-row", data={"data-x": 1}))
    assert element.get("class") == "slimlab-bars-variant slimlab-floor-row"
    assert element.get("data-x") == "1"
    label = element.find("p")
    assert label.find("strong").text == "a<b>"
    assert label.find("span").text == "6.2 MB & more"
    assert element[1].tag == "div"


def test_a_legend_is_one_line_of_swatches_each_beside_what_it_means():
    html = legend(key("#111111", "runtime floor"), key("#eeeeee", "rest & more"))
    element = ET.fromstring(html)
    assert element.get("class") == "slimlab-floor-legend"
    swatches = element.findall("span")
    assert [s.get("style") for s in swatches] == ["background: #111111", "background: #eeeeee"]
    assert all(s.get("aria-hidden") == "true" for s in swatches)
    assert "".join(element.itertext()) == "runtime floor rest & more"


def test_a_group_is_one_chart_that_screen_readers_name_by_its_title():
    element = ET.fromstring(group("<p/>", chart_id="f1", title='Sizes "now"', classes="slimlab-floor"))
    assert (element.get("id"), element.get("role"), element.get("aria-label")) == ("f1", "group", 'Sizes "now"')
