"""Speed figures for `make bench`: how long `make check` takes, warm and cold.

    python tests/bench.py            warm: verify every lab with nothing changed (3 runs, median)
    python tests/bench.py --cold     also cold: every lab verified on a fresh engine with an
                                     empty data root (bases and builds from nothing; minutes)

Labs are verified from a temporary copy, so the recorded results.json files
are never touched.  Figures are printed, never asserted: targets live here,
not in timed tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.fresh_engine import fresh_engine  # noqa: E402


def verify(labs: list[Path], env: dict[str, str]) -> float:
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "checks", "verify", *map(str, labs)], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.monotonic() - start
    if done.returncode:
        sys.exit(f"bench: verify failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return seconds


def copies(target: Path) -> list[Path]:
    labs = []
    for spec in sorted((ROOT / "labs").glob("*/lab.toml")):
        labs.append(target / spec.parent.name)
        shutil.copytree(spec.parent, labs[-1])
    return labs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cold", action="store_true", help="also measure a cold run on a fresh, empty engine")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="slimlab-bench-") as tmp:
        labs = copies(Path(tmp))
        env = dict(os.environ)
        print(f"bench: {len(labs)} labs, {os.cpu_count()} cores")
        verify(labs, env)  # bring the copies up to date; not timed
        warm = [verify(labs, env) for _ in range(3)]
        print(f"warm make check (nothing changed), median of 3: {statistics.median(warm):.2f} s")
        if args.cold:
            for lab in labs:
                (lab / "results.json").unlink(missing_ok=True)
            with fresh_engine() as host:
                cold_env = {**env, "DOCKER_HOST": host, "SLIMLAB_PULL": "never"}
                cold = verify(labs, cold_env)
                print(f"cold make check (empty engine: bases, builds, smoke tests): {cold:.0f} s")
                print(f"warm right after, same engine: {verify(labs, cold_env):.2f} s")


if __name__ == "__main__":
    main()
