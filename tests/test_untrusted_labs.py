"""A lab folder from someone else: its paths stay in the lab, and a spec that is not what TOML expects is exit 2.

Each case is a small function that builds the hostile input in a temporary folder and returns a :class:`Case`:
the command line to run, the exit code it must give, and what its message must say.  Every case runs with an
engine that cannot answer, so a message that names the engine means the check came too late, and with a time
limit, so a FIFO or a device that is opened hangs the case into a failure.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, run_checks

from checks.model.errors import UsageError
from checks.model.spec import parse

NO_ENGINE = {"DOCKER_HOST": "unix:///nonexistent.sock"}
#: Seconds a case may take: far more than a refusal needs, far less than a hang.
LIMIT = 60


@dataclass(frozen=True)
class Case:
    """A hostile input made: the command line to run on it, its exit code, and what its message must say."""

    argv: tuple[str, ...]
    code: int
    #: Fragments the message must hold; a tuple inside means "any of these".
    says: tuple[str | tuple[str, ...], ...]


# --- making hostile labs ------------------------------------------------------------------------

SPEC = """[lab]
title = "A lab from someone else"
page = "nowhere"
{lab}
[variants.before]

[variants.after]
{after}
[[claims]]
id = "L9.1"
kind = "max_layers"
text = "Few layers."
variant = "after"
max = 5
"""


def lab(tmp: Path, *, after: str = "", top: str = "", name: str = "lab-9-handed") -> Path:
    """A two-variant lab in ``tmp``; ``after`` adds keys to its ``after`` variant, ``top`` to its ``[lab]`` table."""
    folder = tmp / name
    folder.mkdir()
    for variant in ("before", "after"):
        (folder / f"{variant}.Dockerfile").write_text("FROM busybox\n")
    (folder / "exercise.Dockerfile").write_text("FROM busybox\n")
    (folder / "solution.Dockerfile").write_text("FROM busybox\n")
    (folder / "lab.toml").write_text(SPEC.format(lab=top, after=after))
    return folder


def verify(folder: Path, *says: str | tuple[str, ...]) -> Case:
    return Case(argv=("verify", str(folder)), code=2, says=(str(folder / "lab.toml"), *says))


OUTSIDE = ("outside the lab folder", "Fix the lab spec")


def dockerfile_up_and_out(tmp: Path) -> Case:
    return verify(lab(tmp, after='dockerfile = "../../../../etc/passwd"\n'), "variants.after.dockerfile", *OUTSIDE)


def dockerfile_absolute(tmp: Path) -> Case:
    return verify(lab(tmp, after='dockerfile = "/etc/passwd"\n'), "variants.after.dockerfile", *OUTSIDE)


def dockerfile_dev_zero(tmp: Path) -> Case:
    return verify(lab(tmp, after='dockerfile = "/dev/zero"\n'), "variants.after.dockerfile", *OUTSIDE)


def context_root(tmp: Path) -> Case:
    return verify(lab(tmp, after='context = "/"\n'), "variants.after.context", *OUTSIDE)


def context_parent(tmp: Path) -> Case:
    return verify(lab(tmp, after='context = "sub/../.."\n'), "variants.after.context", *OUTSIDE)


def secret_absolute(tmp: Path) -> Case:
    return verify(lab(tmp, after='secrets = { key = "/etc/shadow" }\n'), "variants.after.secrets.key", *OUTSIDE)


def secret_up_and_out(tmp: Path) -> Case:
    return verify(
        lab(tmp, after='secrets = { key = "../x/../../etc/shadow" }\n'), "variants.after.secrets.key", *OUTSIDE
    )


def prepare_outside(tmp: Path) -> Case:
    return verify(lab(tmp, top='prepare = "/bin/true"\n'), "lab.prepare", *OUTSIDE)


def dockerfile_linked_out(tmp: Path) -> Case:
    folder = lab(tmp)
    (folder / "after.Dockerfile").unlink()
    (folder / "after.Dockerfile").symlink_to("/etc/passwd")
    return verify(folder, "variants.after.dockerfile", "symbolic link", "/etc/passwd", "outside the lab folder")


def context_linked_out(tmp: Path) -> Case:
    folder = lab(tmp, after='context = "app"\n')
    (folder / "app").symlink_to("/")
    return verify(folder, "variants.after.context", "symbolic link", "outside the lab folder")


def secret_linked_out(tmp: Path) -> Case:
    folder = lab(tmp, after='secrets = { key = "token" }\n')
    (folder / "token").symlink_to("/etc/shadow")
    return verify(folder, "variants.after.secrets.key", "symbolic link", "outside the lab folder")


def spec_linked_out(tmp: Path) -> Case:
    folder = lab(tmp)
    elsewhere = tmp / "elsewhere.toml"
    (folder / "lab.toml").rename(elsewhere)
    (folder / "lab.toml").symlink_to(elsewhere)
    return verify(folder, "symbolic link", "outside the lab folder")


def dockerfile_is_a_fifo(tmp: Path) -> Case:
    folder = lab(tmp)
    (folder / "after.Dockerfile").unlink()
    os.mkfifo(folder / "after.Dockerfile")
    return verify(folder, "variants.after.dockerfile", "a FIFO (named pipe)")


def dockerfile_with_a_nul(tmp: Path) -> Case:
    return verify(lab(tmp, after='dockerfile = "after\\u0000.Dockerfile"\n'), "variants.after.dockerfile", "NUL")


def dockerfile_name_too_long(tmp: Path) -> Case:
    return verify(lab(tmp, after=f'dockerfile = "{"x" * 5000}"\n'), "variants.after.dockerfile", "too long")


def spec_is_a_fifo(tmp: Path) -> Case:
    folder = tmp / "lab-9-fifo"
    folder.mkdir()
    os.mkfifo(folder / "lab.toml")
    return verify(folder, "a FIFO (named pipe)")


def lab_is_a_fifo(tmp: Path) -> Case:
    os.mkfifo(tmp / "lab-9-pipe")
    return Case(argv=("verify", str(tmp / "lab-9-pipe")), code=2, says=(str(tmp / "lab-9-pipe"), "a FIFO (named pipe)"))


def lab_is_dev_zero(tmp: Path) -> Case:
    return Case(argv=("verify", "/dev/zero"), code=2, says=("/dev/zero", "a character device", "not a lab folder"))


def spec_in_latin_1(tmp: Path) -> Case:
    folder = lab(tmp)
    spec = folder / "lab.toml"
    spec.write_bytes(spec.read_bytes().replace(b"someone else", b"someone \xe9lse"))
    return verify(folder, "byte 0xe9 at offset 34", "line 2", "UTF-8")


def spec_with_a_bom(tmp: Path) -> Case:
    folder = lab(tmp)
    spec = folder / "lab.toml"
    spec.write_bytes(b"\xef\xbb\xbf" + spec.read_bytes())
    return verify(folder, "byte order mark", "UTF-8 without")


def spec_nested_3000_deep(tmp: Path) -> Case:
    folder = lab(tmp)
    with (folder / "lab.toml").open("a") as spec:
        spec.write("\n[deep]\nvalue = " + "[" * 3000 + "]" * 3000 + "\n")
    return verify(folder, "nest")


def spec_too_large(tmp: Path) -> Case:
    folder = lab(tmp)
    with (folder / "lab.toml").open("a") as spec:
        spec.write(("# " + "x" * 1000 + "\n") * 3000)
    return verify(folder, "MiB")


def graded(tmp: Path, dockerfile: str, *says: str | tuple[str, ...], folder: Path | None = None) -> Case:
    folder = folder or lab(tmp)
    return Case(argv=("grade", str(folder), "--dockerfile", dockerfile), code=2, says=("--dockerfile", *says))


GRADE_OUTSIDE = ("outside the lab folder", "and the repository")


def grade_up_and_out(tmp: Path) -> Case:
    return graded(tmp, "../" * 20 + "etc/passwd", *GRADE_OUTSIDE)


def grade_absolute(tmp: Path) -> Case:
    return graded(tmp, "/etc/passwd", *GRADE_OUTSIDE)


def grade_dev_zero(tmp: Path) -> Case:
    return graded(tmp, "/dev/zero", *GRADE_OUTSIDE)


def grade_linked_out(tmp: Path) -> Case:
    folder = lab(tmp)
    (folder / "mine.Dockerfile").symlink_to("/etc/passwd")
    return graded(tmp, "mine.Dockerfile", "symbolic link", *GRADE_OUTSIDE, folder=folder)


def grade_a_fifo(tmp: Path) -> Case:
    folder = lab(tmp)
    os.mkfifo(folder / "mine.Dockerfile")
    return graded(tmp, "mine.Dockerfile", "a FIFO (named pipe)", folder=folder)


def grade_a_file_of_the_repository(tmp: Path) -> Case:
    """A learner's own Dockerfile elsewhere in the repository is theirs to grade: only the engine stops it here."""
    return Case(
        argv=("grade", str(lab(tmp)), "--dockerfile", str(ROOT / "labs/lab-4-go-multistage/solution.Dockerfile")),
        code=2,
        says=("does not answer",),
    )


CASES: tuple[Callable[[Path], Case], ...] = (
    dockerfile_up_and_out,
    dockerfile_absolute,
    dockerfile_dev_zero,
    context_root,
    context_parent,
    secret_absolute,
    secret_up_and_out,
    prepare_outside,
    dockerfile_linked_out,
    context_linked_out,
    secret_linked_out,
    spec_linked_out,
    dockerfile_is_a_fifo,
    dockerfile_with_a_nul,
    dockerfile_name_too_long,
    spec_is_a_fifo,
    lab_is_a_fifo,
    lab_is_dev_zero,
    spec_in_latin_1,
    spec_with_a_bom,
    spec_nested_3000_deep,
    spec_too_large,
    grade_up_and_out,
    grade_absolute,
    grade_dev_zero,
    grade_linked_out,
    grade_a_fifo,
    grade_a_file_of_the_repository,
)


@pytest.mark.parametrize("make", CASES, ids=lambda make: make.__name__)
def test_a_hostile_lab_is_exit_2_before_anything_is_built_with_one_paragraph(make, tmp_path):
    case = make(tmp_path)
    try:
        done = run_checks(*case.argv, env=NO_ENGINE, timeout=LIMIT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(case.argv)} hung: it opened what it should only have looked at")
    output = done.stdout + done.stderr
    assert done.returncode == case.code, f"exit {done.returncode}, not {case.code}:\n{output[-3000:]}"
    assert "Traceback" not in output
    for fragment in case.says:
        choices = fragment if isinstance(fragment, tuple) else (fragment,)
        assert any(choice in output for choice in choices), f"none of {choices} in:\n{output}"
    if make is not grade_a_file_of_the_repository:
        assert "does not answer" not in output, "the check came after the engine was asked"


# --- the spec layer's own rules, pure ----------------------------------------------------------


def spec_with(**after: object) -> dict:
    return {
        "lab": {"title": "t", "page": "p"},
        "variants": {"before": {}, "after": after},
        "claims": [{"id": "L9.1", "kind": "max_layers", "text": "t", "variant": "after", "max": 5}],
    }


@pytest.mark.parametrize(
    ("after", "key"),
    [
        ({"dockerfile": "../x.Dockerfile"}, "variants.after.dockerfile"),
        ({"dockerfile": "/etc/passwd"}, "variants.after.dockerfile"),
        ({"context": "a/../../b"}, "variants.after.context"),
        ({"context": "/"}, "variants.after.context"),
        ({"secrets": {"key": "../../k"}}, "variants.after.secrets.key"),
        ({"secrets": {"key": "/etc/shadow"}}, "variants.after.secrets.key"),
    ],
)
def test_the_spec_refuses_a_path_that_leaves_the_lab_before_any_file_is_looked_at(after, key):
    with pytest.raises(UsageError, match=rf"'{key}' names .*outside the lab folder"):
        parse(spec_with(**after), name="lab-9", source="lab.toml")


@pytest.mark.parametrize("path", ["after.Dockerfile", "sub/../after.Dockerfile", "./docker/after.Dockerfile", "."])
def test_a_path_that_stays_in_the_lab_is_accepted_however_it_is_spelled(path):
    key = "context" if path == "." else "dockerfile"
    assert parse(spec_with(**{key: path}), name="lab-9", source="lab.toml").variant("after")


def test_the_labs_of_the_repository_all_stay_in_their_folders():
    from checks.model.spec import load

    for folder in sorted((ROOT / "labs").glob("lab-*")):
        load(folder)


def test_a_link_in_the_build_context_that_leads_out_is_fingerprinted_by_where_it_points_never_read(tmp_path):
    from checks.model.spec import load
    from checks.store.inputs import inputs_sha256

    folder = lab(tmp_path, after='context = "app"\n')
    (folder / "app").mkdir()
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("one")
    (folder / "app" / "outside").symlink_to(elsewhere)
    first = inputs_sha256(load(folder), folder)
    elsewhere.write_text("two")
    assert inputs_sha256(load(folder), folder) == first, "a file outside the lab was read"
    (folder / "app" / "outside").unlink()
    (folder / "app" / "outside").symlink_to(tmp_path / "other.txt")
    (tmp_path / "other.txt").write_text("two")
    assert inputs_sha256(load(folder), folder) != first, "where the link points is an input, as BuildKit sends it"


def test_a_link_that_stays_in_the_lab_is_fingerprinted_by_what_it_leads_to(tmp_path):
    from checks.model.spec import load
    from checks.store.inputs import inputs_sha256

    folder = lab(tmp_path)
    (folder / "docker").mkdir()
    (folder / "after.Dockerfile").rename(folder / "docker" / "after.Dockerfile")
    (folder / "after.Dockerfile").symlink_to("docker/after.Dockerfile")
    first = inputs_sha256(load(folder), folder)
    (folder / "docker" / "after.Dockerfile").write_text("FROM busybox\nRUN true\n")
    assert inputs_sha256(load(folder), folder) != first


def test_a_fifo_put_where_a_file_was_looked_at_is_not_read_and_nothing_blocks(tmp_path):
    from checks.model.paths import read_small

    os.mkfifo(tmp_path / "lab.toml")
    with pytest.raises(OSError, match="no longer a regular file"):
        read_small(tmp_path / "lab.toml", 1 << 20)


def test_a_small_file_is_read_whole_and_a_larger_one_not_at_all(tmp_path):
    from checks.model.paths import read_small

    (tmp_path / "lab.toml").write_bytes(b"x" * 10)
    assert read_small(tmp_path / "lab.toml", 10) == b"x" * 10
    assert read_small(tmp_path / "lab.toml", 9) is None
