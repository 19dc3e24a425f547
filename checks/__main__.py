"""Command line: ``python -m checks verify|bases|clean``.

Exit codes: 0 every claim holds; 1 a claim fails; 2 bad input or environment.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import docker, report
from .bases import Resolver
from .dockerfile import external_images_of
from .errors import UsageError
from .spec import SPEC_NAME, load
from .verify import verify

ROOT = Path(__file__).resolve().parent.parent
LABS = ROOT / "labs"


def echo(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def all_labs(labs: Path = LABS) -> list[Path]:
    def number(path: Path) -> tuple[int, str]:
        digits = path.name.split("-")[1] if path.name.count("-") else ""
        return (int(digits) if digits.isdigit() else 1 << 30, path.name)

    return sorted((p.parent for p in labs.glob(f"*/{SPEC_NAME}")), key=number)


def find_lab(word: str, labs: Path = LABS) -> Path:
    """A lab by path, by folder name, or by number (``4``, ``lab-4``)."""
    path = Path(word)
    if path.is_dir():
        return path.resolve()
    known = all_labs(labs)
    prefix = word if word.startswith("lab-") else f"lab-{word}"
    exact = [p for p in known if p.name == word]
    matches = exact or [p for p in known if p.name.startswith(prefix + "-")]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(p.name for p in known) or "none"
    raise UsageError(f"No lab '{word}' in {labs}. Known labs: {names}. Name a lab by number (4), folder name or path.")


def _builder(args: argparse.Namespace) -> str | None:
    return args.builder or os.environ.get("BUILDX_BUILDER") or None


def cmd_verify(args: argparse.Namespace) -> int:
    folders = [find_lab(word) for word in args.labs] if args.labs else all_labs()
    if not folders:
        raise UsageError(f"No labs found in {LABS} (a lab is a folder with a {SPEC_NAME}).")
    builder = _builder(args)
    resolver = Resolver(echo=echo, builder=builder)
    failures: list[str] = []
    for folder in folders:
        start = time.monotonic()
        outcome = verify(folder, resolver=resolver, echo=echo, builder=builder, force=args.force)
        print(report.summary(outcome.results, skipped=outcome.skipped))
        written = "results.json updated" if outcome.written else "results.json unchanged"
        print(f"  {written}; {time.monotonic() - start:.1f}s\n", flush=True)
        failures += report.failures(outcome.results, outcome.lab.page)
    for line in failures:
        echo(line)
    if failures:
        echo(f"{len(failures)} claim(s) do not hold.")
        return 1
    echo(f"All claims hold in {len(folders)} lab(s).")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    """Grade the learner's exercise.Dockerfile (or the reference answer) against the lab's goals."""
    from .grade import EXERCISE, SOLUTION, grade, render

    folder = find_lab(args.lab)
    dockerfile = SOLUTION if args.solution else args.dockerfile or EXERCISE
    result = grade(folder, dockerfile, resolver=Resolver(echo=echo, builder=_builder(args)), echo=echo, builder=_builder(args))
    print(render(result))
    return 0 if result.passed else 1


def cmd_workshop(args: argparse.Namespace) -> int:
    """Workshop kit: prepare a machine, bundle its base images, load a bundle elsewhere."""
    from . import workshop

    resolver = Resolver(echo=echo, builder=_builder(args))
    if args.action == "prepare":
        workshop.prepare(all_labs(), resolver, echo)
        echo("workshop: every base is available and every lab and reference answer has been built once.")
    elif args.action == "bundle":
        uses = workshop.bundle(all_labs(), resolver, Path(args.bundle), echo)
        echo(f"workshop: wrote {args.bundle} with {len(uses)} base images; copy it to each machine and run `make workshop-load`.")
    else:
        print(workshop.load_bundle(Path(args.bundle)))
    return 0


def cmd_bases(args: argparse.Namespace) -> int:
    """Resolve every base the labs name, building stand-ins where needed."""
    resolver = Resolver(echo=echo, builder=_builder(args))
    names: list[str] = []
    for folder in all_labs():
        lab = load(folder)
        for variant in lab.variants:
            names += [n for n in external_images_of(folder / variant.dockerfile) if n not in names]
    for name in names:
        use = resolver.resolve(name)
        print(f"{name:<45} {use.source:<9} {use.image}")
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    """Remove the containers and images slimlab labelled as its own, and nothing else."""
    containers = [] if args.lab else docker.own_containers()
    docker.remove_containers(containers)
    images = docker.own_images(args.lab)
    refused = docker.remove_images(images)
    print(f"removed {len(containers)} container(s) and {len(images) - len(refused)} image(s)")
    if refused:
        echo(f"kept {len(refused)} image(s) still in use by other images or containers: {', '.join(refused)}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m checks", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="build, measure and verify labs (all by default)")
    v.add_argument("labs", nargs="*", metavar="LAB", help="lab number, folder name or path")
    v.add_argument("--force", action="store_true", help="rebuild and re-measure even when nothing changed")
    v.add_argument("--builder", help="buildx builder to use (default: $BUILDX_BUILDER, else the local engine)")
    v.set_defaults(run=cmd_verify)
    g = sub.add_parser("grade", help="grade your exercise.Dockerfile against a lab's goals (make lab-N)")
    g.add_argument("lab", metavar="LAB", help="lab number, folder name or path")
    g.add_argument("--dockerfile", help="Dockerfile to grade, relative to the lab folder (default: exercise.Dockerfile)")
    g.add_argument("--solution", action="store_true", help="grade the reference answer (solution.Dockerfile)")
    g.add_argument("--builder", help="buildx builder to use")
    g.set_defaults(run=cmd_grade)
    w = sub.add_parser("workshop", help="prepare a workshop machine, or bundle/load base images for air-gapped rooms")
    w.add_argument("action", choices=["prepare", "bundle", "load"])
    w.add_argument("--bundle", default="slimlab-workshop.tar.gz", help="archive path (default: %(default)s)")
    w.add_argument("--builder", help="buildx builder to use")
    w.set_defaults(run=cmd_workshop)
    b = sub.add_parser("bases", help="make every base image the labs name available (official or stand-in)")
    b.add_argument("--builder", help="buildx builder to use")
    b.set_defaults(run=cmd_bases)
    c = sub.add_parser("clean", help="remove slimlab's own images and containers")
    c.add_argument("--lab", help="only the images of this lab (its folder name)")
    c.set_defaults(run=cmd_clean)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except UsageError as error:
        echo(f"\nslimlab: {error}\n")
        return 2
    except KeyboardInterrupt:
        echo("\nslimlab: interrupted; containers it started were removed.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
