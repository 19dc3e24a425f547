"""checks.cli works with the settings parsed once at start: ``--builder`` before ``BUILDX_BUILDER``, ``--lang``
before the locale, the engine ``DOCKER_HOST`` names in its messages, and a bad value exits 2 before any work."""

from __future__ import annotations

import argparse

import pytest
import requests
from conftest import run_checks

from checks import cli
from checks.cli import engine, labs
from checks.engine import docker
from checks.model.settings import Settings, from_environ


def test_builder_names_the_builder_before_buildx_builder_and_the_local_engine_is_the_last_resort():
    from_env = Settings(builder="from-env")
    assert labs.builder_of(argparse.Namespace(builder="flag"), from_env) == "flag"
    assert labs.builder_of(argparse.Namespace(builder=None), from_env) == "from-env"
    assert labs.builder_of(argparse.Namespace(builder=None), Settings()) is None


def test_lang_names_the_language_before_the_locale_does():
    chinese = from_environ({"LANG": "zh_CN.UTF-8"})
    assert labs.language_of(argparse.Namespace(lang="en"), chinese) == "en"
    assert labs.language_of(argparse.Namespace(lang=None), chinese) == "zh_CN"


@pytest.fixture
def engine_named_again():
    """``main`` names the engine for messages; the default is named again afterwards."""
    yield
    docker.use_host(None)


def test_an_engine_message_names_the_engine_docker_host_names(engine_named_again, monkeypatch, capsys):
    def refused(args: argparse.Namespace, settings: Settings) -> int:
        raise docker.translate(requests.exceptions.ConnectionError("Connection refused"), "info")

    monkeypatch.setenv("DOCKER_HOST", "tcp://build-box:2376")
    monkeypatch.setattr(engine, "cmd_clean", refused)
    assert cli.main(["clean"]) == 2
    assert "The Docker engine does not answer (tcp://build-box:2376: connection refused)" in capsys.readouterr().err


def test_a_docker_host_the_sdk_cannot_use_exits_2_naming_it_before_any_work(tmp_path):
    done = run_checks("analyze", str(tmp_path / "image.tar"), env={"DOCKER_HOST": "localhost:2375"})
    assert done.returncode == 2
    assert "DOCKER_HOST='localhost:2375' is not valid: it accepts an engine address" in done.stderr
    assert "No image archive" not in done.stderr
