"""`make lab-N` grades a learner's Dockerfile on the built image (needs a Docker engine)."""

from __future__ import annotations

import shutil

import pytest
from conftest import LABS, run_checks

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]

EXERCISES = sorted(p.parent.name for p in LABS.glob("*/exercise.Dockerfile"))


def test_every_lab_has_an_exercise_and_a_solution():
    labs = sorted(p.parent.name for p in LABS.glob("*/lab.toml"))
    assert labs == EXERCISES
    assert all((LABS / lab / "solution.Dockerfile").is_file() for lab in labs)


@pytest.mark.parametrize("lab", EXERCISES)
def test_the_untouched_exercise_fails_with_hints_that_link_to_the_guide(lab, lab_copy):
    folder = lab_copy(lab)
    done = run_checks("grade", str(folder))
    assert done.returncode == 1, done.stderr[-3000:]
    assert "FAIL" in done.stdout
    assert "hint:" in done.stdout
    assert ".html#l" in done.stdout
    assert "size journey" in done.stdout


@pytest.mark.parametrize("lab", EXERCISES)
def test_the_solution_copied_over_the_exercise_meets_every_goal(lab, lab_copy):
    folder = lab_copy(lab)
    shutil.copy(folder / "solution.Dockerfile", folder / "exercise.Dockerfile")
    if (folder / "solution.Dockerfile.dockerignore").is_file():  # lab 3's answer is two files
        shutil.copy(folder / "solution.Dockerfile.dockerignore", folder / "exercise.Dockerfile.dockerignore")
    done = run_checks("grade", str(folder))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "FAIL" not in done.stdout


@pytest.mark.parametrize(
    "how", [{"env": {"LANGUAGE": "", "LC_ALL": "", "LANG": "zh_CN.UTF-8"}}, {"args": ("--lang", "zh_CN")}]
)
def test_the_grader_speaks_chinese_from_the_locale_or_when_asked(lab_copy, how):
    folder = lab_copy("lab-4")
    done = run_checks("grade", str(folder), *how.get("args", ()), env=how.get("env"))
    assert done.returncode == 1, done.stderr[-3000:]
    hints = [line for line in done.stdout.splitlines() if "L4." in line or "zh_CN/" in line]
    assert any("/zh_CN/multi-stage.html#l4-" in line for line in hints), done.stdout
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in line) for line in hints if "L4." in line), done.stdout
    assert "size journey" not in done.stdout


def test_an_exercise_that_does_not_build_gets_an_explanation_not_a_traceback(lab_copy):
    folder = lab_copy("lab-4")
    (folder / "exercise.Dockerfile").write_text("FROM golang:1.27-trixie\nRUN exit 3\n")
    done = run_checks("grade", str(folder))
    assert done.returncode == 2
    assert "exercise.Dockerfile: the build failed at" in done.stderr
    assert "Traceback" not in done.stderr
