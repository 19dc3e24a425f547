"""A lab's claims judged on its variants' measurements: pure, so a verdict is tested with plain values.

Each result carries the guide's section that teaches its claim; a claim the run cannot judge is a result too,
saying why ("not judged, because ..."), never dropped."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from checks.model.claims.kind import Kind
from checks.model.links import section
from checks.model.measured import Measured
from checks.model.results import ClaimResult
from checks.model.spec import Claim, Lab


def judge(
    lab: Lab,
    measured: Mapping[str, Measured],
    *,
    only: Callable[[Kind], bool] = lambda kind: True,
    left_out: tuple[tuple[str, ...], str] = ((), ""),
) -> tuple[ClaimResult, ...]:
    """Every claim's verdict on the measurements (of the claims whose kind ``only`` accepts); those ``left_out``
    (ids, why) recorded as not judged, for that reason."""
    ids, why = left_out
    return tuple(
        _not_judged(lab, claim, why) if claim.id in ids else _judged(lab, claim, measured)
        for claim in lab.claims
        if only(claim.check)
    )


def _judged(lab: Lab, claim: Claim, measured: Mapping[str, Measured]) -> ClaimResult:
    verdict = claim.check.evaluate(measured)
    return ClaimResult(
        id=claim.id,
        kind=claim.check.kind,
        text=claim.text,
        passed=verdict.passed,
        expected=verdict.expected,
        measured=verdict.measured,
        section=section(lab.page, claim.id),
    )


def _not_judged(lab: Lab, claim: Claim, why: str) -> ClaimResult:
    return ClaimResult(
        id=claim.id,
        kind=claim.check.kind,
        text=claim.text,
        passed=False,
        expected="",
        measured="",
        not_judged=why or "this run does not measure what it reads",
        section=section(lab.page, claim.id),
    )
