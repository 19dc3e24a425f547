"""A lab's claims judged again on the figures its ``results.json`` records: no build, no Docker.

What a claim demands and what was measured are recorded as phrases that every edition shows in its own
language (:class:`checks.model.i18n.Phrase`); results recorded before, as English sentences, gain them here.
A kind judged on what results.json does not keep (file lists, standard error) says its verdict again only
where the record does (:meth:`checks.model.claims.kind.Kind.rejudged`); a verdict that cannot be said again, or
comes out otherwise than recorded, stays as recorded and is named, for ``python -m checks verify --force``.
"""

from __future__ import annotations

import dataclasses

from checks.model.claims.kind import Verdict
from checks.model.i18n import Phrase
from checks.model.results import ClaimResult, Results
from checks.model.spec import Lab


def rejudge(lab: Lab, results: Results) -> tuple[Results, list[str]]:
    """``results`` with each claim judged again on its recorded figures, and why any claim was left as recorded."""
    specs = {claim.id: claim for claim in lab.claims}
    claims: list[ClaimResult] = []
    left: list[str] = []
    for old in results.claims:
        spec = specs.get(old.id)
        verdict = None
        if spec is not None and spec.check.kind == old.kind:
            recorded = Verdict(passed=old.passed, expected=old.expected, measured=old.measured)
            verdict = spec.check.rejudged(results.variants, recorded)
        if verdict is not None and verdict.passed == old.passed:
            claims.append(dataclasses.replace(old, expected=verdict.expected, measured=verdict.measured))
            continue
        claims.append(old)
        if not isinstance(old.measured, Phrase):
            left.append(f"{old.id} ({old.kind}): {_why(spec is None, verdict)}")
    return dataclasses.replace(results, claims=tuple(claims)), left


def _why(gone: bool, verdict: Verdict | None) -> str:
    if gone:
        return "lab.toml no longer has this claim (or gives it another kind)"
    if verdict is None:
        return "its verdict reads what results.json does not record"
    return "judged again on the recorded figures it comes out otherwise than recorded"
