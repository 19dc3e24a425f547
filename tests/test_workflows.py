"""The publishing and CI configuration, checked here because neither GitHub nor Read the Docs can be reached.

The workflow and ``.readthedocs.yaml`` are validated against the schemas that
check-jsonschema vendors (no network), and read for what they must do: the
workflow runs the README's test command and ``make check`` for every lab (labs 1 and 4
on the containerd image store too), and
Read the Docs builds both editions with ``make html``, which needs no Docker.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
READTHEDOCS = ROOT / ".readthedocs.yaml"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (WORKFLOW, "vendor.github-workflows"),
        (WORKFLOW, "custom.github-workflows-require-timeout"),
        (READTHEDOCS, "vendor.readthedocs"),
    ],
)
def test_the_configuration_is_valid_for_its_service(path: Path, schema: str):
    done = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{path.relative_to(ROOT)} against {schema}:\n{done.stdout}{done.stderr}"


def lab_numbers() -> list[int]:
    specs = sorted((ROOT / "labs").glob("*/lab.toml"))
    return sorted(int(p.parent.name.split("-")[1]) for p in specs)


def test_the_workflow_runs_make_test_and_make_check_for_every_lab():
    from ruamel.yaml import YAML  # check-jsonschema's YAML reader

    workflow = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    runs = {name: [step.get("run", "") for step in job["steps"]] for name, job in workflow["jobs"].items()}
    assert any("make test" in run for run in runs["test"])
    assert workflow["jobs"]["labs"]["strategy"]["matrix"]["lab"] == lab_numbers(), (
        "the labs matrix lists every lab folder: add a new lab to it"
    )
    assert any("make check LAB=${{ matrix.lab }}" in run for run in runs["labs"])
    assert all(job.get("timeout-minutes", 0) <= 90 for job in workflow["jobs"].values())


def test_labs_1_and_4_are_also_checked_on_the_containerd_image_store_set_before_make_starts():
    from ruamel.yaml import YAML

    labs = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["labs"]
    matrix = labs["strategy"]["matrix"]
    assert matrix["store"] == ["classic"]
    assert [row for row in matrix["include"] if row["store"] == "containerd"] == [
        {"lab": 1, "store": "containerd"},
        {"lab": 4, "store": "containerd"},
    ]
    runs = [step.get("run", "") for step in labs["steps"]]
    store = next(i for i, run in enumerate(runs) if "containerd-snapshotter" in run)
    assert "systemctl restart docker" in runs[store]
    assert store < next(i for i, run in enumerate(runs) if "make check" in run)
    assert "${{ matrix.store }}" in labs["steps"][-1]["with"]["name"], "each row keeps its own results"


def test_read_the_docs_builds_both_editions_with_make_html():
    from ruamel.yaml import YAML

    config = YAML(typ="safe").load(READTHEDOCS.read_text(encoding="utf-8"))
    commands = config["build"]["commands"]
    assert any(c.startswith("make html") for c in commands)
    assert any("$READTHEDOCS_OUTPUT/html" in c for c in commands)
    assert not any("docker" in c or "make check" in c for c in commands), "the docs build reads recorded results"
