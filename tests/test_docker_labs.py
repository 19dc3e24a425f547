"""Every lab is verified in CI, and a small edit of its Dockerfiles makes a claim fail (needs a Docker engine)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import LABS, run_checks

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]


def replace(old: str, new: str):
    def apply(folder: Path, name: str) -> None:
        path = folder / name
        text = path.read_text()
        assert old in text, f"{path} no longer contains {old!r}: update the test"
        path.write_text(text.replace(old, new))

    return apply


def delete(folder: Path, name: str) -> None:
    (folder / name).unlink()


#: lab -> (file, edit, claims that must then fail)
BREAKING_EDITS = {
    "lab-0": (
        "after.Dockerfile",
        replace("FROM gcr.io/distroless/python3-debian13", "FROM python:3.13-trixie"),
        {"L0.1"},
    ),
    "lab-1": ("after.Dockerfile", replace("FROM python:3.13-slim-trixie", "FROM python:3.13-trixie"), {"L1.1", "L1.6"}),
    "lab-2": (
        "after.Dockerfile",
        replace(" \\\n && rm -rf /tmp/installer", "\nRUN rm -rf /tmp/installer"),
        {"L2.3", "L2.5"},
    ),
    "lab-3": ("after.Dockerfile.dockerignore", delete, {"L3.2", "L3.3"}),
    "lab-4": ("after.Dockerfile", replace("USER 65532:65532\n", ""), {"L4.4"}),
    "lab-5": (
        "after.Dockerfile",
        replace("FROM python:3.13-slim-trixie\nCOPY --from=build /opt/venv /opt/venv\n", ""),
        {"L5.1", "L5.3"},
    ),
    "lab-6": (
        "after.Dockerfile",
        replace("COPY --from=trace /floor/ /\n", "COPY --from=trace / /\n"),
        {"L6.1", "L6.3"},
    ),
    # The code copied before the install again: every release reinstalls (what it re-pulls, L7.1, needs the
    # registry, which these verifies leave out).
    "lab-7": ("after.Dockerfile", replace("COPY requirements.txt .\n", "COPY . .\n"), {"L7.2"}),
    "lab-8": ("after.Dockerfile", replace("USER node\n", ""), {"L8.6"}),
    "lab-9": ("after.Dockerfile", replace("USER 65532:65532\n", ""), {"L9.5"}),
}


def test_every_lab_has_a_breaking_edit_here():
    assert {"-".join(p.parent.name.split("-")[:2]) for p in LABS.glob("*/lab.toml")} == set(BREAKING_EDITS)


@pytest.fixture
def broken_copy(lab_copy):
    """A copy of a lab under its own name (so the real lab's image tags stay put); its images go afterwards."""
    made: list[Path] = []

    def copy(lab: str) -> Path:
        source = next(LABS.glob(f"{lab}-*"))
        made.append(lab_copy(lab, f"{source.name}-broken"))
        return made[-1]

    yield copy
    for folder in made:
        run_checks("clean", "--lab", folder.name)


@pytest.mark.parametrize("lab", sorted(BREAKING_EDITS))
def test_a_small_edit_of_a_labs_dockerfile_makes_its_claims_fail(lab, broken_copy):
    name, edit, expected = BREAKING_EDITS[lab]
    folder = broken_copy(lab)
    edit(folder, name)
    # Reproducibility is not what these edits break; one more build of each after would only add minutes.
    done = run_checks("verify", str(folder), env={"SLIMLAB_REBUILD": "0"})
    assert done.returncode == 1, done.stderr[-3000:]
    for claim in expected:
        assert f"claim {claim} does not hold" in done.stderr
