"""Claim kinds on how big an image is: its size beside another variant's or a ceiling, and its layers."""

from __future__ import annotations

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
    unbounded,
    within,
)
from checks.model.i18n import N_, _, say
from checks.model.measured import Measured
from checks.model.units import MB, megabytes


@claim_kind("size_ratio")
class SizeRatio(Kind):
    """The variant's size divided by another variant's size lies within bounds."""

    variant: str = judged()
    of: str = compared()
    max: float | None = key('Highest allowed ratio (0.02 means "at most 2 %").', default=None)
    min: float | None = key('Lowest allowed ratio (1.0 means "not smaller").', default=None)

    def problems(self) -> list[Problem]:
        return super().problems() + unbounded(self, "max", "min")

    #: The goal's words, as the claim sets an upper bound, a lower one or both (:func:`goal_bounds`).
    goal_forms: ClassVar[tuple[str, str, str]] = (
        N_("is at most {max} of the size of `{of}`"),
        N_("is at least {min} of the size of `{of}`"),
        N_("is between {min} and {max} of the size of `{of}`"),
    )

    def goal(self, you: str) -> str:
        return goal_bounds(self.min, self.max, goal_share, self.goal_forms, of=self.of)

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        size, base = measured[self.variant].size_bytes, measured[self.of].size_bytes
        ratio = size / base if base else float("inf")
        passed, bounds = within(ratio, self.min, self.max, lambda bound: f"{bound:.2%}")
        return Verdict(
            passed=passed,
            expected=say(N_("{variant}/{of} {bounds}"), variant=self.variant, of=self.of, bounds=bounds),
            measured=ratio_of(f"{ratio:.2%}", size, base),
        )


@claim_kind("size_difference")
class SizeDifference(Kind):
    """The variant's size minus another variant's size, in decimal megabytes, lies within bounds."""

    variant: str = judged()
    of: str = compared()
    min_mb: float | None = key(
        'Least allowed difference in MB (45 means "at least 45 MB bigger").', default=None, signed=True
    )
    max_mb: float | None = key(
        'Most allowed difference in MB (1 means "at most 1 MB bigger").', default=None, signed=True
    )

    def problems(self) -> list[Problem]:
        return super().problems() + unbounded(self, "min_mb", "max_mb")

    goal_forms: ClassVar[tuple[str, str, str]] = (
        N_("is at most {max} bigger than `{of}`"),
        N_("is at least {min} bigger than `{of}`"),
        N_("is between {min} and {max} bigger than `{of}`"),
    )

    def goal(self, you: str) -> str:
        return goal_bounds(self.min_mb, self.max_mb, lambda mb: f"{mb:g} MB", self.goal_forms, of=self.of)

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        difference = measured[self.variant].size_bytes - measured[self.of].size_bytes
        low, high = (None if mb is None else round(mb * MB) for mb in (self.min_mb, self.max_mb))
        passed, bounds = within(difference, low, high, lambda bound: f"{bound / MB:g} MB")
        return Verdict(
            passed=passed,
            expected=say(N_("{variant} - {of} {bounds}"), variant=self.variant, of=self.of, bounds=bounds),
            measured=f"{difference / MB:+.1f} MB",
        )


@claim_kind("max_size")
class MaxSize(Kind):
    """The variant's uncompressed size is at most a ceiling, in decimal megabytes."""

    variant: str = judged()
    max_mb: float = key("Ceiling in MB (1 MB = 1,000,000 bytes, as `docker image ls` counts).")

    def goal(self, you: str) -> str:
        return _("is at most {max}").format(max=f"{self.max_mb:g} MB")

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        size = measured[self.variant].size_bytes
        return Verdict(
            passed=size <= round(self.max_mb * MB),
            expected=say(N_("<= {max}"), max=f"{self.max_mb:g} MB"),
            measured=megabytes(size),
        )


@claim_kind("max_layers")
class MaxLayers(Kind):
    """The variant has at most this many filesystem layers."""

    variant: str = judged()
    max: int = key("Highest allowed number of filesystem layers.")

    def goal(self, you: str) -> str:
        return _("has at most {max} layers").format(max=self.max)

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        count = measured[self.variant].layer_count
        return Verdict(
            passed=count <= self.max,
            expected=say(N_("<= {max} layers"), max=self.max),
            measured=say(N_("{count} layers"), count=count),
        )
