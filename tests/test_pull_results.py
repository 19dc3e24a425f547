"""Compressed sizes and pull times in results.json, in the terminal table, and the claims verify leaves unjudged
without them (when recorded figures are measured again or kept: test_plan_stale.py, test_plan_keep.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from checks.inspect.redaction import scrubbed
from checks.learner import report
from checks.measure.pulls import unjudged
from checks.model.claims.pulls import PullSpeedup
from checks.model.claims.sizes import SizeRatio
from checks.model.compression import MATRIX
from checks.model.measured import Compressed, Measured
from checks.model.pulls import PullSettings
from checks.model.results import Results
from checks.model.resultsjson import dumps, from_dict, to_dict
from checks.model.spec import Claim, Lab, Variant
from checks.plan.pulls import unmeasured
from checks.store.results import read, write_if_changed


def measured(size: int, compressed: int | None = None, runs: tuple[float, ...] = ()) -> Measured:
    """A variant; one with a compressed size has its compression matrix too, as a push records it."""
    return Measured(
        image_id=f"sha256:{size:x}",
        size_bytes=size,
        layer_count=1,
        compressed_size_bytes=compressed,
        pull_runs=runs,
        compressions=()
        if compressed is None
        else tuple(
            Compressed(
                compression=c.key,
                compressed_size_bytes=compressed * (10 - n) // 10,
                pull_seconds=runs[0] if runs else None,
            )
            for n, c in enumerate(MATRIX)
        ),
    )


def results(**variants: Measured) -> Results:
    return Results(
        lab="lab-9-demo",
        title="A demo lab",
        inputs_sha256="ab" * 32,
        measured_at="2026-01-02T03:04:05+00:00",
        engine={"engine": "26.1.5"},
        bases=(),
        variants=variants
        or {
            "before": measured(1_059_801_865, 388_347_277, (23.77, 17.553, 15.925)),
            "after": measured(57_272_288, 22_304_023, (1.968, 1.241, 1.194)),
        },
        claims=(),
    )


# results.json


def test_each_variant_records_its_compressed_size_median_pull_and_every_run():
    variant = to_dict(results())["variants"]["before"]
    assert variant["compressed_size_bytes"] == 388_347_277
    assert variant["pull_seconds"] == 17.553
    assert variant["pull_runs"] == [23.77, 17.553, 15.925]


def test_figures_not_measured_are_left_out_rather_than_written_as_null():
    variants = to_dict(results(before=measured(900), after=measured(6, 2)))["variants"]
    assert not {"compressed_size_bytes", "pull_seconds", "pull_runs"} & set(variants["before"])
    assert variants["after"]["compressed_size_bytes"] == 2
    assert not {"pull_seconds", "pull_runs"} & set(variants["after"])


def test_the_figures_round_trip_through_json_text():
    assert from_dict(json.loads(dumps(results()))) == results()


def test_results_recorded_before_pulls_were_measured_still_read(tmp_path: Path):
    data = to_dict(results(before=measured(900), after=measured(6)))
    (tmp_path / "results.json").write_text(json.dumps(data))
    back = read(tmp_path / "results.json")
    assert back is not None
    assert back.variants["after"].compressed_size_bytes is None
    assert back.variants["after"].pull_runs == ()


def test_new_pull_times_are_a_new_measurement_so_the_file_is_rewritten(tmp_path: Path):
    path = tmp_path / "results.json"
    write_if_changed(path, results(), scrub=scrubbed)
    slower = results(
        before=measured(1_059_801_865, 388_347_277, (25.0, 18.0, 16.0)),
        after=measured(57_272_288, 22_304_023, (1.968, 1.241, 1.194)),
    )
    assert write_if_changed(path, slower, scrub=scrubbed)
    assert json.loads(path.read_text())["variants"]["before"]["pull_seconds"] == 18.0


# the terminal table


def test_the_table_shows_compressed_size_and_pull_time_beside_the_size():
    table = report.variants_table(results())
    assert table[0].split() == ["variant", "size", "compressed", "pull", "layers", "vs", "before", "smoke"]
    assert table[1].split()[:6] == ["before", "1.06", "GB", "388.3", "MB", "17.55"]


def test_the_table_has_no_pull_columns_when_nothing_was_pushed():
    table = report.variants_table(results(before=measured(900), after=measured(6)))
    assert "compressed" not in table[0]
    assert "pull" not in table[0]


def test_the_table_marks_a_variant_without_figures_with_a_dash():
    table = report.variants_table(results(before=measured(900_000_000, 300_000_000, (3.0,)), after=measured(6_000_000)))
    assert table[2].split()[:5] == ["after", "6.0", "MB", "-", "-"]


# verify: which claims to leave unjudged


@dataclass
class Bench:
    """Stands in for a PullBench: only what verify's helpers read."""

    setting: PullSettings
    reason: str = "pull times are not measured (no root)"

    def unmeasured(self, lab: Lab) -> tuple[str, ...]:
        return unmeasured(((c.id, c.check) for c in lab.claims), self.setting)

    def why_not(self) -> str:
        return self.reason


LAB = Lab(
    name="lab-9-demo",
    title="t",
    page="p",
    variants=(
        Variant(name="before", dockerfile="before.Dockerfile"),
        Variant(name="after", dockerfile="after.Dockerfile"),
    ),
    claims=(
        Claim(id="L9.1", text="smaller", check=SizeRatio(variant="after", of="before", max=0.1)),
        Claim(id="L9.2", text="faster", check=PullSpeedup(variant="after", of="before", min=2)),
    ),
)


def test_a_run_without_pull_times_leaves_pull_claims_unjudged_and_says_why():
    assert unjudged(LAB, Bench(PullSettings(pulls=False))) == (("L9.2",), "pull times are not measured (no root)")  # type: ignore[arg-type]


def test_a_run_that_measures_everything_judges_every_claim():
    assert unjudged(LAB, Bench(PullSettings()))[0] == ()  # type: ignore[arg-type]


def test_a_run_without_a_bench_leaves_every_registry_claim_unjudged():
    left_out, why = unjudged(LAB, None)
    assert left_out == ("L9.2",)
    assert "no compressed sizes or pull times" in why


def test_replacing_figures_keeps_every_other_measurement():
    before = measured(900)
    after = replace(before, compressed_size_bytes=300, pull_runs=(1.0,))
    assert (after.image_id, after.size_bytes, after.layer_count) == (
        before.image_id,
        before.size_bytes,
        before.layer_count,
    )


def test_pulls_over_a_link_are_recorded_by_rate_with_their_median():
    after = replace(measured(6_000_000, 2_000_000, (0.2,)), link_pull_runs={"100": (0.5, 0.4, 0.6)})
    data = to_dict(results(before=measured(900_000_000, 300_000_000, (15.0,)), after=after))
    assert data["variants"]["after"]["link_pulls"] == {"100": {"pull_seconds": 0.5, "pull_runs": [0.5, 0.4, 0.6]}}
    assert "link_pulls" not in data["variants"]["before"]
    assert from_dict(data).variants["after"] == after
