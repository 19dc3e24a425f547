"""The GitHub Action (action.yml) run here as GitHub runs it, step by step, against an image built for the test.

Each ``run`` step's shell is taken from action.yml, its ``${{ }}`` expressions
filled in from the inputs and the outputs of the steps before it, and run
with ``bash --noprofile --norc -eo pipefail`` (GitHub's ``shell: bash``), with
``GITHUB_ACTION_PATH``, ``RUNNER_TEMP`` and ``GITHUB_OUTPUT`` as a runner
sets them.  The install step makes a fresh environment from PyPI (the
packages requirements.txt pins for analyze), once for the module.  The image
is built by BuildKit from busybox, tagged ``slimlab/test-action:budgets``,
labelled as slimlab's own and removed afterwards.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import build_on_busybox
from fake_secrets import SECRETS
from test_junit import assert_common_junit_shape
from test_sarif import assert_valid_sarif

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]

ROOT = Path(__file__).resolve().parent.parent
TAG = "slimlab/test-action:budgets"
TOKEN = next(s for s in SECRETS if s.rule == "github-token")
#: 2 MB written, then deleted by the next step: dive counts it as wasted; a token in a .env file.
DOCKERFILE = f"""\
FROM busybox
RUN --network=none dd if=/dev/zero of=/blob bs=1000000 count=2
RUN --network=none rm /blob
RUN --network=none mkdir /app && echo 'GITHUB_TOKEN={TOKEN.value}' > /app/.env
CMD ["sh"]
"""
EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def action() -> dict:
    from ruamel.yaml import YAML  # check-jsonschema's YAML reader

    return YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))


def outputs(path: Path) -> dict[str, str]:
    """What a step wrote to ``$GITHUB_OUTPUT`` (``name=value`` lines)."""
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def filled(text: str, context: Mapping[str, str]) -> str:
    """``text`` with each ``${{ name }}`` replaced by its value; a name this runner does not know fails the test."""

    def value(match: re.Match[str]) -> str:
        assert match.group(1) in context, f"action.yml uses ${{{{ {match.group(1)} }}}}, which the test cannot fill"
        return context[match.group(1)]

    return EXPRESSION.sub(value, text)


class Runner:
    """Runs the action's steps in ``workspace``, with ``temp`` as the runner's temporary folder."""

    def __init__(self, workspace: Path, temp: Path) -> None:
        self.workspace, self.temp = workspace, temp
        self.steps = action()["runs"]["steps"]
        self.context: dict[str, str] = {"github.action_path": str(ROOT)}

    def given(self, inputs: Mapping[str, str]) -> None:
        declared = action()["inputs"]
        unknown = set(inputs) - set(declared)
        assert not unknown, f"no such inputs: {unknown}"
        for name, spec in declared.items():
            self.context[f"inputs.{name}"] = inputs.get(name, spec.get("default", ""))

    def run(self, index: int) -> subprocess.CompletedProcess[str]:
        step = self.steps[index]
        assert step["shell"] == "bash"
        out = self.temp / f"output-{index}"
        out.write_text("")
        env = {
            **os.environ,
            **{name: filled(str(value), self.context) for name, value in step.get("env", {}).items()},
            "GITHUB_ACTION_PATH": str(ROOT),
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_OUTPUT": str(out),
            "GITHUB_WORKSPACE": str(self.workspace),
        }
        script = self.temp / f"step-{index}.sh"
        script.write_text(filled(step["run"], self.context))
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        for name, value in outputs(out).items():
            self.context[f"steps.{step['id']}.outputs.{name}"] = value
        return done


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    try:
        build_on_busybox(tmp_path_factory.mktemp("action-image"), DOCKERFILE, TAG)
        yield TAG
    finally:
        subprocess.run(["docker", "rmi", "-f", TAG], check=False, capture_output=True)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The runner's temporary folder after the action's install step (a fresh environment from PyPI)."""
    temp = tmp_path_factory.mktemp("runner-temp")
    runner = Runner(tmp_path_factory.mktemp("workspace"), temp)
    runner.given({"image": TAG})
    done = runner.run(0)
    assert done.returncode == 0, f"the install step failed (it needs PyPI):\n{done.stdout}{done.stderr}"
    return temp, runner.context["steps.install.outputs.python"]


@pytest.fixture
def runner(installed, tmp_path):
    temp, python = installed
    workspace = tmp_path / "repo"
    workspace.mkdir()
    (workspace / "checks").mkdir()  # a folder of the user's named like slimlab's package must not shadow it
    (workspace / "checks" / "__main__.py").write_text("raise SystemExit('the wrong checks package ran')\n")
    (workspace / "Dockerfile").write_text(DOCKERFILE)
    found = Runner(workspace, temp)
    found.context["steps.install.outputs.python"] = python
    return found


def test_the_install_step_makes_an_environment_outside_this_checkout_s(installed):
    temp, python = installed
    assert python == f"{temp}/slimlab-analyze/bin/python"
    assert ".venv" not in Path(python).resolve().as_posix()


def test_budgets_kept_pass_and_both_reports_are_written(image, runner):
    runner.given({"image": image, "max-size": "100MB", "max-layers": "9", "min-efficiency": "0%"})
    done = runner.run(1)
    assert done.returncode == 0, done.stdout + done.stderr
    junit = assert_common_junit_shape((runner.workspace / "slimlab-junit.xml").read_text())
    assert junit.get("tests") == "3"
    assert junit.get("failures") == "0"
    assert_valid_sarif(json.loads((runner.workspace / "slimlab.sarif").read_text()))


def test_budgets_broken_fail_the_step_with_exit_1_and_valid_junit_and_sarif(image, runner):
    runner.given(
        {
            "image": image,
            "dockerfile": "Dockerfile",
            "max-size": "1MB",
            "max-wasted-bytes": "1MB",
            "no-secrets": "true",
            "junit": "reports/junit.xml",
            "sarif": "reports/image.sarif",
        }
    )
    (runner.workspace / "reports").mkdir()
    done = runner.run(1)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL highestSizeBytes (--max-size 1MB)" in done.stderr
    assert "FAIL highestWastedBytes (--max-wasted-bytes 1MB): wasted 2.0 MB" in done.stderr
    junit = assert_common_junit_shape((runner.workspace / "reports" / "junit.xml").read_text())
    assert junit.get("failures") == "3"
    sarif = json.loads((runner.workspace / "reports" / "image.sarif").read_text())
    assert_valid_sarif(sarif)
    results = sarif["runs"][0]["results"]
    lines = {
        (r["ruleId"], r["message"]["text"].split(":")[0]): r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in results
        if r["ruleId"] in ("secret", "waste")
    }
    assert lines[("secret", "github-token")] == 4  # the .env file's RUN, and the step itself
    assert lines[("waste", "/blob is in 2 layers")] == 3  # the RUN rm that deleted it
    assert TOKEN.tell not in json.dumps(sarif) + done.stdout + done.stderr


def test_an_image_that_cannot_be_read_fails_the_step_with_exit_2_and_writes_no_report(runner):
    runner.given({"image": "slimlab/test-action:does-not-exist", "max-size": "1MB"})
    done = runner.run(1)
    assert done.returncode == 2
    assert "slimlab: " in done.stderr
    assert not (runner.workspace / "slimlab-junit.xml").exists()
    assert not (runner.workspace / "slimlab.sarif").exists()


def test_a_bad_budget_value_fails_the_step_with_exit_2(image, runner):
    runner.given({"image": image, "min-efficiency": "95"})
    done = runner.run(1)
    assert done.returncode == 2
    assert "--min-efficiency '95' is not a ratio from 0 to 1" in done.stderr
