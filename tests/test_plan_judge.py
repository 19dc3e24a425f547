"""checks.plan.judge: claims judged on plain measurements; each result carries its section, and a skip is a value."""

from __future__ import annotations

from checks.model.claims.floor import MaxFloorRatio
from checks.model.claims.sizes import SizeRatio
from checks.model.links import Section
from checks.model.measured import Measured
from checks.model.results import Results
from checks.model.resultsjson import from_dict, to_dict
from checks.model.spec import Claim, Lab, Variant
from checks.plan.judge import judge

LAB = Lab(
    name="lab-9-demo",
    title="t",
    page="demo",
    variants=(
        Variant(name="before", dockerfile="before.Dockerfile"),
        Variant(name="after", dockerfile="after.Dockerfile"),
    ),
    claims=(
        Claim(id="L9.1", text="Small.", check=SizeRatio(variant="after", of="before", max=0.5)),
        Claim(id="L9.2", text="Near its floor.", check=MaxFloorRatio(variant="after", max=2)),
    ),
)
MEASURED = {
    "before": Measured(image_id="sha256:b", size_bytes=1_000, layer_count=2),
    "after": Measured(image_id="sha256:a", size_bytes=100, layer_count=1, runtime_bytes=80, runtime_files=3),
}
WHY = "SLIMLAB_FLOOR=0 traces no smoke test for the runtime floor"


def results(*claims) -> Results:
    return Results(
        lab=LAB.name,
        title="t",
        inputs_sha256="ab" * 32,
        measured_at="",
        engine={},
        bases=(),
        variants=MEASURED,
        claims=claims,
    )


def test_a_judged_claim_carries_the_url_of_the_section_that_teaches_it():
    first, _ = judge(LAB, MEASURED)
    assert first.section == Section("demo", "l9-1")
    assert first.url("https://example.org/slimlab") == "https://example.org/slimlab/demo.html#l9-1"


def test_a_claim_left_out_is_a_result_saying_why_it_was_not_judged():
    judged, skipped = judge(LAB, MEASURED, left_out=(("L9.2",), WHY))
    assert (judged.passed, judged.not_judged) == (True, "")
    assert (skipped.id, skipped.not_judged, skipped.url()) == ("L9.2", WHY, "docs/_build/html/demo.html#l9-2")


def test_a_claim_not_judged_neither_holds_nor_fails():
    recorded = results(*judge(LAB, MEASURED, left_out=(("L9.2",), WHY)))
    assert recorded.passed
    assert recorded.failed == ()


def test_results_whose_claims_are_all_judged_are_written_as_before():
    data = to_dict(results(*judge(LAB, MEASURED)))
    assert all(set(claim) == {"id", "kind", "text", "passed", "expected", "measured"} for claim in data["claims"])


def test_a_claim_not_judged_is_recorded_with_why_and_read_back():
    written = results(*judge(LAB, MEASURED, left_out=(("L9.2",), WHY)))
    assert to_dict(written)["claims"][1]["not_judged"] == WHY
    assert from_dict(to_dict(written)) == written


def test_only_the_kinds_asked_for_are_judged():
    assert [c.id for c in judge(LAB, MEASURED, only=lambda kind: kind.reads())] == []
