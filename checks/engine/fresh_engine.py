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
from collections.abc import Iterator
from pathlib import Path

from checks.engine import docker, proc
from checks.model.errors import UsageError

BRIDGE = "slimlab-fresh"
SUBNET = "172.31.250.1/24"


#: Seconds an ``ip``, ``nsenter`` or ``umount`` call may take.
TOOL_TIMEOUT = 30.0
MISSING_IP = "Debian: apt-get install iproute2"


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
    network = netns is None
    if os.geteuid() != 0 or not shutil.which("dockerd"):
        raise UsageError("A fresh engine needs root and dockerd (run `make engine` first, as root).")
    root = Path(tempfile.mkdtemp(prefix="slimlab-fresh-", dir="/var/tmp"))
    host = f"unix://{root}/docker.sock"
    process = log = None
    try:  # from the folder on: a failure or a signal while the bridge is made must not leave either behind
        if network:
            proc.quietly(["ip", "link", "del", BRIDGE], timeout=TOOL_TIMEOUT)
            _ip("link", "add", BRIDGE, "type", "bridge")
            _ip("addr", "add", SUBNET, "dev", BRIDGE)
            _ip("link", "set", BRIDGE, "up")
        bridge = ["--bridge", BRIDGE] if network else ["--bridge", "none", "--iptables=false", "--ip-forward=false"]
        inside = [] if network else ["nsenter", f"--net=/run/netns/{netns}"]
        log = (root / "dockerd.log").open("wb")
        (root / "daemon.json").write_text(json.dumps(daemon_config(containerd_store=containerd_store)))
        command = [
            *inside,
            "dockerd",
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
        try:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        except FileNotFoundError:
            raise UsageError(f"`{command[0]}` is missing, so no fresh engine can start ({MISSING_IP}).") from None
        deadline = time.monotonic() + timeout
        while not docker.ping(host, timeout=max(min(deadline - time.monotonic(), 5), 0.1)):
            if time.monotonic() > deadline or process.poll() is not None:
                tail = (root / "dockerd.log").read_text(errors="replace").strip().splitlines()[-5:]
                shown = "\n".join("    " + line for line in tail)
                raise UsageError(
                    f"The fresh engine did not start within {timeout:.0f}s; the last lines of its log:\n{shown}"
                )
            time.sleep(0.5)
        yield host
    finally:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=TOOL_TIMEOUT)
        if log is not None:
            log.close()
        if network:
            proc.quietly(["ip", "link", "del", BRIDGE], timeout=TOOL_TIMEOUT)
        proc.quietly(["umount", "-R", str(root / "data")], timeout=TOOL_TIMEOUT)
        shutil.rmtree(root, ignore_errors=True)
