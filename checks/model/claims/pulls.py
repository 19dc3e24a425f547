"""Claim kinds on a cold pull: the bytes a node downloads, and how fast it pulls one variant against another."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import ClassVar

from checks.model.claims.kind import NOT_MEASURED, Kind, Verdict, claim_kind, compared, judged, key
from checks.model.i18n import N_, say
from checks.model.measured import Facet, Measured
from checks.model.units import MB, megabytes


@claim_kind("max_compressed_size")
class MaxCompressedSize(Kind):
    """The variant's compressed size, the bytes a node downloads to pull it, is at most a ceiling in decimal MB."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.REGISTRY})
    variant: str = judged()
    max_mb: float = key("Ceiling in MB for the sum of the layer blobs a registry stores after a push.")

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        size = measured[self.variant].compressed_size_bytes
        return Verdict(
            passed=size is not None and size <= round(self.max_mb * MB),
            expected=say(N_("<= {max} compressed"), max=f"{self.max_mb:g} MB"),
            measured=say(NOT_MEASURED) if size is None else say(N_("{size} compressed"), size=megabytes(size)),
        )


@claim_kind("pull_speedup")
class PullSpeedup(Kind):
    """A node that has never pulled anything pulls the variant at least ``min`` times faster than another
    (medians of cold pulls)."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.PULLS})
    variant: str = judged("The variant expected to pull faster.")
    of: str = compared()
    min: float = key('Lowest allowed speed-up: 2 means "pulled in at most half the time".')
    link_mbit: float | None = key(
        "Time these pulls over a link throttled to this many Mbit/s (leave it out for plain loopback).", default=None
    )

    def link(self) -> float | None:
        return self.link_mbit or None

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        fast_runs, slow_runs = measured[self.variant].runs_over(self.link()), measured[self.of].runs_over(self.link())
        rate = {"rate": f"{self.link_mbit:g}"} if self.link() else {}
        expected = say(
            N_("{variant} pulls >= {min}× faster than {of} over a {rate} Mbit/s link")
            if rate
            else N_("{variant} pulls >= {min}× faster than {of}"),
            variant=self.variant,
            min=f"{self.min:g}",
            of=self.of,
            **rate,
        )
        if not fast_runs or not slow_runs:
            unmeasured = (
                N_("pull times over a {rate} Mbit/s link not measured") if rate else N_("pull times not measured")
            )
            return Verdict(passed=False, expected=expected, measured=say(unmeasured, **rate))
        fast, slow = statistics.median(fast_runs), statistics.median(slow_runs)
        speedup = slow / fast if fast > 0 else float("inf")
        runs = min(len(fast_runs), len(slow_runs))
        shown = (
            N_("{speedup}× ({fast} against {slow}, medians of {runs} cold pulls over a {rate} Mbit/s link)")
            if rate
            else N_("{speedup}× ({fast} against {slow}, medians of {runs} cold pulls)")
        )
        return Verdict(
            passed=speedup >= self.min,
            expected=expected,
            measured=say(
                shown, speedup=f"{speedup:.1f}", fast=f"{fast:.2f} s", slow=f"{slow:.2f} s", runs=runs, **rate
            ),
        )
