"""checks.learner.grade without Docker: the goals a learner gets, the lab they are judged in, the text they read."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from checks.inspect.lint import RULE_SUMMARIES, Finding
from checks.learner.grade import Grade, bars, render
from checks.measure.source import image_tag
from checks.model.checkout import HERE
from checks.model.claims.contents import PathAbsent
from checks.model.claims.floor import MaxFloorRatio
from checks.model.claims.pulls import MaxCompressedSize, PullSpeedup
from checks.model.claims.sizes import SizeRatio
from checks.model.claims.smoke import SameSmokeOutput, SmokePasses
from checks.model.columns import width
from checks.model.exercise import LEARNER, REFERENCE, SOLUTION, goals, graded_lab
from checks.model.measured import Measured
from checks.model.results import ClaimResult
from checks.model.settings import from_environ
from checks.model.spec import Claim, Lab, Variant, load

LAB4 = Path(__file__).resolve().parent.parent / "labs" / "lab-4-go-multistage"


def demo(*claims: Claim) -> Lab:
    variants = tuple(Variant(name=n, dockerfile=f"{n}.Dockerfile") for n in ("before", "after", "distroless"))
    return Lab(name="lab-9-demo", title="Demo", page="demo", variants=variants, claims=claims)


def claim(number: int, check, text: str = "A sentence.", hint: str = "") -> Claim:
    return Claim(id=f"L9.{number}", text=text, check=check, hint=hint)


SMALL = claim(1, SizeRatio(variant="after", of="before", max=0.1), hint="Use a multi-stage build.")
NO_GO = claim(2, PathAbsent(variant="after", paths=("usr/local/go",)))
SAME = claim(
    3, SameSmokeOutput(variants_=("before", "after", "distroless")), text="before, after and distroless agree."
)


# goals()


def test_a_claim_about_after_becomes_a_goal_about_the_learners_image_with_its_id_and_hint():
    (smoke, small) = goals(demo(SMALL))
    assert small == Claim(
        id="L9.1",
        text="A sentence.",
        check=SizeRatio(variant=LEARNER, of="before", max=0.1),
        hint="Use a multi-stage build.",
    )
    assert smoke.check == SmokePasses(variant=LEARNER)


def test_a_lab_without_a_smoke_goal_gets_one_first_numbered_zero():
    (smoke, *_) = goals(demo(SMALL, NO_GO))
    assert (smoke.id, smoke.text) == ("L9.0", "The app still passes its smoke test.")
    assert "before.Dockerfile" in smoke.hint


def test_a_lab_whose_goals_run_the_smoke_test_gets_no_extra_one():
    assert [goal.id for goal in goals(demo(SMALL, SAME))] == ["L9.1", "L9.3"]


def test_a_smoke_comparison_keeps_the_variants_grading_builds_and_says_so_in_its_own_words():
    (_, same) = goals(demo(SMALL, SAME))
    assert same.check == SameSmokeOutput(variants_=("before", LEARNER))
    assert same.text == SameSmokeOutput.goal_text


def test_claims_about_other_variants_or_comparing_with_one_grading_does_not_build_are_not_goals():
    other = claim(4, SizeRatio(variant="distroless", of="before", max=0.1))
    against = claim(5, SizeRatio(variant="after", of="distroless", max=0.1))
    assert [goal.id for goal in goals(demo(SMALL, other, against))] == ["L9.0", "L9.1"]


def test_claims_that_need_a_registry_or_cold_pulls_are_left_to_make_check():
    pulls = claim(4, PullSpeedup(variant="after", of="before", min=2))
    pushed = claim(5, MaxCompressedSize(variant="after", max_mb=10))
    assert [goal.id for goal in goals(demo(SMALL, pulls, pushed))] == ["L9.0", "L9.1"]


def test_claims_on_the_runtime_floor_are_left_to_make_check():
    floor = claim(4, MaxFloorRatio(variant="after", max=1.25))
    assert [goal.id for goal in goals(demo(SMALL, floor))] == ["L9.0", "L9.1"]


def test_the_real_lab_4_goals_all_judge_the_learners_image():
    for goal in goals(load(LAB4)):
        assert LEARNER in goal.check.variants()
        assert "after" not in goal.check.variants()


# graded_lab()


def test_the_graded_lab_builds_before_the_learners_dockerfile_and_the_reference_answer():
    graded = graded_lab(demo(SMALL, SAME), "exercise.Dockerfile")
    assert [(v.name, v.dockerfile) for v in graded.variants] == [
        ("before", "before.Dockerfile"),
        (LEARNER, "exercise.Dockerfile"),
        (REFERENCE, SOLUTION),
    ]
    assert graded.claims == goals(demo(SMALL, SAME))


def test_the_graded_lab_has_its_own_name_so_grading_never_moves_the_recorded_tags():
    assert graded_lab(demo(SMALL), "exercise.Dockerfile").name == "lab-9-demo-grade"


def test_the_learners_image_is_named_in_this_checkout_s_namespace_apart_from_the_lab_s_own():
    graded = graded_lab(demo(SMALL), "exercise.Dockerfile")
    assert image_tag(graded, graded.variant(LEARNER)) == f"slimlab-{HERE.id}/lab-9-demo-grade:{LEARNER}"


# bars()


def test_the_biggest_image_fills_the_width_and_the_others_are_to_scale():
    lines = bars({"before": 100_000_000, LEARNER: 50_000_000}, width=10)
    assert lines == ["  before  ██████████  100.0 MB", "  yours   █████       50.0 MB"]


def test_bar_names_are_padded_by_display_width_so_chinese_names_line_up_their_bars():
    lines = bars({"优化前": 100_000_000, "你的版本": 50_000_000, "参考答案": 10_000_000}, width=10)
    assert {width(line.split("█")[0]) for line in lines} == {12}


def test_a_tiny_image_still_gets_one_block():
    (_, tiny) = bars({"before": 1_000_000_000, "yours": 1_000}, width=10)
    assert tiny.count("█") == 1


# render()


def measured(size: int) -> Measured:
    return Measured(image_id="sha256:x", size_bytes=size, layer_count=1)


def result(*passed: bool, advice: tuple[Finding, ...] = ()) -> Grade:
    lab = graded_lab(demo(SMALL, NO_GO), "exercise.Dockerfile")
    verdicts = tuple(
        ClaimResult(id=goal.id, kind=goal.check.kind, text=goal.text, passed=ok, expected="<= 10%", measured="5%")
        for goal, ok in zip(lab.claims, passed, strict=True)
    )
    return Grade(
        lab=lab,
        dockerfile="exercise.Dockerfile",
        goals=verdicts,
        hints={c.id: c.hint for c in lab.claims},
        measured={"before": measured(100_000_000), LEARNER: measured(20_000_000), REFERENCE: measured(10_000_000)},
        advice=advice,
    )


def test_render_marks_every_goal_and_congratulates_when_all_pass():
    text = render(result(True, True, True))
    assert text.startswith("lab-9-demo: grading exercise.Dockerfile\n")
    assert "  PASS  L9.1   A sentence.\n               measured 5%; goal <= 10%" in text
    assert "hint:" not in text
    assert text.endswith("  3/3 goals met; every goal met: well done.")


def test_render_gives_a_failed_goal_its_hint_and_the_url_of_its_section():
    text = render(result(True, False, True), docs_url="https://guide.example")
    assert "  FAIL  L9.1   A sentence." in text
    assert "        hint: Use a multi-stage build.\n        learn: https://guide.example/demo.html#l9-1" in text
    assert text.endswith("  2/3 goals met; keep going: fix the goals marked FAIL above.")


def test_render_falls_back_to_the_goals_sentence_when_it_has_no_hint():
    assert "        hint: A sentence." in render(result(True, True, False))


def test_render_shows_the_size_journey_in_build_order():
    journey = render(result(True, True, True)).split("  size journey: before -> yours -> reference\n")[1]
    assert [line.split()[0] for line in journey.splitlines()[:3]] == ["before", LEARNER, REFERENCE]


def test_render_names_the_learners_image_so_it_can_be_found_run_or_analyzed():
    text = render(dataclasses.replace(result(True, True, True), image="slimlab-0123abcd/lab-9-demo-grade:yours"))
    assert "\n  your image: slimlab-0123abcd/lab-9-demo-grade:yours\n" in text
    assert "your image" not in render(result(True, True, True))


@pytest.mark.parametrize(
    "advice",
    [
        (),
        (
            Finding(
                file="exercise.Dockerfile",
                line=3,
                code="DL3009",
                level="info",
                message="Delete the apt-get lists after installing something",
            ),
        ),
    ],
)
def test_render_shows_hadolint_advice_only_when_there_is_some_and_never_as_a_goal(advice):
    text = render(result(True, True, True, advice=advice))
    assert ("advice from hadolint (not graded):" in text) is bool(advice)
    if advice:
        assert f"    exercise.Dockerfile:3: DL3009 {RULE_SUMMARIES['DL3009']}\n      learn: " in text
    assert "3/3 goals met" in text


# render() in Chinese


#: What a Chinese report may still show in Latin letters, each for its reason.  Everything else is Chinese.
KEPT_IN_CHINESE = (
    r"https?://\S+",  # the links to the guide's sections
    r"[\w.-]+/[\w.-]+:[\w.-]+",  # the learner's image name
    r"\b[\w-]+\.Dockerfile\b",  # file names
    r"\blab-\d+-[\w-]+",  # the lab's name
    r"\bL\d+\.\d+\b|\bDL\d{4}\b",  # goal ids and hadolint's rule codes
    r"\b\d+(\.\d+)?\s*(MB|kB|GB|%)",  # figures and their units
    r"\bhadolint\b",  # the tool's name
    r"\bapt-get install\b|\bRUN\b|/var/lib/apt/lists/\*",  # the command and instruction DL3009's advice names
)


def chinese_report(*passed: bool, advice: tuple[Finding, ...] = ()) -> str:
    """The report the grader prints under LANG=zh_CN.UTF-8: the real catalogs, the goals made while they are
    in use (as `python -m checks grade` makes them), a lab whose own words are translated."""
    from checks.model import i18n, translation
    from checks.model.links import edition_url
    from checks.store import catalogs

    root = Path(__file__).resolve().parent.parent
    chinese = catalogs.parse_po(
        'msgid ""\nmsgstr ""\n\nmsgctxt "L9.1 text"\nmsgid "A sentence."\nmsgstr "一句话。"\n\n'
        'msgctxt "L9.1 hint"\nmsgid "Use a multi-stage build."\nmsgstr "用多阶段构建。"\n\n'
        'msgctxt "L9.2 text"\nmsgid "A sentence."\nmsgstr "镜像里没有编译器。"\n',
        "zh_CN",
    )
    with i18n.speaking(catalogs.load_catalog(root / catalogs.LOCALE_DIR, "zh_CN", catalogs.UI_DOMAIN)):
        graded = graded_lab(translation.translate_lab(demo(SMALL, NO_GO), chinese), "exercise.Dockerfile")
        goals_ = tuple(
            ClaimResult(id=g.id, kind=g.check.kind, text=g.text, passed=ok, expected="≤ 10%", measured="5%")
            for g, ok in zip(graded.claims, passed, strict=True)
        )
        return render(
            Grade(
                lab=graded,
                dockerfile="exercise.Dockerfile",
                goals=goals_,
                hints={c.id: c.hint for c in graded.claims},
                measured={"before": measured(100_000_000), LEARNER: measured(20_000_000), REFERENCE: measured(9_000)},
                advice=advice,
                image="slimlab-0123abcd/lab-9-demo-grade:yours",
            ),
            docs_url=edition_url("https://guide.example", i18n.edition_path("zh_CN")),
        )


APT_LISTS = Finding(file="exercise.Dockerfile", line=3, code="DL3009", level="info", message="Delete the apt lists")


def test_a_grade_in_chinese_has_translated_goals_hints_and_words_and_links_to_the_chinese_pages():
    text = chinese_report(True, False, True)
    assert "一句话。" in text
    assert "用多阶段构建。" in text
    assert "https://guide.example/zh_CN/demo.html#l9-1" in text
    assert "  通过    L9.0   应用仍然通过冒烟测试。" in text
    assert "\n  体积变化：优化前 -> 你的版本 -> 参考答案\n" in text


@pytest.mark.parametrize("passed", [(True, True, True), (True, False, True), (False, False, False)])
def test_a_grade_in_chinese_has_no_english_word_but_ids_names_and_figures(passed):
    left = chinese_report(*passed, advice=(APT_LISTS,))
    for kept in KEPT_IN_CHINESE:
        left = re.sub(kept, " ", left)
    assert re.findall(r"[A-Za-z]{2,}", left) == [], left


@pytest.mark.parametrize("passed", [(True, False, True), (False, True, False)])
def test_a_grade_in_chinese_lines_up_marks_ids_sentences_and_figures_by_display_width(passed):
    lines = chinese_report(*passed, advice=(APT_LISTS,)).splitlines()
    marked = [n for n, line in enumerate(lines) if line.startswith(("  通过", "  未通过"))]
    assert len(marked) == 3

    def column(line: str, text: str) -> int:
        return width(line[: line.index(text)])

    ids = {column(lines[n], f"L9.{k}") for k, n in enumerate(marked)}
    sentences = {column(lines[n], lines[n].split()[2]) for n in marked}
    figures = {column(lines[n + 1], "实测") for n in marked}
    assert len(ids) == 1, "each id starts in the same column, 通过 or 未通过 before it"
    assert sentences == figures, "what was measured starts under the goal's sentence"
    assert ids == {2 + width("未通过") + 2}
    under_id = [
        line for line in lines if line.lstrip().startswith(("提示：", "参阅：")) and not line.startswith("      ")
    ]
    assert {column(line, line.lstrip()) for line in under_id} <= ids
    bars_ = [line for line in lines if "█" in line]
    assert len({column(line, "█") for line in bars_}) == 1, "the bars start in one column under Chinese names"


def test_hadolint_advice_in_chinese_is_the_rules_own_sentence_and_links_to_the_chinese_page():
    text = chinese_report(True, True, True, advice=(APT_LISTS,))
    assert "  hadolint 的建议（不计入评分）：\n    exercise.Dockerfile:3: DL3009 apt-get install 之后" in text
    assert "\n      参阅：https://guide.example/zh_CN/only-what-runs.html#dl3009\n" in text
    assert "Delete the apt lists" not in text


def test_grading_under_lang_zh_cn_prints_lab_4_s_report_in_chinese_lined_up(monkeypatch, capsys):
    """`LANG=zh_CN.UTF-8 make lab-4` without Docker: the command line chooses the catalogs from the locale, and
    grade (stood in for here: it builds) makes lab 4's goals in them, as the real one does."""
    from checks import cli
    from checks.learner import grade as grading
    from checks.model import i18n, translation

    def graded(folder, dockerfile, *, catalog, **_):
        lab = graded_lab(translation.translate_lab(load(folder), catalog), dockerfile)
        verdicts = tuple(
            ClaimResult(id=g.id, kind=g.check.kind, text=g.text, passed=n % 2 == 0, expected="≤ 2%", measured="5%")
            for n, g in enumerate(lab.claims)
        )
        sizes = {"before": measured(900_000_000), LEARNER: measured(45_000_000), REFERENCE: measured(6_000_000)}
        return Grade(
            lab=lab, dockerfile=dockerfile, goals=verdicts, hints={c.id: c.hint for c in lab.claims}, measured=sizes
        )

    monkeypatch.setattr(grading, "grade", graded)
    monkeypatch.setattr(cli, "from_process", lambda: from_environ({"LANG": "zh_CN.UTF-8"}))
    with i18n.speaking(i18n.ENGLISH):  # the command installs the locale's language; the block takes it back
        assert cli.main(["grade", "4"]) == 1
    lines = capsys.readouterr().out.splitlines()
    marked = [n for n, line in enumerate(lines) if line.startswith(("  通过", "  未通过"))]
    assert len(marked) == len(goals(load(LAB4)))
    assert len({width(lines[n][: lines[n].index(" L4.")]) for n in marked}) == 1, "the ids line up"
    assert all(lines[n + 1].strip().startswith("实测 5%；目标 ≤ 2%") for n in marked)
    assert "  体积变化：优化前 -> 你的版本 -> 参考答案" in lines
    assert lines[-1].startswith("  已达成 ")
