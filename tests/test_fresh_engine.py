"""checks.engine.fresh_engine: what a fresh engine makes is undone in the reverse order, whatever happens.

No engine starts here: the helper commands and processes are recorded instead of run.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from checks.engine import fresh_engine as fresh
from checks.model.errors import UsageError


@pytest.fixture
def recorded(monkeypatch, tmp_path):
    """Every step a fresh engine takes, in order, with nothing run: the folder is under ``tmp_path``."""
    steps: list[str] = []
    root = tmp_path / "slimlab-fresh-x"

    def mkdtemp(**_):
        root.mkdir()
        return str(root)

    @contextlib.contextmanager
    def running(command, log, missing):
        steps.append(f"start {command[0]}")
        try:
            yield command
        finally:
            steps.append(f"stop {command[0]}")

    monkeypatch.setattr(fresh.os, "geteuid", lambda: 0)
    monkeypatch.setattr(fresh.shutil, "which", lambda name: f"/usr/sbin/{name}")
    monkeypatch.setattr(fresh.tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(fresh.proc, "quietly", lambda command, **_: steps.append(" ".join(command[:3])))
    monkeypatch.setattr(fresh, "_ip", lambda *args: steps.append("ip " + " ".join(args[:2])))
    monkeypatch.setattr(fresh, "_running", running)
    monkeypatch.setattr(fresh, "_wait", lambda *args: steps.append("ready"))
    return steps, root


def test_the_engine_stops_before_its_containerd_then_the_bridge_and_the_folder_go(recorded):
    steps, root = recorded
    with fresh.fresh_engine() as host:
        steps.append("in use")
        assert host == f"unix://{root}/docker.sock"
        assert (root / "daemon.json").is_file()
    assert steps == [
        "ip link del",
        "ip link add",
        "ip addr add",
        "ip link set",
        "start containerd",
        "ready",
        "start dockerd",
        "ready",
        "in use",
        "stop dockerd",
        "stop containerd",
        "ip link del",
        "umount -R " + str(root / "data"),
        "umount -R " + str(root / "containerd"),
    ]
    assert not root.exists()


def test_a_bridge_that_cannot_be_made_is_removed_with_the_folder_and_nothing_starts(recorded, monkeypatch):
    steps, root = recorded

    def ip(*args):
        if args[0] == "addr":
            raise UsageError("`ip addr add` failed")
        steps.append("ip " + " ".join(args[:2]))

    monkeypatch.setattr(fresh, "_ip", ip)
    with pytest.raises(UsageError, match="ip addr add"), fresh.fresh_engine():
        pytest.fail("the engine must not be handed out")
    assert steps[-3:] == ["ip link del", "umount -R " + str(root / "data"), "umount -R " + str(root / "containerd")]
    assert not any(step.startswith("start") for step in steps)
    assert not root.exists()


def test_in_a_network_namespace_no_bridge_is_made_and_both_run_inside_it(recorded, monkeypatch):
    steps, _root = recorded
    commands: list[list[str]] = []

    @contextlib.contextmanager
    def running(command, log, missing):
        commands.append(command)
        yield command

    monkeypatch.setattr(fresh, "_running", running)
    with fresh.fresh_engine(netns="slimlab-pull"):
        pass
    assert not any(step.startswith("ip ") for step in steps)
    assert all(command[:2] == ["nsenter", "--net=/run/netns/slimlab-pull"] for command in commands)
    assert commands[1][-4:] == ["--bridge", "none", "--iptables=false", "--ip-forward=false"]


def test_the_dockerd_command_keeps_everything_in_the_engines_folder():
    command = fresh._dockerd(Path("/var/tmp/f"), Path("/var/tmp/f/containerd/c.sock"), "unix:///var/tmp/f/d.sock", None)
    assert command[:3] == ["dockerd", "--containerd", "/var/tmp/f/containerd/c.sock"]
    assert command[command.index("--data-root") + 1] == "/var/tmp/f/data"
    assert command[-2:] == ["--bridge", fresh.BRIDGE]
