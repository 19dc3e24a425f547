"""What slimlab reads from an image at most, whatever its headers claim: every limit in one place, with its reason.

An archive, a layout or a layer comes from someone else.  Its headers say how
long a name is, how large a record, how many entries follow; a reader that
believes them allocates what they claim.  Each limit here bounds one such
claim well above what real images need, so memory follows what the input
holds, and an input over one is refused (exit 2) naming the limit, what was
over it and why the limit is there.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.model.errors import MalformedError


@dataclass(frozen=True)
class Limit:
    """A bound on one thing read from an image."""

    #: What is bounded, as a message names it.
    what: str
    most: int
    unit: str
    #: Why the bound is where it is: what real images need, what more would cost.
    why: str

    def check(self, value: int, thing: str) -> int:
        """``value`` when within the limit; else :class:`MalformedError` naming ``thing``, the limit and its reason."""
        if value > self.most:
            raise MalformedError(
                f"{thing}: {value:,} {self.unit}, over slimlab's limit of {self.most:,} on {self.what} ({self.why})"
            )
        return value


#: Linux's PATH_MAX: what a file system can open at all.
NAME = Limit(
    "a path's length", 4096, "bytes", "Linux's PATH_MAX: no file in an image's file system can have a longer path"
)
#: A 4,096-byte path can be 2,048 levels deep; real images stay under a hundred.
DEPTH = Limit(
    "a path's depth",
    512,
    "levels",
    "real images stay under a hundred; the analysis walks a path one call per level, and Python stops at 1,000",
)
#: An extended header holds a path, a link, times, owner names and extended attributes (Linux caps each value at
#: 64 KiB); real ones are under a kilobyte.
PAX = Limit(
    "a PAX header",
    1 << 20,
    "bytes",
    "it holds a path, times, owners and extended attributes, each at most 64 KiB on Linux; real ones are under 1 kB",
)
#: An old GNU sparse file lists its data regions in blocks of 21 after its header; real maps fit in one or two.
SPARSE = Limit("a sparse file's map", 1000, "extension blocks", "21 regions each; real sparse files need one or two")
#: The largest real images hold a few hundred thousand files; the analysis keeps each one, at about 1 kB
#: (300,000 small files: 330 MB at peak), so half a million keeps a whole analysis near half a gigabyte.
ENTRIES = Limit(
    "the entries of one image",
    500_000,
    "entries",
    "the largest real images hold a few hundred thousand files, and the analysis keeps each in memory, about 1 kB",
)
#: A docker save archive holds a few files per layer; an OCI layout of many platforms a few thousand blobs.
MEMBERS = Limit(
    "the files of an archive or layout",
    100_000,
    "files",
    "an image is a few files per layer, and a layout of many images a few thousand",
)
#: overlayfs stacks at most 128 folders, so the engine refuses images of more than 127 layers.
LAYERS = Limit("an image's layers", 1000, "layers", "the engine runs no image of more than 127")
#: JSON takes up to 20 times its size in memory as Python objects; real configs and manifests are a few kilobytes
#: (a long history: a few hundred).
DOCUMENT = Limit(
    "a JSON document (manifest, index, config)",
    4 << 20,
    "bytes",
    "real ones are under a megabyte, and parsed JSON takes up to 20 times its size in memory",
)
#: Linux gives up resolving a path after 40 symbolic links (ELOOP); so does slimlab, inside an archive or layout.
LINKS = Limit("links followed in a row", 40, "links", "Linux gives up after 40 too")
#: A multi-platform image is an index of manifests, sometimes inside one more index.
INDEXES = Limit("indexes nested in indexes", 8, "levels", "real layouts nest one or two")
