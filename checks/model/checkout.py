"""Whose a lab image is: each checkout of slimlab names and labels its images with an id of its own.

Two checkouts may share one Docker engine: a CI runner's daemon running two
pipelines, an instructor's second copy, a developer's worktrees.  When every
checkout tagged its lab images ``slimlab/<lab>:<variant>``, a verify in one
moved the tags the other had recorded (its next verify found its images gone
and built them all again), and a clean in one removed the other's images.

So each checkout has a namespace of its own, ``slimlab-<id>``, where ``<id>``
is the first eight hex digits of the SHA-256 of the checkout's resolved root
path: the same on every run, with nothing to set up.  Its lab images are
``slimlab-<id>/<lab>:<variant>`` (a rebuild or a later release adds to the
tag), and each carries the label ``org.slimlab.checkout=<id>``, as its smoke
containers do.  ``make clean`` removes only what carries this checkout's
label, so no checkout removes an image another one built or recorded.

Names of their own rather than a lock that a second run waits on: a lock
keeps two runs from overlapping, but the run that comes second still moves
the tags of the first.  With names of their own, two checkouts verify at the
same time, share the build cache and the stand-in bases, and neither touches
the other's images.  (Run side by side, their builds share the machine, so
figures that are times are best taken with one run at a time.)

Stand-in bases belong to no checkout: ``slimlab-base/<slug>:<recipe hash>``
names a recipe, which gives the same base in every checkout, so they stay
shared (:mod:`checks.engine.bases`).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

#: The label on every lab image and smoke container: the id of the checkout that made it.
LABEL = "org.slimlab.checkout"
#: Hex digits in an id: two checkouts on one engine share one by chance once in four billion pairs.
ID_DIGITS = 8


@dataclass(frozen=True)
class Checkout:
    """One checkout's namespace in the engine."""

    #: :data:`ID_DIGITS` hex digits that stand for the checkout's folder.
    id: str

    @classmethod
    def at(cls, root: Path) -> Checkout:
        """The checkout whose root folder is ``root``; two paths to one folder (through a symlink) give one id."""
        return cls(hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:ID_DIGITS])

    @property
    def namespace(self) -> str:
        """``slimlab-<id>``: the first part of every lab image's name."""
        return f"slimlab-{self.id}"

    def repository(self, lab: str) -> str:
        """``slimlab-<id>/<lab>``: where the lab's images are tagged, one tag per variant."""
        return f"{self.namespace}/{lab}"

    def tag(self, lab: str, variant: str) -> str:
        """``slimlab-<id>/<lab>:<variant>``: the name of one variant's image."""
        return f"{self.repository(lab)}:{variant}"

    def owns(self, ref: str) -> bool:
        """True for a name in this checkout's namespace, also after a registry (``host:port/slimlab-<id>/...``)."""
        first, _, rest = ref.partition("/")
        registry = bool(rest) and ("." in first or ":" in first or first == "localhost")
        return (rest if registry else ref).startswith(self.namespace + "/")


#: The checkout this checker runs from: the folder that holds ``checks/``.
HERE = Checkout.at(Path(__file__).resolve().parents[2])
