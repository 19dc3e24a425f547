"""Pull time against compressed size, over every image the labs build: a chart, its tables and a fit.

``.. pull-chart::`` (option ``:link: 100``)
    One mark per variant of every lab that has a compressed size and cold
    pulls (:func:`checks.guide.pullpoints.pull_points`): the median cold pull over
    loopback and, with ``:link:``, over the throttled link where a lab
    recorded one, each with a bar from the fastest to the slowest pull, and
    beside each throttled pull its wire limit (compressed bytes ÷ link rate,
    :func:`checks.guide.pullpoints.wire_seconds`).  Below the chart, the same
    numbers as tables (the chart is left out on a phone, where the tables take
    its place) and a least-squares fit of the median pulls on the compressed
    and on the uncompressed size (:func:`checks.guide.pullpoints.pull_fit`).

The SVG is :func:`checks.guide.pullsvg.pull_chart`, a pure function of the
points; the directive only reads the recorded results and writes the tables
and the fit.  Registered by :func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from checks.guide.nodes import WARN, every_results, logger, not_recorded, para, table
from checks.guide.pullpoints import Fit, PullPoint, pull_fit, pull_points, wire_seconds
from checks.guide.pullsvg import image_name, pull_chart, seconds
from checks.model.i18n import N_, _
from checks.model.results import Results
from checks.model.units import MB, megabytes

#: Joins a number to its unit in table cells, so a narrow column never splits ``6.0 MB``.
NBSP = "\u00a0"

#: The column head, with a soft hyphen where a phone may break it (shown through :func:`checks.model.i18n._`).
COMPRESSED = N_("Com\u00adpressed")


def keep(text: str) -> str:
    """``6.0 MB`` with a no-break space, for table cells."""
    return text.replace(" ", NBSP)


def spread(runs: Sequence[float]) -> str:
    """The fastest to the slowest pull: ``0.72 to 1.15 s`` (``one pull`` when there was one)."""
    if len(runs) == 1:
        return _("one pull")
    digits = 2 if max(runs) < 10 else 1
    return _("{fastest} to {slowest} s").format(fastest=f"{min(runs):.{digits}f}", slowest=f"{max(runs):.{digits}f}")


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


def _then(sentence: str, following: str) -> str:
    """Two sentences one after the other, as the edition writes them (a space between them in English only)."""
    return _("{sentence} {next}").format(sentence=sentence, next=following)


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
            return not_recorded(message, box=nodes.warning)
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
            para(intro + functools.reduce(_then, said), classes=["slimlab-pull-fit"]),
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
