"""`make clean` removes this checkout's own images and nothing else (needs a Docker engine)."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
from conftest import ROOT

from checks.model import checkout
from checks.model.checkout import HERE, Checkout

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]


def build(context: Path, tag: str, dockerfile: str, labels: dict[str, str]) -> None:
    (context / "Dockerfile").write_text(dockerfile)
    (context / "payload").write_text(tag)
    command = ["docker", "buildx", "build", "--load", "-q", "-t", tag, str(context)]
    for key, value in labels.items():
        command[4:4] = ["--label", f"{key}={value}"]
    subprocess.run(command, check=True, capture_output=True)


def exists(ref: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", ref], check=False, capture_output=True).returncode == 0


def test_make_clean_removes_only_images_this_checkout_labelled_as_its_own(tmp_path):
    lab = f"test-clean-{uuid.uuid4().hex[:8]}"
    other = Checkout(uuid.uuid4().hex[: checkout.ID_DIGITS])
    mine = {"org.slimlab.managed": "true", checkout.LABEL: HERE.id, "org.slimlab.lab": lab}
    ours, theirs = HERE.tag(lab, "after"), other.tag(lab, "after")
    unlabelled, older, users = HERE.tag(lab, "unlabelled"), f"slimlab/{lab}:after", f"slimlab-test-user/{lab}:child"
    build(tmp_path, ours, "FROM scratch\nCOPY payload /ours\n", mine)
    # The same lab verified in another checkout on this engine: its images are that checkout's.
    build(tmp_path, theirs, "FROM scratch\nCOPY payload /theirs\n", {**mine, checkout.LABEL: other.id})
    # Same namespace and lab label, but not the managed label: not slimlab's.
    build(tmp_path, unlabelled, "FROM scratch\nCOPY payload /unlabelled\n", {"org.slimlab.lab": lab})
    # From before checkouts had names of their own: a checkout that has not updated yet may have recorded it.
    build(
        tmp_path, older, "FROM scratch\nCOPY payload /older\n", {"org.slimlab.managed": "true", "org.slimlab.lab": lab}
    )
    # A user's image built on a slimlab image inherits its labels but is the user's.
    build(tmp_path, users, f"FROM {ours}\nCOPY payload /child\n", {})
    try:
        done = subprocess.run(["make", "clean", f"LAB={lab}"], check=False, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert not exists(ours)
        assert all(exists(ref) for ref in (theirs, unlabelled, older, users))
    finally:
        subprocess.run(
            ["docker", "rmi", "-f", ours, theirs, unlabelled, older, users], check=False, capture_output=True
        )
