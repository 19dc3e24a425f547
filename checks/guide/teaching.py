"""The first screen of a page: a measured headline, a "Try it" box, and the front page's three headline results.

``.. headline:: LAB``
    The lab's measured headline, ``948.7 MB → 6.2 MB (0.66% of the size)``:
    ``before``'s size, ``after``'s, and the share it is (``:variant:`` names
    another variant than ``after``).  Every figure is a measured value, as
    ``:measured:`` gives it.
``.. try-lab:: LAB``
    "Try it: ``make lab-4``", the first sentence of the lab's task, and a
    link to the lab's exercise (the ``lab-exercise`` block, wherever it is).
``.. top-results::``
    The largest before → after reductions of all the labs (three, or
    ``:count:``), chosen from the recorded results, never typed: each its
    headline and a link to its page, smallest share first.
``.. handout::``
    Marks the page as a handout: printed, it is one A4 page with no sidebar,
    header, footer or language switcher (``slimlab.css``, ``@media print``).

Registered by :func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from checks.guide.docdata import LabDocs, did_you_mean
from checks.guide.exercise import exercise_label
from checks.guide.measuredfields import value
from checks.guide.nodes import WARN, all_labs, doc_ref, fill, literal, logger, measured_node, note_use, para
from checks.model.exercise import make_target
from checks.model.i18n import _
from checks.model.results import Results
from checks.model.units import megabytes


def share(results: Results, variant: str) -> float:
    """A variant's size as a share of ``before``'s."""
    return results.variants[variant].size_bytes / results.variants["before"].size_bytes


def top_reductions(recorded: Mapping[str, Results], count: int) -> list[str]:
    """The labs whose ``after`` is the smallest share of their ``before``, smallest first (ties: most bytes saved)."""

    def saved(name: str) -> int:
        variants = recorded[name].variants
        return variants["before"].size_bytes - variants["after"].size_bytes

    both = [name for name, r in recorded.items() if {"before", "after"} <= r.variants.keys()]
    return sorted(both, key=lambda name: (share(recorded[name], "after"), -saved(name)))[:count]


def short_task(task: str) -> str:
    """A lab's task in its first sentence, before any colon: "Make this image at most 2% of its size ... build."."""
    cuts = [index for mark in (":", "：") if (index := task.find(mark)) > 0]
    if not cuts:
        return task
    head = task[: min(cuts)].rstrip()
    return head + ("。" if task[min(cuts)] == "：" else ".")


def headline(results: Results, variant: str = "after") -> list[nodes.Node | str]:
    """``before``'s size → the variant's size (its share of ``before``), as measured values."""
    lab = results.lab

    def size(name: str) -> nodes.Node:
        m = results.variants[name]
        tip = _("{bytes} bytes").format(bytes=f"{m.size_bytes:,}")
        return measured_node(lab, name, "size", megabytes(m.size_bytes), m.size_bytes, tip)

    ratio = measured_node(lab, variant, "ratio", value(results, variant, "ratio"), None, _("size / size of before"))
    return fill(_("{before} → {after} ({share} of the size)"), before=size("before"), after=size(variant), share=ratio)


class _LabDirective(SphinxDirective):
    """A directive about one lab: it warns, naming the labs there are, when the lab does not exist."""

    required_arguments = 1

    def lab(self) -> LabDocs | None:
        name = self.arguments[0].strip()
        labs = all_labs(self.env.app)
        if name not in labs:
            self.warn(f"no lab '{name}'.{did_you_mean(name, list(labs))}")
            return None
        note_use(self.env, name)
        self.env.note_dependency(str(labs[name].results_path))
        return labs[name]

    def warn(self, problem: str) -> None:
        logger.warning(f"{self.name}: {problem}", location=self.get_location(), **WARN)


class HeadlineDirective(_LabDirective):
    """A lab's measured headline: before → after (share of before)."""

    option_spec: ClassVar[dict[str, Callable[[str], Any]] | None] = {"variant": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        lab = self.lab()
        if lab is None or lab.results is None:  # no results: the build already says so, once per lab
            return []
        variant = self.options.get("variant", "after")
        if variant not in lab.results.variants:
            self.warn(f"lab {lab.name} has no variant '{variant}'.{did_you_mean(variant, list(lab.results.variants))}")
            return []
        return [para(*headline(lab.results, variant), classes=["slimlab-headline"])]


class TryLabDirective(_LabDirective):
    """ "Try it: make lab-N", the task in a sentence, and a link to the exercise."""

    def run(self) -> list[nodes.Node]:
        lab = self.lab()
        if lab is None or lab.spec is None:
            return []
        if not lab.spec.exercise:
            self.warn(f"lab {lab.name} has no exercise ([lab] exercise in its lab.toml), so nothing to try.")
            return []
        label = _("Try it:")
        go = _("Open the exercise")
        link = addnodes.pending_xref(
            "", refdomain="std", reftype="ref", reftarget=exercise_label(lab.spec), refexplicit=True, refwarn=True
        )
        link += nodes.inline(go, go)
        box = nodes.container(classes=["slimlab-try"])
        box += para(
            *fill(
                _("{label} {command} {task} {link}"),
                label=nodes.strong(label, label),
                command=literal(f"make {make_target(lab.spec)}"),
                task=short_task(lab.spec.exercise),
                link=link,
            )
        )
        return [box]


class TopResultsDirective(SphinxDirective):
    """The labs' largest reductions, chosen from the recorded results: each its headline and its page."""

    option_spec: ClassVar[dict[str, Callable[[str], Any]] | None] = {"count": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        labs = all_labs(self.env.app)
        recorded = {}
        for name, lab in labs.items():
            note_use(self.env, name)
            self.env.note_dependency(str(lab.results_path))
            if lab.results is not None and lab.spec is not None:
                recorded[name] = lab.results
        box = nodes.container(classes=["slimlab-top-results"])
        for name in top_reductions(recorded, self.options.get("count", 3)):
            spec = labs[name].spec
            assert spec is not None
            card = nodes.container(classes=["slimlab-top-result"])
            card += para(*headline(recorded[name]), classes=["slimlab-headline"])
            card += para(doc_ref(self.env.docname, spec.page), classes=["slimlab-top-page"])
            box += card
        return [box]


class HandoutDirective(SphinxDirective):
    """Marks its page as a handout, which the print stylesheet lays out on one A4 page."""

    def run(self) -> list[nodes.Node]:
        return [nodes.container(classes=["slimlab-handout"])]
