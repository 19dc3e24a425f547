"""A second Docker engine with an empty data root: a machine that has never pulled anything.

Used by ``make bench`` to measure a truly cold ``make check`` without touching
the main engine's images or build cache, and by the docker tests that compare
what slimlab reads under the two image stores.  It needs root and ``dockerd``;
it runs on its own socket, exec root, bridge and daemon configuration (the
host's ``/etc/docker/daemon.json`` is not read), with the classic image store
or the containerd one, and :func:`fresh_engine` stops it and removes
everything it made, whatever happens.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from checks.engine import docker, proc
from checks.model.errors import UsageError

BRIDGE = "slimlab-fresh"
SUBNET = "172.31.250.1/24"


#: Seconds an ``ip``, ``nsenter`` or ``umount`` call may take.
TOOL_TIMEOUT = 30.0
MISSING_IP = "Debian: apt-get install iproute2"
MISSING_CONTAINERD = "Debian: apt-get install containerd, which docker.io depends on"


def _ip(*args: str) -> None:
    done = proc.run(["ip", *args], timeout=TOOL_TIMEOUT, missing=MISSING_IP)
    if done.returncode:
        raise UsageError(
            f"`ip {' '.join(args)}` failed ({done.stderr.strip()}); the fresh engine needs its own bridge. "
            "Run as root on a machine where `ip link add ... type bridge` works."
        )


def daemon_config(*, containerd_store: bool) -> dict[str, object]:
    """The fresh engine's whole daemon configuration: which image store it keeps images in, said either way,
    since the default differs by release (Engine 29's fresh installs use the containerd image store)."""
    return {"features": {"containerd-snapshotter": containerd_store}}


@contextlib.contextmanager
def fresh_engine(timeout: float = 60, *, netns: str | None = None, containerd_store: bool = False) -> Iterator[str]:
    """Start an empty engine; yield its DOCKER_HOST; stop and remove it afterwards.

    It must answer a ping within ``timeout`` seconds (``SLIMLAB_ENGINE_TIMEOUT``).  With ``containerd_store`` it
    keeps images in the containerd image store (containerd snapshots, no overlay2 layer folders; ``docker save``
    writes an OCI layout), else in the classic one (:func:`daemon_config`).

    With ``netns`` (a network namespace made with ``ip netns add``) the engine
    runs inside it, with no bridge and no firewall rules: enough to pull from a
    registry in the same namespace, and unable to touch the host's interfaces
    (an engine started with ``--bridge=none`` deletes every ``docker0`` it sees).
    """
    if os.geteuid() != 0 or not shutil.which("dockerd"):
        raise UsageError("A fresh engine needs root and dockerd (run `make engine` first, as root).")
    root = Path(tempfile.mkdtemp(prefix="slimlab-fresh-", dir="/var/tmp"))
    host = f"unix://{root}/docker.sock"
    deadline = time.monotonic() + timeout
    # from the folder on, each part is undone in the reverse order it was made, whatever happens: a failure or a
    # signal while the bridge is made must not leave either behind; the engine stops before the containerd it used
    with contextlib.ExitStack() as made:
        made.callback(_remove, root)
        if netns is None:
            made.enter_context(_bridge())
        log = made.enter_context((root / "dockerd.log").open("wb"))
        (root / "daemon.json").write_text(json.dumps(daemon_config(containerd_store=containerd_store)))
        inside = [] if netns is None else ["nsenter", f"--net=/run/netns/{netns}"]
        socket = root / "containerd" / "containerd.sock"
        config = _private_containerd(socket, root / "data")
        containerd = made.enter_context(
            _running([*inside, "containerd", "--config", str(config)], log, MISSING_CONTAINERD)
        )
        _wait(socket.exists, containerd, root, deadline, timeout)
        engine = made.enter_context(_running([*inside, *_dockerd(root, socket, host, netns)], log, MISSING_IP))
        _wait(
            lambda: docker.ping(host, timeout=max(min(deadline - time.monotonic(), 5), 0.1)),
            engine,
            root,
            deadline,
            timeout,
        )
        yield host


@contextlib.contextmanager
def _bridge() -> Iterator[None]:
    """The fresh engine's own bridge, removed afterwards (also when making it failed halfway)."""
    try:
        proc.quietly(["ip", "link", "del", BRIDGE], timeout=TOOL_TIMEOUT)
        _ip("link", "add", BRIDGE, "type", "bridge")
        _ip("addr", "add", SUBNET, "dev", BRIDGE)
        _ip("link", "set", BRIDGE, "up")
        yield
    finally:
        proc.quietly(["ip", "link", "del", BRIDGE], timeout=TOOL_TIMEOUT)


def _dockerd(root: Path, socket: Path, host: str, netns: str | None) -> list[str]:
    """The fresh engine's ``dockerd`` command: everything it keeps under ``root``, its own ``containerd`` at
    ``socket``, listening at ``host``; on the fresh bridge, or with no bridge nor firewall rules in ``netns``."""
    bridge = ["--bridge", BRIDGE] if netns is None else ["--bridge", "none", "--iptables=false", "--ip-forward=false"]
    return [
        "dockerd",
        "--containerd",
        str(socket),
        "--config-file",
        str(root / "daemon.json"),
        "--data-root",
        str(root / "data"),
        "--exec-root",
        str(root / "exec"),
        "--pidfile",
        str(root / "docker.pid"),
        "-H",
        host,
        *bridge,
    ]


def _remove(root: Path) -> None:
    """The fresh engine's folder removed, its mounts first."""
    for folder in ("data", "containerd"):
        proc.quietly(["umount", "-R", str(root / folder)], timeout=TOOL_TIMEOUT)
    shutil.rmtree(root, ignore_errors=True)


def _private_containerd(socket: Path, data_root: Path) -> Path:
    """The configuration of the fresh engine's own containerd, listening at ``socket``, its state and other sockets
    in the folder of that socket, its root where dockerd puts the containerd it starts itself
    (``<data-root>/containerd/daemon``, where :mod:`checks.engine.layer_source` looks for blobs).

    Given no ``--containerd``, dockerd uses the host's containerd when one listens at its usual socket (Docker's
    packages run one as a service, as GitHub's runners do): the fresh engine's images and snapshots would then be
    kept in the host's containerd, outside the folder that is removed, and on the containerd image store it would
    share the main engine's images (both use the namespace ``moby``).  So it always gets a containerd of its own.
    """
    folder = socket.parent
    folder.mkdir()
    config = folder / "config.toml"
    config.write_text(
        "version = 2\n"
        f'root = "{data_root / "containerd" / "daemon"}"\n'
        f'state = "{folder / "state"}"\n'
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]\n'
        f'[grpc]\naddress = "{socket}"\n'
        f'[debug]\naddress = "{folder / "debug.sock"}"\n'
    )
    return config


@contextlib.contextmanager
def _running(command: list[str], log: IO[bytes], missing: str) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` started in a session of its own, its output to ``log``; stopped afterwards (:func:`_stop`)."""
    try:
        started = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=proc.environment()
        )
    except FileNotFoundError:
        raise UsageError(f"`{command[0]}` is missing, so no fresh engine can start ({missing}).") from None
    try:
        yield started
    finally:
        _stop(started)


def _wait(
    ready: Callable[[], bool], started: subprocess.Popen[bytes], root: Path, deadline: float, timeout: float
) -> None:
    """Until ``ready()``; UsageError with the log's last lines when ``started`` ends or the deadline passes first."""
    while not ready():
        if time.monotonic() > deadline or started.poll() is not None:
            tail = (root / "dockerd.log").read_text(errors="replace").strip().splitlines()[-5:]
            shown = "\n".join("    " + line for line in tail)
            raise UsageError(
                f"The fresh engine did not start within {timeout:.0f}s; the last lines of its log:\n{shown}"
            )
        time.sleep(0.2)


def _stop(started: subprocess.Popen[bytes]) -> None:
    """``started`` and its session stopped: SIGTERM, then SIGKILL after a minute."""
    if started.poll() is None:
        os.killpg(started.pid, signal.SIGTERM)
        try:
            started.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(started.pid, signal.SIGKILL)
            started.wait(timeout=TOOL_TIMEOUT)
