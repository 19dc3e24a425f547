"""Which recorded figures of a variant still stand for the image built now (checks.plan.keep): plain values."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
import test_compression as cm
import test_pull_results as pr

from checks.model.claims.floor import MaxFloorRatio
from checks.model.claims.pulls import PullSpeedup
from checks.model.claims.rebuild import Reproducible
from checks.model.claims.recompression import CompressionRatio
from checks.model.claims.sizes import SizeRatio
from checks.model.compression import MATRIX
from checks.model.measured import Compressed, Layer, Measured, Rebuild, SmokeRun
from checks.model.pulls import PullSettings
from checks.model.results import Results
from checks.model.spec import Claim, Lab, Variant
from checks.plan import keep

#: A layer large enough that the slack's cap (64 KiB) is less than its 1 %.
BIG = 10_000_000
HI = SmokeRun(exit_code=0, stdout="hi", passed=True)
STEPS = ("RUN apt-get install -y curl", "COPY app .")
REBUILD = Rebuild(source_date_epoch=1, image_ids=("sha256:old", "sha256:old"))


def rows(*, timed: bool = True) -> tuple[Compressed, ...]:
    """A complete compression matrix, each row with a pull time when ``timed``."""
    return tuple(
        Compressed(compression=c.key, compressed_size_bytes=400, pull_seconds=2.0 if timed else None) for c in MATRIX
    )


def image(image_id: str = "sha256:old", *, big: int = BIG, small: int = 700, steps=STEPS, **figures) -> Measured:
    """An image of two steps: a large layer and a small one."""
    layers = (Layer(size_bytes=big, created_by=steps[0]), Layer(size_bytes=small, created_by=steps[1]))
    return Measured(image_id=image_id, size_bytes=big + small, layer_count=2, layers=layers, **{"smoke": HI, **figures})


#: Each facet: the image recorded with that facet complete, and the facet's keep rule (old, new, rebuilt).
FACETS: dict[str, tuple[Measured, Callable[[Measured | None, Measured, bool], object]]] = {
    "runtime floor": (
        image(runtime_files=3, runtime_bytes=900),
        lambda old, new, rebuilt: keep.recorded_floor(old, new, rebuilt=rebuilt),
    ),
    "rebuild": (
        image(rebuild=REBUILD),
        lambda old, new, rebuilt: keep.recorded_rebuild(old, new, rebuilt=rebuilt),
    ),
    "compression matrix": (
        image(compressions=rows()),
        lambda old, new, rebuilt: keep.recorded_matrix(old, new, timed=True, rebuilt=rebuilt),
    ),
    "compressed size and pulls": (
        image(compressed_size_bytes=400, pull_runs=(2.0,), compressions=rows()),
        lambda old, new, rebuilt: keep.recorded_pulls(old, new, pulls=1, charted=True, timed=True, rebuilt=rebuilt),
    ),
}

#: The recorded recipe built again into another image: whether it counts as the same recipe (LAYER_SLACK).
AGAIN = {
    "the same layer sizes": (image("sha256:new"), True),
    "a small layer 1 % larger": (image("sha256:new", small=707), True),
    "a small layer just over 1 % larger": (image("sha256:new", small=708), False),
    "a small layer 1 % smaller": (image("sha256:new", small=693), True),
    "a large layer 64 KiB larger": (image("sha256:new", big=BIG + 64 * 1024), True),
    "a large layer 64 KiB and a byte larger": (image("sha256:new", big=BIG + 64 * 1024 + 1), False),
    "another step": (image("sha256:new", steps=(STEPS[0], "COPY other .")), False),
    "a step more": (
        dataclasses.replace(image("sha256:new"), layers=(*image().layers, Layer(size_bytes=0, created_by="CMD x"))),
        False,
    ),
}


def kept(facet: str, new: Measured, *, rebuilt: bool) -> bool:
    old, rule = FACETS[facet]
    return rule(old, new, rebuilt) is not None


@pytest.mark.parametrize("facet", FACETS)
def test_a_facet_recorded_for_the_same_image_stands_whether_or_not_the_recipe_may(facet):
    assert kept(facet, image(), rebuilt=False)
    assert kept(facet, image(), rebuilt=True)


@pytest.mark.parametrize("facet", FACETS)
@pytest.mark.parametrize("again", AGAIN)
def test_a_facet_stands_for_the_recipe_built_again_only_where_it_may_and_within_the_slack(facet, again):
    new, same_recipe = AGAIN[again]
    assert kept(facet, new, rebuilt=True) == same_recipe
    assert not kept(facet, new, rebuilt=False)


@pytest.mark.parametrize("facet", FACETS)
def test_nothing_recorded_is_measured(facet):
    assert FACETS[facet][1](None, image(), True) is None


def test_the_slack_is_one_percent_of_a_layer_and_at_most_64_kib():
    assert keep.stands(image(small=700), image("sha256:new", small=707), rebuilt=True)
    assert not keep.stands(image(small=700), image("sha256:new", small=708), rebuilt=True)
    assert keep.stands(image(), image("sha256:new", big=BIG - 64 * 1024), rebuilt=True)
    assert not keep.stands(image(), image("sha256:new", big=BIG - 64 * 1024 - 1), rebuilt=True)


def test_an_image_recorded_without_its_history_is_never_taken_for_a_rebuild():
    bare = Measured(image_id="sha256:old", size_bytes=1, layer_count=0)
    assert keep.stands(bare, bare, rebuilt=True)
    assert not keep.stands(bare, dataclasses.replace(bare, image_id="sha256:new"), rebuilt=True)


def test_a_floor_stands_only_when_one_was_traced_and_the_smoke_test_printed_the_same():
    old, _ = FACETS["runtime floor"]
    assert keep.recorded_floor(old, image(), rebuilt=False) is old
    printed_else = image(smoke=SmokeRun(exit_code=0, stdout="hello", passed=True))
    assert keep.recorded_floor(old, printed_else) is None
    assert keep.recorded_floor(image(), image()) is None  # no floor traced
    assert keep.recorded_floor(dataclasses.replace(old, smoke=None), image()) is None


def test_a_rebuild_stands_only_when_one_was_recorded():
    assert keep.recorded_rebuild(image(), image()) is None


def test_a_matrix_stands_only_when_complete_for_what_the_run_measures():
    assert keep.recorded_matrix(image(compressions=rows(timed=False)), image(), timed=True) is None
    assert keep.recorded_matrix(image(compressions=rows(timed=False)), image(), timed=False) == rows(timed=False)
    assert keep.recorded_matrix(image(compressions=rows()[:2]), image(), timed=False) is None


def test_pushes_and_pulls_stand_only_when_complete_for_what_the_run_measures():
    old, _ = FACETS["compressed size and pulls"]
    assert keep.recorded_pulls(old, image(), pulls=3, charted=True, timed=True) is None  # three pulls asked
    assert keep.recorded_pulls(old, image(), pulls=3, charted=True, timed=False) is old  # none timed
    unsized = dataclasses.replace(old, compressed_size_bytes=None)
    assert keep.recorded_pulls(unsized, image(), pulls=0, charted=False, timed=False) is None
    bare = dataclasses.replace(old, compressions=())
    assert keep.recorded_pulls(bare, image(), pulls=1, charted=True, timed=True) is None  # the matrix is asked
    assert keep.recorded_pulls(bare, image(), pulls=1, charted=False, timed=True) is bare


LAB = Lab(
    name="lab-9-demo",
    title="t",
    page="p",
    variants=tuple(Variant(name=n, dockerfile=f"{n}.Dockerfile") for n in ("before", "after", "slim")),
    claims=(
        Claim(id="L9.1", text="s", check=SizeRatio(variant="after", of="before", max=0.5)),
        Claim(id="L9.2", text="f", check=MaxFloorRatio(variant="after", max=2)),
        Claim(id="L9.3", text="r", check=Reproducible(variant="slim")),
        Claim(id="L9.4", text="z", check=CompressionRatio(variant="before", compression="zstd-3", max=0.9)),
    ),
)


@pytest.mark.parametrize(
    ("reads", "claimed"),
    [(keep.reads_floor, "after"), (keep.reads_rebuild, "slim"), (keep.reads_matrix, "before")],
    ids=["floor", "rebuild", "matrix"],
)
def test_a_recipe_may_stand_for_the_same_inputs_and_a_variant_no_claim_of_the_facet_reads(reads, claimed):
    for variant in ("before", "after", "slim"):
        assert keep.recipe_may_stand(LAB, variant, rebuilt=True, reads=reads) == (variant != claimed)
        assert not keep.recipe_may_stand(LAB, variant, rebuilt=False, reads=reads)


def recorded(digest: str = "d", **variants: Measured) -> Results:
    return Results(
        lab=LAB.name,
        title="t",
        inputs_sha256=digest,
        measured_at="x",
        engine={},
        bases=(),
        variants=variants,
        claims=(),
    )


def test_the_same_inputs_are_those_the_results_were_recorded_from():
    assert keep.same_inputs(recorded("d"), "d")
    assert not keep.same_inputs(recorded("d"), "e")
    assert not keep.same_inputs(None, "d")


#: An image pushed, pulled as often as a pull claim asks, and compressed every way.
PUSHED = image(compressed_size_bytes=400, pull_runs=(2.0, 2.0, 2.0), compressions=rows())


def pull_lab(*claims: Claim) -> Lab:
    return dataclasses.replace(LAB, variants=LAB.variants[:2], claims=claims)


def test_a_variant_a_pull_claim_reads_is_pushed_again_even_when_its_image_is_the_one_recorded():
    lab = pull_lab(Claim(id="L9.1", text="p", check=PullSpeedup(variant="after", of="before", min=2)))
    now = {"before": image(), "after": image()}
    previous = recorded(before=PUSHED, after=PUSHED)
    assert keep.kept_pushes(lab, now, PullSettings(), previous, rebuilt=True) == {}
    assert keep.kept_pushes(pull_lab(), now, PullSettings(), previous, rebuilt=False) == {
        "before": PUSHED,
        "after": PUSHED,
    }
    assert keep.kept_pushes(pull_lab(), now, PullSettings(), None, rebuilt=False) == {}


def test_a_rebuilt_variant_no_claim_pushes_keeps_its_pushes_for_the_same_recipe_only_with_the_same_inputs():
    again = {"before": image("sha256:new"), "after": image("sha256:new", small=800)}
    previous = recorded(before=PUSHED, after=PUSHED)
    assert list(keep.kept_pushes(pull_lab(), again, PullSettings(), previous, rebuilt=True)) == ["before"]
    assert keep.kept_pushes(pull_lab(), again, PullSettings(), previous, rebuilt=False) == {}


def test_the_matrix_of_a_variant_a_compression_claim_reads_is_kept_only_for_the_same_image():
    lab = pull_lab(Claim(id="L9.4", text="z", check=CompressionRatio(variant="before", compression="zstd-3", max=0.9)))
    previous = recorded(before=PUSHED, after=PUSHED)
    again = {"before": image("sha256:new"), "after": image("sha256:new")}
    assert keep.kept_matrices(lab, again, PullSettings(), previous, rebuilt=True, kept=()) == {
        "before": None,
        "after": rows(),
    }
    same = {"before": image(), "after": image()}
    assert keep.kept_matrices(lab, same, PullSettings(), previous, rebuilt=True, kept=()) == {
        "before": rows(),
        "after": rows(),
    }
    assert keep.kept_matrices(lab, same, PullSettings(), previous, rebuilt=True, kept=("after",)) == {"before": rows()}


def test_a_run_that_measures_no_pulls_keeps_the_recorded_figures_of_the_same_image_only():
    previous = recorded(before=PUSHED, after=PUSHED)
    now = {"before": image(), "after": image("sha256:new")}  # after: the same recipe, another image
    kept = keep.kept_pull_figures(now, previous, None)
    assert (kept["before"].compressed_size_bytes, kept["before"].pull_runs) == (400, PUSHED.pull_runs)
    assert (kept["after"].compressed_size_bytes, kept["after"].pull_runs) == (None, ())


def test_a_run_that_measures_sizes_but_no_pulls_keeps_only_the_recorded_pulls():
    previous = recorded(before=PUSHED)
    sized = {"before": image(compressed_size_bytes=410)}
    kept = keep.kept_pull_figures(sized, previous, PullSettings(pulls=False))["before"]
    assert (kept.compressed_size_bytes, kept.pull_runs) == (410, PUSHED.pull_runs)
    assert keep.kept_pull_figures(sized, previous, PullSettings()) == sized


def test_recorded_figures_take_the_sizes_and_the_pulls_apart():
    old = image(compressed_size_bytes=400, new_compressed_bytes=9, pull_runs=(2.0,), link_pull_runs={"100": (3.0,)})
    sizes = keep.recorded_figures(image(), old, times=False)
    assert (sizes.compressed_size_bytes, sizes.new_compressed_bytes, sizes.pull_runs) == (400, 9, ())
    times = keep.recorded_figures(image(), old, sizes=False)
    assert (times.compressed_size_bytes, times.pull_runs, times.link_pull_runs) == (None, (2.0,), {"100": (3.0,)})


# compressed sizes, pulls and matrices a run keeps from the recorded results (pr, cm: their files' sample values)


def test_a_run_without_pulls_keeps_the_recorded_figures_of_images_that_did_not_change():
    old = pr.results()
    rebuilt = {"before": pr.measured(1_059_801_865), "after": pr.measured(57_000_000)}  # after's image changed
    kept = keep.kept_pull_figures(rebuilt, old, None)
    assert kept["before"] == old.variants["before"]
    assert (kept["after"].compressed_size_bytes, kept["after"].pull_runs) == (None, ())


def test_a_run_without_pulls_keeps_the_recorded_compressed_new_bytes_of_an_unchanged_image():
    old = pr.results()
    recorded = dataclasses.replace(old.variants["before"], new_compressed_bytes=1_000_000)
    old = dataclasses.replace(old, variants={**old.variants, "before": recorded})
    kept = keep.kept_pull_figures({"before": pr.measured(1_059_801_865)}, old, None)
    assert kept["before"].new_compressed_bytes == 1_000_000


def test_a_run_that_measures_sizes_but_no_pulls_keeps_only_the_recorded_pull_times():
    rebuilt = {"before": pr.measured(1_059_801_865, 388_000_000), "after": pr.measured(57_272_288, 22_000_000)}
    kept = keep.kept_pull_figures(rebuilt, pr.results(), PullSettings(pulls=False))
    assert kept["before"].compressed_size_bytes == 388_000_000
    assert kept["before"].pull_runs == (23.77, 17.553, 15.925)


def test_a_run_that_measures_everything_keeps_nothing_recorded():
    rebuilt = {"before": pr.measured(1_059_801_865, 1, (9.0,))}
    assert keep.kept_pull_figures(rebuilt, pr.results(), PullSettings())["before"].pull_runs == (9.0,)


def test_the_recorded_matrix_is_reused_only_for_the_same_image_and_when_complete():
    old = cm.measured("sha256:aa", cm.matrix(400))
    assert keep.recorded_matrix(old, cm.measured("sha256:aa"), timed=True) == old.compressions
    assert keep.recorded_matrix(old, cm.measured("sha256:bb"), timed=True) is None
    assert (
        keep.recorded_matrix(
            cm.measured("sha256:aa", cm.matrix(400, timed=False)), cm.measured("sha256:aa"), timed=True
        )
        is None
    )
    assert keep.recorded_matrix(None, cm.measured("sha256:aa"), timed=False) is None


def test_a_rebuild_of_the_same_recipe_keeps_the_matrix_only_when_allowed_and_every_layer_matches():
    old = cm.built("sha256:aa", 700, 300, compressions=cm.matrix(400))
    again = cm.built("sha256:bb", 700, 300)
    assert keep.recorded_matrix(old, again, timed=True, rebuilt=True) == old.compressions
    assert keep.recorded_matrix(old, again, timed=True) is None  # a claim reads it, or the inputs changed
    assert keep.recorded_matrix(old, cm.built("sha256:bb", 700, 310), timed=True, rebuilt=True) is None
    assert keep.recorded_matrix(old, cm.built("sha256:bb", 1000), timed=True, rebuilt=True) is None
    other_step = dataclasses.replace(again, layers=(again.layers[0], Layer(size_bytes=300, created_by="RUN other")))
    assert keep.recorded_matrix(old, other_step, timed=True, rebuilt=True) is None
    # an image recorded without its history is never taken for a rebuild of anything
    assert (
        keep.recorded_matrix(
            cm.measured("sha256:aa", cm.matrix(400)), cm.measured("sha256:bb"), timed=True, rebuilt=True
        )
        is None
    )


def test_recorded_pulls_stand_only_when_complete_for_what_the_run_measures():
    old = cm.built("sha256:a1", 70, compressions=cm.matrix(40))
    again = cm.built("sha256:a2", 70)
    assert keep.recorded_pulls(old, again, pulls=1, charted=True, timed=True, rebuilt=True) is old
    assert keep.recorded_pulls(old, again, pulls=1, charted=True, timed=True) is None  # not the same recipe
    assert keep.recorded_pulls(old, old, pulls=1, charted=True, timed=True) is old  # the same image
    assert keep.recorded_pulls(old, again, pulls=3, charted=True, timed=True, rebuilt=True) is None
    assert keep.recorded_pulls(old, again, pulls=3, charted=True, timed=False, rebuilt=True) is old
    bare = dataclasses.replace(old, compressions=())
    assert keep.recorded_pulls(bare, again, pulls=1, charted=True, timed=True, rebuilt=True) is None
    assert keep.recorded_pulls(bare, again, pulls=0, charted=False, timed=True, rebuilt=True) is bare
    unsized = dataclasses.replace(old, compressed_size_bytes=None)
    assert keep.recorded_pulls(unsized, again, pulls=0, charted=False, timed=False, rebuilt=True) is None
    assert keep.recorded_pulls(None, again, pulls=0, charted=False, timed=False, rebuilt=True) is None


def test_a_run_without_registry_keeps_the_recorded_matrix_of_an_unchanged_image():
    old = cm.results(before=cm.measured("sha256:aa", cm.matrix(400)), after=cm.measured("sha256:cc", cm.matrix(40)))
    now = {"before": cm.measured("sha256:aa"), "after": cm.measured("sha256:dd")}
    kept = keep.kept_pull_figures(now, old, PullSettings(sizes=False, pulls=False))
    assert kept["before"].compressions == old.variants["before"].compressions
    assert kept["after"].compressions == ()
