"""checks.model.settings: every variable slimlab reads parsed once, loudly, and documented where users look."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from checks.model.errors import UsageError
from checks.model.settings import BORROWED, SETTINGS, Settings, from_environ

CONTRIBUTING = (Path(__file__).resolve().parent.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_an_empty_environment_gives_the_declared_defaults():
    parsed = from_environ({})
    assert parsed == Settings()
    for setting in (*SETTINGS, *BORROWED):
        if setting.field:
            assert getattr(parsed, setting.field) == setting.parse(setting.default), setting.env


@pytest.mark.parametrize(
    ("environ", "field", "value"),
    [
        ({"SLIMLAB_PULL": " Never "}, "pull", "never"),
        ({"SLIMLAB_PULL_TIMEOUT": "2.5"}, "pull_timeout", 2.5),
        ({"SLIMLAB_PULL_RUNS": "7"}, "pull_runs", 7),
        ({"SLIMLAB_DOCS_URL": "https://example.org/slimlab/"}, "docs_url", "https://example.org/slimlab"),
        ({"SLIMLAB_DEBIAN_MIRROR": "http://mirror.example/debian/"}, "debian_mirror", "http://mirror.example/debian"),
        ({"SLIMLAB_LAYERS": "save"}, "layers", "save"),
        ({"SLIMLAB_ENGINE_TIMEOUT": ""}, "engine_timeout", 60.0),
        ({"SLIMLAB_REGISTRY_BIN": "/opt/registry"}, "registry_bin", "/opt/registry"),
        ({"DOCKER_HOST": "tcp://build-box:2376"}, "docker_host", "tcp://build-box:2376"),
        ({"DOCKER_HOST": " unix:///run/user/1000/docker.sock "}, "docker_host", "unix:///run/user/1000/docker.sock"),
        ({"DOCKER_HOST": "ssh://me@build-box"}, "docker_host", "ssh://me@build-box"),
        ({"DOCKER_HOST": "127.0.0.1:2375"}, "docker_host", "127.0.0.1:2375"),
        ({"DOCKER_HOST": "https://build-box:2376"}, "docker_host", "https://build-box:2376"),
        ({"DOCKER_HOST": ""}, "docker_host", None),
        ({"DOCKER_TLS_VERIFY": "1"}, "docker_tls_verify", True),
        ({"DOCKER_TLS_VERIFY": "0"}, "docker_tls_verify", True),  # as the Docker CLI reads it: set is on
        ({"DOCKER_TLS_VERIFY": ""}, "docker_tls_verify", False),
        ({"DOCKER_CERT_PATH": "/etc/docker-certs"}, "docker_cert_path", "/etc/docker-certs"),
        ({"DOCKER_CERT_PATH": ""}, "docker_cert_path", None),
        ({"BUILDX_BUILDER": " remote "}, "builder", "remote"),
        ({"BUILDX_BUILDER": ""}, "builder", None),
        ({"LANG": "zh_CN.UTF-8"}, "language", "zh_CN"),
        ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "language", "zh_CN"),
        ({"LC_ALL": "fr_FR.UTF-8"}, "language", "en"),
    ],
)
def test_a_value_is_parsed_into_its_field(environ, field, value):
    assert getattr(from_environ(environ), field) == value


@pytest.mark.parametrize(
    ("name", "text", "accepts"),
    [
        ("SLIMLAB_PULL_TIMEOUT", "abc", "a number of seconds above 0"),
        ("SLIMLAB_PULL_TIMEOUT", "0", "a number of seconds above 0"),
        ("SLIMLAB_PULL_TIMEOUT", "nan", "a number of seconds above 0"),
        ("SLIMLAB_PULL_RUNS", "1.5", "a whole number of cold pulls from 1 to 20"),
        ("SLIMLAB_PULL", "sometimes", "'missing' or 'never'"),
        ("SLIMLAB_LAYERS", "disk", "auto, storage or save"),
        ("SLIMLAB_DEBIAN_MIRROR", "deb.debian.org/debian", "a Debian mirror URL"),
        ("SLIMLAB_ENGINE_TIMEOUT", "-5", "a number of seconds above 0"),
        ("SLIMLAB_PULL_MEASURE", "sometimes", "1 (compressed sizes and pull times), size"),
        ("DOCKER_HOST", "localhost:2375", "an engine address: unix:///PATH, tcp://HOST:PORT"),
        ("DOCKER_HOST", "fd://", "an engine address"),
        ("DOCKER_HOST", "http://[::1", "an engine address"),
    ],
)
def test_a_bad_value_names_the_variable_what_it_got_and_what_it_accepts(name, text, accepts):
    with pytest.raises(UsageError) as caught:
        from_environ({name: text})
    message = str(caught.value)
    assert message.startswith(f"{name}={text!r} is not valid")
    assert accepts in message
    assert "Correct or unset it" in message


def test_a_near_miss_says_what_was_probably_meant():
    with pytest.raises(UsageError, match=r"is not valid \(did you mean 'storage'\?\)"):
        from_environ({"SLIMLAB_LAYERS": "storge"})


def test_an_engine_address_with_a_mistyped_scheme_says_which_was_meant():
    with pytest.raises(
        UsageError, match=r"DOCKER_HOST='unx:///var/run/docker.sock' is not valid \(did you mean 'unix://'"
    ):
        from_environ({"DOCKER_HOST": "unx:///var/run/docker.sock"})


def test_an_unknown_slimlab_variable_is_a_typo_with_a_guess():
    with pytest.raises(
        UsageError, match=r"SLIMLAB_PULL_TIMEOUTS is not a slimlab setting\. Did you mean SLIMLAB_PULL_TIMEOUT\?"
    ):
        from_environ({"SLIMLAB_PULL_TIMEOUTS": "30"})


#: The order README.md and docs/reference.rst promise after SLIMLAB_CA_BUNDLE, written out, not read from the code.
CA_ORDER = ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


def test_the_ca_bundles_other_programs_name_are_kept_in_the_documented_order_those_set_only():
    environ = {"REQUESTS_CA_BUNDLE": "/r.pem", "SSL_CERT_FILE": "", "PIP_CERT": "/p.pem", "HOME": "/root"}
    assert from_environ(environ).ca_fallbacks == ("/p.pem", "/r.pem")
    assert from_environ({name: f"/{name}.pem" for name in reversed(CA_ORDER)}).ca_fallbacks == tuple(
        f"/{name}.pem" for name in CA_ORDER
    )


def test_every_field_of_the_settings_comes_from_a_variable_and_no_other_is_kept():
    declared = {setting.field for setting in (*SETTINGS, *BORROWED) if setting.field}
    assert {field.name for field in dataclasses.fields(Settings)} == declared | {"ca_fallbacks", "language"}


@pytest.mark.parametrize(("mode", "sizes", "pulls"), [("1", True, True), ("size", True, False), ("off", False, False)])
def test_the_measure_mode_says_what_a_verify_run_pushes_and_pulls(mode, sizes, pulls):
    parsed = from_environ({"SLIMLAB_PULL_MEASURE": mode})
    assert (parsed.measures_sizes, parsed.measures_pulls) == (sizes, pulls)


def table_rows() -> dict[str, tuple[str, str]]:
    """CONTRIBUTING.md's settings table: variable -> (default, accepts)."""
    rows = re.findall(r"^\| `(SLIMLAB_[A-Z_]+)` \| (.*?) \| (.*?) \| .*\|$", CONTRIBUTING, flags=re.M)
    return {name: (default.strip("`"), accepts) for name, default, accepts in rows}


def test_contributing_lists_every_setting_with_its_declared_default_and_nothing_else():
    declared = {s.env: (s.default or "unset", s.accepts) for s in SETTINGS}
    assert table_rows() == declared
