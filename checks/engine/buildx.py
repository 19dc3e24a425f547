"""Builds, through the ``docker buildx`` CLI: the one place slimlab starts the docker command.

The Docker SDK for Python cannot build with BuildKit's named contexts (which
every lab build on a stand-in needs) or secrets, so :func:`build` runs
``docker buildx build --load`` and reads its plain progress
(:mod:`checks.model.progress`), keeping the steps it names.  A build that
outlives its time is killed, and so is one interrupted with Ctrl-C, so
neither leaves a build running in the engine.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from checks.engine import proc
from checks.model.errors import UsageError
from checks.model.progress import failing_step, is_step

#: Seconds one build may take: generous, as a cold stand-in base downloads Debian packages.
BUILD_TIMEOUT = 1800.0
NO_CLI = (
    "The docker command is not installed. Run `make check` (it installs the engine on Debian/Ubuntu) or install Docker."
)
#: What buildx prints when it finds no engine; :mod:`checks.engine.docker` words the message.
UNREACHABLE = "Cannot connect to the Docker daemon"


@dataclass(frozen=True)
class BuildRequest:
    """Everything needed for one ``docker buildx build --load``."""

    dockerfile: Path
    context: Path
    tag: str
    labels: Mapping[str, str]
    #: Named contexts: name as written in FROM -> image reference to use instead.
    contexts: Mapping[str, str]
    target: str | None = None
    builder: str | None = None
    build_args: Mapping[str, str] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()
    #: Build every step again, cached or not (``--no-cache``).
    no_cache: bool = False


@dataclass(frozen=True, kw_only=True)
class Built:
    """What one build gave."""

    image_id: str
    #: Every step header its plain progress printed (``#7 [build 2/3] RUN go build ...``), in order: which
    #: stages it ran (:func:`checks.model.progress.stage_steps`).
    steps: tuple[str, ...] = ()


def command_of(request: BuildRequest, iid_path: Path) -> list[str]:
    """The ``docker buildx build`` command line for ``request``, writing the image id to ``iid_path``."""
    command = [
        "docker",
        "buildx",
        "build",
        "--load",
        "--progress=plain",
        "-f",
        str(request.dockerfile),
        "-t",
        request.tag,
    ]
    if request.no_cache:
        command.append("--no-cache")
    if request.builder:
        command += ["--builder", request.builder]
    for key, value in request.labels.items():
        command += ["--label", f"{key}={value}"]
    for name, ref in request.contexts.items():
        command += ["--build-context", f"{name}=docker-image://{ref}"]
    for key, value in request.build_args.items():
        command += ["--build-arg", f"{key}={value}"]
    for secret in request.secrets:
        command += ["--secret", secret]
    if request.target:
        command += ["--target", request.target]
    return [*command, "--iidfile", str(iid_path), str(request.context)]


#: Every build this process runs now, in any thread (stand-ins and labs build side by side in worker threads).
_RUNNING: set[subprocess.Popen[str]] = set()
_RUNNING_LOCK = threading.Lock()


def stop_running() -> None:
    """Kill every build running now: Ctrl-C or SIGTERM arrives in the main thread, and a build in another
    thread would otherwise run to its end before the run can unwind. Each one raises in its own thread."""
    with _RUNNING_LOCK:
        for process in _RUNNING:
            process.kill()


def build(
    request: BuildRequest, *, echo: Callable[[str], None], engine_down: str, timeout: float = BUILD_TIMEOUT
) -> Built:
    """Build and load an image; return its id and the steps its progress named, which also go to ``echo``.

    A failed build raises UsageError naming the failing step with its log's
    tail (``engine_down`` when buildx found no engine); one that runs past
    ``timeout`` seconds is killed and raises UsageError.
    """
    iid_path = Path(tempfile.gettempdir()) / f"slimlab-iid-{uuid.uuid4().hex}"
    try:
        with _watched(_start(command_of(request, iid_path)), timeout) as (process, expired):
            lines = _progress(process, echo)
            code = process.wait()
            if expired.is_set():
                raise UsageError(
                    f"{request.dockerfile}: the build did not finish within {timeout:g}s, so it was stopped "
                    f"(last line: {lines[-1] if lines else 'none'}). Find the slow step in the progress above, "
                    "make it faster or check the network, and run the command again."
                )
            if code:
                raise failed(request, lines, engine_down)
            return Built(image_id=iid_path.read_text().strip(), steps=tuple(filter(is_step, lines)))
    finally:
        iid_path.unlink(missing_ok=True)


def _start(command: list[str]) -> subprocess.Popen[str]:
    """``docker buildx build`` started, its progress on one pipe."""
    try:
        return subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            env=proc.environment(),  # the engine's address is handed on (docker.engine_at), never read
        )
    except FileNotFoundError:
        raise UsageError(NO_CLI) from None


@contextlib.contextmanager
def _watched(process: subprocess.Popen[str], timeout: float) -> Iterator[tuple[subprocess.Popen[str], threading.Event]]:
    """``process``, one of the builds running now (:func:`stop_running`), killed after ``timeout`` seconds (the
    event is set then); on the way out, stopped if it still runs (an error, or Ctrl-C) and its pipe closed."""
    with _RUNNING_LOCK:
        _RUNNING.add(process)
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        process.kill()

    watchdog = threading.Timer(timeout, expire)
    watchdog.start()
    try:
        yield process, expired
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(process)
        watchdog.cancel()
        if process.poll() is None:  # an error, or Ctrl-C: stop the build rather than leave it running
            process.kill()
            process.wait(timeout=60)
        if process.stdout is not None:
            process.stdout.close()


def _progress(process: subprocess.Popen[str], echo: Callable[[str], None]) -> list[str]:
    """Every line of the build's plain progress; its step headers and errors also go to ``echo``."""
    lines: list[str] = []
    assert process.stdout is not None
    for raw in process.stdout:
        line = raw.rstrip("\n")
        lines.append(line)
        if is_step(line) or line.startswith("ERROR"):
            echo(line)
    return lines


def failed(request: BuildRequest, lines: list[str], engine_down: str) -> UsageError:
    """The error for a build that exited non-zero, from its progress lines."""
    if any(UNREACHABLE in line for line in lines):
        return UsageError(engine_down)
    step, log = failing_step(lines)
    tail = "\n".join("    " + line for line in log)
    return UsageError(
        f"{request.dockerfile}: the build failed at {step}\n  last lines of that step:\n{tail}\n"
        f"Fix that step of {request.dockerfile.name} (or its build context) and run the command again."
    )


def version(*, timeout: float = 60) -> str | None:
    """buildx's version (``v0.20.1``), or None when the docker CLI has no buildx plugin."""
    done = proc.run(["docker", "buildx", "version"], timeout=timeout, missing="Run `make check` or install Docker")
    if done.returncode:
        return None
    parts = done.stdout.split()
    return parts[1] if len(parts) > 1 else done.stdout.strip()
