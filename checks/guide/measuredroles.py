"""Recorded values in running prose: ``:measured:`LAB/VARIANT/FIELD``` and ``:size-difference:`LAB/VARIANT/OTHER```.

A value is a :class:`checks.guide.nodes.measured_value`: its source in
``data-*`` attributes, and a tooltip saying what it is, from which file, and
when it was measured.  A path that names no lab, variant or field is a build
warning with a did-you-mean.  Registered by :func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole

from checks.guide.docdata import LabDocs, did_you_mean
from checks.guide.measuredfields import FIELDS, compressed_bytes, difference, parse_path, value
from checks.guide.nodes import WARN, all_labs, logger, measured_node, note_use, reference
from checks.guide.sphinxref import as_rst
from checks.model.i18n import _


class MeasuredRole(SphinxRole):
    """One recorded value in running prose."""

    def lab(self, name: str) -> LabDocs:
        """The lab the role names (LookupError when there is none); the page now depends on its results."""
        labs = all_labs(self.env.app)
        if name not in labs:
            raise LookupError(f"no lab '{name}'.{did_you_mean(name, list(labs))}")
        note_use(self.env, name)
        self.env.note_dependency(str(labs[name].results_path))
        return labs[name]

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        try:
            lab_name, variant, field = parse_path(self.text)
            lab = self.lab(lab_name)
            if lab.results is None:  # the build already warns once per lab (check_labs)
                return [nodes.inline(self.text, _("(not measured yet)"), classes=["slimlab-missing"])], []
            text = value(lab.results, variant, field)
        except (ValueError, LookupError) as error:
            logger.warning(f"measured: {error}", location=self.get_location(), **WARN)
            return [nodes.inline(self.text, _("(not measured)"), classes=["slimlab-missing"])], []
        m = lab.results.variants[variant]
        size = {
            "size": m.size_bytes,
            "bytes": m.size_bytes,
            "compressed": compressed_bytes(m),
            "floor": m.runtime_bytes,
        }.get(field)
        what = field_words(self.env.app, field)
        tooltip = _("{what} — from labs/{lab}/results.json, measured {date}").format(
            what=what, lab=lab_name, date=lab.results.measured_at[:10]
        )
        return [measured_node(lab_name, variant, field, text, size, tooltip.replace("`", ""))], []


def field_words(app: Sphinx, field: str) -> str:
    """What a measured value is, for its tooltip: the field's help in the edition's language, without its example.

    The English drops its example and "once recorded" (the value is shown, so it was recorded); a translation
    says both in the parenthesis it ends with (``（记录后才有，如 ``2.9 MB``）``), which is dropped.
    """
    english = as_rst(FIELDS[field].help)
    shown = reference(app, english, f":measured: {field}")
    if shown == english:
        return FIELDS[field].help.split(" (")[0].replace(", once recorded", "")
    return re.sub(r"\s*（[^（）]*）[。.]?$", "", shown)


class SizeDifferenceRole(MeasuredRole):
    """``:size-difference:`lab/variant/other```: one variant's size minus another's, in prose or a table."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        try:
            lab_name, variant, of = parse_path(self.text, "lab/variant/other", "lab-3-only-what-runs/apt-lists/after")
            lab = self.lab(lab_name)
            if lab.results is None:  # the build already warns once per lab (check_labs)
                return [nodes.inline(self.text, _("(not measured yet)"), classes=["slimlab-missing"])], []
            size, text = difference(lab.results, variant, of)
        except (ValueError, LookupError) as error:
            logger.warning(f"size-difference: {error}", location=self.get_location(), **WARN)
            return [nodes.inline(self.text, _("(not measured)"), classes=["slimlab-missing"])], []
        tooltip = _(
            "size of {variant} minus size of {of}: {bytes} bytes — from labs/{lab}/results.json, measured {date}"
        ).format(variant=variant, of=of, bytes=f"{size:,}", lab=lab_name, date=lab.results.measured_at[:10])
        node = measured_node(lab_name, variant, "size-difference", text, None, tooltip)
        node["of"] = of
        return [node], []
