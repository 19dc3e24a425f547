"""The engine API through the Docker SDK for Python: the client every engine call goes through, and the engine itself.

Which engine a call talks to (:func:`use_host`, :func:`engine_at`), the low-level client (:func:`api`, each
call with a timeout), the SDK's typed errors turned into a :class:`~checks.model.errors.UsageError` whose
message says what to do, in one place (:func:`translate`, :func:`engine_errors`), the labels slimlab puts on
what it makes, and the engine's version and image store.  Images (:mod:`checks.engine.images`), containers
(:mod:`checks.engine.containers`) and the streams of save, load, push and pull (:mod:`checks.engine.transfer`)
are beside it.  Only builds use the ``docker buildx`` CLI (:mod:`checks.engine.buildx`, whose :func:`build`,
:class:`BuildRequest` and :class:`Built` are re-exported here), because the SDK cannot build with named
contexts or secrets.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker as sdk
import docker.auth
import docker.constants
import docker.errors
import docker.utils
import requests
import urllib3

from checks.engine import buildx, proc
from checks.engine.buildx import BuildRequest, Built
from checks.model.errors import UsageError

#: The project's label on every image it builds and every container it runs.
MANAGED_LABEL = "org.slimlab.managed"
#: Containers carry this label (images never do), so cleaning containers can
#: never touch one a user started from a slimlab image.
CONTAINER_LABEL = "org.slimlab.container"
#: The label on every stand-in base: the official image it stands in for.
STAND_IN_LABEL = "org.slimlab.stand-in-for"
#: Where stand-in bases are tagged (``slimlab-base/<slug>:<recipe hash>``): named by their recipe, so every
#: checkout on an engine shares them, unlike lab images (:mod:`checks.model.checkout`).
STAND_INS = "slimlab-base/"
#: Seconds one API call may wait for the engine (for a stream: for each read of it).
API_TIMEOUT = 120.0
#: Where the SDK looks for the engine when DOCKER_HOST is unset.
DEFAULT_HOST = "unix:///var/run/docker.sock"


@dataclass(frozen=True)
class _Engine:
    """The engine the calls that name no host talk to: ``DOCKER_HOST`` and its TLS variables as the settings
    parsed them at start (:func:`use_host`), or the one :func:`engine_at` switched to."""

    host: str | None = None
    tls_verify: bool = False
    cert_path: str | None = None

    @property
    def where(self) -> str:
        """The engine as messages name it."""
        return self.host or DEFAULT_HOST

    def client_arguments(self) -> dict[str, Any]:
        """The SDK client's address and TLS, as ``kwargs_from_env`` makes them from these values (never from the
        process's environment: the mapping it is handed is never empty)."""
        arguments: dict[str, Any] = {
            **sdk.utils.kwargs_from_env(
                environment={
                    "DOCKER_HOST": self.host or "",
                    "DOCKER_TLS_VERIFY": "1" if self.tls_verify else "",
                    "DOCKER_CERT_PATH": self.cert_path or "",
                }
            )
        }
        return arguments


_engine = [_Engine()]

ENGINE_DOWN = (
    "The Docker engine does not answer ({detail}). `make check` and `make test` start one "
    "(checks/setup/engine.sh); otherwise start Docker yourself so that `docker info` works, "
    "then run the command again."
)


# ---------------------------------------------------------------------------
# The SDK's errors, translated in one place.


def _explanation(error: sdk.errors.APIError) -> str:
    return str(error.explanation or error).strip().rstrip(".")


def _engine_down_detail(error: BaseException, where: str) -> str:
    text = str(error)
    if "refused" in text.lower():
        reason = "connection refused"
    elif "No such file or directory" in text or isinstance(error, FileNotFoundError):
        reason = "no socket there"
    else:
        reason = text.splitlines()[-1][:200] if text else type(error).__name__
    return f"{where}: {reason}"


def timed_out(error: BaseException) -> bool:
    """Whether ``error`` is a call that did not finish in time (requests', urllib3's or the socket's)."""
    if isinstance(error, (requests.exceptions.Timeout, urllib3.exceptions.TimeoutError, TimeoutError)):
        return True
    return isinstance(error, requests.exceptions.ConnectionError) and "timed out" in str(error).lower()


def translate(error: BaseException, action: str, *, where: str = "", timeout: float | None = None) -> UsageError | None:
    """The UsageError for an SDK error raised while doing ``action`` (``image inspect x``) against the engine
    at ``where`` (default: the engine of :func:`use_host`), given ``timeout`` seconds; None for an error that is not
    the engine's (a bug: let it through)."""
    where = where or _engine[0].where
    if isinstance(error, sdk.errors.NotFound):
        return UsageError(
            f"`docker {action}` failed: the engine has no such object ({_explanation(error)}). "
            "`docker images` and `docker ps -a` list what it has; build or pull what is missing and "
            "run the command again."
        )
    if isinstance(error, sdk.errors.APIError):
        return UsageError(
            f"`docker {action}` failed: the engine says {_explanation(error)}. Fix what it names "
            "(`docker info` shows the engine's state) and run the command again."
        )
    if timed_out(error):
        given = f"within {timeout:g}s" if timeout else "in time"
        return UsageError(
            f"`docker {action}` did not finish {given}; the engine at {where} may be overloaded or "
            "stuck. Check `docker info` and try again."
        )
    if isinstance(error, (requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError)):
        return UsageError(
            f"The engine at {where} stopped answering in the middle of `docker {action}` ({error}). "
            "Check `docker info` and the engine's log, then run the command again."
        )
    if isinstance(error, (requests.exceptions.ConnectionError, ConnectionError, FileNotFoundError)):
        return UsageError(ENGINE_DOWN.format(detail=_engine_down_detail(error, where)))
    if isinstance(error, sdk.errors.DockerException):
        text = str(error)
        if any(word in text for word in ("Connection", "connection", "No such file or directory")):
            return UsageError(ENGINE_DOWN.format(detail=_engine_down_detail(error, where)))
        return UsageError(
            f"The Docker SDK cannot talk to the engine at {where} ({text}). Check DOCKER_HOST and that "
            "`docker info` works, then run the command again."
        )
    return None


def use_host(host: str | None, *, tls_verify: bool = False, cert_path: str | None = None) -> None:
    """Talk to the engine at ``host`` (``Settings.docker_host``; None: the default socket), with the TLS the
    settings name, in every call that names no host of its own, and name it in their messages;
    :func:`checks.cli.main` calls it once, at start."""
    _engine[0] = _Engine(host, tls_verify, cert_path)


def client_arguments() -> dict[str, Any]:
    """The address and TLS the SDK's client for calls that name no host is made with (:func:`use_host`,
    :func:`engine_at`)."""
    return _engine[0].client_arguments()


@contextlib.contextmanager
def engine_errors(action: str, *, where: str = "", timeout: float | None = None) -> Iterator[None]:
    """Turn the SDK's errors inside the block into UsageErrors (see :func:`translate`)."""
    try:
        yield
    except (sdk.errors.DockerException, requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as error:
        usage = translate(error, action, where=where, timeout=timeout)
        if usage is None:
            raise
        raise usage from None


_clients: dict[tuple[str | None, float], sdk.APIClient] = {}


def api(host: str | None = None, *, timeout: float = API_TIMEOUT) -> sdk.APIClient:
    """A low-level SDK client for the engine at ``host`` (default: the one :func:`use_host` or :func:`engine_at` names).

    Each call waits at most ``timeout`` seconds.
    """
    key = (host, timeout)
    if key not in _clients:
        with engine_errors("version", where=host or "", timeout=timeout):
            if host:
                # The SDK hands the timeout to requests, which takes seconds as a float; its stubs say int.
                _clients[key] = sdk.APIClient(base_url=host, timeout=timeout, version="auto")  # type: ignore[arg-type]
            else:
                _clients[key] = sdk.APIClient(timeout=timeout, version="auto", **client_arguments())  # type: ignore[arg-type]
    return _clients[key]


def ping(host: str, *, timeout: float = 5) -> bool:
    """Whether the engine at ``host`` answers ``/_ping`` within ``timeout`` seconds."""
    if host.startswith("unix://") and not Path(host.removeprefix("unix://")).exists():
        return False  # not listening yet; asking would leak the SDK's socket (it does not close one that fails)
    try:
        client = sdk.APIClient(base_url=host, timeout=timeout, version=sdk.constants.DEFAULT_DOCKER_API_VERSION)  # type: ignore[arg-type]
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (sdk.errors.DockerException, requests.exceptions.RequestException, OSError):
        return False


# ---------------------------------------------------------------------------
# The engine: its versions, builds, and the store it keeps images in.


def engine_versions() -> dict[str, str]:
    """The engine's and buildx's versions, for the record."""
    with engine_errors("version"):
        engine = api().version().get("Version", "")
    if not engine:
        raise UsageError(ENGINE_DOWN.format(detail="no server version"))
    found = buildx.version()
    if found is None:
        raise UsageError(
            "The docker CLI has no buildx plugin. `make check` installs it on Debian/Ubuntu; "
            "elsewhere install docker-buildx."
        )
    return {"engine": engine, "buildx": found}


def build(request: BuildRequest, *, echo: Callable[[str], None], timeout: float = buildx.BUILD_TIMEOUT) -> Built:
    """Build and load an image with buildx; return its id and the steps its progress named
    (see :func:`checks.engine.buildx.build`)."""
    return buildx.build(
        request, echo=echo, timeout=timeout, engine_down=ENGINE_DOWN.format(detail="buildx could not reach it")
    )


#: What ``docker info`` reports as the driver type of the containerd image store.
CONTAINERD_STORE = "io.containerd.snapshotter.v1"


def _info() -> Mapping[str, Any]:
    with engine_errors("info", timeout=60):
        info: Mapping[str, Any] = api(timeout=60).info()
    return info


def _in_containerd(info: Mapping[str, Any]) -> bool:
    return any(pair[:2] == ["driver-type", CONTAINERD_STORE] for pair in info.get("DriverStatus") or [])


def storage() -> tuple[str, str] | None:
    """The classic image store's storage driver and data root (``overlay2``, ``/var/lib/docker``); None when the
    engine does not say, or keeps its images in the containerd image store, which has no layer store of the
    engine's own to read (its snapshots are containerd's, named in containerd's database)."""
    info = _info()
    driver, root = info.get("Driver") or "", info.get("DockerRootDir") or ""
    return (driver, root) if driver and root and not _in_containerd(info) else None


def containerd_root() -> str | None:
    """The data root of an engine that keeps its images in the containerd image store; None on the classic store."""
    info = _info()
    return str(info.get("DockerRootDir") or "") or None if _in_containerd(info) else None


def image_store() -> str:
    """``containerd`` or ``classic``: the store the engine keeps images in (:data:`checks.model.measured.STORES`)."""
    return "containerd" if _in_containerd(_info()) else "classic"


@contextlib.contextmanager
def engine_at(host: str) -> Iterator[None]:
    """Inside the block, every call that names no engine of its own (the SDK's, and the buildx CLI's and every
    other process started, through the ``DOCKER_HOST`` handed on to them) talks to the engine at ``host``, a
    local socket; afterwards to the one before again. The switch is the whole process's: only for a block that
    no other thread runs beside (builds, pulls)."""
    before = _engine[0]
    kept = {key: client for key, client in _clients.items() if key[0] is None}
    for key in kept:
        del _clients[key]
    _engine[0] = _Engine(host)
    try:
        with proc.handing_on(DOCKER_HOST=host):
            yield
    finally:
        for key in [key for key in _clients if key[0] is None]:
            _clients.pop(key).close()
        _clients.update(kept)
        _engine[0] = before


def containerd_store() -> bool:
    """True when the engine keeps images in the containerd image store, whose exporter can rewrite file times."""
    return _in_containerd(_info())
