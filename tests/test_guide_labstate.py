"""checks.guide.labstate: what every build checks about each lab, as plain functions over its records."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.guide.docdata import load_lab
from checks.guide.labstate import lab_problems

LAB4 = Path(__file__).resolve().parent.parent / "labs/lab-4-go-multistage"


@pytest.fixture(scope="module")
def lab4():
    return load_lab(LAB4)


def placed_all(lab, page="multi-stage"):
    return {claim.id: (page, 1) for claim in lab.spec.claims}


def test_a_lab_shown_on_its_page_with_every_claim_placed_has_no_problems(lab4):
    assert lab_problems(lab4, ["multi-stage"], placed_all(lab4), {lab4.name}) == []


def test_a_lab_whose_page_does_not_exist_is_a_problem(lab4):
    problems = lab_problems(lab4, ["index"], {}, set())
    assert problems
    assert "names page 'multi-stage', which the guide does not have" in problems[-1]


def test_a_claim_without_its_section_is_a_problem_naming_the_url_that_would_break(lab4):
    placed = placed_all(lab4)
    del placed["L4.3"]
    (problem,) = lab_problems(lab4, ["multi-stage"], placed, {lab4.name})
    assert "claim L4.3" in problem
    assert "multi-stage.html#l4-3 leads nowhere" in problem


def test_a_claim_placed_on_another_page_is_a_problem(lab4):
    placed = placed_all(lab4)
    placed["L4.1"] = ("layers", 3)
    (problem,) = lab_problems(lab4, ["multi-stage", "layers"], placed, {lab4.name})
    assert "placed on docs/layers" in problem


def test_a_lab_without_its_results_table_is_a_problem(lab4):
    (problem,) = lab_problems(lab4, ["multi-stage"], placed_all(lab4), set())
    assert ".. lab-results:: lab-4-go-multistage" in problem
