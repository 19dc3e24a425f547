"""A throwaway image registry on loopback, for measuring what a node downloads.

Debian's ``docker-registry`` package is the distribution registry (v2 API),
which runs offline.  :func:`local_registry` starts it with its own
configuration and storage in a temporary folder, on a free port of
127.0.0.1 (which Docker engines trust over plain HTTP), and stops it and
removes that folder afterwards, whatever happens.  A registry that cannot
start is a :class:`~checks.model.errors.UsageError` within seconds, never a hang.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docker.utils import parse_repository_tag

from checks.engine import proc
from checks.model.errors import UsageError
from checks.model.pulls import ACCEPT, is_index, layer_blobs, platform_digest

#: Names the registry binary when it is not ``docker-registry`` on PATH.
ENV_BINARY = "SLIMLAB_REGISTRY_BIN"
DEFAULT_BINARY = "docker-registry"
SETUP = Path(__file__).resolve().parent.parent / "setup" / "registry.sh"
#: Requests to the registry never go through a proxy.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True, kw_only=True)
class Registry:
    """A running registry."""

    #: ``127.0.0.1:<port>``: the host part of every reference pushed to it.
    address: str
    #: Its temporary folder: configuration, storage and log.
    root: Path
    #: The program serving it.
    binary: str = DEFAULT_BINARY

    def ref(self, repository: str, tag: str) -> str:
        return f"{self.address}/{repository}:{tag}"

    def ref_of(self, image: str) -> str:
        """Where ``image`` (``python:3.13-alpine``) goes in this registry: the same repository and tag."""
        repository, tag = parse_repository_tag(image)
        return self.ref(repository, tag or "latest")


#: ``uname -m`` to the architecture names registries use.
ARCHITECTURES = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "ppc64le": "ppc64le", "s390x": "s390x"}


def host_platform() -> tuple[str, str]:
    """This machine's platform, for picking a manifest out of an index."""
    return "linux", ARCHITECTURES.get(platform.machine(), platform.machine())


def find_binary(named: str | None) -> str | None:
    """The registry binary: ``named`` (``SLIMLAB_REGISTRY_BIN``, ``Settings.registry_bin``) when set, else
    ``docker-registry`` on PATH."""
    return named or shutil.which(DEFAULT_BINARY)


def install(echo: Callable[[str], None]) -> str:
    """Install the registry with checks/setup/registry.sh (apt, as root on Debian/Ubuntu); return the binary."""
    echo(f"pulls: {DEFAULT_BINARY} is missing; installing it with {SETUP.relative_to(SETUP.parents[2])}")
    done = proc.run(
        ["bash", str(SETUP)], what=f"{SETUP} (installing {DEFAULT_BINARY}; or install it by hand)", timeout=900
    )
    for line in done.stdout.splitlines():
        echo(line)
    if done.returncode:
        raise UsageError(
            done.stderr.strip().removeprefix("slimlab:").strip() or f"{SETUP} failed (exit {done.returncode})."
        )
    binary = shutil.which(DEFAULT_BINARY)
    if not binary:
        raise UsageError(f"{SETUP} finished but no {DEFAULT_BINARY} is on PATH.")
    return binary


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def registry_config(storage: Path, address: str) -> str:
    """The registry's configuration: files under ``storage``, plain HTTP on ``address``, quiet logs."""
    return (
        "version: 0.1\n"
        "log:\n"
        "  level: warn\n"
        "  accesslog:\n"
        "    disabled: true\n"
        "storage:\n"
        "  filesystem:\n"
        f"    rootdirectory: {storage}\n"
        "  delete:\n"
        "    enabled: true\n"
        "http:\n"
        f"  addr: {address}\n"
    )


def _get(url: str, accept: str = "", timeout: float = 30) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _log_tail(log: Path, lines: int = 5) -> str:
    try:
        text = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return "\n".join("    " + line for line in text[-lines:])


def _answers(address: str) -> bool:
    with contextlib.suppress(OSError):
        return _get(f"http://{address}/v2/", timeout=2)[0] == 200
    return False


def _answers_in(netns: str, address: str) -> bool:
    """Whether the registry answers on ``address`` as seen from inside network namespace ``netns``."""
    probe = "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)"
    return proc.quietly(
        ["nsenter", f"--net=/run/netns/{netns}", sys.executable, "-c", probe, f"http://{address}/v2/"], timeout=10
    )


def _wait_ready(
    process: subprocess.Popen[bytes], address: str, log: Path, timeout: float, answers: Callable[[], bool] | None = None
) -> None:
    """Return once ``GET /v2/`` answers 200; UsageError if the registry exits or stays silent."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise UsageError(
                f"The registry could not start on {address} (exit {process.returncode}); its log says:\n"
                f"{_log_tail(log)}\nFree the port, or fix the registry (checks/setup/registry.sh installs it)."
            )
        if (answers or (lambda: _answers(address)))():
            return
        if time.monotonic() > deadline:
            raise UsageError(
                f"The registry on {address} did not answer within {timeout:.0f}s; its log says:\n{_log_tail(log)}"
            )
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def local_registry(binary: str, *, port: int | None = None, timeout: float = 20) -> Iterator[Registry]:
    """Start a registry on 127.0.0.1 (``port``, or a free one); yield it; stop it and remove its files."""
    if not (Path(binary).is_file() and os.access(binary, os.X_OK)):
        raise UsageError(
            f"The registry binary '{binary}' does not exist or is not executable. Unset {ENV_BINARY} "
            "or point it at the distribution registry (Debian: apt-get install docker-registry)."
        )
    root = Path(tempfile.mkdtemp(prefix="slimlab-registry-"))
    address = f"127.0.0.1:{port or free_port()}"
    config = root / "config.yml"
    config.write_text(registry_config(root / "storage", address), encoding="utf-8")
    try:
        with _serving([binary, "serve", str(config)], binary, address, root / "registry.log", timeout):
            yield Registry(address=address, root=root, binary=binary)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def _serving(
    command: list[str],
    binary: str,
    address: str,
    log_path: Path,
    timeout: float,
    answers: Callable[[], bool] | None = None,
) -> Iterator[None]:
    """Run one registry process until the block ends; it must answer within ``timeout`` seconds."""
    process = None
    try:
        with log_path.open("wb") as log:
            try:
                process = subprocess.Popen(
                    command,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                    env=proc.environment(),
                )
            except OSError as error:
                raise UsageError(f"The registry binary '{binary}' could not run: {error}.") from None
        _wait_ready(process, address, log_path, timeout, answers)
        yield
    finally:
        if process is not None:
            _stop(process)


@contextlib.contextmanager
def twin_in(netns: str, registry: Registry, *, timeout: float = 20) -> Iterator[None]:
    """Serve ``registry``'s storage on the same address inside network namespace ``netns`` too.

    An engine in that namespace then pulls from ``127.0.0.1:<port>`` like any
    engine on the host: loopback, so trusted over plain HTTP.
    """
    command = ["nsenter", f"--net=/run/netns/{netns}", registry.binary, "serve", str(registry.root / "config.yml")]
    with _serving(
        command,
        registry.binary,
        registry.address,
        registry.root / f"registry-{netns}.log",
        timeout,
        lambda: _answers_in(netns, registry.address),
    ):
        yield


def manifest(registry: Registry, repository: str, reference: str) -> dict[str, Any]:
    """The manifest stored under ``repository:reference`` (a tag or a digest)."""
    status, body = _get(f"http://{registry.address}/v2/{repository}/manifests/{reference}", ACCEPT)
    if status != 200:
        raise UsageError(
            f"The registry has no manifest for {repository}:{reference} (HTTP {status}) although the push "
            f"succeeded: {body[:200].decode(errors='replace')}"
        )
    found: dict[str, Any] = json.loads(body)
    return found


def image_manifest(
    registry: Registry, repository: str, tag: str, platform: tuple[str, str] = ("linux", "amd64")
) -> dict[str, Any]:
    """The single-platform manifest of ``repository:tag`` (``platform``'s, when the tag names an index)."""
    found = manifest(registry, repository, tag)
    if is_index(found):
        found = manifest(registry, repository, platform_digest(found, *platform))
    return found


def compressed_layers(
    registry: Registry, repository: str, tag: str, platform: tuple[str, str] = ("linux", "amd64")
) -> tuple[int, ...]:
    """The layer blobs a node downloads to pull ``repository:tag``, lowest first (``platform``'s, when it is
    an index)."""
    return layer_blobs(image_manifest(registry, repository, tag, platform))


def compressed_size(
    registry: Registry, repository: str, tag: str, platform: tuple[str, str] = ("linux", "amd64")
) -> int:
    """Bytes a node downloads to pull ``repository:tag``: its layer blobs (``platform``'s, when it is an index)."""
    return sum(compressed_layers(registry, repository, tag, platform))
