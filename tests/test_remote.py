"""checks.engine.remote: ``analyze docker://...``, an image in a registry read through skopeo, and Podman's
oci-archive.

The pure part (which arguments skopeo gets, which image of an index is copied) needs nothing.  The tests marked
``registry`` start Debian's docker-registry on loopback (checks/setup/registry.sh, which ``make test`` runs),
push multi-platform layouts made here into it with skopeo (``make skopeo``), and analyze them by reference: no
Docker engine is involved.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from analyze_images import file, oci_layout, platform_index
from conftest import IN_CI

from checks import cli
from checks.engine import recompress, registry, remote
from checks.inspect.documents import platform_named
from checks.model.errors import UsageError
from checks.model.settings import from_environ

DIGEST = "sha256:" + "ab" * 32


def test_a_registry_on_loopback_is_read_without_tls_and_any_other_with_it():
    assert remote.tls_arguments("127.0.0.1:5000/app:1") == ["--tls-verify=false"]
    assert remote.tls_arguments("localhost:5000/team/app") == ["--tls-verify=false"]
    assert remote.tls_arguments("localhost/app") == ["--tls-verify=false"]
    assert remote.tls_arguments("[::1]:5000/app") == ["--tls-verify=false"]
    assert remote.tls_arguments("registry.example.com/app:1") == []
    assert remote.tls_arguments("localhost.example.com:5000/app") == []
    assert remote.tls_arguments("library/debian:13") == []


def test_skopeo_copies_the_one_image_into_a_layout_tls_off_only_for_loopback(tmp_path):
    assert remote.copy_arguments("127.0.0.1:5000/app@" + DIGEST, tmp_path) == [
        "copy",
        "--quiet",
        "--retry-times",
        "2",
        "--src-tls-verify=false",
        f"docker://127.0.0.1:5000/app@{DIGEST}",
        f"oci:{tmp_path}:image",
    ]
    assert "--src-tls-verify=false" not in remote.copy_arguments("example.com/app:1", tmp_path)
    assert remote.inspect_arguments("example.com/app:1")[-1] == "docker://example.com/app:1"


@pytest.mark.parametrize(
    ("reference", "pinned"),
    [
        ("127.0.0.1:5000/app:1", f"127.0.0.1:5000/app@{DIGEST}"),
        ("127.0.0.1:5000/team/app", f"127.0.0.1:5000/team/app@{DIGEST}"),
        (f"example.com/app@sha256:{'cd' * 32}", f"example.com/app@{DIGEST}"),
    ],
)
def test_an_index_s_image_is_copied_by_its_digest_on_the_same_repository(reference, pinned):
    assert remote.pinned(reference, DIGEST) == pinned


@pytest.mark.parametrize("argument", ["docker://", "docker://Bad Name", "docker://sha256:" + "a" * 64])
def test_what_is_no_reference_after_docker_is_a_usage_error_with_an_example(argument):
    with pytest.raises(UsageError, match="is no registry reference: give docker://HOST"):
        remote.reference_of(argument)


def test_an_index_is_chosen_from_as_a_layout_s_and_a_manifest_is_copied_as_named():
    files = platform_index({"linux/amd64": [[file("a", 1)]], "linux/arm64": [[file("b", 1)]]})
    (top,) = json.loads(files["index.json"])["manifests"]
    index = files[f"blobs/sha256/{top['digest'][7:]}"]
    arm = next(d for d in json.loads(index)["manifests"] if d["platform"]["architecture"] == "arm64")
    image, notes = remote.chosen("docker://r/app:1", "r/app:1", index, platform_named("linux/arm64"))
    assert image == f"r/app@{arm['digest']}"
    assert notes[0].endswith("slimlab read linux/arm64")
    with pytest.raises(UsageError, match=r"'docker://r/app:1' is a multi-platform image: its index holds 2"):
        remote.chosen("docker://r/app:1", "r/app:1", index, None)
    manifest = files[f"blobs/sha256/{arm['digest'][7:]}"]
    assert remote.chosen("docker://r/app:1", "r/app:1", manifest, None) == ("r/app:1", [])


def test_without_skopeo_its_setup_script_runs_and_if_it_cannot_install_it_the_error_says_what_to_do(
    tmp_path, monkeypatch, capsys
):
    setup = tmp_path / "skopeo.sh"
    setup.write_text("echo 'no package manager here' >&2\nexit 1\n")
    monkeypatch.setattr(recompress, "SETUP", setup)
    monkeypatch.setattr(recompress.shutil, "which", lambda name: None)
    assert cli.main(["analyze", "docker://localhost:5000/app:1"]) == 2
    said = capsys.readouterr().err
    assert "Reading docker://localhost:5000/app:1 from its registry takes skopeo, which is not installed" in said
    assert "(no package manager here)" in said
    assert "apt-get install skopeo" in said


# --- a real registry and skopeo ---------------------------------------------------------------------


def need(found: str | None, what: str) -> str:
    if not found:
        message = f"{what} is not installed: `make test` installs it first"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def served():
    """The registry on loopback, with ``multi:1`` (linux/amd64 and linux/arm64, and an attestation) and
    ``one:1`` (linux/arm64 only) pushed into it; yields its address."""
    binary = need(registry.find_binary(from_environ(os.environ).registry_bin), "docker-registry")
    need(shutil.which("skopeo"), "skopeo")
    with registry.local_registry(binary) as found:
        for name, images in [("multi:1", IMAGES), ("one:1", {"linux/arm64": IMAGES["linux/arm64"]})]:
            push(platform_index(images, attestation=True), f"{found.address}/{name}")
        yield found.address


IMAGES = {
    "linux/amd64": [[file("app/bin", 1000)]],
    "linux/arm64": [[file("app/bin", 1000), file("app/arm-only", 4000)]],
}


def layout_at(folder: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def push(files: dict[str, bytes], reference: str, tmp: Path | None = None) -> None:
    folder = layout_at(Path(tmp or recompress.SCRATCH) / f"push-{os.getpid()}", files)
    try:
        copy = ["skopeo", "copy", "-q", "--all", "--dest-tls-verify=false", f"oci:{folder}", f"docker://{reference}"]
        done = subprocess.run(copy, capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode == 0, done.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def copies() -> set[str]:
    return {path.name for path in recompress.SCRATCH.glob("slimlab-copy-*")}


@pytest.mark.registry
def test_a_registry_s_index_of_two_platforms_is_exit_2_listing_them(served, capsys):
    before = copies()
    assert cli.main(["analyze", f"docker://{served}/multi:1"]) == 2
    said = capsys.readouterr().err
    assert f"'docker://{served}/multi:1' is a multi-platform image: its index holds 2 platforms" in said
    assert "(linux/amd64, linux/arm64)" in said
    assert copies() == before


@pytest.mark.registry
@pytest.mark.parametrize(("platform", "size"), [("linux/amd64", 1000), ("linux/arm64", 5000)])
def test_a_registry_s_image_is_read_for_the_platform_asked_and_its_copy_removed(served, capsys, platform, size):
    before = copies()
    assert cli.main(["analyze", "--json", "--platform", platform, f"docker://{served}/multi:1"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["size_bytes"] == size
    assert f"slimlab read {platform}." in err
    assert copies() == before


@pytest.mark.registry
def test_a_registry_s_image_of_one_platform_needs_no_platform_and_diffs_against_a_file(served, tmp_path, capsys):
    assert cli.main(["analyze", "--json", f"docker://{served}/one:1"]) == 0
    assert json.loads(capsys.readouterr().out)["size_bytes"] == 5000
    folder = layout_at(tmp_path / "amd64", oci_layout(IMAGES["linux/amd64"]))
    assert cli.main(["diff", "--json", str(folder), f"docker://{served}/one:1"]) == 0
    (app,) = json.loads(capsys.readouterr().out)["directories"]
    assert app["net_bytes"] == 4000


@pytest.mark.registry
def test_a_tag_the_registry_lacks_is_exit_2_quoting_skopeo_and_saying_what_to_check(served, capsys):
    assert cli.main(["analyze", f"docker://{served}/absent:1"]) == 2
    said = capsys.readouterr().err
    assert f"skopeo could not read 'docker://{served}/absent:1'" in said
    assert "skopeo inspect docker://HOST/REPO:TAG" in said


@pytest.mark.registry
def test_podman_s_oci_archive_as_skopeo_writes_it_reads_as_the_layout_it_holds(tmp_path, capsys):
    need(shutil.which("skopeo"), "skopeo")
    folder = layout_at(tmp_path / "layout", platform_index({"linux/arm64": IMAGES["linux/arm64"]}))
    archive = tmp_path / "podman.tar"
    for compression in ("gzip", "zstd"):
        copy = [
            "skopeo",
            "copy",
            "-q",
            "--all",
            "--dest-compress-format",
            compression,
            f"oci:{folder}",
            f"oci-archive:{archive}",
        ]
        done = subprocess.run(copy, capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode == 0, done.stderr
        assert cli.main(["analyze", "--json", str(archive)]) == 0
        assert json.loads(capsys.readouterr().out)["size_bytes"] == 5000
        archive.unlink()
