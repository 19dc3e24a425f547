"""Helper processes (``ip``, ``tc``, ``nsenter``, ``umount``, prepare scripts), each with a deadline.

:func:`run` is :func:`subprocess.run` with output captured as text and a
timeout that is never optional: a command that is missing or outlives its
time is a :class:`~checks.model.errors.UsageError` naming the command and how
long it was given.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from checks.model.errors import UsageError


def run(
    command: Sequence[str],
    *,
    timeout: float,
    what: str | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    missing: str = "",
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` to its end within ``timeout`` seconds; its exit code is the caller's to judge.

    ``what`` names it in messages (default: the command line); ``missing`` says
    how to install the program when it is not there.  At the deadline the
    command and everything it started (its process group) are killed, so no
    grandchild keeps the pipes, or the machine, busy.
    """
    shown = what or f"`{' '.join(command)}`"
    try:
        process = subprocess.Popen(
            list(command),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            cwd=cwd,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )
    except FileNotFoundError:
        raise UsageError(
            f"{shown} cannot run: {command[0]} is not installed. {missing or 'Install it'} and run the command again."
        ) from None
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise UsageError(
            f"{shown} did not finish within {timeout:g}s, so it was stopped. Find out why it hangs "
            "(run it by hand), then run the command again."
        ) from None
    except BaseException:  # Ctrl-C: stop it too
        _kill_group(process)
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen[Any]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def quietly(command: Sequence[str], *, timeout: float) -> bool:
    """Best-effort clean-up (``ip link del``, ``umount``): True when it worked; never raises for a failure or a hang."""
    try:
        return run(command, timeout=timeout).returncode == 0
    except UsageError:
        return False
