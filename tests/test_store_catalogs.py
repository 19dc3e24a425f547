"""checks.store.catalogs: gettext catalogs read from their .po text and files, templates written, and the rules a
catalog must keep (tests/test_locale.py holds the repository's catalogs to them)."""

from __future__ import annotations

import pytest

from checks.model import i18n
from checks.model.errors import UsageError
from checks.store import catalogs


def po(*entries: tuple[str | None, str, str], fuzzy: tuple[str, ...] = ()) -> str:
    """A catalog's text: (context, English, translation) entries; English in ``fuzzy`` is flagged fuzzy."""
    out = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for context, english, text in entries:
        out += ["#, fuzzy"] if english in fuzzy else []
        out += [f'msgctxt "{context}"'] if context else []
        out += [f'msgid "{english}"', f'msgstr "{text}"', ""]
    return "\n".join(out)


def pot(*entries: tuple[str | None, str]) -> str:
    return po(*((c, e, "") for c, e in entries))


# Reading a catalog


def test_a_catalog_read_from_its_po_text_translates_by_context_and_english_the_rest_as_english():
    catalog = catalogs.parse_po(po(("L4.1 text", "Small.", "小。"), (None, "Variant", "变体")), "zh_CN")
    assert catalog.text("Small.", "L4.1 text") == "小。"
    assert catalog.text("Small.", "L4.2 text") == "Small."  # same English, another claim: not this entry
    assert catalog.text("Variant") == "变体"
    assert catalog.text("Layers") == "Layers"


def test_a_fuzzy_or_empty_entry_reads_as_english():
    catalog = catalogs.parse_po(po((None, "Size", "大小"), (None, "Layers", ""), fuzzy=("Size",)), "zh_CN")
    assert (catalog.text("Size"), catalog.text("Layers")) == ("Size", "Layers")


def test_a_missing_catalog_is_a_usage_error_naming_the_file_and_make_locale(tmp_path):
    with pytest.raises(UsageError, match="make locale") as error:
        catalogs.load_catalog(tmp_path, "zh_CN", catalogs.UI_DOMAIN)
    assert str(catalogs.catalog_file(tmp_path, "zh_CN", catalogs.UI_DOMAIN)) in str(error.value)
    assert catalogs.load_catalog(tmp_path, "en", catalogs.UI_DOMAIN) is i18n.ENGLISH


def test_a_malformed_catalog_is_a_usage_error_not_a_traceback(tmp_path):
    path = catalogs.catalog_file(tmp_path, "zh_CN", catalogs.UI_DOMAIN)
    path.parent.mkdir(parents=True)
    path.write_text('msgid "a"\nmsgstr "b"\nmsgid\n', encoding="utf-8")  # a msgid without its msgstr
    with pytest.raises(UsageError, match="cannot be read as a gettext catalog"):
        catalogs.load_catalog(tmp_path, "zh_CN", catalogs.UI_DOMAIN)


# The rules a catalog must keep


def test_roles_literals_and_substitutions_must_be_kept_while_a_titled_roles_title_is_translated():
    english = "Only :measured:`lab-1/after/size` with ``COPY`` (see :doc:`the layers page <layers>`, |br|)."
    assert catalogs.kept(english) == [":doc:`<layers>`", ":measured:`lab-1/after/size`", "``COPY``", "|br|"]
    chinese = "只有 :measured:`lab-1/after/size`，``COPY`` （见 :doc:`层 <layers>`，|br|）。"
    assert catalogs.kept(chinese) == catalogs.kept(english)
    assert catalogs.kept("`a` and {measured}`x/y/z`", markdown=True) == ["`a`", "{measured}`x/y/z`"]


def test_a_term_or_a_page_link_may_gain_a_title_in_translation_but_keeps_its_target():
    english = "A :term:`layer` is on :doc:`layers`, measured as :measured:`lab-1/after/size`."
    chinese = "一个 :term:`层 <layer>` 见 :doc:`层 <layers>`，实测为 :measured:`lab-1/after/size`。"
    assert catalogs.kept(chinese) == catalogs.kept(english)
    assert catalogs.kept("一个 :term:`层 <stage>`") != catalogs.kept("A :term:`layer`")
    assert catalogs.kept(":measured:`大小 <lab-1/after/size>`") != catalogs.kept(":measured:`lab-1/after/size`")


def test_a_complete_catalog_has_no_problems():
    assert catalogs.catalog_problems(pot((None, "Size")), po((None, "Size", "大小")), "x.po") == []


def test_a_catalog_whose_header_is_still_fuzzy_is_a_problem():
    catalog = "#, fuzzy\n" + po((None, "Size", "大小"))
    assert catalogs.catalog_problems(pot((None, "Size")), catalog, "x.po") == [
        "x.po: its header is fuzzy: fill it in, then remove the flag"
    ]


def test_a_message_translated_twice_is_a_problem_though_a_reader_of_catalogs_keeps_one():
    catalog = po((None, ", ", "、"), ("chart", ", ", "，"), (None, ", ", "，"))
    assert catalogs.catalog_problems(pot((None, ", "), ("chart", ", ")), catalog, "ui.po") == [
        "ui.po: ', ' is in the catalog twice: keep one translation"
    ]


@pytest.mark.parametrize(
    ("catalog", "problem"),
    [
        (po(), "is not in the catalog (run `make locale`)"),
        (po((None, "Size", "大小"), (None, "Old", "旧")), "no longer in the English"),
        (
            po(
                (None, "Size", ""),
            ),
            "is not translated",
        ),
        (po((None, "Size", "大小"), fuzzy=("Size",)), "is fuzzy"),
    ],
)
def test_a_catalog_that_rotted_says_how(catalog, problem):
    problems = catalogs.catalog_problems(pot((None, "Size")), catalog, "x.po")
    assert len(problems) == 1
    assert problem in problems[0]
    assert problems[0].startswith("x.po: ")


def test_a_translation_that_drops_a_measured_figure_is_a_problem():
    english = "It measures :measured:`lab-1/after/size`."
    (problem,) = catalogs.catalog_problems(pot((None, english)), po((None, english, "它测得 100 MB。")), "x.po")
    assert ":measured:`lab-1/after/size`" in problem


def test_a_translation_that_loses_a_format_field_is_a_problem_where_fields_count():
    english = "{passed}/{total} goals met"
    catalog = po((None, english, "达成 {passed} 个目标"))
    assert catalogs.catalog_problems(pot((None, english)), catalog, "ui.po") == []
    (problem,) = catalogs.catalog_problems(pot((None, english)), catalog, "ui.po", fields=True)
    assert "{total}" in problem


# Messages found and templates written


def test_the_ui_words_are_found_where_they_are_marked():
    source = b'from x import _, N_\nA = N_("Title")\ndef f():\n    return _("Hello {name}").format(name=1), "plain"\n'
    assert catalogs.ui_messages({"m.py": source}) == ["Title", "Hello {name}"]


def test_a_template_holds_each_message_once_with_its_context():
    text = catalogs.pot_text([i18n.Message("L1.1 text", "Small."), "Variant", "Variant"], catalogs.UI_DOMAIN)
    assert text.count('msgid "Variant"') == 1
    assert 'msgctxt "L1.1 text"\nmsgid "Small."' in text


def test_a_template_is_written_as_its_domain_s_pot_file(tmp_path):
    path = catalogs.write_template(tmp_path, catalogs.LABS_DOMAIN, [i18n.Message("L1.1 text", "Small.")])
    assert path == tmp_path / "slimlab-labs.pot"
    assert path.read_text(encoding="utf-8") == catalogs.pot_text([i18n.Message("L1.1 text", "Small.")], "slimlab-labs")


def test_a_message_said_two_ways_is_found_with_its_context():
    source = b'from x import _, C_\nA = _("{factor}\xc3\x97")\nB = C_("times smaller", "{factor}\xc3\x97")\n'
    assert catalogs.ui_messages({"m.py": source}) == ["{factor}×", i18n.Message("times smaller", "{factor}×")]
