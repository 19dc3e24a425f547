"""checks.engine.docker.translate: each typed SDK error becomes one paragraph saying what to do (no engine needed)."""

from __future__ import annotations

import os

import docker as sdk
import pytest
import requests

from checks.engine import docker, proc
from checks.model.errors import UsageError

SOCKET = "unix:///run/slimlab-test.sock"


def api_error(kind: type[sdk.errors.APIError], status: int, explanation: str) -> sdk.errors.APIError:
    response = requests.Response()
    response.status_code, response.url, response.reason = status, "http+docker://localhost/v1.45/images/x/json", "Error"
    return kind(f"{status} Error", response=response, explanation=explanation)


def message(error: BaseException, action: str = "image inspect x", timeout: float | None = None) -> str:
    found = docker.translate(error, action, where=SOCKET, timeout=timeout)
    assert isinstance(found, UsageError)
    return str(found)


def test_not_found_names_the_command_the_engine_s_words_and_where_to_look():
    text = message(api_error(sdk.errors.NotFound, 404, "No such image: x"))
    assert "`docker image inspect x` failed" in text
    assert "No such image: x" in text
    assert "`docker images`" in text


def test_another_api_error_quotes_the_engine():
    text = message(api_error(sdk.errors.APIError, 409, "conflict: unable to remove repository reference"), "rmi x")
    assert "`docker rmi x` failed: the engine says conflict: unable to remove repository reference." in text


@pytest.mark.parametrize(
    "error",
    [
        requests.exceptions.ConnectionError(
            "('Connection aborted.', FileNotFoundError(2, 'No such file or directory'))"
        ),
        requests.exceptions.ConnectionError("HTTPConnectionPool: [Errno 111] Connection refused"),
        sdk.errors.DockerException(
            "Error while fetching server API version: ('Connection aborted.', "
            "ConnectionRefusedError(111, 'Connection refused'))"
        ),
    ],
)
def test_an_engine_that_is_not_there_gets_the_engine_down_message(error):
    text = message(error)
    assert text.startswith("The Docker engine does not answer (unix:///run/slimlab-test.sock: ")
    assert "`make check`" in text


def test_engine_down_says_whether_the_socket_is_missing_or_refuses():
    missing = requests.exceptions.ConnectionError("FileNotFoundError(2, 'No such file or directory')")
    refused = requests.exceptions.ConnectionError("[Errno 111] Connection refused")
    assert "no socket there" in message(missing)
    assert "connection refused" in message(refused)


@pytest.mark.parametrize(
    "error",
    [
        requests.exceptions.ReadTimeout("UnixHTTPConnectionPool(host='localhost', port=None): Read timed out."),
        requests.exceptions.ConnectionError("UnixHTTPConnectionPool(host='localhost', port=None): Read timed out."),
    ],
)
def test_a_timeout_says_how_long_it_waited(error):
    text = message(error, "history x", timeout=120)
    assert "`docker history x` did not finish within 120s" in text
    assert "`docker info`" in text


def test_a_stream_cut_short_says_the_engine_stopped_answering():
    text = message(requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead"), "save x")
    assert "stopped answering in the middle of `docker save x`" in text


def test_an_error_that_is_not_the_engine_s_is_left_alone():
    assert docker.translate(ValueError("a bug"), "history x") is None


def test_the_context_manager_raises_usage_errors_and_lets_bugs_through():
    with pytest.raises(UsageError, match="does not answer"), docker.engine_errors("info", where=SOCKET):
        raise requests.exceptions.ConnectionError("Connection refused")
    with pytest.raises(KeyError), docker.engine_errors("info"):
        raise KeyError("Id")


@pytest.fixture
def named_engine():
    """The engine messages name, as :func:`checks.cli.main` sets it at start; the default again afterwards."""
    yield docker.use_host
    docker.use_host(None)


def test_a_call_that_names_no_host_is_said_to_be_about_the_engine_the_settings_name(named_engine, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///run/from-the-process.sock")
    refused = requests.exceptions.ConnectionError("[Errno 111] Connection refused")
    named_engine("tcp://build-box:2376")
    assert "(tcp://build-box:2376: connection refused)" in str(docker.translate(refused, "info"))
    named_engine(None)
    assert f"({docker.DEFAULT_HOST}: connection refused)" in str(docker.translate(refused, "info"))


def test_the_sdk_client_is_made_from_the_settings_never_from_the_process_environment(
    named_engine, monkeypatch, tmp_path
):
    monkeypatch.setenv("DOCKER_HOST", "unix:///run/from-the-process.sock")
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("")
    named_engine(None)
    assert docker.client_arguments() == {}
    named_engine("tcp://build-box:2376", tls_verify=True, cert_path=str(tmp_path))
    arguments = docker.client_arguments()
    assert arguments["base_url"] == "tcp://build-box:2376"
    assert arguments["tls"].verify is True
    assert arguments["tls"].cert == (str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))


def test_inside_engine_at_calls_and_started_processes_go_to_that_engine_and_the_environment_is_untouched(
    named_engine, monkeypatch
):
    monkeypatch.setenv("DOCKER_HOST", "tcp://from-the-process:2375")
    named_engine("tcp://build-box:2376")
    with docker.engine_at("unix:///run/second.sock"):
        assert docker.client_arguments() == {"base_url": "unix:///run/second.sock"}
        assert proc.environment()["DOCKER_HOST"] == "unix:///run/second.sock"
        assert proc.environment({"PATH": "/bin"}) == {"PATH": "/bin", "DOCKER_HOST": "unix:///run/second.sock"}
        assert os.environ["DOCKER_HOST"] == "tcp://from-the-process:2375"
    assert docker.client_arguments()["base_url"] == "tcp://build-box:2376"
    assert proc.environment()["DOCKER_HOST"] == "tcp://from-the-process:2375"
