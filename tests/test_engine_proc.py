"""checks.engine.proc: a helper command finishes, fails, or stops at its deadline with a clear message; work done aside
in a child process answers, raises or dies, and never outlives its block (no engine)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from checks.engine import proc
from checks.model.errors import MalformedError, UsageError


def test_a_command_s_output_and_exit_code_come_back():
    done = proc.run(["sh", "-c", "echo out; echo err >&2; exit 3"], timeout=10)
    assert (done.returncode, done.stdout, done.stderr) == (3, "out\n", "err\n")


def test_a_command_that_outlives_its_time_is_stopped_with_its_children_and_named():
    start = time.monotonic()
    with pytest.raises(UsageError, match=r"make-context\.sh did not finish within 0\.5s"):
        proc.run(["sh", "-c", "sleep 30 & sleep 30"], timeout=0.5, what="make-context.sh")
    assert time.monotonic() - start < 10


def test_a_missing_program_says_how_to_install_it():
    with pytest.raises(UsageError, match=r"slimlab-no-such-tool is not installed\. Debian: apt-get install iproute2"):
        proc.run(["slimlab-no-such-tool"], timeout=5, missing="Debian: apt-get install iproute2")


def test_quietly_reports_failure_and_hangs_as_false():
    assert proc.quietly(["true"], timeout=5) is True
    assert proc.quietly(["false"], timeout=5) is False
    assert proc.quietly(["sleep", "30"], timeout=0.2) is False


def test_work_done_aside_comes_back_with_its_answer():
    with proc.aside(lambda: {"pid": os.getpid(), "sum": sum(range(10))}) as answer:
        got = answer()
    assert got is not None
    assert got["sum"] == 45
    assert got["pid"] != os.getpid()  # done in another process


def test_while_other_threads_run_the_work_is_done_in_this_process_when_asked():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with proc.aside(os.getpid) as answer:
            assert answer() == os.getpid()
    finally:
        stop.set()
        other.join()


def test_what_work_done_aside_raises_is_raised_again_whole():
    def malformed():
        raise MalformedError("the header lies", "image.tar", "layer 3", fix="Save the image again.")

    with proc.aside(malformed) as answer, pytest.raises(MalformedError) as raised:
        answer()
    assert str(raised.value) == "image.tar: layer 3: the header lies. Save the image again."


def test_a_child_that_dies_without_answering_gives_none():
    with proc.aside(lambda: os.kill(os.getpid(), signal.SIGKILL)) as answer:
        assert answer() is None


def test_a_child_dies_at_once_on_ctrl_c(tmp_path):
    pid_file = tmp_path / "pid"

    def wait_long():
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)

    start = time.monotonic()
    with proc.aside(wait_long) as answer:
        while not pid_file.exists() or not pid_file.read_text():
            time.sleep(0.01)
        os.kill(int(pid_file.read_text()), signal.SIGINT)
        assert answer() is None
    assert time.monotonic() - start < 10


def test_leaving_the_block_early_stops_and_reaps_the_child(tmp_path):
    pid_file = tmp_path / "pid"

    def wait_long():
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)

    with proc.aside(wait_long):
        while not pid_file.exists() or not pid_file.read_text():
            time.sleep(0.01)
    assert not Path(f"/proc/{pid_file.read_text()}").exists()  # killed, and no zombie left either


def test_the_child_never_writes_what_the_parent_had_not_flushed_yet(tmp_path):
    out = tmp_path / "out.txt"
    with out.open("w") as buffered:
        buffered.write("once\n")  # still in this process's buffer when it forks
        with proc.aside(lambda: None) as answer:
            answer()
    assert out.read_text() == "once\n"
