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


def test_an_internal_error_writes_its_traceback_to_a_private_new_file_and_names_it(tmp_path, monkeypatch, capsys):
    import os
    import stat
    import tempfile

    from checks.cli import exits

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "slimlab-internal-error.txt").symlink_to(victim)  # the old fixed name, planted by someone else
    assert exits.internal_error(RuntimeError("boom")) == 3
    said = capsys.readouterr().err
    (written,) = tmp_path.glob("slimlab-internal-error-*/traceback.txt")
    assert f"the traceback is in {written}" in said
    assert "RuntimeError: boom" in written.read_text()
    assert victim.read_text() == "keep me"
    assert stat.S_IMODE(written.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert written.parent.stat().st_uid == os.getuid()


def test_two_internal_errors_write_two_files():
    from checks.cli import exits

    first, second = exits.crash_log("one"), exits.crash_log("two")
    assert first != second
    assert (first.read_text(), second.read_text()) == ("one", "two")
    for path in (first, second):
        path.unlink()
        path.parent.rmdir()


def test_bytes_of_a_name_that_were_no_utf8_are_printed_as_escapes_on_any_terminal():
    from checks.cli.output import printable

    name = b"caf\xe9/\xff.conf".decode("utf-8", "surrogateescape")
    assert printable(name) == "caf\\xe9/\\xff.conf"
    assert printable("漢字 ok") == "漢字 ok"
    printable(name).encode("ascii")  # nothing left that a strict terminal refuses


def test_the_traceback_an_internal_error_writes_shows_no_secret_from_the_image(tmp_path, monkeypatch, capsys):
    import tempfile

    from checks.cli import exits

    key = "AKIA" + "Q3EGRIRTLUS7ZQ4M"  # a fake AWS key id, in two parts so this file holds none whole
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert exits.internal_error(ValueError(f"bad header {key!r}")) == 3
    (written,) = tmp_path.glob("slimlab-internal-error-*/traceback.txt")
    assert "ValueError: bad header" in written.read_text()
    assert key not in written.read_text() + capsys.readouterr().err
