"""analyze and diff give the same figures for the same image on both of Docker's image stores (needs root, dockerd).

The main engine here keeps images in the classic store (overlay2 layer
folders, read from the engine's own files); a second, empty engine
(:func:`checks.engine.fresh_engine.fresh_engine`) keeps them in the containerd
image store, where there are no such folders (the layers are read from
containerd's content store) and ``docker save`` writes an OCI layout (on a
machine whose main engine uses the containerd store, the second engine uses
the classic one).  Two small images made from nothing (deletions, overwrites,
a hard link, removable files, a secret that a later layer deletes) are loaded
into both, tagged ``slimlab/test-ctr-stores:*``, and removed from the main
engine afterwards; the second engine is stopped and removed whatever happens.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from analyze_images import directory, docker_archive, file, hardlink, opaque, symlink, whiteout, zeros
from conftest import IN_CI, run_checks
from fake_secrets import SECRETS, written

from checks.engine.fresh_engine import fresh_engine
from checks.inspect.archive import read_archive
from checks.model.pulls import fresh_engine_problem

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]

TOKEN = next(s for s in SECRETS if s.rule == "github-token")
BEFORE, AFTER = "slimlab/test-ctr-stores:before", "slimlab/test-ctr-stores:after"
IMAGES = {
    BEFORE: [
        [
            directory("a"),
            zeros("a/big", 3_000_000),
            directory("etc"),
            file("etc/conf", 100_000),
            file("etc/credentials", f"token={written(TOKEN)}\n".encode()),
            directory("bin"),
            file("bin/tool", 400_000),
            hardlink("bin/tool2", "bin/tool"),
            symlink("bin/sh", "tool"),
            directory("opq"),
            file("opq/old", 70_000),
        ],
        [
            directory("var/cache/apt/archives"),
            file("var/cache/apt/archives/gcc.deb", 900_000),
            directory("usr/share/doc/gcc"),
            file("usr/share/doc/gcc/README", 50_000),
            directory("usr/local/go/bin"),
            file("usr/local/go/bin/go", 2_000_000),
        ],
        [
            directory("a"),
            whiteout("a/big"),
            directory("etc"),
            whiteout("etc/credentials"),
            file("etc/conf", 100_001),
            directory("opq"),
            opaque("opq"),
            file("opq/new", 10_000),
        ],
        [directory("bin"), file("bin/tool", 10)],
    ],
    AFTER: [
        [
            directory("etc"),
            file("etc/conf", 100_001),
            directory("bin"),
            file("bin/tool", 10),
            file("app", 600_000),
        ],
    ],
}


def docker_cli(host: str | None) -> list[str]:
    """The docker CLI for the engine at ``host``; None: the main engine."""
    return ["docker", *(["-H", host] if host else [])]


def load(host: str | None, archive: bytes) -> None:
    done = subprocess.run([*docker_cli(host), "load"], input=archive, capture_output=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr.decode()


def checks_json(*args: str, host: str | None = None) -> dict:
    done = run_checks(*args, "--json", env={"DOCKER_HOST": host} if host else None, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def inspected(ref: str, field: str, host: str | None = None) -> str:
    command = [*docker_cli(host), "image", "inspect", "--format", "{{." + field + "}}", ref]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout.strip()


def store_of(host: str | None) -> str:
    """``containerd`` or ``classic``: the image store the engine at ``host`` keeps its images in."""
    command = [*docker_cli(host), "info", "--format", "{{json .DriverStatus}}"]
    status = json.loads(subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout)
    return "containerd" if ["driver-type", "io.containerd.snapshotter.v1"] in (status or []) else "classic"


@pytest.fixture(scope="module")
def stores():
    """Each store's engine (None: the main one): the main engine for its own store, a second, empty engine for the
    other (here the classic store is the main engine's), each holding both images; the images are removed from the
    main engine afterwards, and the second engine stopped and removed."""
    problem = fresh_engine_problem(euid=os.geteuid(), dockerd=shutil.which("dockerd"))
    if problem:
        message = f"no second engine for the other image store: {problem}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    main = store_of(None)
    try:
        with fresh_engine(containerd_store=main == "classic") as second:
            hosts = {main: None, ("containerd" if main == "classic" else "classic"): second}
            for host in hosts.values():
                for ref, layers in IMAGES.items():
                    load(host, docker_archive(layers, tag=ref))
            yield hosts
    finally:
        subprocess.run(["docker", "rmi", "-f", *IMAGES], capture_output=True, check=False, timeout=120)


def without_identity(analysis: dict) -> dict:
    """An analysis without what names the image and where it was read, which the two stores give differently."""
    return {key: value for key, value in analysis.items() if key not in ("image_id", "source")}


def test_the_two_engines_keep_their_images_in_the_two_stores(stores):
    assert [store_of(stores[store]) for store in ("classic", "containerd")] == ["classic", "containerd"]


@pytest.mark.parametrize("source", ["auto", "save"])
def test_analyze_gives_the_same_figures_and_secrets_on_both_stores(stores, source):
    stored = checks_json("analyze", "--source", source, BEFORE, host=stores["classic"])
    saved = checks_json("analyze", "--source", source, BEFORE, host=stores["containerd"])
    # auto: the classic store's layer store, containerd's content store (blobs by digest, every digest checked)
    expected = {"auto": ("storage", "content-store"), "save": ("save", "save")}[source]
    assert (stored["source"], saved["source"]) == expected
    assert without_identity(saved) == without_identity(stored)
    # the figures the comparison holds are real ones, not two empty analyses
    assert saved["size_bytes"] == sum(len(item.content) for layer in IMAGES[BEFORE] for item in layer)
    assert saved["wasted_bytes"] >= 100_000 + 100_001  # etc/conf, twice
    assert {"deleted-later", "package-manager-cache", "docs-man", "build-toolchain"} <= set(saved["classes"])
    assert {(s["rule"], s["path"]) for s in saved["secrets"]} == {("github-token", "etc/credentials")}


def test_each_store_names_the_image_by_its_own_id(stores):
    classic, containerd = stores["classic"], stores["containerd"]
    stored, saved = checks_json("analyze", AFTER, host=classic), checks_json("analyze", AFTER, host=containerd)
    assert stored["image_id"] == inspected(AFTER, "Id", classic)  # the config's digest
    assert saved["image_id"] == inspected(AFTER, "Id", containerd)  # the manifest's digest
    assert stored["image_id"] != saved["image_id"]


@pytest.mark.parametrize("source", ["auto", "save"])
def test_diff_gives_the_same_figures_on_both_stores(stores, source):
    stored = checks_json("diff", "--source", source, BEFORE, AFTER, host=stores["classic"])
    saved = checks_json("diff", "--source", source, BEFORE, AFTER, host=stores["containerd"])
    assert saved == stored
    assert saved["total"]["net_bytes"] == saved["b_bytes"] - saved["a_bytes"] < 0


def saved(host: str | None, ref: str) -> bytes:
    return subprocess.run([*docker_cli(host), "save", ref], capture_output=True, check=True, timeout=300).stdout


def test_what_docker_save_writes_on_the_containerd_store_reads_the_same_as_a_file(stores, tmp_path: Path):
    archive = tmp_path / "before.tar"
    archive.write_bytes(saved(stores["containerd"], BEFORE))
    with tarfile.open(archive) as tar:
        assert {"oci-layout", "index.json"} <= set(tar.getnames())
    from_file = checks_json("analyze", str(archive))
    assert from_file["source"] == "oci-layout"
    stored = checks_json("analyze", BEFORE, host=stores["classic"])
    assert without_identity(from_file) | {"image": BEFORE} == without_identity(stored)


def test_a_save_stream_with_only_its_oci_layout_reads_as_one_with_manifest_json_too(stores):
    whole = saved(stores["containerd"], BEFORE)
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(whole)) as source, tarfile.open(fileobj=out, mode="w") as stripped:
        for member in source:
            if member.name != "manifest.json":
                stripped.addfile(member, source.extractfile(member) if member.isfile() else None)
    assert read_archive(io.BytesIO(out.getvalue()))[1:] == read_archive(io.BytesIO(whole))[1:]
