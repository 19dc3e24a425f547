"""Which CA bundle builds receive (checks.engine.verify.ca_bundle), from a fake environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.engine import verify
from checks.engine.verify import ca_bundle

#: The order CONTRIBUTING.md and docs/reference.rst promise, written out rather than read from the code.
DOCUMENTED = ("SLIMLAB_CA_BUNDLE", "PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


@pytest.fixture
def no_default(monkeypatch, tmp_path: Path) -> Path:
    """This machine may have /etc/ssl/certs/ca-certificates.crt: point the default somewhere empty."""
    missing = tmp_path / "no-default" / "ca-certificates.crt"
    monkeypatch.setattr(verify, "DEFAULT_CA_BUNDLE", str(missing))
    return missing


def bundle(tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    return str(path)


def test_slimlab_ca_bundle_comes_first(tmp_path, no_default):
    environ = {key: bundle(tmp_path, key) for key in DOCUMENTED}
    assert ca_bundle(environ) == environ["SLIMLAB_CA_BUNDLE"]


@pytest.mark.parametrize("index", range(len(DOCUMENTED)))
def test_each_variable_wins_over_the_ones_after_it_in_the_documented_order(tmp_path, no_default, index):
    environ = {key: bundle(tmp_path, key) for key in DOCUMENTED[index:]}
    assert ca_bundle(environ) == environ[DOCUMENTED[index]]


def test_a_variable_naming_a_missing_file_is_skipped(tmp_path, no_default):
    environ = {"SLIMLAB_CA_BUNDLE": str(tmp_path / "gone.pem"), "SSL_CERT_FILE": bundle(tmp_path, "ssl")}
    assert ca_bundle(environ) == environ["SSL_CERT_FILE"]


def test_empty_variables_and_folders_are_skipped(tmp_path, no_default):
    environ = {"SLIMLAB_CA_BUNDLE": "", "PIP_CERT": str(tmp_path), "REQUESTS_CA_BUNDLE": bundle(tmp_path, "requests")}
    assert ca_bundle(environ) == environ["REQUESTS_CA_BUNDLE"]


def test_the_default_bundle_is_used_when_no_variable_names_one(monkeypatch, tmp_path):
    default = bundle(tmp_path, "default")
    monkeypatch.setattr(verify, "DEFAULT_CA_BUNDLE", default)
    assert ca_bundle({"PIP_CERT": str(tmp_path / "gone.pem")}) == default


def test_a_variable_wins_over_the_default_bundle(monkeypatch, tmp_path):
    monkeypatch.setattr(verify, "DEFAULT_CA_BUNDLE", bundle(tmp_path, "default"))
    environ = {"REQUESTS_CA_BUNDLE": bundle(tmp_path, "requests")}
    assert ca_bundle(environ) == environ["REQUESTS_CA_BUNDLE"]


def test_there_is_no_bundle_when_nothing_exists(tmp_path, no_default):
    assert ca_bundle({}) is None
    assert ca_bundle({key: str(tmp_path / f"{key}.pem") for key in DOCUMENTED}) is None


def test_the_caller_s_environment_is_used_not_the_process_one(monkeypatch, tmp_path, no_default):
    monkeypatch.setenv("SLIMLAB_CA_BUNDLE", bundle(tmp_path, "process"))
    assert ca_bundle({}) is None
