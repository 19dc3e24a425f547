"""Claim kinds on the runtime floor: the bytes of the files the app opens or executes while its smoke test runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from checks.model.claims.kind import Kind, Problem, Verdict, claim_kind, judged, key
from checks.model.i18n import N_, say
from checks.model.measured import Facet, Measured
from checks.model.units import megabytes


@claim_kind("max_floor_ratio")
class MaxFloorRatio(Kind):
    """The variant's size is at most ``max`` times its runtime floor: the bytes of the files its app opens or
    executes while the smoke test runs."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.FLOOR})
    variant: str = judged()
    max: float = key('Highest allowed size over floor: 1.5 means "at most half again what the app uses".')

    def problems(self) -> list[Problem]:
        below = [Problem("max", "is below 1, but an image is never smaller than its floor")] if self.max < 1 else []
        return super().problems() + below

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        m = measured[self.variant]
        expected = say(N_("size <= {max}× floor"), max=f"{self.max:g}")
        if m.runtime_bytes is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("runtime floor not measured")))
        ratio = m.size_bytes / m.runtime_bytes if m.runtime_bytes else float("inf")
        return Verdict(
            passed=ratio <= self.max,
            expected=expected,
            measured=say(
                N_("{ratio}× ({size} over a floor of {floor} in {files} files)"),
                ratio=f"{ratio:.1f}",
                size=megabytes(m.size_bytes),
                floor=megabytes(m.runtime_bytes),
                files=m.runtime_files,
            ),
        )
