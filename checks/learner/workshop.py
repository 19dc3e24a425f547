"""Workshop kit: get a room ready before the network (or the registry) lets you down.

``prepare`` makes every base image available and builds every lab and every
reference answer once, so the build cache is warm.  ``bundle`` writes the base
images (official or stand-in) to one gzip archive; ``load`` loads it on an
air-gapped machine, where the stand-ins keep their tags and recipe hashes and
so are used as they are, never rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from checks.engine import transfer
from checks.engine.bases import Resolver
from checks.learner.grade import grade
from checks.measure.source import resolve_bases
from checks.model.errors import UsageError
from checks.model.exercise import SOLUTION
from checks.model.progress import Say
from checks.model.results import BaseUse
from checks.model.spec import load
from checks.run.verify import verify


def all_bases(folders: list[Path], resolver: Resolver) -> list[BaseUse]:
    """Every base the labs and their reference answers name, with what stands behind it."""
    found: dict[str, BaseUse] = {}
    for folder in folders:
        for use in resolve_bases(load(folder), folder, resolver):
            found.setdefault(use.name, use)
    return list(found.values())


def prepare(folders: list[Path], resolver: Resolver, echo: Say) -> None:
    for use in all_bases(folders, resolver):
        echo(f"base {use.name}: {use.source} {use.image}")
    for folder in folders:
        verify(folder, resolver=resolver, echo=echo)
        if (folder / SOLUTION).is_file():
            grade(folder, SOLUTION, resolver=resolver, echo=echo)


def bundle(folders: list[Path], resolver: Resolver, archive: Path, echo: Callable[[str], None]) -> list[BaseUse]:
    """Write every base image to ``archive`` (gzip-compressed `docker save`)."""
    all_bases(folders, resolver)
    uses = resolver.known()  # with the bases the stand-ins are built on, so none is rebuilt offline
    refs = sorted({use.image for use in uses})
    echo(f"saving {len(refs)} base images to {archive} (a few minutes)")
    transfer.save_gz(refs, archive)
    return uses


def load_bundle(archive: Path) -> str:
    """Load a bundle written by :func:`bundle`; returns docker's report."""
    if not archive.is_file():
        raise UsageError(
            f"{archive} does not exist. Make it on a prepared machine with `make workshop-bundle`, copy it here, "
            "and run `make workshop-load BUNDLE=<path>`."
        )
    return transfer.load_gz(archive)
