"""checks.model.pulls and the pure part of checks.engine.pullbench.

Settings and manifests.
"""

from __future__ import annotations

import pytest

from checks.engine import pullbench
from checks.engine.netns import tbf
from checks.model.checkout import HERE
from checks.model.errors import UsageError
from checks.model.pulls import (
    DOCKER_LIST,
    DOCKER_MANIFEST,
    OCI_INDEX,
    OCI_MANIFEST,
    PullSettings,
    fresh_engine_problem,
    is_index,
    layer_blobs,
    layers_bytes,
    platform_digest,
    registry_problem,
    wanted,
)
from checks.model.settings import Settings, from_environ
from checks.plan.pulls import effective

# settings from the environment


def test_by_default_verify_measures_compressed_sizes_and_three_cold_pulls():
    assert settings_from({}) == PullSettings(sizes=True, pulls=True, runs=3)


@pytest.mark.parametrize(
    ("mode", "sizes", "pulls"),
    [
        ("0", False, False),
        ("off", False, False),
        ("size", True, False),
        ("1", True, True),
        ("ON", True, True),
        (" size ", True, False),
    ],
)
def test_the_mode_turns_the_measurement_off_down_to_sizes_or_on(mode, sizes, pulls):
    chosen = settings_from({"SLIMLAB_PULL_MEASURE": mode})
    assert (chosen.sizes, chosen.pulls) == (sizes, pulls)


def test_a_mode_that_means_nothing_is_rejected_with_a_did_you_mean():
    with pytest.raises(UsageError, match=r"SLIMLAB_PULL_MEASURE='sizes' is not valid \(did you mean 'size'\?\)"):
        settings_from({"SLIMLAB_PULL_MEASURE": "sizes"})


@pytest.mark.parametrize("runs", ["0", "21", "two", "-1", "1.5"])
def test_a_number_of_runs_outside_1_to_20_is_rejected(runs):
    with pytest.raises(UsageError, match="SLIMLAB_PULL_RUNS"):
        settings_from({"SLIMLAB_PULL_RUNS": runs})


def test_the_number_of_runs_is_read():
    assert settings_from({"SLIMLAB_PULL_RUNS": "5"}).runs == 5


def settings_from(environ: dict[str, str]) -> PullSettings:
    return wanted(from_environ(environ))


# what this machine can measure


def test_a_local_engine_as_root_measures_everything():
    assert fresh_engine_problem(euid=0, dockerd="/usr/sbin/dockerd") is None
    assert registry_problem("") is None
    assert registry_problem("unix:///var/tmp/other/docker.sock") is None


def test_without_root_there_is_no_fresh_engine_to_time_pulls():
    assert "needs root" in fresh_engine_problem(euid=1000, dockerd="/usr/sbin/dockerd")


def test_without_dockerd_there_is_no_fresh_engine_to_time_pulls():
    assert "dockerd is not installed" in fresh_engine_problem(euid=0, dockerd=None)


def test_a_remote_engine_cannot_push_to_this_machines_loopback():
    assert "cannot reach a registry" in registry_problem("tcp://build-box:2376")


def test_without_root_compressed_sizes_are_still_measured_and_the_reason_is_given():
    setting, reasons = effective(PullSettings(), docker_host="", euid=1000, dockerd="/usr/sbin/dockerd")
    assert setting == PullSettings(sizes=True, pulls=False)
    assert reasons == [
        (
            "pull times are not measured (cold pulls need a second, empty Docker engine, and starting one "
            "needs root); compressed sizes still are. Run as root to time pulls, or set SLIMLAB_PULL_MEASURE=size "
            "to say you know"
        )
    ]


def test_with_a_remote_engine_nothing_is_measured_and_only_that_reason_is_given():
    setting, reasons = effective(PullSettings(), docker_host="ssh://box", euid=1000, dockerd=None)
    assert (setting.sizes, setting.pulls) == (False, False)
    assert len(reasons) == 1
    assert "ssh://box" in reasons[0]


def test_a_measurement_turned_off_on_purpose_needs_no_reason():
    setting, reasons = effective(
        PullSettings(sizes=False, pulls=False), docker_host="ssh://box", euid=1000, dockerd=None
    )
    assert (setting.sizes, setting.pulls, reasons) == (False, False, [])


def test_the_number_of_runs_survives_the_degrading():
    assert effective(PullSettings(runs=7), docker_host="", euid=1000, dockerd=None)[0].runs == 7


def test_the_bench_judges_the_engine_the_settings_name_not_the_process_environment(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///var/run/docker.sock")
    remote = Settings(docker_host="tcp://build-box:2376")
    bench = pullbench.PullBench(PullSettings(pulls=False), echo=lambda line: None, settings=remote)
    assert (bench.setting.sizes, bench.setting.pulls) == (False, False)
    assert "DOCKER_HOST is tcp://build-box:2376" in bench.why_not()


def test_a_measurement_the_settings_turn_off_says_so_by_its_value():
    chosen = from_environ({"SLIMLAB_PULL_MEASURE": " Size "})
    bench = pullbench.PullBench(wanted(chosen), echo=lambda line: None, settings=chosen)
    assert bench.why_not() == "SLIMLAB_PULL_MEASURE=size turns that measurement off"


# manifests

LAYERS = [
    {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 30_779_431, "digest": "sha256:a"},
    {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 175, "digest": "sha256:b"},
]


@pytest.mark.parametrize("media_type", [DOCKER_MANIFEST, OCI_MANIFEST])
def test_the_compressed_size_is_the_sum_of_the_layer_blobs_without_the_config(media_type):
    manifest = {"schemaVersion": 2, "mediaType": media_type, "config": {"size": 4716}, "layers": LAYERS}
    assert layers_bytes(manifest) == 30_779_606


def test_each_layer_blob_is_listed_lowest_first_so_it_lines_up_with_the_diff_ids():
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": {"size": 4716}, "layers": LAYERS}
    assert layer_blobs(manifest) == tuple(layer["size"] for layer in LAYERS)


def test_an_oci_manifest_without_a_media_type_is_read_by_its_layers():
    assert layers_bytes({"schemaVersion": 2, "config": {"size": 1}, "layers": LAYERS[1:]}) == 175


def test_an_image_with_no_layers_downloads_nothing_but_its_config():
    assert layers_bytes({"mediaType": OCI_MANIFEST, "layers": []}) == 0


@pytest.mark.parametrize("media_type", [DOCKER_LIST, OCI_INDEX])
def test_an_index_is_not_mistaken_for_an_image_manifest(media_type):
    index = {"mediaType": media_type, "manifests": []}
    assert is_index(index)
    with pytest.raises(ValueError, match="not a single-platform image manifest"):
        layers_bytes(index)


INDEX = {
    "mediaType": OCI_INDEX,
    "manifests": [
        {"digest": "sha256:arm", "platform": {"os": "linux", "architecture": "arm64"}},
        {"digest": "sha256:attestation", "platform": {"os": "unknown", "architecture": "unknown"}},
        {"digest": "sha256:amd", "platform": {"os": "linux", "architecture": "amd64"}},
    ],
}


def test_the_platform_manifest_is_picked_out_of_an_index_past_attestations():
    assert platform_digest(INDEX, "linux", "amd64") == "sha256:amd"
    assert platform_digest(INDEX, "linux", "arm64") == "sha256:arm"


def test_an_index_without_the_platform_says_which_platforms_it_holds():
    with pytest.raises(ValueError, match=r"no linux/s390x manifest .*linux/arm64, unknown/unknown, linux/amd64"):
        platform_digest(INDEX, "linux", "s390x")


def test_a_single_manifest_is_not_an_index():
    assert not is_index({"mediaType": DOCKER_MANIFEST, "layers": LAYERS})


# throttled links


def test_a_link_is_a_token_bucket_at_the_rate_with_room_for_a_loopback_packet():
    assert tbf(100) == ["root", "tbf", "rate", "100mbit", "burst", "256kb", "latency", "200ms"]
    assert tbf(12.5)[3] == "12.5mbit"


def test_an_image_pushed_early_is_not_pushed_again_under_the_same_tag(monkeypatch):
    pushes: list[tuple[str, str]] = []

    class Found:
        def ref(self, repository: str, tag: str) -> str:
            return f"127.0.0.1:5000/{repository}:{tag}"

    monkeypatch.setattr(pullbench.transfer, "push", lambda image, ref: pushes.append((image, ref)))
    manifest = {"layers": [{"digest": "sha256:l1", "size": 7}]}
    monkeypatch.setattr(pullbench.registry, "image_manifest", lambda *args: manifest)
    bench = pullbench.PullBench(PullSettings(sizes=True, pulls=False), echo=lambda line: None, settings=Settings())
    monkeypatch.setattr(bench, "_started_registry", Found)
    bench.push("lab-9-demo", {"before": "sha256:b"})
    repository = HERE.repository("lab-9-demo")
    blobs = bench._pushed(Found(), repository, {"before": "sha256:b", "after": "sha256:a"})  # type: ignore[arg-type]
    assert pushes == [
        ("sha256:b", f"127.0.0.1:5000/{repository}:before"),
        ("sha256:a", f"127.0.0.1:5000/{repository}:after"),
    ]
    assert blobs["before"] == blobs["after"] == (("sha256:l1",), (7,))
    bench._pushed(Found(), repository, {"before": "sha256:rebuilt"})  # type: ignore[arg-type]
    assert pushes[-1] == ("sha256:rebuilt", f"127.0.0.1:5000/{repository}:before")


def test_images_are_pushed_under_this_checkout_s_name_for_the_lab():
    assert HERE.repository("lab-9-demo") == f"slimlab-{HERE.id}/lab-9-demo"
