"""``grade`` and ``workshop``: a learner's exercise graded, a workshop's machines made ready."""

from __future__ import annotations

import argparse
from pathlib import Path

from checks.cli.labs import ROOT, Commands, all_labs, builder_of, find_lab, language_of
from checks.cli.output import echo, show
from checks.model import i18n, links
from checks.model.settings import Settings


def cmd_grade(args: argparse.Namespace, settings: Settings) -> int:
    """Grade the learner's exercise.Dockerfile (or the reference answer) against the lab's goals."""
    from checks.engine.bases import Resolver
    from checks.learner.grade import grade, render
    from checks.model.exercise import EXERCISE, SOLUTION
    from checks.store import catalogs

    language = language_of(args, settings)
    i18n.use(catalogs.load_catalog(ROOT / catalogs.LOCALE_DIR, language, catalogs.UI_DOMAIN))
    folder = find_lab(args.lab)
    dockerfile = SOLUTION if args.solution else args.dockerfile or EXERCISE
    result = grade(
        folder,
        dockerfile,
        repository=ROOT,
        resolver=Resolver(echo=echo, builder=builder_of(args, settings), settings=settings),
        echo=echo,
        builder=builder_of(args, settings),
        catalog=catalogs.load_catalog(ROOT / catalogs.LOCALE_DIR, language, catalogs.LABS_DOMAIN),
    )
    show(render(result, docs_url=links.edition_url(settings.docs_url, i18n.edition_path(language))))
    return 0 if result.passed else 1


def cmd_workshop(args: argparse.Namespace, settings: Settings) -> int:
    """Workshop kit: prepare a machine, bundle its base images, load a bundle elsewhere."""
    from checks.engine.bases import Resolver
    from checks.learner import workshop

    resolver = Resolver(echo=echo, builder=builder_of(args, settings), settings=settings)
    if args.action == "prepare":
        workshop.prepare(all_labs(), resolver, echo)
        echo("workshop: every base is available and every lab and reference answer has been built once.")
    elif args.action == "bundle":
        uses = workshop.bundle(all_labs(), resolver, Path(args.bundle), echo)
        echo(
            f"workshop: wrote {args.bundle} with {len(uses)} base images; "
            "copy it to each machine and run `make workshop-load`."
        )
    else:
        show(workshop.load_bundle(Path(args.bundle)))
    return 0


def add_grade(commands: Commands) -> None:
    """The ``grade`` command and its options."""
    g = commands.add_parser("grade", help="grade your exercise.Dockerfile against a lab's goals (make lab-N)")
    g.add_argument("lab", metavar="LAB", help="lab number, folder name or path")
    g.add_argument(
        "--dockerfile",
        help="Dockerfile to grade, relative to the lab folder; it must be in the lab folder or elsewhere in the "
        "repository (default: exercise.Dockerfile)",
    )
    g.add_argument("--solution", action="store_true", help="grade the reference answer (solution.Dockerfile)")
    g.add_argument("--builder", help="buildx builder to use")
    g.add_argument(
        "--lang",
        help=f"language of the report: {', '.join(i18n.LANGUAGES)} (default: from LANGUAGE, LC_ALL, LC_MESSAGES, LANG)",
    )
    g.set_defaults(run=cmd_grade)


def add_workshop(commands: Commands) -> None:
    """The ``workshop`` command and its options."""
    w = commands.add_parser(
        "workshop", help="prepare a workshop machine, or bundle/load base images for air-gapped rooms"
    )
    w.add_argument("action", choices=["prepare", "bundle", "load"])
    w.add_argument("--bundle", default="slimlab-workshop.tar.gz", help="archive path (default: %(default)s)")
    w.add_argument("--builder", help="buildx builder to use")
    w.set_defaults(run=cmd_workshop)
