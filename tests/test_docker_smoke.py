"""The smoke run's hardening, seen from inside the container: what the app can and cannot do."""

from __future__ import annotations

import pytest

from checks.engine import containers
from checks.engine.bases import Resolver

PROBE = (
    "touch /written 2>/dev/null && echo root-writable; "
    "touch /tmp/scratch && echo tmp-writable; "
    "grep -E 'CapEff|NoNewPrivs' /proc/self/status; "
    "ls /sys/class/net"
)


@pytest.fixture(scope="module")
def seen(engine) -> list[str]:
    image = Resolver(echo=lambda line: None).resolve("busybox").image
    run = containers.run_smoke(image, ["sh", "-c", PROBE], expect="tmp-writable", timeout=60)
    assert run.passed, run.stderr_tail
    return run.stdout.splitlines()


@pytest.mark.docker
def test_the_root_filesystem_is_read_only_and_tmp_is_writable(seen):
    assert "root-writable" not in seen
    assert "tmp-writable" in seen


@pytest.mark.docker
def test_the_app_holds_no_capability_and_cannot_gain_privileges(seen):
    assert "CapEff:\t0000000000000000" in seen
    assert "NoNewPrivs:\t1" in seen


@pytest.mark.docker
def test_the_app_has_no_network_but_loopback(seen):
    assert seen[-1] == "lo"
