"""Which image stores a lab is measured on again, and which claims each store judges (no Docker)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from test_results import sample, stores_of

from checks.model.claims import KINDS
from checks.model.spec import Lab, Variant, load
from checks.plan.stores import OTHER_STORE_VARIANTS, judged_on_every_store, judged_on_other_stores, to_measure

LAB = Lab(
    name="lab-9-demo",
    title="A demo lab",
    page="demo",
    variants=(Variant(name="before", dockerfile="before.Dockerfile"), Variant(name="after", dockerfile="a")),
    claims=(),
    stores=("classic", "containerd"),
)


def test_claims_about_contents_size_and_behaviour_are_judged_on_every_store_and_those_of_one_engine_are_not():
    every = {name for name, kind in KINDS.items() if judged_on_every_store(kind)}
    one = {"max_floor_ratio", "reproducible", "pull_speedup", "max_compressed_size", "update_bytes_ratio"}
    assert {"size_ratio", "max_size", "path_absent", "path_present", "same_smoke_output", "non_root"} <= every
    assert one <= set(KINDS) - every


def test_a_lab_with_no_record_on_its_stores_is_measured_on_both():
    assert to_measure(LAB, sample(), "classic") == ("classic", "containerd")


def test_recorded_runs_stand_while_the_main_run_has_the_same_inputs_bases_and_images():
    results = sample()
    assert to_measure(LAB, dataclasses.replace(results, stores=stores_of(results)), "classic") == ()


def test_new_main_images_make_only_the_main_store_s_figures_stale():
    results = dataclasses.replace(sample(), stores=stores_of(sample()))
    variants = {**results.variants, "after": dataclasses.replace(results.variants["after"], image_id="sha256:new")}
    assert to_measure(LAB, dataclasses.replace(results, variants=variants), "classic") == ("classic",)


@pytest.mark.parametrize(
    "change",
    [
        {"inputs_sha256": "cd" * 32},
        {"bases": (dataclasses.replace(sample().bases[0], image_id="sha256:other"),)},
    ],
)
def test_other_inputs_or_bases_make_every_store_stale(change):
    results = dataclasses.replace(sample(), stores=stores_of(sample()))
    assert to_measure(LAB, dataclasses.replace(results, **change), "classic") == ("classic", "containerd")


def test_the_main_engine_s_store_is_whichever_it_keeps_its_images_in():
    results = sample()
    # a main engine on the containerd store: its run has the main images' figures, the classic one is the other
    runs = stores_of(results)
    runs["containerd"] = dataclasses.replace(runs["containerd"], variants=runs["classic"].variants)
    runs["classic"] = dataclasses.replace(
        runs["classic"],
        variants={n: dataclasses.replace(f, image_id="sha256:x" + n) for n, f in runs["classic"].variants.items()},
    )
    assert to_measure(LAB, dataclasses.replace(results, stores=runs), "containerd") == ()


def test_another_store_judges_only_the_claims_that_read_the_variants_built_there():
    lab = load(Path(__file__).resolve().parent.parent / "labs" / "lab-4-go-multistage")
    judged = {claim.id for claim in lab.claims if judged_on_other_stores(claim.check)}
    assert all(set(c.check.variants()) <= set(OTHER_STORE_VARIANTS) for c in lab.claims if c.id in judged)
    assert {"L4.1", "L4.2", "L4.4"} <= judged
    assert "L4.3" not in judged  # six variants' answers: four of them are not built there
    assert "L4.10" not in judged  # the runtime floor is traced on the main engine only
