"""Containers: the hardened smoke run, files read from a container created and never started, and removing the
containers this checkout started.  Each ``docker run`` exit code is what the CLI gave (:func:`start_failure_code`,
:func:`wait_code`)."""

from __future__ import annotations

import contextlib
import io
import tarfile
import time
import uuid
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import docker as sdk
import requests

from checks.engine import docker
from checks.model import checkout
from checks.model.checkout import HERE
from checks.model.measured import SmokeRun


def start_failure_code(message: str) -> int:
    """The exit code ``docker run`` gives when the engine cannot create or start the container (docker/cli's
    ``runStartContainerErr``): 127 for a missing program, 126 for one that cannot be executed, else 125."""
    text = message.removeprefix("Error response from daemon: ")
    if any(
        part in text
        for part in ("executable file not found", "no such file or directory", "system cannot find the file specified")
    ):
        return 127
    if "permission denied" in text or "is a directory" in text:
        return 126
    return 125


def wait_code(result: Mapping[str, Any]) -> int:
    """The exit code ``docker run`` gives for the engine's wait result: 125 when the wait itself failed."""
    return 125 if result.get("Error") else int(result.get("StatusCode", 125))


#: The hardening every smoke test runs under, as ``docker run`` flags would set it:
#: --network none --read-only --tmpfs /tmp:rw,exec,nosuid,size=64m --cap-drop ALL
#: --security-opt no-new-privileges --memory 512m --pids-limit 256.
HARDENING: Mapping[str, Any] = MappingProxyType(
    {
        "network_mode": "none",
        "read_only": True,
        "tmpfs": {"/tmp": "rw,exec,nosuid,size=64m"},
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "mem_limit": "512m",
        "pids_limit": 256,
    }
)


def _not_started(error: sdk.errors.APIError) -> SmokeRun:
    """What ``docker run`` printed and exited with when the engine refused to create or start the container."""
    message = f"Error response from daemon: {error.explanation or error}"
    return SmokeRun(
        exit_code=start_failure_code(message),
        stdout="",
        stderr_tail=f"docker: {message}\n\nRun 'docker run --help' for more information",
    )


def run_smoke(image: str, args: Iterable[str], *, expect: str, timeout: float) -> SmokeRun:
    """Run the image once, hardened, and remove the container whatever happens (Ctrl-C included)."""
    name = f"slimlab-smoke-{uuid.uuid4().hex[:12]}"
    deadline = time.monotonic() + timeout
    api = docker.api()
    try:
        with docker.engine_errors(f"run {image}", timeout=timeout):
            try:
                api.create_container(
                    image,
                    command=list(args) or None,
                    name=name,
                    labels={docker.CONTAINER_LABEL: "smoke", checkout.LABEL: HERE.id},
                    host_config=api.create_host_config(**HARDENING),
                )
            except sdk.errors.APIError as error:
                return _not_started(error)
            try:
                api.start(name)
            except sdk.errors.APIError as error:
                return _not_started(error)
            try:
                code = wait_code(api.wait(name, timeout=max(deadline - time.monotonic(), 0.001)))  # type: ignore[arg-type]
            except requests.exceptions.RequestException as error:
                if not docker.timed_out(error):
                    raise
                return SmokeRun(exit_code=None, stdout="", stderr_tail=f"killed after {timeout:.0f}s", timed_out=True)
            stdout = api.logs(name, stdout=True, stderr=False).decode(errors="replace").strip()
            stderr = api.logs(name, stdout=False, stderr=True).decode(errors="replace").strip()
    finally:
        _remove_container(name)
    stderr_tail = "\n".join(stderr.splitlines()[-5:])
    if code == 125:  # docker itself failed to run the container
        stderr_tail = stderr_tail or "docker could not start the container"
    return SmokeRun(exit_code=code, stdout=stdout, stderr_tail=stderr_tail, passed=code == 0 and expect in stdout)


def image_files(image: str, paths: Iterable[str]) -> dict[str, bytes | None]:
    """Files of an image, as ``docker cp`` from a container created (never started) from it would read them:
    a regular file's bytes, ``b""`` for anything else found at that path (a link, a folder), None for nothing
    there. Images without a shell or a command (distroless) are read the same way."""
    name = f"slimlab-read-{uuid.uuid4().hex[:12]}"
    api = docker.api()
    found: dict[str, bytes | None] = {}
    try:
        with docker.engine_errors(f"cp {image}"):
            # the command is never run: an image with neither CMD nor ENTRYPOINT needs one to be created
            api.create_container(
                image,
                command=["slimlab-never-run"],
                name=name,
                labels={docker.CONTAINER_LABEL: "read", checkout.LABEL: HERE.id},
            )
            for path in paths:
                try:
                    stream, _ = api.get_archive(name, path)
                except sdk.errors.NotFound:
                    found[path] = None
                    continue
                with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as archive:
                    member = archive.next()
                    file = archive.extractfile(member) if member is not None and member.isfile() else None
                    found[path] = file.read() if file is not None else b""
    finally:
        _remove_container(name)
    return found


def _remove_container(name: str) -> None:
    """``docker rm -f``: gone already, or refused (say, a removal in progress), is not an error, as for the CLI."""
    with docker.engine_errors(f"rm -f {name}", timeout=60), contextlib.suppress(sdk.errors.APIError):
        docker.api(timeout=60).remove_container(name, force=True)


def own_containers() -> list[str]:
    """Containers this checkout started (by the container-only label and the checkout's)."""
    labels = [docker.CONTAINER_LABEL, f"{checkout.LABEL}={HERE.id}"]
    with docker.engine_errors("ps -aq --filter label=" + " --filter label=".join(labels)):
        return [c["Id"][:12] for c in docker.api().containers(all=True, filters={"label": labels})]


def remove_containers(ids: list[str]) -> None:
    for container in ids:
        _remove_container(container)
