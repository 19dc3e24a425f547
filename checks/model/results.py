"""A lab's recorded measurement: one frozen dataclass (:class:`Results`); its one JSON form, both ways, is
:mod:`checks.model.resultsjson`.

``results.json`` is what the guide renders, so the docs build never needs
Docker.  The file itself, read back and written only on change, is
:mod:`checks.store.results`; the fingerprint of what the builds of a lab's
variants read, recorded as ``inputs_sha256``, is :mod:`checks.store.inputs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from checks.model import filetree
from checks.model.claims.kind import Said
from checks.model.links import DEFAULT_DOCS_URL, Section
from checks.model.measured import (
    Measured,
    StoreFigures,
)

RESULTS_NAME = "results.json"


@dataclass(frozen=True, kw_only=True)
class BaseUse:
    """Which image stood behind a name in a lab's ``FROM``."""

    #: The name as the Dockerfile writes it, e.g. ``golang:1.27-trixie``.
    name: str
    #: ``official`` or ``stand-in``.
    source: str
    #: The image reference actually built from.
    image: str
    image_id: str


@dataclass(frozen=True, kw_only=True)
class ClaimResult:
    """One claim's verdict, as recorded and shown; or, when a run could not judge it, why not (a skip is a value)."""

    id: str
    kind: str
    text: str
    passed: bool
    #: What the claim demands and what was measured, in words each edition shows in its own language.
    expected: Said
    measured: Said
    #: Why the run did not judge it ("not judged, because ..."); "" when it did. Recorded only when set.
    not_judged: str = ""
    #: The guide's section that teaches the claim, set by the judging (lab.toml names the page, so it is not
    #: recorded): None for a claim read back from results.json.
    section: Section | None = field(default=None, compare=False)

    def url(self, base: str = DEFAULT_DOCS_URL) -> str | None:
        """The URL of :attr:`section` under ``base``; None when the result does not know its section."""
        return self.section.url(base) if self.section is not None else None


@dataclass(frozen=True, kw_only=True)
class AnalysisSummary:
    """What :mod:`checks.inspect.analyze` found in one variant's image, as recorded for the guide."""

    #: dive's wasted bytes (see :mod:`checks.inspect.efficiency`).
    wasted_bytes: int
    #: dive's efficiency, 0 to 1.
    efficiency: float
    #: Bytes per removable class id (:data:`checks.inspect.removable.BY_ID`), largest first; empty classes left out.
    classes: Mapping[str, int]
    #: Bytes of every copy a later layer replaced or deleted, each counted once (see
    #: :mod:`checks.inspect.efficiency`); None in results measured before it was recorded.
    reclaimable_bytes: int | None = None
    #: The image's file tree as the guide's explorer shows it, folded for a page (:data:`checks.inspect.filetree.PAGE`),
    #: one line of text per node (:func:`checks.model.filetree.to_rows`); None in results measured before it was.
    tree: filetree.Node | None = None


@dataclass(frozen=True, kw_only=True)
class StoreRun:
    """A lab's variants built and judged again on one image store, beside its main run (``[lab] stores``)."""

    #: ``classic`` or ``containerd`` (:data:`checks.model.measured.STORES`).
    store: str
    #: The inputs of the main run it was measured beside (:attr:`Results.inputs_sha256`).
    inputs_sha256: str
    #: The image each base was in the main run, by name: copied from there into this store's engine.
    bases: Mapping[str, str]
    #: ``{"engine": "26.1.5", "buildx": "0.13.1"}``.
    engine: Mapping[str, str]
    variants: Mapping[str, StoreFigures]
    #: The lab's claims judged on this store's images: on another store than the main run's, those that read
    #: only the variants built there and need nothing measured on one store only (runtime floors, pulls,
    #: compressed sizes, releases, rebuilds); the main run judges every claim.
    claims: tuple[ClaimResult, ...] = ()

    @property
    def passed(self) -> bool:
        return all(claim.passed for claim in self.claims)


@dataclass(frozen=True, kw_only=True)
class Results:
    """Everything one verification of a lab found."""

    lab: str
    title: str
    #: SHA-256 over the path and content of every file the variants' builds read: `lab.toml`, the
    #: `[lab] prepare` script, each variant's Dockerfile, the ignore file in effect for it and every
    #: context file that ignore file lets in. `exercise.Dockerfile` and `solution.Dockerfile` are no
    #: input, so editing them never makes the results stale (see :func:`inputs_sha256`).
    inputs_sha256: str
    #: ISO 8601 time of the measurement, UTC.
    measured_at: str
    #: ``{"engine": "26.1.5", "buildx": "0.13.1"}``.
    engine: Mapping[str, str]
    bases: tuple[BaseUse, ...]
    variants: Mapping[str, Measured]
    claims: tuple[ClaimResult, ...]
    #: The image analysis of each variant, by variant name (recorded under ``variants.<name>.analysis``).
    analysis: Mapping[str, AnalysisSummary] = field(default_factory=dict)
    #: The variants on each image store the lab is verified on (``[lab] stores``), by store: the main run's
    #: store with the main images' figures (its claims are :attr:`claims`), every other one from its own engine.
    stores: Mapping[str, StoreRun] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Every claim judged holds (one not judged is neither held nor failed), and so on every image store."""
        return not self.failed and all(run.passed for run in self.stores.values())

    @property
    def failed(self) -> tuple[ClaimResult, ...]:
        return tuple(claim for claim in self.claims if not claim.passed and not claim.not_judged)
