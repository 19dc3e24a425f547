"""checks.engine.registry: a throwaway registry on loopback that starts, answers and leaves nothing, or fails fast.

No Docker here: images are uploaded through the registry's own HTTP API.  The
tests that run the real registry are marked ``registry`` and need
``docker-registry`` (``make test`` installs it first with checks/setup/registry.sh;
the tests never install it); without it they are skipped, visibly, and in CI a
skip fails the run (see conftest.py).
"""

from __future__ import annotations

import hashlib
import json
import socket
import stat
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import IN_CI

from checks.engine import registry
from checks.model.errors import UsageError
from checks.model.pulls import DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST
from checks.model.settings import from_process


@pytest.fixture(scope="module")
def binary() -> str:
    """The installed docker-registry; tests never install it (`make test` runs checks/setup/registry.sh first)."""
    found = registry.find_binary(from_process().registry_bin)
    if not found:
        message = "docker-registry is not installed: run `make test`, whose checks/setup/registry.sh installs it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


def running(path: Path) -> bool:
    return any(
        path.as_posix() in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        for pid in (entry.name for entry in Path("/proc").iterdir())
        if pid.isdigit() and Path(f"/proc/{pid}/cmdline").exists()
    )


# failing fast


def test_a_binary_that_does_not_exist_is_a_usage_error_naming_it(tmp_path):
    with (
        pytest.raises(UsageError, match="'/nonexistent/docker-registry' does not exist"),
        registry.local_registry("/nonexistent/docker-registry"),
    ):
        pass


def test_a_file_that_is_not_executable_is_a_usage_error(tmp_path):
    plain = tmp_path / "docker-registry"
    plain.write_text("not a program")
    with pytest.raises(UsageError, match="is not executable"), registry.local_registry(str(plain)):
        pass


def script(folder: Path, body: str) -> str:
    path = folder / "fake-registry"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_a_registry_that_exits_at_once_is_a_usage_error_quoting_its_log(tmp_path):
    fake = script(tmp_path, "echo 'configuration error: no storage' >&2; exit 1")
    start = time.monotonic()
    with (
        pytest.raises(UsageError, match=r"could not start on 127\.0\.0\.1:\d+ \(exit 1\)(.|\n)*configuration error"),
        registry.local_registry(fake),
    ):
        pass
    assert time.monotonic() - start < 5


def test_a_registry_that_never_answers_is_a_usage_error_after_the_timeout_not_a_hang(tmp_path):
    fake = script(tmp_path, "exec sleep 60")
    start = time.monotonic()
    with pytest.raises(UsageError, match="did not answer within 1s"), registry.local_registry(fake, timeout=1):
        pass
    assert time.monotonic() - start < 5
    assert not running(tmp_path / "fake-registry")


def test_the_binary_the_settings_name_comes_before_the_one_on_path(monkeypatch):
    monkeypatch.setattr(registry.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert registry.find_binary("/opt/registry") == "/opt/registry"
    assert registry.find_binary(None) == "/usr/bin/docker-registry"


@pytest.mark.registry
def test_a_port_already_in_use_is_a_usage_error_saying_so(binary):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        start = time.monotonic()
        with pytest.raises(UsageError, match="address already in use"), registry.local_registry(binary, port=port):
            pass
    assert time.monotonic() - start < 10


# a running registry


@pytest.mark.registry
def test_the_registry_answers_on_loopback_and_leaves_nothing_behind(binary):
    with registry.local_registry(binary) as found:
        assert found.address.startswith("127.0.0.1:")
        with urllib.request.urlopen(f"http://{found.address}/v2/", timeout=5) as answer:
            assert answer.status == 200
        root = found.root
        assert root.is_dir()
    assert not root.exists()
    assert not running(root / "config.yml")


@pytest.mark.registry
def test_an_error_inside_the_block_still_stops_the_registry(binary):
    with pytest.raises(RuntimeError), registry.local_registry(binary) as found:
        raise RuntimeError("a push failed")
    assert not found.root.exists()
    with pytest.raises(OSError, match=r"Connection refused|timed out"):
        urllib.request.urlopen(f"http://{found.address}/v2/", timeout=2)


def upload(address: str, repository: str, data: bytes) -> dict:
    """One blob, uploaded in one PUT (open an upload, then close it with the data); returns its descriptor."""
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    start = urllib.request.Request(f"http://{address}/v2/{repository}/blobs/uploads/", data=b"", method="POST")
    with urllib.request.urlopen(start, timeout=10) as answer:
        location = answer.headers["Location"]
    url = location if location.startswith("http") else f"http://{address}{location}"
    finish = urllib.request.Request(
        f"{url}{'&' if '?' in url else '?'}digest={digest}",
        data=data,
        method="PUT",
        headers={"Content-Type": "application/octet-stream"},
    )
    with urllib.request.urlopen(finish, timeout=10) as answer:
        assert answer.status == 201
    return {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": len(data)}


def put_manifest(address: str, repository: str, reference: str, manifest: dict, media_type: str) -> str:
    body = json.dumps(manifest).encode()
    request = urllib.request.Request(
        f"http://{address}/v2/{repository}/manifests/{reference}",
        data=body,
        method="PUT",
        headers={"Content-Type": media_type},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201
    return "sha256:" + hashlib.sha256(body).hexdigest()


def image_manifest(
    found: registry.Registry, repository: str, layers: list[bytes], media_type: str = OCI_MANIFEST
) -> dict:
    config = upload(found.address, repository, b'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}}')
    config["mediaType"] = (
        "application/vnd.oci.image.config.v1+json"
        if media_type == OCI_MANIFEST
        else "application/vnd.docker.container.image.v1+json"
    )
    descriptors = [upload(found.address, repository, layer) for layer in layers]
    if media_type == DOCKER_MANIFEST:
        descriptors = [{**d, "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip"} for d in descriptors]
    return {"schemaVersion": 2, "mediaType": media_type, "config": config, "layers": descriptors}


@pytest.mark.registry
@pytest.mark.parametrize("media_type", [DOCKER_MANIFEST, OCI_MANIFEST])
def test_the_compressed_size_read_back_is_the_sum_of_the_uploaded_layers(binary, media_type):
    with registry.local_registry(binary) as found:
        manifest = image_manifest(found, "slimlab/demo", [b"a" * 1000, b"b" * 2345], media_type)
        put_manifest(found.address, "slimlab/demo", "after", manifest, media_type)
        assert registry.compressed_size(found, "slimlab/demo", "after") == 3345


@pytest.mark.registry
def test_the_compressed_size_of_an_index_is_that_of_this_platforms_image(binary):
    with registry.local_registry(binary) as found:
        amd = image_manifest(found, "slimlab/multi", [b"x" * 5000])
        arm = image_manifest(found, "slimlab/multi", [b"y" * 7000, b"z" * 10])
        digests = {
            name: put_manifest(found.address, "slimlab/multi", name, m, OCI_MANIFEST)
            for name, m in (("amd", amd), ("arm", arm))
        }
        index = {
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [
                {
                    "mediaType": OCI_MANIFEST,
                    "digest": digests["arm"],
                    "size": 1,
                    "platform": {"os": "linux", "architecture": "arm64"},
                },
                {
                    "mediaType": OCI_MANIFEST,
                    "digest": digests["amd"],
                    "size": 1,
                    "platform": {"os": "linux", "architecture": "amd64"},
                },
            ],
        }
        put_manifest(found.address, "slimlab/multi", "latest", index, OCI_INDEX)
        assert registry.compressed_size(found, "slimlab/multi", "latest", ("linux", "amd64")) == 5000
        assert registry.compressed_size(found, "slimlab/multi", "latest", ("linux", "arm64")) == 7010


@pytest.mark.registry
def test_asking_for_a_tag_never_pushed_is_a_usage_error(binary):
    with (
        registry.local_registry(binary) as found,
        pytest.raises(UsageError, match=r"no manifest for slimlab/demo:missing \(HTTP 404\)"),
    ):
        registry.compressed_size(found, "slimlab/demo", "missing")


# the registry's configuration


def test_the_registry_listens_only_where_it_is_told_and_stores_only_where_it_is_told():
    config = registry.registry_config(Path("/tmp/x/storage"), "127.0.0.1:41234")
    assert "  addr: 127.0.0.1:41234\n" in config
    assert "    rootdirectory: /tmp/x/storage\n" in config
    assert "auth" not in config  # plain HTTP on loopback, which engines trust by default
