"""checks.model.i18n and the guide's editions without Docker or a docs build: languages, catalogs, the rules."""

from __future__ import annotations

import pytest

from checks.guide.editions import editions, html_lang, page_url
from checks.model import i18n
from checks.model.errors import UsageError
from checks.model.links import edition_url


def po(*entries: tuple[str | None, str, str], fuzzy: tuple[str, ...] = ()) -> str:
    """A catalog's text: (context, English, translation) entries; English in ``fuzzy`` is flagged fuzzy."""
    out = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for context, english, text in entries:
        out += ["#, fuzzy"] if english in fuzzy else []
        out += [f'msgctxt "{context}"'] if context else []
        out += [f'msgid "{english}"', f'msgstr "{text}"', ""]
    return "\n".join(out)


# Languages


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("zh_CN.UTF-8", "zh_CN"),
        ("zh-CN", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh_TW.UTF-8", "zh_CN"),
        ("en_GB.UTF-8", "en"),
        ("C.UTF-8", "en"),
        ("POSIX", "en"),
        ("en", "en"),
    ],
)
def test_a_language_is_read_the_way_people_and_locales_write_it(text, code):
    assert i18n.parse_language(text) == code


def test_a_language_slimlab_does_not_speak_is_a_usage_error_naming_those_it_does():
    with pytest.raises(UsageError, match="zh_CN") as error:
        i18n.parse_language("fr_FR")
    assert "'fr_FR'" in str(error.value)


@pytest.mark.parametrize(
    ("locale", "code"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh_CN"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_learners_language_comes_from_the_locale_in_gettexts_order(locale, code):
    assert i18n.locale_language(locale) == code


def test_each_edition_but_english_sits_in_a_folder_named_after_its_language():
    assert [i18n.edition_path(code) for code in i18n.LANGUAGES] == ["", "zh_CN"]
    assert edition_url("https://example.org/slimlab/", "zh_CN") == "https://example.org/slimlab/zh_CN"
    assert edition_url("docs/_build/html", "") == "docs/_build/html"


# Catalogs


def test_a_catalog_translates_by_context_and_english_and_leaves_the_rest_english():
    catalog = i18n.parse_po(po(("L4.1 text", "Small.", "小。"), (None, "Variant", "变体")), "zh_CN")
    assert catalog.text("Small.", "L4.1 text") == "小。"
    assert catalog.text("Small.", "L4.2 text") == "Small."  # same English, another claim: not this entry
    assert catalog.text("Variant") == "变体"
    assert catalog.text("Layers") == "Layers"


def test_a_fuzzy_or_empty_entry_reads_as_english():
    catalog = i18n.parse_po(po((None, "Size", "大小"), (None, "Layers", ""), fuzzy=("Size",)), "zh_CN")
    assert (catalog.text("Size"), catalog.text("Layers")) == ("Size", "Layers")


def test_a_missing_catalog_is_a_usage_error_naming_the_file_and_make_locale(tmp_path):
    with pytest.raises(UsageError, match="make locale") as error:
        i18n.load_catalog(tmp_path, "zh_CN", i18n.UI_DOMAIN)
    assert str(i18n.catalog_file(tmp_path, "zh_CN", i18n.UI_DOMAIN)) in str(error.value)
    assert i18n.load_catalog(tmp_path, "en", i18n.UI_DOMAIN) is i18n.ENGLISH


def test_a_malformed_catalog_is_a_usage_error_not_a_traceback(tmp_path):
    path = i18n.catalog_file(tmp_path, "zh_CN", i18n.UI_DOMAIN)
    path.parent.mkdir(parents=True)
    path.write_text('msgid "a"\nmsgstr "b"\nmsgid\n', encoding="utf-8")  # a msgid without its msgstr
    with pytest.raises(UsageError, match="cannot be read as a gettext catalog"):
        i18n.load_catalog(tmp_path, "zh_CN", i18n.UI_DOMAIN)


def test_the_ui_words_follow_the_catalog_in_use():
    with i18n.speaking(i18n.parse_po(po((None, "Variant", "变体")), "zh_CN")):
        assert i18n._("Variant") == "变体"
    assert i18n._("Variant") == "Variant"


def test_a_catalog_spoken_for_a_block_leaves_the_one_installed_before_it():
    chinese = i18n.Catalog("zh_CN", {(None, "Variant"): "变体"})
    i18n.use(chinese)
    try:
        with i18n.speaking(i18n.ENGLISH):
            assert i18n._("Variant") == "Variant"
        assert i18n._("Variant") == "变体"
    finally:
        i18n.use(i18n.ENGLISH)


def test_a_catalog_spoken_for_a_block_is_left_even_when_the_block_fails():
    with pytest.raises(RuntimeError, match="stop"), i18n.speaking(i18n.Catalog("zh_CN", {(None, "Variant"): "变体"})):
        raise RuntimeError("stop")
    assert i18n._("Variant") == "Variant"


# The rules a catalog must keep


def test_roles_literals_and_substitutions_must_be_kept_while_a_titled_roles_title_is_translated():
    english = "Only :measured:`lab-1/after/size` with ``COPY`` (see :doc:`the layers page <layers>`, |br|)."
    assert i18n.kept(english) == [":doc:`<layers>`", ":measured:`lab-1/after/size`", "``COPY``", "|br|"]
    chinese = "只有 :measured:`lab-1/after/size`，``COPY`` （见 :doc:`层 <layers>`，|br|）。"
    assert i18n.kept(chinese) == i18n.kept(english)
    assert i18n.kept("`a` and {measured}`x/y/z`", markdown=True) == ["`a`", "{measured}`x/y/z`"]


def test_a_term_or_a_page_link_may_gain_a_title_in_translation_but_keeps_its_target():
    english = "A :term:`layer` is on :doc:`layers`, measured as :measured:`lab-1/after/size`."
    chinese = "一个 :term:`层 <layer>` 见 :doc:`层 <layers>`，实测为 :measured:`lab-1/after/size`。"
    assert i18n.kept(chinese) == i18n.kept(english)
    assert i18n.kept("一个 :term:`层 <stage>`") != i18n.kept("A :term:`layer`")
    assert i18n.kept(":measured:`大小 <lab-1/after/size>`") != i18n.kept(":measured:`lab-1/after/size`")


def pot(*entries: tuple[str | None, str]) -> str:
    return po(*((c, e, "") for c, e in entries))


def test_a_complete_catalog_has_no_problems():
    assert i18n.catalog_problems(pot((None, "Size")), po((None, "Size", "大小")), "x.po") == []


def test_a_message_translated_twice_is_a_problem_though_a_reader_of_catalogs_keeps_one():
    catalog = po((None, ", ", "、"), ("chart", ", ", "，"), (None, ", ", "，"))
    assert i18n.catalog_problems(pot((None, ", "), ("chart", ", ")), catalog, "ui.po") == [
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
    problems = i18n.catalog_problems(pot((None, "Size")), catalog, "x.po")
    assert len(problems) == 1
    assert problem in problems[0]
    assert problems[0].startswith("x.po: ")


def test_a_translation_that_drops_a_measured_figure_is_a_problem():
    english = "It measures :measured:`lab-1/after/size`."
    (problem,) = i18n.catalog_problems(pot((None, english)), po((None, english, "它测得 100 MB。")), "x.po")
    assert ":measured:`lab-1/after/size`" in problem


def test_a_translation_that_loses_a_format_field_is_a_problem_where_fields_count():
    english = "{passed}/{total} goals met"
    catalog = po((None, english, "达成 {passed} 个目标"))
    assert i18n.catalog_problems(pot((None, english)), catalog, "ui.po") == []
    (problem,) = i18n.catalog_problems(pot((None, english)), catalog, "ui.po", fields=True)
    assert "{total}" in problem


def test_the_ui_words_are_found_where_they_are_marked():
    source = b'from x import _, N_\nA = N_("Title")\ndef f():\n    return _("Hello {name}").format(name=1), "plain"\n'
    assert i18n.ui_messages({"m.py": source}) == ["Title", "Hello {name}"]


def test_a_template_holds_each_message_once_with_its_context():
    text = i18n.pot_text([i18n.Message("L1.1 text", "Small."), "Variant", "Variant"], i18n.UI_DOMAIN)
    assert text.count('msgid "Variant"') == 1
    assert 'msgctxt "L1.1 text"\nmsgid "Small."' in text


# The switcher's links


@pytest.mark.parametrize(
    ("pagename", "here", "there", "url"),
    [
        ("layers", "en", "zh_CN", "zh_CN/layers.html"),
        ("layers", "zh_CN", "en", "../layers.html"),
        ("layers", "zh_CN", "zh_CN", "../zh_CN/layers.html"),
        ("a/b", "en", "zh_CN", "../zh_CN/a/b.html"),
    ],
)
def test_the_switcher_links_the_same_page_of_the_other_edition(pagename, here, there, url):
    assert page_url(pagename, here, there) == url


def test_every_page_offers_every_edition_and_marks_its_own():
    found = editions("index", "zh_CN")
    assert [(e["code"], e["current"]) for e in found] == [("en", False), ("zh_CN", True)]
    assert html_lang("zh_CN") == "zh-CN"


def test_a_catalog_whose_header_is_still_fuzzy_is_a_problem():
    catalog = "#, fuzzy\n" + po((None, "Size", "大小"))
    assert i18n.catalog_problems(pot((None, "Size")), catalog, "x.po") == [
        "x.po: its header is fuzzy: fill it in, then remove the flag"
    ]


def test_a_message_with_nodes_in_it_keeps_each_piece_where_its_translation_puts_it():
    from docutils import nodes

    from checks.guide.nodes import fill, literal

    command = literal("make check")
    english = fill("Recorded by {command} on {day}.", command=command, day="2026-12-01")
    chinese = fill("由 {command} 于 {day} 记录。", command=command, day="2026-12-01")
    assert english == ["Recorded by ", command, " on ", "2026-12-01", "."]
    assert chinese == ["由 ", command, " 于 ", "2026-12-01", " 记录。"]
    assert fill("{a}{b}", a=[nodes.Text("x"), "y"], b="z") == [nodes.Text("x"), "y", "z"]


def test_a_phrase_is_said_in_the_language_in_use_its_fields_as_they_are():
    phrase = i18n.say("found: {paths}", paths=("/usr/local/go", "/src"))
    assert str(phrase) == "found: /usr/local/go, /src"
    with i18n.speaking(i18n.parse_po(po((None, "found: {paths}", "找到了：{paths}"), (None, ", ", "，")), "zh_CN")):
        assert str(phrase) == "找到了：/usr/local/go，/src"
        assert f"{phrase}" == "找到了：/usr/local/go，/src"


def test_a_phrase_without_fields_is_its_translated_template_braces_untouched():
    assert str(i18n.Phrase("all print '{x}'")) == "all print '{x}'"


def test_a_message_said_two_ways_is_told_apart_by_its_context():
    source = b'from x import _, C_\nA = _("{factor}\xc3\x97")\nB = C_("times smaller", "{factor}\xc3\x97")\n'
    assert i18n.ui_messages({"m.py": source}) == ["{factor}×", i18n.Message("times smaller", "{factor}×")]
    catalog = i18n.parse_po(
        po((None, "{factor}×", "{factor} 倍"), ("times smaller", "{factor}×", "1/{factor}")), "zh_CN"
    )
    with i18n.speaking(catalog):
        assert (i18n._("{factor}×"), i18n.C_("times smaller", "{factor}×")) == ("{factor} 倍", "1/{factor}")
