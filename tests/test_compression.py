"""checks.model.compression, the compression_ratio claim and when verify measures the matrix again (the keep rules
themselves: test_plan_keep.py, test_plan_stale.py)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from checks.guide.compressionchart import cell_text, describe, matrix_images, total_bars, total_text, totals
from checks.guide.measuredfields import value
from checks.measure.pulls import push_early, with_pull_figures
from checks.model.claims.pulls import PullSpeedup
from checks.model.claims.recompression import CompressionRatio
from checks.model.compression import (
    KEYS,
    MATRIX,
    PUSHED,
    RECOMPRESSED,
    by_key,
    encoder_speed,
    unpack_seconds,
)
from checks.model.measured import Compressed, Facet, Layer, Measured
from checks.model.pulls import PullFigures, PullSettings, matrix_complete
from checks.model.results import Results
from checks.model.resultsjson import from_dict, to_dict
from checks.model.spec import Claim, Lab, Variant


def matrix(gzip: int, *others: int, timed: bool = True) -> tuple[Compressed, ...]:
    """A matrix row per compression: gzip's size, then each re-compression's."""
    sizes = (gzip, *others) if others else (gzip, gzip * 9 // 10, gzip * 8 // 10)
    return tuple(
        Compressed(
            compression=c.key,
            compressed_size_bytes=size,
            compress_seconds=None if c.pushed else 1.5,
            pull_seconds=2.0 if timed else None,
            unpack_seconds=1.0 if timed else None,
        )
        for c, size in zip(MATRIX, sizes, strict=True)
    )


def measured(image: str = "sha256:aa", compressions: tuple[Compressed, ...] = ()) -> Measured:
    return Measured(
        image_id=image,
        size_bytes=1000,
        layer_count=1,
        compressed_size_bytes=400,
        pull_runs=(2.0,),
        compressions=compressions,
    )


def results(**variants: Measured) -> Results:
    return Results(
        lab="lab-9-demo",
        title="A demo lab",
        inputs_sha256="ab" * 32,
        measured_at="2026-01-02T03:04:05+00:00",
        engine={},
        bases=(),
        variants=variants,
        claims=(),
    )


# the matrix


def test_the_matrix_is_the_engine_s_gzip_then_zstd_at_its_default_and_its_highest_level():
    assert KEYS == ("gzip", "zstd-3", "zstd-19")
    assert MATRIX[0] is PUSHED
    assert PUSHED.pushed
    assert all(not c.pushed for c in RECOMPRESSED)
    assert len(RECOMPRESSED) == len(MATRIX) - 1
    assert by_key("zstd-19") == MATRIX[2]


def test_an_unknown_compression_names_the_known_ones():
    with pytest.raises(ValueError, match="gzip, zstd-3, zstd-19"):
        by_key("brotli")


@pytest.mark.parametrize(
    ("level", "speed"),
    [(1, "fastest"), (2, "fastest"), (3, "default"), (5, "default"), (6, "better"), (9, "better"), (10, "best")],
)
def test_a_zstd_level_maps_onto_one_of_the_go_encoder_s_four_speeds(level, speed):
    assert encoder_speed(level) == speed


def test_every_level_from_10_up_is_the_encoder_s_best():
    assert {encoder_speed(level) for level in range(10, 23)} == {"best"}


# unpack time from a pull's progress messages


def test_layers_unpack_one_after_another_each_once_downloaded():
    events = [
        (0.0, "a", "Pulling fs layer"),
        (0.0, "b", "Pulling fs layer"),
        (1.0, "b", "Download complete"),  # b waits for a below it
        (2.0, "a", "Download complete"),
        (2.5, "a", "Extracting"),
        (5.0, "a", "Pull complete"),  # a: 2 -> 5
        (6.0, "b", "Pull complete"),  # b: 5 -> 6
    ]
    assert unpack_seconds(events) == 4.0


def test_a_layer_downloaded_after_the_one_below_is_unpacked_starts_at_its_download():
    events = [
        (0.0, "a", "Pulling fs layer"),
        (0.0, "b", "Pulling fs layer"),
        (1.0, "a", "Download complete"),
        (2.0, "a", "Pull complete"),  # 1 s
        (4.0, "b", "Download complete"),
        (4.5, "b", "Pull complete"),  # 0.5 s, not 2.5
    ]
    assert unpack_seconds(events) == 1.5


def test_layers_the_engine_already_holds_unpack_nothing():
    events = [
        (0.0, "a", "Already exists"),
        (0.0, "b", "Pulling fs layer"),
        (1.0, "b", "Download complete"),
        (3.0, "b", "Pull complete"),
        (3.1, "", "Digest: sha256:ab"),
    ]
    assert unpack_seconds(events) == 2.0


def test_a_pull_that_unpacked_nothing_has_no_unpack_time():
    assert unpack_seconds([(0.0, "a", "Already exists"), (0.1, "", "Status: Image is up to date")]) is None
    assert unpack_seconds([]) is None


# the claim


def test_zstd_at_a_share_of_gzip_holds_within_its_bounds_and_says_both_sizes():
    m = {"before": measured(compressions=matrix(400_000_000, 350_000_000, 300_000_000))}
    verdict = CompressionRatio(variant="before", compression="zstd-19", max=0.8).evaluate(m)
    assert verdict.passed
    assert str(verdict.measured) == "75.00% (300.0 MB / 400.0 MB)"
    assert not CompressionRatio(variant="before", compression="zstd-3", max=0.8).evaluate(m).passed


def test_a_compression_claim_without_the_matrix_fails_and_says_it_was_not_measured():
    verdict = CompressionRatio(variant="before", compression="zstd-3", max=0.9).evaluate({"before": measured()})
    assert not verdict.passed
    assert str(verdict.measured) == "zstd-3 sizes not measured"


@pytest.mark.parametrize(
    ("claim", "key"),
    [
        (CompressionRatio(variant="a", compression="gzip", max=0.9), "compression"),
        (CompressionRatio(variant="a", compression="zstd-7", max=0.9), "compression"),
        (CompressionRatio(variant="a", compression="zstd-3"), ""),
    ],
)
def test_a_compression_claim_names_a_re_compression_and_sets_a_bound(claim, key):
    assert [p.key for p in claim.problems()] == [key]


def test_a_compression_claim_needs_the_registry_and_the_matrix():
    assert CompressionRatio.reads(Facet.REGISTRY)
    assert CompressionRatio.reads(Facet.COMPRESSIONS)
    assert not PullSpeedup.reads(Facet.COMPRESSIONS)


# results.json and when to measure again


def test_the_matrix_round_trips_through_results_json_leaving_out_what_was_not_measured():
    old = results(before=measured(compressions=matrix(400, timed=False)))
    data = to_dict(old)
    rows = data["variants"]["before"]["compressions"]
    assert rows[0] == {"compression": "gzip", "compressed_size_bytes": 400}
    assert rows[1] == {"compression": "zstd-3", "compressed_size_bytes": 360, "compress_seconds": 1.5}
    assert from_dict(data).variants["before"].compressions == old.variants["before"].compressions


def test_a_matrix_is_complete_with_every_compression_and_timed_when_pulls_are():
    assert matrix_complete(matrix(400), timed=True)
    assert matrix_complete(matrix(400, timed=False), timed=False)
    assert not matrix_complete(matrix(400, timed=False), timed=True)
    assert not matrix_complete(matrix(400)[:2], timed=False)


def built(image: str, *sizes: int, compressions: tuple[Compressed, ...] = ()) -> Measured:
    """An image of one layer per size, each by a step of its own."""
    steps = tuple(Layer(size_bytes=size, created_by=f"RUN step {n}") for n, size in enumerate(sizes))
    return dataclasses.replace(
        measured(image, compressions), size_bytes=sum(sizes), layer_count=len(sizes), layers=steps
    )


def test_a_layer_of_the_same_recipe_may_move_by_a_package_update_one_percent_and_at_most_64_kib():
    old = built("sha256:aa", 700, 300, 10_000_000)
    assert old.built_like(built("sha256:bb", 703, 297, 10_000_000))
    assert not old.built_like(built("sha256:bb", 708, 300, 10_000_000))
    assert old.built_like(built("sha256:bb", 700, 300, 10_000_000 + 64 * 1024))
    assert not old.built_like(built("sha256:bb", 700, 300, 10_000_000 + 64 * 1024 + 1))
    assert not old.built_like(built("sha256:bb", 700, 300))
    assert not built("sha256:aa", 0, 300).built_like(built("sha256:bb", 1, 300))


rows = matrix  # the helper's name, where ``matrix`` is PullBench.measure's argument


@dataclass
class MatrixBench:
    """A bench that records what it was asked to push and compress, and measures each the same way."""

    setting: PullSettings = dataclasses.field(default_factory=PullSettings)
    asked: list[str] = dataclasses.field(default_factory=list)
    pushed: list[str] = dataclasses.field(default_factory=list)
    calls: int = 0

    early: list[str] = dataclasses.field(default_factory=list)

    def push(self, lab, images):
        self.early += list(images)

    def measure(self, lab, images, links, plan, *, releases, shared, matrix):
        self.asked, self.pushed, compressed = list(matrix), list(images), matrix
        self.calls += 1
        return {
            v: PullFigures(
                compressed_size_bytes=410,
                pull_runs=(3.0,),
                layer_blobs=(410,),
                compressions=rows(300) if v in compressed else (),
            )
            for v in images
        }


def demo_lab(*claims: Claim) -> Lab:
    variants = (Variant(name="before", dockerfile="b"), Variant(name="after", dockerfile="a"))
    return Lab(name="lab-9-demo", title="t", page="p", variants=variants, claims=claims)


def rebuilt_pair() -> tuple[Results, dict[str, Measured]]:
    old = results(
        before=built("sha256:b1", 700, 300, compressions=matrix(400)),
        after=built("sha256:a1", 70, compressions=matrix(40)),
    )
    return old, {"before": built("sha256:b2", 700, 300), "after": built("sha256:a2", 70)}


def test_a_rebuilt_lab_measures_the_matrix_only_of_what_a_compression_claim_reads():
    lab = demo_lab(
        Claim(id="L9.1", text="z", check=CompressionRatio(variant="before", compression="zstd-3", max=0.9)),
        Claim(id="L9.2", text="p", check=PullSpeedup(variant="after", of="before", min=1.1)),
    )
    old, now = rebuilt_pair()
    bench = MatrixBench()
    lines: list[str] = []
    got = with_pull_figures(lab, now, bench, old, rebuilt=True, echo=lines.append)  # type: ignore[arg-type]
    assert bench.asked == ["before"]
    assert bench.pushed == ["before", "after"]  # a pull claim reads both
    assert got["after"].compressions == old.variants["after"].compressions
    assert got["after"].pull_runs == (3.0,)
    assert got["before"].compressions == matrix(300)
    assert any("keeping the compression matrix recorded for after" in line for line in lines)
    with_pull_figures(lab, now, bench, old, echo=lines.append)  # type: ignore[arg-type]
    assert bench.asked == ["before", "after"]  # inputs changed: nothing is taken for a rebuild


def test_a_rebuilt_variant_no_claim_pulls_keeps_its_pushed_size_and_pulls_and_is_not_pushed():
    lab = demo_lab(Claim(id="L9.1", text="z", check=CompressionRatio(variant="before", compression="zstd-3", max=0.9)))
    old, now = rebuilt_pair()
    bench = MatrixBench()
    lines: list[str] = []
    got = with_pull_figures(lab, now, bench, old, rebuilt=True, echo=lines.append)  # type: ignore[arg-type]
    assert bench.pushed == ["before"]
    assert got["after"].image_id == "sha256:a2"
    assert (got["after"].compressed_size_bytes, got["after"].pull_runs) == (400, (2.0,))
    assert got["after"].compressions == old.variants["after"].compressions
    assert (got["before"].compressed_size_bytes, got["before"].pull_runs) == (410, (3.0,))
    assert any("keeping the compressed size and pull times recorded for after" in line for line in lines)
    # with no claim at all, nothing is pushed
    unclaimed = MatrixBench()
    got = with_pull_figures(demo_lab(), now, unclaimed, old, rebuilt=True)  # type: ignore[arg-type]
    assert unclaimed.calls == 0
    assert got["before"].compressed_size_bytes == 400
    # a layer that grew: pushed and pulled again
    grown = {**now, "after": built("sha256:a2", 80)}
    again = MatrixBench()
    got = with_pull_figures(demo_lab(), grown, again, old, rebuilt=True)  # type: ignore[arg-type]
    assert again.pushed == ["after"]
    assert got["after"].compressed_size_bytes == 410


@pytest.mark.parametrize("claims", ["compression", "pulls", "none"])
def test_pushing_early_pushes_what_the_turn_would_push_whether_asked_for_all_variants_or_each(claims):
    lab = demo_lab(
        *{
            "compression": [
                Claim(id="L9.1", text="z", check=CompressionRatio(variant="before", compression="zstd-3", max=0.9))
            ],
            "pulls": [Claim(id="L9.2", text="p", check=PullSpeedup(variant="after", of="before", min=1.1))],
            "none": [],
        }[claims]
    )
    old, now = rebuilt_pair()
    turn = MatrixBench()
    with_pull_figures(lab, now, turn, old, rebuilt=True)  # type: ignore[arg-type]
    whole, parts = MatrixBench(), MatrixBench()
    push_early(lab, now, whole, old, rebuilt=True, echo=lambda line: None)  # type: ignore[arg-type]
    for name, m in now.items():
        push_early(lab, {name: m}, parts, old, rebuilt=True, echo=lambda line: None)  # type: ignore[arg-type]
    assert whole.early == parts.early == turn.pushed
    assert turn.pushed == {"compression": ["before"], "pulls": ["before", "after"], "none": []}[claims]


# the guide: the chart's totals, the table's cells, the :measured: fields


def test_the_chart_covers_every_variant_with_a_complete_matrix_in_lab_order():

    lab = results(before=measured(compressions=matrix(400)), slim=measured(), after=measured(compressions=matrix(40)))
    found = matrix_images([lab])
    assert [(i.lab, i.variant) for i in found] == [("lab-9-demo", "before"), ("lab-9-demo", "after")]
    assert [r.compression for r in found[0].rows] == list(KEYS)


def test_totals_sum_each_compression_over_the_images_and_leave_untimed_sums_out():

    timed = results(before=measured(compressions=matrix(400, 300, 200)), after=measured(compressions=matrix(40)))
    gzip, zstd3, zstd19 = totals(matrix_images([timed]))
    assert (gzip.compressed_bytes, zstd3.compressed_bytes, zstd19.compressed_bytes) == (440, 336, 232)
    assert (gzip.pull_seconds, gzip.unpack_seconds, gzip.compress_seconds) == (4.0, 2.0, None)
    assert zstd19.compress_seconds == 3.0
    untimed = results(before=measured(compressions=matrix(400, timed=False)), after=measured(compressions=matrix(40)))
    assert totals(matrix_images([untimed]))[1].pull_seconds is None


def test_the_chart_s_text_says_each_total_and_its_share_of_gzip():

    found = totals(
        matrix_images([results(before=measured(compressions=matrix(400_000_000, 350_000_000, 300_000_000)))])
    )
    assert total_text(found[0], found[0]) == "400.0 MB downloaded; cold pulls 2.0 s, 1.0 s of them unpacking"
    assert total_text(found[2], found[0]) == (
        "300.0 MB downloaded (75% of gzip); cold pulls 2.0 s, 1.0 s of them unpacking; compressing 1.5 s"
    )
    html = total_bars(found, chart_id="c", images=1)
    assert html.count('class="slimlab-bars-variant slimlab-compression-row"') == 3
    assert 'data-compression="zstd-19" data-bytes="300000000"' in html
    assert "width: 75.000%" in html
    assert (
        describe(found, 1)
        == "1 image, each lab's before and after. Bytes downloaded as a share of gzip's: zstd-3 88%, zstd-19 75%."
    )


def test_a_table_cell_names_its_compression_so_a_stacked_row_still_reads():

    gzip, zstd3, _ = matrix(400_000_000, 350_000_000, 300_000_000)
    assert cell_text(gzip, gzip) == "gzip: 400.0 MB, pull 2.00 s (1.00 s unpacking)"
    assert cell_text(zstd3, gzip) == "zstd-3: 350.0 MB (88%), pull 2.00 s (1.00 s unpacking)"


def test_the_measured_role_shows_each_compression_s_figures():

    lab = results(before=measured(compressions=matrix(400_000_000, 350_000_000, 300_000_000)))
    assert value(lab, "before", "zstd-19-compressed") == "300.0 MB"
    assert value(lab, "before", "zstd-19-share") == "75%"
    assert value(lab, "before", "zstd-3-compress") == "1.5 s"
    assert value(lab, "before", "gzip-pull") == "2.0 s"
    assert value(lab, "before", "gzip-unpack") == "1.0 s"
    with pytest.raises(LookupError, match="not recorded compressed as zstd-3"):
        value(results(before=measured()), "before", "zstd-3-share")
    with pytest.raises(LookupError, match="not a measured field"):
        value(lab, "before", "gzip-compress")  # the engine compresses while it pushes: not timed apart
