"""checks.cli's progress report: each line on standard error, and with `verify --events FILE` each line and event
also in FILE, one JSON object a line."""

from __future__ import annotations

import json

import pytest

from checks import cli
from checks.cli import output
from checks.model.errors import UsageError
from checks.model.progress import EarlyDone


def test_without_events_progress_goes_to_standard_error_only(capsys):
    with output.reporting(None) as say:
        say("lab-1-base-image: smoke test of after")
        say(EarlyDone(labs=1, seconds=3.0, text="measured early, side by side: 1 lab(s) and the stand-ins they need"))
    assert capsys.readouterr().err == (
        "lab-1-base-image: smoke test of after\nmeasured early, side by side: 1 lab(s) and the stand-ins they need\n"
    )


def test_with_events_each_line_and_event_is_also_one_json_object_in_the_file(tmp_path, capsys):
    events = tmp_path / "events.jsonl"
    with output.reporting(events) as say:
        say("lab-1-base-image: smoke test of after")
        say(EarlyDone(labs=1, seconds=3.0, text="measured early, side by side: 1 lab(s)"))
    written = [json.loads(text) for text in events.read_text().splitlines()]
    assert [event["event"] for event in written] == ["line", "early-done"]
    assert written[1]["labs"] == 1
    assert written[0]["at"] <= written[1]["at"]
    assert capsys.readouterr().err.splitlines() == [event["text"] for event in written]


def test_an_events_file_in_a_missing_folder_is_a_usage_error_naming_it(tmp_path):
    with pytest.raises(UsageError, match=r"--events .*missing"), output.reporting(tmp_path / "missing" / "e.jsonl"):
        pass


def test_verify_takes_an_events_file():
    args = cli.parser().parse_args(["verify", "1", "--events", "run.jsonl"])
    assert str(args.events) == "run.jsonl"
