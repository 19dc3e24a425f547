"""The runtime floor of a real lab image, traced with strace in a chroot of its layers (needs a Docker engine)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from checks.engine import docker, floor, images
from checks.engine.bases import Resolver
from checks.engine.buildx import BuildRequest
from checks.measure.source import image_labels, image_tag, resolve_bases
from checks.model.spec import load

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]

LAB = Path(__file__).resolve().parent.parent / "labs" / "lab-4-go-multistage"


@pytest.fixture(scope="module")
def scratch_image(engine) -> dict:
    """Lab 4's ``after``: a static Go binary and the CA certificates on scratch, as its non-root user."""
    lab = load(LAB)
    resolver = Resolver(echo=lambda line: None)
    variant = lab.variant("after")
    request = BuildRequest(
        dockerfile=LAB / variant.dockerfile,
        context=LAB / variant.context,
        tag=image_tag(lab, variant),
        labels=image_labels(lab, variant),
        contexts=resolver.contexts(resolve_bases(lab, LAB, resolver)),
    )
    info = images.inspect_image(docker.build(request, echo=lambda line: None).image_id)
    assert info is not None
    return info


def mounts() -> str:
    return Path("/proc/self/mountinfo").read_text()


def test_the_floor_of_a_scratch_image_is_its_binary_and_its_certificates(scratch_image):
    floor.ensure_strace(print)
    run = floor.measure_floor(scratch_image, ["-selfcheck"], expect="GET / -> 200", timeout=60)
    assert run.floor is not None, run.why
    assert set(run.floor.files) == {"greeter", "etc/ssl/certs/ca-certificates.crt"}
    assert run.floor.bytes == scratch_image["Size"]


def test_a_traced_run_leaves_no_mount_and_no_folder_behind(scratch_image, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    floor.measure_floor(scratch_image, ["-selfcheck"], expect="", timeout=60)
    assert "slimlab-floor-" not in mounts()
    assert list(tmp_path.iterdir()) == []


def test_a_run_that_does_not_print_what_the_smoke_test_expects_has_no_floor(scratch_image):
    run = floor.measure_floor(scratch_image, ["-selfcheck"], expect="not what it prints", timeout=60)
    assert run.floor is None
    assert "did not print 'not what it prints'" in run.why
