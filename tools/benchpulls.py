"""Speed figures for the pull measurement: what pushing and cold pulls add to a re-measuring `make check`.

    python tools/benchpulls.py                 every lab (many minutes: each lab is verified three times)
    python tools/benchpulls.py 4 0             only labs 4 and 0

Each lab is copied under a new folder name (so its images get their own tags
and no recorded results.json is touched), verified with --force once untimed
(so both timed runs find a warm build cache), then once with
SLIMLAB_PULL_MEASURE=0 and once with the measurement on, and its images are
removed afterwards.  The difference is what the measurement adds when a lab
is rebuilt; a `make check` with nothing changed skips both.  Figures are
printed, never asserted; their lines are :func:`benchfigures.pull_cost`, tested
in tests/test_benchfigures.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchfigures import pull_cost

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.cli.labs import all_labs, find_lab  # noqa: E402
from checks.model.settings import from_process  # noqa: E402


def verify(lab: Path, measure: str) -> float:
    env = {**os.environ, "SLIMLAB_PULL_MEASURE": measure}
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "checks", "verify", "--force", str(lab)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"bench: verify of {lab.name} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labs", nargs="*", metavar="LAB", help="lab number, folder name or path (default: every lab)")
    args = parser.parse_args()
    sources = [find_lab(word) for word in args.labs] if args.labs else all_labs()
    print(
        f"bench: pull measurement on {len(sources)} lab(s), {os.cpu_count()} cores, "
        f"{from_process().pull_runs} cold pulls per variant"
    )
    total_off = total_on = 0.0
    with tempfile.TemporaryDirectory(prefix="slimlab-bench-pulls-") as tmp:
        for source in sources:
            lab = Path(tmp) / f"bench-{source.name}"
            shutil.copytree(source, lab, ignore=shutil.ignore_patterns("results.json"))
            try:
                verify(lab, "0")  # build once, so both timed runs find a warm build cache
                off, on = verify(lab, "0"), verify(lab, "1")
            finally:
                subprocess.run(
                    [sys.executable, "-m", "checks", "clean", "--lab", lab.name],
                    cwd=ROOT,
                    capture_output=True,
                    check=False,
                )
            total_off, total_on = total_off + off, total_on + on
            print(pull_cost(source.name, off, on))
    print(pull_cost("all", total_off, total_on))


if __name__ == "__main__":
    main()
