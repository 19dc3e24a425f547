"""checks.guide.resultsfields: the reference lists every key results.json holds, from the serializer."""

from __future__ import annotations

from checks.guide.resultsfields import MEANINGS, in_order, key_paths, plain, rows, undescribed
from checks.guide.sphinxref import attr_docs
from checks.model.measured import Layer, Measured, SmokeRun
from checks.model.results import AnalysisSummary, BaseUse, ClaimResult, Results
from checks.model.resultsjson import to_dict


def everything() -> Results:
    """Results with every optional field filled, so the serializer writes every key it knows."""
    measured = Measured(
        image_id="sha256:1",
        size_bytes=10,
        layer_count=1,
        layers=(Layer(size_bytes=10, created_by="COPY a / # buildkit", diff_id="sha256:3"),),
        user="65532",
        smoke=SmokeRun(exit_code=0, stdout="ok", passed=True),
        compressed_size_bytes=5,
        pull_runs=(1.0, 2.0),
        link_pull_runs={"100": (3.0,)},
        new_bytes=10,
        new_compressed_bytes=5,
    )
    return Results(
        lab="lab-9-test",
        title="t",
        inputs_sha256="0" * 64,
        measured_at="2026-01-01T00:00:00+00:00",
        engine={"engine": "1", "buildx": "2"},
        bases=(BaseUse(name="debian:trixie-slim", source="stand-in", image="x", image_id="sha256:2"),),
        variants={"before": measured},
        claims=(ClaimResult(id="L9.1", kind="k", text="t", passed=True, expected="e", measured="m"),),
        analysis={"before": AnalysisSummary(wasted_bytes=0, efficiency=1.0, classes={"apt-lists": 3})},
    )


def test_every_key_the_serializer_writes_has_a_meaning():
    assert undescribed(key_paths(to_dict(everything()))) == []


def test_data_named_keys_fold_into_placeholders():
    paths = key_paths(to_dict(everything()))
    assert "variants.<variant>.size_bytes" in paths
    assert "bases.<name>.source" in paths
    assert "variants.<variant>.link_pulls.<rate>.pull_runs" in paths
    assert "claims[].id" in paths
    assert not any("before" in path or "debian" in path for path in paths)


def test_a_new_key_is_reported_as_undescribed():
    data = {**to_dict(everything()), "fingerprint": "x"}
    assert undescribed(key_paths(data)) == ["fingerprint"]


def test_meanings_taken_from_dataclass_comments_exist():
    docs = {**attr_docs("checks.model.measured"), **attr_docs("checks.model.results")}
    for path, meaning in MEANINGS.items():
        if not isinstance(meaning, str):
            assert docs.get(meaning), f"{path}: {meaning} has no #: comment"
    assert all(text for _, text in rows(list(MEANINGS), lambda cls, field: docs.get((cls, field), "")))


def test_cross_reference_roles_in_comments_become_plain_code():
    assert plain("see :func:`inputs_sha256` and :mod:`checks.x`") == "see `inputs_sha256` and `checks.x`"


def test_keys_some_labs_lack_are_listed_where_the_serializer_writes_them():
    paths = ["lab", "claims[].id", "variants.<variant>.layers[].diff_id", "fingerprint"]
    assert in_order(paths) == ["lab", "variants.<variant>.layers[].diff_id", "claims[].id", "fingerprint"]
