"""Every call slimlab makes to the Docker engine lives here: the engine API through the Docker SDK for Python.

Image inspect, history, listing and removal, containers (the hardened smoke
run, file listings), ``docker save``/``docker load`` streams, push, pull,
version and info all go through the SDK (``docker`` on PyPI), each call with a
timeout.  Only builds use the ``docker buildx`` CLI (:mod:`checks.engine.buildx`,
whose :func:`build`, :class:`BuildRequest` and :class:`Built` are re-exported
here), because the SDK cannot build with named contexts or secrets.

Functions return plain data (:mod:`checks.model.measured` dataclasses, dicts,
strings) and turn the SDK's typed errors into a
:class:`~checks.model.errors.UsageError` whose message says what to do, in one
place: :func:`translate`.  Results are what the CLI gave, byte for byte
(:func:`history_layers`, :func:`start_failure_code`).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import tarfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

import docker as sdk
import docker.auth
import docker.constants
import docker.errors
import docker.utils
import requests
import urllib3

from checks.engine import buildx, proc
from checks.engine.buildx import BuildRequest, Built
from checks.model import checkout
from checks.model.checkout import HERE, Checkout
from checks.model.compression import unpack_seconds
from checks.model.errors import UsageError
from checks.model.measured import Layer, SmokeRun

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


def _timed_out(error: BaseException) -> bool:
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
    if _timed_out(error):
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


def _api(host: str | None = None, *, timeout: float = API_TIMEOUT) -> sdk.APIClient:
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
# Streams: what the engine sends as it goes (save, export, pull, push).


class _Chunks(io.RawIOBase):
    """A response body as a readable binary file (so tarfile and the layer reader can take it)."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks, self._left = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._left:
            self._left = next(self._chunks, b"")
            if not self._left:
                return 0
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


@contextlib.contextmanager
def _body(
    api: sdk.APIClient,
    method: str,
    path: str,
    action: str,
    *,
    params: Mapping[str, Any] | None = None,
    data: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = API_TIMEOUT,
) -> Iterator[requests.Response]:
    """One streamed API request (the SDK's own methods have no timeout for pulls and take one image per save)."""
    with engine_errors(action, where=api.base_url, timeout=timeout):
        response = api.request(
            method,
            api._url(path),  # type: ignore[attr-defined]  # the SDK's own URL builder (pinned version)
            params=params,
            data=data,
            headers=headers,
            stream=True,
            timeout=timeout,
        )
        try:
            try:
                response.raise_for_status()
            except requests.exceptions.HTTPError as error:
                raise sdk.errors.create_api_error_from_http_exception(error) from None
            yield response
        finally:
            response.close()


def _messages(
    response: requests.Response, failed: Callable[[str], str], *, deadline: float | None = None, stuck: str = ""
) -> Iterator[dict[str, Any]]:
    """The JSON progress messages of a pull, push or load: UsageError ``failed(error)`` for an error message,
    or ``stuck`` once past ``deadline`` (a :func:`time.monotonic` value; None waits as long as the body does)."""
    for line in response.iter_lines():
        if deadline is not None and time.monotonic() > deadline:
            raise UsageError(stuck)
        if not line.strip():
            continue
        message = json.loads(line)
        if message.get("error"):
            raise UsageError(failed(message["error"]))
        yield message


def _transfer(
    response: requests.Response,
    action: str,
    deadline: float,
    timeout: float,
    seen: Callable[[Mapping[str, Any]], None] = lambda message: None,
) -> None:
    """Read a pull's or a push's progress to its end, as :func:`_messages` does, handing ``seen`` each message."""
    for message in _messages(
        response,
        lambda error: f"`docker {action}` failed: {error}. Check that the registry answers and run the command again.",
        deadline=deadline,
        stuck=f"`docker {action}` did not finish within {timeout:g}s; the registry or the engine may be stuck. "
        "Check `docker info` and try again.",
    ):
        seen(message)


# ---------------------------------------------------------------------------
# Pure conversions: the SDK's answers into exactly what the CLI printed.


def history_layers(items: Iterable[Mapping[str, Any]]) -> tuple[Layer, ...]:
    """``/images/{id}/history`` (newest first) as ``docker history --no-trunc --human=false`` gave it, oldest first:
    the CLI replaces each tab in CreatedBy with a space."""
    rows = [
        Layer(size_bytes=int(item.get("Size") or 0), created_by=(item.get("CreatedBy") or "").replace("\t", " "))
        for item in items
    ]
    return tuple(reversed(rows))


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


def image_rows(images: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(repository:tag, short id) rows of ``/images/json``.

    As ``docker images --format '{{.Repository}}:{{.Tag}} {{.ID}}'`` prints them: one per tag,
    ``<none>:<none>`` for an untagged image, ``repo:<none>`` for one known only by digest.
    """
    rows = []
    for image in images:
        short = image["Id"].removeprefix("sha256:")[:12]
        tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
        digests = [d for d in image.get("RepoDigests") or [] if d != "<none>@<none>"]
        if not tags and not digests:
            rows.append(("<none>:<none>", short))
            continue
        tagged = {tag.rsplit(":", 1)[0] for tag in tags}
        rows += [(tag, short) for tag in tags]
        rows += [
            (f"{repo}:<none>", short)
            for repo in dict.fromkeys(d.split("@", 1)[0] for d in digests)
            if repo not in tagged
        ]
    return rows


# ---------------------------------------------------------------------------
# Images.


def engine_versions() -> dict[str, str]:
    """The engine's and buildx's versions, for the record."""
    with engine_errors("version"):
        engine = _api().version().get("Version", "")
    if not engine:
        raise UsageError(ENGINE_DOWN.format(detail="no server version"))
    found = buildx.version()
    if found is None:
        raise UsageError(
            "The docker CLI has no buildx plugin. `make check` installs it on Debian/Ubuntu; "
            "elsewhere install docker-buildx."
        )
    return {"engine": engine, "buildx": found}


def inspect_image(ref: str) -> dict[str, Any] | None:
    """``docker image inspect`` of ``ref``, or None when there is no such image."""
    with engine_errors(f"image inspect {ref}"):
        try:
            found: dict[str, Any] = _api().inspect_image(ref)  # type: ignore[no-untyped-call]
            return found
        except sdk.errors.APIError as error:
            if error.is_client_error():  # no such image, or a name that cannot be one: the CLI said nothing either
                return None
            raise


def history(ref: str) -> tuple[Layer, ...]:
    """The image's steps, oldest first, with the bytes each added."""
    with engine_errors(f"history {ref}"):
        return history_layers(_api().history(ref))  # type: ignore[no-untyped-call]


def build(request: BuildRequest, *, echo: Callable[[str], None], timeout: float = buildx.BUILD_TIMEOUT) -> Built:
    """Build and load an image with buildx; return its id and the steps its progress named
    (see :func:`checks.engine.buildx.build`)."""
    return buildx.build(
        request, echo=echo, timeout=timeout, engine_down=ENGINE_DOWN.format(detail="buildx could not reach it")
    )


def pull(ref: str, timeout: float) -> bool:
    """Try to pull ``ref``; False on any failure or after ``timeout`` seconds."""
    try:
        _pull(_api(), ref, timeout)
    except UsageError:
        return False
    return True


def _auth(api: sdk.APIClient, repository: str) -> str:
    """The X-Registry-Auth header the CLI would send: the credentials docker's config holds for it, or none."""
    registry, _ = sdk.auth.resolve_repository_name(repository)
    return str(sdk.auth.get_config_header(api, registry) or sdk.auth.encode_header({}))


def _pull(
    api: sdk.APIClient, ref: str, timeout: float, seen: Callable[[Mapping[str, Any]], None] = lambda message: None
) -> None:
    deadline = time.monotonic() + timeout
    repository, tag = sdk.utils.parse_repository_tag(ref)
    with _body(
        api,
        "POST",
        "/images/create",
        f"pull {ref}",
        params={"fromImage": repository, "tag": tag or "latest"},
        headers={"X-Registry-Auth": _auth(api, repository)},
        timeout=timeout,
    ) as response:
        _transfer(response, f"pull {ref}", deadline, timeout, seen)


# ---------------------------------------------------------------------------
# The smoke test.

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
    api = _api()
    try:
        with engine_errors(f"run {image}", timeout=timeout):
            try:
                api.create_container(
                    image,
                    command=list(args) or None,
                    name=name,
                    labels={CONTAINER_LABEL: "smoke", checkout.LABEL: HERE.id},
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
                if not _timed_out(error):
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
    api = _api()
    found: dict[str, bytes | None] = {}
    try:
        with engine_errors(f"cp {image}"):
            # the command is never run: an image with neither CMD nor ENTRYPOINT needs one to be created
            api.create_container(
                image,
                command=["slimlab-never-run"],
                name=name,
                labels={CONTAINER_LABEL: "read", checkout.LABEL: HERE.id},
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
    with engine_errors(f"rm -f {name}", timeout=60), contextlib.suppress(sdk.errors.APIError):
        _api(timeout=60).remove_container(name, force=True)


# ---------------------------------------------------------------------------
# Cleaning up: only what carries this checkout's labels (checks.model.checkout), or asked for by name.


def own_containers() -> list[str]:
    """Containers this checkout started (by the container-only label and the checkout's)."""
    labels = [CONTAINER_LABEL, f"{checkout.LABEL}={HERE.id}"]
    with engine_errors("ps -aq --filter label=" + " --filter label=".join(labels)):
        return [c["Id"][:12] for c in _api().containers(all=True, filters={"label": labels})]


def owned(rows: list[tuple[str, str]], here: Checkout = HERE) -> list[str]:
    """Of (repository:tag, id) rows of images carrying ``here``'s label, what it may remove: its tags in its
    namespace, and the images left with no tag at all (a variant built anew leaves its old image so), by id.
    An image tagged only elsewhere (a user's image that inherits the label from a slimlab one) is not slimlab's."""
    names: dict[str, list[str]] = {}
    for ref, image_id in rows:
        names.setdefault(image_id, []).extend([] if ref.endswith(":<none>") else [ref])
    refs = []
    for image_id, tags in names.items():
        ours = [tag for tag in tags if here.owns(tag)]
        refs += ours or ([] if tags else [image_id])
    return refs


def own_images(lab: str | None = None) -> list[str]:
    """References of the images this checkout built (only those of ``lab`` when given)."""
    labels = [f"{MANAGED_LABEL}=true", f"{checkout.LABEL}={HERE.id}"] + ([f"org.slimlab.lab={lab}"] if lab else [])
    with engine_errors("images -a --filter label=" + " --filter label=".join(labels)):
        return owned(image_rows(_api().images(all=True, filters={"label": labels})))


def stand_ins() -> list[str]:
    """The tags of the stand-in bases, which every checkout on the engine shares."""
    labels = [f"{MANAGED_LABEL}=true", STAND_IN_LABEL]
    with engine_errors("images --filter label=" + " --filter label=".join(labels)):
        rows = image_rows(_api().images(filters={"label": labels}))
    return [ref for ref, _ in rows if ref.startswith(STAND_INS)]


def remove_containers(ids: list[str]) -> None:
    for container in ids:
        _remove_container(container)


def remove_images(refs: list[str]) -> list[str]:
    """Remove the given images; return those the engine refused (e.g. still used)."""
    refused = []
    for ref in refs:
        with engine_errors(f"rmi {ref}"):
            try:
                _api().remove_image(ref)
            except sdk.errors.APIError:
                refused.append(ref)
    return refused


# ---------------------------------------------------------------------------
# Archives: docker save and docker load.


def save_gz(refs: list[str], archive: Path) -> None:
    """`docker save` of ``refs`` into a gzip archive, written whole or not at all."""
    partial = archive.with_name(archive.name + ".partial")
    try:
        with (
            _body(_api(), "GET", "/images/get", f"save {' '.join(refs)}", params={"names": refs}) as response,
            gzip.open(partial, "wb", compresslevel=1) as out,
        ):
            for chunk in response.iter_content(1 << 20):
                out.write(chunk)
    except UsageError as error:
        partial.unlink(missing_ok=True)
        raise UsageError(f"{error} Run `make workshop-prepare` first so every image exists.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(archive)


GZIP_MAGIC = b"\x1f\x8b"
#: Seconds ``docker load`` may go without an answer: the engine unpacks a whole image before it reports it.
LOAD_TIMEOUT = 1800.0


def load_gz(archive: Path) -> str:
    """`docker load` of an archive written by :func:`save_gz`; returns docker's report.

    The engine unpacks gzip itself, so the archive is streamed to it as it is.
    """
    with archive.open("rb") as source:
        if source.read(2) != GZIP_MAGIC:
            raise UsageError(
                f"{archive} is not a workshop bundle (not gzip). Make it on a prepared machine with "
                "`make workshop-bundle`, copy it here whole, and run `make workshop-load BUNDLE=<path>`."
            )
        source.seek(0)
        lines: list[str] = []
        action = f"load -i {archive}"
        with _body(
            _api(),
            "POST",
            "/images/load",
            action,
            params={"quiet": True},
            data=source,
            headers={"Content-Type": "application/x-tar"},
            timeout=LOAD_TIMEOUT,
        ) as response:
            progress = _messages(
                response,
                lambda error: (
                    f"docker load of {archive} failed: {error}. Make the bundle again with "
                    "`make workshop-bundle` and copy it here whole."
                ),
            )
            lines.extend(str(message.get("stream", "")) for message in progress)
    return "".join(lines).strip()


#: What ``docker info`` reports as the driver type of the containerd image store.
CONTAINERD_STORE = "io.containerd.snapshotter.v1"


def _info() -> Mapping[str, Any]:
    with engine_errors("info", timeout=60):
        info: Mapping[str, Any] = _api(timeout=60).info()
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


def listed_bytes(image_id: str) -> int | None:
    """The size ``docker image ls`` shows for the image (the image list's ``Size``); None when it is not listed."""
    with engine_errors("image ls"):
        found = [image for image in _api().images(all=True) if image.get("Id") == image_id]
    return int(found[0].get("Size") or 0) if found else None


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


def pull_as(ref: str, name: str, *, host: str, timeout: float = 1800) -> None:
    """Pull ``ref`` into the engine at ``host`` and name it ``name`` there instead."""
    api = _api(host)
    _pull(api, ref, timeout)
    repository, tag = sdk.utils.parse_repository_tag(name)
    with engine_errors(f"tag {ref} {name}", where=host):
        api.tag(ref, repository, tag or "latest")
    with engine_errors(f"rmi {ref}", where=host), contextlib.suppress(sdk.errors.APIError):
        api.remove_image(ref)  # only the registry's name: the image keeps the one just given


def containerd_store() -> bool:
    """True when the engine keeps images in the containerd image store, whose exporter can rewrite file times."""
    return _in_containerd(_info())


@contextlib.contextmanager
def save(ref: str) -> Iterator[IO[bytes]]:
    """`docker save` of one image, as a stream to read while the engine writes it.

    The engine's failure (say, an image removed meanwhile) is a UsageError;
    leaving the block early closes the stream, which stops the engine.
    """
    with _body(_api(), "GET", f"/images/{ref}/get", f"save {ref}") as response:
        yield io.BufferedReader(_Chunks(response.iter_content(1 << 20)), 1 << 20)


# ---------------------------------------------------------------------------
# Pushes to a loopback registry, and cold pulls by a fresh engine (checks.engine.pullbench).


def push(image: str, ref: str, *, timeout: float = 1800) -> None:
    """Push ``image`` under the registry reference ``ref``, then drop that extra tag again."""
    deadline = time.monotonic() + timeout
    repository, tag = sdk.utils.parse_repository_tag(ref)
    api = _api()
    with engine_errors(f"tag {image} {ref}"):
        api.tag(image, repository, tag)
    try:
        with _body(
            api,
            "POST",
            f"/images/{repository}/push",
            f"push {ref}",
            params={"tag": tag},
            headers={"X-Registry-Auth": _auth(api, repository)},
        ) as response:
            _transfer(response, f"push {ref}", deadline, timeout)
    finally:
        with engine_errors(f"rmi {ref}"), contextlib.suppress(sdk.errors.APIError):
            api.remove_image(ref)  # removes only the tag: the image keeps its own


def timed_pull(ref: str, *, host: str, timeout: float = 1800) -> tuple[float, float | None]:
    """Pull ``ref`` into the engine at ``host``; return the seconds the pull took, and the part of them spent
    unpacking layers as its progress messages show it (:func:`checks.model.compression.unpack_seconds`)."""
    api = _api(host)
    events: list[tuple[float, str, str]] = []
    start = time.monotonic()

    def seen(message: Mapping[str, Any]) -> None:
        events.append((time.monotonic() - start, str(message.get("id") or ""), str(message.get("status") or "")))

    _pull(api, ref, timeout, seen)
    return time.monotonic() - start, unpack_seconds(events)


def forget_images(host: str) -> None:
    """Remove every image (and so every layer) from the engine at ``host``: the next pull starts from nothing."""
    api = _api(host)
    with engine_errors("images -aq", where=host):
        ids = sorted({image["Id"] for image in api.images(all=True)})
    for image_id in ids:
        with engine_errors(f"rmi -f {image_id}", where=host), contextlib.suppress(sdk.errors.NotFound):
            api.remove_image(image_id, force=True)
    with engine_errors("images -aq", where=host):
        left = api.images(all=True)
    if left:
        raise UsageError(
            f"The fresh engine at {host} kept {len(left)} image(s) after removing them all, so the next "
            "pull would not be cold."
        )
