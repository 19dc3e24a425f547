"""checks.store.results: results.json read back (or why it cannot be) and written whole, only when a measurement
changed; its JSON form is tests/test_results.py's."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest
from test_results import sample, with_size

from checks.inspect.redaction import scrubbed
from checks.model.results import RESULTS_NAME
from checks.model.resultsjson import SCHEMA_VERSION, dumps, to_dict
from checks.store.results import read, unreadable, write_if_changed


def test_write_if_changed_writes_the_first_time(tmp_path):
    path = tmp_path / RESULTS_NAME
    assert write_if_changed(path, sample(), scrub=scrubbed)
    assert path.read_text(encoding="utf-8") == dumps(sample())
    assert read(path) == sample()


def test_write_if_changed_keeps_the_file_when_only_the_time_differs(tmp_path):
    path = tmp_path / RESULTS_NAME
    write_if_changed(path, sample(), scrub=scrubbed)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # an old mtime, so a rewrite would show
    before = path.read_bytes()
    assert not write_if_changed(path, sample(measured_at="2030-12-31T23:59:59+00:00"), scrub=scrubbed)
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == 1_000_000_000


@pytest.mark.parametrize(
    "change",
    [
        lambda r: with_size(r, "after", 6_000_001),
        lambda r: dataclasses.replace(r, inputs_sha256="cd" * 32),
        lambda r: dataclasses.replace(r, claims=r.claims[:1]),
        lambda r: dataclasses.replace(r, engine={"engine": "27.0.0", "buildx": "0.13.1"}),
    ],
    ids=["size", "inputs", "claims", "engine"],
)
def test_write_if_changed_rewrites_when_a_measurement_changes(tmp_path, change):
    path = tmp_path / RESULTS_NAME
    write_if_changed(path, sample(), scrub=scrubbed)
    changed = change(sample(measured_at="2030-12-31T23:59:59+00:00"))
    assert write_if_changed(path, changed, scrub=scrubbed)
    assert read(path) == changed


def test_write_if_changed_replaces_a_garbled_file(tmp_path):
    path = tmp_path / RESULTS_NAME
    path.write_text("{not json", encoding="utf-8")
    assert write_if_changed(path, sample(), scrub=scrubbed)
    assert read(path) == sample()


@pytest.mark.parametrize("text", ["[]", '"results"', "null"])
def test_write_if_changed_replaces_a_file_holding_other_json(tmp_path, text):
    path = tmp_path / RESULTS_NAME
    path.write_text(text, encoding="utf-8")
    assert write_if_changed(path, sample(), scrub=scrubbed)


def test_read_returns_none_for_a_missing_file(tmp_path):
    assert read(tmp_path / RESULTS_NAME) is None


@pytest.mark.parametrize(
    "text",
    ["", "{not json", "\xff\xfe", '{"schema_version": 1}', '{"schema_version": 1, "lab": "x"}'],
    ids=["empty", "syntax", "binary", "schema-only", "missing-keys"],
)
def test_read_returns_none_for_a_garbled_file(tmp_path, text):
    path = tmp_path / RESULTS_NAME
    path.write_text(text, encoding="latin-1")
    assert read(path) is None


@pytest.mark.parametrize("version", [None, 0, SCHEMA_VERSION + 1, str(SCHEMA_VERSION)])
def test_read_returns_none_for_another_schema(tmp_path, version):
    data = to_dict(sample())
    data["schema_version"] = version
    path = tmp_path / RESULTS_NAME
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read(path) is None


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "42",
        (
            '{"schema_version": 1, "lab": "x", "title": "t", "inputs_sha256": "", "measured_at": "", '
            '"engine": {}, "bases": [], "variants": {}, "claims": []}'
        ),
    ],
    ids=["array", "number", "bases-as-list"],
)
def test_read_returns_none_for_json_of_the_wrong_shape(tmp_path, text):
    path = tmp_path / RESULTS_NAME
    path.write_text(text, encoding="utf-8")
    assert read(path) is None


def test_a_file_that_is_not_utf_8_is_unreadable_and_says_why(tmp_path):
    path = tmp_path / RESULTS_NAME
    path.write_bytes(b"\xff\xfe")
    assert unreadable(path).startswith("it is not valid JSON ('utf-8' codec can't decode byte 0xff")


def test_a_file_of_another_schema_says_which_schema_it_has(tmp_path):
    path = tmp_path / RESULTS_NAME
    path.write_text(json.dumps({"schema_version": 99}), encoding="utf-8")
    assert unreadable(path) == "its schema_version is 99, not 1 or 2"


def test_a_folder_where_the_file_should_be_cannot_be_read(tmp_path):
    (tmp_path / RESULTS_NAME).mkdir()
    assert unreadable(tmp_path / RESULTS_NAME) == "it cannot be read (Is a directory)"
    assert read(tmp_path / RESULTS_NAME) is None
