"""When the runtimes the labs build on stop being supported: the table, the dates, and the check that no lab
names a runtime past its support on the day its results were recorded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checks.engine.bases import RECIPES, normalize, recipes
from checks.model import support
from checks.model.dockerfile import final_base_of
from checks.store import results

LABS = Path(__file__).resolve().parent.parent / "labs"

ROWS = """
[node-26]
name = "Node.js"
version = "26"
ends = "2029-04-30"
note = "End of life."
source = "https://github.com/nodejs/Release"

["python-3.13"]
name = "Python"
version = "3.13"
ends = "2029-10"
note = "End of life."
source = "https://devguide.python.org/versions/"

[alpine]
name = "Alpine Linux"
version = "the newest release"
note = "Each release for two years."
source = "https://alpinelinux.org/releases/"
"""


@pytest.fixture
def known() -> dict[str, support.Runtime]:
    return support.runtimes(ROWS)


def test_a_day_ends_support_on_that_day_and_not_the_day_before(known):
    assert known["node-26"].ended_by(date(2029, 4, 30))
    assert not known["node-26"].ended_by(date(2029, 4, 29))


def test_a_month_ends_support_from_its_first_day(known):
    assert known["python-3.13"].first_day_without == date(2029, 10, 1)
    assert known["python-3.13"].ended_by(date(2029, 10, 1))
    assert not known["python-3.13"].ended_by(date(2029, 9, 30))


def test_a_runtime_whose_tags_move_on_never_ends(known):
    assert known["alpine"].first_day_without is None
    assert not known["alpine"].ended_by(date(2100, 1, 1))


def test_past_support_names_each_base_and_the_runtime_it_holds_that_ended(known):
    held = {"node:26-trixie": ["node-26"], "python:3.13-alpine": ["python-3.13", "alpine"]}
    names = ["node:26-trixie", "python:3.13-alpine", "scratch-like"]
    assert support.past_support(names, date(2029, 5, 1), held, known) == [("node:26-trixie", known["node-26"])]
    assert [base for base, _ in support.past_support(names, date(2030, 1, 1), held, known)] == [
        "node:26-trixie",
        "python:3.13-alpine",
    ]
    assert support.past_support(names, date(2026, 12, 8), held, known) == []


def test_past_support_refuses_a_runtime_the_table_lacks(known):
    with pytest.raises(KeyError):
        support.past_support(["golang:1.24-trixie"], date(2026, 12, 8), {"golang:1.24-trixie": ["go-1.24"]}, known)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[x]\nname = "X"\nversion = "1"\nnote = "n"\n', "must hold name, version, note and source"),
        ('[x]\nname = "X"\nversion = "1"\nnote = "n"\nsource = "s"\nend = "2029-01"\n', "and nothing else"),
        ('[x]\nname = "X"\nversion = "1"\nnote = "n"\nsource = "s"\nends = 2029-01-01\n', "must be strings"),
        ('[x]\nname = "X"\nversion = "1"\nnote = "n"\nsource = "s"\nends = "2029-13"\n', "is no day or month"),
        ('[x]\nname = "X"\nversion = "1"\nnote = "n"\nsource = "s"\nends = "soon"\n', "is no day or month"),
        ("[x\n", "is not TOML"),
    ],
)
def test_a_row_that_is_not_what_it_should_be_names_the_file_and_the_fix(text, says):
    with pytest.raises(ValueError, match=says) as raised:
        support.runtimes(text, "checks/bases/support.toml")
    assert "checks/bases/support.toml" in str(raised.value)


# The repository: the table, what each base holds, and the labs' recorded results.

KNOWN = support.read(RECIPES / support.SUPPORT_NAME)
RECIPES_BY_NAME = recipes()


def held() -> dict[str, tuple[str, ...]]:
    """The runtimes each base holds, by the normalized name the recipes are kept under."""
    return {name: recipe.runtimes for name, recipe in RECIPES_BY_NAME.items()}


def test_every_runtime_a_base_names_is_in_the_table():
    for recipe in RECIPES_BY_NAME.values():
        assert set(recipe.runtimes) <= set(KNOWN), f"{recipe.slug}/base.toml names runtimes support.toml lacks"


def test_every_runtime_of_the_table_is_held_by_a_base():
    assert {key for recipe in RECIPES_BY_NAME.values() for key in recipe.runtimes} == set(KNOWN)


def test_every_base_says_where_its_runtime_comes_from():
    for recipe in RECIPES_BY_NAME.values():
        assert recipe.runtime_from.strip(), f"{recipe.slug}/base.toml has no runtime_from"


def test_a_base_holds_the_runtimes_of_the_base_its_image_is_built_on():
    for recipe in RECIPES_BY_NAME.values():
        below = final_base_of(recipe.folder / "Dockerfile")
        if below is not None:
            missing = set(RECIPES_BY_NAME[normalize(below)].runtimes) - set(recipe.runtimes)
            assert not missing, f"{recipe.slug} is built on {below} but does not name its runtimes {missing}"


@pytest.mark.parametrize("folder", sorted(path.parent.name for path in LABS.glob("*/results.json")))
def test_no_lab_names_a_runtime_past_its_support_on_the_day_its_results_were_recorded(folder):
    recorded = results.read(LABS / folder / "results.json")
    assert recorded is not None
    day = date.fromisoformat(recorded.measured_at[:10])
    names = [normalize(base.name) for base in recorded.bases]
    assert [name for name in names if name not in RECIPES_BY_NAME] == []
    late = support.past_support(names, day, held(), KNOWN)
    assert late == [], ", ".join(f"{base} holds {r.name} {r.version}, supported until {r.ends}" for base, r in late)
