"""Each lab's measured grade time: ``.. workshop-timings::``.

A table of every lab's cold and warm ``make lab-N``, captioned with when and
on what it was measured, from ``docs/workshop-timings.json`` (written by
``make bench``; read by the pure :mod:`checks.guide.timingsdoc`).  With no
such file the page says how to make it, and the build warns.  Registered by
:func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from checks.guide import timingsdoc
from checks.guide.nodes import WARN, logger, not_recorded, table
from checks.model.i18n import _


class WorkshopTimingsDirective(SphinxDirective):
    """Each lab's measured grade time, cold and warm, with when and on what it was measured."""

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir) / timingsdoc.TIMINGS_NAME
        self.env.note_dependency(str(path))
        try:
            data = timingsdoc.read_timings(path)
        except ValueError as error:
            logger.warning(f"workshop-timings: {error}", location=self.get_location(), **WARN)
            message = _("No workshop timings are recorded yet: run {command}.")
            return not_recorded(message, command="make bench", box=nodes.warning)
        tab = table(
            [_(header) for header in timingsdoc.HEADERS], timingsdoc.rows(data), ["slimlab-timings"], widths=[3, 1, 1]
        )
        title = nodes.title("", timingsdoc.caption(data), translatable=False)
        tab.insert(0, title)
        return [tab]
