"""``analyze`` and ``diff`` on a multi-platform OCI layout made here: ``--platform`` chooses, none on an index of
several is exit 2 listing them (no engine is contacted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from analyze_images import file, platform_index, tar_of

from checks import cli

#: Two platforms' images of one name: arm64's holds a file amd64's lacks.
IMAGES = {
    "linux/amd64": [[file("app/bin", 1000)]],
    "linux/arm64": [[file("app/bin", 1000), file("app/arm-only", 4000)]],
}


@pytest.fixture
def index(tmp_path: Path) -> Path:
    path = tmp_path / "multi.tar"
    path.write_bytes(tar_of(platform_index(IMAGES, attestation=True)))
    return path


def test_analyze_of_an_index_of_two_platforms_is_exit_2_listing_them_and_the_option(index, capsys):
    assert cli.main(["analyze", str(index)]) == 2
    said = capsys.readouterr().err.strip()
    assert "\n" not in said
    assert f"'{index}' is a multi-platform image: its index holds 2 platforms (linux/amd64, linux/arm64)" in said
    assert "--platform linux/amd64" in said
    assert "Traceback" not in said


@pytest.mark.parametrize(("platform", "size"), [("linux/amd64", 1000), ("linux/arm64", 5000)])
def test_analyze_with_platform_reads_that_platform_s_image_and_says_so(index, capsys, platform, size):
    assert cli.main(["analyze", "--json", "--platform", platform, str(index)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["size_bytes"] == size
    assert f"slimlab read {platform}." in err


def test_diff_with_platform_compares_the_same_platform_of_both(index, tmp_path, capsys):
    one = tmp_path / "one.tar"
    one.write_bytes(tar_of(platform_index({"linux/arm64": IMAGES["linux/amd64"]})))
    assert cli.main(["diff", "--json", "--platform", "linux/arm64", str(one), str(index)]) == 0
    (app,) = json.loads(capsys.readouterr().out)["directories"]
    assert (app["added"], app["net_bytes"]) == ({"files": 1, "bytes": 4000}, 4000)
    assert cli.main(["diff", str(one), str(index)]) == 2
    assert "is a multi-platform image" in capsys.readouterr().err


def test_a_platform_of_the_wrong_shape_is_exit_2_before_anything_is_read(tmp_path, capsys):
    assert cli.main(["analyze", "--platform", "amd64", str(tmp_path / "nothing.tar")]) == 2
    assert "--platform 'amd64' is no platform: give os/architecture" in capsys.readouterr().err


def test_another_platform_for_an_image_in_the_engine_is_exit_2_pointing_at_the_registry_or_a_layout(capsys):
    assert cli.main(["analyze", "--platform", "linux/arm64", "slimlab/test-no-such:1"]) == 2
    said = capsys.readouterr().err
    assert "is an image in the engine" in said
    assert "docker://HOST/slimlab/test-no-such:1" in said
