"""``.. image-explorer:: LAB``: ``analyze --html``'s explorer of a lab's before and after, from results.json.

Each variant (``:variants:``, default ``before after``) is one folded block: its layers with their instruction
and bytes, its file tree as recorded (folded for a page, :data:`checks.inspect.filetree.PAGE`: every folder's 6
largest entries and every other one of at least 1/200 of the image), dive's figures and the removable classes
linked to the section that removes each.  The page never measures anything: a variant recorded before the
tree was is named, and :data:`BUDGET` caps what the explorer adds to a page: trees that would take more are
folded again by the first of :data:`TIGHTER` that fits.  Registered by
:func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from checks.guide import evidence
from checks.guide.docdata import did_you_mean
from checks.guide.nodes import WARN, all_labs, fill, labs_dir, literal, logger, note_use, para
from checks.inspect import explorer
from checks.inspect.filetree import PAGE, Fold, refolded
from checks.inspect.removable import BY_ID
from checks.model.i18n import _
from checks.model.measured import Measured
from checks.model.results import AnalysisSummary

#: The most HTML the explorer of one lab adds to its page, both variants together (``tests/test_docs_build.py``
#: checks each page that has one).
BUDGET = 120_000
#: The rules tried in turn when the recorded trees (folded by :data:`PAGE`) would take more than :data:`BUDGET`:
#: fewer entries a folder, and a larger share of the image for each other one.
TIGHTER = (PAGE, Fold(5, 150), Fold(4, 100), Fold(3, 60), Fold(2, 30))


def layers_of(m: Measured) -> list[dict[str, Any]]:
    """The filesystem layers of a recorded history, numbered as the tree numbers them: the steps that wrote one
    (by their diff id; in results recorded without diff ids, the steps that added bytes)."""
    marked = any(step.diff_id for step in m.layers)
    written = [step for step in m.layers if (step.diff_id if marked else step.size_bytes)]
    return [{"index": i, "size_bytes": s.size_bytes, "created_by": s.created_by} for i, s in enumerate(written)]


def data_of(name: str, m: Measured, found: AnalysisSummary) -> dict[str, Any]:
    """The recorded figures in the form the explorer renders (analyze's JSON form, as far as it is recorded)."""
    classes = {
        class_id: {
            "title": _(BY_ID[class_id].title),
            "size_bytes": size,
            "url": f"{BY_ID[class_id].section.page}.html#{BY_ID[class_id].section.anchor}",
        }
        for class_id, size in found.classes.items()
        if class_id in BY_ID
    }
    return {
        "image": name,
        "size_bytes": m.size_bytes,
        "efficiency": found.efficiency,
        "wasted_bytes": found.wasted_bytes,
        "reclaimable_bytes": found.reclaimable_bytes or 0,
        "removable_bytes": sum(found.classes.values()),
        "layers": layers_of(m),
        "classes": classes,
    }


class ImageExplorerDirective(SphinxDirective):
    """A lab's before and after in the explorer, folded, from the recorded analysis."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Callable[[str], Any]] | None] = {"variants": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0].strip()
        labs = all_labs(self.env.app)
        if name not in labs:
            logger.warning(
                f"image-explorer: no lab '{name}' in {labs_dir(self.env.app)}.{did_you_mean(name, list(labs))}",
                location=self.get_location(),
                **WARN,
            )
            return []
        lab = labs[name]
        self.env.note_dependency(str(lab.results_path))
        note_use(self.env, name)
        results = lab.results
        box = nodes.container(classes=["slimlab-explorer", evidence.EVIDENCE])
        if results is None:
            return [box]
        shown = []
        for variant in (self.options.get("variants") or "before after").split():
            m, found = results.variants.get(variant), results.analysis.get(variant)
            if m is None or found is None or found.tree is None:
                message = _("The file tree of {variant} is not recorded yet: run {command}.")
                box += para(*fill(message, variant=literal(variant), command=literal("make check")))
                continue
            shown.append((variant, m, found))
        if shown:
            box += nodes.raw("", self.within_budget(shown), format="html")
        return [box]

    def within_budget(self, shown: list[tuple[str, Measured, AnalysisSummary]]) -> str:
        """The variants' blocks folded by the first rule of :data:`TIGHTER` that keeps them to :data:`BUDGET`
        (else by the tightest), with the explorer's style and script."""
        block = ""
        for fold in TIGHTER:
            parts = "".join(self.folded(*each, fold=fold) for each in shown)
            block = f"<style>{explorer.STYLE}</style>{parts}<script>{explorer.SCRIPT}</script>"
            if len(block.encode()) <= BUDGET:
                break
        return block

    def folded(self, variant: str, m: Measured, found: AnalysisSummary, *, fold: Fold) -> str:
        assert found.tree is not None
        root = found.tree if fold == PAGE else refolded(found.tree, fold)
        rule = explorer.rule(fold, root.image_bytes)
        title = _("Explore {variant}: its layers and files").format(variant=variant)
        data = data_of(variant, m, found)
        inner = explorer.body(data, root, rule=rule, learn_secrets="", wasted=False, within=f"explore-{variant}")
        return f"<details><summary>{html.escape(title)}</summary>{inner}</details>"
