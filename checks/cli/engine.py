"""``bases`` and ``clean``: the engine's images this checkout needs, made available or removed."""

from __future__ import annotations

import argparse

from checks.cli.labs import Commands, all_labs, builder_of
from checks.cli.output import echo, show
from checks.engine import containers, docker, images
from checks.model.checkout import HERE
from checks.model.settings import Settings


def cmd_bases(args: argparse.Namespace, settings: Settings) -> int:
    """Resolve every base the labs name, building stand-ins where needed."""
    from checks.engine.bases import Resolver
    from checks.measure.source import base_names
    from checks.model.spec import load

    resolver = Resolver(echo=echo, builder=builder_of(args, settings), settings=settings)
    names = list(dict.fromkeys(name for folder in all_labs() for name in base_names(load(folder), folder)))
    resolver.prepare(names)
    for name in names:
        use = resolver.resolve(name)
        show(f"{name:<45} {use.source:<9} {use.image}")
    return 0


def cmd_clean(args: argparse.Namespace, settings: Settings) -> int:
    """Remove the containers and images this checkout labelled as its own (with ``--bases``, the stand-in bases
    too), and nothing else: another checkout's images, even of the same lab, stay (:mod:`checks.model.checkout`)."""
    removed = [] if args.lab else containers.own_containers()
    containers.remove_containers(removed)
    refs = images.own_images(args.lab) + (images.stand_ins() if args.bases else [])
    refused = images.remove_images(refs)
    whose = f"this checkout's ({HERE.namespace}/*)"
    if args.bases:
        whose += f" and the stand-in bases ({docker.STAND_INS}*)"
    show(f"removed {len(removed)} container(s) and {len(refs) - len(refused)} image(s): {whose}")
    if refused:
        echo(f"kept {len(refused)} image(s) still in use by other images or containers: {', '.join(refused)}")
    return 0


def add_bases(commands: Commands) -> None:
    """The ``bases`` command and its options."""
    b = commands.add_parser("bases", help="make every base image the labs name available (official or stand-in)")
    b.add_argument("--builder", help="buildx builder to use")
    b.set_defaults(run=cmd_bases)


def add_clean(commands: Commands) -> None:
    """The ``clean`` command and its options."""
    c = commands.add_parser("clean", help="remove this checkout's own images and containers (never another checkout's)")
    c.add_argument("--lab", help="only the images of this lab (its folder name)")
    c.add_argument(
        "--bases",
        action="store_true",
        help="also the stand-in bases (slimlab-base/*), which every checkout on this engine shares; "
        "the next run that needs one builds it again",
    )
    c.set_defaults(run=cmd_clean)
