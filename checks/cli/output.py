"""What the command line writes: every line on standard output or error, and every report file, scrubbed of secret
values and with each byte that was no UTF-8 as ``\\xNN``; a run's progress, with ``verify --events``, to a file too."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from checks.inspect.redaction import scrubbed
from checks.model import progress
from checks.model.errors import UsageError
from checks.model.progress import Say
from checks.model.scrub import scrub_tree

T = TypeVar("T")


#: The surrogate escapes that stand for the bytes of a name that were no UTF-8 (``surrogateescape``).
UNDECODED = re.compile("[\udc80-\udcff]")


def printable(text: str) -> str:
    """``text`` as any terminal shows it: each byte of an image's names that was no UTF-8 as ``\\xNN``."""
    return UNDECODED.sub(lambda byte: f"\\x{ord(byte.group()) - 0xDC00:02x}", text)


def echo(message: str | progress.Event) -> None:
    """A line of progress (or an event's, :func:`checks.model.progress.line`), a warning or an error on standard
    error, scrubbed of secret values (an error may quote bytes of an image): every line the command line writes
    there passes here."""
    # one write per line: builds beside each other print from several threads
    sys.stderr.write(printable(scrubbed(progress.line(message))) + "\n")
    sys.stderr.flush()


@contextlib.contextmanager
def reporting(events: Path | None) -> Iterator[Say]:
    """Where a run's progress goes: each line to :func:`echo`, and with ``events``, each line and event also
    to that file as one JSON object a line, with its monotonic seconds (:func:`checks.model.progress.as_json`),
    written as it comes (a reader may follow it while the run goes on)."""
    if events is None:
        yield echo
        return
    try:
        written = events.open("w", encoding="utf-8")
    except OSError as error:
        raise UsageError(
            f"--events {events} cannot be written ({error.strerror}). Name a file in a folder that exists."
        ) from None
    lock = threading.Lock()

    def say(message: str | progress.Event) -> None:
        echo(message)
        with lock:  # builds beside each other report from several threads: one whole line at a time
            written.write(progress.as_json(scrub_tree(message, scrubbed), time.monotonic()) + "\n")
            written.flush()

    with written:
        yield say


def shown(text: str) -> str:
    """A report as an output shows it: scrubbed of secret values, every byte that was no UTF-8 as ``\\xNN``."""
    return printable(scrubbed(text))


def show(text: str) -> None:
    """A report on standard output, scrubbed of secret values: every line the command line prints passes here."""
    print(shown(text), flush=True)


def json_text(data: Any) -> str:
    """``data`` as the JSON a report shows, every string in it scrubbed before it is escaped."""
    return json.dumps(scrub_tree(data, scrubbed), indent=2)


def show_json(data: Any) -> None:
    """A report as JSON on standard output, every string in it scrubbed before it is escaped."""
    show(json_text(data))


def laid_out(result: T, render: Callable[[T], str]) -> str:
    """A report of what came from an image or a lab as ``render`` lays it out.

    Every string of ``result`` is scrubbed before it is laid out, so a value cut short to fit a column or
    reflowed onto one line is redacted all the same (and the report is scrubbed again where it is written).
    """
    return render(scrub_tree(result, scrubbed))


def show_report(result: T, *, text: Callable[[T], str], data: Callable[[T], Any], as_json: bool) -> None:
    """A report of what came from an image or a lab, as ``text`` lays it out or as the JSON of ``data``
    (:func:`laid_out`)."""
    show(laid_out(result, (lambda clean: json_text(data(clean))) if as_json else text))


@contextlib.contextmanager
def whole_file(path: Path | None, option: str = "--output") -> Iterator[Callable[[str], None]]:
    """Where a report goes: standard output (:func:`show`), or ``path``, written whole or not at all, as
    :func:`shown` (scrubbed, like every output).

    The report is written into a new file beside ``path``, made before any work (so a folder that does not exist
    fails first, exit 2), and renamed over ``path`` only once it is complete; if anything fails on the way, that
    file is removed and ``path`` is left as it was.
    """
    if path is None:
        yield show
        return
    if path.is_dir():
        raise UsageError(f"{option} {path} is a folder. Name the file to write the report to.")
    try:
        partial = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, before it is renamed)
            "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".partial", delete=False
        )
    except OSError as error:
        raise UsageError(
            f"{option} {path} cannot be written ({error.strerror}). Name a file in a folder that exists and that "
            "you may write to."
        ) from None

    def write(text: str) -> None:
        partial.write(shown(text) + "\n")

    done = False
    try:
        with partial:
            yield write
        umask = os.umask(0)
        os.umask(umask)
        Path(partial.name).chmod(0o666 & ~umask)  # as an ordinary new file, not the private temporary file's 0600
        Path(partial.name).replace(path)
        done = True
    finally:
        if not done:
            Path(partial.name).unlink(missing_ok=True)
