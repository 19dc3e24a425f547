"""End to end: verify pushes each variant to a loopback registry and pulls it cold on a fresh engine.

A small lab of two images on busybox, one carrying 120 MB of random bytes
(which no compression shrinks), so each run takes seconds, not minutes.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest
from conftest import run_checks

from checks.model.compression import KEYS
from checks.plan.pulls import LINK_RUNS

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]

NAME = "lab-9-pull-test"
SPEC = """
[lab]
title = "Pull test"
page = "pull-speed"

[variants.before]
description = "busybox and 120 MB of random bytes"

[variants.after]
description = "busybox alone"

[[claims]]
id = "L9.1"
kind = "max_compressed_size"
text = "The small image downloads at most 5 MB."
variant = "after"
max_mb = 5
"""
SPEEDUP = """
[[claims]]
id = "L9.2"
kind = "pull_speedup"
text = "The small image pulls at least 1.5 times faster."
variant = "after"
of = "before"
min = 1.5
"""

LINK = """
[[claims]]
id = "L9.3"
kind = "pull_speedup"
text = "Over a 400 Mbit/s link, the small image pulls at least 3 times faster."
variant = "after"
of = "before"
min = 3
link_mbit = 400
"""


@pytest.fixture(scope="module", autouse=True)
def clean_up_images():
    yield
    run_checks("clean", "--lab", NAME)


#: Measure, whatever default the test session sets for other docker tests.
ON = {"SLIMLAB_PULL_MEASURE": "1"}


MIDDLE = """
[variants.middle]
description = "busybox and a note, a variant between before and after"
"""


def make_lab(folder: Path, *, speedup: bool = True, link: bool = False, middle: bool = False) -> Path:
    lab = folder / NAME
    lab.mkdir()
    spec = SPEC.replace("[[claims]]", (MIDDLE if middle else "") + "\n[[claims]]", 1)
    (lab / "lab.toml").write_text(spec + (SPEEDUP if speedup else "") + (LINK if link else ""))
    if middle:
        (lab / "middle.Dockerfile").write_text("FROM busybox\nRUN echo middle > /note\n")
    (lab / "before.Dockerfile").write_text("FROM busybox\nRUN head -c 120000000 /dev/urandom > /blob\n")
    (lab / "after.Dockerfile").write_text("FROM busybox\nRUN echo small > /note\n")
    return lab


def registry_address(stderr: str) -> str:
    found = re.search(r"listening on (127\.0\.0\.1:\d+)", stderr)
    assert found, stderr[-2000:]
    return found.group(1)


def answers(address: str) -> bool:
    host, port = address.split(":")
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, int(port))) == 0


def registry_tags(address: str) -> list[str]:
    done = subprocess.run(
        ["docker", "images", "--format", "{{.Repository}}:{{.Tag}}"], check=False, capture_output=True, text=True
    )
    return [line for line in done.stdout.split() if line.startswith(address)]


def test_verify_records_compressed_sizes_and_three_cold_pulls_of_each_judged_variant_and_none_between(tmp_path):
    lab = make_lab(tmp_path, middle=True)
    done = run_checks("verify", str(lab), env=ON)
    assert done.returncode == 0, done.stderr[-3000:]
    variants = json.loads((lab / "results.json").read_text())["variants"]
    before, after, middle = variants["before"], variants["after"], variants["middle"]
    assert middle["compressed_size_bytes"] < 5_000_000
    assert "pull_runs" not in middle
    assert "of middle" not in done.stderr
    assert before["compressed_size_bytes"] > 120_000_000 > before["size_bytes"] - 10_000_000
    assert after["compressed_size_bytes"] < 5_000_000
    for variant in (before, after):
        assert len(variant["pull_runs"]) == 3
        assert variant["pull_seconds"] == sorted(variant["pull_runs"])[1]
    assert before["pull_seconds"] > after["pull_seconds"]
    assert "cold pull 3/3 of after" in done.stderr
    # The compression matrix of the two ends, none of the middle: gzip as pushed, zstd as skopeo wrote it.
    assert "compressions" not in middle
    for variant in (before, after):
        rows = {row["compression"]: row for row in variant["compressions"]}
        assert list(rows) == list(KEYS)
        assert rows["gzip"]["compressed_size_bytes"] == variant["compressed_size_bytes"]
        assert rows["gzip"]["pull_seconds"] == variant["pull_runs"][0]
        assert "compress_seconds" not in rows["gzip"]
        for key in KEYS[1:]:
            assert rows[key]["compress_seconds"] > 0
            assert 0 < rows[key]["unpack_seconds"] <= rows[key]["pull_seconds"]
            assert f"pushed before-{key}" in done.stderr
            assert f"cold pull 1/1 of after-{key}" in done.stderr
    # Random bytes do not compress, whatever the compressor; busybox's binary does, best at the highest level.
    assert all(row["compressed_size_bytes"] > 120_000_000 for row in before["compressions"])
    sizes = {row["compression"]: row["compressed_size_bytes"] for row in after["compressions"]}
    assert sizes["zstd-19"] < sizes["zstd-3"]
    assert "compressed" in done.stdout
    assert "pull" in done.stdout


def test_the_registry_and_its_tags_are_gone_once_verify_ends(tmp_path):
    done = run_checks("verify", "--force", str(make_lab(tmp_path)), env=ON)
    assert done.returncode == 0, done.stderr[-3000:]
    address = registry_address(done.stderr)
    assert not answers(address)
    assert registry_tags(address) == []
    assert not list(Path("/var/tmp").glob("slimlab-recompress-*"))  # the archives and layouts skopeo used


def test_a_second_verify_with_nothing_changed_neither_pushes_nor_pulls(tmp_path):
    lab = make_lab(tmp_path)
    assert run_checks("verify", str(lab), env=ON).returncode == 0
    start = time.monotonic()
    again = run_checks("verify", str(lab), env=ON)
    assert again.returncode == 0
    assert "not rebuilt" in again.stdout
    assert "registry" not in again.stderr
    assert "cold pull" not in again.stderr
    assert time.monotonic() - start < 30


def test_with_the_measurement_off_pull_claims_are_left_unverified_and_nothing_is_recorded(tmp_path):
    lab = make_lab(tmp_path)
    done = run_checks("verify", str(lab), env={"SLIMLAB_PULL_MEASURE": "0"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{NAME}: claims L9.1, L9.2 not verified" in done.stderr
    assert "registry" not in done.stderr.replace("results.json", "")
    assert not (lab / "results.json").exists()


def test_with_sizes_only_the_compressed_size_is_recorded_without_pull_times(tmp_path):
    lab = make_lab(tmp_path, speedup=False)
    done = run_checks("verify", str(lab), env={"SLIMLAB_PULL_MEASURE": "size"})
    assert done.returncode == 0, done.stderr[-3000:]
    after = json.loads((lab / "results.json").read_text())["variants"]["after"]
    assert after["compressed_size_bytes"] < 5_000_000
    assert "pull_runs" not in after
    assert "cold pull" not in done.stderr


def test_a_registry_that_cannot_start_exits_2_with_a_clear_message(tmp_path):
    lab = make_lab(tmp_path)
    done = run_checks(
        "verify", str(lab), env={**ON, "SLIMLAB_REGISTRY_BIN": "/nonexistent/docker-registry"}, timeout=600
    )
    assert done.returncode == 2
    assert "The registry binary '/nonexistent/docker-registry' does not exist" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (lab / "results.json").exists()


def test_pulls_over_a_throttled_link_are_timed_and_recorded_by_its_rate(tmp_path):
    lab = make_lab(tmp_path, speedup=False, link=True)
    done = run_checks("verify", str(lab), env=ON)
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads((lab / "results.json").read_text())
    before = data["variants"]["before"]
    over = before["link_pulls"]["400"]
    assert len(over["pull_runs"]) == LINK_RUNS
    # 120 MB cannot cross a 400 Mbit/s link in less than 2.4 s, however fast the machine.
    assert min(over["pull_runs"]) >= 2.4
    assert f"cold pull {LINK_RUNS}/{LINK_RUNS} of before over 400 Mbit/s" in done.stderr
    assert {c["id"]: c["passed"] for c in data["claims"]}["L9.3"] is True
