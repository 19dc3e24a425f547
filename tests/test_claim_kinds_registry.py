"""Adding a claim kind touches one module: a kind declared here is read, graded and documented like the real ones."""

from __future__ import annotations

import pkgutil
from collections.abc import Mapping
from types import ModuleType

import pytest

from checks.guide.sphinxref import kind_rows
from checks.model import claims
from checks.model.claims import KINDS
from checks.model.claims import kind as kind_base
from checks.model.claims.kind import Kind, Verdict, claim_kind, compared, judged, key
from checks.model.errors import UsageError
from checks.model.exercise import goals
from checks.model.measured import Measured
from checks.model.spec import parse

SOURCE = "labs/lab-9-demo/lab.toml"


@pytest.fixture
def layer_growth():
    """A throwaway kind, declared the way a family module of the claims package declares its own, then forgotten."""

    @claim_kind("layer_growth")
    class LayerGrowth(Kind):
        """The variant has at most ``max`` more filesystem layers than another."""

        variant: str = judged()
        of: str = compared()
        max: int = key("Most extra layers allowed.")
        note: str = key("Why the bound is what it is.", default="")

        def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
            extra = measured[self.variant].layer_count - measured[self.of].layer_count
            return Verdict(passed=extra <= self.max, expected=f"<= {self.max} more", measured=f"{extra} more")

    try:
        yield LayerGrowth
    finally:
        del KINDS["layer_growth"]


def lab(*claim_tables: dict) -> dict:
    return {
        "lab": {"title": "t", "page": "p"},
        "variants": {"before": {}, "after": {}, "distroless": {}},
        "claims": [{"id": f"L9.{n}", "text": "x", **table} for n, table in enumerate(claim_tables, start=1)],
    }


def claim(**keys) -> dict:
    return {"kind": "layer_growth", "variant": "after", "of": "before", "max": 1, **keys}


def test_a_new_kind_is_registered_by_being_declared(layer_growth):
    assert KINDS["layer_growth"] is layer_growth
    assert layer_growth.kind == "layer_growth"


def test_the_spec_reads_a_new_kind_with_its_defaults(layer_growth):
    (parsed,) = parse(lab(claim()), name="lab-9-demo", source=SOURCE).claims
    assert parsed.check == layer_growth(variant="after", of="before", max=1, note="")


@pytest.mark.parametrize(
    ("keys", "fragment"),
    [
        ({"max": "many"}, "'claims[0].max' must be a whole number, not 'many'"),
        ({"max": -1}, "'claims[0] (L9.1).max' must not be negative"),
        ({"maxx": 1}, "unknown key 'claims[0].maxx'. Did you mean 'max'?"),
        ({"of": "distroles"}, "names variant 'distroles', which the lab does not declare. Did you mean 'distroless'?"),
    ],
    ids=["wrong type", "negative", "misspelled key", "undeclared variant"],
)
def test_the_spec_rejects_a_bad_value_of_a_new_kind_with_the_usual_message(layer_growth, keys, fragment):
    with pytest.raises(UsageError) as caught:
        parse(lab(claim(**keys)), name="lab-9-demo", source=SOURCE)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}: ")
    assert fragment in message
    assert message.endswith("Fix the lab spec and run the command again.")


def test_a_misspelled_kind_name_suggests_the_new_kind(layer_growth):
    with pytest.raises(UsageError, match=r"Did you mean 'layer_growth'\?"):
        parse(lab(claim(kind="layer_growt")), name="lab-9-demo", source=SOURCE)


def test_grading_rebinds_a_new_kind_to_the_learners_image(layer_growth):
    spec = parse(lab(claim(), claim(of="distroless")), name="lab-9-demo", source=SOURCE)
    checks = [goal.check for goal in goals(spec)]
    assert layer_growth(variant="yours", of="before", max=1) in checks
    assert not any(getattr(check, "of", None) == "distroless" for check in checks)


def test_the_reference_rows_of_a_new_kind_come_from_its_declaration(layer_growth):
    assert kind_rows(layer_growth) == [
        ("variant", "string", "required", "The variant being judged."),
        ("of", "string", "required", "The variant it is compared with."),
        ("max", "integer", "required", "Most extra layers allowed."),
        ("note", "string", '""', "Why the bound is what it is."),
    ]


# a declaration that cannot be read, graded or documented fails where it is written


def test_a_kind_name_declared_twice_is_an_error(layer_growth):
    with pytest.raises(TypeError, match="'layer_growth' is declared twice"):

        @claim_kind("layer_growth")
        class Again(Kind):
            """Another kind under a taken name."""

    assert KINDS["layer_growth"] is layer_growth


def test_a_kind_without_a_docstring_is_an_error():
    with pytest.raises(TypeError, match="docstring is its sentence"):

        @claim_kind("undocumented")
        class Undocumented(Kind):
            variant: str = judged()

    assert "undocumented" not in KINDS


def test_a_key_without_help_text_is_an_error():
    with pytest.raises(TypeError, match=r"Silent\.variant: declare it with key\(meaning=\.\.\.\)"):

        @claim_kind("silent")
        class Silent(Kind):
            """A kind whose key says nothing."""

            variant: str

    assert "silent" not in KINDS


def test_a_key_whose_type_lab_toml_cannot_spell_is_an_error():
    with pytest.raises(TypeError, match=r"Odd\.when: type dict has no lab\.toml spelling"):

        @claim_kind("odd")
        class Odd(Kind):
            """A kind with a table for a key."""

            when: dict = key("A table.")

    assert "odd" not in KINDS


def declared_in(module: ModuleType) -> list[type[Kind]]:
    """The claim kinds a module declares (not those it imports), in its order."""
    return [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Kind) and "kind" in vars(obj) and obj.__module__ == module.__name__
    ]


def test_every_kind_class_a_family_declares_is_registered_in_the_order_of_the_families():
    assert list(KINDS.values()) == [kind for family in claims.FAMILIES for kind in declared_in(family)]


def test_every_module_of_the_claims_package_is_a_family_in_the_one_list_but_the_base():
    modules = {info.name for info in pkgutil.iter_modules(claims.__path__)}
    assert modules - {"kind"} == {family.__name__.rpartition(".")[2] for family in claims.FAMILIES}


def test_the_base_declares_no_kind():
    assert declared_in(kind_base) == []
