"""Helper processes (``ip``, ``tc``, ``nsenter``, ``umount``, prepare scripts), each with a deadline; and work
done aside, in a fork of this process.

:func:`run` is :func:`subprocess.run` with output captured as text and a
timeout that is never optional: a command that is missing or outlives its
time is a :class:`~checks.model.errors.UsageError` naming the command and how
long it was given.  :func:`aside` runs a function in a child process while this
one goes on, for work that needs a core of its own (threads share one).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from checks.model.errors import UsageError

#: Variables every process started now is handed on top of its environment (:func:`handing_on`).
_HANDED: dict[str, str] = {}


@contextlib.contextmanager
def handing_on(**variables: str) -> Iterator[None]:
    """Inside the block, every process started (:func:`environment`) is handed ``variables`` too; for a block
    that no other thread runs beside."""
    before = dict(_HANDED)
    _HANDED.update(variables)
    try:
        yield
    finally:
        _HANDED.clear()
        _HANDED.update(before)


def environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a process starts with: ``env``, or this process's own, with what :func:`handing_on`
    adds. Handing the environment on to a child is not reading it: no setting comes from here
    (:mod:`checks.model.settings` parses what slimlab reads)."""
    return {**os.environ, **_HANDED} if env is None else {**env, **_HANDED}


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
            env=environment(env),
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


T = TypeVar("T")


@contextlib.contextmanager
def aside(work: Callable[[], T]) -> Iterator[Callable[[], T | None]]:
    """Run ``work`` in a child process, a fork of this one, while the block runs.

    The block gets a function that waits for the child and returns what ``work`` returned, or raises again what it
    raised; None when the child died without answering (killed, out of memory), so the caller can do the work
    itself.  Leaving the block stops the child if it still runs, and reaps it: nothing outlives the block.  The
    child runs nothing but ``work``: it dies at once on SIGINT or SIGTERM, writes only its answer (pickled, through a
    pipe) and leaves with ``os._exit``, so it never flushes, closes or cleans up what it inherited.  While other
    threads run, a fork could copy a lock one of them holds, so the work is done here instead, when its answer is
    asked for.
    """
    if threading.active_count() > 1:
        yield work
        return
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:
        _answer(work, reading, writing)
    os.close(writing)
    running = True

    def wait() -> T | None:
        nonlocal running
        with open(reading, "rb", closefd=False) as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        running = False
        if not data:
            return None
        done, value = pickle.loads(data)  # written by this program's own child
        if not done:
            raise value
        return value  # type: ignore[no-any-return]

    try:
        yield wait
    finally:
        os.close(reading)
        if running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _answer(work: Callable[[], Any], reading: int, writing: int) -> NoReturn:
    """In the child of :func:`aside`: do ``work`` and write what came of it, then leave without any clean-up."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.close(reading)
        try:
            answer: tuple[bool, Any] = (True, work())
        except Exception as error:  # raised again in the parent
            answer = (False, error)
        try:
            data = pickle.dumps(answer)
        except Exception as error:  # an answer that cannot travel is a bug in the caller's work
            data = pickle.dumps((False, RuntimeError(f"the work done aside gave what cannot be sent back: {error}")))
        with open(writing, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)
