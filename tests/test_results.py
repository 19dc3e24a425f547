"""results.json: one JSON form, read back exactly, rewritten only when a measurement changed."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from checks.model.i18n import say
from checks.model.measured import Layer, Measured, SecretSeen, SmokeRun, StoreFigures
from checks.model.results import BaseUse, ClaimResult, Results, StoreRun
from checks.model.resultsjson import SCHEMA_VERSION, dumps, from_dict, loads, to_dict


def sample(**changes) -> Results:
    results = Results(
        lab="lab-9-demo",
        title="A demo lab",
        inputs_sha256="ab" * 32,
        measured_at="2026-01-02T03:04:05+00:00",
        engine={"engine": "26.1.5", "buildx": "0.13.1"},
        bases=(
            BaseUse(
                name="golang:1.27-trixie",
                source="stand-in",
                image="slimlab-base/golang-1.27-trixie:0123",
                image_id="sha256:b1",
            ),
        ),
        variants={
            "before": Measured(
                image_id="sha256:aa",
                size_bytes=900_000_000,
                layer_count=2,
                layers=(
                    Layer(size_bytes=899_000_000, created_by="ADD rootfs.tar /"),
                    Layer(size_bytes=0, created_by='CMD ["bash"]'),
                ),
                smoke=SmokeRun(exit_code=0, stdout="hello é", passed=True),
            ),
            "after": Measured(
                image_id="sha256:bb",
                size_bytes=6_000_000,
                layer_count=1,
                layers=(Layer(size_bytes=6_000_000, created_by="COPY /out/greeter /greeter"),),
                user="65532:65532",
                smoke=SmokeRun(exit_code=1, stdout="", passed=False),
            ),
            "no-smoke": Measured(image_id="sha256:cc", size_bytes=5, layer_count=0),
        },
        claims=(
            ClaimResult(id="L9.1", kind="size_ratio", text="Small.", passed=True, expected="<= 2%", measured="0.67%"),
            ClaimResult(
                id="L9.2",
                kind="non_root",
                text="Not root.",
                passed=False,
                expected="USER is not root",
                measured="no USER",
            ),
        ),
    )
    return dataclasses.replace(results, **changes)


def with_size(results: Results, variant: str, size: int) -> Results:
    variants = dict(results.variants)
    variants[variant] = dataclasses.replace(variants[variant], size_bytes=size)
    return dataclasses.replace(results, variants=variants)


# the JSON form


def test_the_json_form_has_the_documented_keys():
    data = json.loads(dumps(sample()))
    assert data["schema_version"] == SCHEMA_VERSION
    documented = {
        "schema_version",
        "lab",
        "variants",
        "claims",
        "smoke",
        "bases",
        "engine",
        "inputs_sha256",
        "measured_at",
    }
    assert documented <= set(data)
    assert data["lab"] == "lab-9-demo"
    for name, variant in data["variants"].items():
        assert {"image_id", "size_bytes", "layers"} <= set(variant), name
        assert all(set(layer) == {"size_bytes", "created_by"} for layer in variant["layers"])
    assert data["variants"]["before"]["size_bytes"] == 900_000_000
    assert [c["id"] for c in data["claims"]] == ["L9.1", "L9.2"]
    assert all({"id", "text", "passed", "expected", "measured"} <= set(c) for c in data["claims"])
    assert data["bases"]["golang:1.27-trixie"]["source"] == "stand-in"
    assert data["engine"] == {"engine": "26.1.5", "buildx": "0.13.1"}


def test_the_json_form_records_smoke_runs_only_for_variants_that_ran_one():
    smoke = to_dict(sample())["smoke"]
    assert set(smoke) == {"before", "after"}
    assert smoke["after"] == {"passed": False, "exit_code": 1, "timed_out": False, "stdout": ""}


def test_the_json_form_records_whether_every_claim_held():
    assert to_dict(sample())["passed"] is False
    assert to_dict(sample(claims=sample().claims[:1]))["passed"] is True


def test_results_round_trip_through_the_dict_form():
    assert from_dict(to_dict(sample())) == sample()


def test_results_round_trip_through_json_text():
    assert from_dict(json.loads(dumps(sample()))) == sample()


def over_base() -> Results:
    """The sample with diff ids and the bytes over the base recorded for ``before``."""
    before = dataclasses.replace(
        sample().variants["before"],
        layers=(
            Layer(size_bytes=899_000_000, created_by="ADD rootfs.tar /", diff_id="sha256:d1"),
            Layer(size_bytes=0, created_by='CMD ["bash"]'),
        ),
        new_bytes=899_000_000,
        new_compressed_bytes=300_000_000,
    )
    return sample(variants={**sample().variants, "before": before})


def test_the_bytes_over_the_base_and_diff_ids_round_trip():
    data = json.loads(dumps(over_base()))
    before = data["variants"]["before"]
    assert (before["new_bytes"], before["new_compressed_bytes"]) == (899_000_000, 300_000_000)
    assert [layer.get("diff_id") for layer in before["layers"]] == ["sha256:d1", None]
    assert from_dict(data) == over_base()


def test_results_recorded_before_the_bytes_over_the_base_still_read():
    data = to_dict(over_base())
    for variant in data["variants"].values():
        variant.pop("new_bytes", None)
        variant.pop("new_compressed_bytes", None)
        for layer in variant["layers"]:
            layer.pop("diff_id", None)
    before = from_dict(data).variants["before"]
    assert (before.new_bytes, before.new_compressed_bytes) == (None, None)
    assert [layer.diff_id for layer in before.layers] == ["", ""]


def test_the_stages_a_build_ran_round_trip_in_their_order():
    staged = dataclasses.replace(sample().variants["after"], stages={"build": 4, "test": 0, "stage-2": 2})
    data = json.loads(dumps(sample(variants={"after": staged})))
    assert list(data["variants"]["after"]["stages"].items()) == [("build", 4), ("test", 0), ("stage-2", 2)]
    assert from_dict(data).variants["after"] == staged


def test_results_recorded_before_stages_read_as_not_recorded():
    assert "stages" not in to_dict(sample())["variants"]["after"]
    assert from_dict(to_dict(sample())).variants["after"].stages is None


def test_the_base_layers_a_measurement_was_judged_with_are_not_recorded():
    measured = dataclasses.replace(over_base().variants["before"], base_layers=("sha256:d1",))
    assert "base_layers" not in json.dumps(to_dict(sample(variants={"before": measured})))


def test_file_lists_are_not_recorded():
    variants = {name: dataclasses.replace(m, files=frozenset({"greeter"})) for name, m in sample().variants.items()}
    back = from_dict(to_dict(sample(variants=variants)))
    assert all(m.files is None for m in back.variants.values())


def test_passed_and_failed_follow_the_claims():
    results = sample()
    assert not results.passed
    assert [c.id for c in results.failed] == ["L9.2"]


# reading the JSON form back


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "it is not valid JSON (Expecting value: line 1 column 1 (char 0))"),
        ('{"schema_version": 1, "lab": ', "it is not valid JSON (Expecting value: line 1 column 30 (char 29))"),
        ("[]", "it is not a JSON object"),
        ("42", "it is not a JSON object"),
        ('{"schema_version": 99}', "its schema_version is 99, not 1 or 2"),
        ('{"schema_version": "2"}', "its schema_version is '2', not 1 or 2"),
        ('{"schema_version": 1, "lab": "x"}', "a field is missing or of the wrong type (KeyError: 'title')"),
    ],
    ids=["empty", "truncated", "array", "number", "schema-99", "schema-as-text", "missing-keys"],
)
def test_text_that_is_not_results_is_refused_saying_why_in_words_that_follow_cannot_be_used(text, why):
    with pytest.raises(ValueError, match=f"^{re.escape(why)}$"):
        loads(text)


def test_results_read_back_from_their_text_are_the_results_written():
    assert loads(dumps(sample())) == sample()


# the runtime floor


def traced() -> Results:
    before = dataclasses.replace(sample().variants["before"], runtime_files=543, runtime_bytes=91_723_462)
    return sample(variants={**sample().variants, "before": before})


def test_the_runtime_floor_is_recorded_only_where_it_was_measured():
    variants = to_dict(traced())["variants"]
    assert variants["before"]["runtime_files"] == 543
    assert variants["before"]["runtime_bytes"] == 91_723_462
    assert variants["before"]["runtime_utilisation"] == round(91_723_462 / 900_000_000, 6)
    assert not {"runtime_files", "runtime_bytes", "runtime_utilisation"} & set(variants["after"])


def test_the_runtime_floor_round_trips_through_json_text():
    assert from_dict(json.loads(dumps(traced()))) == traced()


def test_results_recorded_before_the_floor_read_back_without_one():
    data = to_dict(traced())
    for variant in data["variants"].values():
        for key in ("runtime_files", "runtime_bytes", "runtime_utilisation"):
            variant.pop(key, None)
    assert all(m.runtime_bytes is None and m.utilisation is None for m in from_dict(data).variants.values())


# secret findings


def with_secrets() -> Results:
    seen = (
        SecretSeen(rule="github-token", path="etc/sdk/credentials.toml", layer=1, visible=False),
        SecretSeen(rule="secret-variable", path="config Env", layer=None, visible=True),
    )
    after = dataclasses.replace(sample().variants["after"], secrets=seen)
    clean = dataclasses.replace(sample().variants["no-smoke"], secrets=())
    return sample(variants={**sample().variants, "after": after, "no-smoke": clean})


def test_secret_findings_round_trip_without_any_value():
    data = json.loads(dumps(with_secrets()))
    assert data["variants"]["after"]["secrets"][0] == {
        "rule": "github-token",
        "path": "etc/sdk/credentials.toml",
        "layer": 1,
        "visible": False,
    }
    assert data["variants"]["no-smoke"]["secrets"] == []
    assert "secrets" not in data["variants"]["before"]  # not measured: no key at all
    assert from_dict(data) == with_secrets()


def test_results_recorded_before_secrets_were_measured_read_as_not_measured():
    assert all(m.secrets is None for m in from_dict(to_dict(sample())).variants.values())


# a verdict's words


def phrased() -> Results:
    bounds = say("<= {max}", max="2.00%")
    expected = say("{variant}/{of} {bounds}", variant="after", of="before", bounds=bounds)
    measured = say("found: {paths}", paths=("/usr/local/go", "/src"))
    claim = ClaimResult(id="L9.1", kind="size_ratio", text="Small.", passed=True, expected=expected, measured=measured)
    return sample(claims=(claim,))


def test_a_verdict_is_recorded_as_its_template_and_fields_nested_and_listed():
    data = json.loads(dumps(phrased()))
    assert data["claims"][0]["expected"] == {
        "template": "{variant}/{of} {bounds}",
        "fields": {"variant": "after", "of": "before", "bounds": {"template": "<= {max}", "fields": {"max": "2.00%"}}},
    }
    assert data["claims"][0]["measured"]["fields"] == {"paths": ["/usr/local/go", "/src"]}
    assert from_dict(data) == phrased()


def test_a_schema_1_file_still_reads_its_sentences_shown_as_they_are():
    data = to_dict(sample())
    data["schema_version"] = 1
    results = loads(json.dumps(data))
    assert [(str(c.expected), str(c.measured)) for c in results.claims] == [
        ("<= 2%", "0.67%"),
        ("USER is not root", "no USER"),
    ]


def stores_of(results: Results) -> dict[str, StoreRun]:
    figures = {
        name: StoreFigures(image_id=m.image_id, size_bytes=m.size_bytes, inspect_bytes=3, listed_bytes=4)
        for name, m in results.variants.items()
    }
    bases = {use.name: use.image_id for use in results.bases}
    return {
        "classic": StoreRun(
            store="classic", inputs_sha256=results.inputs_sha256, bases=bases, engine=results.engine, variants=figures
        ),
        "containerd": StoreRun(
            store="containerd",
            inputs_sha256=results.inputs_sha256,
            bases=bases,
            engine=results.engine,
            variants=figures,
            claims=results.claims[:1],
        ),
    }


def test_the_runs_on_each_image_store_read_back_exactly_and_are_left_out_when_there_are_none():
    results = sample()
    assert "stores" not in to_dict(results)
    with_stores = dataclasses.replace(results, stores=stores_of(results))
    assert from_dict(json.loads(dumps(with_stores))) == with_stores


def test_a_claim_that_fails_on_another_store_fails_the_lab():
    results = sample(claims=sample().claims[:1])
    assert results.passed
    runs = stores_of(results)
    failed = dataclasses.replace(runs["containerd"], claims=sample().claims[1:])
    assert not dataclasses.replace(results, stores={**runs, "containerd": failed}).passed
