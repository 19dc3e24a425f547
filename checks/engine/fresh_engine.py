"""A second Docker engine with an empty data root: a machine that has never pulled anything.

Used by ``make bench`` to measure a truly cold ``make check`` without touching
the main engine's images or build cache.  It needs root and ``dockerd``; it
runs on its own socket, exec root and bridge, and :func:`fresh_engine` stops it
and removes everything it made, whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from checks.model.errors import UsageError

BRIDGE = "slimlab-fresh"
SUBNET = "172.31.250.1/24"


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@contextlib.contextmanager
def fresh_engine(timeout: float = 60, *, netns: str | None = None) -> Iterator[str]:
    """Start an empty engine; yield its DOCKER_HOST; stop and remove it afterwards.

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
    if network:
        subprocess.run(["ip", "link", "del", BRIDGE], capture_output=True)
        _ip("link", "add", BRIDGE, "type", "bridge")
    process = log = None
    try:
        if network:
            _ip("addr", "add", SUBNET, "dev", BRIDGE)
            _ip("link", "set", BRIDGE, "up")
        bridge = ["--bridge", BRIDGE] if network else ["--bridge", "none", "--iptables=false", "--ip-forward=false"]
        inside = [] if network else ["nsenter", f"--net=/run/netns/{netns}"]
        log = open(root / "dockerd.log", "wb")
        process = subprocess.Popen(
            [*inside, "dockerd", "--data-root", str(root / "data"), "--exec-root", str(root / "exec"),
             "--pidfile", str(root / "docker.pid"), "-H", host, *bridge],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        env = {**os.environ, "DOCKER_HOST": host}
        while subprocess.run(["docker", "info"], env=env, capture_output=True).returncode:
            if time.monotonic() > deadline or process.poll() is not None:
                tail = (root / "dockerd.log").read_text(errors="replace").strip().splitlines()[-5:]
                shown = "\n".join("    " + line for line in tail)
                raise UsageError(f"The fresh engine did not start within {timeout:.0f}s; the last lines of its log:\n{shown}")
            time.sleep(0.5)
        yield host
    finally:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if log is not None:
            log.close()
        if network:
            subprocess.run(["ip", "link", "del", BRIDGE], capture_output=True)
        subprocess.run(["umount", "-R", str(root / "data")], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
