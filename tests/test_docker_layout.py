"""Archives and OCI layouts of a real image give the engine's figures and dive's (needs a Docker engine and skopeo).

One small image is built from busybox (a file overwritten, a file rewritten by
``chown``, a directory deleted in a later layer), analysed in the engine, then
saved with ``docker save`` (an OCI layout with uncompressed layers, as Docker
25+ writes it) and turned by skopeo into a classic docker-archive and into OCI
layouts with gzip and zstd layers, as a folder and as a tar.  Every one must
give the engine's figures, read with no engine at all, and the docker-archive
dive's.  ``make test`` installs skopeo (``make skopeo``); without it the skopeo
cases skip visibly, and with CI=true fail.  The image is tagged
``slimlab/test-layout:churn``, labelled as slimlab's own, and removed afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from analyze_images import figures
from conftest import build_on_busybox, run_checks
from test_docker_analyze import DIVE, remove

from checks.engine.layer_source import analyze
from checks.inspect.analyze import analysis_of
from checks.inspect.layout import read_path

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]

TAG = "slimlab/test-layout:churn"
DOCKERFILE = """\
FROM busybox
RUN --network=none dd if=/dev/zero of=/big bs=1000000 count=3 && echo one > /conf
RUN --network=none chown 1000 /big && echo two-two > /conf
RUN --network=none mkdir /data && dd if=/dev/zero of=/data/blob bs=1000000 count=2
RUN --network=none rm -rf /data
"""
#: skopeo destinations: (name, destination transport, its arguments), each written from the docker save archive.
SKOPEO = {
    "docker-archive": ("docker-archive", []),
    "oci-gzip-folder": ("oci", ["--dest-compress", "--dest-compress-format", "gzip"]),
    "oci-zstd-folder": ("oci", ["--dest-compress", "--dest-compress-format", "zstd"]),
    "oci-zstd-tar": ("oci-archive", ["--dest-compress", "--dest-compress-format", "zstd"]),
}
DEAD_ENGINE = {"DOCKER_HOST": "unix:///nonexistent/slimlab-no-engine.sock"}


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    """The image built and saved: (its analysis in the engine, the folder holding its archives)."""
    folder = tmp_path_factory.mktemp("layout")
    try:
        build_on_busybox(folder, DOCKERFILE, TAG)
        saving = ["docker", "save", TAG, "-o", str(folder / "saved.tar")]
        done = subprocess.run(saving, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr.decode()
        yield analyze(TAG), folder
    finally:
        remove(TAG)


def skopeo(folder: Path, name: str) -> str:
    if shutil.which("skopeo") is None:
        pytest.skip("skopeo is not installed: `make skopeo` installs it (make test does)")
    transport, extra = SKOPEO[name]
    target = folder / name
    if not target.exists():
        reference = f"{target}:{TAG}" if transport == "docker-archive" else f"{target}:churn"
        done = subprocess.run(
            ["skopeo", "copy", "-q", *extra, f"docker-archive:{folder / 'saved.tar'}", f"{transport}:{reference}"],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    return str(target)


def test_the_image_has_every_kind_of_waste(image):
    engine, _ = image
    assert engine.wasted_bytes > engine.reclaimable_bytes > 0
    assert {c.id for c in engine.classes} >= {"deleted-later"}


def test_docker_save_s_archive_gives_the_engine_s_figures_and_image_id(image):
    engine, folder = image
    saved = analysis_of(read_path(str(folder / "saved.tar")))
    assert saved.source == "oci-layout"  # Docker 25+ writes an OCI layout with uncompressed layers
    assert saved.image_id == engine.image_id
    assert figures(saved) == figures(engine)


@pytest.mark.parametrize("name", sorted(SKOPEO))
def test_skopeo_s_archives_and_layouts_give_the_engine_s_figures(image, name):
    engine, folder = image
    assert figures(analysis_of(read_path(skopeo(folder, name)))) == figures(engine)


def test_the_cli_reads_a_zstd_layout_with_no_engine_and_prints_the_engine_s_numbers(image):
    engine, folder = image
    done = run_checks("analyze", "--json", skopeo(folder, "oci-zstd-folder"), env=DEAD_ENGINE)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["size_bytes"], data["wasted_bytes"], data["reclaimable_bytes"]) == (
        engine.size_bytes,
        engine.wasted_bytes,
        engine.reclaimable_bytes,
    )


@pytest.mark.parametrize("archive", ["saved.tar", "docker-archive"])
def test_an_archive_s_figures_equal_dive_s_reading_the_same_archive(image, tmp_path, archive):
    _, folder = image
    path = str(folder / archive) if archive == "saved.tar" else skopeo(folder, archive)
    out = tmp_path / "dive.json"
    done = subprocess.run(
        [str(DIVE), "--source", "docker-archive", "--json", str(out), path],
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true"},
        timeout=600,
        check=False,
    )
    assert out.is_file(), f"dive wrote nothing: {done.stdout[-1000:]} {done.stderr[-1000:]}"
    theirs = json.loads(out.read_text())["image"]
    ours = analysis_of(read_path(path))
    assert ours.wasted_bytes == theirs["inefficientBytes"]
    assert ours.efficiency == pytest.approx(theirs["efficiencyScore"], abs=1e-12)
    assert [layer.size_bytes for layer in ours.layers] == [
        layer["sizeBytes"] for layer in json.loads(out.read_text())["layer"]
    ]
