"""`make clean` removes slimlab's own images and nothing else (needs a Docker engine)."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
from conftest import ROOT

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


def test_make_clean_removes_only_images_slimlab_labelled_as_its_own(tmp_path):
    lab = f"test-clean-{uuid.uuid4().hex[:8]}"
    ours, unlabelled, users = f"slimlab/{lab}:after", f"slimlab/{lab}:unlabelled", f"slimlab-test-user/{lab}:child"
    build(tmp_path, ours, "FROM scratch\nCOPY payload /ours\n", {"org.slimlab.managed": "true", "org.slimlab.lab": lab})
    # Same namespace and lab label, but not the managed label: not slimlab's.
    build(tmp_path, unlabelled, "FROM scratch\nCOPY payload /unlabelled\n", {"org.slimlab.lab": lab})
    # A user's image built on a slimlab image inherits its labels but is the user's.
    build(tmp_path, users, f"FROM {ours}\nCOPY payload /child\n", {})
    try:
        done = subprocess.run(["make", "clean", f"LAB={lab}"], check=False, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert not exists(ours)
        assert exists(unlabelled)
        assert exists(users)
    finally:
        subprocess.run(["docker", "rmi", "-f", ours, unlabelled, users], check=False, capture_output=True)
