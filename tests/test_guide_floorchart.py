"""checks.guide.floorchart: every image beside its runtime floor, as HTML a phone can read."""

from __future__ import annotations

import re

from checks.guide.floorchart import SLACKER_SHARE, FloorPoint, describe, floor_bars, floor_points, unmeasured
from checks.model.measured import Measured
from checks.model.results import Results


def lab(name: str, **variants: tuple[int, int | None]) -> Results:
    return Results(
        lab=name,
        title=name,
        inputs_sha256="0" * 64,
        measured_at="2026-01-01T00:00:00+00:00",
        engine={},
        bases=(),
        variants={
            v: Measured(
                image_id="sha256:x",
                size_bytes=size,
                layer_count=1,
                runtime_files=None if floor is None else 3,
                runtime_bytes=floor,
            )
            for v, (size, floor) in variants.items()
        },
        claims=(),
    )


EVERY = [
    lab("lab-4-go", before=(948_678_152, 11_405_435), after=(6_231_089, 6_231_089)),
    lab("lab-1-base", before=(1_059_000_000, None)),
    lab("lab-5-py", before=(1_202_494_937, 91_723_462), broken=(151_000_000, None)),
]


def test_every_variant_with_a_floor_is_a_point_in_lab_and_variant_order():
    points = floor_points(EVERY)
    assert [(p.lab, p.variant) for p in points] == [
        ("lab-4-go", "before"),
        ("lab-4-go", "after"),
        ("lab-5-py", "before"),
    ]
    assert points[1].used == 1.0


def test_labs_with_no_floor_at_all_are_named_as_not_measured():
    assert unmeasured(EVERY) == ["lab-1-base"]


def test_each_bar_is_the_whole_image_with_its_floor_as_a_share_of_it():
    html = floor_bars(floor_points(EVERY), chart_id="c")
    rows = re.findall(r'data-lab="([^"]+)" data-variant="([^"]+)" data-bytes="(\d+)" data-floor="(\d+)"', html)
    assert rows[0] == ("lab-4-go", "before", "948678152", "11405435")
    assert "width: 1.202%" in html  # 11.4 MB of 948.7 MB
    assert "width: 100.000%; background: #1f6fb2" in html  # the scratch image is all floor


def test_the_bars_say_both_sizes_in_text_and_mark_slackers_share():
    html = floor_bars(floor_points(EVERY), chart_id="c")
    assert "948.7 MB, floor 11.4 MB in 3 files (1.2% used)" in html
    assert html.count(f'style="left: {SLACKER_SHARE * 100:.3f}%"') == 3
    assert "Slacker's 6.4%" in html


def test_the_description_names_the_least_and_the_most_used_image():
    text = describe(floor_points(EVERY))
    assert text.startswith("3 images. Their apps use from 1.2% (lab-4-go before) to 100% (lab-4-go after)")


def test_a_point_of_an_empty_image_uses_nothing():
    assert FloorPoint(lab="l", variant="v", size_bytes=0, runtime_bytes=0, runtime_files=0).used == 0.0
