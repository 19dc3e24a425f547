"""checks.guide.charts: layer charts are SVG text computed from measured data alone."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from checks.guide.charts import Geometry, layer_chart, nice_step, tick_label
from checks.model.measured import Layer, Measured

SVG = "{http://www.w3.org/2000/svg}"


def measured(*sizes: int, command: str = "RUN step") -> Measured:
    layers = tuple(Layer(size_bytes=size, created_by=f"{command} {i}") for i, size in enumerate(sizes))
    return Measured(image_id="sha256:x", size_bytes=sum(sizes), layer_count=sum(1 for s in sizes if s), layers=layers)


def chart(**variants: Measured) -> ET.Element:
    return ET.fromstring(layer_chart("lab-9-test", variants, chart_id="c1"))


def rects(svg: ET.Element) -> list[ET.Element]:
    return svg.findall(f".//{SVG}rect")


def test_every_layer_that_adds_bytes_is_one_segment_and_empty_steps_are_not():
    svg = chart(before=measured(500_000_000, 0, 300_000_000), after=measured(2_000_000))
    assert [int(r.get("data-bytes")) for r in rects(svg)] == [500_000_000, 300_000_000, 2_000_000]


def test_segments_share_one_scale_so_widths_follow_sizes():
    svg = chart(before=measured(600_000_000, 200_000_000), after=measured(100_000_000))
    widths = [float(r.get("width")) for r in rects(svg)]
    assert widths[0] == pytest.approx(3 * widths[1]) == pytest.approx(6 * widths[2])
    assert sum(widths[:2]) == pytest.approx(Geometry().plot)


def test_a_tiny_layer_is_still_drawn_visible():
    svg = chart(before=measured(1_000_000_000), after=measured(10))
    assert float(rects(svg)[1].get("width")) >= Geometry().min_segment


def test_segments_of_a_bar_follow_each_other_without_overlap():
    svg = chart(before=measured(100, 200, 300))
    xs = [(float(r.get("x")), float(r.get("width"))) for r in rects(svg)]
    assert all(x1 == pytest.approx(x0 + w0) for (x0, w0), (x1, _) in itertools.pairwise(xs))


def test_hovering_a_segment_shows_the_instruction_and_its_size():
    svg = chart(after=measured(6_009_016, command="COPY /out/greeter /greeter # buildkit"))
    tip = rects(svg)[0].find(f"{SVG}title").text
    assert "COPY /out/greeter /greeter" in tip
    assert "6.0 MB" in tip
    assert "6,009,016 bytes" in tip


def test_the_chart_is_an_image_with_a_title_and_a_text_description():
    svg = chart(before=measured(948_678_148), after=measured(6_231_089))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    desc = svg.find(f"{SVG}desc").text
    assert "before: 948.7 MB in 1 layer" in desc
    assert "after: 6.2 MB" in desc


def test_labels_name_each_variant_and_its_total():
    texts = [t.text for t in chart(before=measured(948_678_148), after=measured(6_231_089)).iter(f"{SVG}text")]
    assert "before" in texts
    assert "after" in texts
    assert "3.0 MB · 2 layers" in [t.text for t in chart(v=measured(1_000_000, 2_000_000)).iter(f"{SVG}text")]
    assert "948.7 MB · 1 layer" in texts
    assert "6.2 MB · 1 layer" in texts


def test_instructions_with_markup_characters_are_escaped():
    svg = layer_chart("lab", {"v": measured(5, command='RUN echo "<b>" && true')}, chart_id="c")
    assert "<b>" not in svg
    assert "&lt;b&gt;" in svg
    ET.fromstring(svg)  # still well-formed


@pytest.mark.parametrize(
    ("largest", "step"), [(948_678_148, 200_000_000), (6_231_089, 2_000_000), (1_000, 200), (0, 1)]
)
def test_axis_steps_are_round_numbers(largest, step):
    assert nice_step(largest) == step


@pytest.mark.parametrize(
    ("value", "label"), [(0, "0"), (200_000_000, "200 MB"), (1_500_000_000, "1.5 GB"), (500_000, "500 kB")]
)
def test_axis_labels_are_short(value, label):
    assert tick_label(value) == label
