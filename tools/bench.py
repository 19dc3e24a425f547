"""Speed figures for `make bench`: how long `make check` takes, warm and cold.

    python tools/bench.py            warm: verify every lab with nothing changed (3 runs, median)
    python tools/bench.py --cold     also cold: every lab verified as on a new machine, from the
                                     recorded results.json files on a fresh engine with an empty
                                     data root (bases and builds from nothing; minutes); writes
                                     each stand-in's build time to docs/standin-timings.json
    python tools/bench.py --cold-only  only the cold run (and the warm run right after it, on its engine),
                                     from the recorded results.json files as they are, as a fresh
                                     clone has them: the main engine builds nothing
    python tools/bench.py --log FILE  also write every line the cold run printed to FILE, each after
                                     the seconds since it started, for reading where a run waits
    python tools/bench.py --analyze  also `python -m checks analyze` against `dive --ci` and `dive --json`
                                     on the same ~1 GB image (lab 4's before), 3 runs each, interleaved;
                                     prints min / median / max of each, the ratios of the medians,
                                     and whether the numbers agree
    python tools/bench.py --analyze-only  only that (and the CPU reference), on the image as the engine
                                     holds it: no lab is verified first
    python tools/bench.py --reference  only the CPU reference (below), to weigh this machine against the
                                     one the recorded figures come from
    python tools/bench.py --timings  also per lab: a cold grade of the reference answer on a fresh
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

The bench reads what `checks verify --events` reports (tools/benchfigures.py
makes phases and stand-in times of it), never a line's wording where an event
says it.  Labs are verified from a temporary copy, so the recorded results.json files
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
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchfigures import (  # noqa: E402  (benchfigures reads checks.model.progress's phases)
    DRIFT_WARN,
    SIDE_BY_SIDE,
    Reported,
    cpu_times,
    drift,
    phase_busy,
    phase_of,
    phases,
    read_event,
    spread,
    standin_seconds,
)

from checks.engine.fresh_engine import fresh_engine  # noqa: E402
from checks.model.checkout import HERE  # noqa: E402
from checks.model.standins import STANDIN_TIMINGS_NAME  # noqa: E402

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


def describe_reference(reference: dict[str, float | int]) -> str:
    return (
        f"CPU reference (xz -6 of {reference['words']:,} seeded words), median of {reference['runs']}: "
        f"{reference['one_core_seconds']} s on one core, {reference['every_core_seconds']} s on each of "
        f"{reference['cores']} cores at once"
    )


def read_cpu_times() -> tuple[float, float] | None:
    try:
        return cpu_times(Path("/proc/stat").read_text())
    except (OSError, ValueError, IndexError):
        return None  # not Linux, or no /proc: no CPU figures


def _log(stderr: IO[str], said: list[str], start: float, log: Path | None) -> None:
    """Keep every line ``checks verify`` prints on ``stderr``; with ``log``, also write each there as it comes,
    after its seconds since the start (so that `tail -f` shows where a run that seems stuck waits)."""
    with (log or Path(os.devnull)).open("w", encoding="utf-8") as written:
        for raw in stderr:
            said.append(raw.rstrip("\n"))
            written.write(f"{time.monotonic() - start:8.1f} {said[-1]}\n")
            written.flush()


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
    """Seconds of one `checks verify` of ``labs``, which reports its events (``--events``) into a pipe the bench
    reads as they come; with ``breakdown``, also fill it with :func:`~benchfigures.phases`, ``standins`` with
    :func:`~benchfigures.standin_seconds` and ``busy`` with :func:`~benchfigures.phase_busy`; with ``live``,
    print each event that starts a new phase; with ``log``, write every line it printed there, after its
    seconds since the start."""
    samples: dict[int, tuple[float, float]] = {}
    reader, writer = os.pipe()
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "checks", "verify", "--events", f"/dev/fd/{writer}", *map(str, labs)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        pass_fds=(writer,),
    )
    os.close(writer)
    assert process.stderr is not None
    said: list[str] = []
    logging = threading.Thread(target=_log, args=(process.stderr, said, start, log))
    logging.start()
    events: list[Reported] = []
    current, side_by_side = None, True
    with os.fdopen(reader, encoding="utf-8") as stream:
        for raw in stream:
            events.append(read_event(raw, start))
            at, event = events[-1]
            phase = phase_of(event)
            if busy is not None and phase is not None and (sample := read_cpu_times()):
                samples[len(events) - 1] = sample
            if live and phase not in (None, current):
                side_by_side = side_by_side and event["event"] != "early-done"
                if side_by_side and current == SIDE_BY_SIDE:
                    continue  # the phases are interleaved until the event that ends them
                current = SIDE_BY_SIDE if side_by_side else phase
                print(f"  {at / 60:5.1f} min  {current}: {str(event.get('text', ''))[:100]}", flush=True)
    logging.join()
    seconds, end = time.monotonic() - start, read_cpu_times()
    if process.wait():
        tail = "\n".join(said)[-2000:]
        sys.exit(f"bench: verify failed (exit {process.returncode}):\n{tail}")
    if breakdown is not None:
        breakdown.update(phases(events, seconds))
    if standins is not None:
        standins.update(standin_seconds(events))
    if busy is not None and end is not None:
        busy.update(phase_busy(events, samples, end))
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
    from checks.measure.source import resolve_bases
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
