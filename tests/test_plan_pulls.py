"""checks.plan.pulls: what a run pulls and compresses, as the claims ask, and which claims it leaves unjudged."""

from __future__ import annotations

import pytest

from checks.model.claims.pulls import MaxCompressedSize, PullSpeedup
from checks.model.claims.recompression import CompressionRatio
from checks.model.claims.sizes import MaxSize
from checks.model.pulls import PullSettings
from checks.plan.pulls import cold_pulled, link_plan, matrix_plan, pull_order, run_plan, unmeasured

# which claims a run can judge

CLAIMS = [
    ("L9.1", MaxSize(variant="after", max_mb=5)),
    ("L9.2", MaxCompressedSize(variant="after", max_mb=5)),
    ("L9.3", PullSpeedup(variant="after", of="before", min=2)),
]


@pytest.mark.parametrize(
    ("setting", "left_out"),
    [
        (PullSettings(), ()),
        (PullSettings(pulls=False), ("L9.3",)),
        (PullSettings(sizes=False, pulls=False), ("L9.2", "L9.3")),
    ],
)
def test_claims_on_figures_a_run_does_not_measure_are_left_unjudged(setting, left_out):
    assert unmeasured(CLAIMS, setting) == left_out


# cold pulls over loopback


def test_the_variants_a_pull_claim_judges_get_every_run_the_ends_one_and_the_others_none():
    kinds = [PullSpeedup(variant="slim", of="before", min=2.0), MaxCompressedSize(variant="other", max_mb=10)]
    plan = run_plan(["before", "slim", "after", "other"], kinds, 3)
    assert plan == {"before": 3, "slim": 3, "after": 1, "other": 0}
    assert [variant for _, variant in pull_order(plan)] == [
        "before",
        "slim",
        "after",
        "before",
        "slim",
        "before",
        "slim",
    ]


def test_a_variant_is_pulled_cold_when_the_plan_says_or_a_sequence_of_pulls_starts_with_it():
    plan = {"before": 1, "after": 1, "link": 0, "other-app": 0, "other-base": 0}
    assert cold_pulled(plan, ["link"], [("after", "other-base")]) == {"before", "after", "link"}


def test_pulls_over_a_throttled_link_do_not_earn_loopback_runs():
    kinds = [PullSpeedup(variant="after", of="before", min=2.0, link_mbit=100)]
    assert run_plan(["before", "after"], kinds, 3) == {"before": 1, "after": 1}


# throttled links


def test_the_link_plan_lists_per_rate_the_variants_its_claims_compare():
    kinds = [
        PullSpeedup(variant="after", of="before", min=2),
        PullSpeedup(variant="after", of="before", min=5, link_mbit=100),
        PullSpeedup(variant="slim", of="before", min=3, link_mbit=100),
        PullSpeedup(variant="after", of="slim", min=1, link_mbit=10),
        MaxCompressedSize(variant="after", max_mb=30),
    ]
    assert link_plan(kinds) == {10.0: ("after", "slim"), 100.0: ("after", "before", "slim")}


def test_claims_without_a_link_plan_no_throttled_pulls():
    assert link_plan([PullSpeedup(variant="after", of="before", min=2), MaxSize(variant="after", max_mb=1)]) == {}


# the compression matrix


def test_the_matrix_covers_the_charted_ends_and_what_compression_claims_read_in_lab_order():
    claims = [CompressionRatio(variant="slim", compression="zstd-3", max=0.9), PullSpeedup(variant="x", of="y", min=2)]
    variants = ["before", "slim", "middle", "after"]
    assert matrix_plan(variants, claims, ("before", "after")) == ("before", "slim", "after")
    assert matrix_plan(variants, [], ("before", "after")) == ("before", "after")


# pull order


def test_pulls_go_round_every_variant_once_per_run():
    assert pull_order({"before": 3, "after": 3}) == [
        (0, "before"),
        (0, "after"),
        (1, "before"),
        (1, "after"),
        (2, "before"),
        (2, "after"),
    ]


def test_a_variant_pulled_fewer_times_drops_out_of_the_later_rounds():
    assert pull_order({"before": 2, "chart": 1, "after": 2}) == [
        (0, "before"),
        (0, "chart"),
        (0, "after"),
        (1, "before"),
        (1, "after"),
    ]
    assert pull_order({}) == []
