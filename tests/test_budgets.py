"""checks.inspect.budgets: limits read as dive reads them, judged on an analysis, and reported."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from checks.inspect import budgets
from checks.inspect.analyze import Analysis, LayerReport
from checks.inspect.budgets import (
    RULES,
    budget,
    judge,
    no_secrets,
    parse_count,
    parse_ratio,
    parse_size,
    user_wasted_ratio,
)
from checks.inspect.secretfindings import Finding
from checks.model.errors import UsageError


def layer(index: int, size: int) -> LayerReport:
    return LayerReport(index=index, size_bytes=size, created_by=f"RUN step {index}", top_dirs=())


def analysis(**changes) -> Analysis:
    """An image of 64 MB in three layers (a 40 MB base), 90% efficient, 5 MB wasted, no secret."""
    fields = {
        "image": "app:1",
        "image_id": "sha256:abc",
        "source": "docker-archive",
        "size_bytes": 64_000_000,
        "layers": (layer(0, 40_000_000), layer(1, 20_000_000), layer(2, 4_000_000)),
        "efficiency": 0.9,
        "wasted_bytes": 5_000_000,
        "reclaimable_bytes": 2_500_000,
        "inefficiencies": (),
        "classes": (),
        "files": {},
        "secrets": (),
    }
    return Analysis(**{**fields, **changes})


SECRET = Finding(
    rule="dotenv",
    path="app/.env",
    layer=1,
    diff_id="",
    created_by="COPY . /app",
    visible=True,
    hidden_by=None,
    redacted="31 bytes",
)


@pytest.mark.parametrize(
    ("written", "size"),
    [
        ("52428800", 52_428_800),
        ("50MB", 50_000_000),
        ("50mb", 50_000_000),
        ("50 MB", 50_000_000),
        ("50M", 50_000_000),
        ("1.5GiB", 1_610_612_736),
        ("1.5gi", 1_610_612_736),
        ("20kB", 20_000),
        ("1KiB", 1024),
        ("2TB", 2_000_000_000_000),
        ("0", 0),
        ("100B", 100),
        (".5MB", 500_000),
    ],
)
def test_a_size_is_read_as_dive_reads_it_decimal_units_in_1000s_binary_ones_in_1024s(written, size):
    assert parse_size(written, "--max-size") == size


@pytest.mark.parametrize("written", ["", "MB", "-5MB", "5XB", "1.2.3MB", "fifty", "50 M B", "1e6"])
def test_a_size_that_cannot_be_read_is_a_usage_error_naming_the_option_and_how_to_write_one(written):
    with pytest.raises(UsageError) as error:
        parse_size(written, "--max-wasted-bytes")
    message = str(error.value)
    assert message.startswith(f"--max-wasted-bytes '{written}' is not a size.")
    assert "50MB" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("written", "ratio"), [("0.95", 0.95), ("95%", 0.95), (".5", 0.5), ("1", 1.0), ("0", 0.0), ("100%", 1.0)]
)
def test_a_ratio_is_read_as_dive_reads_it_or_as_a_percentage(written, ratio):
    assert parse_ratio(written, "--min-efficiency") == pytest.approx(ratio)


@pytest.mark.parametrize("written", ["95", "1.01", "-0.1", "101%", "abc", "nan", "", "%"])
def test_a_ratio_outside_0_to_1_is_a_usage_error_that_shows_both_spellings(written):
    with pytest.raises(UsageError, match=r"is not a ratio from 0 to 1\. Write a ratio as dive does \(0\.95\)"):
        parse_ratio(written, "--min-efficiency")


def test_a_layer_count_is_a_whole_number():
    assert parse_count("12", "--max-layers") == 12
    for written in ("1.5", "-1", "twelve", ""):
        with pytest.raises(UsageError, match="is not a whole number"):
            parse_count(written, "--max-layers")


def test_the_three_rules_dive_has_carry_dive_s_names_and_the_others_are_named_alike():
    assert {r.id for r in RULES if r.dive} == {"lowestEfficiency", "highestWastedBytes", "highestUserWastedPercent"}
    assert {r.option: r.id for r in RULES} == {
        "--max-size": "highestSizeBytes",
        "--max-layers": "highestLayerCount",
        "--min-efficiency": "lowestEfficiency",
        "--max-wasted-bytes": "highestWastedBytes",
        "--max-wasted-percent": "highestUserWastedPercent",
        "--no-secrets": "noSecrets",
    }


def test_each_budget_judges_its_figure_of_the_analysis():
    given = [
        budget("--max-size", "60MB"),
        budget("--max-layers", "3"),
        budget("--min-efficiency", "0.95"),
        budget("--max-wasted-bytes", "10MB"),
        budget("--max-wasted-percent", "20%"),
        no_secrets(),
    ]
    verdicts = judge(analysis(), given)
    assert [(v.rule.id, v.measured, v.kept) for v in verdicts] == [
        ("highestSizeBytes", 64_000_000, False),
        ("highestLayerCount", 3, True),
        ("lowestEfficiency", 0.9, False),
        ("highestWastedBytes", 5_000_000, True),
        ("highestUserWastedPercent", pytest.approx(5 / 24), False),
        ("noSecrets", 0, True),
    ]
    assert not budgets.kept(verdicts)


def test_a_figure_equal_to_its_limit_keeps_the_budget_as_in_dive_and_one_past_it_breaks_it():
    image = analysis()
    assert judge(image, [budget("--max-size", "64000000")])[0].kept
    assert not judge(image, [budget("--max-size", "63999999")])[0].kept
    assert judge(image, [budget("--min-efficiency", "0.9")])[0].kept
    assert not judge(image, [budget("--min-efficiency", "0.9000001")])[0].kept
    assert not judge(image, [budget("--max-layers", "2")])[0].kept


def test_one_secret_breaks_no_secrets_whether_or_not_a_later_layer_deleted_it():
    deleted = dataclasses.replace(SECRET, visible=False, hidden_by=2)
    for found in ((SECRET,), (deleted,)):
        verdict = judge(analysis(secrets=found), [no_secrets()])[0]
        assert not verdict.kept
        assert verdict.text == "1 secret-looking finding(s), where none is allowed"


def test_the_wasted_share_is_dive_s_wasted_bytes_over_the_bytes_above_the_first_layer():
    assert user_wasted_ratio(analysis()) == pytest.approx(5_000_000 / 24_000_000)
    assert user_wasted_ratio(analysis(layers=(layer(0, 100),), wasted_bytes=0)) == 0
    only_first = analysis(layers=(layer(0, 100), layer(1, 0)), wasted_bytes=100)
    assert math.isinf(user_wasted_ratio(only_first))
    verdict = judge(only_first, [budget("--max-wasted-percent", "1")])[0]
    assert not verdict.kept
    assert verdict.text == "wasted share all of it, over the limit 100.00%"
    assert budgets.to_dict([verdict])["rules"][0]["measured"] is None


def test_a_verdict_line_names_the_rule_the_option_as_given_the_measured_figure_and_the_limit():
    verdicts = judge(analysis(), [budget("--max-size", "50MB"), budget("--min-efficiency", "85%")])
    assert [budgets.line(v) for v in verdicts] == [
        "FAIL highestSizeBytes (--max-size 50MB): size 64.0 MB, over the limit 50.0 MB",
        "PASS lowestEfficiency (--min-efficiency 85%): efficiency 90.00%, at or above the limit 85.00%",
    ]
    assert budgets.summary(verdicts) == "1 of 2 budgets kept, 1 broken"


def test_a_figure_that_rounds_to_its_limit_is_shown_exactly():
    verdict = judge(analysis(size_bytes=50_000_001), [budget("--max-size", "50MB")])[0]
    assert verdict.text == "size 50,000,001 bytes, over the limit 50.0 MB"
    verdict = judge(analysis(efficiency=0.949999), [budget("--min-efficiency", "0.95")])[0]
    assert verdict.text == "efficiency 94.999900%, under the limit 95.00%"


def test_the_text_report_ends_with_the_count_and_each_verdict_and_is_empty_without_budgets():
    verdicts = judge(analysis(), [budget("--max-layers", "3")])
    assert budgets.lines(verdicts) == [
        "",
        "  budgets: 1 of 1 budget kept",
        "    PASS highestLayerCount (--max-layers 3): layers 3, at or below the limit 3",
    ]
    assert budgets.lines(()) == []


def test_the_json_section_gives_each_rule_its_limit_and_measured_figure_as_numbers():
    verdicts = judge(analysis(), [budget("--max-wasted-bytes", "1MiB"), no_secrets()])
    section = budgets.to_dict(verdicts)
    assert section["kept"] is False
    assert section["rules"][0] == {
        "rule": "highestWastedBytes",
        "option": "--max-wasted-bytes",
        "dive": True,
        "limit": 1_048_576,
        "written": "1MiB",
        "measured": 5_000_000,
        "kept": False,
        "text": "wasted 5.0 MB, over the limit 1.0 MB",
    }
    assert section["rules"][1]["rule"] == "noSecrets"
    json.dumps(section, allow_nan=False)
