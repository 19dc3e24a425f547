"""checks.guide.charts: layer charts are SVG text computed from measured data alone."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checks.guide import layertally
from checks.guide.charts import (
    MARK_SHIFT_PX,
    Geometry,
    drawn,
    layer_bars,
    layer_chart,
    layer_steps,
    layer_writers,
    mark_box,
    tick_label,
)
from checks.model.measured import Layer, Measured
from checks.store import results as results_file

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


def test_the_charts_text_description_gives_each_variants_size_and_layers():
    svg = chart(before=measured(948_678_148), after=measured(6_231_089))
    assert svg.get("aria-labelledby") == "c1-title c1-desc"  # the frame (test_guide_drawing.py) names them
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
    ("value", "label"), [(0, "0"), (200_000_000, "200 MB"), (1_500_000_000, "1.5 GB"), (500_000, "500 kB")]
)
def test_axis_labels_are_short(value, label):
    assert tick_label(value) == label


# A step that writes a layer of no bytes (``RUN rm -rf``: only whiteouts) is a marker, not nothing.


def history(*steps: tuple[int, str], layer_count: int | None = None) -> Measured:
    """An image from ``(bytes, instruction)`` steps; by default every step but ``CMD`` counts as a layer."""
    layers = tuple(Layer(size_bytes=size, created_by=f"{text} # buildkit") for size, text in steps)
    count = sum(1 for _, text in steps if not text.startswith("CMD")) if layer_count is None else layer_count
    return Measured(image_id="sha256:x", size_bytes=sum(size for size, _ in steps), layer_count=count, layers=layers)


DELETE_LATER = history(
    (78_000_000, "ADD rootfs.tar /"),
    (0, 'CMD ["bash"]'),
    (50_000_000, "RUN /bin/sh -c mkdir /tmp/installer && fetch"),
    (0, "RUN /bin/sh -c rm -rf /tmp/installer"),
    (381, "COPY app/report.sh /usr/local/bin/report"),
)

NEVER_DELETE = history(
    (78_000_000, "ADD rootfs.tar /"),
    (0, 'CMD ["bash"]'),
    (50_000_000, "RUN /bin/sh -c mkdir /tmp/installer && fetch"),
    (381, "COPY app/report.sh /usr/local/bin/report"),
)
#: Together the two counts decide it: CMD wrote no layer in NEVER_DELETE, so the extra layer is the RUN rm.
WRITERS = layer_writers([DELETE_LATER, NEVER_DELETE])


def chart_of(image: Measured, writers: frozenset[str] = WRITERS) -> ET.Element:
    return ET.fromstring(layer_chart("lab", {"v": image}, chart_id="c", writers=writers))


def marks(svg: ET.Element) -> list[ET.Element]:
    return svg.findall(f".//{SVG}g[@class='slimlab-empty-layer']")


def test_the_layer_counts_decide_which_steps_of_no_bytes_wrote_a_layer():
    assert {"RUN", "ADD", "COPY"} <= WRITERS
    assert "CMD" not in WRITERS
    assert "RUN" not in layer_writers([history((5, "RUN a"), (0, "RUN true"), layer_count=1)])


def test_when_the_counts_cannot_tell_which_step_made_a_layer_neither_is_drawn():
    # One image alone: the fourth layer is the RUN rm's or the CMD's; the records do not say.
    assert not {"RUN", "CMD"} & layer_writers([DELETE_LATER])


def test_a_layer_of_no_bytes_is_drawn_as_a_marker_where_its_step_comes():
    svg = chart_of(DELETE_LATER)
    [mark] = marks(svg)
    _, second, _ = rects(svg)
    assert float(mark.get("data-x")) == pytest.approx(float(second.get("x")) + float(second.get("width")))
    assert mark.get("data-bytes") == "0"
    assert mark.find(f"{SVG}path") is not None


def test_the_marker_says_what_made_it_without_hover_for_screen_readers_and_with_hover_for_the_mouse():
    [mark] = marks(chart_of(DELETE_LATER))
    assert mark.get("role") == "img"
    assert mark.get("aria-label") == "RUN rm -rf /tmp/installer: adds 0 bytes"
    assert "RUN rm -rf /tmp/installer" in mark.find(f"{SVG}title").text
    assert "0 bytes" in mark.find(f"{SVG}title").text


def test_the_chart_description_names_the_layers_of_no_bytes():
    desc = chart_of(DELETE_LATER).find(f"{SVG}desc").text
    assert "RUN rm -rf /tmp/installer: adds 0 bytes" in desc


def test_a_marker_is_centred_on_its_place_wider_than_nothing_and_taller_than_the_bar():
    g = Geometry()
    left, top, width, height = mark_box(g, 300.0, 40.0)
    assert left + width / 2 == pytest.approx(300.0)
    assert width >= 2
    assert top < 40.0
    assert top + height > 40.0 + g.bar


def test_markers_in_a_row_stand_side_by_side():
    image = history((10_000_000, "ADD root /"), (0, "WORKDIR /go"), (0, "WORKDIR /src"), (5, "COPY app ."))
    xs = [float(m.get("data-x")) for m in marks(chart_of(image, frozenset({"WORKDIR"})))]
    assert len(xs) == 2
    assert xs[1] - xs[0] >= Geometry().mark_head


def test_steps_of_no_bytes_that_write_no_layer_are_not_drawn():
    steps = drawn(DELETE_LATER, WRITERS)
    assert [s.layer.created_by.split(" ")[0] for s in steps] == ["ADD", "RUN", "RUN", "COPY"]
    assert [s.empty for s in steps] == [False, False, True, False]


def test_by_default_the_chart_decides_from_its_own_variants():
    both = {"delete-later": DELETE_LATER, "never-delete": NEVER_DELETE}
    assert len(marks(ET.fromstring(layer_chart("lab", both, chart_id="c")))) == 1
    assert marks(ET.fromstring(layer_chart("lab", both, chart_id="c", writers=frozenset()))) == []


def recorded() -> dict[str, dict[str, Measured]]:
    found = {}
    for path in sorted(Path(__file__).resolve().parent.parent.glob("labs/*/results.json")):
        read = results_file.read(path)
        assert read is not None, path
        found[path.parent.name] = dict(read.variants)
    return found


def test_every_recorded_layer_is_drawn_a_segment_or_a_marker():
    labs = recorded()
    writers = layer_writers(layertally.histories(labs))
    drawn_vs_counted = {
        f"{lab}/{name}": (len(drawn(m, writers)), m.layer_count) for lab, vs in labs.items() for name, m in vs.items()
    }
    assert len(drawn_vs_counted) > 10
    assert {key: pair for key, pair in drawn_vs_counted.items() if pair[0] != pair[1]} == {}


def test_lab_2_draws_its_delete_in_a_later_step_as_a_marker():
    labs = recorded()
    writers = layer_writers(layertally.histories(labs))
    svg = ET.fromstring(layer_chart("lab-2-layers", labs["lab-2-layers"], chart_id="c", writers=writers))
    later = svg.find(f".//{SVG}g[@data-variant='delete-later']")
    [mark] = marks(later)
    assert "rm -rf /tmp/installer" in mark.get("aria-label")


# The HTML twin for narrow screens, and the steps in words.


def html(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # the companions are well-formed, so they parse as XML


def test_the_narrow_bars_name_each_variant_and_its_total_in_text():
    bars = html(layer_bars("lab-9", {"before": measured(948_678_148), "after": measured(6_231_089)}, chart_id="c1"))
    assert bars.get("id") == "c1-bars"
    labels = ["".join(p.itertext()) for p in bars.iter("p")]
    assert labels == ["before 948.7 MB · 1 layer", "after 6.2 MB · 1 layer"]


def percent(element: ET.Element) -> float:
    found = re.search(r"width: ([0-9.]+)%", element.get("style", ""))
    assert found, element.attrib
    return float(found.group(1))


def test_the_narrow_bars_share_one_scale_and_split_into_their_layers():
    bars = html(layer_bars("lab", {"big": measured(600, 200), "small": measured(100)}, chart_id="c"))
    big, small = (percent(b) for b in bars.iter("div") if b.get("class") == "slimlab-bars-bar")
    assert (big, small) == (pytest.approx(100), pytest.approx(12.5))
    segments = [percent(s) for s in bars.iter("span") if s.get("class") == "slimlab-bars-layer"]
    assert segments == [pytest.approx(75), pytest.approx(25), pytest.approx(100)]


def test_the_narrow_bars_mark_a_layer_of_no_bytes_with_a_label():
    bars = html(layer_bars("lab", {"v": DELETE_LATER}, chart_id="c", writers=WRITERS))
    [mark] = [s for s in bars.iter("span") if s.get("class") == "slimlab-bars-empty"]
    assert mark.get("role") == "img"
    assert mark.get("aria-label") == "RUN rm -rf /tmp/installer: adds 0 bytes"


def test_the_steps_table_names_the_instruction_of_every_segment_and_marker_without_hover():
    steps = html(layer_steps({"delete-later": DELETE_LATER}, writers=WRITERS))
    assert steps.tag == "details"
    rows = [" ".join("".join(td.itertext()).split()) for tr in steps.iter("tr") for td in tr if td.tag == "td"]
    assert rows[:2] == ["78.0 MB", "ADD rootfs.tar /"]
    assert "RUN rm -rf /tmp/installer (adds nothing, frees nothing)" in rows
    assert "0 bytes" in rows
    assert "381 bytes" in rows
    assert rows[-1] == "and 1 step that adds no bytes and is not drawn: CMD"


def test_the_companions_escape_markup_in_names_and_instructions():
    image = history((5, 'RUN echo "<b>"'))
    for markup in (layer_bars("lab", {"<v>": image}, chart_id="c"), layer_steps({"<v>": image})):
        assert "<b>" not in markup
        assert "<v>" not in markup
        html(markup)


def test_the_narrow_bars_shift_markers_in_a_row_apart_without_widening_the_bar():
    image = history((10_000_000, "ADD root /"), (0, "WORKDIR /go"), (0, "WORKDIR /src"), (5, "COPY app ."))
    bars = html(layer_bars("lab", {"v": image}, chart_id="c", writers=frozenset({"WORKDIR"})))
    shifts = [s.get("style", "") for s in bars.iter("span") if s.get("class") == "slimlab-bars-empty"]
    assert shifts == ["", f"left: {MARK_SHIFT_PX}px"]
    segments = [percent(s) for s in bars.iter("span") if s.get("class") == "slimlab-bars-layer"]
    assert sum(segments) == pytest.approx(100)


def test_the_longest_variant_name_fits_left_of_the_bars():
    from checks.guide.charts import Geometry, label_width

    assert label_width({"before": 1, "after": 1}) == Geometry.label
    assert label_width({"copy-onto-base": 1}) > Geometry.label
    assert label_width({"copy-onto-base": 1}) >= 8.5 * len("copy-onto-base")
