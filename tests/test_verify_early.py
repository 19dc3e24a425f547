"""Variants measured early, beside other builds, and what a lab's turn then does with them (builds faked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.engine import rebuild, verify
from checks.model.claims import Reproducible, SizeRatio
from checks.model.errors import UsageError
from checks.model.measured import Measured, Rebuild
from checks.model.settings import Settings
from checks.model.spec import Claim, Lab, Variant

LAB = Lab(
    name="lab-9-demo",
    title="t",
    page="p",
    variants=tuple(Variant(name=n, dockerfile=f"{n}.Dockerfile") for n in ("before", "after")),
    claims=(
        Claim(id="L9.1", text="Small.", check=SizeRatio(variant="after", of="before", max=0.5)),
        Claim(id="L9.2", text="Same.", check=Reproducible(variant="after")),
    ),
)
NEW = Rebuild(source_date_epoch=1, image_ids=("sha256:new", "sha256:new"), rewrite_timestamp=False)


class FakeResolver:
    settings = Settings(floor=False)

    def contexts(self, uses):
        return {}

    def base_layers(self, name):
        return ()


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """The variant of each build and of each rebuild ("again <variant>"), in order; no Docker."""
    seen: list[str] = []

    def measure(lab, folder, variant, request, **_):
        seen.append(variant.name)
        return Measured(image_id=f"sha256:{variant.name}", size_bytes=1, layer_count=1)

    def again(request, own, *, what, echo):
        seen.append("again " + what.rsplit(" ", 1)[-1])
        return NEW

    monkeypatch.setattr(verify, "_measure", measure)
    monkeypatch.setattr(rebuild, "rebuild", again)
    monkeypatch.setattr(verify.docker, "containerd_store", lambda: False)
    return seen


def measure_all(folder: Path, **options) -> dict[str, Measured]:
    for variant in LAB.variants:
        (folder / variant.dockerfile).write_text("FROM scratch\nCOPY app /\n")
    return verify._measure_all(
        LAB, folder, folder, [], resolver=FakeResolver(), builder=None, echo=lambda line: None,
        previous=None, **options,
    )  # fmt: skip


def test_measuring_early_builds_every_variant_and_leaves_the_rebuilds_to_the_lab_s_turn(builds, tmp_path):
    measured = measure_all(tmp_path, variants_only=True)
    assert builds == ["before", "after"]
    assert all(m.rebuild is None for m in measured.values())


def test_a_turn_takes_the_variants_measured_early_and_builds_only_the_rest(builds, tmp_path):
    early = {"before": Measured(image_id="sha256:early", size_bytes=9, layer_count=1)}
    measured = measure_all(tmp_path, early=early)
    assert builds == ["after", "again after"]  # the rebuild runs in the turn, in order
    assert measured["before"] is early["before"]


def test_a_turn_raises_what_measuring_its_lab_early_raised():
    failure = UsageError("lab-9-demo/before.Dockerfile: the build failed at step 3")
    with pytest.raises(UsageError, match="the build failed at step 3"):
        verify.verify(Path("nowhere"), resolver=FakeResolver(), echo=print, early=failure)  # type: ignore[arg-type]


def test_a_lab_whose_spec_does_not_load_is_left_to_its_turn(tmp_path):
    (tmp_path / "lab.toml").write_text("[lab\n")
    assert verify.measure_early(tmp_path, resolver=FakeResolver(), echo=print) is None  # type: ignore[arg-type]
    assert verify._bases_of(tmp_path) == []
