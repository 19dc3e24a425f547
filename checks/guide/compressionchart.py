"""The compression matrix over every lab's before and after: ``.. compression-matrix::``.

First a chart of what each compression of the matrix
(:data:`checks.model.compression.MATRIX`) comes to over every image that has
it recorded (:func:`totals`): one row per compression, its figures as text at
body size, a bar of the bytes a node downloads (gzip's the full width) and a
bar of the seconds the cold pulls took (the longest the full width), its
unpacking dark at the left.  Then a table with a row per image and a cell per
compression, each cell saying which compression it is, so the rows still
read when a phone stacks them.  Registered by :func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from checks.guide.drawing import PALETTE, bar, bar_row, group, key, legend, segment, share_width
from checks.guide.measuredfields import percent
from checks.guide.nodes import every_results, not_recorded, para, table
from checks.guide.updatechart import HELD_COLOUR, PULLED_COLOUR
from checks.model.compression import MATRIX, PUSHED
from checks.model.i18n import _
from checks.model.measured import Compressed
from checks.model.pulls import matrix_complete
from checks.model.results import Results
from checks.model.units import megabytes

#: The bytes bar's colour; the unpacking part of the pull bar and the rest of it: the update chart's two.
BYTES_COLOUR, UNPACK_COLOUR, TRANSFER_COLOUR = PALETTE[0], PULLED_COLOUR, HELD_COLOUR


@dataclass(frozen=True, kw_only=True)
class MatrixImage:
    """One image with its layers compressed every way of the matrix."""

    lab: str
    variant: str
    #: Its rows, in the matrix's order.
    rows: tuple[Compressed, ...]

    def row(self, key: str) -> Compressed:
        return next(r for r in self.rows if r.compression == key)


def matrix_images(every: Iterable[Results]) -> list[MatrixImage]:
    """Every variant of every lab with a complete matrix recorded, labs in order, variants in the lab's order."""
    return [
        MatrixImage(
            lab=results.lab,
            variant=name,
            rows=tuple(next(r for r in m.compressions if r.compression == c.key) for c in MATRIX),
        )
        for results in every
        for name, m in results.variants.items()
        if matrix_complete(m.compressions, timed=False)
    ]


@dataclass(frozen=True, kw_only=True)
class Total:
    """One compression summed over the images of the matrix."""

    compression: str
    compressed_bytes: int
    #: Sums of the seconds over every image, None when one of them is not timed.
    pull_seconds: float | None
    unpack_seconds: float | None
    #: None for gzip, which the engine compresses while it pushes.
    compress_seconds: float | None


def _sum(values: Sequence[float | None]) -> float | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def totals(images: Sequence[MatrixImage]) -> list[Total]:
    """Each compression of the matrix summed over ``images``, in the matrix's order."""
    found = []
    for c in MATRIX:
        rows = [image.row(c.key) for image in images]
        found.append(
            Total(
                compression=c.key,
                compressed_bytes=sum(r.compressed_size_bytes for r in rows),
                pull_seconds=_sum([r.pull_seconds for r in rows]),
                unpack_seconds=_sum([r.unpack_seconds for r in rows]),
                compress_seconds=None if c.pushed else _sum([r.compress_seconds for r in rows]),
            )
        )
    return found


def total_text(total: Total, gzip: Total) -> str:
    """A total's figures as one line: bytes (and their share of gzip's), pulls and their unpacking, compressing."""
    if total.compression == gzip.compression:
        text = _("{bytes} downloaded").format(bytes=megabytes(total.compressed_bytes))
    else:
        text = _("{bytes} downloaded ({share} of {gzip})").format(
            bytes=megabytes(total.compressed_bytes),
            share=percent(total.compressed_bytes / gzip.compressed_bytes) if gzip.compressed_bytes else "-",
            gzip=gzip.compression,
        )
    if total.pull_seconds is not None and total.unpack_seconds is not None:
        text += _("; cold pulls {pull} s, {unpack} s of them unpacking").format(
            pull=f"{total.pull_seconds:.1f}", unpack=f"{total.unpack_seconds:.1f}"
        )
    if total.compress_seconds is not None:
        text += _("; compressing {seconds} s").format(seconds=f"{total.compress_seconds:.1f}")
    return text


def _total_row(total: Total, gzip: Total, longest: float) -> str:
    label = total_text(total, gzip)
    share = total.compressed_bytes / gzip.compressed_bytes if gzip.compressed_bytes else 0.0
    bars = bar(
        [segment(share_width(share), BYTES_COLOUR)],
        classes="slimlab-compression-bytes",
        values={"role": "img", "aria-label": label},
    )
    if total.pull_seconds is not None and total.unpack_seconds is not None and longest > 0:
        unpack, rest = total.unpack_seconds / longest, (total.pull_seconds - total.unpack_seconds) / longest
        parts = [segment(share_width(unpack), UNPACK_COLOUR), segment(share_width(rest), TRANSFER_COLOUR)]
        bars += bar(parts, classes="slimlab-compression-pull", values={"aria-hidden": "true"})
    data = {"data-compression": total.compression, "data-bytes": total.compressed_bytes}
    return bar_row(total.compression, label, bars, classes="slimlab-compression-row", data=data)


def total_bars(found: Sequence[Total], *, chart_id: str, images: int) -> str:
    """The chart as HTML: per compression a bar of the bytes and one of the pull seconds, unpacking dark."""
    gzip = next(t for t in found if t.compression == PUSHED.key)
    longest = max((t.pull_seconds or 0.0 for t in found), default=0.0)
    shown = legend(
        key(BYTES_COLOUR, _("bytes downloaded")),
        key(UNPACK_COLOUR, _("unpacking")),
        key(TRANSFER_COLOUR, _("rest of the pull")),
    )
    title = _("The compression matrix over {count} images").format(count=images)
    rows = "".join(_total_row(t, gzip, longest) for t in found)
    return group(shown + rows, chart_id=chart_id, title=title, classes="slimlab-floor slimlab-compression")


def cell_text(row: Compressed, gzip: Compressed) -> str:
    """One image compressed one way, in a table cell that names the compression."""
    text = _("{compression}: {bytes}").format(compression=row.compression, bytes=megabytes(row.compressed_size_bytes))
    if row.compression != gzip.compression and gzip.compressed_size_bytes:
        text += f" ({percent(row.compressed_size_bytes / gzip.compressed_size_bytes)})"
    if row.pull_seconds is not None:
        text += _(", pull {pull} s").format(pull=f"{row.pull_seconds:.2f}")
    if row.unpack_seconds is not None:
        text += _(" ({unpack} s unpacking)").format(unpack=f"{row.unpack_seconds:.2f}")
    return text


def image_table(images: Sequence[MatrixImage]) -> nodes.table:
    """A row per image, a cell per compression."""
    rows = [
        [f"{image.lab} · {image.variant}", *(cell_text(image.row(c.key), image.row(PUSHED.key)) for c in MATRIX)]
        for image in images
    ]
    return table([_("Image"), *(c.key for c in MATRIX)], rows, ["slimlab-stack", "slimlab-compressions"])


def describe(found: Sequence[Total], images: int) -> str:
    """The chart in one sentence: how many images, and each re-compression's bytes as a share of gzip's."""
    gzip = next(t for t in found if t.compression == PUSHED.key)
    shares = ", ".join(
        _("{compression} {share}").format(
            compression=t.compression, share=percent(t.compressed_bytes / gzip.compressed_bytes)
        )
        for t in found
        if t.compression != gzip.compression and gzip.compressed_bytes
    )
    message = (
        _("{count} image, each lab's before and after. Bytes downloaded as a share of {gzip}'s: {shares}.")
        if images == 1
        else _("{count} images, each lab's before and after. Bytes downloaded as a share of {gzip}'s: {shares}.")
    )
    return message.format(count=images, gzip=gzip.compression, shares=shares)


class CompressionMatrixDirective(SphinxDirective):
    """The compression matrix of every lab's before and after: a chart of the totals, then a table per image."""

    def run(self) -> list[nodes.Node]:
        images = matrix_images(every_results(self.env))
        if not images:
            message = _("No compression matrix is recorded yet: run {command}.")
            return not_recorded(message)
        found = totals(images)
        chart_id = f"slimlab-compression-{self.env.new_serialno('slimlab-compression')}"
        box = nodes.container(classes=["slimlab-floor-chart", "slimlab-compression-chart"])
        box += nodes.raw("", total_bars(found, chart_id=chart_id, images=len(images)), format="html")
        box += para(describe(found, len(images)), classes=["slimlab-chart-caption"])
        return [box, image_table(images)]
