"""The analysis facet: each variant's image read layer by layer (:func:`checks.engine.layer_source.analyze`) and
summed up as results.json records it (:class:`~checks.model.results.AnalysisSummary`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from checks.engine.layer_source import analyze
from checks.inspect.analyze import summary
from checks.model.measured import Measured
from checks.model.progress import ANALYSIS, Say, Step
from checks.model.results import AnalysisSummary
from checks.model.spec import Lab
from checks.plan.pulls import CHARTED


def analysis_of(image_id: str) -> AnalysisSummary:
    """The image's analysis, as results.json records it: the one place a run makes one."""
    return summary(analyze(image_id))


def analyses(
    lab: Lab, measured: Mapping[str, Measured], analyzed: Mapping[str, AnalysisSummary], echo: Say
) -> dict[str, AnalysisSummary]:
    """Each variant's analysis: the one ``analyzed`` holds for its image (measured early), else made now; its file
    tree kept only for the lab's :data:`~checks.plan.pulls.CHARTED` ends, the variants a page's explorer shows."""
    echo(Step(phase=ANALYSIS, lab=lab.name, text=f"{lab.name}: analyzing the images"))
    found = {name: analyzed.get(m.image_id) or analysis_of(m.image_id) for name, m in measured.items()}
    return {name: s if name in CHARTED else dataclasses.replace(s, tree=None) for name, s in found.items()}
