"""When verify traces a runtime floor and when it reuses the recorded one (the tracing itself faked)."""

from __future__ import annotations

import dataclasses

import pytest

from checks.engine import floor, images
from checks.engine.floor import FloorRun
from checks.inspect.floor import Floor
from checks.measure.floor import floor_of
from checks.model.claims.floor import MaxFloorRatio
from checks.model.claims.sizes import SizeRatio
from checks.model.measured import Layer, Measured, SmokeRun
from checks.model.results import ClaimResult, Results
from checks.model.spec import Claim, Lab, Smoke, Variant
from checks.plan import stale
from checks.run.verify import with_floors

LAB = Lab(
    name="lab-9-demo",
    title="t",
    page="p",
    variants=(
        Variant(name="before", dockerfile="before.Dockerfile", smoke=Smoke(expect="hi")),
        Variant(name="after", dockerfile="after.Dockerfile", smoke=Smoke(expect="hi")),
        Variant(name="broken", dockerfile="broken.Dockerfile", smoke=Smoke(expect="hi")),
    ),
    claims=(
        Claim(id="L9.1", text="Small.", check=SizeRatio(variant="after", of="before", max=0.5)),
        Claim(id="L9.2", text="Near its floor.", check=MaxFloorRatio(variant="after", max=2)),
    ),
)


def ran(passed: bool = True, **figures) -> Measured:
    smoke = SmokeRun(exit_code=0 if passed else 1, stdout="hi" if passed else "", passed=passed)
    return Measured(image_id="sha256:a", size_bytes=1_000, layer_count=1, smoke=smoke, **figures)


def recorded(**variants: Measured) -> Results:
    claims = (
        ClaimResult(id="L9.1", kind="size_ratio", text="Small.", passed=True, expected="x", measured="recorded"),
        ClaimResult(id="L9.2", kind="max_floor_ratio", text="f", passed=False, expected="x", measured="not measured"),
    )
    return Results(
        lab=LAB.name,
        title="t",
        inputs_sha256="0" * 64,
        measured_at="2026-01-01T00:00:00+00:00",
        engine={},
        bases=(),
        variants=variants,
        claims=claims,
    )


@pytest.fixture
def traces(monkeypatch) -> list[str]:
    """Each traced image id, in order; every trace finds a floor of 600 bytes in 3 files."""
    seen: list[str] = []
    monkeypatch.setattr(floor, "ensure_strace", lambda echo: None)
    monkeypatch.setattr(images, "inspect_image", lambda ref: {"Id": ref})

    def measure_floor(info, args, *, expect, timeout):
        seen.append(info["Id"])
        return FloorRun(floor=Floor(files={"a": 100, "b": 200, "c": 300}))

    monkeypatch.setattr(floor, "measure_floor", measure_floor)
    return seen


def test_a_variant_whose_smoke_test_passed_is_traced(traces):
    m = floor_of(LAB, LAB.variant("after"), ran(), None, echo=print)
    assert (m.runtime_files, m.runtime_bytes, m.utilisation) == (3, 600, 0.6)
    assert traces == ["sha256:a"]


def test_a_variant_whose_smoke_test_failed_has_no_floor(traces):
    assert floor_of(LAB, LAB.variant("broken"), ran(passed=False), None, echo=print).runtime_bytes is None
    assert traces == []


def test_the_same_image_printing_the_same_keeps_its_recorded_floor(traces):
    before = recorded(after=ran(runtime_files=9, runtime_bytes=900))
    assert floor_of(LAB, LAB.variant("after"), ran(), before, echo=print).runtime_bytes == 900
    assert traces == []


def test_a_new_image_is_traced_again(traces):
    before = recorded(after=dataclasses.replace(ran(runtime_files=9, runtime_bytes=900), image_id="sha256:old"))
    assert floor_of(LAB, LAB.variant("after"), ran(), before, echo=print).runtime_bytes == 600


def rebuilt_as(image: str, figures: Measured) -> Measured:
    """``figures`` as a build of two steps of 600 and 400 bytes whose image id is ``image``."""
    steps = (Layer(size_bytes=600, created_by="ADD rootfs.tar /"), Layer(size_bytes=400, created_by="COPY app ."))
    return dataclasses.replace(figures, image_id=image, layers=steps)


def test_a_rebuild_of_the_same_recipe_keeps_the_floor_no_claim_reads(traces):
    before = recorded(before=rebuilt_as("sha256:old", ran(runtime_files=9, runtime_bytes=900)))
    again = rebuilt_as("sha256:new", ran())
    assert floor_of(LAB, LAB.variant("before"), again, before, echo=print, rebuilt=True).runtime_bytes == 900
    assert floor_of(LAB, LAB.variant("before"), again, before, echo=print).runtime_bytes == 600
    other = dataclasses.replace(again, layers=(again.layers[0], Layer(size_bytes=420, created_by="COPY app .")))
    assert floor_of(LAB, LAB.variant("before"), other, before, echo=print, rebuilt=True).runtime_bytes == 600
    assert traces == ["sha256:new", "sha256:new"]


def test_a_floor_a_claim_reads_is_traced_on_the_build_being_judged(traces):
    before = recorded(after=rebuilt_as("sha256:old", ran(runtime_files=9, runtime_bytes=900)))
    again = rebuilt_as("sha256:new", ran())
    assert floor_of(LAB, LAB.variant("after"), again, before, echo=print, rebuilt=True).runtime_bytes == 600
    assert traces == ["sha256:new"]


def test_recorded_results_lack_a_floor_only_where_a_smoke_test_passed():
    assert stale.lacks_floor(LAB, recorded(before=ran(), after=ran(runtime_files=1, runtime_bytes=1)))
    full = recorded(before=ran(runtime_files=1, runtime_bytes=1), after=ran(runtime_files=1, runtime_bytes=1))
    assert not stale.lacks_floor(LAB, dataclasses.replace(full, variants={**full.variants, "broken": ran(False)}))


def test_floors_added_to_recorded_results_judge_the_floor_claims_again_and_keep_the_rest(traces):
    previous = recorded(before=ran(), after=ran(), broken=ran(passed=False))
    updated = with_floors(LAB, previous, echo=print)
    assert updated.variants["after"].runtime_bytes == 600
    assert updated.variants["broken"].runtime_bytes is None
    assert [(c.id, c.passed, str(c.measured)[:5]) for c in updated.claims] == [
        ("L9.1", True, "recor"),
        ("L9.2", True, "1.7× "),
    ]
