"""checks.engine.proc: a helper command finishes, fails, or stops at its deadline with a clear message (no engine)."""

from __future__ import annotations

import time

import pytest

from checks.engine import proc
from checks.model.errors import UsageError


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
