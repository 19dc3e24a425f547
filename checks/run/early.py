"""The side-by-side schedule: every lab's variants measured early, as soon as the bases they name exist, beside the
stand-ins' builds and each other, before any lab's turn times a pull (:func:`measure_early_all`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from checks.engine.bases import Resolver
from checks.engine.pullbench import PullBench
from checks.measure.analysis import analysis_of
from checks.measure.pulls import push_early
from checks.model.dockerfile import external_images_of
from checks.model.errors import UsageError
from checks.model.measured import Measured
from checks.model.progress import ANALYSIS, EarlyDone, Event, Say, Step
from checks.model.results import AnalysisSummary, BaseUse
from checks.model.spec import Lab, load
from checks.plan import keep
from checks.run.standing import inputs, up_to_date
from checks.run.variants import measure

#: A group of a lab's variants (:func:`variant_groups`): the bases they name, and the variants.
Group = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True, kw_only=True)
class Early:
    """Some or all of a lab's variants measured before its turn, beside other builds (:func:`measure_early`):
    built, smoke-tested, listed, traced for their floors and analyzed. Nothing in it is a time, so it may be
    measured while other things build (and its variants pushed, :func:`~checks.measure.pulls.push_early`); its
    turn measures the variants it lacks and adds what must run alone or in order (releases, rebuilds and timed
    pulls)."""

    #: The inputs and bases it was measured for (:func:`checks.run.verify.verify` uses it only for the same).
    digest: str
    #: The bases the variants measured name, by name: the image each was.
    bases: Mapping[str, str]
    measured: Mapping[str, Measured]
    #: Each variant's analysis, by image id.
    analysis: Mapping[str, AnalysisSummary]

    def holds_for(self, digest: str, uses: Sequence[BaseUse]) -> bool:
        """True when it was measured for these inputs and, of these bases, the ones its variants name."""
        current = {u.name: u.image_id for u in uses}
        return self.digest == digest and all(current.get(name) == image for name, image in self.bases.items())

    def __or__(self, other: Early) -> Early:
        """Both parts of one lab, measured for the same inputs."""
        assert self.digest == other.digest, "parts of one lab are measured for the same inputs"
        return Early(
            digest=self.digest,
            bases={**self.bases, **other.bases},
            measured={**self.measured, **other.measured},
            analysis={**self.analysis, **other.analysis},
        )


def variant_groups(lab: Lab, folder: Path) -> list[Group]:
    """The lab's variants grouped by the bases their Dockerfiles name: (those bases, in order of first use;
    the variants that name exactly them, in the lab's order), the groups in the order of their first variant.
    Each group can be measured as soon as its own bases exist (:func:`measure_early_all`)."""
    groups: dict[frozenset[str], tuple[list[str], list[str]]] = {}
    for variant in lab.variants:
        names = list(dict.fromkeys(external_images_of(folder / variant.dockerfile)))
        groups.setdefault(frozenset(names), (names, []))[1].append(variant.name)
    return [(tuple(bases), tuple(variants)) for bases, variants in groups.values()]


def measure_early(
    folder: Path,
    *,
    resolver: Resolver,
    echo: Say,
    builder: str | None = None,
    force: bool = False,
    pulls: PullBench | None = None,
    group: tuple[Sequence[str], Collection[str]] | None = None,
) -> Early | None:
    """What :func:`checks.run.verify.verify` would measure first for the lab in ``folder``, every figure but
    times; None when its turn will measure nothing (its results stand) or its spec does not load (its turn says
    why). With ``group`` (bases, variants: one of :func:`variant_groups`), only those variants, resolving only
    those bases. With ``pulls``, the variants the turn will push are pushed too
    (:func:`~checks.measure.pulls.push_early`). Every line it prints names the lab, so that it can run beside
    other builds."""
    names, only = group if group is not None else (None, None)
    try:
        lab, digest, uses, previous = inputs(folder, resolver, names)
    except UsageError:
        return None
    if not force and up_to_date(lab, previous, digest, uses, resolver.settings, pulls, only):
        return None
    reuse = None if force else previous
    rebuilt = keep.same_inputs(reuse, digest)

    def said(line: str | Event) -> None:
        echo(f"    {lab.name}: {line.lstrip()}" if isinstance(line, str) and line.startswith(" ") else line)

    measured = measure(
        lab,
        folder,
        uses,
        resolver=resolver,
        builder=builder,
        echo=said,
        previous=reuse,
        rebuilt=rebuilt,
        variants_only=True,
        only=only,
    )
    some = only is not None and len(measured) < len(lab.variants)
    words = f"{lab.name}: analyzing the images" + (f" of {', '.join(measured)}" if some else "")
    said(Step(phase=ANALYSIS, lab=lab.name, text=words))
    analysis = {m.image_id: analysis_of(m.image_id) for m in measured.values()}
    if pulls is not None:
        push_early(lab, measured, pulls, reuse, rebuilt=rebuilt, echo=said)
    return Early(digest=digest, bases={u.name: u.image_id for u in uses}, measured=measured, analysis=analysis)


def _groups_of(folder: Path) -> list[Group]:
    """The lab's :func:`variant_groups`; none when its spec does not load (its turn then says why)."""
    try:
        return variant_groups(load(folder), folder)
    except UsageError:
        return []


def _jobs(
    folders: Sequence[Path], job: Callable[[Path, Group], Callable[[], None]]
) -> dict[str, tuple[tuple[str, ...], Callable[[], None]]]:
    """Every lab's groups as jobs for :meth:`Resolver.prepare`, by name: the bases each needs, and ``job`` of it."""
    groups = {folder: _groups_of(folder) for folder in folders}
    return {
        f"lab {folder.name}" + (f" ({', '.join(variants)})" if len(groups[folder]) > 1 else ""): (
            bases,
            job(folder, (bases, variants)),
        )
        for folder in folders
        for bases, variants in groups[folder]
    }


class _Answers:
    """What each lab answered while measured early, its groups' answers together, gathered from many threads."""

    def __init__(self, folders: Sequence[Path]):
        self.found: dict[Path, Early | BaseException | None] = dict.fromkeys(folders)
        self._lock = threading.Lock()

    def add(self, folder: Path, part: Early | BaseException | None) -> None:
        """One group's answer: an error is kept (the first), parts of one lab are joined."""
        with self._lock:
            earlier = self.found[folder]
            if isinstance(earlier, BaseException) or part is None:
                return
            self.found[folder] = part if earlier is None or isinstance(part, BaseException) else earlier | part


def measure_early_all(
    folders: Sequence[Path],
    resolver: Resolver,
    *,
    echo: Say,
    builder: str | None = None,
    force: bool = False,
    pulls: PullBench | None = None,
) -> dict[Path, Early | BaseException | None]:
    """Every lab's bases, and every lab's variants as soon as the bases they name exist (:func:`measure_early`
    of each of its :func:`variant_groups`: lab 5's glibc variants while python:3.13-alpine compiles), in the
    same slots, side by side (:meth:`Resolver.prepare`); all before any lab's turn, so that no build runs
    while a pull is timed. What each lab answered (its groups' answers together), or the first error one of
    its groups raised, which its turn raises again (a spec error waits for its lab the same way); a stand-in
    that fails to build stops the run here. It ends with :class:`~checks.model.progress.EarlyDone` (what came
    before ran side by side)."""
    answers = _Answers(folders)
    # Ctrl-C, SIGTERM or a stand-in that fails stops the run in the main thread only: the labs being
    # measured stop at their next line (a build in progress with it) instead of building the rest of them.
    stopped = threading.Event()

    def checked(line: str | Event) -> None:
        if stopped.is_set():
            raise UsageError("stopped: the run is interrupted, or a stand-in failed to build")
        echo(line)

    def job(folder: Path, group: Group) -> Callable[[], None]:
        def run() -> None:
            try:
                part: Early | BaseException | None = measure_early(
                    folder, resolver=resolver, echo=checked, builder=builder, force=force, pulls=pulls, group=group
                )
            except Exception as error:  # raised again in the lab's turn
                part = error
            answers.add(folder, part)

        return run

    start = time.monotonic()
    jobs = _jobs(folders, job)
    resolver.prepare((name for needs, _ in jobs.values() for name in needs), jobs=jobs, stop=stopped)
    if early := [folder.name for folder, answer in answers.found.items() if answer is not None]:
        seconds = time.monotonic() - start
        words = f"measured early, side by side: {len(early)} lab(s) and the stand-ins they need, in {seconds:.0f} s"
        echo(EarlyDone(labs=len(early), seconds=round(seconds, 1), text=words))
    return answers.found
