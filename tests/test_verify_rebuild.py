"""When verify rebuilds a variant for reproducibility and when it reuses the recorded rebuilds (the builds faked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.engine import rebuild
from checks.engine.buildx import BuildRequest
from checks.measure.rebuild import rebuild_of
from checks.measure.source import image_tag
from checks.model.claims.rebuild import Reproducible
from checks.model.claims.sizes import SizeRatio
from checks.model.measured import Facet, Layer, Measured, Rebuild
from checks.model.results import Results
from checks.model.spec import Claim, Lab, Variant
from checks.plan import stale

LAB = Lab(
    name="lab-9-demo",
    title="t",
    page="p",
    variants=tuple(Variant(name=n, dockerfile=f"{n}.Dockerfile") for n in ("before", "after", "pinned", "other")),
    claims=(
        Claim(id="L9.1", text="Small.", check=SizeRatio(variant="after", of="before", max=0.5)),
        Claim(id="L9.2", text="Same.", check=Reproducible(variant="pinned")),
    ),
)
TAG = image_tag(LAB, LAB.variant("after"))
REQUEST = BuildRequest(dockerfile=Path("a"), context=Path(), tag=TAG, labels={}, contexts={})
OLD = Rebuild(source_date_epoch=1, image_ids=("sha256:old", "sha256:old"))
NEW = Rebuild(source_date_epoch=1, image_ids=("sha256:new", "sha256:new"))


def image(image_id: str = "sha256:a", rebuilt: Rebuild | None = None) -> Measured:
    return Measured(image_id=image_id, size_bytes=1, layer_count=1, rebuild=rebuilt)


def recorded(**variants: Measured) -> Results:
    return Results(
        lab=LAB.name, title="t", inputs_sha256="0", measured_at="x", engine={}, bases=(), variants=variants, claims=()
    )


@pytest.fixture
def rebuilds(monkeypatch) -> list[str]:
    """The tag of each rebuilt request, in order; every rebuild records NEW."""
    seen: list[str] = []

    def fake(request, own, *, what, echo, **_):
        seen.append(request.tag)
        return NEW

    monkeypatch.setattr(rebuild, "rebuild", fake)
    return seen


def test_after_and_every_variant_a_reproducible_claim_names_are_rebuilt_and_no_other():
    assert LAB.rebuilt() == ("after", "pinned")


def test_the_same_image_recorded_with_its_rebuilds_keeps_them(rebuilds):
    previous = recorded(after=image(rebuilt=OLD))
    kept = rebuild_of(LAB, LAB.variant("after"), image(), REQUEST, previous, what="w", echo=print)
    assert (kept.rebuild, rebuilds) == (OLD, [])


@pytest.mark.parametrize(
    "previous",
    [None, recorded(after=image("sha256:other", OLD)), recorded(after=image())],
    ids=["nothing recorded", "another image", "recorded without rebuilds"],
)
def test_a_new_image_or_one_recorded_without_rebuilds_is_rebuilt(rebuilds, previous):
    found = rebuild_of(LAB, LAB.variant("after"), image(), REQUEST, previous, what="w", echo=print)
    assert (found.rebuild, rebuilds) == (NEW, [TAG])


def built(image_id: str, rebuilt: Rebuild | None = None, *, top: int = 400) -> Measured:
    """An image of two steps, the second writing ``top`` bytes."""
    steps = (Layer(size_bytes=600, created_by="ADD rootfs.tar /"), Layer(size_bytes=top, created_by="COPY app ."))
    return Measured(image_id=image_id, size_bytes=600 + top, layer_count=2, layers=steps, rebuild=rebuilt)


def test_a_rebuild_of_the_same_recipe_keeps_the_recorded_rebuild_only_when_allowed(rebuilds):
    previous = recorded(after=built("sha256:old", OLD))
    again = built("sha256:new")
    lines: list[str] = []
    kept = rebuild_of(LAB, LAB.variant("after"), again, REQUEST, previous, what="w", echo=lines.append, rebuilt=True)
    assert (kept.rebuild, rebuilds) == (OLD, [])
    assert any("keeping the rebuild recorded" in line for line in lines)
    other = built("sha256:new", top=420)  # beyond 1 %: another build
    assert (
        rebuild_of(LAB, LAB.variant("after"), other, REQUEST, previous, what="w", echo=print, rebuilt=True).rebuild
        == NEW
    )
    assert rebuild_of(LAB, LAB.variant("after"), again, REQUEST, previous, what="w", echo=print).rebuild == NEW
    assert len(rebuilds) == 2


def test_the_variants_a_claim_kind_reads_are_named_once_per_lab():
    assert LAB.read_by(lambda kind: kind.reads(Facet.REBUILD)) == {"pinned"}
    assert LAB.read_by(lambda kind: kind.reads(Facet.FLOOR)) == frozenset()
    assert LAB.read_by(lambda kind: kind.kind == "size_ratio") == {"after", "before"}


def test_results_that_lack_a_rebuild_of_a_rebuilt_variant_are_stale_and_others_are_not():
    assert stale.lacks_rebuild(LAB, recorded(after=image(rebuilt=OLD), pinned=image()))
    assert not stale.lacks_rebuild(LAB, recorded(before=image(), after=image(rebuilt=OLD), pinned=image(rebuilt=OLD)))


def test_a_variant_a_reproducible_claim_reads_is_rebuilt_even_for_the_same_recipe(rebuilds):
    previous = recorded(pinned=built("sha256:old", OLD))
    again = built("sha256:new")
    found = rebuild_of(LAB, LAB.variant("pinned"), again, REQUEST, previous, what="w", echo=print, rebuilt=True)
    assert (found.rebuild, rebuilds) == (NEW, [TAG])
