"""Two checkouts, one engine: each keeps the images it recorded, whatever the other verifies or cleans (needs a
Docker engine).

Two copies of this checkout (its files as git lists them, committed or not: the code under test), as a CI
runner's two pipelines or an instructor's second copy have them, B a commit ahead of A (its ``after`` carries
one more label).  Each verifies lab 4 in turn, then both at once; afterwards the image each copy's
results.json records for each variant is still in the engine, under that copy's own name.  Then a clean in A
leaves B's images.  To stay cheap, lab 4 is cut down in both copies to its ``before`` and ``after`` and two
claims that need no rebuild, runtime floor or registry, and nothing is pulled: the build cache holds every
step, so each verify builds in seconds.  The copies and their images are removed at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from checks.model.checkout import Checkout

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]

LAB = "lab-4-go-multistage"
#: Lab 4's spec with only what a verify of before and after needs no rebuild, floor or registry to judge.
SPEC = """\
[lab]
title = "Multi-stage builds: a Go web service (before and after only)"
page = "multi-stage"

[smoke]
args = ["-selfcheck"]
expect = "GET / -> 200 hello from slimlab"
timeout = 60

[variants.before]
description = "single stage on golang:1.27-trixie: the toolchain ships"

[variants.after]
description = "multi-stage: a static binary on scratch, with CA certificates, as a non-root user"

[[claims]]
id = "L4.1"
kind = "size_ratio"
text = "The multi-stage image is at most 2% of the size of the single-stage one."
variant = "after"
of = "before"
max = 0.02

[[claims]]
id = "L4.4"
kind = "non_root"
text = "The multi-stage image runs as an unprivileged user."
variant = "after"
"""
#: No official image is pulled (the stand-ins are used), and nothing else is measured that the claims above
#: do not read.
CHEAP = {"SLIMLAB_PULL": "never", "SLIMLAB_PULL_MEASURE": "0", "SLIMLAB_FLOOR": "0", "SLIMLAB_REBUILD": "0"}


def copy_of_this_checkout(dest: Path) -> Path:
    """The repository's files as this checkout has them, with the shared ``.venv`` linked in."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    (dest / ".venv").symlink_to((ROOT / ".venv").resolve())
    folder = dest / "labs" / LAB
    (folder / "lab.toml").write_text(SPEC)
    (folder / "results.json").unlink()
    return dest


def checks(clone: Path, *args: str) -> subprocess.Popen[str]:
    """``python -m checks ARGS`` started in ``clone``, with its own code."""
    return subprocess.Popen(
        [str(clone / ".venv" / "bin" / "python"), "-m", "checks", *args],
        cwd=clone,
        env={**os.environ, **CHEAP, "LANGUAGE": "en"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(*runs: subprocess.Popen[str]) -> None:
    for run in runs:
        _, stderr = run.communicate(timeout=900)
        assert run.returncode == 0, f"{' '.join(map(str, run.args))} exited {run.returncode}:\n{stderr[-3000:]}"


def recorded(clone: Path) -> dict[str, str]:
    """The image id the clone's results.json records for each variant."""
    data = json.loads((clone / "labs" / LAB / "results.json").read_text())
    return {name: variant["image_id"] for name, variant in data["variants"].items()}


def image_id(ref: str) -> str | None:
    done = subprocess.run(
        ["docker", "image", "inspect", "-f", "{{.Id}}", ref], check=False, capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else None


def under_its_names(clone: Path) -> dict[str, str | None]:
    """The image each of the clone's names for the lab's variants stands for now (None: no such image)."""
    return {variant: image_id(Checkout.at(clone).tag(LAB, variant)) for variant in ("before", "after")}


def names_in(clone: Path) -> list[str]:
    namespace = Checkout.at(clone).namespace
    listed = subprocess.run(
        ["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", f"{namespace}/*"],
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout.split()


@pytest.fixture
def clones(tmp_path):
    """Checkouts A and B, B a commit ahead; both, and every image they made, removed afterwards."""
    a, b = (copy_of_this_checkout(tmp_path / name) for name in ("a", "b"))
    with (b / "labs" / LAB / "after.Dockerfile").open("a") as dockerfile:
        dockerfile.write('LABEL org.opencontainers.image.revision="b"\n')
    yield a, b
    for clone in (a, b):
        checks(clone, "clean").communicate(timeout=300)


def test_two_checkouts_keep_the_images_they_recorded_in_turn_and_at_once_and_clean_only_their_own(clones):
    a, b = clones
    assert Checkout.at(a) != Checkout.at(b)
    finished(checks(a, "verify", "4"))
    finished(checks(b, "verify", "4"))
    assert under_its_names(a) == recorded(a), "B's verify moved or removed an image A recorded"
    assert under_its_names(b) == recorded(b)
    assert recorded(a)["after"] != recorded(b)["after"]
    finished(checks(a, "verify", "4", "--force"), checks(b, "verify", "4", "--force"))
    assert under_its_names(a) == recorded(a), "verifying at once, B moved or removed an image A recorded"
    assert under_its_names(b) == recorded(b), "verifying at once, A moved or removed an image B recorded"
    kept = recorded(b)
    finished(checks(a, "clean"))
    assert names_in(a) == []
    assert all(image_id(image) is None for image in recorded(a).values() if image not in kept.values())
    assert under_its_names(b) == kept, "A's clean removed an image B recorded"
