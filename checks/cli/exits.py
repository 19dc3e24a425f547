"""How a run ends when it does not end well: an internal error's traceback written to a file of its own (exit 3),
SIGTERM unwound like Ctrl-C (exit 143)."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from checks.cli.output import echo
from checks.inspect.redaction import scrubbed

ISSUES = "the slimlab repository's issue tracker"


def crash_log(text: str) -> Path:
    """Write ``text`` into a new folder of the temporary folder that only this user can enter (``mkdtemp``: mode
    0700, a name no one can guess), as a file that did not exist (``O_EXCL``): no other user of the machine can
    have planted a link there, or read what the traceback says of the input."""
    folder = Path(tempfile.mkdtemp(prefix="slimlab-internal-error-"))
    path = folder / "traceback.txt"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", errors="backslashreplace") as file:
        file.write(text)
    return path


def internal_error(error: BaseException) -> int:
    """Write the traceback to a file of its own (:func:`crash_log`) and say where in one line: exit 3."""
    try:
        where = f"the traceback is in {crash_log(scrubbed(''.join(traceback.format_exception(error))))}"
    except OSError:
        where = "the traceback could not be written"
    echo(
        f"\nslimlab: internal error ({type(error).__name__}: {error}); {where}. This is a bug in slimlab, not in your "
        f"input: please report it on {ISSUES} with that file attached.\n"
    )
    return 3


#: Exit code after SIGTERM: 128 + 15, the shell's convention, as Ctrl-C's 130 is 128 + SIGINT's 2.
TERMINATED = 128 + signal.SIGTERM


class Terminated(BaseException):
    """SIGTERM arrived, raised in the main thread as Ctrl-C raises KeyboardInterrupt.

    A BaseException, like KeyboardInterrupt, so no ``except Exception`` takes it
    for a failure and every ``with`` block on the way out runs: the fresh
    engine, the registries and the network namespace are stopped and removed
    exactly as after Ctrl-C.
    """


def _terminate(signum: int, frame: FrameType | None) -> None:
    """The first SIGTERM: let no later one cut the clean-up short, then unwind."""
    signal.signal(signal.SIGTERM, _cleaning_up)
    raise Terminated


def _cleaning_up(signum: int, frame: FrameType | None) -> None:
    """A later SIGTERM, while the clean-up runs: nothing to do.

    A handler rather than SIG_IGN, which the helpers the clean-up starts
    (``ip``, ``umount``) would inherit.
    """


@contextlib.contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`Terminated`; the handler before it is back afterwards.

    Only the main thread can set a handler, and a SIGTERM ignored by whoever
    started us stays ignored (as Python leaves an ignored SIGINT alone): in
    either case nothing changes.  The engines, registries and helpers the run
    starts are in sessions of their own, so a SIGTERM sent to our process group
    (a CI runner's) reaches none of them; they are stopped by the clean-up, in
    order.  buildx and hadolint are in our group and may get it too: they stop
    either way, and the clean-up finds them ended.
    """
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) == signal.SIG_IGN:
        yield
        return
    before = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if before is None else before)
