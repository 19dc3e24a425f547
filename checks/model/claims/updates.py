"""Claim kinds on a node that already holds something: the new bytes over a base it holds, what an update
(a later release) downloads and how fast its build is, and a pull onto another variant."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import ClassVar

from checks.model.claims.kind import (
    Kind,
    Problem,
    Verdict,
    claim_kind,
    compared,
    goal_bounds,
    goal_share,
    judged,
    key,
    ratio_of,
    share,
    unbounded,
    within,
)
from checks.model.i18n import N_, _, say
from checks.model.measured import Facet, Measured

#: What a ``new_bytes_ratio`` claim may divide by: the other variant's new bytes, or its whole size.
AGAINST = {"new": N_("new bytes"), "size": N_("whole size")}


@claim_kind("new_bytes_ratio")
class NewBytesRatio(Kind):
    """The bytes a node that already holds the variant's base must pull (its layers the base does not have,
    uncompressed), divided by another variant's, lies within bounds."""

    variant: str = judged()
    of: str = compared()
    against: str = key(
        'What of the other variant to divide by: `"new"`, its new bytes, or `"size"`, its whole uncompressed size.',
        default="new",
    )
    max: float | None = key('Highest allowed ratio (0.05 means "at most 5 %").', default=None)
    min: float | None = key('Lowest allowed ratio (1.0 means "no less").', default=None)

    def problems(self) -> list[Problem]:
        wrong = [] if self.against in AGAINST else [Problem("against", f"must be one of {', '.join(AGAINST)}")]
        return super().problems() + wrong + unbounded(self, "max", "min")

    goal_forms: ClassVar[tuple[str, str, str]] = (
        N_("costs a node that holds its base at most {max} of what `{of}` costs"),
        N_("costs a node that holds its base at least {min} of what `{of}` costs"),
        N_("costs a node that holds its base between {min} and {max} of what `{of}` costs"),
    )

    def goal(self, you: str) -> str:
        return goal_bounds(self.min, self.max, goal_share, self.goal_forms, of=self.of)

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        new, other = measured[self.variant].new_bytes, measured[self.of]
        base = other.new_bytes if self.against == "new" else other.size_bytes
        ratio = new / base if new is not None and base else float("inf")
        passed, bounds = within(ratio, self.min, self.max, share)
        expected = say(
            N_("new bytes of {variant} / {against} of {of} {bounds}"),
            variant=self.variant,
            against=say(AGAINST.get(self.against, self.against)),
            of=self.of,
            bounds=bounds,
        )
        if new is None or base is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("new bytes not measured")))
        return Verdict(passed=passed, expected=expected, measured=ratio_of(share(ratio), new, base))


def median_of(values: list[float]) -> float | None:
    """The median, or None for no values."""
    return statistics.median(values) if values else None


def update_bytes(m: Measured) -> float | None:
    """The median of the compressed bytes each later release of ``m`` made a node re-pull."""
    return median_of([float(r.pulled_bytes) for r in m.releases if r.pulled_bytes is not None])


def update_build_seconds(m: Measured) -> float | None:
    """The median warm build time of ``m``'s later releases."""
    return median_of([r.build_seconds for r in m.releases])


@claim_kind("update_bytes_ratio")
class UpdateBytesRatio(Kind):
    """On an update (a later release on a node that holds the one before), the variant makes the node download
    between ``min`` and ``max`` times what another variant makes it download (compressed, medians over the
    releases)."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.REGISTRY, Facet.RELEASES})
    variant: str = judged()
    of: str = compared()
    max: float | None = key('Highest allowed ratio (0.05 means "at most 5 %").', default=None)
    min: float | None = key('Lowest allowed ratio (1.0 means "no less").', default=None)

    def problems(self) -> list[Problem]:
        return super().problems() + unbounded(self, "max", "min")

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        mine, theirs = update_bytes(measured[self.variant]), update_bytes(measured[self.of])
        passed, bounds = within(
            mine / theirs if mine is not None and theirs else float("inf"), self.min, self.max, share
        )
        expected = say(
            N_("bytes an update of {variant} pulls / those of {of} {bounds}"),
            variant=self.variant,
            of=self.of,
            bounds=bounds,
        )
        if mine is None or theirs is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("update pulls not measured")))
        ratio = mine / theirs if theirs else float("inf")
        return Verdict(
            passed=passed,
            expected=expected,
            measured=ratio_of(share(ratio), round(mine), round(theirs), N_("{ratio} ({size} / {base}, medians)")),
        )


@claim_kind("update_build_speedup")
class UpdateBuildSpeedup(Kind):
    """On a warm builder, a later release of the variant builds at least ``min`` times faster than one of
    another variant (medians over the releases)."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.RELEASES})
    variant: str = judged("The variant expected to build faster.")
    of: str = compared()
    min: float = key('Lowest allowed speed-up: 3 means "built in at most a third of the time".')

    def goal(self, you: str) -> str:
        return _("builds a new release at least {min}× as fast as `{of}` on a warm builder").format(
            min=f"{self.min:g}", of=self.of
        )

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        fast, slow = update_build_seconds(measured[self.variant]), update_build_seconds(measured[self.of])
        expected = say(
            N_("a release of {variant} builds >= {min}× faster than one of {of}"),
            variant=self.variant,
            min=f"{self.min:g}",
            of=self.of,
        )
        if fast is None or slow is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("release builds not measured")))
        speedup = slow / fast if fast > 0 else float("inf")
        return Verdict(
            passed=speedup >= self.min,
            expected=expected,
            measured=say(
                N_("{speedup}× ({fast} against {slow}, medians)"),
                speedup=f"{speedup:.1f}",
                fast=f"{fast:.2f} s",
                slow=f"{slow:.2f} s",
            ),
        )


@claim_kind("shared_pull_ratio")
class SharedPullRatio(Kind):
    """On a node that already holds another variant (and nothing else), pulling the variant downloads between
    ``min`` and ``max`` of its compressed size."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.REGISTRY})
    variant: str = judged("The variant pulled second.")
    held: str = key("The variant the node already holds.", variants=True)
    max: float | None = key('Highest allowed share (0.1 means "at most 10 %").', default=None)
    min: float | None = key('Lowest allowed share (0.9 means "at least 90 %").', default=None)

    def problems(self) -> list[Problem]:
        same = [Problem("held", "must name another variant than 'variant'")] if self.held == self.variant else []
        return super().problems() + same + unbounded(self, "max", "min")

    def shared(self) -> tuple[str, str] | None:
        return self.held, self.variant

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        m = measured[self.variant]
        pull, whole = m.shared_pull(self.held), m.compressed_size_bytes
        ratio = pull.pulled_bytes / whole if pull is not None and whole else float("inf")
        passed, bounds = within(ratio, self.min, self.max, share)
        expected = say(
            N_("bytes pulled for {variant} on a node holding {held} / its compressed size {bounds}"),
            variant=self.variant,
            held=self.held,
            bounds=bounds,
        )
        if pull is None or whole is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("shared pulls not measured")))
        return Verdict(passed=passed, expected=expected, measured=ratio_of(share(ratio), pull.pulled_bytes, whole))
