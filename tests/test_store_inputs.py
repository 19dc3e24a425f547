"""checks.store.inputs: a lab's fingerprint covers exactly what the builds of its variants read."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from checks.model.results import RESULTS_NAME
from checks.model.spec import Lab, Variant, load
from checks.store.inputs import input_files, inputs_sha256, lab_input_files


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    folder = tmp_path / "lab-9-demo"
    (folder / "app").mkdir(parents=True)
    (folder / "lab.toml").write_text("[lab]\n", encoding="utf-8")
    (folder / "before.Dockerfile").write_text("FROM busybox\n", encoding="utf-8")
    (folder / "after.Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    (folder / "app" / "main.go").write_text("package main\n", encoding="utf-8")
    return folder


def spec(**changes) -> Lab:
    """A lab whose two variants build the lab folder, as labs 0, 1, 2, 4 and 5 do."""
    variants = tuple(Variant(name=n, dockerfile=f"{n}.Dockerfile") for n in ("before", "after"))
    return dataclasses.replace(Lab(name="lab-9-demo", title="t", page="p", variants=variants, claims=()), **changes)


def names(lab: Lab, folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in lab_input_files(lab, folder)]


def test_inputs_sha256_is_stable_for_the_same_files(lab, tmp_path):
    first = inputs_sha256(spec(), lab)
    assert inputs_sha256(spec(), lab) == first
    assert len(first) == 64


def test_inputs_sha256_does_not_depend_on_where_the_lab_lives(lab, tmp_path):
    copy = shutil.copytree(lab, tmp_path / "elsewhere" / lab.name)
    assert inputs_sha256(spec(), copy) == inputs_sha256(spec(), lab)


def test_inputs_sha256_changes_when_a_file_in_a_variants_context_changes(lab):
    first = inputs_sha256(spec(), lab)
    (lab / "app" / "main.go").write_text("package main // changed\n", encoding="utf-8")
    assert inputs_sha256(spec(), lab) != first


def test_inputs_sha256_changes_when_a_file_is_renamed(lab):
    first = inputs_sha256(spec(), lab)
    (lab / "app" / "main.go").rename(lab / "app" / "server.go")
    assert inputs_sha256(spec(), lab) != first


def test_inputs_sha256_changes_when_a_file_is_added_to_the_context(lab):
    first = inputs_sha256(spec(), lab)
    (lab / "app" / "go.mod").write_text("module x\n", encoding="utf-8")
    assert inputs_sha256(spec(), lab) != first


def test_inputs_sha256_ignores_results_and_caches(lab):
    first = inputs_sha256(spec(), lab)
    (lab / RESULTS_NAME).write_text("{}", encoding="utf-8")
    (lab / "app" / RESULTS_NAME).write_text("{}", encoding="utf-8")
    for cache in ("__pycache__", ".pytest_cache"):
        (lab / "app" / cache).mkdir()
        (lab / "app" / cache / "x.pyc").write_bytes(b"\0")
    assert inputs_sha256(spec(), lab) == first
    assert names(spec(), lab) == ["after.Dockerfile", "app/main.go", "before.Dockerfile", "lab.toml"]


def test_a_file_the_dockerignore_keeps_out_of_the_context_is_no_input(lab):
    (lab / ".dockerignore").write_text("*\n!app\napp/*.md\n", encoding="utf-8")
    first = inputs_sha256(spec(), lab)
    (lab / "app" / "NOTES.md").write_text("notes\n", encoding="utf-8")
    (lab / "exercise.Dockerfile").write_text("FROM busybox\n", encoding="utf-8")
    assert inputs_sha256(spec(), lab) == first
    assert names(spec(), lab) == [".dockerignore", "after.Dockerfile", "app/main.go", "before.Dockerfile", "lab.toml"]


def test_editing_the_dockerignore_changes_the_inputs(lab):
    (lab / ".dockerignore").write_text("*\n!app\n", encoding="utf-8")
    first = inputs_sha256(spec(), lab)
    (lab / ".dockerignore").write_text("*\n!app\n!lab.toml\n", encoding="utf-8")
    assert inputs_sha256(spec(), lab) != first


def test_a_dockerfiles_own_ignore_file_replaces_the_contexts(lab):
    (lab / ".dockerignore").write_text("*\n", encoding="utf-8")
    (lab / "after.Dockerfile.dockerignore").write_text("*\n!app\n", encoding="utf-8")
    after_only = spec(variants=(Variant(name="after", dockerfile="after.Dockerfile"),))
    assert names(after_only, lab) == ["after.Dockerfile", "after.Dockerfile.dockerignore", "app/main.go", "lab.toml"]


def test_a_dockerfile_outside_a_subfolder_context_is_an_input_and_its_neighbours_are_not(lab):
    (lab / "exercise.Dockerfile").write_text("FROM busybox\n", encoding="utf-8")
    (lab / "make-context.sh").write_text("true\n", encoding="utf-8")
    in_app = spec(
        variants=(Variant(name="before", dockerfile="before.Dockerfile", context="app"),), prepare="make-context.sh"
    )
    assert names(in_app, lab) == ["app/main.go", "before.Dockerfile", "lab.toml", "make-context.sh"]


def test_a_variant_with_a_pattern_buildkit_refuses_names_its_ignore_file(lab):
    (lab / ".dockerignore").write_text("!\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"\.dockerignore: '!' alone"):
        inputs_sha256(spec(), lab)


def test_a_stand_in_recipes_inputs_are_every_file_of_its_folder(lab):
    (lab / "exercise.Dockerfile").write_text("FROM busybox\n", encoding="utf-8")
    assert [p.name for p in input_files(lab)] == [
        "after.Dockerfile",
        "main.go",
        "before.Dockerfile",
        "exercise.Dockerfile",
        "lab.toml",
    ]


LABS = sorted(p.parent for p in (Path(__file__).resolve().parent.parent / "labs").glob("*/lab.toml"))


@pytest.mark.parametrize("folder", LABS, ids=[f.name for f in LABS])
@pytest.mark.parametrize("edited", ["exercise.Dockerfile", "solution.Dockerfile"])
def test_editing_a_labs_exercise_or_its_answer_leaves_its_results_current(folder, edited, tmp_path):
    copy = shutil.copytree(folder, tmp_path / folder.name)
    lab = load(copy)
    first = inputs_sha256(lab, copy)
    with (copy / edited).open("a", encoding="utf-8") as file:
        file.write("RUN echo a learner was here\n")
    assert inputs_sha256(lab, copy) == first


@pytest.mark.parametrize("folder", LABS, ids=[f.name for f in LABS])
def test_editing_the_app_a_labs_variants_copy_makes_its_results_stale(folder, tmp_path):
    copy = shutil.copytree(folder, tmp_path / folder.name)
    lab = load(copy)
    first = inputs_sha256(lab, copy)
    app = next(
        p
        for p in sorted((copy / "app").rglob("*"))
        if p.is_file() and p.suffix in {".py", ".go", ".sh", ".java", ".ts"}
    )
    with app.open("a", encoding="utf-8") as file:
        file.write("\n")
    assert inputs_sha256(lab, copy) != first


def test_a_variant_s_secret_files_are_inputs(lab):
    (lab / "token").write_text("one\n", encoding="utf-8")
    variants = (Variant(name="before", dockerfile="before.Dockerfile", secrets=(("api-token", "token"),)),)
    with_token = spec(variants=variants)
    first = inputs_sha256(with_token, lab)
    assert "token" in names(with_token, lab)
    (lab / "token").write_text("two\n", encoding="utf-8")
    assert inputs_sha256(with_token, lab) != first
