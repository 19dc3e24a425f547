"""Updates and shared bases on plain data: what a pull onto a node that holds images downloads, the claim kinds
about it, the ``releases`` key of a lab spec, the records and the guide's chart and fields."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from checks.guide.measuredfields import FIELDS
from checks.guide.updatechart import describe, pull_bars, share_text, shared_rows, update_rows
from checks.measure import source
from checks.model.claims import KINDS
from checks.model.claims.updates import SharedPullRatio, UpdateBuildSpeedup, UpdateBytesRatio
from checks.model.errors import UsageError
from checks.model.measured import Facet, Measured, Release, SharedPull
from checks.model.pulls import PullSettings, pulled_bytes
from checks.model.results import Results
from checks.model.resultsjson import dumps, from_dict, to_dict
from checks.model.spec import BUILD_ID_ENV, RELEASE_ENV, Lab, load, parse
from checks.plan.pulls import shared_plan, unmeasured

ROOT = Path(__file__).resolve().parent.parent
LAB_7 = ROOT / "labs" / "lab-7-updates"


def release(number: int, build: float, pulled: int | None = None, seconds: float | None = None) -> Release:
    return Release(
        number=number, image_id=f"sha256:{number}", build_seconds=build, new_bytes=2600, pulled_bytes=pulled,
        pull_seconds=seconds,
    )  # fmt: skip


def image(*releases: Release, compressed: int | None = 1000, shared: tuple[SharedPull, ...] = ()) -> Measured:
    return Measured(
        image_id="sha256:x",
        size_bytes=5000,
        layer_count=3,
        compressed_size_bytes=compressed,
        releases=releases,
        shared_pulls=shared,
    )


# what a node that holds some blobs downloads


def test_a_node_downloads_each_blob_it_lacks_once_and_none_it_holds():
    assert pulled_bytes(["sha256:a", "sha256:b", "sha256:c", "sha256:b"], [5, 7, 11, 7], {"sha256:a"}) == 18


def test_a_node_that_holds_every_blob_downloads_nothing():
    assert pulled_bytes(["sha256:a"], [5], {"sha256:a", "sha256:z"}) == 0


def test_digests_and_sizes_that_do_not_pair_up_are_an_error():
    with pytest.raises(ValueError, match="2 layer digests but 1 sizes"):
        pulled_bytes(["sha256:a", "sha256:b"], [5], set())


def test_the_pairs_to_pull_come_from_the_claims_once_each_in_their_order():
    claims = [
        SharedPullRatio(variant="two", held="one", max=0.1),
        UpdateBytesRatio(variant="after", of="before", max=0.05),
        SharedPullRatio(variant="three", held="one", min=0.9),
        SharedPullRatio(variant="two", held="one", min=0.01),
    ]
    assert shared_plan(claims) == (("one", "two"), ("one", "three"))


# the claim kinds


def test_the_three_kinds_are_registered_under_their_lab_toml_names():
    assert KINDS["update_bytes_ratio"] is UpdateBytesRatio
    assert KINDS["update_build_speedup"] is UpdateBuildSpeedup
    assert KINDS["shared_pull_ratio"] is SharedPullRatio


def test_update_bytes_compare_the_medians_over_the_releases():
    measured = {
        "before": image(release(2, 5, pulled=4000), release(3, 5, pulled=3000), release(4, 5, pulled=100_000)),
        "after": image(release(2, 1, pulled=100), release(3, 1, pulled=300), release(4, 1, pulled=200)),
    }
    verdict = UpdateBytesRatio(variant="after", of="before", max=0.05).evaluate(measured)
    assert verdict.passed  # 200 / 4000; the mean would be 200 / 35667
    assert "5.00%" in str(verdict.measured)
    assert not UpdateBytesRatio(variant="after", of="before", max=0.04).evaluate(measured).passed
    assert not UpdateBytesRatio(variant="before", of="after", max=0.05).evaluate(measured).passed


def test_update_bytes_not_measured_fail_and_say_so():
    measured = {"before": image(release(2, 5)), "after": image(release(2, 1, pulled=100))}
    verdict = UpdateBytesRatio(variant="after", of="before", max=0.05).evaluate(measured)
    assert (verdict.passed, str(verdict.measured)) == (False, "update pulls not measured")


def test_the_build_speedup_compares_median_build_times():
    measured = {"before": image(release(2, 6.0), release(3, 4.0)), "after": image(release(2, 1.0), release(3, 1.5))}
    assert UpdateBuildSpeedup(variant="after", of="before", min=4).evaluate(measured).passed  # 5.0 / 1.25
    assert not UpdateBuildSpeedup(variant="after", of="before", min=4.5).evaluate(measured).passed
    unbuilt = {"before": image(), "after": image(release(2, 1.0))}
    assert not UpdateBuildSpeedup(variant="after", of="before", min=1).evaluate(unbuilt).passed


def test_a_shared_pull_is_judged_against_the_images_compressed_size():
    other = image(compressed=2000, shared=(SharedPull(held="after", pulled_bytes=50, pull_seconds=0.2),))
    measured = {"after": image(), "other": other}
    assert SharedPullRatio(variant="other", held="after", max=0.05).evaluate(measured).passed
    assert not SharedPullRatio(variant="other", held="after", max=0.02).evaluate(measured).passed
    assert not SharedPullRatio(variant="other", held="after", min=0.9).evaluate(measured).passed
    unpulled = {"after": image(), "other": image(compressed=2000)}
    verdict = SharedPullRatio(variant="other", held="after", max=1).evaluate(unpulled)
    assert (verdict.passed, str(verdict.measured)) == (False, "shared pulls not measured")


def test_a_shared_pull_of_a_variant_onto_itself_or_without_bounds_is_a_problem():
    assert [p.key for p in SharedPullRatio(variant="a", held="a", max=1).problems()] == ["held"]
    assert [p.key for p in SharedPullRatio(variant="b", held="a").problems()] == [""]
    assert [p.key for p in UpdateBytesRatio(variant="b", of="a").problems()] == [""]


def test_update_kinds_need_releases_and_bytes_kinds_a_registry():
    assert UpdateBytesRatio.reads(Facet.RELEASES)
    assert UpdateBuildSpeedup.reads(Facet.RELEASES)
    assert not SharedPullRatio.reads(Facet.RELEASES)
    claims = [
        ("bytes", UpdateBytesRatio(variant="after", of="before", max=0.05)),
        ("build", UpdateBuildSpeedup(variant="after", of="before", min=2)),
        ("shared", SharedPullRatio(variant="other", held="after", max=0.05)),
    ]
    assert unmeasured(claims, PullSettings(sizes=False, pulls=False)) == ("bytes", "shared")


# the spec

SPEC = {
    "lab": {"title": "t", "page": "p", "prepare": "make-release.sh", "releases": 3},
    "variants": {"before": {}, "after": {}, "other": {}},
    "claims": [
        {"id": "L9.1", "kind": "update_bytes_ratio", "text": "t", "variant": "after", "of": "before", "max": 0.05},
        {"id": "L9.2", "kind": "shared_pull_ratio", "text": "t", "variant": "other", "held": "after", "max": 0.5},
    ],
}


def spec(**lab: object) -> dict:
    return {**SPEC, "lab": {key: value for key, value in {**SPEC["lab"], **lab}.items() if value is not None}}


def test_the_variants_an_update_claim_reads_are_the_ones_built_per_release():
    lab = parse(spec(), name="lab-9-demo", source="lab.toml")
    assert (lab.releases, lab.released()) == (3, ("before", "after"))


def test_a_lab_without_update_claims_builds_no_releases():
    lab = parse({**spec(releases=None, prepare=None), "claims": SPEC["claims"][1:]}, name="lab-9", source="lab.toml")
    assert (lab.releases, lab.released()) == (1, ())


@pytest.mark.parametrize(
    ("lab", "message"),
    [
        ({"releases": None}, "claims L9.1 are about updates, which need 'lab.releases' of 2 or more"),
        ({"releases": 1}, "claims L9.1 are about updates"),
        ({"releases": 0}, "'lab.releases' is 0; it counts releases of the app, 1 or more"),
        ({"prepare": None}, "no 'lab.prepare' script to make them; the script makes release N when SLIMLAB_RELEASE=N"),
        ({"releases": "3"}, "'lab.releases' must be a whole number"),
    ],
)
def test_a_wrong_releases_key_names_the_file_and_the_fix(lab, message):
    with pytest.raises(UsageError, match=r"^lab\.toml: ") as raised:
        parse(spec(**lab), name="lab-9-demo", source="lab.toml")
    assert message in str(raised.value)
    assert str(raised.value).endswith("Fix the lab spec and run the command again.")


# the records


def test_releases_and_shared_pulls_survive_a_round_trip_through_results_json():
    measured = {
        "after": image(release(2, 1.25, pulled=300, seconds=0.4), release(3, 1.5)),
        "other": image(shared=(SharedPull(held="after", pulled_bytes=50, pull_seconds=None),)),
    }
    results = Results(
        lab="lab-9", title="t", inputs_sha256="0", measured_at="x", engine={}, bases=(), variants=measured, claims=()
    )
    again = from_dict(to_dict(results))
    assert again.variants == measured
    assert "pull_seconds" not in to_dict(results)["variants"]["after"]["releases"][1]  # absent, not null
    assert dumps(again) == dumps(results)


# the prepare script is told which release to make


def test_the_prepare_script_gets_the_release_and_the_build_id(tmp_path):
    (tmp_path / "show.sh").write_text(f'echo "${RELEASE_ENV}/${BUILD_ID_ENV}" > out.txt\n')
    lab = Lab(name="lab-9", title="t", page="p", variants=(), claims=(), prepare="show.sh", releases=2)
    source.prepare(tmp_path, lab, tmp_path, release=2, build_id="abc")
    assert (tmp_path / "out.txt").read_text() == "2/abc\n"
    source.prepare(tmp_path, lab, tmp_path)
    assert (tmp_path / "out.txt").read_text() == "1/\n"


def test_a_failing_prepare_script_names_itself_and_the_release(tmp_path):
    (tmp_path / "fail.sh").write_text("echo no >&2; exit 3\n")
    lab = Lab(name="lab-9", title="t", page="p", variants=(), claims=(), prepare="fail.sh", releases=2)
    with pytest.raises(UsageError, match=r"fail.sh failed \(exit 3, SLIMLAB_RELEASE=2\):\n    no"):
        source.prepare(tmp_path, lab, tmp_path, release=2, build_id="abc")


def release_script(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "app").mkdir(exist_ok=True)
    (tmp_path / "app" / "report.py").write_text("")
    clean = {k: v for k, v in os.environ.items() if k not in (RELEASE_ENV, BUILD_ID_ENV)}
    return subprocess.run(
        ["bash", str(LAB_7 / "make-release.sh")],
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_lab_7_s_release_1_is_the_same_on_every_run_and_later_ones_carry_the_build_id(tmp_path):
    assert release_script(tmp_path, SLIMLAB_RELEASE="1", SLIMLAB_BUILD_ID="run-1").returncode == 0
    first = (tmp_path / "app" / "release.py").read_text()
    assert release_script(tmp_path, SLIMLAB_RELEASE="1", SLIMLAB_BUILD_ID="run-2").returncode == 0
    assert (tmp_path / "app" / "release.py").read_text() == first
    assert 'BUILD = ""' in first
    assert "RELEASE = 1" in first
    assert release_script(tmp_path, SLIMLAB_RELEASE="3", SLIMLAB_BUILD_ID="run-2").returncode == 0
    later = (tmp_path / "app" / "release.py").read_text()
    assert "RELEASE = 3" in later
    assert 'BUILD = "run-2"' in later


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SLIMLAB_RELEASE": "two"}, "SLIMLAB_RELEASE must be 1, 2, ...; it is 'two'"),
        ({"SLIMLAB_RELEASE": "2"}, "a release after the first needs SLIMLAB_BUILD_ID"),
    ],
)
def test_lab_7_s_release_script_refuses_what_it_cannot_make(tmp_path, env, message):
    done = release_script(tmp_path, **env)
    assert done.returncode != 0
    assert message in done.stderr


def test_lab_7_builds_its_four_layouts_per_release_and_rebuilds_only_after():
    lab = load(LAB_7)
    assert lab.released() == ("before", "after", "link", "multi-stage")
    assert lab.rebuilt() == ("after",)
    assert shared_plan(c.check for c in lab.claims) == (("after", "other-app"), ("after", "other-base"))


# the guide


def recorded() -> Results:
    variants = {
        "before": image(
            release(2, 5.0, pulled=3000, seconds=0.5), release(3, 6.0, pulled=5000, seconds=0.7), compressed=100_000
        ),
        "after": image(release(2, 1.0, pulled=20, seconds=0.1), release(3, 1.2, pulled=40, seconds=0.3)),
        "other": image(compressed=4000, shared=(SharedPull(held="after", pulled_bytes=1400, pull_seconds=0.25),)),
    }
    return Results(
        lab="lab-9", title="t", inputs_sha256="0", measured_at="x", engine={}, bases=(), variants=variants, claims=()
    )


def test_the_update_fields_show_medians_over_the_releases():
    before, after, other = (recorded().variants[name] for name in ("before", "after", "other"))
    assert FIELDS["update-pulled"].show(before, before) == "4 kB"
    assert FIELDS["update-pulled"].show(after, before) == "30 bytes"  # a code layer: never "0 kB"
    assert FIELDS["update-pull"].show(after, before) == "0.20 s"
    assert FIELDS["update-build"].show(before, before) == "5.5 s"
    assert FIELDS["update-new"].show(after, before) == "3 kB"
    assert FIELDS["shared-pulled"].show(other, before) == "1 kB"
    assert FIELDS["shared-pull"].show(other, before) == "0.25 s"
    with pytest.raises(LookupError, match="only a variant an update claim reads"):
        FIELDS["update-build"].show(other, before)


def test_the_chart_draws_the_downloaded_share_of_each_image():
    rows = update_rows(recorded())
    assert [(r.variant, r.pulled_bytes, r.whole_bytes) for r in rows] == [
        ("before", 4000, 100_000),
        ("after", 30, 1000),
    ]
    html = pull_bars(rows, chart_id="c", title="t")
    assert 'data-variant="after" data-bytes="1000" data-pulled="30"' in html
    assert "width: 4.000%; background" in html
    assert "width: 3.000%; background" in html
    assert [r.variant for r in shared_rows(recorded())] == ["other"]
    assert "on a node that holds after" in shared_rows(recorded())[0].text
    assert describe(rows) == "From 3.0% (after) to 4.0% (before) of the image is downloaded."


def test_a_share_too_small_to_round_is_said_to_be_under_a_hundredth_of_a_percent():
    assert share_text(1_000 / 54_000_000) == "under 0.01%"
    assert share_text(0.0) == "0.00%"
    assert share_text(0.068) == "6.8%"
