"""Measure an image's runtime floor: run its smoke command under strace in a chroot of the image.

The image is never exported: its layers already lie unpacked in the engine's
overlay2 storage, so a private mount namespace (``unshare -m -n``) stacks them
read-only as an overlay (a tmpfs on top holds the mount points a scratch image
lacks), adds ``/proc``, a ``/dev`` of a few device nodes, a ``/tmp`` tmpfs and
a loopback-only network, as the smoke test's hardening gives, lists the tree
with ``find`` and runs the smoke command there under
``strace -f -y`` (:mod:`checks.engine.floorlaunch` enters the root as the
image's user, and afterwards names the loaders the kernel read for each
executed file, which strace cannot see).  Every mount lives and dies with that namespace, so nothing is
left mounted even when the run is killed at its deadline; the temporary folder
is removed whatever happens.  Reading the two texts is
:mod:`checks.inspect.floor`'s job.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.engine import proc
from checks.inspect.floor import Floor, measure
from checks.model.errors import UsageError

#: The program that traces the app.
STRACE = "strace"
SETUP = Path(__file__).resolve().parent.parent / "setup" / "strace.sh"
#: The calls that open or execute a file, and the launcher's chroot that marks where the app begins.
TRACED = "open,openat,openat2,execve,execveat,chroot"
#: The PATH the engine gives a container whose image sets none.
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#: strace slows an app down: its run may take this many times the smoke timeout, and a little more.
SLOWDOWN = 3.0

#: Runs inside the private mount and network namespace; $1 the work folder, $2 the layers (top first),
#: $3 the working directory.  Every mount is the namespace's and goes with it.
SCRIPT = r"""
set -eu
work=$1 lower=$2 workdir=$3 root=$1/root
mount -t tmpfs -o size=16m tmpfs "$work/rw"
mkdir -p "$work/rw/upper" "$work/rw/work"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$work/rw/upper,workdir=$work/rw/work" "$root"
mkdir -p "$root/proc" "$root/dev" "$root/tmp" "$root/$workdir"
mount -o remount,ro "$root"
mount -t proc proc "$root/proc"
mount -t tmpfs -o size=64m,mode=1777 tmpfs "$root/tmp"
mount -t tmpfs -o size=1m,mode=755 tmpfs "$root/dev"
for node in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
  set -- $node; mknod -m 666 "$root/dev/$1" c "$2" "$3"
done
ln -s /proc/self/fd "$root/dev/fd"
for n in 0:stdin 1:stdout 2:stderr; do ln -s "/proc/self/fd/${n%%:*}" "$root/dev/${n#*:}"; done
ip link set lo up
find "$root" -xdev -printf '%y\0%s\0%P\0%l\0' > "$work/listing"
code=0
strace -f -qq -y -s 65535 -e trace=TRACED -o "$work/trace" \
  env PYTHONPATH="$work/checks" "$work/python" -m checks.engine.floorlaunch "$work/launch.json" \
  > "$work/stdout" 2> "$work/stderr" < /dev/null || code=$?
echo "$code" > "$work/exit"
PYTHONPATH="$work/checks" "$work/python" -m checks.engine.floorlaunch --loaders "$work"
""".replace("TRACED", TRACED)


@dataclass(frozen=True, kw_only=True)
class FloorRun:
    """What one traced run found: the floor, or why there is none."""

    floor: Floor | None
    #: Why no floor was measured ("" when one was).
    why: str = ""


def command(config: Mapping[str, Any], args: Sequence[str]) -> list[str]:
    """The smoke command as the engine starts it: the ENTRYPOINT, then the smoke arguments or else the CMD."""
    entrypoint = list(config.get("Entrypoint") or [])
    return entrypoint + (list(args) if args else list(config.get("Cmd") or []))


def environment(config: Mapping[str, Any]) -> dict[str, str]:
    """The image's ``ENV`` as a mapping, with the PATH and HOSTNAME the engine adds."""
    env = dict(item.split("=", 1) for item in config.get("Env") or [] if "=" in item)
    return {"PATH": DEFAULT_PATH, "HOSTNAME": "slimlab-floor", **env}


def layer_dirs(info: Mapping[str, Any]) -> str | None:
    """The image's unpacked layers, top first, as overlayfs' ``lowerdir`` takes them; None off overlay2."""
    driver = info.get("GraphDriver") or {}
    data = driver.get("Data") or {}
    if driver.get("Name") != "overlay2" or not data.get("UpperDir"):
        return None
    dirs = [data["UpperDir"], *filter(None, (data.get("LowerDir") or "").split(":"))]
    return ":".join(dirs) if all(Path(d).is_dir() for d in dirs) else None


#: Labs measured side by side (checks.run.early.measure_early_all) may both find strace missing: one installs it.
_INSTALLING = threading.Lock()


def ensure_strace(echo: Callable[[str], None]) -> None:
    """Install strace with checks/setup/strace.sh (apt, as root on Debian/Ubuntu) when it is missing."""
    with _INSTALLING:
        _ensure_strace(echo)


def _ensure_strace(echo: Callable[[str], None]) -> None:
    if shutil.which(STRACE):
        return
    echo(f"floor: {STRACE} is missing; installing it with {SETUP.relative_to(SETUP.parents[2])}")
    done = proc.run(["bash", str(SETUP)], what=f"{SETUP} (installing {STRACE})", timeout=900)
    if done.returncode or not shutil.which(STRACE):
        raise UsageError(
            done.stderr.strip().removeprefix("slimlab:").strip() or f"{SETUP} failed (exit {done.returncode})."
        )


def measure_floor(info: Mapping[str, Any], args: Sequence[str], *, expect: str, timeout: float) -> FloorRun:
    """Run the image ``info`` describes (``docker image inspect``) once under strace; its floor if it passed."""
    lower = layer_dirs(info)
    if lower is None:
        return FloorRun(floor=None, why="the engine does not keep the image's layers in readable overlay2 storage")
    config = info.get("Config") or {}
    argv = command(config, args)
    if not argv:
        return FloorRun(floor=None, why="the image has no ENTRYPOINT or CMD to run")
    with tempfile.TemporaryDirectory(prefix="slimlab-floor-") as tmp:
        work = Path(tmp)
        for name in ("root", "rw"):
            (work / name).mkdir()
        # The launcher and the interpreter are reached through links, so the script's paths hold no spaces.
        (work / "checks").symlink_to(Path(__file__).resolve().parents[2])
        (work / "python").symlink_to(sys.executable)
        workdir = config.get("WorkingDir") or "/"
        launch = {"root": str(work / "root"), "user": config.get("User") or "", "workdir": workdir}
        (work / "launch.json").write_text(json.dumps({**launch, "argv": argv, "env": environment(config)}))
        done = proc.run(
            ["unshare", "-m", "-n", "bash", "-c", SCRIPT, "floor", str(work), lower, workdir],
            what="the traced smoke run (unshare, strace)",
            timeout=timeout * SLOWDOWN + 30,
            missing="Install util-linux (unshare) and strace",
        )
        if done.returncode:
            return FloorRun(floor=None, why=f"the chroot could not be set up: {done.stderr.strip()[-300:]}")
        code = (work / "exit").read_text().strip()
        stdout = (work / "stdout").read_text(errors="replace")
        if code != "0":
            tail = (work / "stderr").read_text(errors="replace").strip().splitlines()[-1:]
            return FloorRun(floor=None, why=f"the traced run exited {code}: {tail[0][:200] if tail else stdout[:200]}")
        if expect not in stdout:
            return FloorRun(floor=None, why=f"the traced run did not print {expect!r}: {stdout.strip()[:200]!r}")
        trace = (work / "trace").read_text(errors="surrogateescape")
        listing = (work / "listing").read_text(errors="surrogateescape")
        loaders = (work / "loaders").read_text(errors="surrogateescape").split("\0")[:-1]
        return FloorRun(floor=measure(trace, listing, root=str(work / "root"), cwd=workdir, loaders=loaders))
