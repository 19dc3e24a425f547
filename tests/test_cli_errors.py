"""Bad input or environment: one clear paragraph, exit code 2, never a traceback (no engine needed)."""

from __future__ import annotations

from conftest import run_checks


def test_an_engine_that_does_not_answer_exits_2_and_says_how_to_start_one(tmp_path):
    done = run_checks("verify", "4", env={"DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock"})
    assert done.returncode == 2
    assert "does not answer" in done.stderr or "not installed" in done.stderr
    assert "make check" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_malformed_spec_exits_2_naming_the_file_the_key_and_a_guess(lab_copy):
    folder = lab_copy("lab-4")
    spec = folder / "lab.toml"
    spec.write_text(spec.read_text().replace('kind = "non_root"', 'kind = "non_rot"', 1))
    done = run_checks("verify", str(folder))
    assert done.returncode == 2
    assert str(spec) in done.stderr
    assert "Did you mean 'non_root'?" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_lab_exits_2_listing_the_known_ones():
    done = run_checks("verify", "no-such-lab")
    assert done.returncode == 2
    assert "lab-4-go-multistage" in done.stderr
    assert "Traceback" not in done.stderr


def test_grading_a_lab_without_its_exercise_says_how_to_restore_it(lab_copy):
    folder = lab_copy("lab-4")
    (folder / "exercise.Dockerfile").unlink()
    done = run_checks("grade", str(folder), env={"DOCKER_HOST": "unix:///nonexistent.sock"})
    assert done.returncode == 2
    assert "exercise.Dockerfile does not exist" in done.stderr
    assert "git checkout" in done.stderr
    assert "Traceback" not in done.stderr
