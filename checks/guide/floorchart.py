"""Every image the labs build beside its runtime floor: ``.. floor-chart::``.

One row per variant whose floor is recorded (:func:`floor_points`): its name,
its size and its floor as text at body size, and a bar the width of the page
that is the whole image, its floor a dark segment at the left, with a dashed
line where Slacker's share would end (:data:`SLACKER_SHARE`).  Each bar is
the image itself, not a shared scale, so a 6 MB image is as readable as a
1 GB one on a 390 px phone; the text says the sizes.  The HTML is made of
the bars every chart shares (:mod:`checks.guide.drawing`).  Labs with no floor
recorded yet are named under the chart (and with none recorded at all the
chart is a note), never an error: the chart shows what is measured.
Registered by :func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from checks.guide.drawing import PALETTE, bar_row, group, key, legend, share_bar, share_width
from checks.guide.measuredfields import percent
from checks.guide.nodes import every_results, fill, literal, literals, not_recorded, para
from checks.model.i18n import _
from checks.model.results import Results
from checks.model.units import megabytes

#: Slacker (Harter et al., FAST '16): of the data a container's pull brings, the share read at start-up.
SLACKER_SHARE = 0.064
#: The floor's colour (the layer charts' first) and the rest of the image's (a light tint of it).
FLOOR_COLOUR, REST_COLOUR = PALETTE[0], "#c9dbea"


@dataclass(frozen=True, kw_only=True)
class FloorPoint:
    """One image with its runtime floor."""

    lab: str
    variant: str
    size_bytes: int
    runtime_bytes: int
    runtime_files: int

    @property
    def used(self) -> float:
        return self.runtime_bytes / self.size_bytes if self.size_bytes else 0.0


def floor_points(every: Iterable[Results]) -> list[FloorPoint]:
    """Every variant with a recorded floor, lab by lab in the order given, variants in their recorded order."""
    return [
        FloorPoint(
            lab=r.lab,
            variant=name,
            size_bytes=m.size_bytes,
            runtime_bytes=m.runtime_bytes,
            runtime_files=m.runtime_files or 0,
        )
        for r in every
        for name, m in r.variants.items()
        if m.runtime_bytes is not None
    ]


def unmeasured(every: Iterable[Results]) -> list[str]:
    """Labs that record no floor for any variant."""
    return [r.lab for r in every if all(m.runtime_bytes is None for m in r.variants.values())]


def _row(p: FloorPoint) -> str:
    label = (
        _("{size}, floor {floor} in {files} file ({used} used)")
        if p.runtime_files == 1
        else _("{size}, floor {floor} in {files} files ({used} used)")
    ).format(
        size=megabytes(p.size_bytes),
        floor=megabytes(p.runtime_bytes),
        files=f"{p.runtime_files:,}",
        used=percent(p.used),
    )
    slacker = (
        f'<span class="slimlab-floor-reference" style="left: {share_width(SLACKER_SHARE)}" aria-hidden="true"></span>'
    )
    bars = share_bar(p.used, FLOOR_COLOUR, REST_COLOUR, label=label, marks=[slacker])
    data = {"data-lab": p.lab, "data-variant": p.variant, "data-bytes": p.size_bytes, "data-floor": p.runtime_bytes}
    return bar_row(f"{p.lab} · {p.variant}", label, bars, classes="slimlab-floor-row", data=data)


def floor_bars(points: Sequence[FloorPoint], *, chart_id: str) -> str:
    """The chart as HTML: each image a full-width bar, its floor the dark part, Slacker's share a dashed line."""
    slacker = escape(_("Slacker's {share}").format(share=percent(SLACKER_SHARE)), quote=False)
    reference = '<span class="slimlab-floor-reference-key" aria-hidden="true"></span>' + slacker
    shown = legend(key(FLOOR_COLOUR, _("runtime floor")), key(REST_COLOUR, _("rest of the image")), reference)
    title = _("Each image's size beside its runtime floor")
    return group(shown + "".join(_row(p) for p in points), chart_id=chart_id, title=title, classes="slimlab-floor")


def describe(points: Sequence[FloorPoint]) -> str:
    """The chart in one sentence: how many images, and the range of the shares they use."""
    low, high = min(points, key=lambda p: p.used), max(points, key=lambda p: p.used)
    return _(
        "{count} images. Their apps use from {low} ({low_lab} {low_variant}) "
        "to {high} ({high_lab} {high_variant}) of them in their smoke tests; "
        "the dashed line marks {share}, the share of pulled data that Slacker found "
        "containers read at start-up."
    ).format(
        count=len(points),
        low=percent(low.used),
        low_lab=low.lab,
        low_variant=low.variant,
        high=percent(high.used),
        high_lab=high.lab,
        high_variant=high.variant,
        share=percent(SLACKER_SHARE),
    )


class FloorChartDirective(SphinxDirective):
    """Every recorded image beside its runtime floor, with Slacker's share as a reference line."""

    def run(self) -> list[nodes.Node]:
        every = every_results(self.env)
        points = floor_points(every)
        if not points:  # results recorded before the floor was: not an error, the next make check adds them
            message = _("No runtime floor is recorded yet: run {command}.")
            return not_recorded(message)
        chart_id = f"slimlab-floor-{self.env.new_serialno('slimlab-floor')}"
        box = nodes.container(classes=["slimlab-floor-chart"])
        box += nodes.raw("", floor_bars(points, chart_id=chart_id), format="html")
        box += para(describe(points), classes=["slimlab-chart-caption"])
        missing = unmeasured(every)
        if missing:
            message = _(
                "Not measured yet: {labs} (their results.json predates the floor; "
                "the next {command} that verifies them adds it)."
            )
            parts = fill(message, labs=literals(missing), command=literal("make check"))
            box += para(*parts, classes=["slimlab-chart-caption", "slimlab-floor-missing"])
        return [box]
