"""Per-layer size charts as SVG text: pure functions from measured data to markup.

One horizontal bar per variant, on one shared scale, each layer that adds
bytes a segment of it.  Hovering a segment shows the instruction that made
the layer and its size (an SVG ``<title>``); the chart as a whole carries a
title and a text description for screen readers.  No plotting library: the
docs build only formats numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from checks.model.measured import Measured
from checks.model.units import MB, megabytes

#: Segment colours, cycled along a bar: dark enough for white labels, distinct in light and dark themes.
PALETTE = ("#1f6fb2", "#b8572a", "#2f7d4a", "#7a4fb0", "#a3365f", "#2c7c8c", "#8a6d1d", "#4f5d75")


@dataclass(frozen=True)
class Geometry:
    """Sizes in SVG user units (the chart scales to the page width)."""

    width: int = 760
    label: int = 118  # variant names, left of the bars
    total: int = 150  # "948.7 MB · 11 layers", right of the bars
    row: int = 34
    bar: int = 22
    top: int = 6
    axis: int = 26
    #: Below this width a segment gets no size label inside it.
    min_label: int = 62
    #: A layer that adds bytes is never drawn thinner than this, so it stays visible.
    min_segment: float = 1.5

    @property
    def plot(self) -> int:
        return self.width - self.label - self.total


def nice_step(largest: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``ticks`` intervals."""
    if largest <= 0:
        return 1.0
    raw = largest / ticks
    power: float = 10 ** math.floor(math.log10(raw))  # int ** int is typed Any: the exponent may be negative
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def tick_label(size_bytes: float) -> str:
    """Short axis labels: ``0``, ``200 MB``, ``1.5 GB``, ``500 kB``."""
    if size_bytes == 0:
        return "0"
    if size_bytes >= 1000 * MB:
        return f"{size_bytes / (1000 * MB):g} GB"
    if size_bytes >= MB:
        return f"{size_bytes / MB:g} MB"
    return f"{size_bytes / 1000:g} kB"


def layers_word(count: int) -> str:
    return f"{count} layer" if count == 1 else f"{count} layers"


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(lab: str, variants: Mapping[str, Measured]) -> str:
    """The chart's text alternative: each variant's size, layer count and largest layer."""
    parts = []
    for name, m in variants.items():
        largest = max(m.layers, key=lambda layer: layer.size_bytes, default=None)
        biggest = (
            f"; largest layer {megabytes(largest.size_bytes)} from {_short(largest.created_by, 80)}"
            if largest and largest.size_bytes
            else ""
        )
        parts.append(f"{name}: {megabytes(m.size_bytes)} in {layers_word(m.layer_count)}{biggest}")
    return f"Layer sizes of {lab}. " + ". ".join(parts) + "."


def _axis(g: Geometry, scale: float, largest: int, y: float) -> list[str]:
    step = nice_step(largest)
    out = []
    value = 0.0
    while value <= largest * 1.0001:
        x = g.label + value * scale
        out.append(
            f'<line class="grid" x1="{x:.1f}" y1="{g.top}" x2="{x:.1f}" y2="{y:.1f}" '
            'stroke="currentColor" stroke-opacity="0.15"/>'
        )
        out.append(
            f'<text class="tick" x="{x:.1f}" y="{y + 16:.1f}" text-anchor="middle" font-size="11" '
            f'fill="currentColor">{tick_label(value)}</text>'
        )
        value += step
    return out


def _segments(g: Geometry, m: Measured, scale: float, y: float) -> list[str]:
    out, x = [], float(g.label)
    for index, layer in enumerate(layer for layer in m.layers if layer.size_bytes > 0):
        width = max(layer.size_bytes * scale, g.min_segment)
        color = PALETTE[index % len(PALETTE)]
        tip = escape(f"{_short(layer.created_by)}\n{megabytes(layer.size_bytes)} ({layer.size_bytes:,} bytes)")
        out.append(
            f'<rect class="slimlab-layer" x="{x:.2f}" y="{y:.1f}" width="{width:.2f}" height="{g.bar}" fill="{color}" '
            f'stroke="#ffffff" stroke-width="0.75" data-bytes="{layer.size_bytes}"><title>{tip}</title></rect>'
        )
        if width >= g.min_label:
            out.append(
                f'<text class="segment" x="{x + width / 2:.1f}" y="{y + g.bar / 2 + 4:.1f}" text-anchor="middle" '
                f'font-size="11" fill="#ffffff" pointer-events="none">{megabytes(layer.size_bytes)}</text>'
            )
        x += width
    return out


def layer_chart(lab: str, variants: Mapping[str, Measured], *, chart_id: str, geometry: Geometry | None = None) -> str:
    """An accessible SVG of every variant's layers on one scale; ``chart_id`` must be unique in the page."""
    g = geometry or Geometry()
    largest = max((m.size_bytes for m in variants.values()), default=0) or 1
    scale = g.plot / largest
    height = g.top + g.row * len(variants) + g.axis
    body: list[str] = _axis(g, scale, largest, g.top + g.row * len(variants))
    for row, (name, m) in enumerate(variants.items()):
        y = g.top + row * g.row + (g.row - g.bar) / 2
        middle = y + g.bar / 2 + 4
        body.append(f'<g class="slimlab-variant" data-variant="{escape(name)}">')
        body.append(
            f'<text class="variant" x="{g.label - 8}" y="{middle:.1f}" text-anchor="end" font-size="13" '
            f'font-weight="600" fill="currentColor">{escape(name)}</text>'
        )
        body += _segments(g, m, scale, y)
        end = g.label + max(m.size_bytes * scale, g.min_segment if m.size_bytes else 0) + 6
        body.append(
            f'<text class="total" x="{end:.1f}" y="{middle:.1f}" font-size="12" fill="currentColor">'
            f"{megabytes(m.size_bytes)} · {layers_word(m.layer_count)}</text>"
        )
        body.append("</g>")
    title = f"Layer sizes of each variant of {lab}"
    return "\n".join(
        [
            (
                f'<svg xmlns="http://www.w3.org/2000/svg" class="slimlab-chart" id="{chart_id}" '
                f'viewBox="0 0 {g.width} {height}" width="100%" role="img" '
                f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
                'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">'
            ),
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(describe(lab, variants))}</desc>',
            *body,
            "</svg>",
        ]
    )
