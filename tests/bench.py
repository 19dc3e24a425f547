"""Speed figures for `make bench`: how long `make check` takes, warm and cold.

    python tests/bench.py            warm: verify every lab with nothing changed (3 runs, median)
    python tests/bench.py --cold     also cold: every lab verified as on a new machine, from the
                                     recorded results.json files on a fresh engine with an empty
                                     data root (bases and builds from nothing; minutes); writes
                                     each stand-in's build time to docs/standin-timings.json
    python tests/bench.py --cold-only  only the cold run (and the warm run right after it, on its engine),
                                     from the recorded results.json files as they are, as a fresh
                                     clone has them: the main engine builds nothing
    python tests/bench.py --log FILE  also write every line the cold run printed to FILE, each after
                                     the seconds since it started, for reading where a run waits
    python tests/bench.py --analyze  also `python -m checks analyze` against `dive --ci` and `dive --json`
                                     on the same ~1 GB image (lab 4's before), 3 runs each, interleaved;
                                     prints min / median / max of each, the ratios of the medians,
                                     and whether the numbers agree
    python tests/bench.py --analyze-only  only that (and the CPU reference), on the image as the engine
                                     holds it: no lab is verified first
    python tests/bench.py --reference  only the CPU reference (below), to weigh this machine against the
                                     one the recorded figures come from
    python tests/bench.py --timings  also per lab: a cold grade of the reference answer on a fresh
                                     engine (empty build cache, base images loaded first), then a
                                     warm grade right after; writes docs/workshop-timings.json

Every run starts with the CPU reference (:func:`cpu_reference`), a fixed job
whose seconds say how fast this machine computes; each file above records it
beside its figures, so that a time from one machine can be weighed against
another's; a cold run takes it again just before and just after, and says so
when the machine's speed moved between the two (:func:`drift`).  The cold run
also prints how busy the cores were in each phase (:func:`phase_busy`, from
/proc/stat): a phase that leaves them idle could run its steps side by side,
one that keeps them busy can only do less work.  Run the bench with nothing
else at work on the machine.

Labs are verified from a temporary copy, so the recorded results.json files
are never touched.  Figures are printed, never asserted: targets live here,
not in timed tests.
"""

from __future__ import annotations

import argparse
import datetime
import json
import lzma
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.engine.fresh_engine import fresh_engine  # noqa: E402
from checks.engine.verify import EARLY_DONE  # noqa: E402
from checks.model.checkout import HERE  # noqa: E402
from checks.model.standins import STANDIN_TIMINGS_NAME  # noqa: E402

#: What each progress line of `checks verify` starts, by the text it starts with: every second until the
#: next such line counts for that phase (indented lines are build output of the phase they sit in).
PHASES = (
    ("stand-in bases", ("base ",)),
    ("lab builds", (": building ",)),
    ("smoke tests", (": smoke test of ",)),
    ("runtime floors", (": tracing the smoke test",)),
    ("rebuilds", (": rebuilding from an empty build cache", ": reproducible, ", ": not reproducible, ")),
    ("cold pulls", ("pulls: fresh engine", ": cold pull ")),
    ("pulls onto a node holding images", (": pull of ",)),
    # A re-compression's line ends it and starts the next (checks.engine.pullbench): ": saving " opens them.
    ("compression matrix (skopeo)", (": saving ", "-zstd-")),
    ("registry pushes", ("pulls: ", ": pushed ")),
    ("analysis", (": analyzing the images",)),
)


#: The CPU reference's input: this many words drawn, with this seed, from a vocabulary drawn with it too.
REFERENCE_WORDS, REFERENCE_SEED = 500_000, 2026


def reference_text(words: int = REFERENCE_WORDS, seed: int = REFERENCE_SEED) -> bytes:
    """The same text on every machine: word-like, so that xz searches for matches as it does in real files."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choices(letters, k=rng.randint(2, 12))) for _ in range(20_000)]
    return " ".join(rng.choices(vocabulary, k=words)).encode()


def compress_seconds(data: bytes) -> float:
    """Wall seconds of one xz (preset 6) compression of ``data``."""
    start = time.perf_counter()
    lzma.compress(data, preset=6)
    return time.perf_counter() - start


def cpu_reference(runs: int = 3, words: int = REFERENCE_WORDS) -> dict[str, float | int]:
    """Median seconds of xz compressing :func:`reference_text` on one core, and of one such job on every core
    at once (the slowest of them): builds here compile with ``make -j`` and two stand-ins build at a time, so
    a machine whose cores slow each other down shows it in the second figure."""
    data = reference_text(words)
    cores = os.cpu_count() or 1
    one = statistics.median(compress_seconds(data) for _ in range(runs))
    with ProcessPoolExecutor(cores) as pool:
        every = statistics.median(max(pool.map(compress_seconds, [data] * cores)) for _ in range(runs))
    return {
        "words": words,
        "runs": runs,
        "cores": cores,
        "one_core_seconds": round(one, 2),
        "every_core_seconds": round(every, 2),
    }


#: How far the CPU reference may move between the start and the end of a cold run before the bench says
#: that the machine's speed changed under it (a shared virtual machine can slow down by a third for minutes).
DRIFT_WARN = 0.15


def drift(before: dict[str, float | int], after: dict[str, float | int]) -> float:
    """How much slower (above 0) or faster (below 0) one core computed at the end than at the start."""
    return float(after["one_core_seconds"]) / float(before["one_core_seconds"]) - 1


def describe_reference(reference: dict[str, float | int]) -> str:
    return (
        f"CPU reference (xz -6 of {reference['words']:,} seeded words), median of {reference['runs']}: "
        f"{reference['one_core_seconds']} s on one core, {reference['every_core_seconds']} s on each of "
        f"{reference['cores']} cores at once"
    )


def phase_of(line: str) -> str | None:
    """The phase a progress line of `checks verify` starts, "other" for another one, None for build output."""
    if not line.strip() or line.startswith(" "):
        return None
    return next((name for name, marks in PHASES if any(mark in line for mark in marks)), "other")


#: What `checks verify` does before its line :data:`~checks.engine.verify.EARLY_DONE`: stand-ins and every lab's
#: builds, smoke tests, floors and analyses, two at a time, so no line there says which one the seconds went to.
SIDE_BY_SIDE = "stand-ins and lab builds, side by side"


def early_end(lines: list[tuple[float, str]]) -> int | None:
    """The index of the line that ends the side-by-side phase; None when the run printed none."""
    return next((index for index, (_, line) in enumerate(lines) if line.startswith(EARLY_DONE)), None)


def phases(lines: list[tuple[float, str]], end: float) -> dict[str, float]:
    """Seconds spent in each phase, from (seconds since the start, line) pairs and the run's total seconds:
    up to :func:`early_end`, all of them :data:`SIDE_BY_SIDE`; after it, the phase each progress line starts."""
    spent: dict[str, float] = {}
    current, since = "other", 0.0
    if (cut := early_end(lines)) is not None:
        spent[SIDE_BY_SIDE] = since = lines[cut][0]
        lines = lines[cut + 1 :]
    for at, line in lines:
        if (name := phase_of(line)) is not None:
            spent[current] = spent.get(current, 0.0) + at - since
            current, since = name, at
    spent[current] = spent.get(current, 0.0) + end - since
    return {name: seconds for name, seconds in sorted(spent.items(), key=lambda item: -item[1]) if seconds >= 0.05}


def cpu_times(stat: str) -> tuple[float, float]:
    """(busy, all) CPU time since boot, summed over cores, from the text of /proc/stat: idle and iowait are
    the only times not busy (guest time is already counted in user time)."""
    fields = [float(value) for value in stat.splitlines()[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields + [0.0] * (8 - len(fields))
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


def read_cpu_times() -> tuple[float, float] | None:
    try:
        return cpu_times(Path("/proc/stat").read_text())
    except (OSError, ValueError, IndexError):
        return None  # not Linux, or no /proc: no CPU figures


def phase_busy(
    lines: list[tuple[float, str]], samples: dict[int, tuple[float, float]], end: tuple[float, float]
) -> dict[str, float]:
    """How busy the CPU was in each phase, 0 to 1, from the CPU times read as the line at each index of
    ``samples`` was printed (the lines that start a phase) and at the end: whether the cores had work to
    spare while that phase ran, which running its steps side by side could use."""
    busy: dict[str, list[float]] = {}
    current, since, start = "other", None, 0
    if (cut := early_end(lines)) is not None and cut in samples and samples:
        first = samples[min(samples)]
        busy[SIDE_BY_SIDE] = [samples[cut][0] - first[0], samples[cut][1] - first[1]]
        since, start = samples[cut], cut + 1
    for index, (_, line) in enumerate(lines):
        if index < start or (name := phase_of(line)) is None or index not in samples:
            continue
        if since is not None:
            spent = busy.setdefault(current, [0.0, 0.0])
            spent[0] += samples[index][0] - since[0]
            spent[1] += samples[index][1] - since[1]
        current, since = name, samples[index]
    if since is not None:
        spent = busy.setdefault(current, [0.0, 0.0])
        spent[0] += end[0] - since[0]
        spent[1] += end[1] - since[1]
    return {name: used / total for name, (used, total) in busy.items() if total > 0}


#: The progress line `checks verify` prints when a stand-in base is built (see checks.engine.bases).
BUILT_STANDIN = re.compile(r"^base (?P<name>\S+): stand-in built in (?P<seconds>[0-9.]+) s$")


def standin_seconds(lines: list[tuple[float, str]]) -> dict[str, float]:
    """Seconds each stand-in's own recipe took to build, by official name, as `checks verify` reported them.

    Two stand-ins may build at once (``Resolver.prepare``), so each figure is its own build's wall time
    beside whatever else was building, not a span between two progress lines.
    """
    return {m["name"]: float(m["seconds"]) for _, line in lines if (m := BUILT_STANDIN.match(line))}


def verify(
    labs: list[Path],
    env: dict[str, str],
    breakdown: dict[str, float] | None = None,
    standins: dict[str, float] | None = None,
    busy: dict[str, float] | None = None,
    *,
    live: bool = False,
    log: Path | None = None,
) -> float:
    """Seconds of one `checks verify` of ``labs``; with ``breakdown``, also fill it with :func:`phases`,
    ``standins`` with :func:`standin_seconds` and ``busy`` with :func:`phase_busy`; with ``live``, print each
    line that starts a new phase; with ``log``, write every line there, after its seconds since the start."""
    samples: dict[int, tuple[float, float]] = {}
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "checks", "verify", *map(str, labs)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines: list[tuple[float, str]] = []
    current, side_by_side = None, True
    # the log is written as the lines come, so that `tail -f` shows where a run that seems stuck waits
    with (log or Path(os.devnull)).open("w", encoding="utf-8") as written:
        for raw in process.stderr:
            lines.append((time.monotonic() - start, raw.rstrip("\n")))
            written.write(f"{lines[-1][0]:8.1f} {lines[-1][1]}\n")
            written.flush()
            if busy is not None and phase_of(lines[-1][1]) is not None and (sample := read_cpu_times()):
                samples[len(lines) - 1] = sample
            if live and (phase := phase_of(lines[-1][1])) not in (None, current):
                side_by_side = side_by_side and not lines[-1][1].startswith(EARLY_DONE)
                if side_by_side and current == SIDE_BY_SIDE:
                    continue  # the phases are interleaved until the line that ends them
                current = SIDE_BY_SIDE if side_by_side else phase
                print(f"  {lines[-1][0] / 60:5.1f} min  {current}: {lines[-1][1][:100]}", flush=True)
    seconds, end = time.monotonic() - start, read_cpu_times()
    if process.wait():
        tail = "\n".join(line for _, line in lines)[-2000:]
        sys.exit(f"bench: verify failed (exit {process.returncode}):\n{tail}")
    if breakdown is not None:
        breakdown.update(phases(lines, seconds))
    if standins is not None:
        standins.update(standin_seconds(lines))
    if busy is not None and end is not None:
        busy.update(phase_busy(lines, samples, end))
    return seconds


#: The ~1 GB image the analysis is timed on; `verify` of the lab copies builds it (in this checkout's namespace).
ANALYZE_IMAGE = HERE.tag("lab-4-go-multistage", "before")


def timed(
    command: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)
) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - start
    if done.returncode not in ok:
        sys.exit(f"bench: `{' '.join(command)}` failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, done


def spread(seconds: list[float]) -> str:
    """Runs as min / median / max."""
    return f"{min(seconds):.2f} / {statistics.median(seconds):.2f} / {max(seconds):.2f} s"


def analyze_vs_dive(image: str, env: dict[str, str], runs: int = 3) -> None:
    """Time `python -m checks analyze --json` (every check on: waste, removable classes, secrets in every layer),
    `dive --ci` (its analysis and its CI rules, the figure the target is set against) and `dive --json`, interleaved;
    check that our waste figures equal the ones dive writes."""
    dive = str(Path(sys.executable).parent / "dive")
    ours: list[float] = []
    ci: list[float] = []
    written: list[float] = []
    agree = True
    with tempfile.TemporaryDirectory(prefix="slimlab-bench-dive-") as tmp:
        for run in range(runs):
            # exit 1: the image broke one of dive's default CI rules (efficiency, wasted share), as lab 4's before may
            seconds, _ = timed([dive, "--source", "docker", "--ci", image], {**env, "CI": "true"}, ok=(0, 1))
            ci.append(seconds)
            out = Path(tmp) / f"dive-{run}.json"
            seconds, _ = timed([dive, "--source", "docker", "--json", str(out), image], {**env, "CI": "true"})
            written.append(seconds)
            seconds, done = timed([sys.executable, "-m", "checks", "analyze", "--json", image], env)
            ours.append(seconds)
            mine, dives = json.loads(done.stdout), json.loads(out.read_text())["image"]
            agree &= mine["wasted_bytes"] == dives["inefficientBytes"]
            agree &= abs(mine["efficiency"] - dives["efficiencyScore"]) < 1e-9
            agree &= mine.get("secrets") is not None  # every check ran, the secret rules included
        saved, _ = timed([sys.executable, "-m", "checks", "analyze", "--json", "--source", "save", image], env)
    size, ours_s = json.loads(done.stdout)["size_bytes"], statistics.median(ours)
    print(f"analyze {image} ({size / 1e9:.2f} GB), {runs} runs each, interleaved (min / median / max):")
    print(f"  slimlab analyze --json, every check:  {spread(ours)}")
    print(f"  dive --ci:                            {spread(ci)}: slimlab {statistics.median(ci) / ours_s:.1f}x faster")
    print(
        f"  dive --json:                          {spread(written)}: slimlab {statistics.median(written) / ours_s:.1f}x"
        f" faster; wasted bytes and efficiency {'equal' if agree else 'DIFFER'}"
    )
    print(f"analyze through `docker save` (the remote-engine path), 1 run: {saved:.2f} s")


def copies(target: Path) -> list[Path]:
    labs = []
    for spec in sorted((ROOT / "labs").glob("*/lab.toml")):
        labs.append(target / spec.parent.name)
        shutil.copytree(spec.parent, labs[-1])
    return labs


#: Where --timings writes its figures; the ``workshop-timings`` directive renders them.
TIMINGS = ROOT / "docs" / "workshop-timings.json"
#: Where --cold writes how long each stand-in took to build from nothing; the ``standin-bases`` directive shows it.
STANDIN_TIMINGS = ROOT / "docs" / STANDIN_TIMINGS_NAME


def lab_bases(folder: Path) -> list[str]:
    """Every image a grade of ``folder``'s reference answer needs, incl. those stand-ins are built on."""
    from checks.engine.bases import Resolver
    from checks.engine.verify import resolve_bases
    from checks.model.exercise import SOLUTION, graded_lab
    from checks.model.settings import Settings
    from checks.model.spec import load

    resolver = Resolver(echo=lambda _: None, settings=Settings(pull="never"))
    resolve_bases(graded_lab(load(folder), SOLUTION), folder, resolver)
    return sorted({use.image for use in resolver.known()})


def copy_images(refs: list[str], host: str) -> None:
    """`docker save` from the main engine piped into `docker load` on ``host``."""
    save = subprocess.Popen(["docker", "save", *refs], stdout=subprocess.PIPE)
    load = subprocess.run(
        ["docker", "load"],
        stdin=save.stdout,
        env={**os.environ, "DOCKER_HOST": host},
        capture_output=True,
        text=True,
        check=False,
    )
    assert save.stdout is not None
    save.stdout.close()
    if save.wait() or load.returncode:
        sys.exit(f"bench: copying {refs} to the fresh engine failed: {load.stderr[-2000:]}")


def grade_seconds(lab: Path, env: dict[str, str]) -> float | None:
    """One `python -m checks grade LAB --solution`; None (with the reason printed) when it fails."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "checks", "grade", str(lab), "--solution"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - start
    if done.returncode:
        print(f"bench: grading {lab.name} failed (exit {done.returncode}):\n{(done.stdout + done.stderr)[-1500:]}")
        return None
    return round(seconds, 1)


def lab_timings(lab: Path, env: dict[str, str]) -> dict[str, float | None]:
    """Cold (fresh engine, bases loaded, empty build cache) then warm grade of one lab's reference answer."""
    refs = lab_bases(lab)
    with fresh_engine() as host:
        copy_images(refs, host)
        graded = {**env, "DOCKER_HOST": host, "SLIMLAB_PULL": "never", "SLIMLAB_PULL_MEASURE": "0"}
        cold = grade_seconds(lab, graded)
        warm = grade_seconds(lab, graded) if cold is not None else None
    print(f"{lab.name}: cold {cold} s, warm {warm} s ({len(refs)} base images loaded first)")
    return {"cold_seconds": cold, "warm_seconds": warm}


def timings(labs: list[Path], env: dict[str, str], reference: dict[str, float | int], out: Path = TIMINGS) -> None:
    """Time every lab's grade, cold and warm, and write ``out`` (see :data:`TIMINGS`)."""
    figures = {
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu_reference": reference,
        "labs": {},
    }
    for lab in labs:
        figures["labs"][lab.name] = lab_timings(lab, env)
        out.write_text(json.dumps(figures, indent=2) + "\n")  # after each lab, so a cut-short run keeps its figures
    print(f"bench: wrote {out.relative_to(ROOT)}")


def write_standin_timings(
    spent: dict[str, float],
    reference: dict[str, float | int],
    after: dict[str, float | int] | None = None,
    out: Path = STANDIN_TIMINGS,
) -> None:
    """Record a cold run's stand-in build times (see :data:`STANDIN_TIMINGS`), with the CPU reference taken
    just before the run and, when given, the one taken just after it."""
    figures = {
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu_reference": reference,
        **({"cpu_reference_after": after} if after else {}),
        "bases": dict(sorted(spent.items())),
    }
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"bench: wrote {out.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cold", action="store_true", help="also measure a cold run on a fresh, empty engine")
    parser.add_argument(
        "--cold-only",
        action="store_true",
        help="only the cold run (and the warm one after it), from the recorded results.json files as they are",
    )
    parser.add_argument(
        "--log", type=Path, help="write every line of the cold run to LOG as it comes, with its seconds"
    )
    parser.add_argument(
        "--analyze", action="store_true", help=f"also time `checks analyze` against dive on {ANALYZE_IMAGE}"
    )
    parser.add_argument(
        "--analyze-only", action="store_true", help="only time `checks analyze` against dive (no lab verified first)"
    )
    parser.add_argument(
        "--timings",
        action="store_true",
        help=f"also time each lab's grade, cold and warm, into {TIMINGS.relative_to(ROOT)}",
    )
    parser.add_argument(
        "--only-timings", action="store_true", help="skip the warm `make check` figures (with --timings)"
    )
    parser.add_argument(
        "--reference", action="store_true", help="only print the CPU reference (under a minute), to weigh figures"
    )
    args = parser.parse_args()
    if args.reference:
        print(describe_reference(cpu_reference()))
        return
    if args.analyze_only:
        print(describe_reference(cpu_reference()), flush=True)
        analyze_vs_dive(ANALYZE_IMAGE, dict(os.environ))
        return
    with tempfile.TemporaryDirectory(prefix="slimlab-bench-") as tmp:
        labs = copies(Path(tmp))
        env = dict(os.environ)
        print(f"bench: {len(labs)} labs, {os.cpu_count()} cores", flush=True)
        reference = cpu_reference()
        print(describe_reference(reference), flush=True)
        if args.timings:
            timings(labs, env, reference)
            if args.only_timings:
                return
        if not args.cold_only:
            verify(labs, env)  # bring the copies up to date; not timed
            warm = [verify(labs, env) for _ in range(3)]
            print(f"warm make check (nothing changed), median of 3: {statistics.median(warm):.2f} s")
        if args.analyze and not args.cold_only:
            analyze_vs_dive(ANALYZE_IMAGE, env)
        if args.cold or args.cold_only:
            # As on a new machine: a fresh clone's results.json files (the copies', brought up to date above,
            # or as recorded with --cold-only) and an engine that holds nothing, so every base and every image
            # is built again.
            # Again, right before the run it weighs: the warm runs above can take many minutes.
            reference = cpu_reference()
            print("before the cold run: " + describe_reference(reference), flush=True)
            with fresh_engine() as host:
                cold_env = {**env, "DOCKER_HOST": host, "SLIMLAB_PULL": "never"}
                spent: dict[str, float] = {}
                standins: dict[str, float] = {}
                busy: dict[str, float] = {}
                print("bench: cold run started; each phase is named as it begins", flush=True)
                cold = verify(labs, cold_env, spent, standins, busy, live=True, log=args.log)
                if args.log is not None:
                    print(f"bench: every line of the cold run is in {args.log}")
                print(f"cold make check (a new machine: empty engine, recorded results.json): {cold:.0f} s")
                print("  by phase: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in spent.items()))
                if busy:
                    print(
                        "  CPU busy (all cores) by phase: "
                        + ", ".join(f"{name} {busy[name]:.0%}" for name in spent if name in busy)
                    )
                print("  stand-ins: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in standins.items()))
                after = cpu_reference()
                print("after the cold run: " + describe_reference(after))
                if abs(moved := drift(reference, after)) > DRIFT_WARN:
                    print(
                        f"bench: warning: the CPU reference moved by {moved:+.0%} during the cold run, so this "
                        "machine's speed changed under it; its figures are less comparable than usual"
                    )
                write_standin_timings(standins, reference, after)
                print(f"warm right after, same engine: {verify(labs, cold_env):.2f} s")


if __name__ == "__main__":
    main()
