"""tools/bench.py's CPU reference: the same job on every machine, so that figures from two machines can be
weighed (what it makes of a run's events is tests/test_benchfigures.py)."""

from __future__ import annotations

from bench import cpu_reference, describe_reference, reference_text


def test_the_reference_text_is_the_same_on_every_call_and_depends_on_the_seed():
    text = reference_text(5000)
    assert text == reference_text(5000)
    assert text != reference_text(5000, seed=1)
    assert len(text.split()) == 5000


def test_the_reference_text_repeats_words_as_real_text_does():
    words = reference_text(100_000).split()
    assert 10_000 < len(set(words)) < len(words) / 4


def test_the_cpu_reference_times_one_core_and_every_core_at_once():
    reference = cpu_reference(runs=1, words=50_000)
    assert reference["cores"] >= 1
    assert 0 < reference["one_core_seconds"] < 10
    assert 0 < reference["every_core_seconds"] < 10
    assert (reference["words"], reference["runs"]) == (50_000, 1)
    assert describe_reference(reference).startswith("CPU reference (xz -6 of 50,000 seeded words), median of 1: ")
