"""Every call slimlab makes to the Docker CLI (and so to the engine) lives here.

Functions return plain data (:mod:`checks.model.claims` dataclasses, dicts, strings)
and turn an absent CLI, a silent engine or a failed build into a
:class:`~checks.model.errors.UsageError` whose message says what to do.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from checks.model.errors import UsageError
from checks.model.measured import Layer, SmokeRun

#: The project's label on every image it builds and every container it runs.
MANAGED_LABEL = "org.slimlab.managed"
#: Containers carry this label (images never do), so cleaning containers can
#: never touch one a user started from a slimlab image.
CONTAINER_LABEL = "org.slimlab.container"
#: Tag namespaces that belong to slimlab.
OWN_REPOSITORIES = ("slimlab/", "slimlab-base/")

ENGINE_DOWN = (
    "The Docker engine does not answer ({detail}). `make check` and `make test` start one "
    "(checks/setup/engine.sh); otherwise start Docker yourself so that `docker info` works, "
    "then run the command again."
)


def _docker(args: list[str], *, timeout: float | None = 120, stdin: bytes | None = None,
            host: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``docker ARGS`` (against the engine at ``host`` when given); raise UsageError when the
    CLI is missing, the engine is down or it hangs."""
    env = {**os.environ, "DOCKER_HOST": host} if host else None
    try:
        done = subprocess.run(
            ["docker", *args], input=stdin.decode() if stdin else None, capture_output=True, text=True, timeout=timeout,
            env=env,
        )
    except FileNotFoundError:
        raise UsageError("The docker command is not installed. Run `make check` (it installs the engine on Debian/Ubuntu) or install Docker.") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"`docker {' '.join(args[:3])}` did not finish within {timeout:.0f}s; the engine may be overloaded or stuck. Check `docker info` and try again.") from None
    if done.returncode and ("Cannot connect to the Docker daemon" in done.stderr or "error during connect" in done.stderr):
        raise UsageError(ENGINE_DOWN.format(detail=done.stderr.strip().splitlines()[-1]))
    return done


def _ok(args: list[str], **kwargs) -> str:
    done = _docker(args, **kwargs)
    if done.returncode:
        raise UsageError(f"`docker {' '.join(args)}` failed: {done.stderr.strip()}")
    return done.stdout


def engine_versions() -> dict[str, str]:
    """The engine's and buildx's versions, for the record."""
    engine = _docker(["version", "-f", "{{.Server.Version}}"])
    if engine.returncode:
        raise UsageError(ENGINE_DOWN.format(detail=(engine.stderr.strip() or "no server version").splitlines()[-1]))
    buildx = _docker(["buildx", "version"])
    if buildx.returncode:
        raise UsageError("The docker CLI has no buildx plugin. `make check` installs it on Debian/Ubuntu; elsewhere install docker-buildx.")
    parts = buildx.stdout.split()
    return {"engine": engine.stdout.strip(), "buildx": parts[1] if len(parts) > 1 else buildx.stdout.strip()}


def inspect_image(ref: str) -> dict | None:
    """``docker image inspect`` of ``ref``, or None when there is no such image."""
    done = _docker(["image", "inspect", ref])
    if done.returncode:
        return None
    return json.loads(done.stdout)[0]


def pull(ref: str, timeout: float) -> bool:
    """Try to pull ``ref``; False on any failure or after ``timeout`` seconds."""
    try:
        return _docker(["pull", "-q", ref], timeout=timeout).returncode == 0
    except UsageError:
        return False


def history(ref: str) -> tuple[Layer, ...]:
    """The image's steps, oldest first, with the bytes each added."""
    out = _ok(["history", "--no-trunc", "--human=false", "--format", "{{json .}}", ref])
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    return tuple(Layer(size_bytes=int(row.get("Size") or 0), created_by=row.get("CreatedBy", "")) for row in reversed(rows))


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


_STEP = re.compile(r"^#(\d+) (\[.*)$")
_STEP_ERROR = re.compile(r"^#(\d+) ERROR: (.*)$")


def failing_step(lines: list[str]) -> tuple[str, list[str]]:
    """From plain BuildKit progress: the step that failed and the last lines of its log."""
    steps = {m.group(1): m.group(2) for m in map(_STEP.match, lines) if m}
    errors = [m for m in map(_STEP_ERROR.match, lines) if m]
    if not errors:
        summary = next((line for line in reversed(lines) if line.startswith("ERROR")), lines[-1] if lines else "")
        return summary, lines[-15:]
    number, message = errors[-1].group(1), errors[-1].group(2)
    log = [line.split(" ", 2)[-1] for line in lines if line.startswith(f"#{number} ") and not _STEP_ERROR.match(line)]
    return f"{steps.get(number, 'a step')}: {message}", log[-15:]


def build(request: BuildRequest, *, echo: Callable[[str], None]) -> str:
    """Build and load an image; return its id.  Progress lines go to ``echo``.

    A failed build raises UsageError naming the failing step with its log's tail.
    """
    command = ["buildx", "build", "--load", "--progress=plain", "-f", str(request.dockerfile), "-t", request.tag]
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
    iid_path = Path(tempfile.gettempdir()) / f"slimlab-iid-{uuid.uuid4().hex}"
    command += ["--iidfile", str(iid_path), str(request.context)]
    lines: list[str] = []
    try:
        process = subprocess.Popen(["docker", *command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    except FileNotFoundError:
        raise UsageError("The docker command is not installed. Run `make check` or install Docker.") from None
    try:
        assert process.stdout is not None
        for line in process.stdout:
            line = line.rstrip("\n")
            lines.append(line)
            if _STEP.match(line) or line.startswith("ERROR"):
                echo(line)
        code = process.wait()
        if code:
            text = "\n".join(lines)
            if "Cannot connect to the Docker daemon" in text:
                raise UsageError(ENGINE_DOWN.format(detail="buildx could not reach it"))
            step, log = failing_step(lines)
            tail = "\n".join("    " + line for line in log)
            raise UsageError(
                f"{request.dockerfile}: the build failed at {step}\n  last lines of that step:\n{tail}\n"
                f"Fix that step of {request.dockerfile.name} (or its build context) and run the command again."
            )
        return iid_path.read_text().strip()
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        iid_path.unlink(missing_ok=True)


def list_files(image: str) -> frozenset[str]:
    """Every path in the image's filesystem, read from ``docker export`` of an unstarted container."""
    name = f"slimlab-files-{uuid.uuid4().hex[:12]}"
    _ok(["create", "--name", name, "--label", f"{CONTAINER_LABEL}=inspect", image, "/slimlab-never-started"])
    try:
        process = subprocess.Popen(["docker", "export", name], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert process.stdout is not None
        with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
            names = frozenset(member.name.strip("./").rstrip("/") for member in archive)
        process.wait()
        return names - {""}
    finally:
        _docker(["rm", "-f", name])


#: The hardening every smoke test runs under.
HARDENING = (
    "--network", "none",
    "--read-only",
    "--tmpfs", "/tmp:rw,exec,nosuid,size=64m",
    "--cap-drop", "ALL",
    "--security-opt", "no-new-privileges",
    "--memory", "512m",
    "--pids-limit", "256",
)  # fmt: skip


def run_smoke(image: str, args: Iterable[str], *, expect: str, timeout: float) -> SmokeRun:
    """Run the image once, hardened, and remove the container whatever happens."""
    name = f"slimlab-smoke-{uuid.uuid4().hex[:12]}"
    command = ["run", "--name", name, "--label", f"{CONTAINER_LABEL}=smoke", *HARDENING, image, *args]
    try:
        done = _docker(command, timeout=timeout)
    except UsageError as error:
        if "did not finish" not in str(error):
            raise
        return SmokeRun(exit_code=None, stdout="", stderr_tail=f"killed after {timeout:.0f}s", timed_out=True)
    finally:
        _docker(["rm", "-f", name], timeout=60)
    stdout = done.stdout.strip()
    stderr_tail = "\n".join(done.stderr.strip().splitlines()[-5:])
    if done.returncode == 125:  # docker itself failed to start the container
        stderr_tail = stderr_tail or "docker could not start the container"
    return SmokeRun(
        exit_code=done.returncode,
        stdout=stdout,
        stderr_tail=stderr_tail,
        passed=done.returncode == 0 and expect in stdout,
    )


def _ids(args: list[str]) -> list[str]:
    return [line for line in _ok(args).split() if line]


def own_containers() -> list[str]:
    """Containers slimlab started (by their container-only label)."""
    return _ids(["ps", "-aq", "--filter", f"label={CONTAINER_LABEL}"])


def owned(rows: list[tuple[str, str]]) -> list[str]:
    """Of (repository:tag, id) rows of labelled images, those slimlab may remove:
    tagged under slimlab's own repositories, or left untagged by a rebuild.  A
    user's tagged image that merely inherits the label from a slimlab base is not
    slimlab's."""
    refs = []
    for ref, image_id in rows:
        if ref.startswith(OWN_REPOSITORIES):
            refs.append(ref)
        elif ref == "<none>:<none>" and image_id not in refs:
            refs.append(image_id)
    return refs


def own_images(lab: str | None = None) -> list[str]:
    """References of images slimlab built (only those of ``lab`` when given)."""
    label = f"label={MANAGED_LABEL}=true"
    filters = ["--filter", label] + (["--filter", f"label=org.slimlab.lab={lab}"] if lab else [])
    out = _ok(["images", "-a", *filters, "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"])
    return owned([tuple(line.rsplit(" ", 1)) for line in out.splitlines() if line.strip()])  # type: ignore[misc]


def remove_containers(ids: list[str]) -> None:
    if ids:
        _docker(["rm", "-f", *ids])


def remove_images(refs: list[str]) -> list[str]:
    """Remove the given images; return those the engine refused (e.g. still used)."""
    refused = []
    for ref in refs:
        if _docker(["rmi", ref]).returncode:
            refused.append(ref)
    return refused


def save_gz(refs: list[str], archive: Path) -> None:
    """`docker save` of ``refs`` into a gzip archive, written whole or not at all."""
    partial = archive.with_name(archive.name + ".partial")
    with subprocess.Popen(["docker", "save", *refs], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        with gzip.open(partial, "wb", compresslevel=1) as out:
            shutil.copyfileobj(process.stdout, out, 1 << 20)
        error = process.stderr.read().decode(errors="replace")
    if process.returncode:
        partial.unlink(missing_ok=True)
        raise UsageError(f"docker save failed: {error.strip()}. Run `make workshop-prepare` first so every image exists.")
    partial.replace(archive)


def load_gz(archive: Path) -> str:
    """`docker load` of an archive written by :func:`save_gz`; returns docker's report."""
    with tempfile.TemporaryFile() as report, subprocess.Popen(
        ["docker", "load"], stdin=subprocess.PIPE, stdout=report, stderr=subprocess.STDOUT
    ) as process:
        assert process.stdin is not None
        with gzip.open(archive, "rb") as source:
            try:
                shutil.copyfileobj(source, process.stdin, 1 << 20)
            except BrokenPipeError:
                pass
        process.stdin.close()
        process.wait()
        report.seek(0)
        text = report.read().decode(errors="replace").strip()
    if process.returncode:
        raise UsageError(f"docker load of {archive} failed: {text}")
    return text


def storage() -> tuple[str, str] | None:
    """The engine's storage driver and data root (``overlay2``, ``/var/lib/docker``), or None when it does not say."""
    done = _docker(["info", "--format", "{{.Driver}}\t{{.DockerRootDir}}"], timeout=60)
    driver, _, root = done.stdout.strip().partition("\t")
    return (driver, root) if done.returncode == 0 and driver and root else None


@contextlib.contextmanager
def save(ref: str) -> Iterator[IO[bytes]]:
    """`docker save` of one image, as a stream to read while the engine writes it.

    The engine's failure (say, an image removed meanwhile) is raised on leaving
    the block; leaving early stops docker.
    """
    try:
        process = subprocess.Popen(["docker", "save", ref], stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=1 << 20)
    except FileNotFoundError:
        raise UsageError("The docker command is not installed. Run `make check` or install Docker.") from None
    assert process.stdout is not None and process.stderr is not None
    finished = False
    try:
        yield process.stdout
        finished = True
    finally:
        if not finished:
            process.kill()
        process.stdout.close()
        error = process.stderr.read().decode(errors="replace").strip()
        process.stderr.close()
        code = process.wait()
    if code:
        raise UsageError(f"`docker save {ref}` failed: {error or f'exit {code}'}")


# ---------------------------------------------------------------------------
# Pushes to a loopback registry, and cold pulls by a fresh engine (checks.engine.pullbench).


def push(image: str, ref: str, *, timeout: float = 1800) -> None:
    """Push ``image`` under the registry reference ``ref``, then drop that extra tag again."""
    _ok(["tag", image, ref])
    try:
        _ok(["push", "-q", ref], timeout=timeout)
    finally:
        _docker(["rmi", ref])  # removes only the tag: the image keeps its own


def timed_pull(ref: str, *, host: str, timeout: float = 1800) -> float:
    """Pull ``ref`` into the engine at ``host``; return the seconds ``docker pull`` took."""
    start = time.monotonic()
    _ok(["pull", "-q", ref], timeout=timeout, host=host)
    return time.monotonic() - start


def forget_images(host: str) -> None:
    """Remove every image (and so every layer) from the engine at ``host``: the next pull starts from nothing."""
    ids = sorted(set(_ok(["images", "-aq"], host=host).split()))
    if ids:
        _ok(["rmi", "-f", *ids], host=host)
    left = _ok(["images", "-aq"], host=host).split()
    if left:
        raise UsageError(f"The fresh engine at {host} kept {len(left)} image(s) after removing them all, so the next "
                         "pull would not be cold.")
