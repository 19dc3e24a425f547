"""A lab's claims judged on its variants' measurements: pure, so a verdict is tested with plain values."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from checks.model.claims.kind import Kind
from checks.model.measured import Measured
from checks.model.results import ClaimResult
from checks.model.spec import Lab


def judge(
    lab: Lab, measured: Mapping[str, Measured], *, only: Callable[[Kind], bool] = lambda kind: True
) -> tuple[ClaimResult, ...]:
    """Every claim's verdict on the measurements (of the claims whose kind ``only`` accepts)."""
    results = []
    for claim in lab.claims:
        if not only(claim.check):
            continue
        verdict = claim.check.evaluate(measured)
        results.append(
            ClaimResult(
                id=claim.id,
                kind=claim.check.kind,
                text=claim.text,
                passed=verdict.passed,
                expected=verdict.expected,
                measured=verdict.measured,
            )
        )
    return tuple(results)
