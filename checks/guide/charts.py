"""Per-layer size charts as SVG text: pure functions from measured data to markup.

One horizontal bar per variant, on one shared scale, each layer that adds
bytes a segment of it.  A step that changes files but adds no bytes (a
``RUN rm -rf`` writes only whiteouts) is a marker at its place in the bar, so
the lesson "deleting later frees nothing" stays visible.  Hovering a segment
or marker shows the instruction that made it (an SVG ``<title>``); the chart
as a whole carries a title and a text description for screen readers.

Two HTML companions carry the same information without hover and without
tiny text: :func:`layer_bars`, the same bars with HTML labels that the
stylesheet shows in place of the SVG on narrow screens, and
:func:`layer_steps`, every variant's steps with their instructions, under
the chart.  No plotting library: the docs build only formats numbers, with
the frame, axis steps and bars every chart shares (:mod:`checks.guide.drawing`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape

from checks.guide.drawing import PALETTE, bar, bar_row, group, nice_step, segment, svg_chart, swatch
from checks.guide.layertally import keyword, tally
from checks.inspect.analyze import instruction
from checks.model.i18n import _
from checks.model.measured import Layer, Measured
from checks.model.units import MB, megabytes


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
    #: A step that adds no bytes: a bar this wide across the bar, a triangle this wide above it.
    mark: float = 3.0
    mark_head: float = 8.0

    @property
    def plot(self) -> int:
        return self.width - self.label - self.total


def label_width(variants: Mapping[str, object]) -> int:
    """Room left of the bars for the longest variant name (bold, 13 units), never less than the default."""
    longest = max((len(name) for name in variants), default=0)
    return max(Geometry.label, 16 + round(8.5 * longest))


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
    return (_("{count} layer") if count == 1 else _("{count} layers")).format(count=count)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def layer_writers(measured: Iterable[Measured]) -> frozenset[str]:
    """The instructions the records show always write a layer, even when they add no bytes (``RUN rm``, ``WORKDIR``).

    Decided by :func:`checks.guide.layertally.tally` from the histories and layer
    counts given: the same rule the layers page's table shows.
    """
    return frozenset(row.instruction for row in tally(measured) if row.writes_layer == "always")


@dataclass(frozen=True, kw_only=True)
class Step:
    """A history step the chart draws: a segment when it adds bytes, a marker when it wrote a layer of none."""

    layer: Layer
    #: Its colour's index in :data:`PALETTE` (segments only; a marker takes the text colour).
    colour: int

    @property
    def empty(self) -> bool:
        return self.layer.size_bytes == 0


def drawn(m: Measured, writers: frozenset[str]) -> list[Step]:
    """A bar's steps in order: each layer that adds bytes, and each step of ``writers`` that adds none."""
    steps: list[Step] = []
    for layer in m.layers:
        if layer.size_bytes > 0:
            steps.append(Step(layer=layer, colour=sum(not step.empty for step in steps)))
        elif keyword(layer.created_by) in writers:
            steps.append(Step(layer=layer, colour=-1))
    return steps


def step_text(layer: Layer, limit: int = 300) -> str:
    """The instruction as the Dockerfile line it came from, shortened."""
    return _short(instruction(layer.created_by) or layer.created_by, limit)


def _empty_label(layer: Layer) -> str:
    return _("{step}: adds 0 bytes").format(step=step_text(layer, 120))


def describe(lab: str, variants: Mapping[str, Measured], writers: frozenset[str] = frozenset()) -> str:
    """The chart's text alternative: each variant's size, layer count, largest layer and layers of no bytes."""
    parts = []
    for name, m in variants.items():
        largest = max(m.layers, key=lambda layer: layer.size_bytes, default=None)
        biggest = (
            _("; largest layer {size} from {step}").format(
                size=megabytes(largest.size_bytes), step=_short(largest.created_by, 80)
            )
            if largest and largest.size_bytes
            else ""
        )
        empty = [_empty_label(step.layer) for step in drawn(m, writers) if step.empty]
        nothing = "".join(_("; ") + label for label in empty)
        shown = _("{variant}: {size} in {layers}").format(
            variant=name, size=megabytes(m.size_bytes), layers=layers_word(m.layer_count)
        )
        parts.append(f"{shown}{biggest}{nothing}")
    return _("Layer sizes of {lab}. {variants}.").format(lab=lab, variants=_(". ").join(parts))


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


def mark_box(g: Geometry, x: float, y: float) -> tuple[float, float, float, float]:
    """The stem of a zero-byte step's marker: ``(left, top, width, height)``, centred on ``x``, taller than the bar."""
    return (x - g.mark / 2, y - 3, g.mark, g.bar + 6)


def _mark(g: Geometry, step: Step, x: float, y: float) -> str:
    left, top, width, height = mark_box(g, x, y)
    head = g.mark_head
    label = escape(_empty_label(step.layer))
    nothing = escape(_("0 bytes: this step adds nothing, and frees nothing"))
    return (
        f'<g class="slimlab-empty-layer" data-bytes="0" data-x="{x:.2f}" role="img" aria-label="{label}">'
        f"<title>{escape(step_text(step.layer))}&#10;{nothing}</title>"
        f'<path d="M{left:.2f} {top:.1f}h{width:g}v{height:g}h{-width:g}Z'
        f'M{x - head / 2:.2f} {top - 6:.1f}h{head:g}l{-head / 2:g} 6Z" fill="currentColor" '
        'stroke="#ffffff" stroke-width="0.75"/></g>'
    )


def _segments(g: Geometry, steps: list[Step], scale: float, y: float) -> list[str]:
    out, marks, x, stacked = [], [], float(g.label), 0
    for step in steps:
        layer = step.layer
        if step.empty:
            # Drawn after the segments, so none covers it; markers in a row stand side by side.
            marks.append(_mark(g, step, x + stacked * g.mark_head, y))
            stacked += 1
            continue
        stacked = 0
        width = max(layer.size_bytes * scale, g.min_segment)
        color = PALETTE[step.colour % len(PALETTE)]
        size = _("{size} ({bytes} bytes)").format(size=megabytes(layer.size_bytes), bytes=f"{layer.size_bytes:,}")
        tip = escape(f"{step_text(layer)}\n{size}")
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
    return out + marks


def _writers(variants: Mapping[str, Measured], writers: frozenset[str] | None) -> frozenset[str]:
    return layer_writers(variants.values()) if writers is None else writers


def layer_chart(
    lab: str,
    variants: Mapping[str, Measured],
    *,
    chart_id: str,
    geometry: Geometry | None = None,
    writers: frozenset[str] | None = None,
) -> str:
    """An accessible SVG of every variant's layers on one scale; ``chart_id`` must be unique in the page.

    ``writers`` are the instructions that write a layer even without bytes (:func:`layer_writers`;
    by default decided from ``variants`` alone): their steps of 0 bytes are drawn as markers.
    """
    g = geometry or Geometry(label=label_width(variants))
    writers = _writers(variants, writers)
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
        body += _segments(g, drawn(m, writers), scale, y)
        end = g.label + max(m.size_bytes * scale, g.min_segment if m.size_bytes else 0) + 6
        body.append(
            f'<text class="total" x="{end:.1f}" y="{middle:.1f}" font-size="12" fill="currentColor">'
            f"{megabytes(m.size_bytes)} · {layers_word(m.layer_count)}</text>"
        )
        body.append("</g>")
    return svg_chart(
        chart_id=chart_id,
        classes="slimlab-chart",
        size=(g.width, height),
        title=_("Layer sizes of each variant of {lab}").format(lab=lab),
        desc=describe(lab, variants, writers),
        body=body,
    )


# ---------------------------------------------------------------------------
# The HTML companions: the same bars for narrow screens, and every step in words.


def size_text(size_bytes: int) -> str:
    """A step's size in words: ``0 bytes``, ``381 bytes``, then as :func:`megabytes` says."""
    return _("{bytes} bytes").format(bytes=f"{size_bytes:,}") if size_bytes < 1000 else megabytes(size_bytes)


def _percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.3f}%" if whole else "0%"


#: How far apart the HTML twin draws markers in a row (CSS px): the width of a marker's triangle and a gap.
MARK_SHIFT_PX = 11


def _bar(m: Measured, steps: list[Step], largest: int) -> str:
    spans, stacked = [], 0
    for step in steps:
        layer = step.layer
        if step.empty:
            # A marker takes no room in the bar; markers in a row are shifted side by side, as in the SVG.
            label = escape(_empty_label(layer))
            shift = f' style="left: {stacked * MARK_SHIFT_PX}px"' if stacked else ""
            spans.append(
                f'<span class="slimlab-bars-empty" data-bytes="0" role="img" aria-label="{label}"{shift}></span>'
            )
            stacked += 1
            continue
        stacked = 0
        colour = PALETTE[step.colour % len(PALETTE)]
        spans.append(segment(_percent(layer.size_bytes, m.size_bytes), colour, {"data-bytes": layer.size_bytes}))
    return bar(spans, values={"style": f"width: {_percent(m.size_bytes, largest)}"})


def layer_bars(
    lab: str, variants: Mapping[str, Measured], *, chart_id: str, writers: frozenset[str] | None = None
) -> str:
    """The chart in HTML: each variant's name and total as text at body size above its bar, for narrow screens."""
    writers = _writers(variants, writers)
    largest = max((m.size_bytes for m in variants.values()), default=0) or 1
    rows = [
        bar_row(
            name,
            f"{megabytes(m.size_bytes)} · {layers_word(m.layer_count)}",
            _bar(m, drawn(m, writers), largest),
            data={"data-variant": name},
        )
        for name, m in variants.items()
    ]
    title = _("Layer sizes of each variant of {lab}").format(lab=lab)
    return group("".join(rows), chart_id=f"{chart_id}-bars", title=title, classes="slimlab-bars")


def _step_row(step: Step) -> str:
    layer = step.layer
    code = f"<code>{escape(step_text(layer))}</code>"
    if step.empty:
        shown = '<span class="slimlab-swatch slimlab-swatch-empty" aria-hidden="true"></span>'
        note = "<em>" + escape(_("(adds nothing, frees nothing)")) + "</em>"
        code = _("{step} {note}").format(step=code, note=note)
    else:
        colour = PALETTE[step.colour % len(PALETTE)]
        shown = swatch(colour)
    kind = ' class="slimlab-steps-empty"' if step.empty else ""
    return f"<tr{kind}><td>{shown}{size_text(layer.size_bytes)}</td><td>{code}</td></tr>"


def _rest(m: Measured, writers: frozenset[str]) -> str:
    """The steps not drawn: no bytes, and an instruction that writes no layer then (``ENV``, ``CMD``, ``WORKDIR /``)."""
    words = [keyword(layer.created_by) for layer in m.layers if layer.size_bytes == 0]
    left = [word for word in words if word not in writers]
    rest = len(left)
    if not rest:
        return ""
    said = (
        _("and {count} step that adds no bytes and is not drawn: ")
        if rest == 1
        else _("and {count} steps that add no bytes and are not drawn: ")
    )
    return (
        f'<tr class="slimlab-steps-rest"><td colspan="2">{escape(said.format(count=rest))}'
        + _(", ").join(f"<code>{escape(word)}</code>" for word in sorted(set(left)))
        + "</td></tr>"
    )


def layer_steps(variants: Mapping[str, Measured], *, writers: frozenset[str] | None = None) -> str:
    """Every drawn step of every variant with the instruction that made it: the chart's hover text, always readable."""
    writers = _writers(variants, writers)
    groups = []
    for name, m in variants.items():
        steps = drawn(m, writers)
        groups.append(
            f'<tbody><tr class="slimlab-steps-variant"><th colspan="2" scope="rowgroup">{escape(name)}: '
            f"{megabytes(m.size_bytes)} · {layers_word(m.layer_count)}</th></tr>"
            + "".join(_step_row(step) for step in steps)
            + _rest(m, writers)
            + "</tbody>"
        )
    summary = _("The steps of each variant, in order, with the instruction that made each segment")
    adds, made_by = _("Adds"), _("Instruction")
    return (
        f'<details class="slimlab-steps"><summary>{escape(summary)}</summary>'
        f'<table class="slimlab-steps-table"><thead><tr><th>{escape(adds)}</th>'
        f"<th>{escape(made_by)}</th></tr></thead>" + "".join(groups) + "</table></details>"
    )
