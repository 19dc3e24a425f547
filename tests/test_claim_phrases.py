"""A verdict's words are phrases: a marked template and its fields, said in the language in use.

Judged on the labs' recorded figures (every kind the labs use) and on plain values for the rest, each kind's
words come out in English as they always read, in Chinese from the catalog, and with the same figures in both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.model import i18n
from checks.model.claims import KINDS
from checks.model.claims.kind import Kind, Verdict, share
from checks.model.claims.pulls import PullSpeedup
from checks.model.claims.sizes import MaxSize, SizeRatio
from checks.model.claims.smoke import SmokePasses
from checks.model.i18n import Phrase
from checks.model.measured import Measured, SmokeRun
from checks.model.results import RESULTS_NAME
from checks.model.spec import load
from checks.store import catalogs
from checks.store.results import read

ROOT = Path(__file__).resolve().parent.parent
LABS = sorted(p.parent for p in ROOT.glob(f"labs/*/{RESULTS_NAME}"))
ZH = catalogs.load_catalog(ROOT / catalogs.LOCALE_DIR, "zh_CN", catalogs.UI_DOMAIN)
#: Figures as every edition shows them: ``0.66%``, ``6.2 MB``, ``1.32 s``, ``16.6``.
FIGURE = re.compile(r"\d+(?:\.\d+)?(?: ?(?:%|[kMG]?B|s)\b|%)?")


def in_language(catalog: i18n.Catalog, said: object) -> str:
    with i18n.speaking(catalog):
        return str(said)


def templates(said: object) -> Iterator[str]:
    """Every template of a phrase and of the phrases in its fields."""
    if isinstance(said, Phrase):
        yield said.template
        for _name, value in said.fields:
            yield from templates(value)
    elif isinstance(said, tuple):
        for item in said:
            yield from templates(item)


def recorded_verdicts() -> list[tuple[str, str, Kind, Verdict]]:
    """(claim id, kind, claim, verdict) for every recorded claim, judged again on its lab's recorded figures."""
    found = []
    for folder in LABS:
        lab, results = load(folder), read(folder / RESULTS_NAME)
        assert results is not None
        recorded = {c.id: c for c in results.claims}
        for claim in lab.claims:
            old = recorded[claim.id]
            verdict = claim.check.rejudged(
                results.variants, Verdict(passed=old.passed, expected=old.expected, measured=old.measured)
            )
            assert verdict is not None, claim.id
            found.append((claim.id, claim.check.kind, claim.check, verdict))
    return found


RECORDED = recorded_verdicts()


@pytest.mark.parametrize(("claim_id", "kind", "claim", "verdict"), RECORDED, ids=[r[0] for r in RECORDED])
def test_a_recorded_verdict_reads_in_chinese_with_the_figures_it_reads_in_english(claim_id, kind, claim, verdict):
    for said in (verdict.expected, verdict.measured):
        english, chinese = str(said), in_language(ZH, said)
        assert sorted(FIGURE.findall(chinese.replace("≤", "").replace("≥", ""))) == sorted(FIGURE.findall(english)), (
            english,
            chinese,
        )
        missing = [t for t in templates(said) if (None, t) not in ZH.entries]
        assert not missing, f"{claim_id}: no Chinese for {missing}"


def test_every_kind_the_labs_judge_says_its_words_as_phrases():
    kinds = {kind for _, kind, _, _ in RECORDED}
    assert kinds == set(KINDS) - {"smoke_passes"}, "a kind no lab uses needs a test of its own below"
    assert all(isinstance(v.expected, Phrase) for *_, v in RECORDED)


def test_the_fields_carry_the_figures_and_the_names_not_sentences():
    verdict = SizeRatio(variant="after", of="before", max=0.02).evaluate(
        {
            "after": Measured(image_id="a", size_bytes=6_200_000, layer_count=1, user=""),
            "before": Measured(image_id="b", size_bytes=949_400_000, layer_count=1, user=""),
        }
    )
    assert isinstance(verdict.measured, Phrase)
    assert isinstance(verdict.expected, Phrase)
    assert dict(verdict.measured.fields) == {"ratio": "0.65%", "size": "6.2 MB", "base": "949.4 MB"}
    assert verdict.expected.field("variant") == "after"
    assert verdict.expected.field("of") == "before"
    assert str(verdict.expected) == "after/before <= 2.00%"
    assert in_language(ZH, verdict.expected) == "after/before ≤ 2.00%"
    assert in_language(ZH, verdict.measured) == "0.65%（6.2 MB / 949.4 MB）"


def test_a_speed_up_reads_as_times_the_speed_in_chinese_never_with_a_times_sign():
    def pulled(*runs: float) -> Measured:
        return Measured(image_id="x", size_bytes=1, layer_count=1, user="", pull_runs=runs)

    verdict = PullSpeedup(variant="after", of="before", min=4).evaluate(
        {"after": pulled(1.32, 1.30, 1.40), "before": pulled(21.94, 22.0, 21.0)}
    )
    assert str(verdict.measured) == "16.6× (1.32 s against 21.94 s, medians of 3 cold pulls)"
    chinese = in_language(ZH, verdict.measured)
    assert "×" not in chinese
    assert "速度是原来的 16.6 倍" in chinese
    assert "×" not in in_language(ZH, verdict.expected)


def test_a_share_above_ten_is_a_factor_and_chinese_says_it_in_times():
    assert share(0.0196) == "1.96%"
    assert str(share(79.5)) == "79.5×"
    assert in_language(ZH, share(79.5)) == "79.5 倍"


def test_names_paths_and_program_output_stay_as_they_are_in_chinese():
    failed = SmokePasses(variant="after").evaluate(
        {
            "after": Measured(
                image_id="x",
                size_bytes=1,
                layer_count=1,
                user="",
                smoke=SmokeRun(exit_code=2, stdout="", stderr_tail="panic: boom", passed=False),
            )
        }
    )
    assert str(failed.measured) == "exit 2: panic: boom"
    assert in_language(ZH, failed.measured) == "退出码 2：“panic: boom”"
    assert in_language(ZH, failed.expected) == "冒烟测试通过"


def test_a_figure_alone_is_plain_text_the_same_in_every_edition():
    verdict = MaxSize(variant="after", max_mb=8).evaluate(
        {"after": Measured(image_id="x", size_bytes=6_000_000, layer_count=1, user="")}
    )
    assert verdict.measured == "6.0 MB" == in_language(ZH, verdict.measured)
