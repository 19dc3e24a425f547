"""Images moved as streams the engine sends as it goes: ``docker save`` (read as it is written, or into a gzip
bundle) and ``docker load``; pulls (timed, into another engine) and pushes to a loopback registry
(:mod:`checks.engine.pullbench`)."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import docker as sdk
import requests

from checks.engine import docker
from checks.model.compression import unpack_seconds
from checks.model.errors import UsageError


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
    timeout: float = docker.API_TIMEOUT,
) -> Iterator[requests.Response]:
    """One streamed API request (the SDK's own methods have no timeout for pulls and take one image per save)."""
    with docker.engine_errors(action, where=api.base_url, timeout=timeout):
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


def pull(ref: str, timeout: float) -> bool:
    """Try to pull ``ref``; False on any failure or after ``timeout`` seconds."""
    try:
        _pull(docker.api(), ref, timeout)
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


def save_gz(refs: list[str], archive: Path) -> None:
    """`docker save` of ``refs`` into a gzip archive, written whole or not at all."""
    partial = archive.with_name(archive.name + ".partial")
    try:
        with (
            _body(docker.api(), "GET", "/images/get", f"save {' '.join(refs)}", params={"names": refs}) as response,
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
            docker.api(),
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


def pull_as(ref: str, name: str, *, host: str, timeout: float = 1800) -> None:
    """Pull ``ref`` into the engine at ``host`` and name it ``name`` there instead."""
    api = docker.api(host)
    _pull(api, ref, timeout)
    repository, tag = sdk.utils.parse_repository_tag(name)
    with docker.engine_errors(f"tag {ref} {name}", where=host):
        api.tag(ref, repository, tag or "latest")
    with docker.engine_errors(f"rmi {ref}", where=host), contextlib.suppress(sdk.errors.APIError):
        api.remove_image(ref)  # only the registry's name: the image keeps the one just given


@contextlib.contextmanager
def save(ref: str) -> Iterator[IO[bytes]]:
    """`docker save` of one image, as a stream to read while the engine writes it.

    The engine's failure (say, an image removed meanwhile) is a UsageError;
    leaving the block early closes the stream, which stops the engine.
    """
    with _body(docker.api(), "GET", f"/images/{ref}/get", f"save {ref}") as response:
        yield io.BufferedReader(_Chunks(response.iter_content(1 << 20)), 1 << 20)


# ---------------------------------------------------------------------------
# Pushes to a loopback registry, and cold pulls by a fresh engine (checks.engine.pullbench).


def push(image: str, ref: str, *, timeout: float = 1800) -> None:
    """Push ``image`` under the registry reference ``ref``, then drop that extra tag again."""
    deadline = time.monotonic() + timeout
    repository, tag = sdk.utils.parse_repository_tag(ref)
    api = docker.api()
    with docker.engine_errors(f"tag {image} {ref}"):
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
        with docker.engine_errors(f"rmi {ref}"), contextlib.suppress(sdk.errors.APIError):
            api.remove_image(ref)  # removes only the tag: the image keeps its own


def timed_pull(ref: str, *, host: str, timeout: float = 1800) -> tuple[float, float | None]:
    """Pull ``ref`` into the engine at ``host``; return the seconds the pull took, and the part of them spent
    unpacking layers as its progress messages show it (:func:`checks.model.compression.unpack_seconds`)."""
    api = docker.api(host)
    events: list[tuple[float, str, str]] = []
    start = time.monotonic()

    def seen(message: Mapping[str, Any]) -> None:
        events.append((time.monotonic() - start, str(message.get("id") or ""), str(message.get("status") or "")))

    _pull(api, ref, timeout, seen)
    return time.monotonic() - start, unpack_seconds(events)
