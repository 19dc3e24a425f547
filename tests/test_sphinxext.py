"""checks.guide.sphinxext: what the guide's extension checks, and that the reference keeps up with the code."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pytest

from checks.guide import basesref, sphinxext, sphinxref
from checks.model import settings
from checks.model.errors import UsageError
from checks.model.spec import parse

ROOT = Path(__file__).resolve().parent.parent
LAB4 = ROOT / "labs/lab-4-go-multistage"
REFERENCE = (ROOT / "docs/reference.rst").read_text(encoding="utf-8")


@pytest.mark.parametrize("table", sorted(sphinxref.TOML_TABLES))
def test_every_lab_toml_key_the_reference_documents_is_one_the_spec_accepts(table):
    import tomllib

    data = tomllib.loads((LAB4 / "lab.toml").read_text())
    _, keys = sphinxref.TOML_TABLES[table]
    for key in keys:
        probe = tomllib.loads((LAB4 / "lab.toml").read_text())
        target = {
            "lab": probe["lab"],
            "smoke": probe["smoke"],
            "variants": probe["variants"]["after"],
            "claims": probe["claims"][0],
        }[table]
        target[key] = target.get(key, "x")
        assert "unknown key" not in spec_error(probe), f"{table}.{key}"
    assert data  # the real spec parses as it is


def test_the_reference_rows_of_a_kind_show_its_lab_toml_spelling_type_default_and_meaning():
    from checks.model.claims.pulls import PullSpeedup
    from checks.model.claims.smoke import SameSmokeOutput

    assert sphinxref.kind_rows(SameSmokeOutput) == [
        ("variants", "array of strings", "required", "At least two variants.")
    ]
    rows = {key: (kind, default) for key, kind, default, _ in sphinxref.kind_rows(PullSpeedup)}
    assert rows == {
        "variant": ("string", "required"),
        "of": ("string", "required"),
        "min": ("number", "required"),
        "link_mbit": ("number", "none"),
    }


def test_every_claim_kind_has_a_meaning_for_every_key_in_its_reference_rows():
    from checks.model.claims import KINDS

    for name, kind in KINDS.items():
        for key, _, _, meaning in sphinxref.kind_rows(kind):
            assert meaning.endswith("."), f"{name}.{key}"


def _parser() -> argparse.ArgumentParser:
    from checks.cli import parser

    return parser()


def test_the_reference_documents_every_subcommand_and_option_of_the_cli():
    top = _parser()
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        assert f"python -m checks {name}" in REFERENCE, f"subcommand {name}"
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in REFERENCE, f"{name} {option}"


def test_the_reference_documents_every_environment_variable_the_checker_reads():
    used = set(settings.READ)
    for path in [*ROOT.joinpath("checks").rglob("*.py"), *ROOT.joinpath("checks").rglob("*.sh")]:
        used |= set(re.findall(r"\b(SLIMLAB_[A-Z_]+)\b", path.read_text(encoding="utf-8")))
    missing = sorted(v for v in used if f"``{v}``" not in REFERENCE)
    assert not missing


def test_the_reference_states_the_three_exit_codes():
    for code in ("``0``", "``1``", "``2``"):
        assert code in REFERENCE


def spec_error(data: dict) -> str:
    """What parsing ``data`` as a lab spec complains about ("" when it parses)."""
    try:
        parse(data, name="lab-4-go-multistage", source="lab.toml")
    except UsageError as error:
        return str(error)
    return ""


class _Recorder:
    """Stands in for the Sphinx application: remembers every call setup() makes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple]] = []
        self.config = argparse.Namespace()

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: self.calls.append((name, args))


def test_every_directive_and_role_of_the_guide_is_documented_where_page_writers_look():
    import checks.guide as package

    app = _Recorder()
    sphinxext.setup(app)  # type: ignore[arg-type]
    registered = [(kind, args[0]) for kind, args in app.calls if kind in ("add_directive", "add_role")]
    docs = "\n".join(
        module.__doc__ or "" for name, module in sorted(sys.modules.items()) if name.startswith(package.__name__ + ".")
    )
    written = {"add_directive": "``.. {}::", "add_role": ":{}:`"}
    missing = [name for kind, name in registered if written[kind].format(name) not in docs]
    assert len(registered) > 20
    assert not missing, f"document these in a checks.guide module docstring (sphinxext's lists the others): {missing}"


def test_every_directive_a_guide_module_defines_is_a_row_of_the_one_table():
    from sphinx.util.docutils import SphinxDirective

    import checks.guide as package

    defined = {
        value
        for name, module in sorted(sys.modules.items())
        if name.startswith(package.__name__ + ".")
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, SphinxDirective) and value.__module__ == name
        and value.run is not SphinxDirective.run
    }  # fmt: skip
    assert defined
    assert defined == set(sphinxext.DIRECTIVES.values())


def test_setup_registers_each_row_of_the_tables_once_and_nothing_beside_them():
    app = _Recorder()
    sphinxext.setup(app)  # type: ignore[arg-type]
    directives = [args[0] for kind, args in app.calls if kind == "add_directive"]
    roles = [(args[0], type(args[1])) for kind, args in app.calls if kind == "add_role"]
    handlers = [args for kind, args in app.calls if kind == "connect"]
    assert directives == list(sphinxext.DIRECTIVES)
    assert roles == list(sphinxext.ROLES.items())
    assert handlers == list(sphinxext.EVENTS)
    assert [args[0] for kind, args in app.calls if kind == "add_node"] == [node for node, _ in sphinxext.NODES]


# The words of the reference tables (the slimlab-reference catalog)


def test_every_word_a_reference_table_renders_has_a_message_whose_context_names_its_place():
    from checks.model.claims import KINDS

    found = sphinxref.messages(ROOT / "checks" / "bases")
    keys = [(m.context, m.english) for m in found]
    assert len(keys) == len(set(keys))
    contexts = {m.context for m in found}
    for name, kind in KINDS.items():
        assert f"claim kind {name}" in contexts
        assert {f"claim kind {name} key {k.name}" for k in kind.toml_keys()} <= contexts
    assert {
        f"lab.toml [{table}] {key}" for table in sphinxref.TOML_TABLES for key, *_ in sphinxref.toml_rows(table)
    } <= contexts
    assert {"secret rule github-token", "hadolint DL3009", ":measured: size", "results.json lab"} <= contexts
    assert ("base alpine summary", basesref.read_recipes(ROOT / "checks" / "bases")[0]["summary"]) in keys
    assert ("word", "required") in keys
    assert ("word", "[]") not in keys  # words, never values


def test_a_reference_message_shows_code_as_a_literal_so_a_translation_must_keep_it():
    found = {m.context: m.english for m in sphinxref.messages(ROOT / "checks" / "bases")}
    assert "``docker image ls``" in found[":measured: size"]
    assert "``L4.1``" in found["lab.toml [claims] id"]


def test_a_measured_values_tooltip_drops_the_example_in_english_and_in_a_translation():
    from types import SimpleNamespace

    from checks.guide.measuredroles import field_words
    from checks.model import i18n

    english = SimpleNamespace()
    assert field_words(english, "compressed") == "Compressed size as a registry stores it"
    message = sphinxref.as_rst(sphinxref.FIELDS["compressed"].help)
    chinese = SimpleNamespace(
        _slimlab_reference_catalog=i18n.Catalog(
            "zh_CN", {(":measured: compressed", message): "镜像仓库存储的压缩后大小（记录后才有，如 ``2.9 MB``）。"}
        )
    )
    assert field_words(chinese, "compressed") == "镜像仓库存储的压缩后大小"
