"""What the checker measured about an image: frozen dataclasses with no behaviour beyond reading them."""

from __future__ import annotations

import dataclasses
import enum
import statistics
from collections.abc import Mapping
from dataclasses import dataclass

from checks.model.i18n import N_


class Facet(enum.StrEnum):
    """A facet of a measurement that only some claims read, so a run measures it only for the variants they read
    (a claim kind declares the ones it reads, :attr:`checks.model.claims.kind.Kind.facets`). Every claim reads the build
    itself (size, layers, user, stages), which every run measures."""

    #: Every path in the image (:attr:`Measured.files`).
    FILES = "files"
    #: The smoke test's output and end (:attr:`Measured.smoke`).
    SMOKE = "smoke"
    #: The compressed size, which a push to a registry measures.
    REGISTRY = "registry"
    #: Pull times, which cold pulls by a fresh engine measure.
    PULLS = "pulls"
    #: The runtime floor, which a traced smoke test measures.
    FLOOR = "floor"
    #: Secret findings, which reading every layer's small files measures.
    SECRETS = "secrets"
    #: One more build of the variant from an empty build cache.
    REBUILD = "rebuild"
    #: The variant's later releases (``[lab] releases``), which it is built for.
    RELEASES = "releases"
    #: The variant's layers compressed every way of the compression matrix
    #: (:data:`checks.model.compression.MATRIX`), which a re-compression and a push measure.
    COMPRESSIONS = "compressions"


@dataclass(frozen=True, kw_only=True)
class Layer:
    """One step of an image's history."""

    #: Bytes this step added (0 for metadata-only steps).
    size_bytes: int
    #: The instruction that made it, as `docker history` reports it.
    created_by: str
    #: The diff id (SHA-256 of the uncompressed tar) of the layer this step wrote; "" for a step that
    #: wrote none (``CMD``, ``ENV``), or when it was not recorded.
    diff_id: str = ""


@dataclass(frozen=True, kw_only=True)
class SmokeRun:
    """What one run of the smoke test printed and how it ended."""

    #: The container's exit code; None when it was killed at the timeout.
    exit_code: int | None
    #: Standard output, stripped of surrounding white space.
    stdout: str
    #: The last lines of standard error, for failure messages.
    stderr_tail: str = ""
    #: True when the smoke test ran out of time and was killed.
    timed_out: bool = False
    #: True when the exit code was 0 and stdout held the expected text.
    passed: bool = False


@dataclass(frozen=True, kw_only=True)
class SecretSeen:
    """One secret-looking finding in an image, as recorded: where it is and whether it shows, never its value."""

    #: The rule that found it (``github-token``, ``private-key``, ...; see :mod:`checks.inspect.secrets`).
    rule: str
    #: The file's path (no leading slash), or ``config Env`` or ``history``.
    path: str
    #: The filesystem layer that holds it (0 is the lowest); None for a config ``Env`` entry.
    layer: int | None
    #: False when a later layer deleted or replaced the file: no container sees it, yet it ships.
    visible: bool


@dataclass(frozen=True, kw_only=True)
class FileDifference:
    """One path that two builds of the same variant wrote differently."""

    #: The layer that holds it, counted from the lowest (0) in both images.
    layer: int
    #: The path (no leading slash); ``config`` for the image's configuration, whose ``layer`` is -1.
    path: str
    #: What differs: some of :data:`ASPECTS`; for the configuration, the names of its top-level keys that differ.
    aspects: tuple[str, ...]


#: How two copies of a path can differ, in the order they are reported.
ASPECTS = ("content", "type", "mode", "owner", "link", "mtime", "only-first", "only-second")
#: Each aspect as a page or a verdict names it: marked for the catalogs, the English being the aspect itself.
ASPECT_WORDS: Mapping[str, str] = {
    "content": N_("content"),
    "type": N_("type"),
    "mode": N_("mode"),
    "owner": N_("owner"),
    "link": N_("link"),
    "mtime": N_("mtime"),
    "only-first": N_("only-first"),
    "only-second": N_("only-second"),
}


@dataclass(frozen=True, kw_only=True)
class Rebuild:
    """A variant's build and one more from an empty build cache, both with ``SOURCE_DATE_EPOCH`` set: reproducible
    when both give the same image id."""

    #: The ``SOURCE_DATE_EPOCH`` both builds were given.
    source_date_epoch: int
    #: The image id of each build: the variant's own, then the rebuild's.
    image_ids: tuple[str, str]
    #: How many paths differ between the two images (the configuration counted as one); 0 when the ids match.
    differing: int = 0
    #: How many of those paths differ in each aspect (a path can count under several).
    by_aspect: Mapping[str, int] = dataclasses.field(default_factory=dict)
    #: The first differences, those in content first, at most :data:`DIFFERENCES_KEPT` of them.
    differences: tuple[FileDifference, ...] = ()

    @property
    def reproducible(self) -> bool:
        return self.image_ids[0] == self.image_ids[1]

    @property
    def only_times(self) -> bool:
        """True when the images differ, and only in file times (and the configuration that records their layers)."""
        return not self.reproducible and set(self.by_aspect) == {"mtime"}


#: Differences a :class:`Rebuild` keeps by name; the rest are only counted.
DIFFERENCES_KEPT = 20


@dataclass(frozen=True, kw_only=True)
class Release:
    """A later release of a variant: the lab's prepare script changed the app's own code, the variant was
    built again on a warm builder, pushed, and pulled by a node that holds the release before it."""

    #: 2 for the first release after the variant's own image (release 1), and so on.
    number: int
    image_id: str
    #: Seconds its build took, right after the release before it was built (a warm build cache).
    build_seconds: float
    #: Uncompressed bytes of its layers the release before lacks (diff ids compared).
    new_bytes: int
    #: Compressed bytes a node that holds the release before downloads: the layer blobs that release lacks
    #: (None when no registry measured them).
    pulled_bytes: int | None = None
    #: Seconds that pull took on a node holding only the release before (None when not timed).
    pull_seconds: float | None = None


@dataclass(frozen=True, kw_only=True)
class SharedPull:
    """Pulling a variant on a node that already holds another variant of the lab (and nothing else)."""

    #: The variant the node already holds.
    held: str
    #: Compressed bytes the pull downloads: the variant's layer blobs the held image lacks.
    pulled_bytes: int
    #: Seconds the pull took (None when not timed).
    pull_seconds: float | None = None


@dataclass(frozen=True, kw_only=True)
class Compressed:
    """The variant's layers compressed one way of the matrix (:data:`checks.model.compression.MATRIX`),
    pushed to the loopback registry and pulled once by an empty engine, all in one run."""

    #: The compression's key: ``gzip`` (what ``docker push`` wrote), ``zstd-3``, ``zstd-19``.
    compression: str
    #: Sum of the layer blobs the registry stores.
    compressed_size_bytes: int
    #: Seconds skopeo took to compress the layers from a ``docker save`` archive into a local OCI layout
    #: (None for gzip: the engine compresses while it pushes, and does not time that apart).
    compress_seconds: float | None = None
    #: Seconds of the cold pull (None when pulls are not timed).
    pull_seconds: float | None = None
    #: The part of that pull spent decompressing and unpacking layers, from the engine's progress messages
    #: (:func:`checks.model.compression.unpack_seconds`; None when pulls are not timed).
    unpack_seconds: float | None = None


@dataclass(frozen=True, kw_only=True)
class Measured:
    """Everything the checker measured about one variant's image."""

    image_id: str
    #: Uncompressed size: what `docker image inspect` reports on the classic store; on the containerd store, where
    #: it reports the compressed content, the layers' own file bytes, which are that same figure.
    size_bytes: int
    #: Number of filesystem layers (RootFS.Layers).
    layer_count: int
    layers: tuple[Layer, ...] = ()
    #: The image's configured user ("" means root).
    user: str = ""
    #: Every path in the image's filesystem (no leading slash), when a claim needs it.
    files: frozenset[str] | None = None
    #: Each stage of its Dockerfile up to the one built (``--target``, else the last), in order and named as
    #: BuildKit names them (the name after ``AS``, else ``stage-N``), with how many of its steps (instructions
    #: but ``FROM``, ``ENV``, ``USER`` and the others that set only the configuration) the build's progress
    #: printed, run or cached: 0 for a stage the build left out (None when not recorded).
    stages: Mapping[str, int] | None = None
    smoke: SmokeRun | None = None
    #: Bytes a node downloads to pull the image: the layer blobs of the manifest a
    #: registry holds after a push (None when not measured).
    compressed_size_bytes: int | None = None
    #: Seconds each cold pull by a fresh engine took, in run order (empty when not measured).
    pull_runs: tuple[float, ...] = ()
    #: Cold pulls over a throttled link, by its rate in Mbit/s (``"100"``): seconds of each run.
    link_pull_runs: Mapping[str, tuple[float, ...]] = dataclasses.field(default_factory=dict)
    #: Bytes a node that already holds the final stage's base must pull: the uncompressed layers the
    #: base does not have (all of them after ``FROM scratch``); None when not measured.
    new_bytes: int | None = None
    #: The same layers' compressed blobs, when a registry push measured them; else None.
    new_compressed_bytes: int | None = None
    #: The diff ids of the final stage's base image (empty for ``FROM scratch``; not recorded).
    base_layers: tuple[str, ...] | None = None
    #: Distinct regular files of the image its app opened or executed while its smoke test ran, shared
    #: libraries included (None when not measured; see :mod:`checks.engine.floor`).
    runtime_files: int | None = None
    #: Their total size in bytes: the image's runtime floor (None when not measured).
    runtime_bytes: int | None = None
    #: Secret-looking findings in every layer and the config, when a claim needs them (None when not measured).
    secrets: tuple[SecretSeen, ...] | None = None
    #: One more build from an empty build cache, for reproducibility (None when not measured).
    rebuild: Rebuild | None = None
    #: Its later releases, oldest first (empty unless an update claim reads the variant).
    releases: tuple[Release, ...] = ()
    #: Pulls of it on a node that already holds another variant, as the claims ask (empty when not measured).
    shared_pulls: tuple[SharedPull, ...] = ()
    #: Its layers compressed every way of the matrix, as a lab's before and after and compression claims ask
    #: (empty when not measured).
    compressions: tuple[Compressed, ...] = ()

    @property
    def pull_seconds(self) -> float | None:
        """The median cold pull, or None when no pull was timed."""
        return statistics.median(self.pull_runs) if self.pull_runs else None

    @property
    def utilisation(self) -> float | None:
        """The share of the image its app used, ``runtime_bytes / size_bytes``; None when the floor is not measured."""
        if self.runtime_bytes is None:
            return None
        return self.runtime_bytes / self.size_bytes if self.size_bytes > 0 else 0.0

    def built_like(self, other: Measured) -> bool:
        """True when ``other`` was built by the same steps into layers of the same sizes, each within
        :func:`same_layer_size`: the same recipe built again.  Its id can still differ, and does on a new
        machine for most lab images: file times, and logs and bytecode that record a time, change a layer's
        bytes but not its size (see the guide's reproducibility table); a package that Debian's mirror
        updated in between can move an apt layer by a few bytes."""
        steps = [(layer.created_by, layer.size_bytes) for layer in self.layers]
        theirs = [(layer.created_by, layer.size_bytes) for layer in other.layers]
        return (
            bool(steps)
            and [step for step, _ in steps] == [step for step, _ in theirs]
            and all(same_layer_size(a, b) for (_, a), (_, b) in zip(steps, theirs, strict=True))
        )

    def shared_pull(self, held: str) -> SharedPull | None:
        """Its pull on a node that holds ``held``, or None when not measured."""
        return next((pull for pull in self.shared_pulls if pull.held == held), None)

    def compressed(self, key: str) -> Compressed | None:
        """Its layers compressed as ``key`` says (``zstd-3``), or None when not measured."""
        return next((c for c in self.compressions if c.compression == key), None)

    def runs_over(self, link: float | None) -> tuple[float, ...]:
        """The cold pulls over a link of ``link`` Mbit/s, or over loopback when None."""
        return self.pull_runs if link is None else tuple(self.link_pull_runs.get(link_key(link), ()))


#: How much a layer of the same recipe, built again on another machine, may differ in size and still count
#: as the same build (:meth:`Measured.built_like`): 1 % of it, and never more than 64 KiB.  A new machine
#: installs what Debian's mirror serves that day; seen between two machines: apt layers of the python, golang
#: and node stand-ins 4 to 6 bytes apart, lab 3's own apt layer 4097 bytes and lab 8's npm layer 1808 bytes
#: (two builds of the python stand-in on one machine gave the same sizes, to the byte).  An edit to a lab's
#: files moves its inputs digest instead, and a package that grew by more is a different build.
LAYER_SLACK = (0.01, 64 * 1024)


def same_layer_size(a: int, b: int) -> bool:
    """True when layer sizes ``a`` and ``b`` (bytes) are the same within :data:`LAYER_SLACK`."""
    share, most = LAYER_SLACK
    return abs(a - b) <= min(most, share * max(a, b))


def link_key(mbit: float) -> str:
    """How a link rate is written as a key: ``100``, ``12.5``."""
    return f"{mbit:g}"


#: Docker's two image stores: the classic one (layers unpacked into the storage driver's folders, overlay2) and
#: the containerd image store (containerd's snapshots and content store, the default of Engine 29's fresh
#: installs and of Docker Desktop).
STORES = ("classic", "containerd")


@dataclass(frozen=True, kw_only=True)
class StoreFigures:
    """One variant's image on one image store: slimlab's figure and the two the engine reports, which differ
    between the stores (the layers page explains each)."""

    #: The engine's id of the image: the config's digest on the classic store, the manifest's on containerd's.
    image_id: str
    #: The layers' own file bytes (what ``analyze`` reads): the figure every size claim uses, on either store.
    size_bytes: int
    #: ``docker image inspect``'s ``Size``.
    inspect_bytes: int
    #: What ``docker image ls`` shows as the image's size (the image list's ``Size``).
    listed_bytes: int
