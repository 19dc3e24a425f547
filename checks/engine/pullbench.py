"""Push each variant to a loopback registry and pull it cold on a fresh engine.

``python -m checks verify`` opens one :class:`PullBench` for all the labs it
verifies.  Nothing starts until a lab is measured, so a ``make check`` with
nothing changed is as fast as before.  The first measurement starts the
registry (installing it first when it is missing) and, when pulls are timed,
a second Docker engine with an empty data root on its own socket
(:func:`checks.engine.fresh_engine.fresh_engine`); all of it is stopped and removed
when the bench closes, whatever happens.

The fresh engine runs in a network namespace of its own, so it cannot touch
the host's interfaces or firewall; a second registry process serves the same
storage on the same loopback address inside that namespace.  Both engines
therefore talk to ``127.0.0.1:<port>``, which every engine trusts over plain HTTP.

Between two pulls every image is removed from the fresh engine, which then
holds no layer at all, so every pull is cold; the engine never builds, so it
has no build cache either.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType

from checks.engine import docker, proc, recompress, registry
from checks.engine.fresh_engine import fresh_engine
from checks.model.checkout import HERE
from checks.model.compression import PUSHED, RECOMPRESSED
from checks.model.errors import UsageError
from checks.model.measured import Compressed, link_key
from checks.model.progress import COLD_PULLS, MATRIX, PULLS_ONTO, PUSHES, Say, Step
from checks.model.pulls import (
    ENV_MODE,
    PullFigures,
    PullSettings,
    fresh_engine_problem,
    layer_blobs,
    layer_digests,
    pulled_bytes,
    registry_problem,
)
from checks.model.settings import Settings
from checks.model.spec import Lab
from checks.model.units import megabytes
from checks.plan.pulls import LINK_RUNS, pull_order, unmeasured

#: ``uname -m`` to the architecture names registries use.
ARCHITECTURES = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "ppc64le": "ppc64le", "s390x": "s390x"}
#: Seconds one ``ip`` or ``tc`` call may take.
TOOL_TIMEOUT = 30.0
MISSING_IPROUTE = "Debian: apt-get install iproute2"


def tbf(rate_mbit: float) -> list[str]:
    """``tc qdisc`` arguments that throttle an interface to ``rate_mbit`` Mbit/s (a token bucket:
    bursts of at most 256 kB, which a 64 kB loopback packet fits in, and at most 200 ms queued)."""
    return ["root", "tbf", "rate", f"{rate_mbit:g}mbit", "burst", "256kb", "latency", "200ms"]


@contextlib.contextmanager
def network_namespace() -> Iterator[str]:
    """A network namespace of our own holding only a loopback interface; deleted afterwards."""
    name = f"slimlab-pull-{uuid.uuid4().hex[:8]}"
    try:  # from before the add: a signal right after it must not leave the namespace behind
        done = proc.run(
            ["ip", "netns", "add", name],
            timeout=TOOL_TIMEOUT,
            missing=f"Cold pulls run in a network namespace of their own ({MISSING_IPROUTE})",
        )
        if done.returncode:
            raise UsageError(
                f"`ip netns add {name}` failed ({done.stderr.strip()}); cold pulls run in a network namespace of "
                "their own."
            )
        done = proc.run(["ip", "-n", name, "link", "set", "lo", "up"], timeout=TOOL_TIMEOUT, missing=MISSING_IPROUTE)
        if done.returncode:
            raise UsageError(
                f"`ip -n {name} link set lo up` failed ({done.stderr.strip()}); cold pulls need loopback "
                "in their network namespace."
            )
        yield name
    finally:
        proc.quietly(["ip", "netns", "del", name], timeout=TOOL_TIMEOUT)


def host_platform() -> tuple[str, str]:
    """This machine's platform, for picking a manifest out of an index."""
    return "linux", ARCHITECTURES.get(platform.machine(), platform.machine())


def effective(
    wanted: PullSettings, *, docker_host: str, euid: int, dockerd: str | None
) -> tuple[PullSettings, list[str]]:
    """What this machine can measure of what was asked, and why each thing left out is left out."""
    reasons = []
    sizes, pulls = wanted.sizes, wanted.pulls
    if sizes and (problem := registry_problem(docker_host)):
        reasons.append(
            f"compressed sizes and pull times are not measured: {problem}. Use an engine on this machine, "
            f"or set {ENV_MODE}=0 to say you know"
        )
        sizes = pulls = False
    if pulls and (problem := fresh_engine_problem(euid=euid, dockerd=dockerd)):
        reasons.append(
            f"pull times are not measured ({problem}); compressed sizes still are. Run as root to time "
            f"pulls, or set {ENV_MODE}=size to say you know"
        )
        pulls = False
    return PullSettings(sizes=sizes, pulls=pulls, runs=wanted.runs), reasons


class PullBench:
    """One registry and (when pulls are timed) one fresh engine for a whole verify run, started on first need."""

    def __init__(
        self,
        wanted: PullSettings,
        *,
        echo: Say,
        settings: Settings,
    ):
        self._settings = settings
        self.setting, self.reasons = effective(
            wanted, docker_host=self._settings.docker_host or "", euid=os.geteuid(), dockerd=shutil.which("dockerd")
        )
        self._echo = echo
        self._stack = contextlib.ExitStack()
        self._registry: registry.Registry | None = None
        self._host: str | None = None
        self._netns: str | None = None
        self._told = False
        # push() may run in several threads (labs measured side by side) and measure() after them
        self._lock = threading.Lock()
        #: (repository, tag, image) -> the digests and sizes of the layer blobs the registry stored for it.
        self._stored: dict[tuple[str, str, str], tuple[tuple[str, ...], tuple[int, ...]]] = {}

    def __enter__(self) -> PullBench:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the fresh engine and the registry, and remove what they stored."""
        self._stack.close()
        self._registry, self._host, self._netns = None, None, None
        self._stored.clear()

    def unmeasured(self, lab: Lab) -> tuple[str, ...]:
        """Ids of the lab's claims this bench cannot judge."""
        return unmeasured(((c.id, c.check) for c in lab.claims), self.setting)

    def why_not(self) -> str:
        """Why some figures are not measured, for a message."""
        if self.reasons:
            return "; ".join(self.reasons)
        return f"{ENV_MODE}={self._settings.pull_measure} turns that measurement off"

    def tell(self) -> None:
        """Say once why some figures are left out."""
        if not self._told:
            self._told = True
            for reason in self.reasons:
                self._echo(Step(phase=PUSHES, text=f"pulls: {reason}."))

    def loopback_registry(self) -> registry.Registry:
        """The loopback registry, started on first need (its blobs are the variants' pushed so far)."""
        return self._started_registry()

    def _started_registry(self) -> registry.Registry:
        with self._lock:
            if self._registry is None:
                binary = registry.find_binary(self._settings.registry_bin) or registry.install(self._echo)
                self._registry = self._stack.enter_context(registry.local_registry(binary))
                text = f"pulls: registry {binary} listening on {self._registry.address}"
                self._echo(Step(phase=PUSHES, text=text))
            return self._registry

    def push(self, lab: str, images: Mapping[str, str]) -> None:
        """Push every variant's image (variant name -> image id) now, beside other builds, so that
        :meth:`measure` finds it in the registry and pushes only what it lacks: nothing a push does is timed.
        Safe to call from several threads."""
        self.tell()
        self._pushed(self._started_registry(), HERE.repository(lab), images)

    def _started_engine(self) -> str:
        if self._host is None:
            try:
                self._netns = self._stack.enter_context(network_namespace())
                self._stack.enter_context(registry.twin_in(self._netns, self._started_registry()))
                self._host = self._stack.enter_context(fresh_engine(self._settings.engine_timeout, netns=self._netns))
            except UsageError as error:
                raise UsageError(
                    f"{error}\nTo measure compressed sizes without timing pulls, set {ENV_MODE}=size."
                ) from None
            self._echo(
                Step(phase=COLD_PULLS, text="pulls: fresh engine with an empty data root started for cold pulls")
            )
        return self._host

    def measure(
        self,
        lab: str,
        images: Mapping[str, str],
        links: Mapping[float, tuple[str, ...]] | None = None,
        plan: Mapping[str, int] | None = None,
        releases: Mapping[str, Sequence[str]] | None = None,
        shared: Sequence[tuple[str, str]] = (),
        matrix: Sequence[str] = (),
    ) -> dict[str, PullFigures]:
        """Push every variant's image (variant name -> image id or tag) and, when pulls are timed,
        pull each one cold as many times as ``plan`` says (default: the setting's ``runs``; see
        :func:`checks.plan.pulls.run_plan`), one round over the variants per run; then pull the
        variants ``links`` names over each throttled link (Mbit/s -> variants) :data:`~checks.plan.pulls.LINK_RUNS`
        times.

        ``releases`` (variant -> the image of each later release, in order) are pushed too, and pulled in
        order by a node that holds the variant's own image and the releases before: an update.  Each
        (held, pulled) pair of ``shared`` is pulled on a node that holds only ``held``.  What those pulls
        download is the blobs the node lacks, read from the manifests.  The cold pull of the variant (or of
        ``held``) that starts each of those sequences counts among its cold pulls.

        Each variant of ``matrix`` is also compressed every other way of the compression matrix
        (:mod:`checks.engine.recompress`), pushed, and pulled cold once each way, right after its gzip pulls;
        its first cold pull is the matrix's gzip pull."""
        self.tell()
        found = self._started_registry()
        repository = HERE.repository(lab)
        later = {v: [f"{v}-release-{n}" for n in range(2, 2 + len(ids))] for v, ids in (releases or {}).items()}
        pushed = self._pushed(
            found,
            repository,
            {**images, **{tag: i for v, ids in (releases or {}).items() for tag, i in zip(later[v], ids, strict=True)}},
        )
        recompressed = self._recompressed(found, repository, {v: images[v] for v in matrix})
        runs: dict[str, list[tuple[float, float | None]]] = {}
        over: dict[str, dict[str, tuple[float, ...]]] = {}
        updates: dict[str, list[float]] = {}
        after: dict[tuple[str, str], float] = {}
        other: dict[tuple[str, str], tuple[float, float | None]] = {}
        if self.setting.pulls:
            # A pull onto a node that holds an image starts with a cold pull of that image: timed, it is one
            # of the image's cold pulls, and the plan's own cold pulls make up the rest.
            for variant, tags in later.items():
                first, updates[variant] = self._pulls_after(found, repository, variant, tags, "as an update")
                runs.setdefault(variant, []).append(first)
            for held, pulled in shared:
                first, (after[held, pulled],) = self._pulls_after(
                    found, repository, held, [pulled], "on a node holding " + held
                )
                runs.setdefault(held, []).append(first)
            every = dict.fromkeys(images, self.setting.runs)
            wanted = {v: max((plan or every).get(v, self.setting.runs) - len(runs.get(v, ())), 0) for v in images}
            for variant in matrix:  # the matrix's gzip row is a cold pull of the run's
                wanted[variant] = max(wanted[variant], int(not runs.get(variant)))
            for variant, timings in self._pull_runs(found, repository, wanted).items():
                runs.setdefault(variant, []).extend(timings)
            if matrix:
                recompressed_tags = {f"{v}-{c.key}": (v, c.key) for v in matrix for c in RECOMPRESSED}
                for tag, (timing,) in self._pull_runs(found, repository, dict.fromkeys(recompressed_tags, 1)).items():
                    other[recompressed_tags[tag]] = timing
            for rate, variants in (links or {}).items():
                with self._throttled(rate):
                    for variant, timings in self._pull_runs(
                        found, repository, dict.fromkeys(variants, LINK_RUNS), f" over {rate:g} Mbit/s"
                    ).items():
                        over.setdefault(variant, {})[link_key(rate)] = tuple(seconds for seconds, _ in timings)

        def matrix_row(variant: str) -> tuple[Compressed, ...]:
            if variant not in matrix:
                return ()
            first = runs[variant][0] if runs.get(variant) else (None, None)
            gzip = Compressed(
                compression=PUSHED.key,
                compressed_size_bytes=sum(pushed[variant][1]),
                pull_seconds=first[0],
                unpack_seconds=first[1],
            )
            return (
                gzip,
                *(
                    Compressed(
                        compression=c.key,
                        compressed_size_bytes=sum(recompressed[variant, c.key][0]),
                        compress_seconds=recompressed[variant, c.key][1],
                        pull_seconds=other.get((variant, c.key), (None, None))[0],
                        unpack_seconds=other.get((variant, c.key), (None, None))[1],
                    )
                    for c in RECOMPRESSED
                ),
            )

        def update_figures(variant: str) -> tuple[tuple[int, float | None], ...]:
            chain = [variant, *later.get(variant, [])]
            return tuple(
                (
                    pulled_bytes(*pushed[tag], {d for earlier in chain[:n] for d in pushed[earlier][0]}),
                    updates[variant][n - 1] if variant in updates else None,
                )
                for n, tag in enumerate(chain)
                if n
            )

        return {
            v: PullFigures(
                compressed_size_bytes=sum(pushed[v][1]),
                pull_runs=tuple(seconds for seconds, _ in runs.get(v, ())),
                link_pull_runs=over.get(v, {}),
                layer_blobs=pushed[v][1],
                releases=update_figures(v),
                shared=tuple(
                    (held, pulled_bytes(*pushed[v], set(pushed[held][0])), after.get((held, v)))
                    for held, pulled in shared
                    if pulled == v
                ),
                compressions=matrix_row(v),
            )
            for v in images
        }

    def _recompressed(
        self, found: registry.Registry, repository: str, images: Mapping[str, str]
    ) -> dict[tuple[str, str], tuple[tuple[int, ...], float]]:
        """Push each image compressed every other way of the matrix, as ``<variant>-<key>``; return, by
        (variant, key), the sizes of the layer blobs the registry stores and the seconds compressing took."""
        if not images:
            return {}
        binary = recompress.skopeo(self._echo)
        name = _lab_of(repository)
        figures = {}
        for variant, image in images.items():
            text = f"{name}: saving {variant} to compress its layers as {', '.join(c.key for c in RECOMPRESSED)}"
            self._echo(Step(phase=MATRIX, lab=name, text=text))
            with recompress.saved(image) as folder:
                for compression in RECOMPRESSED:
                    tag = f"{variant}-{compression.key}"
                    seconds = round(recompress.push(binary, folder, compression, found.ref(repository, tag)), 3)
                    blobs = layer_blobs(registry.image_manifest(found, repository, tag, host_platform()))
                    figures[variant, compression.key] = (blobs, seconds)
                    text = (
                        f"{name}: pushed {tag}: {megabytes(sum(blobs))} compressed, in {seconds:.1f} s of compressing"
                    )
                    self._echo(Step(phase=MATRIX, lab=name, text=text))
        return figures

    def _pushed(
        self, found: registry.Registry, repository: str, images: Mapping[str, str]
    ) -> dict[str, tuple[tuple[str, ...], tuple[int, ...]]]:
        """Push each image under its tag, unless :meth:`push` pushed the same image under it before; return the
        digests and sizes of the layer blobs the registry stores for each, lowest first."""
        blobs = {}
        for tag, image in images.items():
            if (repository, tag, image) not in self._stored:
                docker.push(image, found.ref(repository, tag))
                stored = registry.image_manifest(found, repository, tag, host_platform())
                with self._lock:
                    self._stored[repository, tag, image] = (layer_digests(stored), layer_blobs(stored))
                shown = megabytes(sum(self._stored[repository, tag, image][1]))
                lab = _lab_of(repository)
                self._echo(Step(phase=PUSHES, lab=lab, text=f"{lab}: pushed {tag}: {shown} compressed"))
            blobs[tag] = self._stored[repository, tag, image]
        return blobs

    def _pulls_after(
        self, found: registry.Registry, repository: str, held: str, tags: Sequence[str], what: str
    ) -> tuple[tuple[float, float | None], list[float]]:
        """On an empty node, pull ``held`` cold, then each of ``tags`` in turn onto what the ones before left;
        the seconds of the cold pull (and of its unpacking) and of each pull after it."""
        host = self._started_engine()
        docker.forget_images(host)
        name = _lab_of(repository)
        first = _rounded(docker.timed_pull(found.ref(repository, held), host=host))
        text = f"{name}: cold pull of {held}, before the pulls onto it: {first[0]:.2f} s"
        self._echo(Step(phase=COLD_PULLS, lab=name, text=text))
        seconds = []
        for tag in tags:
            seconds.append(_rounded(docker.timed_pull(found.ref(repository, tag), host=host))[0])
            self._echo(Step(phase=PULLS_ONTO, lab=name, text=f"{name}: pull of {tag} {what}: {seconds[-1]:.2f} s"))
        docker.forget_images(host)
        return first, seconds

    @contextlib.contextmanager
    def _throttled(self, rate: float) -> Iterator[None]:
        """Throttle the fresh engine's side of every pull (its namespace's loopback) to ``rate`` Mbit/s."""
        self._started_engine()
        assert self._netns is not None
        done = proc.run(
            ["tc", "-n", self._netns, "qdisc", "add", "dev", "lo", *tbf(rate)],
            timeout=TOOL_TIMEOUT,
            missing=f"Pulls over a {rate:g} Mbit/s link need tc ({MISSING_IPROUTE}; or set {ENV_MODE}=size)",
        )
        if done.returncode:
            raise UsageError(
                f"`tc qdisc add ... tbf` failed ({done.stderr.strip()}), so pulls over a {rate:g} Mbit/s link "
                f"cannot be timed here. Set {ENV_MODE}=size to skip pull times."
            )
        try:
            yield
        finally:
            proc.quietly(["tc", "-n", self._netns, "qdisc", "del", "dev", "lo", "root"], timeout=TOOL_TIMEOUT)

    def _pull_runs(
        self, found: registry.Registry, repository: str, plan: Mapping[str, int], over: str = ""
    ) -> dict[str, list[tuple[float, float | None]]]:
        """Pull each tag of ``plan`` cold as many times as it says, timing each pull and its unpacking."""
        host = self._started_engine()
        docker.forget_images(host)
        runs: dict[str, list[tuple[float, float | None]]] = {}
        for run, variant in pull_order(plan):
            timing = _rounded(docker.timed_pull(found.ref(repository, variant), host=host))
            docker.forget_images(host)
            runs.setdefault(variant, []).append(timing)
            unpack = "" if timing[1] is None else f" ({timing[1]:.2f} s unpacking)"
            lab = _lab_of(repository)
            text = f"{lab}: cold pull {run + 1}/{plan[variant]} of {variant}{over}: {timing[0]:.2f} s{unpack}"
            self._echo(Step(phase=COLD_PULLS, lab=lab, text=text))
        return runs


def _lab_of(repository: str) -> str:
    """The lab whose images a registry repository holds (``slimlab-<id>/<lab>``), for progress lines."""
    return repository.rsplit("/", 1)[-1]


def _rounded(timing: tuple[float, float | None]) -> tuple[float, float | None]:
    seconds, unpack = timing
    return round(seconds, 3), None if unpack is None else round(unpack, 3)
