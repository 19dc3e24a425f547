"""Pull time against compressed size, as SVG text: pure functions of the points, no Sphinx.

One mark per image (:class:`checks.guide.pullpoints.PullPoint`): its median cold
pull over loopback and, where a lab recorded one, over a throttled link, each
with a bar from the fastest to the slowest pull, and beside each throttled
pull its wire limit (compressed bytes ÷ link rate,
:func:`checks.guide.pullpoints.wire_seconds`), on log axes of 1-2-5 steps
(:mod:`checks.guide.drawing`).  Hovering a mark shows its figures; the chart
carries a title and a text description.  The ``.. pull-chart::`` directive
that shows it, with its tables and fit, is :mod:`checks.guide.pullchart`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from checks.guide.drawing import PALETTE, log_domain, log_position, log_ticks, svg_chart
from checks.guide.pullpoints import PullPoint, wire_seconds
from checks.model.i18n import _
from checks.model.units import MB, megabytes

#: Mark colours: the loopback series, the throttled series (the layer charts' first two colours).
LOOPBACK, LINK = PALETTE[0], PALETTE[1]


@dataclass(frozen=True)
class Geometry:
    """Sizes in SVG user units (the chart scales to the page width)."""

    width: int = 760
    height: int = 440
    left: int = 70  # the seconds, left of the plot
    right: int = 30  # room for the last size label
    top: int = 50  # the legend and the axis title, above the plot
    bottom: int = 60  # the sizes and the axis title, below the plot
    font: int = 15
    mark: float = 5.5

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom


# ---------------------------------------------------------------------------
# Text: the same words in the chart's tooltips and in the tables (:mod:`checks.guide.pullchart`).


def seconds(value: float) -> str:
    """A pull time: ``0.09 s``, ``1.03 s``, ``41.2 s``."""
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def size_tick(size_bytes: float) -> str:
    return f"{size_bytes / (1000 * MB):g} GB" if size_bytes >= 1000 * MB else f"{size_bytes / MB:g} MB"


def image_name(point: PullPoint) -> str:
    """``lab 0 · before``: the lab's number, as the guide's pages name labs, and the variant."""
    found = re.match(r"lab-(\d+)", point.lab)
    lab = _("lab {number}").format(number=found.group(1)) if found else point.lab
    return f"{lab} · {point.variant}"


def tooltip(point: PullPoint, where: str) -> str:
    runs = ", ".join(f"{r:g}" for r in point.pull_runs)
    return _(
        "{lab}/{variant}: {compressed} compressed, {size} on disk; median cold pull {where} {pull} (runs {runs} s)"
    ).format(
        lab=point.lab,
        variant=point.variant,
        compressed=megabytes(point.compressed_size_bytes),
        size=megabytes(point.size_bytes),
        where=where,
        pull=seconds(point.pull_seconds),
        runs=runs,
    )


def describe(loopback: Sequence[PullPoint], link: Sequence[PullPoint], link_mbit: float | None) -> str:
    """The chart's text alternative: what it plots and where the numbers are."""
    fastest = seconds(min(p.pull_seconds for p in loopback))
    slowest = seconds(max(p.pull_seconds for p in loopback))
    if link and link_mbit is not None:
        wire = {p: seconds(wire_seconds(p.compressed_size_bytes, link_mbit)) for p in link}
        pairs = ", ".join(
            _("{image} {pull} against {wire}").format(image=image_name(p), pull=seconds(p.pull_seconds), wire=wire[p])
            for p in link
        )
        return _(
            "Median cold pull time against compressed size, log scales, for {count} images over loopback"
            " ({fastest} to {slowest}) and {link_count} over a {rate} Mbit/s link, each beside its wire limit"
            " ({pairs}). The tables below the chart list every point."
        ).format(
            count=len(loopback),
            fastest=fastest,
            slowest=slowest,
            link_count=len(link),
            rate=f"{link_mbit:g}",
            pairs=pairs,
        )
    return _(
        "Median cold pull time against compressed size, log scales, for {count} images over loopback"
        " ({fastest} to {slowest}). The tables below the chart list every point."
    ).format(count=len(loopback), fastest=fastest, slowest=slowest)


# ---------------------------------------------------------------------------
# The SVG.


@dataclass(frozen=True)
class _Axes:
    g: Geometry
    x: tuple[float, float]
    y: tuple[float, float]

    def px(self, size_bytes: float) -> float:
        return self.g.left + log_position(size_bytes, *self.x, self.g.plot_width)

    def py(self, value: float) -> float:
        return self.g.top + self.g.plot_height - log_position(value, *self.y, self.g.plot_height)


def _text(x: float, y: float, text: str, size: int, anchor: str = "middle", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="currentColor"{extra}>'
        f"{escape(text)}</text>"
    )


def _grid(a: _Axes) -> list[str]:
    g, out = a.g, []
    bottom, right = g.top + g.plot_height, g.left + g.plot_width
    for tick in log_ticks(*a.x):
        x = a.px(tick)
        out.append(
            f'<line x1="{x:.1f}" y1="{g.top}" x2="{x:.1f}" y2="{bottom}" stroke="currentColor" stroke-opacity="0.15"/>'
        )
        out.append(_text(x, bottom + g.font + 4, size_tick(tick), g.font))
    for tick in log_ticks(*a.y):
        y = a.py(tick)
        out.append(
            f'<line x1="{g.left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="currentColor" stroke-opacity="0.15"/>'
        )
        out.append(_text(g.left - 6, y + g.font / 3, f"{tick:g} s", g.font, "end"))
    out.append(_text(g.left + g.plot_width / 2, g.height - 8, _("compressed size: what a node downloads"), g.font))
    return out


def _marker(shape: str, x: float, y: float, r: float, color: str, *, hollow: bool = False) -> str:
    paint = f'fill="none" stroke="{color}" stroke-width="2"' if hollow else f'fill="{color}" stroke="#ffffff"'
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" {paint}/>'
    return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" {paint}/>'


def _points(a: _Axes, points: Sequence[PullPoint], series: str, link_mbit: float | None) -> list[str]:
    color, shape = (LOOPBACK, "circle") if link_mbit is None else (LINK, "square")
    where = _("over loopback") if link_mbit is None else _("over {rate} Mbit/s").format(rate=f"{link_mbit:g}")
    out = []
    for p in points:
        x, y = a.px(p.compressed_size_bytes), a.py(p.pull_seconds)
        tip = tooltip(p, where)
        out.append(
            f'<g class="slimlab-pull-point" data-lab="{escape(p.lab)}" data-variant="{escape(p.variant)}" '
            f'data-series="{series}"><title>{escape(tip)}</title>'
        )
        low, high = a.py(min(p.pull_runs)), a.py(max(p.pull_runs))
        out.append(
            f'<line x1="{x:.1f}" y1="{low:.1f}" x2="{x:.1f}" y2="{high:.1f}" stroke="{color}" stroke-width="2"/>'
        )
        if link_mbit is not None:
            wire = a.py(wire_seconds(p.compressed_size_bytes, link_mbit))
            out.append(
                f'<line class="slimlab-wire-gap" x1="{x:.1f}" y1="{wire:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
                f'stroke="{color}" stroke-dasharray="2 3"/>'
            )
            out.append(_marker(shape, x, wire, a.g.mark, color, hollow=True))
        out.append(_marker(shape, x, y, a.g.mark, color))
        out.append("</g>")
    return out


def _wire_line(a: _Axes, link_mbit: float) -> str:
    """The wire limit at every size, clipped to the plot: a straight line on log-log axes."""
    lo = max(a.x[0], a.y[0] * link_mbit * 1e6 / 8)
    hi = min(a.x[1], a.y[1] * link_mbit * 1e6 / 8)
    if hi <= lo:
        return ""
    ends = [(a.px(b), a.py(wire_seconds(round(b), link_mbit))) for b in (lo, hi)]
    return (
        f'<line class="slimlab-wire-limit" x1="{ends[0][0]:.1f}" y1="{ends[0][1]:.1f}" x2="{ends[1][0]:.1f}" '
        f'y2="{ends[1][1]:.1f}" stroke="{LINK}" stroke-opacity="0.6" stroke-dasharray="6 4"/>'
    )


def _legend(g: Geometry, link_mbit: float | None) -> list[str]:
    items = [("circle", LOOPBACK, False, _("cold pull, loopback"))]
    if link_mbit is not None:
        items += [
            ("square", LINK, False, _("cold pull, {rate} Mbit/s").format(rate=f"{link_mbit:g}")),
            ("square", LINK, True, _("wire limit, {rate} Mbit/s").format(rate=f"{link_mbit:g}")),
        ]
    out, y = [], 6 + g.font / 2 + 2
    for index, (shape, color, hollow, label) in enumerate(items):
        x = g.left + index * g.plot_width / 3
        out.append(_marker(shape, x + g.mark, y, g.mark, color, hollow=hollow))
        out.append(_text(x + 3 * g.mark + 2, y + g.font / 3, label, g.font, "start"))
    out.append(_text(g.left, g.top - 8, _("median cold pull, s (bar: fastest to slowest)"), g.font, "start"))
    return out


def pull_chart(
    loopback: Sequence[PullPoint],
    link: Sequence[PullPoint] = (),
    link_mbit: float | None = None,
    *,
    chart_id: str,
    geometry: Geometry | None = None,
) -> str:
    """An accessible SVG of pull time against compressed size; ``chart_id`` must be unique in the page."""
    if not loopback:
        raise ValueError("a pull chart needs at least one image with cold pulls")
    g = geometry or Geometry()
    every = [*loopback, *link]
    times = [t for p in every for t in p.pull_runs]
    if link_mbit is not None:
        times += [wire_seconds(p.compressed_size_bytes, link_mbit) for p in link]
    a = _Axes(g, log_domain(p.compressed_size_bytes for p in every), log_domain(times))
    body = _grid(a) + _legend(g, link_mbit if link else None)
    if link and link_mbit is not None:
        body.append(_wire_line(a, link_mbit))
    body += _points(a, loopback, "loopback", None)
    if link_mbit is not None:
        body += _points(a, link, f"link-{link_mbit:g}", link_mbit)
    return svg_chart(
        chart_id=chart_id,
        classes="slimlab-pull-svg",
        size=(g.width, g.height),
        title=_("Cold pull time against compressed size, every image the labs build"),
        desc=describe(loopback, link, link_mbit),
        body=[line for line in body if line],
    )
