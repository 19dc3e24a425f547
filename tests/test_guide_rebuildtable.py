"""checks.guide.rebuildtable: the reproducibility table is words and names computed from recorded rebuilds."""

from __future__ import annotations

from dataclasses import replace

from docutils import nodes

from checks.guide.rebuildtable import aspects, examples, rebuild_rows, unmeasured, verdict
from checks.model.measured import FileDifference, Measured, Rebuild
from checks.model.results import Results

SAME = Rebuild(source_date_epoch=1, image_ids=("sha256:a", "sha256:a"))
TIMES = Rebuild(
    source_date_epoch=1,
    image_ids=("sha256:a", "sha256:b"),
    differing=2,
    by_aspect={"mtime": 2},
    differences=(
        FileDifference(layer=1, path="greeter", aspects=("mtime",)),
        FileDifference(layer=0, path="etc", aspects=("mtime",)),
    ),
)
BYTES = Rebuild(
    source_date_epoch=1,
    image_ids=("sha256:a", "sha256:b"),
    differing=40,
    by_aspect={"content": 30, "mtime": 40},
    differences=tuple(FileDifference(layer=2, path=f"x/{i}.pyc", aspects=("content", "mtime")) for i in range(5)),
)


def results(lab: str, **variants: Rebuild | None) -> Results:
    return Results(
        lab=lab,
        title="t",
        inputs_sha256="0",
        measured_at="x",
        engine={},
        bases=(),
        variants={name: Measured(image_id="i", size_bytes=1, layer_count=1, rebuild=r) for name, r in variants.items()},
        claims=(),
    )


def test_a_row_for_each_rebuilt_variant_in_lab_order_and_a_name_for_each_lab_without_any():
    every = [
        results("lab-0", before=None, after=TIMES),
        results("lab-1", after=None),
        results("lab-4", after=TIMES, reproducible=SAME),
    ]
    assert [(r.lab, r.variant) for r in rebuild_rows(every)] == [
        ("lab-0", "after"),
        ("lab-4", "after"),
        ("lab-4", "reproducible"),
    ]
    assert unmeasured(every) == ["lab-1"]


def test_the_verdict_tells_the_same_id_from_times_only_from_different_bytes():
    assert verdict(SAME) == "reproducible: the same image id"
    assert verdict(TIMES) == "the same files and bytes; only file times differ"
    assert verdict(BYTES) == "different bytes"


def test_the_count_of_paths_comes_with_each_aspect():
    assert aspects(SAME) == "none"
    assert aspects(BYTES) == "40 paths: 30 in content, 40 in mtime"
    assert aspects(replace(TIMES, differing=1, by_aspect={"mtime": 1})) == "1 path: 1 in mtime"


def text(parts) -> str:
    return "".join(p.astext() if isinstance(p, nodes.Node) else p for p in parts)


def test_examples_name_the_first_paths_with_their_aspects_and_count_the_rest():
    assert text(examples(TIMES)) == "/greeter (mtime), /etc (mtime)"
    assert (
        text(examples(BYTES))
        == "/x/0.pyc (content, mtime), /x/1.pyc (content, mtime), /x/2.pyc (content, mtime), and 37 more"
    )
    assert text(examples(SAME)) == "—"
