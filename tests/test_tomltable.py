"""checks.model.tomltable: a table read key by key, every error naming the file and the key's path."""

from __future__ import annotations

import pytest

from checks.model.errors import UsageError
from checks.model.tomltable import TableReader, did_you_mean


def test_a_key_of_the_right_type_is_read_and_a_list_becomes_a_tuple():
    reader = TableReader("lab.toml", "smoke", {"args": ["--version"], "timeout": 5})
    assert reader.get("args", list) == ("--version",)
    assert reader.get("timeout", (int, float)) == 5
    assert reader.get("expect", str, "") == ""


@pytest.mark.parametrize(
    ("table", "read", "message"),
    [
        ({}, lambda r: r.get("args", list), "lab.toml: missing key 'smoke.args'."),
        ({"timeout": True}, lambda r: r.get("timeout", (int, float)), "'smoke.timeout' must be a whole number or a"),
        ({"args": ["a", 1]}, lambda r: r.get("args", list), "'smoke.args' must be a list of strings."),
        ({"arg": []}, lambda r: r.only(["args", "expect"]), "unknown key 'smoke.arg'. Did you mean 'args'?"),
        ({"file": "../secret"}, lambda r: r.path("file"), "'smoke.file' names '../secret', which is outside the lab"),
    ],
)
def test_a_bad_key_is_one_error_naming_the_file_and_the_keys_path(table, read, message):
    with pytest.raises(UsageError, match=r"Fix the lab spec and run the command again\.") as raised:
        read(TableReader("lab.toml", "smoke", table))
    assert str(raised.value).startswith("lab.toml: ")
    assert message in str(raised.value)


def test_a_table_that_is_not_one_is_named():
    with pytest.raises(UsageError, match=r"lab.toml: 'variants.after' must be a table\."):
        TableReader("lab.toml", "variants.after", ["not", "a", "table"])


def test_did_you_mean_guesses_the_closest_or_lists_every_choice():
    assert did_you_mean("afer", ("before", "after")) == " Did you mean 'after'?"
    assert did_you_mean("zzz", ("before", "after")) == " Allowed: after, before."
