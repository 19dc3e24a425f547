"""Lab 2's secret pair on a real engine: the deleted token is found, is extractable, and the mount leaves none.

Builds labs/lab-2-layers/secret-deleted.Dockerfile and secret-mount.Dockerfile
(the second with the lab's fake token as its BuildKit secret), tagged
``slimlab/test-secrets:*``, labelled as slimlab's own, and removed afterwards.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import tarfile

import pytest
from conftest import LABS, run_checks

from checks.engine import docker, layer_source
from checks.engine.bases import Resolver
from checks.engine.docker import MANAGED_LABEL
from checks.engine.layer_source import analyze
from checks.model.spec import load

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]

LAB = next(LABS.glob("lab-2-*"))
#: The lab's fake token, as its Dockerfile puts it together.
TOKEN = "gh" + "p_" + "0123456789abcdefghijklmnopqrstuvwxyz"
CREDENTIALS = "etc/sdk/credentials.toml"


@pytest.fixture(scope="module")
def built():
    """The two variants, built as the checker builds them; removed afterwards."""
    lab = load(LAB)
    resolver = Resolver(echo=lambda line: None)
    uses = [resolver.resolve("debian:trixie-slim")]
    tags = {}
    try:
        for name in ("secret-deleted", "secret-mount"):
            variant = lab.variant(name)
            tags[name] = f"slimlab/test-secrets:{name}"
            request = docker.BuildRequest(
                dockerfile=LAB / variant.dockerfile,
                context=LAB / variant.context,
                tag=tags[name],
                labels={MANAGED_LABEL: "true"},
                contexts=resolver.contexts(uses),
                secrets=tuple(f"id={secret_id},src={LAB / file}" for secret_id, file in variant.secrets),
            )
            docker.build(request, echo=lambda line: None)
        yield tags
    finally:
        subprocess.run(["docker", "rmi", "-f", *tags.values()], check=False, capture_output=True)


@pytest.mark.parametrize("source", ["auto", "save"])
def test_the_deleted_token_is_found_in_the_layer_that_wrote_it_hidden_by_the_next(built, source):
    result = analyze(built["secret-deleted"], source=source, secrets=True)
    assert result.secrets is not None
    (found,) = [f for f in result.secrets if f.path == CREDENTIALS]
    assert found.rule == "github-token"
    assert not found.visible
    assert found.hidden_by == found.layer + 1
    assert "credentials.toml" in found.created_by
    assert found.redacted == f"ghp_…({len(TOKEN)} chars)"
    assert CREDENTIALS not in result.files  # no container sees it


def test_storage_and_docker_save_find_the_same_secrets(built):
    stored = analyze(built["secret-deleted"], source="auto", secrets=True)
    saved = analyze(built["secret-deleted"], source="save", secrets=True)
    assert stored.secrets == saved.secrets


def test_a_reader_child_that_dies_leaves_the_same_secrets_read_by_the_parent(built, monkeypatch):
    expected = analyze(built["secret-deleted"], source="save", secrets=True).secrets

    @contextlib.contextmanager
    def died(work):
        yield lambda: None

    monkeypatch.setattr(layer_source.proc, "aside", died)
    assert expected
    assert analyze(built["secret-deleted"], secrets=True).secrets == expected


def test_unpacked_layers_the_child_cannot_read_leave_the_same_secrets_read_from_docker_save(built, monkeypatch):
    expected = analyze(built["secret-deleted"], source="save", secrets=True).secrets

    def unreadable(*args):
        raise OSError("a file of the layer is not in its folder")

    monkeypatch.setattr(layer_source, "stored_found", unreadable)  # in the child too: it is a fork
    assert expected
    assert analyze(built["secret-deleted"], secrets=True).secrets == expected


def test_the_deleted_token_is_extractable_from_the_image_s_layer_tar(built):
    layer = next(f.layer for f in analyze(built["secret-deleted"], secrets=True).secrets or () if f.path == CREDENTIALS)
    saved = subprocess.run(["docker", "save", built["secret-deleted"]], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(saved)) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]
        blob = archive.extractfile(manifest[0]["Layers"][layer]).read()  # type: ignore[union-attr]
    with tarfile.open(fileobj=io.BytesIO(blob)) as layer_tar:
        content = layer_tar.extractfile(CREDENTIALS).read().decode()  # type: ignore[union-attr]
    assert TOKEN in content


def test_the_secret_mount_leaves_nothing_secret_looking_anywhere(built):
    result = analyze(built["secret-mount"], secrets=True)
    assert result.secrets == ()
    assert "run/secrets/api-token" not in result.files


def test_analyze_reports_the_finding_and_never_the_token(built):
    done = run_checks("analyze", built["secret-deleted"])
    assert done.returncode == 0, done.stderr
    assert TOKEN not in done.stdout
    assert f"github-token: /{CREDENTIALS}, layer" in done.stdout
    assert "layers.html#secrets-in-layers" in done.stdout
    data = json.loads(run_checks("analyze", "--json", built["secret-deleted"]).stdout)
    assert TOKEN not in json.dumps(data)
    assert any(s["path"] == CREDENTIALS and s["visible"] is False for s in data["secrets"])
