"""Claim kinds judged on plain data: no Docker, only ``Measured`` and ``SmokeRun`` values."""

from __future__ import annotations

import dataclasses

import pytest

from checks.model.claims import KINDS
from checks.model.claims.contents import BuildStages, NonRoot, PathAbsent, PathPresent, matching
from checks.model.claims.floor import MaxFloorRatio
from checks.model.claims.kind import NOT_MEASURED, Kind
from checks.model.claims.pulls import PullSpeedup
from checks.model.claims.secrets import NoSecrets, SecretFound
from checks.model.claims.sizes import MaxLayers, MaxSize, SizeDifference, SizeRatio
from checks.model.claims.smoke import SameSmokeOutput, SmokeFails, SmokePasses
from checks.model.claims.updates import NewBytesRatio
from checks.model.measured import Facet, Measured, SecretSeen, SmokeRun
from checks.model.units import MB, megabytes


def image(size: int = 1000, *, layers: int = 1, user: str = "", files=None, smoke: SmokeRun | None = None) -> Measured:
    return Measured(
        image_id=f"sha256:{size:x}", size_bytes=size, layer_count=layers, user=user, files=files, smoke=smoke
    )


def ok(stdout: str = "hello") -> SmokeRun:
    return SmokeRun(exit_code=0, stdout=stdout, passed=True)


def broken(exit_code: int = 1, stderr_tail: str = "") -> SmokeRun:
    return SmokeRun(exit_code=exit_code, stdout="", stderr_tail=stderr_tail, passed=False)


HUNG = SmokeRun(exit_code=None, stdout="", timed_out=True, passed=False)


# size_difference


def test_size_difference_passes_when_a_duplicate_layer_adds_at_least_the_floor():
    check = SizeDifference(variant="chown-run", of="copy-chown", min_mb=45)
    assert check.evaluate({"chown-run": image(178_500_000), "copy-chown": image(128_500_000)}).passed


def test_size_difference_fails_when_deleting_later_would_have_freed_space():
    check = SizeDifference(variant="delete-later", of="never-delete", min_mb=-1)
    verdict = check.evaluate({"delete-later": image(78_000_000), "never-delete": image(128_000_000)})
    assert not verdict.passed
    assert str(verdict.measured) == "-50.0 MB"


def test_size_difference_is_inclusive_at_its_upper_bound():
    check = SizeDifference(variant="a", of="b", max_mb=1.001)
    assert check.evaluate({"a": image(2_001_000), "b": image(1_000_000)}).passed
    assert not check.evaluate({"a": image(2_001_001), "b": image(1_000_000)}).passed


# size_ratio


def test_size_ratio_passes_when_after_is_below_the_ceiling():
    verdict = SizeRatio(variant="after", of="before", max=0.02).evaluate({"after": image(1), "before": image(100)})
    assert verdict.passed


def test_size_ratio_fails_when_after_is_above_the_ceiling():
    verdict = SizeRatio(variant="after", of="before", max=0.02).evaluate({"after": image(3), "before": image(100)})
    assert not verdict.passed
    assert str(verdict.measured).startswith("3.00% ")


@pytest.mark.parametrize(
    ("after", "before", "ceiling"),
    [(2, 100, 0.02), (1_000_000, 50_000_000, 0.02), (3, 100, 0.03), (1, 3, 1 / 3), (7, 10, 0.7)],
)
def test_size_ratio_passes_when_the_ratio_is_exactly_the_ceiling(after, before, ceiling):
    check = SizeRatio(variant="after", of="before", max=ceiling)
    assert check.evaluate({"after": image(after), "before": image(before)}).passed


def test_size_ratio_fails_one_byte_above_the_ceiling():
    measured = {"after": image(2_000_001), "before": image(100_000_000)}
    assert not SizeRatio(variant="after", of="before", max=0.02).evaluate(measured).passed


@pytest.mark.parametrize(("after", "passed"), [(100, True), (101, True), (99, False)])
def test_size_ratio_min_bound_holds_at_and_above_the_floor_only(after, passed):
    verdict = SizeRatio(variant="after", of="before", min=1.0).evaluate({"after": image(after), "before": image(100)})
    assert verdict.passed is passed


@pytest.mark.parametrize(("after", "passed"), [(49, False), (50, True), (65, True), (80, True), (81, False)])
def test_size_ratio_with_both_bounds_needs_the_ratio_between_them(after, passed):
    check = SizeRatio(variant="after", of="before", min=0.5, max=0.8)
    assert check.evaluate({"after": image(after), "before": image(100)}).passed is passed


def test_size_ratio_says_which_bounds_it_expects_and_what_it_measured():
    verdict = SizeRatio(variant="after", of="before", min=0.5, max=0.8).evaluate(
        {"after": image(600_000), "before": image(1_000_000)}
    )
    assert str(verdict.expected) == "after/before >= 50.00% and <= 80.00%"
    assert str(verdict.measured) == "60.00% (600 kB / 1.0 MB)"


def test_size_ratio_fails_against_an_empty_base_instead_of_dividing_by_zero():
    verdict = SizeRatio(variant="after", of="before", max=0.5).evaluate({"after": image(10), "before": image(0)})
    assert not verdict.passed


def test_size_ratio_reads_the_judged_variant_and_the_one_it_is_compared_with():
    assert SizeRatio(variant="after", of="before", max=1).variants() == ("after", "before")


# max_size


def test_max_size_passes_below_the_ceiling():
    assert MaxSize(variant="after", max_mb=12).evaluate({"after": image(11_999_999)}).passed


@pytest.mark.parametrize("ceiling", [12, 12.5, 0.5, 7.25])
def test_max_size_passes_when_the_size_is_exactly_the_ceiling(ceiling):
    assert MaxSize(variant="after", max_mb=ceiling).evaluate({"after": image(int(ceiling * MB))}).passed


@pytest.mark.parametrize("ceiling", [1.001, 1.003])
def test_max_size_passes_when_the_size_is_exactly_a_fractional_ceiling(ceiling):
    size = round(ceiling * MB)  # 1_001_000 bytes is 1.001 MB exactly
    assert MaxSize(variant="after", max_mb=ceiling).evaluate({"after": image(size)}).passed


def test_max_size_fails_one_byte_above_the_ceiling():
    verdict = MaxSize(variant="after", max_mb=12).evaluate({"after": image(12 * MB + 1)})
    assert not verdict.passed
    assert str(verdict.expected) == "<= 12 MB"


# max_layers


@pytest.mark.parametrize(("count", "passed"), [(1, True), (2, True), (3, False)])
def test_max_layers_allows_at_most_the_given_number_of_layers(count, passed):
    verdict = MaxLayers(variant="after", max=2).evaluate({"after": image(layers=count)})
    assert verdict.passed is passed
    assert str(verdict.measured) == f"{count} layers"


# matching and the path kinds

FILES = frozenset(
    {
        "usr/local/go",
        "usr/local/go/bin/go",
        "usr/local/gopher.txt",
        "usr/bin/gcc-14",
        "usr/lib/gcc/x86_64-linux-gnu/14/cc1",
        "etc/ssl/certs/ca-certificates.crt",
        "greeter",
    }
)


def test_matching_finds_an_exact_path():
    assert matching(FILES, "greeter") == ["greeter"]


def test_matching_finds_everything_below_a_directory():
    assert matching(FILES, "usr/local/go") == ["usr/local/go", "usr/local/go/bin/go"]


def test_matching_does_not_treat_a_name_as_a_prefix_of_a_sibling():
    assert "usr/local/gopher.txt" not in matching(FILES, "usr/local/go")


def test_matching_lets_a_star_cross_slashes():
    assert matching(FILES, "*/bin/gcc*") == ["usr/bin/gcc-14"]
    assert matching(FILES, "usr/lib/gcc*") == ["usr/lib/gcc/x86_64-linux-gnu/14/cc1"]
    assert matching(FILES, "*cc1") == ["usr/lib/gcc/x86_64-linux-gnu/14/cc1"]


def test_matching_ignores_leading_and_trailing_slashes_in_the_pattern():
    assert matching(FILES, "/etc/ssl/") == ["etc/ssl/certs/ca-certificates.crt"]


def test_matching_returns_nothing_when_nothing_matches():
    assert matching(FILES, "src") == []


def test_path_absent_passes_when_no_pattern_matches():
    check = PathAbsent(variant="after", paths=("src", "*/bin/go"))
    verdict = check.evaluate({"after": image(files=frozenset({"greeter"}))})
    assert verdict.passed
    assert str(verdict.measured) == "none found"


def test_path_absent_fails_and_names_the_first_hit_of_each_pattern():
    check = PathAbsent(variant="after", paths=("usr/local/go", "*/bin/gcc*", "src"))
    verdict = check.evaluate({"after": image(files=FILES)})
    assert not verdict.passed
    assert str(verdict.measured) == "found: /usr/local/go, /usr/bin/gcc-14"


def test_path_present_passes_when_every_path_or_pattern_exists():
    verdict = PathPresent(variant="after", paths=("etc/ssl/certs/ca-certificates.crt", "*/gcc-*")).evaluate(
        {"after": image(files=FILES)}
    )
    assert verdict.passed


def test_path_present_fails_and_names_what_is_missing():
    check = PathPresent(variant="after", paths=("greeter", "etc/passwd", "tmp"))
    verdict = check.evaluate({"after": image(files=FILES)})
    assert not verdict.passed
    assert str(verdict.measured) == "missing: etc/passwd, tmp"


# build_stages

#: What the build of a Dockerfile with base, build, test and an unnamed last stage ran without a target.
SHIPPED = {"base": 4, "build": 1, "test": 0, "stage-3": 3}


def staged(stages):
    return {"stages": dataclasses.replace(image(), stages=stages)}


def test_build_stages_holds_when_the_build_ran_no_step_of_the_test_stage():
    verdict = BuildStages(variant="stages", built=("base", "build"), skipped=("test",)).evaluate(staged(SHIPPED))
    assert verdict.passed
    assert str(verdict.expected) == "steps of base, build run; no step of test"
    assert str(verdict.measured) == "steps run: base 4, build 1, stage-3 3; stages left out: test"


def test_build_stages_fails_when_a_step_of_a_skipped_stage_ran():
    ran_tests = {**SHIPPED, "test": 1}
    verdict = BuildStages(variant="stages", skipped=("test",)).evaluate(staged(ran_tests))
    assert not verdict.passed
    assert str(verdict.measured) == "steps run: base 4, build 1, test 1, stage-3 3; stages left out: none"


def test_build_stages_fails_when_a_stage_it_needs_ran_no_step():
    assert not BuildStages(variant="stages", built=("test",)).evaluate(staged(SHIPPED)).passed


def test_build_stages_fails_for_a_stage_the_dockerfile_does_not_have_so_a_misspelling_never_holds():
    verdict = BuildStages(variant="stages", skipped=("tests",)).evaluate(staged(SHIPPED))
    assert not verdict.passed
    assert str(verdict.measured).endswith("; the Dockerfile has no stage tests up to the one built")


def test_build_stages_reads_stage_names_in_any_case_as_buildkit_does():
    assert BuildStages(variant="stages", built=("Build",), skipped=("TEST",)).evaluate(staged(SHIPPED)).passed


def test_build_stages_fails_when_no_stages_are_recorded():
    verdict = BuildStages(variant="stages", skipped=("test",)).evaluate(staged(None))
    assert (verdict.passed, str(verdict.measured)) == (False, f"stages {NOT_MEASURED}")


def test_build_stages_naming_no_stage_could_never_fail():
    (problem,) = BuildStages(variant="stages").problems()
    assert (problem.key, problem.text) == ("", "names no stage in built or skipped, so it could never fail")


def test_build_stages_naming_one_stage_both_built_and_skipped_could_never_hold():
    (problem,) = BuildStages(variant="stages", built=("test",), skipped=("Test",)).problems()
    assert (problem.key, problem.text) == ("skipped", "names test, which built names too, so it could never hold")


# non_root


@pytest.mark.parametrize("user", ["", "0", "root", "0:0", "root:root", " root "])
def test_non_root_fails_for_root_users(user):
    assert not NonRoot(variant="after").evaluate({"after": image(user=user)}).passed


@pytest.mark.parametrize("user", ["65532:65532", "65532", "app", "nonroot:nonroot", "1000:0"])
def test_non_root_passes_for_other_users(user):
    verdict = NonRoot(variant="after").evaluate({"after": image(user=user)})
    assert verdict.passed
    assert str(verdict.measured) == f"USER {user}"


def test_non_root_says_when_no_user_is_configured():
    assert str(NonRoot(variant="after").evaluate({"after": image(user="")}).measured) == "no USER (root)"


# smoke_fails


def test_smoke_fails_does_not_hold_when_the_smoke_test_passes():
    assert not SmokeFails(variant="after").evaluate({"after": image(smoke=ok())}).passed


def test_smoke_fails_holds_when_the_smoke_test_fails_and_shows_the_last_error_line():
    run = broken(exit_code=127, stderr_tail="starting\nexec /greeter: no such file or directory")
    verdict = SmokeFails(variant="after").evaluate({"after": image(smoke=run)})
    assert verdict.passed
    assert str(verdict.measured) == "exit 127: exec /greeter: no such file or directory"


def test_smoke_fails_shows_only_the_exit_code_without_stderr():
    assert str(SmokeFails(variant="after").evaluate({"after": image(smoke=broken(exit_code=3))}).measured) == "exit 3"


def test_smoke_fails_counts_a_timed_out_run_as_failed():
    verdict = SmokeFails(variant="after").evaluate({"after": image(smoke=HUNG)})
    assert verdict.passed
    assert str(verdict.measured) == "timed out"


def test_smoke_fails_does_not_hold_when_no_smoke_test_ran():
    verdict = SmokeFails(variant="after").evaluate({"after": image(smoke=None)})
    assert not verdict.passed
    assert str(verdict.measured) == "no smoke test ran"


def test_smoke_fails_with_an_expected_text_holds_when_the_failure_printed_it():
    tail = "    import xml.dom.minidom\nModuleNotFoundError: No module named 'xml'\n---\nselfcheck: closed"
    run = broken(stderr_tail=tail)
    verdict = SmokeFails(variant="lazy", expect="No module named 'xml'").evaluate({"lazy": image(smoke=run)})
    assert verdict.passed
    assert str(verdict.expected) == "smoke test fails printing \"No module named 'xml'\""
    assert str(verdict.measured) == "exit 1: ModuleNotFoundError: No module named 'xml'", "the line that matched"


def test_smoke_fails_with_an_expected_text_reads_standard_output_too():
    run = SmokeRun(exit_code=1, stdout="LookupError: unknown encoding: idna")
    assert SmokeFails(variant="lazy", expect="unknown encoding").evaluate({"lazy": image(smoke=run)}).passed


def test_smoke_fails_does_not_hold_when_the_failure_printed_another_message():
    run = broken(stderr_tail="LookupError: unknown encoding: idna")
    verdict = SmokeFails(variant="lazy", expect="No module named 'xml'").evaluate({"lazy": image(smoke=run)})
    assert not verdict.passed
    assert str(verdict.measured) == "exit 1: LookupError: unknown encoding: idna, without \"No module named 'xml'\""


def test_smoke_fails_with_an_expected_text_does_not_hold_when_the_smoke_test_passes():
    run = SmokeRun(exit_code=0, stdout="No module named 'xml'", passed=True)
    assert not SmokeFails(variant="lazy", expect="No module named 'xml'").evaluate({"lazy": image(smoke=run)}).passed


def test_smoke_fails_without_an_expected_text_accepts_any_failure():
    claim = SmokeFails(variant="after")
    assert claim.expect == ""
    assert claim.evaluate({"after": image(smoke=broken(stderr_tail="anything at all"))}).passed
    assert str(claim.evaluate({"after": image(smoke=ok())}).expected) == "smoke test fails"


# smoke_passes


def test_smoke_passes_holds_when_the_smoke_test_passes_and_shows_the_output():
    verdict = SmokePasses(variant="after").evaluate({"after": image(smoke=ok("GET / -> 200"))})
    assert verdict.passed
    assert str(verdict.measured) == "prints 'GET / -> 200'"


def test_smoke_passes_does_not_hold_when_the_smoke_test_fails_and_shows_the_last_error_line():
    run = broken(exit_code=2, stderr_tail="panic: boom\ngoroutine 1 [running]:\n")
    verdict = SmokePasses(variant="after").evaluate({"after": image(smoke=run)})
    assert not verdict.passed
    assert str(verdict.measured) == "exit 2: goroutine 1 [running]:"


def test_smoke_passes_shows_what_was_printed_when_stderr_is_empty():
    run = SmokeRun(exit_code=0, stdout="wrong answer", passed=False)
    verdict = SmokePasses(variant="after").evaluate({"after": image(smoke=run)})
    assert str(verdict.measured) == "exit 0: printed 'wrong answer'"


@pytest.mark.parametrize("run", [HUNG, None], ids=["timed-out", "no-run"])
def test_smoke_passes_does_not_hold_without_a_passing_run(run):
    assert not SmokePasses(variant="after").evaluate({"after": image(smoke=run)}).passed


# same_smoke_output


def test_same_smoke_output_passes_when_every_variant_prints_the_same():
    check = SameSmokeOutput(variants_=("before", "after", "distroless"))
    verdict = check.evaluate({name: image(smoke=ok("GET / -> 200")) for name in check.variants()})
    assert verdict.passed
    assert str(verdict.measured) == "all print 'GET / -> 200'"


def test_same_smoke_output_fails_when_outputs_differ():
    verdict = SameSmokeOutput(variants_=("before", "after")).evaluate(
        {"before": image(smoke=ok("hello")), "after": image(smoke=ok("hullo"))}
    )
    assert not verdict.passed
    assert str(verdict.measured) == "outputs differ: before: 'hello'; after: 'hullo'"


def test_same_smoke_output_fails_when_one_run_failed_even_with_equal_output():
    verdict = SameSmokeOutput(variants_=("before", "after")).evaluate(
        {"before": image(smoke=ok("")), "after": image(smoke=broken())}
    )
    assert not verdict.passed
    assert str(verdict.measured) == "smoke test failed for after"


def test_same_smoke_output_fails_when_a_variant_has_no_smoke_run():
    verdict = SameSmokeOutput(variants_=("before", "after")).evaluate({"before": image(smoke=ok()), "after": image()})
    assert not verdict.passed
    assert "after" in str(verdict.measured)


def test_same_smoke_output_reads_every_listed_variant_in_order():
    assert SameSmokeOutput(variants_=("before", "after", "distroless")).variants() == ("before", "after", "distroless")


# what makes a claim one that could never fail (the spec reader turns these into errors)


def test_a_sound_claim_has_no_problems():
    assert SizeRatio(variant="after", of="before", max=0.5).problems() == []


def test_a_negative_bound_is_a_problem_of_its_key():
    assert [(p.key, p.text) for p in MaxLayers(variant="after", max=-1).problems()] == [("max", "must not be negative")]


def test_a_size_difference_may_be_negative_but_not_unbounded():
    assert SizeDifference(variant="a", of="b", min_mb=-1).problems() == []
    (problem,) = SizeDifference(variant="a", of="b").problems()
    assert (problem.key, problem.text) == ("", "sets no bound (min_mb/max_mb), so it could never fail")


def test_a_size_ratio_without_a_bound_could_never_fail():
    (problem,) = SizeRatio(variant="a", of="b").problems()
    assert "sets no bound (max/min)" in problem.text


@pytest.mark.parametrize("kind", [PathAbsent, PathPresent])
def test_a_path_claim_without_paths_could_never_fail(kind):
    (problem,) = kind(variant="after", paths=()).problems()
    assert (problem.key, problem.text) == ("paths", "is empty, so it could never fail")


def test_same_smoke_output_needs_two_variants_under_its_lab_toml_spelling():
    (problem,) = SameSmokeOutput(variants_=("after",)).problems()
    assert (problem.key, problem.text) == ("variants", "must name at least two variants")


# rebinding a claim to other variants (the grader judges the learner's image this way)


def test_rebind_renames_the_judged_and_the_compared_variant_and_keeps_the_bounds():
    check = SizeRatio(variant="after", of="before", max=0.02)
    assert check.rebind({"after": "yours", "before": "base"}) == SizeRatio(variant="yours", of="base", max=0.02)


def test_rebind_is_none_when_a_variant_the_claim_reads_is_not_renamed():
    assert PullSpeedup(variant="after", of="distroless", min=2).rebind({"after": "yours"}) is None


def test_rebind_keeps_the_listed_variants_it_renames():
    check = SameSmokeOutput(variants_=("before", "after", "distroless"))
    assert check.rebind({"after": "yours", "before": "before"}) == SameSmokeOutput(variants_=("before", "yours"))


def test_rebind_is_none_when_too_few_listed_variants_are_left_for_a_sound_claim():
    assert SameSmokeOutput(variants_=("after", "distroless")).rebind({"after": "yours"}) is None


@pytest.mark.parametrize(
    ("size", "shown"),
    [(950_000, "950 kB"), (1_000_000, "1.0 MB"), (6_234_567, "6.2 MB"), (1_050_000_000, "1.05 GB")],
)
def test_megabytes_shows_decimal_units(size, shown):
    assert megabytes(size) == shown


# new_bytes_ratio


def over_base(new: int | None, size: int = 80_000_000) -> Measured:
    return dataclasses.replace(image(size), new_bytes=new)


def test_new_bytes_ratio_holds_when_a_squash_onto_the_base_pulls_a_few_percent():
    check = NewBytesRatio(variant="squashed", of="before", max=0.03)
    verdict = check.evaluate({"squashed": over_base(1_000_381), "before": over_base(51_000_381, 129_000_000)})
    assert verdict.passed
    assert str(verdict.measured) == "1.96% (1.0 MB / 51.0 MB)"
    assert str(verdict.expected) == "new bytes of squashed / new bytes of before <= 3.00%"


def test_new_bytes_ratio_fails_when_an_update_pulls_the_base_again():
    check = NewBytesRatio(variant="copy-onto-base", of="before", max=0.03)
    assert not check.evaluate({"copy-onto-base": over_base(79_500_000), "before": over_base(51_000_381)}).passed


def test_new_bytes_ratio_against_size_compares_with_the_whole_image():
    check = NewBytesRatio(variant="flattened", of="flattened", against="size", min=1.0)
    assert check.evaluate({"flattened": over_base(79_500_000, 79_500_000)}).passed
    assert not check.evaluate({"flattened": over_base(1_000_000, 79_500_000)}).passed


def test_new_bytes_ratio_fails_and_says_so_when_the_figure_was_not_measured():
    check = NewBytesRatio(variant="a", of="b", min=50)
    for a, b in ((over_base(None), over_base(1)), (over_base(79_500_000), over_base(None))):
        verdict = check.evaluate({"a": a, "b": b})
        assert not verdict.passed
        assert str(verdict.measured) == "new bytes not measured"


def test_new_bytes_ratio_needs_a_bound_and_a_known_divisor():
    assert [p.key for p in NewBytesRatio(variant="a", of="b").problems()] == [""]
    assert [p.key for p in NewBytesRatio(variant="a", of="b", against="compressed", max=1).problems()] == ["against"]
    assert NewBytesRatio(variant="a", of="b", against="size", max=1).problems() == []


def test_new_bytes_ratio_shows_a_large_ratio_as_a_factor():
    check = NewBytesRatio(variant="flattened", of="squashed", min=50)
    verdict = check.evaluate({"flattened": over_base(79_496_867), "squashed": over_base(1_000_381)})
    assert (verdict.passed, str(verdict.expected), str(verdict.measured)) == (
        True,
        "new bytes of flattened / new bytes of squashed >= 50.0×",
        "79.5× (79.5 MB / 1.0 MB)",
    )


# max_floor_ratio: the image against the files its app uses


def traced(size: int, floor: int | None, files: int = 12) -> Measured:
    return Measured(
        image_id="sha256:f",
        size_bytes=size,
        layer_count=1,
        runtime_files=files if floor is not None else None,
        runtime_bytes=floor,
    )


def test_max_floor_ratio_is_registered_and_needs_the_floor():
    assert KINDS["max_floor_ratio"] is MaxFloorRatio
    assert MaxFloorRatio.reads(Facet.FLOOR)
    assert not MaxFloorRatio.reads(Facet.FILES)


@pytest.mark.parametrize(("size", "passed"), [(15 * MB, True), (15 * MB + 1, False)])
def test_max_floor_ratio_holds_up_to_k_times_the_floor_and_not_one_byte_more(size, passed):
    verdict = MaxFloorRatio(variant="after", max=1.5).evaluate({"after": traced(size, 10 * MB)})
    assert verdict.passed is passed
    assert str(verdict.expected) == "size <= 1.5× floor"


def test_max_floor_ratio_fails_for_an_image_far_above_its_floor_and_says_by_how_much():
    verdict = MaxFloorRatio(variant="before", max=2).evaluate({"before": traced(1_060 * MB, 10_560_689, files=14)})
    assert not verdict.passed
    assert str(verdict.measured) == "100.4× (1.06 GB over a floor of 10.6 MB in 14 files)"


def test_max_floor_ratio_fails_as_not_measured_when_no_floor_was_traced():
    verdict = MaxFloorRatio(variant="after", max=3).evaluate({"after": traced(6 * MB, None)})
    assert not verdict.passed
    assert str(verdict.measured) == f"runtime floor {NOT_MEASURED}"


def test_max_floor_ratio_below_one_could_never_hold():
    assert [p.key for p in MaxFloorRatio(variant="after", max=0.5).problems()] == ["max"]
    assert MaxFloorRatio(variant="after", max=1).problems() == []


def with_secrets(*seen: SecretSeen) -> dict[str, Measured]:
    return {"after": dataclasses.replace(image(), secrets=seen)}


HIDDEN = SecretSeen(rule="github-token", path="etc/sdk/credentials.toml", layer=1, visible=False)
SHOWN = SecretSeen(rule="dotenv", path="app/.env", layer=2, visible=True)


def test_no_secrets_holds_on_an_image_with_no_finding_and_names_what_it_found_otherwise():
    claim = NoSecrets(variant="after")
    assert claim.evaluate(with_secrets()).passed
    verdict = claim.evaluate(with_secrets(HIDDEN, SHOWN))
    assert not verdict.passed
    assert str(verdict.measured) == (
        "2 found: github-token at /etc/sdk/credentials.toml in layer 1, hidden by a later layer; "
        "dotenv at /app/.env in layer 2"
    )


def test_secret_claims_fail_when_secrets_were_not_measured():
    for claim in (NoSecrets(variant="after"), SecretFound(variant="after", rule="github-token")):
        verdict = claim.evaluate({"after": image()})
        assert not verdict.passed
        assert NOT_MEASURED in str(verdict.measured)


@pytest.mark.parametrize(
    ("rule", "state", "passed"),
    [
        ("github-token", "any", True),
        ("github-token", "hidden", True),
        ("github-token", "visible", False),
        ("dotenv", "visible", True),
        ("dotenv", "hidden", False),
        ("private-key", "any", False),
    ],
)
def test_secret_found_holds_when_its_rule_found_something_in_the_state_it_names(rule, state, passed):
    verdict = SecretFound(variant="after", rule=rule, state=state).evaluate(with_secrets(HIDDEN, SHOWN))
    assert verdict.passed is passed
    if passed:
        assert str(verdict.measured).startswith(rule)


def test_secret_found_on_a_clean_image_says_none_found():
    assert str(SecretFound(variant="after", rule="github-token").evaluate(with_secrets()).measured) == "none found"


def test_secret_found_with_an_unknown_state_or_no_rule_is_a_problem():
    assert [p.key for p in SecretFound(variant="after", rule="x", state="gone").problems()] == ["state"]
    assert [p.key for p in SecretFound(variant="after", rule="").problems()] == ["rule"]


def test_only_the_secret_kinds_need_secrets():
    assert {name for name, kind in KINDS.items() if kind.reads(Facet.SECRETS)} == {"no_secrets", "secret_found"}


def test_every_rule_a_lab_claims_is_a_rule_analyze_has():
    from checks.cli.labs import all_labs
    from checks.inspect.secrets import BY_ID
    from checks.model.spec import load

    named = [c.check.rule for lab in all_labs() for c in load(lab).claims if isinstance(c.check, SecretFound)]
    assert named
    assert all(rule in BY_ID for rule in named)


# A claim as a learner's goal, in a few words: the guide's exercise lists goals so, the claim's sentence once.


@pytest.mark.parametrize(
    ("bounds", "goal"),
    [
        ({"max": 0.02}, "is at most 2% of the size of `before`"),
        ({"min": 0.99}, "is at least 99% of the size of `before`"),
        ({"min": 0.999, "max": 1.001}, "is between 99.9% and 100% of the size of `before`"),
        ({"max": 1 / 3}, "is at most 33.3% of the size of `before`"),
    ],
)
def test_a_size_goal_says_the_bounds_the_claim_sets_and_no_more(bounds, goal):
    assert SizeRatio(variant="yours", of="before", **bounds).goal("yours") == goal


def test_a_difference_goal_reads_in_megabytes():
    assert (
        SizeDifference(variant="yours", of="before", min_mb=45).goal("yours")
        == "is at least 45 MB bigger than `before`"
    )


def test_a_path_goal_names_each_path_as_code():
    assert PathAbsent(variant="yours", paths=("src", "*/bin/go")).goal("yours") == "holds none of `src`, `*/bin/go`"
    assert PathPresent(variant="yours", paths=("bin/sh",)).goal("yours") == "still holds `bin/sh`"


def test_the_same_output_goal_names_the_other_images_not_the_learners():
    assert SameSmokeOutput(variants_=("before", "yours")).goal("yours") == "prints exactly what `before` prints"


def test_every_kind_the_grader_can_judge_has_a_goal_of_its_own():
    judged = [
        kind for kind in KINDS.values() if not kind.reads(Facet.PULLS, Facet.REGISTRY, Facet.FLOOR, Facet.REBUILD)
    ]
    without = [kind.kind for kind in judged if kind.goal is Kind.goal]
    assert not without, f"add goal() to these kinds in their families in checks/model/claims/: {without}"


def test_a_kind_reads_the_facets_it_declares_and_no_others():
    assert MaxFloorRatio.reads(Facet.FLOOR)
    assert MaxFloorRatio.reads(Facet.FILES, Facet.FLOOR)  # one of them is enough
    assert not MaxFloorRatio.reads(Facet.FILES, Facet.SECRETS)
    assert not MaxFloorRatio.reads()


def test_every_facet_but_the_build_is_read_by_some_kind():
    assert {facet for kind in KINDS.values() for facet in kind.facets} == set(Facet)
