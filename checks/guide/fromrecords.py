"""Directives that compute what they show from every recorded ``results.json`` (the logic is in pure modules).

``.. layer-instructions::``
    Which Dockerfile instructions wrote a filesystem layer in the recorded
    images, and which wrote none (:mod:`checks.guide.layertally`).
``.. results-fields::``
    Every key path of ``results.json``, walked from what the serializer wrote,
    with its meaning (:mod:`checks.guide.resultsfields`).
``.. measured-on::``
    A page's one short line saying when its ``:measured:`` values were
    measured, linked to where the measuring page says how and on which bases
    (:func:`measuring_line`).  A page that shows values of a lab whose
    ``lab-results`` table (which has the same line) is not on the page, and
    has no such note, is a build warning.
``.. lab-provenance::``
    For the measuring page: every lab's recording, its date, engine and
    bases, each base official or a stand-in linked to its recipe
    (:func:`bases_note`).  Every ``lab-results`` table and ``measured-on``
    note links here (the label ``recorded-labs``).

Registered by :func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from checks.guide import layertally, resultsfields
from checks.guide.nodes import (
    WARN,
    all_labs,
    base_ref,
    doc_ref,
    fill,
    literal,
    logger,
    note_use,
    para,
    reference,
    table,
)
from checks.guide.sphinxref import results_meanings
from checks.model.i18n import _
from checks.model.results import BaseUse, Results
from checks.model.resultsjson import to_dict
from checks.model.units import megabytes


class _Recorded(SphinxDirective):
    def recorded(self) -> dict[str, Any]:
        """Every lab's recorded results, by lab name; the page is rebuilt when any of them changes."""
        found = {}
        for name, lab in all_labs(self.env.app).items():
            note_use(self.env, name)
            self.env.note_dependency(str(lab.results_path))
            if lab.results is not None:
                found[name] = lab.results
        return found

    def inline(self, text: str) -> nodes.paragraph:
        cell = nodes.paragraph()
        parsed, _messages = self.state.inline_text(text, self.lineno)
        cell.extend(parsed)
        return cell


class LayerInstructionsDirective(_Recorded):
    """The instructions of every recorded history, and whether each wrote a filesystem layer."""

    def run(self) -> list[nodes.Node]:
        recorded = self.recorded()
        rows = layertally.tally(layertally.histories({name: r.variants for name, r in recorded.items()}))
        variants = sum(len(r.variants) for r in recorded.values())
        body: list[list[nodes.Node | str]] = [
            [
                literal(row.instruction),
                _(row.writes_layer),
                _("{count} of {total}").format(count=row.with_bytes, total=row.steps),
                megabytes(row.largest),
            ]
            for row in rows
        ]
        tab = table(
            [_("Instruction"), _("Writes a layer"), _("Steps that added bytes"), _("Most added")],
            body,
            ["slimlab-layer-instructions"],
            [22, 26, 30, 22],
        )
        caption = para(
            _(
                "From the {images} images of {labs} labs' results.json: each history step, the bytes it added, "
                "and each image's layer count, which shows whether a step that added no bytes still made a layer."
            ).format(images=variants, labs=len(recorded)),
            classes=["slimlab-chart-caption"],
        )
        return [tab, caption]


class ResultsFieldsDirective(_Recorded):
    """Every key path of results.json that the serializer wrote for the recorded labs, with its meaning."""

    def run(self) -> list[nodes.Node]:
        paths: list[str] = []
        for results in self.recorded().values():
            for path in resultsfields.key_paths(to_dict(results)):
                if path not in paths:
                    paths.append(path)
        for path in resultsfields.undescribed(paths):
            logger.warning(
                f"results-fields: results.json has '{path}', which checks.guide.resultsfields.MEANINGS does not "
                "describe: add it there.",
                location=self.get_location(),
                **WARN,
            )
        meanings = results_meanings()
        body: list[list[nodes.Node | str]] = [
            [literal(path), self.inline(reference(self.env.app, meanings[path], f"results.json {path}"))]
            for path in resultsfields.in_order(paths)
            if path in meanings
        ]
        return [table([_("Key"), _("Meaning")], body, ["slimlab-keys", "slimlab-stack"], [40, 60])]


# ---------------------------------------------------------------------------
# .. measured-on::


class measured_on(nodes.General, nodes.Element):  # noqa: N801 (docutils names node classes in lower case)
    """Where a page's note on its bases goes; filled in once the whole page has been read."""


class MeasuredOnDirective(SphinxDirective):
    """Marks the place of the page's note on the bases its measured values were recorded on."""

    def run(self) -> list[nodes.Node]:
        return [measured_on()]


def bases_note(bases: Iterable[BaseUse]) -> tuple[list[str], list[str]]:
    """The base names measured on stand-ins and on official images, each sorted and once."""
    stand_ins = sorted({b.name for b in bases if b.source == "stand-in"})
    official = sorted({b.name for b in bases if b.source != "stand-in"})
    return stand_ins, official


def labs_needing_note(shown: Iterable[str], tabled: Iterable[str]) -> set[str]:
    """Labs whose values a page shows without their ``lab-results`` table, which would say where they came from."""
    return set(shown) - set(tabled)


#: The label of the measuring page's section on where each lab's figures come from (docs/measuring.rst).
RECORDED_LABS = "recorded-labs"


def recorded_days(results: Iterable[Results]) -> str:
    """The days a set of results were measured on: one day, or the first and the last."""
    days = sorted({r.measured_at[:10] for r in results})
    if not days:
        return ""
    return days[0] if len(days) == 1 else _("{first} to {last}").format(first=days[0], last=days[-1])


def measuring_line(results: Iterable[Results]) -> nodes.paragraph:
    """The one line a teaching page carries about how its figures were measured: when, and a link to the rest."""
    how = label_ref(RECORDED_LABS, _("how, and on which base images"))
    return para(
        *fill(_("Measured on {date} ({how})."), date=recorded_days(results), how=how),
        classes=["slimlab-measuring-line"],
    )


def label_ref(label: str, text: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=label, refexplicit=True, refwarn=True)
    ref += nodes.inline(text, text)
    return ref


class LabProvenanceDirective(_Recorded):
    """Each lab's recording: its page, the day and engine, and the bases it was built on, official or stand-in."""

    def run(self) -> list[nodes.Node]:
        rows: list[list[nodes.Node | str]] = []
        labs = all_labs(self.env.app)
        for name, results in self.recorded().items():
            spec = labs[name].spec
            lab_cell = para(literal(name))
            if spec is not None:
                lab_cell += nodes.Text(" ")
                lab_cell += doc_ref(self.env.docname, spec.page)
            engine = ", ".join(f"{k} {v}" for k, v in results.engine.items())
            rows.append([lab_cell, results.measured_at[:10], engine, self.bases(results.bases)])
        headers = [_("Lab"), _("Recorded"), _("Engine"), _("Bases")]
        return [table(headers, rows, ["slimlab-provenance", "slimlab-stack"], [28, 12, 22, 38])]

    def bases(self, bases: Iterable[BaseUse]) -> nodes.paragraph:
        cell = para()
        stand_ins, official = bases_note(bases)
        for index, name in enumerate([*stand_ins, *official]):
            source = base_ref(name, _("stand-in")) if name in stand_ins else _("official")
            cell.extend(
                [
                    nodes.Text("; " if index else ""),
                    *_nodes(fill(_("{image} ({source})"), image=literal(name), source=source)),
                ]
            )
        if not stand_ins and not official:
            cell += nodes.Text(_("none but {scratch}").format(scratch="scratch"))
        return cell


def _nodes(parts: list[nodes.Node | str]) -> list[nodes.Node]:
    return [nodes.Text(part) if isinstance(part, str) else part for part in parts]


def fill_notes(app: Sphinx, doctree: nodes.document) -> None:
    """Fill each ``measured-on`` note; warn when a page needs one and has none."""
    env = app.env
    labs = all_labs(app)
    shown = {node["lab"] for node in doctree.findall(nodes.inline) if node.get("lab")}
    tabled = env.slimlab_results.get(env.docname, set())  # type: ignore[attr-defined]
    needing = sorted(labs_needing_note(shown, tabled))
    places = list(doctree.findall(measured_on))
    if needing and not places:
        logger.warning(
            f"{env.docname} shows measured values of {', '.join(needing)} without their lab-results table: "
            "add `.. measured-on::` below the page's first paragraph, so readers see what the sizes were measured on.",
            location=env.docname,
            **WARN,
        )
    if places and not needing:
        logger.warning(
            f"{env.docname} has `.. measured-on::` but shows no measured value without its lab-results table: "
            "remove it.",
            location=env.docname,
            **WARN,
        )
    results = [r for name in needing if (r := labs[name].results) is not None]
    for place in places:
        place.replace_self(measuring_line(results) if needing else [])
