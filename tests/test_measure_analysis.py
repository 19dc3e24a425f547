"""The analysis facet: each variant's recorded analysis, its file tree kept only where a page's explorer shows it."""

from __future__ import annotations

from checks.measure.analysis import analyses
from checks.model.filetree import Node
from checks.model.measured import Measured
from checks.model.results import AnalysisSummary
from checks.model.spec import Lab, Variant

NAMES = ("before", "slim", "after")
LAB = Lab(
    name="lab-9-demo",
    title="t",
    page="p",
    variants=tuple(Variant(name=n, dockerfile=f"{n}.Dockerfile") for n in NAMES),
    claims=(),
)


def test_only_before_and_after_keep_their_file_trees():
    measured = {n: Measured(image_id=f"sha256:{n}", size_bytes=1, layer_count=1) for n in NAMES}
    tree = Node(name="", size_bytes=1)
    early = {f"sha256:{n}": AnalysisSummary(wasted_bytes=0, efficiency=1.0, classes={}, tree=tree) for n in NAMES}
    said: list[object] = []

    found = analyses(LAB, measured, early, said.append)

    assert {n: s.tree for n, s in found.items()} == {"before": tree, "slim": None, "after": tree}
    assert len(said) == 1
