"""checks.guide.docdata and measuredfields: the values prose shows, and whether recorded results still fit a lab."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from checks.guide.docdata import LabDocs, load_lab, staleness
from checks.guide.measuredfields import FIELDS, difference, parse_path, percent, times, value
from checks.model.measured import Measured
from checks.model.results import BaseUse, Results
from checks.model.resultsjson import dumps
from checks.model.spec import load
from checks.store.inputs import inputs_sha256

ROOT = Path(__file__).resolve().parent.parent


def results(**sizes: int) -> Results:
    return Results(
        lab="lab-9-test",
        title="t",
        inputs_sha256="0" * 64,
        measured_at="2026-01-01T00:00:00+00:00",
        engine={},
        bases=(BaseUse(name="golang:1.27-trixie", source="stand-in", image="slimlab-base/x:1", image_id="sha256:1"),),
        variants={
            name: Measured(image_id="sha256:x", size_bytes=size, layer_count=3, user="") for name, size in sizes.items()
        },
        claims=(),
    )


R = results(before=948_678_148, after=6_231_089, same=948_678_148)


@pytest.mark.parametrize(
    ("field", "shown"),
    [
        ("size", "6.2 MB"),
        ("bytes", "6,231,089"),
        ("layers", "3"),
        ("ratio", "0.66%"),
        ("reduction", "99.3%"),
        ("saved", "942.4 MB"),
        ("factor", "152×"),
        ("user", "root"),
    ],
)
def test_each_field_of_the_after_variant_reads_as_prose(field, shown):
    assert value(R, "after", field) == shown


def test_the_before_variant_is_its_own_reference():
    assert value(R, "before", "ratio") == "100%"
    assert value(R, "before", "factor") == "1.0×"


@pytest.mark.parametrize(("ratio", "shown"), [(0.00657, "0.66%"), (0.054, "5.4%"), (0.4390, "44%"), (1.0, "100%")])
def test_percentages_keep_the_digits_that_matter(ratio, shown):
    assert percent(ratio) == shown


def test_factors_below_ten_keep_a_decimal():
    assert times(3.44) == "3.4×"
    assert times(152.25) == "152×"


def test_an_unknown_variant_names_the_variants_that_exist():
    with pytest.raises(LookupError, match=r"no variant 'aftr'.*Did you mean 'after'\?.*Known: before, after, same"):
        value(R, "aftr", "size")


def test_an_unknown_field_names_the_fields_that_exist():
    with pytest.raises(LookupError, match=r"'sise' is not a measured field\. Did you mean 'size'\?"):
        value(R, "after", "sise")


def test_a_compressed_size_not_yet_recorded_says_so():
    with pytest.raises(LookupError, match="no compressed size is recorded"):
        value(R, "after", "compressed")


def test_a_compressed_size_shows_once_the_checker_records_it():
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class WithCompressed(Measured):
        compressed_size_bytes: int | None = None

    later = dataclasses.replace(
        R,
        variants={
            "before": R.variants["before"],
            "after": WithCompressed(image_id="x", size_bytes=6_231_089, layer_count=2, compressed_size_bytes=2_900_000),
        },
    )
    assert value(later, "after", "compressed") == "2.9 MB"


def test_the_bytes_over_the_base_show_once_recorded_and_say_so_before():
    for field in ("new", "new-compressed"):
        with pytest.raises(LookupError, match=r"no (compressed )?new bytes are recorded"):
            value(R, "after", field)
    squashed = dataclasses.replace(R.variants["after"], new_bytes=1_000_381, new_compressed_bytes=1_001_020)
    later = dataclasses.replace(R, variants={**R.variants, "after": squashed})
    assert (value(later, "after", "new"), value(later, "after", "new-compressed")) == ("1.0 MB", "1.0 MB")


def test_the_stages_a_build_ran_and_left_out_read_as_lists_once_recorded():
    with pytest.raises(LookupError, match="no stages are recorded"):
        value(R, "after", "stages-built")
    staged = dataclasses.replace(R.variants["after"], stages={"base": 4, "build": 1, "test": 0, "stage-3": 2})
    later = dataclasses.replace(R, variants={**R.variants, "after": staged})
    assert value(later, "after", "stages-built") == "base, build, stage-3"
    assert value(later, "after", "stages-skipped") == "test"


def test_a_build_that_left_out_no_stage_says_none():
    staged = dataclasses.replace(R.variants["after"], stages={"build": 4, "stage-1": 2})
    assert value(dataclasses.replace(R, variants={**R.variants, "after": staged}), "after", "stages-skipped") == "none"


def test_every_field_says_what_it_shows():
    assert all(field.help.endswith(")") or field.help.endswith(".") for field in FIELDS.values())


@pytest.mark.parametrize("text", ["lab-4/after", "lab-4/after/size/extra", "lab-4//size", ""])
def test_a_path_must_be_lab_variant_field(text):
    with pytest.raises(ValueError, match="lab/variant/field"):
        parse_path(text)


def test_a_size_difference_is_one_variants_size_minus_anothers():
    assert difference(R, "before", "after") == (942_447_059, "942.4 MB")
    assert difference(R, "same", "before") == (0, "0 B")


def test_a_size_difference_under_a_kilobyte_is_shown_in_bytes():
    assert difference(results(a=1_000_051, b=1_000_000), "a", "b") == (51, "51 B")
    assert difference(results(a=1_000_999, b=1_000_000), "a", "b") == (999, "999 B")
    assert difference(results(a=1_001_000, b=1_000_000), "a", "b") == (1_000, "1 kB")


def test_a_negative_size_difference_keeps_its_sign():
    assert difference(results(small=1_000, big=4_000), "small", "big") == (-3_000, "-3 kB")


@pytest.mark.parametrize(("variant", "of"), [("aftr", "before"), ("before", "aftr")])
def test_a_size_difference_of_an_unknown_variant_names_the_variants_that_exist(variant, of):
    with pytest.raises(LookupError, match=r"no variant 'aftr'.*Did you mean 'after'\?"):
        difference(R, variant, of)


def test_a_path_of_another_shape_names_that_shape():
    with pytest.raises(ValueError, match="is not lab/variant/other"):
        parse_path("lab-3/after", "lab/variant/other", "lab-3-only-what-runs/apt-lists/after")
    assert parse_path("lab-3/apt-lists/after", "lab/variant/other", "x") == ("lab-3", "apt-lists", "after")


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    folder = tmp_path / "lab-4-go-multistage"
    shutil.copytree(ROOT / "labs/lab-4-go-multistage", folder)
    return folder


def record(folder: Path) -> None:
    """What `make check` would do to the fingerprint: record the files as they are now."""
    current = load_lab(folder)
    assert current.results is not None
    (folder / "results.json").write_text(
        dumps(dataclasses.replace(current.results, inputs_sha256=inputs_sha256(load(folder), folder)))
    )


def test_results_that_match_the_lab_files_are_current(lab: Path):
    record(lab)
    assert staleness(load_lab(lab)) is None


def test_an_edited_dockerfile_makes_the_results_stale_and_says_to_run_make_check(lab: Path):
    record(lab)
    (lab / "after.Dockerfile").write_text((lab / "after.Dockerfile").read_text() + "# edited\n")
    message = staleness(load_lab(lab))
    assert message is not None
    assert message.startswith("labs/lab-4-go-multistage/results.json is stale")
    assert "make check" in message


def test_a_new_file_in_the_lab_makes_the_results_stale(lab: Path):
    record(lab)
    (lab / "app" / "extra.go").write_text("package main\n")
    assert "is stale" in staleness(load_lab(lab))


def test_an_edited_exercise_leaves_the_results_current(lab: Path):
    record(lab)
    (lab / "exercise.Dockerfile").write_text("FROM scratch\n# a learner's attempt\n")
    (lab / "solution.Dockerfile").unlink()
    assert staleness(load_lab(lab)) is None


def test_a_file_the_dockerignore_keeps_out_of_every_build_leaves_the_results_current(lab: Path):
    record(lab)
    (lab / "NOTES.md").write_text("what I tried\n")
    assert staleness(load_lab(lab)) is None


def test_a_dockerignore_pattern_buildkit_refuses_is_reported_not_raised(lab: Path):
    (lab / ".dockerignore").write_text("*\n!\n")
    docs = load_lab(lab)
    assert docs.spec is None
    assert ".dockerignore: '!' alone" in docs.problem


def test_missing_results_say_so(lab: Path):
    (lab / "results.json").unlink()
    docs = load_lab(lab)
    assert docs.results is None
    assert "results.json is missing" in staleness(docs)


def test_unreadable_results_are_not_mistaken_for_missing_ones(lab: Path):
    (lab / "results.json").write_text("{")
    assert "unreadable" in staleness(load_lab(lab))


def test_a_broken_spec_is_reported_not_raised(lab: Path):
    (lab / "lab.toml").write_text("[lab]\n")
    docs = load_lab(lab)
    assert isinstance(docs, LabDocs)
    assert docs.spec is None
    assert "lab.toml" in docs.problem


def test_a_runtime_floor_not_yet_recorded_says_so():
    for field in ("floor", "floor-files", "used", "over-floor"):
        with pytest.raises(LookupError, match="no runtime floor is recorded"):
            value(R, "after", field)


@pytest.mark.parametrize(
    ("field", "shown"), [("floor", "91.7 MB"), ("floor-files", "1,543"), ("used", "9.7%"), ("over-floor", "10×")]
)
def test_the_runtime_floor_reads_as_prose_once_recorded(field, shown):
    traced = dataclasses.replace(R.variants["before"], runtime_files=1_543, runtime_bytes=91_723_462)
    later = dataclasses.replace(R, variants={**R.variants, "before": traced})
    assert value(later, "before", field) == shown


def test_a_factor_reads_in_times_in_chinese_and_a_shrinking_one_as_a_fraction():
    from checks.guide.measuredfields import times_smaller
    from checks.model import i18n
    from checks.store import catalogs

    assert (times(82.4), times_smaller(152.3), times(3.44)) == ("82×", "152×", "3.4×")
    zh = catalogs.load_catalog(ROOT / catalogs.LOCALE_DIR, "zh_CN", catalogs.UI_DOMAIN)
    with i18n.speaking(zh):
        assert (times(82.4), times_smaller(152.3), times(3.44)) == ("82 倍", "1/152", "3.4 倍")
