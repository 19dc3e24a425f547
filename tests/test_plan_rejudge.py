"""Judging claims again on the figures results.json records: no build, and nothing the record cannot say."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from checks.model.i18n import Phrase
from checks.model.results import RESULTS_NAME, ClaimResult, Results
from checks.model.spec import load
from checks.plan.rejudge import rejudge
from checks.store.results import read

ROOT = Path(__file__).resolve().parent.parent
LAB = ROOT / "labs" / "lab-4-go-multistage"


def recorded() -> Results:
    results = read(LAB / RESULTS_NAME)
    assert results is not None
    return results


def as_sentences(results: Results) -> Results:
    """The results as schema 1 recorded them: every verdict an English sentence."""
    claims = tuple(dataclasses.replace(c, expected=str(c.expected), measured=str(c.measured)) for c in results.claims)
    return dataclasses.replace(results, claims=claims)


def test_sentences_of_schema_1_become_phrases_that_read_the_same_in_english():
    old = as_sentences(recorded())
    new, left = rejudge(load(LAB), old)
    assert left == []
    assert all(isinstance(c.expected, Phrase) for c in new.claims)
    figures = [c.measured for c in new.claims if not isinstance(c.measured, Phrase)]
    assert figures == ["+1.3 MB"], "only a figure alone stays plain text"
    assert [(str(c.expected), str(c.measured)) for c in new.claims] == [(c.expected, c.measured) for c in old.claims]
    assert dataclasses.replace(new, claims=old.claims) == old, "only the claims' words change"


def test_a_failed_smoke_tests_line_is_read_from_the_sentence_schema_1_recorded():
    new, _ = rejudge(load(LAB), as_sentences(recorded()))
    trap = next(c for c in new.claims if c.kind == "smoke_fails")
    assert isinstance(trap.measured, Phrase)
    assert trap.measured.field("line") == "exec /greeter: no such file or directory"


def test_a_verdict_the_record_cannot_say_again_is_left_as_recorded_and_named():
    old = as_sentences(recorded())
    failing = [
        dataclasses.replace(c, passed=False, measured="found: /usr/local/go") if c.kind == "path_absent" else c
        for c in old.claims
    ]
    new, left = rejudge(load(LAB), dataclasses.replace(old, claims=tuple(failing)))
    absent = [c for c in new.claims if c.kind == "path_absent"]
    assert absent
    assert all(c.measured == "found: /usr/local/go" for c in absent)
    assert left
    assert all("does not record" in why for why in left)


def test_a_verdict_that_comes_out_otherwise_than_recorded_is_left_as_recorded():
    old = as_sentences(recorded())
    wrong = ClaimResult(**{**dataclasses.asdict(old.claims[0]), "passed": False})
    new, left = rejudge(load(LAB), dataclasses.replace(old, claims=(wrong, *old.claims[1:])))
    assert new.claims[0] == wrong
    assert left == [
        f"{wrong.id} ({wrong.kind}): judged again on the recorded figures it comes out otherwise than recorded"
    ]


def test_the_committed_results_are_in_phrases_already():
    new, left = rejudge(load(LAB), recorded())
    assert (new, left) == (recorded(), [])
