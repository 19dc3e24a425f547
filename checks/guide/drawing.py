"""What every chart of the guide is drawn with: pure functions from numbers and words to SVG or HTML text.

The palette; an SVG frame that carries its title and text description
(:func:`svg_chart`); round axis steps, linear (:func:`nice_step`) and
logarithmic in 1-2-5 steps (:func:`log_domain`, :func:`log_ticks`,
:func:`log_position`); and the pieces of the HTML bar charts that
``slimlab.css`` lays out: a row with its name and figures as text at body size
(:func:`bar_row`), a bar of segments (:func:`bar`, :func:`segment`), a bar that
is a whole image with a share of it dark (:func:`share_bar`), a legend of
swatches (:func:`legend`, :func:`key`) and the group that holds them
(:func:`group`).  Every attribute value is escaped here, so a chart module
passes plain text.  Each chart module keeps only what it draws:
:mod:`checks.guide.charts`, :mod:`checks.guide.pullsvg`,
:mod:`checks.guide.floorchart`, :mod:`checks.guide.updatechart`,
:mod:`checks.guide.compressionchart`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from html import escape

#: Segment colours, cycled along a bar: dark enough for white labels, distinct in light and dark themes.
PALETTE = ("#1f6fb2", "#b8572a", "#2f7d4a", "#7a4fb0", "#a3365f", "#2c7c8c", "#8a6d1d", "#4f5d75")

#: The font every SVG chart asks for (the page's own, on each platform).
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def svg_chart(*, chart_id: str, classes: str, size: tuple[int, int], title: str, desc: str, body: Iterable[str]) -> str:
    """An accessible SVG of ``size`` (width, height) in user units that scales to the page width.

    Screen readers announce ``title`` and ``desc`` (``aria-labelledby``); ``chart_id`` must be unique in the page.
    """
    width, height = size
    return "\n".join(
        [
            (
                f'<svg xmlns="http://www.w3.org/2000/svg" class="{classes}" id="{chart_id}" '
                f'viewBox="0 0 {width} {height}" width="100%" role="img" '
                f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
                f'font-family="{FONT}">'
            ),
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
            *body,
            "</svg>",
        ]
    )


# ---------------------------------------------------------------------------
# Axes: round numbers at every tick.


def nice_step(largest: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``ticks`` intervals."""
    if largest <= 0:
        return 1.0
    raw = largest / ticks
    power: float = 10 ** math.floor(math.log10(raw))  # int ** int is typed Any: the exponent may be negative
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def steps_125(lo: float, hi: float) -> list[float]:
    """Every 1, 2 or 5 times a power of ten from one step below ``lo`` to one step above ``hi``."""
    if lo <= 0 or hi < lo:
        raise ValueError(f"a log axis needs 0 < lo <= hi, not {lo} and {hi}")
    found = [
        round(m * 10.0**e, 12)
        for e in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
        for m in (1, 2, 5)
    ]
    return sorted(found)


def log_domain(values: Iterable[float]) -> tuple[float, float]:
    """The 1-2-5 steps just below the smallest and just above the largest of ``values``."""
    shown = [v for v in values if v > 0]
    if not shown:
        raise ValueError("a log axis needs at least one positive value")
    lo, hi = min(shown), max(shown)
    steps = steps_125(lo, hi)
    return max(s for s in steps if s <= lo), min(s for s in steps if s >= hi)


def log_ticks(lo: float, hi: float) -> list[float]:
    """The 1-2-5 steps from ``lo`` to ``hi``, both included."""
    return [s for s in steps_125(lo, hi) if lo * 0.999 <= s <= hi * 1.001]


def log_position(value: float, lo: float, hi: float, length: float) -> float:
    """How far along an axis of ``length`` from ``lo`` to ``hi`` a value falls, on a log scale."""
    if hi <= lo:
        return 0.0
    return length * (math.log10(value) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))


# ---------------------------------------------------------------------------
# HTML bars: what the narrow-screen charts and the whole-image charts are made of.


def attributes(values: Mapping[str, object]) -> str:
    """`` name="value"`` for each item, in order, every value escaped."""
    return "".join(f' {name}="{escape(str(value))}"' for name, value in values.items())


def share_width(share: float) -> str:
    """A share as a CSS width, held between 0 and 100%: ``6.400%``."""
    return f"{min(max(share, 0.0), 1.0) * 100:.3f}%"


def segment(width: str, colour: str, data: Mapping[str, object] | None = None) -> str:
    """A part of a bar, ``width`` (CSS) of it, in ``colour``; ``data`` become its ``data-*`` attributes."""
    return (
        f'<span class="slimlab-bars-layer"{attributes(data or {})} style="width: {width}; background: {colour}"></span>'
    )


def bar(parts: Iterable[str], *, classes: str = "", values: Mapping[str, object] | None = None) -> str:
    """A bar holding ``parts`` (segments, markers) in order; ``classes`` beside its own, ``values`` its attributes."""
    kind = " ".join(["slimlab-bars-bar", *([classes] if classes else [])])
    return f'<div class="{kind}"{attributes(values or {})}>' + "".join(parts) + "</div>"


def share_bar(share: float, dark: str, light: str, *, label: str, marks: Iterable[str] = ()) -> str:
    """A whole image the width of the page in ``light``, ``share`` of it dark at its left; its name is ``label``."""
    values = {"role": "img", "aria-label": label, "style": f"width: 100%; background: {light}"}
    return bar([segment(share_width(share), dark), *marks], classes="slimlab-floor-bar", values=values)


def bar_row(name: str, label: str, bars: str, *, classes: str = "", data: Mapping[str, object]) -> str:
    """A row of a bar chart: ``name`` in bold and ``label`` as text at body size above its ``bars``."""
    kind = " ".join(["slimlab-bars-variant", *([classes] if classes else [])])
    return (
        f'<div class="{kind}"{attributes(data)}>'
        f'<p class="slimlab-bars-label"><strong>{escape(name)}</strong> <span>{escape(label)}</span></p>'
        f"{bars}</div>"
    )


def swatch(colour: str) -> str:
    """A small square of ``colour``, hidden from screen readers (the text beside it says what it is)."""
    return f'<span class="slimlab-swatch" style="background: {colour}" aria-hidden="true"></span>'


def key(colour: str, text: str) -> str:
    """A legend's entry: a swatch and what its colour means."""
    return swatch(colour) + escape(text)


def legend(*entries: str) -> str:
    """The entries (HTML, :func:`key`) on one line above a chart's rows."""
    return '<p class="slimlab-floor-legend">' + " ".join(entries) + "</p>"


def group(body: str, *, chart_id: str, title: str, classes: str) -> str:
    """A chart in HTML: ``body`` (its legend and rows) as one group that screen readers name ``title``."""
    return f'<div class="{classes}" id="{chart_id}" role="group" aria-label="{escape(title)}">{body}</div>'
