"""Find an image for every base a lab names: the official one, or a local stand-in.

Order of preference for a name such as ``python:3.13-slim-trixie``:

1. the official image, when the engine already has it;
2. the stand-in for the current recipe, when it was built before;
3. the official image, pulled (``SLIMLAB_PULL=never`` skips this);
4. a stand-in built now from ``checks/bases/<slug>/`` and tagged
   ``slimlab-base/<slug>:<recipe hash>``, never under the official name.

A recipe's hash covers the files its build reads (all but ``base.toml``, which
describes it), the image ids of the bases it builds on and the CAs this machine
adds to its distribution's (:mod:`checks.engine.trust`), so a stand-in is
rebuilt exactly when its recipe, one below it, or the host's CAs change, and
never for a word of its description. Lab builds reach stand-ins (and official
images made to trust those CAs) through BuildKit named contexts
(:meth:`Resolver.contexts`), so lab Dockerfiles stay what a user would write.

:meth:`Resolver.prepare` resolves many names at once and builds up to
:data:`PARALLEL_BUILDS` stand-ins at the same time, each as soon as the ones
below it exist, the longest chain of builds (by ``docs/standin-timings.json``) first;
jobs that need some of those bases (a lab's builds) share the same slots.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from checks.engine import buildx, docker, images, proc, transfer, trust
from checks.engine.buildx import BuildRequest
from checks.engine.docker import MANAGED_LABEL, STAND_IN_LABEL, STAND_INS
from checks.model.certs import fingerprint
from checks.model.dockerfile import external_images_of
from checks.model.errors import UsageError
from checks.model.i18n import _
from checks.model.progress import STANDINS, Event, Say, StandinBuilt, Step
from checks.model.results import BaseUse
from checks.model.settings import Settings
from checks.model.standins import STANDIN_TIMINGS_NAME, build_seconds, next_build, read_standin_timings
from checks.setup.mirror import host_mirror
from checks.store.inputs import input_files

RECIPES = Path(__file__).resolve().parent.parent / "bases"
#: The cold build times ``make bench`` last measured; :meth:`Resolver.prepare` starts the longest chain first.
TIMINGS = Path(__file__).resolve().parents[2] / "docs" / STANDIN_TIMINGS_NAME
#: Stand-ins :meth:`Resolver.prepare` builds at the same time: two, so that a recipe that compiles
#: (CPython, for python:3.13-alpine) runs beside recipes that mostly download and unpack packages.
PARALLEL_BUILDS = 2
#: Seconds a recipe's prepare.sh may take: it downloads a Debian base system's packages.
PREPARE_TIMEOUT = 1200.0
#: A recipe's description (its official name, what it is built from, how it differs, where its runtime comes
#: from): the guide and the support check read it, no build does.
DESCRIPTION = "base.toml"


@dataclass(frozen=True, kw_only=True)
class Recipe:
    """How to build a stand-in for one official image."""

    #: The official name it stands in for.
    image: str
    folder: Path
    summary: str
    #: Known differences from the official image, one sentence each.
    differences: tuple[str, ...]
    #: Where its runtime comes from, in one sentence.
    runtime_from: str = ""
    #: The runtimes its image holds, keys of ``checks/bases/support.toml`` (:mod:`checks.model.support`).
    runtimes: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return self.folder.name


def normalize(name: str) -> str:
    """``busybox`` and ``busybox:latest`` name the same image."""
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last or "@" in last else name + ":latest"


def recipes(root: Path = RECIPES) -> dict[str, Recipe]:
    """Every stand-in recipe, by the normalized official name."""
    found = {}
    for spec in sorted(root.glob(f"*/{DESCRIPTION}")):
        data = tomllib.loads(spec.read_text(encoding="utf-8"))
        recipe = Recipe(
            image=data["image"],
            folder=spec.parent,
            summary=data.get("summary", ""),
            differences=tuple(data.get("differences", ())),
            runtime_from=data.get("runtime_from", ""),
            runtimes=tuple(data.get("runtimes", ())),
        )
        found[normalize(recipe.image)] = recipe
    return found


def recipe_sha256(recipe: Recipe, below: Iterable[BaseUse], added: Iterable[bytes] = ()) -> str:
    """Fingerprint of a recipe: the files its build reads (every file of its folder but :data:`DESCRIPTION`),
    the images it builds on, and the host's CAs handed to it (none leaves the fingerprint as it was without
    them)."""
    digest = hashlib.sha256()
    for path in input_files(recipe.folder):
        if path == recipe.folder / DESCRIPTION:
            continue
        digest.update(path.relative_to(recipe.folder).as_posix().encode() + b"\0" + path.read_bytes())
    for base in below:
        digest.update(f"{base.name}={base.image_id}".encode())
    if cas := fingerprint(added):
        digest.update(f"host-ca={cas}".encode())
    return digest.hexdigest()


class Resolver:
    """Resolves base names to images, building stand-ins on first need; remembers answers."""

    def __init__(
        self,
        *,
        echo: Say,
        builder: str | None = None,
        settings: Settings | None = None,
        known: Iterable[BaseUse] = (),
    ):
        """``known``: bases resolved already (another engine's, copied into this one), answered as they are."""
        self.echo, self.builder = echo, builder
        self.settings = settings or Settings()
        self._known: dict[str, BaseUse] = {use.name: use for use in known}
        self._recipes = recipes()
        #: The CAs this machine adds: every stand-in trusts them, official images only when asked.
        self.host = trust.host_cas(self.settings.ca_bundle, self.settings.ca_fallbacks)
        # prepare() resolves names in threads; each name in one thread only, but they share the echo
        self._echo_lock = threading.Lock()

    def resolve(self, name: str) -> BaseUse:
        if name not in self._known:
            self._known[name] = self._resolve(name)
        return self._known[name]

    def prepare(
        self,
        names: Iterable[str],
        timings: Path = TIMINGS,
        jobs: Mapping[str, tuple[Sequence[str], Callable[[], object]]] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        """Resolve ``names`` and every base their stand-ins build on, up to :data:`PARALLEL_BUILDS` at a time,
        each once the bases below it are resolved; :meth:`resolve` then answers from memory. Each of ``jobs``
        (a name with a space, which no image has -> the bases it needs and what to run) runs in the same
        slots once its bases are resolved, after the stand-ins that are ready then. When a build or a job
        fails, the ones running are let finish and the first failure is raised; ``stop`` is set first, so
        that a long job can end early. On Ctrl-C or SIGTERM, every build running is stopped too."""
        jobs = jobs or {}
        assert all(" " in name for name in jobs), "a job's name has a space, so that no base has it"
        waiting: dict[str, tuple[str, ...]] = {name: tuple(needs) for name, (needs, _) in jobs.items()}
        todo = [base for needs in waiting.values() for base in needs] + list(names)
        while todo:
            name = todo.pop()
            if name in waiting or name in self._known:
                continue
            recipe = self._recipes.get(normalize(name))
            waiting[name] = tuple(external_images_of(recipe.folder / "Dockerfile")) if recipe else ()
            todo += waiting[name]
        try:
            seconds = build_seconds(read_standin_timings(timings))
        except ValueError:
            seconds = {}  # only the order depends on it
        with ThreadPoolExecutor(PARALLEL_BUILDS, thread_name_prefix="slimlab-base") as pool:
            try:
                self._schedule(pool, waiting, {name: run for name, (_, run) in jobs.items()}, seconds)
            except Exception:  # a failure: the builds running are let finish, the jobs stop at their next line
                if stop is not None:
                    stop.set()
                raise
            except BaseException:  # Ctrl-C or SIGTERM: every build running in the other slots stops now too
                if stop is not None:
                    stop.set()
                buildx.stop_running()
                raise

    def _schedule(
        self,
        pool: ThreadPoolExecutor,
        waiting: dict[str, tuple[str, ...]],
        jobs: Mapping[str, Callable[[], object]],
        seconds: Mapping[str, float],
    ) -> None:
        """:meth:`prepare`'s loop: submit what is ready to ``pool`` until nothing waits or runs."""
        done = set(self._known)
        running: dict[Future[object], str] = {}
        while waiting or running:
            while len(running) < PARALLEL_BUILDS and (ready := next_build(waiting, done, seconds, last=jobs)):
                del waiting[ready]
                running[pool.submit(jobs.get(ready) or functools.partial(self.resolve, ready))] = ready
            if not running:
                raise UsageError(
                    f"The stand-in recipes for {', '.join(sorted(waiting))} in {RECIPES} build on each other in "
                    "a circle, so none can be built first. Change the FROM lines of their Dockerfiles."
                )
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                done.add(running.pop(future))
                future.result()

    def known(self) -> list[BaseUse]:
        """Every base resolved so far, including the ones stand-ins are built on."""
        return list(self._known.values())

    def contexts(self, uses: Iterable[BaseUse]) -> dict[str, str]:
        """Named build contexts that point each official name at the image behind it, where that is another:
        a stand-in, or the official image made to trust the host's CAs."""
        return {use.name: use.image for use in uses if use.image != use.name}

    def base_layers(self, name: str | None) -> tuple[str, ...] | None:
        """The diff ids of the image behind base ``name`` (official or stand-in); none for ``FROM scratch``
        (``name`` None), and None when the engine no longer has the image."""
        if name is None:
            return ()
        info = images.inspect_image(self.resolve(name).image_id)
        return None if info is None else tuple(info.get("RootFS", {}).get("Layers", []))

    def _resolve(self, name: str) -> BaseUse:
        local = images.inspect_image(name)
        if local is not None:
            return self._official(name, local["Id"])
        recipe = self._recipes.get(normalize(name))
        below = [self.resolve(dep) for dep in external_images_of(recipe.folder / "Dockerfile")] if recipe else []
        tag = f"{STAND_INS}{recipe.slug}:{recipe_sha256(recipe, below, self.host.added)[:12]}" if recipe else None
        built = images.inspect_image(tag) if tag else None
        if tag is not None and built is not None:
            return BaseUse(name=name, source="stand-in", image=tag, image_id=built["Id"])
        if self.settings.pull != "never":
            timeout = self.settings.pull_timeout
            words = _("base {name}: not present locally; trying to pull it (up to {seconds} s)")
            self._say(Step(phase=STANDINS, text=words.format(name=name, seconds=f"{timeout:.0f}")))
            if transfer.pull(name, timeout) and (pulled := images.inspect_image(name)):
                return self._official(name, pulled["Id"])
        if recipe is None or tag is None:
            raise UsageError(
                f"No image for base '{name}': it is not present locally, it could not be pulled, and slimlab has no "
                f"stand-in recipe for it in {RECIPES}. Pull or load the image (docker pull / docker load), "
                f"or use one of the bases slimlab can build: {', '.join(r.image for r in self._recipes.values())}."
            )
        words = _("base {name}: building the local stand-in {tag} (first time only)")
        self._say(Step(phase=STANDINS, text=words.format(name=name, tag=tag)))
        return self._build(name, recipe, tag, below)

    def _official(self, name: str, image_id: str) -> BaseUse:
        official = BaseUse(name=name, source="official", image=name, image_id=image_id)
        return trust.trusting(official, self.host, builder=self.builder, echo=self._say)

    def _say(self, line: str | Event) -> None:
        with self._echo_lock:
            self.echo(line)

    def _build(self, name: str, recipe: Recipe, tag: str, below: list[BaseUse]) -> BaseUse:
        start = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="slimlab-base-") as tmp:
            context = Path(tmp) / recipe.slug
            shutil.copytree(recipe.folder, context, ignore=shutil.ignore_patterns(DESCRIPTION))
            trust.write_anchors(context, self.host.added)
            prepare = context / "prepare.sh"
            if prepare.exists():
                self._prepare(prepare, context, recipe)
            image_id = docker.build(
                BuildRequest(
                    dockerfile=context / "Dockerfile",
                    context=context,
                    tag=tag,
                    labels={
                        MANAGED_LABEL: "true",
                        STAND_IN_LABEL: name,
                        "org.slimlab.recipe": tag.rsplit(":", 1)[1],
                    },
                    contexts=self.contexts(below),
                    builder=self.builder,
                ),
                # two stand-ins may build at once (prepare): each line says whose it is
                echo=lambda line: self._say(f"    {recipe.slug}: {line}"),
            ).image_id
        seconds = f"{time.monotonic() - start:.1f}"
        words = _("base {name}: stand-in built in {seconds} s").format(name=name, seconds=seconds)
        self._say(StandinBuilt(name=name, seconds=float(seconds), text=words))
        return BaseUse(name=name, source="stand-in", image=tag, image_id=image_id)

    def _prepare(self, script: Path, context: Path, recipe: Recipe) -> None:
        mirror = self.settings.debian_mirror or host_mirror()
        if not mirror:
            raise UsageError(
                f"The stand-in for {recipe.image} is built from Debian packages, but no Debian mirror was found in "
                "/etc/apt/sources.list(.d). Set SLIMLAB_DEBIAN_MIRROR to a Debian mirror URL and run again."
            )
        done = proc.run(
            ["bash", str(script), str(context)],
            what=f"{recipe.folder}/prepare.sh (preparing the stand-in for {recipe.image})",
            # the environment handed on to the script, not read; the mirror is the parsed setting's
            env={**os.environ, "SLIMLAB_DEBIAN_MIRROR": mirror},
            timeout=PREPARE_TIMEOUT,
        )
        if done.returncode:
            tail = "\n".join("    " + line for line in (done.stdout + done.stderr).strip().splitlines()[-15:])
            raise UsageError(
                f"{recipe.folder}/prepare.sh failed (exit {done.returncode}) while preparing the stand-in for "
                f"{recipe.image}:\n{tail}\nFix the cause above and run the command again."
            )
