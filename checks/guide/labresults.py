"""A lab's recorded figures: ``.. lab-results:: LAB`` (options ``:no-chart:``, ``:no-claims:``).

The variants' table (size, layers, compressed size, cold pull and runtime
floor once recorded, share of ``before``; on a phone each row stacks, every
figure named), the line saying when they were measured
(:func:`checks.guide.fromrecords.measuring_line`), the layer chart
(:mod:`checks.guide.charts`) and the list of the lab's claims
(:func:`checks.guide.evidence.claims_list`).  Registered by
:func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, NamedTuple

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from checks.guide import evidence, fromrecords, layertally
from checks.guide.charts import layer_bars, layer_chart, layer_steps, layer_writers
from checks.guide.docdata import LabDocs, did_you_mean
from checks.guide.measuredfields import compressed_bytes, percent, pull_seconds, value
from checks.guide.nodes import (
    WARN,
    all_labs,
    fill,
    labs_dir,
    literal,
    logger,
    measured_node,
    note_use,
    para,
    smoke_cell,
    table,
)
from checks.model import spec as lab_spec
from checks.model.i18n import N_, _
from checks.model.measured import Measured
from checks.model.results import Results
from checks.model.units import megabytes


def not_pulled() -> str:
    """The tooltip of an empty cold-pull cell (see :func:`checks.plan.pulls.run_plan`)."""
    return _("sized, not pulled: a lab times cold pulls of its before, its after and any image a claim judges")


def compressed_cell(lab: str, results: Results, variant: str, m: Measured) -> nodes.Node | str:
    """The compressed size; a dash when not measured."""
    size = compressed_bytes(m)
    if size is None:
        return "—"
    return measured_node(
        lab, variant, "compressed", megabytes(size), size, _("{bytes} bytes").format(bytes=f"{size:,}")
    )


def pull_cell(lab: str, results: Results, variant: str, m: Measured) -> nodes.Node | str:
    """The median cold pull; a dash that says why when the variant was sized and not pulled."""
    if pull_seconds(m) is None:
        return nodes.abbreviation("—", "—", explanation=not_pulled())
    return measured_node(lab, variant, "pull", value(results, variant, "pull"), None, _("median of cold pulls"))


def floor_cell(lab: str, results: Results, variant: str, m: Measured) -> nodes.Node | str:
    """The runtime floor and the share of the image it is (``6.2 MB, 100% used``); a dash when not measured."""
    if m.runtime_bytes is None:
        return "—"
    tip = _("{bytes} bytes in {files} files opened or executed by the smoke test").format(
        bytes=f"{m.runtime_bytes:,}", files=f"{m.runtime_files:,}"
    )
    used = measured_node(lab, variant, "used", percent(m.utilisation or 0.0), None, _("runtime floor / size"))
    floor = measured_node(lab, variant, "floor", megabytes(m.runtime_bytes), m.runtime_bytes, tip)
    return para(*fill(_("{floor}, {used} used"), floor=floor, used=used))


class Column(NamedTuple):
    """A column the table has only when a variant of the lab has its figure recorded."""

    header: str
    width: int
    has: Callable[[Measured], bool]
    cell: Callable[[str, Results, str, Measured], nodes.Node | str]


#: The figures recorded for some labs only, in the table's order.
OPTIONAL = (
    Column(N_("Compressed"), 14, lambda m: compressed_bytes(m) is not None, compressed_cell),
    Column(N_("Cold pull"), 12, lambda m: pull_seconds(m) is not None, pull_cell),
    Column(N_("Runtime floor"), 16, lambda m: m.runtime_bytes is not None, floor_cell),
)


def labelled(header: str, cell: nodes.Node | str) -> nodes.paragraph:
    """A figure's cell with its column's name in front, which only a phone shows (it stacks each row's cells)."""
    label = nodes.inline(header, header, classes=["slimlab-cell-label"])
    if isinstance(cell, nodes.paragraph):
        cell.insert(0, label)
        return cell
    return para(label, cell)


def name_cell(name: str, description: str | None) -> nodes.container:
    """The variant's name, and what it is when the lab says."""
    first: list[nodes.Node] = [para(nodes.strong(name, name))]
    if description:
        first.append(para(description, classes=["slimlab-description"]))
    return nodes.container("", *first)


def figures(lab: str, results: Results, variant: str, columns: tuple[Column, ...]) -> list[nodes.Node | str]:
    """A variant's figures, in the order of the table's columns after its name."""
    m = results.variants[variant]
    tip = _("{bytes} bytes").format(bytes=f"{m.size_bytes:,}")
    return [
        measured_node(lab, variant, "size", megabytes(m.size_bytes), m.size_bytes, tip),
        *(column.cell(lab, results, variant, m) for column in columns),
        measured_node(lab, variant, "layers", str(m.layer_count), None, _("filesystem layers")),
        "—" if variant == "before" else _("{ratio} of before").format(ratio=value(results, variant, "ratio")),
        "—" if m.smoke is None else smoke_cell(m.smoke.passed),
    ]


def variants_table(lab: LabDocs, results: Results) -> nodes.table:
    """One row per variant: its name and description, then its figures, each named for a phone."""
    described = {v.name: v.description for v in lab.spec.variants} if lab.spec else {}
    columns = tuple(c for c in OPTIONAL if any(c.has(m) for m in results.variants.values()))
    headers = [
        _("Variant"),
        _("Size"),
        *(_(c.header) for c in columns),
        _("Layers"),
        _("vs before"),
        _("Smoke test"),
    ]
    rows: list[list[nodes.Node | str]] = [
        [
            name_cell(name, described.get(name)),
            *(
                labelled(header, cell)
                for header, cell in zip(headers[1:], figures(lab.name, results, name, columns), strict=True)
            ),
        ]
        for name in results.variants
    ]
    widths = [40, 14, *(c.width for c in columns), 10, 16, 14]
    return table(headers, rows, ["slimlab-variants"], widths)


class LabResultsDirective(SphinxDirective):
    """A lab's recorded measurement: variants, claims, bases and a layer chart."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Callable[[str], Any]] | None] = {
        "no-chart": directives.flag,
        "no-claims": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0].strip()
        labs = all_labs(self.env.app)
        if name not in labs:
            logger.warning(
                f"lab-results: no lab '{name}' in {labs_dir(self.env.app)}.{did_you_mean(name, list(labs))}",
                location=self.get_location(),
                **WARN,
            )
            return []
        lab = labs[name]
        self.env.note_dependency(str(lab.results_path))
        self.env.note_dependency(str(lab.folder / lab_spec.SPEC_NAME))
        self.env.slimlab_results.setdefault(self.env.docname, set()).add(name)  # type: ignore[attr-defined]
        note_use(self.env, name)
        box = nodes.container(classes=["slimlab-lab-results", evidence.EVIDENCE])
        if lab.results is None:
            message = _("No measurement of {lab} is recorded yet: run {command}.")
            box += nodes.warning("", para(*fill(message, lab=name, command=literal("make check"))))
            return [box]
        box += variants_table(lab, lab.results)
        box += fromrecords.measuring_line([lab.results])
        if "no-chart" not in self.options:
            box += self.chart(lab, lab.results)
        if "no-claims" not in self.options:
            box += evidence.claims_list(name)
        return [box]

    def layer_writers(self) -> frozenset[str]:
        """Which instructions write a layer of no bytes, decided from every lab's records, as the layers page does."""
        recorded = {}
        for name, other in all_labs(self.env.app).items():
            self.env.note_dependency(str(other.results_path))
            if other.results is not None:
                recorded[name] = other.results.variants
        return layer_writers(layertally.histories(recorded))

    def chart(self, lab: LabDocs, results: Results) -> nodes.container:
        """The SVG chart, its narrow-screen HTML twin (the stylesheet shows one of them) and every step in words."""
        chart_id = f"slimlab-chart-{lab.name}-{self.env.new_serialno('slimlab-chart')}"
        writers = self.layer_writers()
        svg = layer_chart(lab.name, results.variants, chart_id=chart_id, writers=writers)
        bars = layer_bars(lab.name, results.variants, chart_id=chart_id, writers=writers)
        caption = para(
            _(
                "Each bar is one image on a shared scale; each segment is a layer that adds files, "
                "and each ▼ marker a layer that adds no bytes (a delete, a new directory). "
                "The list below names the instruction behind every segment and marker."
            ),
            classes=["slimlab-chart-caption"],
        )
        return nodes.container(
            "",
            nodes.raw("", svg, format="html"),
            nodes.raw("", bars, format="html"),
            caption,
            nodes.raw("", layer_steps(results.variants, writers=writers), format="html"),
            classes=["slimlab-chart-box"],
        )
