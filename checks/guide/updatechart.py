"""What an update, or a second app, makes a node download: ``.. update-chart:: LAB``.

One row per variant of the lab with later releases recorded (or, with
``:shared:``, per variant pulled on a node that holds another): its name, the
figures as text at body size, and a bar the width of the page that is the
whole image, compressed, with the part the node downloads dark at its left.
Each bar is the image itself, not a shared scale, as in the floor chart
(:mod:`checks.guide.floorchart`) and with the same bars
(:mod:`checks.guide.drawing`), so the few kilobytes of a code layer stay
visible beside a base of many megabytes; the text says the sizes.  A lab
that records none of them yet gets a note, never an error.
Registered by :func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from checks.guide.charts import size_text
from checks.guide.drawing import PALETTE, bar_row, group, key, legend, share_bar
from checks.guide.measuredfields import percent
from checks.guide.nodes import all_labs, not_recorded, note_use, para
from checks.model.i18n import _
from checks.model.results import Results
from checks.model.units import megabytes

#: The downloaded part's colour (the layer charts' second) and the rest of the image's (a light tint of it).
PULLED_COLOUR, HELD_COLOUR = PALETTE[1], "#ecd3c6"


@dataclass(frozen=True, kw_only=True)
class Row:
    """One bar: an image, what of it a node downloads, and the figures said beside it."""

    variant: str
    #: The image's compressed size: everything a node that holds nothing would download.
    whole_bytes: int
    #: What the node downloads (the median over releases, for an update).
    pulled_bytes: int
    #: The label beside the name.
    text: str

    @property
    def share(self) -> float:
        return self.pulled_bytes / self.whole_bytes if self.whole_bytes else 0.0


#: Below this share the chart says "under 0.01%" rather than a rounded 0.00%.
TINY = 0.0001


def share_text(share: float) -> str:
    """A downloaded share as :func:`percent` says it, or "under 0.01%" when it rounds to 0."""
    return _("under {share}").format(share=percent(TINY)) if 0 < share < TINY else percent(share)


def update_rows(results: Results) -> list[Row]:
    """A row per variant whose later releases record what their update pulls downloaded."""
    rows = []
    for name, m in results.variants.items():
        pulled = [r.pulled_bytes for r in m.releases if r.pulled_bytes is not None]
        if not pulled or m.compressed_size_bytes is None:
            continue
        median = round(statistics.median(pulled))
        timed = [r.pull_seconds for r in m.releases if r.pull_seconds is not None]
        text = _("{pulled} of {whole} downloaded ({share}); build {build} s").format(
            pulled=size_text(median),
            whole=megabytes(m.compressed_size_bytes),
            share=share_text(median / m.compressed_size_bytes),
            build=f"{statistics.median(r.build_seconds for r in m.releases):.1f}",
        )
        if timed:
            text += _(", pull {pull} s").format(pull=f"{statistics.median(timed):.2f}")
        rows.append(Row(variant=name, whole_bytes=m.compressed_size_bytes, pulled_bytes=median, text=text))
    return rows


def shared_rows(results: Results) -> list[Row]:
    """A row per pull of a variant on a node that holds another."""
    rows = []
    for name, m in results.variants.items():
        if m.compressed_size_bytes is None:
            continue
        for pull in m.shared_pulls:
            text = _("{pulled} of {whole} downloaded ({share}) on a node that holds {held}").format(
                pulled=size_text(pull.pulled_bytes),
                whole=megabytes(m.compressed_size_bytes),
                share=share_text(pull.pulled_bytes / m.compressed_size_bytes if m.compressed_size_bytes else 0.0),
                held=pull.held,
            )
            if pull.pull_seconds is not None:
                text += _(", pull {pull} s").format(pull=f"{pull.pull_seconds:.2f}")
            rows.append(
                Row(variant=name, whole_bytes=m.compressed_size_bytes, pulled_bytes=pull.pulled_bytes, text=text)
            )
    return rows


def _row(row: Row) -> str:
    bars = share_bar(row.share, PULLED_COLOUR, HELD_COLOUR, label=row.text)
    data = {"data-variant": row.variant, "data-bytes": row.whole_bytes, "data-pulled": row.pulled_bytes}
    return bar_row(row.variant, row.text, bars, classes="slimlab-update-row", data=data)


def pull_bars(rows: Sequence[Row], *, chart_id: str, title: str) -> str:
    """The chart as HTML: each image a full-width bar, the part the node downloads dark at its left."""
    shown = legend(key(PULLED_COLOUR, _("downloaded")), key(HELD_COLOUR, _("already on the node")))
    return group(shown + "".join(_row(row) for row in rows), chart_id=chart_id, title=title, classes="slimlab-floor")


def describe(rows: Iterable[Row]) -> str:
    """The chart in one sentence: the smallest and the largest share downloaded."""
    listed = list(rows)
    low, high = min(listed, key=lambda r: r.share), max(listed, key=lambda r: r.share)
    return _("From {low} ({low_variant}) to {high} ({high_variant}) of the image is downloaded.").format(
        low=share_text(low.share), low_variant=low.variant, high=share_text(high.share), high_variant=high.variant
    )


class UpdateChartDirective(SphinxDirective):
    """What each update of a lab's variants downloads, or (``:shared:``) what a second app does."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Callable[[str], Any]] | None] = {"shared": directives.flag}

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        labs = all_labs(self.env.app)
        if name not in labs:
            raise self.error(f"update-chart: no lab named {name!r} (labs: {', '.join(sorted(labs))})")
        note_use(self.env, name)
        self.env.note_dependency(str(labs[name].results_path))
        results = labs[name].results
        shared = "shared" in self.options
        rows = [] if results is None else (shared_rows(results) if shared else update_rows(results))
        if not rows:
            message = _("No pulls on a node that already holds an image are recorded yet for this lab: run {command}.")
            return not_recorded(message)
        title = (
            _("What a second image downloads on a node that holds another")
            if shared
            else _("What an update to a later release downloads")
        )
        chart_id = f"slimlab-update-{self.env.new_serialno('slimlab-update')}"
        box = nodes.container(classes=["slimlab-floor-chart", "slimlab-update-chart"])
        box += nodes.raw("", pull_bars(rows, chart_id=chart_id, title=title), format="html")
        box += para(describe(rows), classes=["slimlab-chart-caption"])
        return [box]
