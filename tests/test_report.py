"""Terminal text for results: anchors, the variants table, the summary and failure lines."""

from __future__ import annotations

import dataclasses
import re

from checks.learner import report
from checks.model.checkout import HERE
from checks.model.links import Section
from checks.model.measured import Measured, SmokeRun
from checks.model.results import BaseUse, ClaimResult, Results
from checks.model.units import megabytes


def measured(size: int, layers: int = 1, smoke: SmokeRun | None = None) -> Measured:
    return Measured(image_id=f"sha256:{size:x}", size_bytes=size, layer_count=layers, smoke=smoke)


PASSED = SmokeRun(exit_code=0, stdout="hi", passed=True)
FAILED = SmokeRun(exit_code=1, stdout="", passed=False)
HUNG = SmokeRun(exit_code=None, stdout="", timed_out=True, passed=False)


def claim(claim_id: str, kind: str, text: str, passed: bool, expected: str, shown: str) -> ClaimResult:
    return ClaimResult(id=claim_id, kind=kind, text=text, passed=passed, expected=expected, measured=shown)


def results(**changes) -> Results:
    base = Results(
        lab="lab-9-demo",
        title="A demo lab",
        inputs_sha256="00" * 32,
        measured_at="2026-01-02T03:04:05+00:00",
        engine={},
        bases=(BaseUse(name="busybox", source="official", image="busybox", image_id="sha256:1"),),
        variants={
            "before": measured(800_000_000, 11, PASSED),
            "after": measured(6_000_000, 2, FAILED),
            "hung": measured(400_000_000, 3, HUNG),
            "quiet": measured(1_000, 1),
        },
        claims=(
            claim("L9.1", "size_ratio", "After is small.", True, "<= 2%", "0.75%"),
            claim("L9.2", "non_root", "After is not root.", False, "USER is not root", "no USER (root)"),
            claim("L9.10", "max_layers", "Few layers.", False, "<= 1 layers", "2 layers"),
        ),
    )
    return dataclasses.replace(base, **changes)


def cells(line: str) -> list[str]:
    """A table line's cells: columns are at least two spaces apart."""
    return re.split(r"\s{2,}", line.strip())


def row(table: list[str], name: str) -> list[str]:
    return next(cells(line) for line in table if cells(line)[0] == name)


def test_the_variants_table_has_a_header_and_one_row_per_variant():
    table = report.variants_table(results())
    assert cells(table[0]) == ["variant", "size", "layers", "vs before", "smoke"]
    assert [cells(line)[0] for line in table[1:]] == ["before", "after", "hung", "quiet"]


def test_the_variants_table_shows_sizes_layers_and_the_ratio_to_before():
    table = report.variants_table(results())
    assert row(table, "before") == ["before", megabytes(800_000_000), "11", "100.0%", "ok"]
    assert row(table, "after") == ["after", megabytes(6_000_000), "2", "0.8%", "FAILS"]
    assert row(table, "hung") == ["hung", megabytes(400_000_000), "3", "50.0%", "timed out"]
    assert row(table, "quiet") == ["quiet", megabytes(1_000), "1", "0.0%", "-"]


def test_the_variants_table_has_no_ratio_without_a_before_variant():
    variants = {"after": measured(6_000_000), "slim": measured(3_000_000)}
    table = report.variants_table(results(variants=variants))
    assert row(table, "slim")[3] == "-"
    assert row(table, "after")[3] == "-"


def test_the_variants_table_has_no_ratio_when_before_is_empty():
    table = report.variants_table(results(variants={"before": measured(0), "after": measured(10)}))
    assert row(table, "after")[3] == "-"


def test_the_variants_table_shows_each_runtime_floor_and_its_share_once_one_is_traced():
    traced = dataclasses.replace(measured(8_000_000, 2, PASSED), runtime_files=40, runtime_bytes=6_000_000)
    table = report.variants_table(results(variants={"before": measured(800_000_000, 11, PASSED), "after": traced}))
    assert cells(table[0]) == ["variant", "size", "floor", "layers", "vs before", "smoke"]
    assert row(table, "after")[2] == f"{megabytes(6_000_000)} (75%)"
    assert row(table, "before")[2] == "-"


def test_the_variants_table_aligns_its_columns():
    table = report.variants_table(results())
    starts = {tuple(m.start() for m in re.finditer(r"\S+(?: \S+)*", line)) for line in table}
    assert len(starts) == 1


def test_the_summary_says_whether_the_lab_was_rebuilt():
    assert "unchanged since 2026-01-02T03:04:05+00:00, not rebuilt" in report.summary(results(), skipped=True)
    assert "measured 2026-01-02T03:04:05+00:00" in report.summary(results(), skipped=False)


def test_the_summary_lists_bases_and_every_claim_with_its_mark():
    text = report.summary(results(), skipped=False)
    assert text.splitlines()[0] == "lab-9-demo: A demo lab"
    assert "bases: busybox (official)" in text
    assert "ok   L9.1" in text
    assert "FAIL L9.2" in text
    assert "measured no USER (root); expected USER is not root" in text


def test_the_summary_names_the_lab_s_images_in_this_checkout_s_namespace():
    assert f"\n  images: slimlab-{HERE.id}/lab-9-demo:<variant>\n" in report.summary(results(), skipped=False)


def test_the_summary_says_scratch_only_without_bases():
    assert "bases: scratch only" in report.summary(results(bases=()), skipped=False)


def test_failures_is_empty_when_every_claim_holds():
    assert report.failures(results(claims=results().claims[:1]), "demo") == []


def test_failures_has_one_line_per_failed_claim_with_its_id_and_url():
    lines = report.failures(results(), "demo", docs_url="https://example.org/slimlab")
    assert len(lines) == 2
    assert lines[0].startswith("lab-9-demo: claim L9.2 does not hold: After is not root.")
    assert "Expected USER is not root; measured no USER (root)." in lines[0]
    assert lines[0].endswith("See https://example.org/slimlab/demo.html#l9-2")
    assert lines[1].endswith("See https://example.org/slimlab/demo.html#l9-10")
    assert all("\n" not in line for line in lines)


def test_a_claim_not_judged_shows_as_a_skip_saying_why():
    skipped = dataclasses.replace(results().claims[1], not_judged="this run measures no pull times")
    text = report.summary(results(claims=(results().claims[0], skipped)), skipped=False)
    assert "  skip L9.2   After is not root.\n           not judged, because this run measures no pull times" in text


def test_a_failure_links_the_section_its_result_carries():
    carried = dataclasses.replace(results().claims[1], section=Section("elsewhere", "l9-2"))
    (line,) = report.failures(results(claims=(carried,)), "demo", docs_url="https://example.org/slimlab")
    assert line.endswith("See https://example.org/slimlab/elsewhere.html#l9-2")
