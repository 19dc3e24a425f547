"""Pull time against compressed size, over every image the labs build: a chart, its tables and a fit.

``.. pull-chart::`` (option ``:link: 100``)
    One mark per variant of every lab that has a compressed size and cold
    pulls (:func:`checks.model.pulls.pull_points`): the median cold pull over
    loopback and, with ``:link:``, over the throttled link where a lab
    recorded one, each with a bar from the fastest to the slowest pull, and
    beside each throttled pull its wire limit (compressed bytes ÷ link rate,
    :func:`checks.model.pulls.wire_seconds`).  Below the chart, the same
    numbers as tables (the chart is left out on a phone, where the tables take
    its place) and a least-squares fit of the median pulls on the compressed
    and on the uncompressed size (:func:`checks.model.pulls.pull_fit`).

The geometry (:func:`log_domain`, :func:`log_ticks`, :func:`log_position`) and
the SVG (:func:`pull_chart`) are pure functions of the points; the directive
only reads the recorded results.  Registered by :func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, ClassVar

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from checks.guide.nodes import WARN, every_results, fill, literal, logger, para, table
from checks.model.i18n import N_, _
from checks.model.pulls import Fit, PullPoint, pull_fit, pull_points, wire_seconds
from checks.model.results import Results
from checks.model.units import MB, megabytes

#: Joins a number to its unit in table cells, so a narrow column never splits ``6.0 MB``.
NBSP = "\u00a0"

#: The column head, with a soft hyphen where a phone may break it (shown through :func:`checks.model.i18n._`).
COMPRESSED = N_("Com\u00adpressed")

#: Mark colours: the loopback series, the throttled series (the layer charts' first two colours).
LOOPBACK, LINK = "#1f6fb2", "#b8572a"


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
# Log axes: 1-2-5 steps, so that every tick is a round number.


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
# Text: the same words in the chart's tooltips and in the tables.


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


def keep(text: str) -> str:
    """``6.0 MB`` with a no-break space, for table cells."""
    return text.replace(" ", NBSP)


def spread(runs: Sequence[float]) -> str:
    """The fastest to the slowest pull: ``0.72 to 1.15 s`` (``one pull`` when there was one)."""
    if len(runs) == 1:
        return _("one pull")
    digits = 2 if max(runs) < 10 else 1
    return _("{fastest} to {slowest} s").format(fastest=f"{min(runs):.{digits}f}", slowest=f"{max(runs):.{digits}f}")


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
    title = _("Cold pull time against compressed size, every image the labs build")
    return "\n".join(
        [
            (
                f'<svg xmlns="http://www.w3.org/2000/svg" class="slimlab-pull-svg" id="{chart_id}" '
                f'viewBox="0 0 {g.width} {g.height}" width="100%" role="img" '
                f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
                'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">'
            ),
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(describe(loopback, link, link_mbit))}</desc>',
            *[line for line in body if line],
            "</svg>",
        ]
    )


# ---------------------------------------------------------------------------
# The fit, in words and numbers computed from the points.


def fit_line(fit: Fit) -> str:
    """``-0.10 s + 4.28 s per 100 MB`` (each term kept on one line)."""
    return f"{fit.intercept:.2f}{NBSP}s + {fit.slope * 100 * MB:.2f}{NBSP}s{NBSP}per{NBSP}100{NBSP}MB"


def r2(fit: Fit) -> str:
    return f"{fit.r_squared:.3f}"


def which_follows(compressed: Fit, uncompressed: Fit) -> str:
    """Which size the time follows more closely, judged on R² as the page shows it (three decimals)."""
    if r2(compressed) == r2(uncompressed):
        return _("the two fits are alike: these pulls cannot tell the two sizes apart")
    if uncompressed.r_squared > compressed.r_squared:
        return _("the time follows the uncompressed size more closely than the compressed size")
    return _("the time follows the compressed size more closely than the uncompressed size")


def fit_rows(series: Sequence[tuple[str, Sequence[PullPoint]]]) -> list[list[str]]:
    """One row per series and size: which pulls on which size, the line, R²."""
    rows = []
    for where, points in series:
        for compressed in (True, False):
            fit = pull_fit(points, compressed=compressed)
            if fit is not None:
                said = (
                    _("{where}, on the compressed size ({count} images)")
                    if compressed
                    else _("{where}, on the uncompressed size ({count} images)")
                )
                rows.append([said.format(where=where, count=fit.count), fit_line(fit), r2(fit)])
    return rows


def fit_sentence(where: str, points: Sequence[PullPoint]) -> str | None:
    compressed, uncompressed = pull_fit(points, compressed=True), pull_fit(points, compressed=False)
    if compressed is None or uncompressed is None:
        return None
    return _(
        "{where} ({count} images), R² is {compressed} on the compressed size and {uncompressed} on the "
        "uncompressed size: {follows}."
    ).format(
        where=f"{where[:1].upper()}{where[1:]}",
        count=compressed.count,
        compressed=r2(compressed),
        uncompressed=r2(uncompressed),
        follows=which_follows(compressed, uncompressed),
    )


# ---------------------------------------------------------------------------
# .. pull-chart::


def link_rate(text: str | None) -> float:
    """The ``:link:`` option: a rate in Mbit/s, above zero."""
    try:
        rate = float(text or "")
    except ValueError:
        raise ValueError(f"'{text}' is not a link rate in Mbit/s (e.g. 100)") from None
    if not rate > 0:
        raise ValueError(f"a link rate must be above 0 Mbit/s, not {text}")
    return rate


class PullChartDirective(SphinxDirective):
    """Pull time against compressed size over every image, with its tables and fit."""

    option_spec: ClassVar[dict[str, Callable[[str], Any]] | None] = {"link": link_rate}

    def run(self) -> list[nodes.Node]:
        every = every_results(self.env)
        rate: float | None = self.options.get("link")
        loopback = pull_points(every)
        link = pull_points(every, rate) if rate is not None else []
        if not loopback:
            logger.warning("pull-chart: no lab has recorded cold pulls yet.", location=self.get_location(), **WARN)
            message = _("No cold pulls are recorded yet: run {command}.")
            return [nodes.warning("", para(*fill(message, command=literal("make check"))))]
        if rate is not None and not link:
            logger.warning(
                f"pull-chart: no lab recorded pulls over a {rate:g} Mbit/s link; drop :link: or record them.",
                location=self.get_location(),
                **WARN,
            )
        box = nodes.container(classes=["slimlab-pull-chart"])
        chart_id = f"slimlab-pull-{self.env.new_serialno('slimlab-pull')}"
        svg = pull_chart(loopback, link, rate if link else None, chart_id=chart_id)
        caption = self.caption(every, loopback, link, rate)
        box += nodes.container("", nodes.raw("", svg, format="html"), caption, classes=["slimlab-pull-figure"])
        box += para(
            _("On a screen this narrow the chart is left out: the tables below hold every number in it."),
            classes=["slimlab-pull-narrow", "slimlab-chart-caption"],
        )
        box += self.fit(loopback, link, rate)
        box += self.loopback_table(loopback)
        if link and rate is not None:
            box += self.link_table(link, rate)
        return [box]

    def caption(
        self, every: Sequence[Results], loopback: Sequence[PullPoint], link: Sequence[PullPoint], rate: float | None
    ) -> nodes.paragraph:
        labs = {p.lab for p in loopback}
        dates = sorted({r.measured_at[:10] for r in every if r.lab in labs})
        when = dates[0] if len(dates) == 1 else _("{first} to {last}").format(first=dates[0], last=dates[-1])
        # Whole sentences, each with the space that follows it in English (a translation may drop it).
        counted = (
            _(
                "Every image of {labs} labs with a compressed size and cold pulls: {count} over loopback, "
                "{link_count} of them also over {rate} Mbit/s. "
            ).format(labs=len(labs), count=len(loopback), link_count=len(link), rate=f"{rate:g}")
            if link and rate is not None
            else _("Every image of {labs} labs with a compressed size and cold pulls: {count} over loopback. ").format(
                labs=len(labs), count=len(loopback)
            )
        )
        text = (
            counted
            + _(
                "Each mark is a median of cold pulls, its bar runs from the fastest to the slowest; both scales "
                "are logarithmic. "
            )
            + (
                _(
                    "The hollow mark below each throttled pull is its wire limit, the compressed bytes at the link's "
                    "rate, and the dashed line that limit at every size; loopback has no set rate, so no wire limit. "
                )
                if link
                else ""
            )
            + _(
                "From labs/*/results.json, recorded {when}. Hover a mark for its figures; the tables below hold "
                "every number."
            ).format(when=when)
        )
        return para(text, classes=["slimlab-chart-caption"])

    def fit(self, loopback: Sequence[PullPoint], link: Sequence[PullPoint], rate: float | None) -> list[nodes.Node]:
        series: list[tuple[str, Sequence[PullPoint]]] = [(_("over loopback"), loopback)]
        if link and rate is not None:
            series.append((_("over {rate} Mbit/s").format(rate=f"{rate:g}"), link))
        said = [s for where, points in series if (s := fit_sentence(where, points))]
        if not said:
            return []
        intro = _(
            "A least-squares line of the median pull seconds on each size, computed from the same results: "
            "R² is the share of the spread in pull times the line accounts for (1 is every image on it). "
        )
        rows = fit_rows(series)
        return [
            para(intro + " ".join(said), classes=["slimlab-pull-fit"]),
            table([_("Median pulls"), _("Line"), "R²"], rows, ["slimlab-pull-fits"], [44, 42, 14]),
        ]

    def loopback_table(self, points: Sequence[PullPoint]) -> nodes.table:
        rows: list[list[nodes.Node | str]] = [
            [
                image_name(p),
                keep(megabytes(p.compressed_size_bytes)),
                keep(megabytes(p.size_bytes)),
                self.pull_cell(p),
            ]
            for p in points
        ]
        headers = [_("Image"), _(COMPRESSED), _("On disk"), _("Cold pull")]
        tab = table(headers, rows, ["slimlab-pull-table"], [34, 20, 20, 26])
        tab.insert(
            0, nodes.title("", _("Every image, pulled over loopback (smallest download first)"), translatable=False)
        )
        return tab

    def link_table(self, points: Sequence[PullPoint], rate: float) -> nodes.table:
        rows: list[list[nodes.Node | str]] = []
        for p in points:
            wire = wire_seconds(p.compressed_size_bytes, rate)
            rows.append(
                [
                    image_name(p),
                    keep(megabytes(p.compressed_size_bytes)),
                    self.pull_cell(p),
                    para(
                        keep(seconds(wire)),
                        nodes.inline(
                            "",
                            _(" {share} of the pull").format(share=f"{wire / p.pull_seconds:.0%}"),
                            classes=["slimlab-pull-runs"],
                        ),
                    ),
                ]
            )
        headers = [_("Image"), _(COMPRESSED), _("Cold pull"), _("Wire limit")]
        tab = table(headers, rows, ["slimlab-pull-table"], [28, 20, 26, 26])
        title = _("The images pulled over a {rate} Mbit/s link, beside the link's wire limit").format(rate=f"{rate:g}")
        tab.insert(0, nodes.title("", title, translatable=False))
        return tab

    @staticmethod
    def pull_cell(p: PullPoint) -> nodes.paragraph:
        return para(
            keep(seconds(p.pull_seconds)), nodes.inline("", f" {spread(p.pull_runs)}", classes=["slimlab-pull-runs"])
        )
