"""Push each variant to a loopback registry and pull it cold on a fresh engine.

``python -m checks verify`` opens one :class:`PullBench` for all the labs it
verifies.  Nothing starts until a lab is measured, so a ``make check`` with
nothing changed is as fast as before.  The first measurement starts the
registry (installing it first when it is missing) and, when pulls are timed,
a second Docker engine with an empty data root on its own socket
(:func:`checks.engine.fresh_engine.fresh_engine`); all of it is stopped and removed
when the bench closes, whatever happens.

The fresh engine runs in a network namespace of its own (:mod:`checks.engine.netns`), so it cannot touch the host's
interfaces or firewall; a second registry process serves the same storage on the same loopback address inside it.
Both engines therefore talk to ``127.0.0.1:<port>``, which every engine trusts over plain HTTP.

Between two pulls every image is removed from the fresh engine, which then
holds no layer at all, so every pull is cold; the engine never builds, so it
has no build cache either.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

from checks.engine import images, netns, recompress, registry, transfer
from checks.engine.fresh_engine import fresh_engine
from checks.engine.pullfigures import Timed, matrix_row, shared_figures, update_figures
from checks.model.checkout import HERE
from checks.model.compression import RECOMPRESSED
from checks.model.errors import UsageError
from checks.model.measured import link_key
from checks.model.progress import COLD_PULLS, MATRIX, PULLS_ONTO, PUSHES, Say, Step
from checks.model.pulls import (
    ENV_MODE,
    PullFigures,
    PullSettings,
    layer_blobs,
    layer_digests,
)
from checks.model.settings import Settings
from checks.model.spec import Lab
from checks.model.units import megabytes
from checks.plan.pulls import LINK_RUNS, effective, pull_order, unmeasured


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
                self._netns = self._stack.enter_context(netns.network_namespace())
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
        released = {tag: i for v, ids in (releases or {}).items() for tag, i in zip(later[v], ids, strict=True)}
        pushed = self._pushed(found, repository, {**images, **released})
        recompressed = self._recompressed(found, repository, {v: images[v] for v in matrix})
        timed = Timed()
        if self.setting.pulls:
            asked = _Pulls(repository=repository, later=later, shared=shared, plan=plan, matrix=matrix, links=links)
            self._timed(found, asked, images, timed)
        return {
            v: PullFigures(
                compressed_size_bytes=sum(pushed[v][1]),
                pull_runs=tuple(seconds for seconds, _ in timed.runs.get(v, ())),
                link_pull_runs=timed.over.get(v, {}),
                layer_blobs=pushed[v][1],
                releases=update_figures(v, later, pushed, timed.updates),
                shared=shared_figures(v, shared, pushed, timed),
                compressions=matrix_row(v, pushed, recompressed, timed) if v in matrix else (),
            )
            for v in images
        }

    def _timed(self, found: registry.Registry, pulls: _Pulls, images: Mapping[str, str], timed: Timed) -> None:
        """Time every pull :meth:`measure` asks for into ``timed``: the updates and the pulls onto a held image,
        each starting with a cold pull of what the node holds; the plan's cold pulls, the matrix's and those
        over each throttled link."""
        repository, runs = pulls.repository, timed.runs
        # A pull onto a node that holds an image starts with a cold pull of that image: timed, it is one
        # of the image's cold pulls, and the plan's own cold pulls make up the rest.
        for variant, tags in pulls.later.items():
            first, timed.updates[variant] = self._pulls_after(found, repository, variant, tags, "as an update")
            runs.setdefault(variant, []).append(first)
        for held, pulled in pulls.shared:
            first, (timed.after[held, pulled],) = self._pulls_after(
                found, repository, held, [pulled], "on a node holding " + held
            )
            runs.setdefault(held, []).append(first)
        every = dict.fromkeys(images, self.setting.runs)
        wanted = {v: max((pulls.plan or every).get(v, self.setting.runs) - len(runs.get(v, ())), 0) for v in images}
        for variant in pulls.matrix:  # the matrix's gzip row is a cold pull of the run's
            wanted[variant] = max(wanted[variant], int(not runs.get(variant)))
        for variant, timings in self._pull_runs(found, repository, wanted).items():
            runs.setdefault(variant, []).extend(timings)
        if pulls.matrix:
            recompressed_tags = {f"{v}-{c.key}": (v, c.key) for v in pulls.matrix for c in RECOMPRESSED}
            for tag, (timing,) in self._pull_runs(found, repository, dict.fromkeys(recompressed_tags, 1)).items():
                timed.other[recompressed_tags[tag]] = timing
        for rate, variants in (pulls.links or {}).items():
            with self._throttled(rate):
                for variant, timings in self._pull_runs(
                    found, repository, dict.fromkeys(variants, LINK_RUNS), f" over {rate:g} Mbit/s"
                ).items():
                    timed.over.setdefault(variant, {})[link_key(rate)] = tuple(seconds for seconds, _ in timings)

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
                    blobs = layer_blobs(registry.image_manifest(found, repository, tag, registry.host_platform()))
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
                transfer.push(image, found.ref(repository, tag))
                stored = registry.image_manifest(found, repository, tag, registry.host_platform())
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
        images.forget_images(host)
        name = _lab_of(repository)
        first = _rounded(transfer.timed_pull(found.ref(repository, held), host=host))
        text = f"{name}: cold pull of {held}, before the pulls onto it: {first[0]:.2f} s"
        self._echo(Step(phase=COLD_PULLS, lab=name, text=text))
        seconds = []
        for tag in tags:
            seconds.append(_rounded(transfer.timed_pull(found.ref(repository, tag), host=host))[0])
            self._echo(Step(phase=PULLS_ONTO, lab=name, text=f"{name}: pull of {tag} {what}: {seconds[-1]:.2f} s"))
        images.forget_images(host)
        return first, seconds

    def _throttled(self, rate: float) -> contextlib.AbstractContextManager[None]:
        """Throttle the fresh engine's side of every pull (its namespace's loopback) to ``rate`` Mbit/s."""
        self._started_engine()
        assert self._netns is not None
        return netns.throttled(self._netns, rate)

    def _pull_runs(
        self, found: registry.Registry, repository: str, plan: Mapping[str, int], over: str = ""
    ) -> dict[str, list[tuple[float, float | None]]]:
        """Pull each tag of ``plan`` cold as many times as it says, timing each pull and its unpacking."""
        host = self._started_engine()
        images.forget_images(host)
        runs: dict[str, list[tuple[float, float | None]]] = {}
        for run, variant in pull_order(plan):
            timing = _rounded(transfer.timed_pull(found.ref(repository, variant), host=host))
            images.forget_images(host)
            runs.setdefault(variant, []).append(timing)
            unpack = "" if timing[1] is None else f" ({timing[1]:.2f} s unpacking)"
            lab = _lab_of(repository)
            text = f"{lab}: cold pull {run + 1}/{plan[variant]} of {variant}{over}: {timing[0]:.2f} s{unpack}"
            self._echo(Step(phase=COLD_PULLS, lab=lab, text=text))
        return runs


@dataclass(frozen=True, kw_only=True)
class _Pulls:
    """What :meth:`PullBench.measure` is asked to pull, as its arguments say."""

    repository: str
    #: Each variant's later releases, by the tags they were pushed under.
    later: Mapping[str, Sequence[str]]
    shared: Sequence[tuple[str, str]]
    plan: Mapping[str, int] | None
    matrix: Sequence[str]
    links: Mapping[float, tuple[str, ...]] | None


def _lab_of(repository: str) -> str:
    """The lab whose images a registry repository holds (``slimlab-<id>/<lab>``), for progress lines."""
    return repository.rsplit("/", 1)[-1]


def _rounded(timing: tuple[float, float | None]) -> tuple[float, float | None]:
    seconds, unpack = timing
    return round(seconds, 3), None if unpack is None else round(unpack, 3)
