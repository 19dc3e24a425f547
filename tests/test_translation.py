"""checks.model.translation: every word of a lab.toml listed for the catalog, and a lab put in an edition's language."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from test_store_catalogs import po

from checks.model.i18n import ENGLISH
from checks.model.spec import load
from checks.model.translation import lab_messages, translate_lab
from checks.store.catalogs import parse_po

LAB4 = Path(__file__).resolve().parent.parent / "labs" / "lab-4-go-multistage"


def test_every_word_of_a_lab_spec_has_a_message_whose_context_names_where_it_is():
    lab = load(LAB4)
    found = {m.context: m.english for m in lab_messages(lab)}
    assert found["lab-4-go-multistage title"] == lab.title
    assert found["lab-4-go-multistage exercise"] == lab.exercise
    assert found["lab-4-go-multistage variant after"] == lab.variant("after").description
    for claim in lab.claims:
        assert found[f"{claim.id} text"] == claim.text
        assert found.get(f"{claim.id} hint", "") == claim.hint


def test_a_translated_lab_has_translated_words_and_the_same_checks():
    lab = load(LAB4)
    first = lab.claims[0]
    entries = [(f"{first.id} text", first.text, "多阶段镜像很小。"), (f"{lab.name} title", lab.title, "多阶段构建")]
    catalog = parse_po(po(*entries), "zh_CN")
    translated = translate_lab(lab, catalog)
    assert (translated.title, translated.claims[0].text) == ("多阶段构建", "多阶段镜像很小。")
    assert translated.claims[0].hint == first.hint  # untranslated: English
    assert [c.check for c in translated.claims] == [c.check for c in lab.claims]
    assert dataclasses.replace(translated, title=lab.title, claims=lab.claims) == lab
    assert translate_lab(lab, ENGLISH) is lab
