"""The launcher :mod:`checks.engine.floor` traces: enter the image's root as its user, then become its app.

``python -m checks.engine.floorlaunch CONFIG.json`` reads the image's
``/etc/passwd`` and ``/etc/group`` from the root on the host, chroots into it,
changes to the working directory, drops to the image's user and ``execvpe``\\ s
the smoke command with the image's environment, as the engine would start it.
Everything it opens before its ``chroot`` is its own, and the floor's parser
(:func:`checks.inspect.floor.opened_paths`) leaves it out.

``python -m checks.engine.floorlaunch --loaders WORK`` runs after the trace,
still inside the namespace, outside the chroot: it reads the head of every
executed file through the mounted root and writes what the kernel loaded to
run it (:func:`checks.inspect.floor.loaded`) to ``WORK/loaders``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from checks.inspect.floor import HEAD_BYTES, loaded, opened_paths, resolve_user, tree


def _text(root: Path, name: str) -> str:
    try:
        return (root / name).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def main(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    root = Path(config["root"])
    user = resolve_user(config["user"], _text(root, "etc/passwd"), _text(root, "etc/group"))
    env = {"HOME": user.home, **config["env"]}
    os.chroot(root)
    os.chdir(config["workdir"] or "/")
    os.setgroups(list(user.groups))
    os.setgid(user.gid)
    os.setuid(user.uid)
    os.execvpe(config["argv"][0], config["argv"], env)


def loaders(work: Path) -> None:
    config = json.loads((work / "launch.json").read_text(encoding="utf-8"))
    root = config["root"]
    trace = (work / "trace").read_text(encoding="utf-8", errors="surrogateescape")
    entries = tree((work / "listing").read_text(encoding="utf-8", errors="surrogateescape"))

    def head(path: str) -> bytes:
        # The path is resolved inside the image (no symlink left), so it cannot lead out of the root.
        try:
            descriptor = os.open(Path(root) / path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return b""
        with os.fdopen(descriptor, "rb") as file:
            return file.read(HEAD_BYTES)

    executed = opened_paths(trace, root=root, cwd=config["workdir"] or "/", execs_only=True)
    found = loaded(executed, entries.get, head)
    (work / "loaders").write_text("".join(f"{p}\0" for p in found), encoding="utf-8", errors="surrogateescape")


if __name__ == "__main__":
    if sys.argv[1] == "--loaders":
        loaders(Path(sys.argv[2]))
    else:
        main(sys.argv[1])
