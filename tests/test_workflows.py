"""The publishing and CI configuration, checked here because neither GitHub, GitLab nor Read the Docs can be reached.

The workflow, the action (``action.yml``), the CI snippets the reference
shows (``docs/snippets/``) and ``.readthedocs.yaml`` are validated against the
schemas that check-jsonschema vendors (no network), and read for what they
must do: the workflow runs the README's test command and ``make check`` for
every lab (labs 1 and 4 on the containerd image store too); the action takes
every budget as an input and the snippets give values ``analyze`` reads; Read
the Docs builds both editions with ``make html``, which needs no Docker.
tests/test_docker_action.py runs the action.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
READTHEDOCS = ROOT / ".readthedocs.yaml"
ACTION = ROOT / "action.yml"
GITHUB_SNIPPET = ROOT / "docs" / "snippets" / "github-workflow.yml"
GITLAB_SNIPPET = ROOT / "docs" / "snippets" / "gitlab-ci.yml"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (WORKFLOW, "vendor.github-workflows"),
        (WORKFLOW, "custom.github-workflows-require-timeout"),
        (READTHEDOCS, "vendor.readthedocs"),
        (ACTION, "vendor.github-actions"),
        (GITHUB_SNIPPET, "vendor.github-workflows"),
        (GITHUB_SNIPPET, "custom.github-workflows-require-timeout"),
        (GITLAB_SNIPPET, "vendor.gitlab-ci"),
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


def yaml(path: Path) -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_the_action_takes_every_budget_as_an_input_named_as_its_option():
    from checks.inspect.budgets import RULES

    inputs = yaml(ACTION)["inputs"]
    for rule in RULES:
        name = rule.option.removeprefix("--")
        assert name in inputs, f"action.yml has no input {name}"
        assert inputs[name]["default"] == ("false" if rule.option == "--no-secrets" else "")
        assert f"inputs.{name} }}}}" in ACTION.read_text(encoding="utf-8")


def test_the_action_runs_only_its_own_shell_on_values_it_never_pastes_into_it():
    steps = yaml(ACTION)["runs"]["steps"]
    assert all(step.get("shell") == "bash" and "uses" not in step for step in steps)
    assert all("${{" not in step["run"] for step in steps), "inputs reach the shell as environment variables"
    assert not any(name.startswith("SLIMLAB_") for step in steps for name in step.get("env", {}))


def test_the_github_snippet_uses_the_action_with_inputs_it_declares_and_values_analyze_reads():
    from checks.inspect.budgets import BY_OPTION, budget

    declared = yaml(ACTION)["inputs"]
    (job,) = yaml(GITHUB_SNIPPET)["jobs"].values()
    (step,) = [step for step in job["steps"] if str(step.get("uses", "")).endswith("/slimlab@main")]
    for name, value in step["with"].items():
        assert name in declared, f"the snippet gives {name}, which action.yml does not declare"
        if f"--{name}" in BY_OPTION and name != "no-secrets":
            budget(f"--{name}", str(value))
    uploads = {s["uses"].split("@")[0]: s["with"] for s in job["steps"] if "upload" in str(s.get("uses", ""))}
    assert uploads["github/codeql-action/upload-sarif"]["sarif_file"] == declared["sarif"]["default"]
    assert uploads["actions/upload-artifact"]["path"] == declared["junit"]["default"]


def test_the_gitlab_snippet_sets_up_analyze_and_runs_a_command_line_it_accepts():
    import shlex

    from checks import cli
    from checks.cli import images

    script = yaml(GITLAB_SNIPPET)["image-budgets"]["script"]
    assert any("checks/setup/analyze.sh" in line for line in script)
    (command,) = [shlex.split(line) for line in script if " -m checks analyze " in line]
    argv = command[command.index("checks") + 1 :]
    args = cli.parser().parse_args(argv)
    assert images.analyze_format(args) == "junit"
    assert len(images.budgets_given(args)) == 4
    report = yaml(GITLAB_SNIPPET)["image-budgets"]["artifacts"]["reports"]["junit"]
    assert args.output == Path(report)
