"""checks.model.i18n and the guide's editions without Docker or a docs build: languages, the words in use, phrases."""

from __future__ import annotations

import pytest

from checks.guide.editions import editions, html_lang, page_url
from checks.model import i18n
from checks.model.errors import UsageError
from checks.model.links import edition_url


def zh(*entries: tuple[str | None, str, str]) -> i18n.Catalog:
    """A Chinese catalog of (context, English, translation) entries."""
    return i18n.Catalog("zh_CN", {(context, english): text for context, english, text in entries})


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


# The words in use


def test_a_catalog_translates_by_context_and_english_and_leaves_the_rest_english():
    catalog = zh(("L4.1 text", "Small.", "小。"), (None, "Variant", "变体"))
    assert catalog.text("Small.", "L4.1 text") == "小。"
    assert catalog.text("Small.", "L4.2 text") == "Small."  # same English, another claim: not this entry
    assert catalog.text("Variant") == "变体"
    assert catalog.text("Layers") == "Layers"


def test_the_ui_words_follow_the_catalog_in_use():
    with i18n.speaking(zh((None, "Variant", "变体"))):
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
    with i18n.speaking(zh((None, "found: {paths}", "找到了：{paths}"), (None, ", ", "，"))):
        assert str(phrase) == "找到了：/usr/local/go，/src"
        assert f"{phrase}" == "找到了：/usr/local/go，/src"


def test_a_phrase_without_fields_is_its_translated_template_braces_untouched():
    assert str(i18n.Phrase("all print '{x}'")) == "all print '{x}'"


def test_a_message_said_two_ways_is_told_apart_by_its_context():
    with i18n.speaking(zh((None, "{factor}×", "{factor} 倍"), ("times smaller", "{factor}×", "1/{factor}"))):
        assert (i18n._("{factor}×"), i18n.C_("times smaller", "{factor}×")) == ("{factor} 倍", "1/{factor}")
