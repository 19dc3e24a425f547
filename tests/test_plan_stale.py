"""Whether a lab's recorded results stand, and which claims a run leaves unjudged (checks.plan.stale)."""

from __future__ import annotations

import dataclasses

import pytest
import test_compression as cm
import test_pull_results as pr

from checks.model.claims.floor import MaxFloorRatio
from checks.model.claims.pulls import MaxCompressedSize, PullSpeedup
from checks.model.claims.rebuild import Reproducible
from checks.model.claims.recompression import CompressionRatio
from checks.model.claims.sizes import SizeRatio
from checks.model.filetree import Node
from checks.model.measured import Measured, Rebuild
from checks.model.pulls import PullSettings
from checks.model.results import AnalysisSummary, BaseUse, Results
from checks.model.settings import Settings
from checks.model.spec import Claim, Lab, Variant
from checks.plan import stale

TREE = Node(name="", size_bytes=1)
LAB = Lab(
    name="lab-9-demo",
    title="t",
    page="p",
    variants=tuple(Variant(name=n, dockerfile=f"{n}.Dockerfile") for n in ("before", "after")),
    claims=(
        Claim(id="L9.1", text="s", check=SizeRatio(variant="after", of="before", max=0.5)),
        Claim(id="L9.2", text="f", check=MaxFloorRatio(variant="after", max=2)),
        Claim(id="L9.3", text="r", check=Reproducible(variant="after")),
    ),
)
REBUILD = Rebuild(source_date_epoch=1, image_ids=("sha256:a", "sha256:a"))
BASES = {"a": "sha256:1", "b": "sha256:2"}


def use(name: str, image_id: str) -> BaseUse:
    return BaseUse(name=name, source="official", image=name, image_id=image_id)


def recorded(digest: str = "d", **variants: Measured) -> Results:
    variants = variants or {
        "before": Measured(image_id="sha256:before", size_bytes=1, layer_count=1),
        "after": Measured(image_id="sha256:after", size_bytes=1, layer_count=1, rebuild=REBUILD),
    }
    return Results(
        lab=LAB.name,
        title="t",
        inputs_sha256=digest,
        measured_at="x",
        engine={},
        bases=tuple(use(name, image) for name, image in BASES.items()),
        variants=variants,
        claims=(),
        analysis={n: AnalysisSummary(wasted_bytes=0, efficiency=1.0, classes={}, tree=TREE) for n in variants},
    )


def test_results_recorded_from_these_inputs_and_bases_stand():
    assert stale.inputs_stand(LAB, recorded(), "d", BASES)


def test_other_inputs_another_base_or_other_variants_make_results_stale():
    assert not stale.inputs_stand(LAB, recorded(), "e", BASES)
    assert not stale.inputs_stand(LAB, None, "d", BASES)
    assert not stale.inputs_stand(LAB, recorded(), "d", {**BASES, "b": "sha256:moved"})
    assert not stale.inputs_stand(LAB, recorded(), "d", {"a": "sha256:1"})  # b is not there
    one = recorded(before=Measured(image_id="sha256:before", size_bytes=1, layer_count=1))
    assert not stale.inputs_stand(LAB, one, "d", BASES)


def test_results_recorded_before_images_were_analyzed_are_stale():
    assert not stale.inputs_stand(LAB, dataclasses.replace(recorded(), analysis={}), "d", BASES)


def test_results_whose_before_or_after_has_no_file_tree_are_stale():
    # recorded before the explorer was: the page's explorer shows before's and after's trees
    without = {**recorded().analysis, "after": AnalysisSummary(wasted_bytes=0, efficiency=1.0, classes={})}
    assert not stale.inputs_stand(LAB, dataclasses.replace(recorded(), analysis=without), "d", BASES)


def test_some_variants_compare_only_the_bases_they_name():
    assert stale.inputs_stand(LAB, recorded(), "d", {"a": "sha256:1"}, only={"before"})
    assert not stale.inputs_stand(LAB, recorded(), "d", {"a": "sha256:moved"}, only={"before"})


def test_the_images_to_find_under_their_tags_are_each_variant_s_recorded_one_in_the_lab_s_order():
    assert stale.tagged(LAB, recorded()) == {"before": "sha256:before", "after": "sha256:after"}
    assert stale.tagged(LAB, recorded(), only={"after"}) == {"after": "sha256:after"}


def test_results_that_lack_what_this_run_measures_are_stale():
    bare = recorded(
        before=Measured(image_id="sha256:before", size_bytes=1, layer_count=1),
        after=Measured(image_id="sha256:after", size_bytes=1, layer_count=1),
    )
    assert stale.recorded_stand(LAB, recorded(), "d", BASES, Settings(), None)
    assert not stale.recorded_stand(LAB, bare, "d", BASES, Settings(), None)  # after lacks its rebuild
    assert stale.recorded_stand(LAB, bare, "d", BASES, Settings(rebuild=False), None)
    assert not stale.recorded_stand(LAB, recorded(), "d", BASES, Settings(), PullSettings(pulls=False))  # no sizes
    assert not stale.recorded_stand(LAB, None, "d", BASES, Settings(), None)


def test_a_run_that_traces_no_floor_leaves_the_floor_claims_unjudged_and_says_why():
    assert stale.left_out(LAB, Settings(floor=False), ((), "")) == (("L9.2",), stale.FLOOR_OFF)
    assert stale.left_out(LAB, Settings(), ((), "")) == ((), "")


def test_the_reasons_a_run_leaves_claims_unjudged_are_joined_in_order():
    pulls = (("L9.9",), "pull times are not measured (no root)")
    left, why = stale.left_out(LAB, Settings(floor=False, rebuild=False), pulls)
    assert left == ("L9.9", "L9.2", "L9.3")
    assert why == f"pull times are not measured (no root); {stale.FLOOR_OFF}; {stale.REBUILD_OFF}"


def test_a_reason_for_no_claims_is_not_given():
    assert stale.left_out(LAB, Settings(floor=False), ((), "sizes measured")) == (("L9.2",), stale.FLOOR_OFF)
    sized = dataclasses.replace(
        LAB, claims=(Claim(id="L9.5", text="m", check=MaxCompressedSize(variant="after", max_mb=1)),)
    )
    assert stale.left_out(sized, Settings(floor=False, rebuild=False), ((), "")) == ((), "")


# compressed sizes, pull times and matrices that recorded results lack (pr, cm: their files' sample values)


OVER_A_LINK = [PullSpeedup(variant="after", of="before", min=2, link_mbit=100)]


def test_results_without_compressed_sizes_are_measured_again_once_sizes_are_measured():
    old = pr.results(before=pr.measured(900), after=pr.measured(6))
    assert stale.lacks_pull_figures(old, PullSettings(pulls=False))


def test_results_with_sizes_but_no_pull_times_are_measured_again_once_pulls_are_timed():
    old = pr.results(before=pr.measured(900, 300), after=pr.measured(6, 2))
    assert stale.lacks_pull_figures(old, PullSettings())
    assert not stale.lacks_pull_figures(old, PullSettings(pulls=False))


@pytest.mark.parametrize("setting", [PullSettings(), PullSettings(pulls=False), PullSettings(sizes=False, pulls=False)])
def test_results_holding_every_figure_are_never_measured_again_for_them(setting):
    assert not stale.lacks_pull_figures(pr.results(), setting)


def test_a_variant_between_before_and_after_needs_a_compressed_size_but_no_pull_time():
    middle = pr.measured(500, 200)
    assert not stale.lacks_pull_figures(pr.results(**pr.results().variants, middle=middle), PullSettings())
    assert stale.lacks_pull_figures(pr.results(**pr.results().variants, middle=pr.measured(500)), PullSettings())


def test_a_variant_a_pull_claim_judges_needs_its_pull_times_whatever_its_name():
    old = pr.results(**pr.results().variants, slim=pr.measured(500, 200))
    judged = [PullSpeedup(variant="slim", of="before", min=2)]
    assert stale.lacks_pull_figures(old, PullSettings(), judged)
    assert not stale.lacks_pull_figures(old, PullSettings(pulls=False), judged)


def test_without_a_bench_missing_figures_never_force_a_rebuild():
    assert not stale.lacks_pull_figures(pr.results(before=pr.measured(900), after=pr.measured(6)), None)


def test_results_without_the_pulls_over_a_link_a_claim_asks_for_are_measured_again():
    old = pr.results()
    assert stale.lacks_pull_figures(old, PullSettings(), OVER_A_LINK)
    assert not stale.lacks_pull_figures(old, PullSettings(pulls=False), OVER_A_LINK)


def test_results_holding_the_pulls_over_every_link_asked_for_are_kept():
    linked = {
        name: dataclasses.replace(m, link_pull_runs={"100": (30.0,)}) for name, m in pr.results().variants.items()
    }
    assert not stale.lacks_pull_figures(pr.results(**linked), PullSettings(), OVER_A_LINK)


def test_results_whose_ends_lack_the_matrix_are_measured_again_once_sizes_are():
    full = cm.results(before=cm.measured(compressions=cm.matrix(400)), after=cm.measured(compressions=cm.matrix(40)))
    assert not stale.lacks_pull_figures(full, PullSettings())
    bare = cm.results(before=cm.measured(), after=cm.measured(compressions=cm.matrix(40)))
    assert stale.lacks_pull_figures(bare, PullSettings())
    assert not stale.lacks_pull_figures(bare, PullSettings(sizes=False, pulls=False))


def test_a_variant_between_the_ends_needs_no_matrix_unless_a_compression_claim_reads_it():
    ends = {"before": cm.measured(compressions=cm.matrix(400)), "after": cm.measured(compressions=cm.matrix(40))}
    old = cm.results(**ends, slim=cm.measured())
    assert not stale.lacks_pull_figures(old, PullSettings())
    claim = [CompressionRatio(variant="slim", compression="zstd-3", max=0.9)]
    assert stale.lacks_pull_figures(old, PullSettings(), claim)
