"""results.json's one JSON form of a lab's recorded measurement (:class:`~checks.model.results.Results`), both ways:
:func:`to_dict` and :func:`dumps`, :func:`from_dict` and :func:`loads` (which says why a text is no results).

The file itself, read back and written only on change, is :mod:`checks.store.results`.
"""

from __future__ import annotations

import dataclasses
import json
import statistics
from collections.abc import Mapping
from typing import Any

from checks.model import filetree
from checks.model.claims.kind import Said
from checks.model.i18n import Phrase
from checks.model.measured import (
    Compressed,
    FileDifference,
    Layer,
    Measured,
    Rebuild,
    Release,
    SecretSeen,
    SharedPull,
    SmokeRun,
    StoreFigures,
)
from checks.model.results import AnalysisSummary, BaseUse, ClaimResult, Results, StoreRun

#: 2: a claim's ``expected`` and ``measured`` are phrases (a template and its fields) that every edition shows in
#: its own language (:func:`said_dict`).  A file of schema 1 still reads: its sentences are shown as they are.
SCHEMA_VERSION = 2
#: The schemas :func:`loads` accepts.
READABLE = (1, 2)


def _measured_dict(m: Measured) -> dict[str, Any]:
    return {
        "image_id": m.image_id,
        "size_bytes": m.size_bytes,
        "layer_count": m.layer_count,
        "user": m.user,
        "layers": [_layer_dict(layer) for layer in m.layers],
        **({} if m.stages is None else {"stages": dict(m.stages)}),  # a key added to schema 1
        **_pull_dict(m),
        **_new_dict(m),
        **_floor_dict(m),
        **_secrets_dict(m),
        **_rebuild_dict(m.rebuild),
        **_updates_dict(m),
    }


def _present(record: Release | SharedPull | Compressed) -> dict[str, Any]:
    """A record's fields in their declared order, those not measured (None) left out."""
    return {key: value for key, value in dataclasses.asdict(record).items() if value is not None}


def _updates_dict(m: Measured) -> dict[str, Any]:
    """The later releases, the shared pulls and the compression matrix, present only when measured (keys
    added to schema 1)."""
    figures: dict[str, Any] = {}
    if m.releases:
        figures["releases"] = [_present(r) for r in m.releases]
    if m.shared_pulls:
        figures["shared_pulls"] = [_present(p) for p in m.shared_pulls]
    if m.compressions:
        figures["compressions"] = [_present(c) for c in m.compressions]
    return figures


def _rebuild_dict(rebuild: Rebuild | None) -> dict[str, Any]:
    """The rebuild, present only when measured (a key added to schema 1)."""
    if rebuild is None:
        return {}
    return {
        "rebuild": {
            "reproducible": rebuild.reproducible,
            "source_date_epoch": rebuild.source_date_epoch,
            "image_ids": list(rebuild.image_ids),
            "differing": rebuild.differing,
            "by_aspect": dict(rebuild.by_aspect),
            "differences": [
                {"layer": d.layer, "path": d.path, "aspects": list(d.aspects)} for d in rebuild.differences
            ],
        }
    }


def _rebuild_of(data: Mapping[str, Any] | None) -> Rebuild | None:
    if data is None:
        return None
    first, second = data["image_ids"]
    return Rebuild(
        source_date_epoch=data["source_date_epoch"],
        image_ids=(first, second),
        differing=data["differing"],
        by_aspect=dict(data["by_aspect"]),
        differences=tuple(
            FileDifference(layer=d["layer"], path=d["path"], aspects=tuple(d["aspects"])) for d in data["differences"]
        ),
    )


def _secrets_dict(m: Measured) -> dict[str, Any]:
    """The secret findings, present only when measured (a key added to schema 1): where, never a value."""
    if m.secrets is None:
        return {}
    return {"secrets": [{"rule": s.rule, "path": s.path, "layer": s.layer, "visible": s.visible} for s in m.secrets]}


def _layer_dict(layer: Layer) -> dict[str, Any]:
    """One history step; ``diff_id`` only for a step that wrote a layer (a key added to schema 1)."""
    return {
        "size_bytes": layer.size_bytes,
        "created_by": layer.created_by,
        **({"diff_id": layer.diff_id} if layer.diff_id else {}),
    }


def _new_dict(m: Measured) -> dict[str, Any]:
    """The bytes over the base, present only when measured (keys added to schema 1)."""
    figures = {"new_bytes": m.new_bytes, "new_compressed_bytes": m.new_compressed_bytes}
    return {key: value for key, value in figures.items() if value is not None}


def _pull_dict(m: Measured) -> dict[str, Any]:
    """The registry figures, present only when measured (keys added to schema 1)."""
    figures: dict[str, Any] = {}
    if m.compressed_size_bytes is not None:
        figures["compressed_size_bytes"] = m.compressed_size_bytes
    if m.pull_seconds is not None:
        figures["pull_seconds"] = round(m.pull_seconds, 3)
        figures["pull_runs"] = list(m.pull_runs)
    if m.link_pull_runs:
        figures["link_pulls"] = {
            rate: {"pull_seconds": round(statistics.median(runs), 3), "pull_runs": list(runs)}
            for rate, runs in m.link_pull_runs.items()
        }
    return figures


def _floor_dict(m: Measured) -> dict[str, Any]:
    """The runtime floor, present only when measured (keys added to schema 1)."""
    if m.runtime_files is None or m.runtime_bytes is None or m.utilisation is None:
        return {}
    return {
        "runtime_files": m.runtime_files,
        "runtime_bytes": m.runtime_bytes,
        "runtime_utilisation": round(m.utilisation, 6),
    }


def _analysis_dict(summary: AnalysisSummary | None) -> dict[str, Any]:
    if summary is None:
        return {}
    return {
        "analysis": {
            "wasted_bytes": summary.wasted_bytes,
            "efficiency": round(summary.efficiency, 6),
            **({} if summary.reclaimable_bytes is None else {"reclaimable_bytes": summary.reclaimable_bytes}),
            "classes": dict(summary.classes),
            **({} if summary.tree is None else {"tree": filetree.to_rows(summary.tree)}),
        }
    }


def _smoke_dict(run: SmokeRun) -> dict[str, Any]:
    return {"passed": run.passed, "exit_code": run.exit_code, "timed_out": run.timed_out, "stdout": run.stdout}


def said_dict(said: Said) -> str | dict[str, Any]:
    """A verdict's words as results.json keeps them: ``{"template": ..., "fields": {...}}``, or text as it is.

    A template is the English message (the catalog's key); a field is a name, a path, program output, a figure
    already formatted, a phrase of the same form, or a list of these."""
    if isinstance(said, str):
        return said
    return {"template": said.template, "fields": {name: _field_dict(value) for name, value in said.fields}}


def _field_dict(value: Any) -> Any:
    if isinstance(value, Phrase):
        return said_dict(value)
    if isinstance(value, tuple | list):
        return [_field_dict(item) for item in value]
    return value


def said_of(data: str | Mapping[str, Any]) -> Said:
    """Read back what :func:`said_dict` wrote; a string (every sentence of schema 1) is text shown as it is."""
    if isinstance(data, str):
        return data
    return Phrase(str(data["template"]), tuple((name, _field_of(value)) for name, value in data["fields"].items()))


def _field_of(value: Any) -> Any:
    if isinstance(value, dict):
        return said_of(value)
    if isinstance(value, list):
        return tuple(_field_of(item) for item in value)
    return value


def to_dict(results: Results) -> dict[str, Any]:
    """The JSON form of ``results.json`` (schema ``SCHEMA_VERSION``)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "lab": results.lab,
        "title": results.title,
        "passed": results.passed,
        "inputs_sha256": results.inputs_sha256,
        "measured_at": results.measured_at,
        "engine": dict(results.engine),
        "bases": {b.name: {"source": b.source, "image": b.image, "image_id": b.image_id} for b in results.bases},
        "variants": {
            name: {**_measured_dict(m), **_analysis_dict(results.analysis.get(name))}
            for name, m in results.variants.items()
        },
        "smoke": {name: _smoke_dict(m.smoke) for name, m in results.variants.items() if m.smoke is not None},
        "claims": [_claim_dict(c) for c in results.claims],
        **({"stores": {store: _store_dict(run) for store, run in results.stores.items()}} if results.stores else {}),
    }


def _claim_dict(c: ClaimResult) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "text": c.text,
        "passed": c.passed,
        "expected": said_dict(c.expected),
        "measured": said_dict(c.measured),
        **({"not_judged": c.not_judged} if c.not_judged else {}),
    }


def _claim_of(data: Mapping[str, Any]) -> ClaimResult:
    return ClaimResult(**{**data, "expected": said_of(data["expected"]), "measured": said_of(data["measured"])})


def _store_dict(run: StoreRun) -> dict[str, Any]:
    """One image store's run (a key added to schema 2, present only for a lab verified on more than one)."""
    return {
        "inputs_sha256": run.inputs_sha256,
        "bases": dict(run.bases),
        "engine": dict(run.engine),
        "variants": {name: dataclasses.asdict(figures) for name, figures in run.variants.items()},
        "claims": [_claim_dict(c) for c in run.claims],
    }


def _store_of(store: str, data: Mapping[str, Any]) -> StoreRun:
    return StoreRun(
        store=store,
        inputs_sha256=data["inputs_sha256"],
        bases=data["bases"],
        engine=data["engine"],
        variants={name: StoreFigures(**figures) for name, figures in data["variants"].items()},
        claims=tuple(_claim_of(claim) for claim in data["claims"]),
    )


def from_dict(data: Mapping[str, Any]) -> Results:
    """Read back what :func:`to_dict` wrote (file lists are not recorded)."""
    smoke = data.get("smoke", {})
    return Results(
        lab=data["lab"],
        title=data["title"],
        inputs_sha256=data["inputs_sha256"],
        measured_at=data["measured_at"],
        engine=data["engine"],
        bases=tuple(BaseUse(name=name, **fields) for name, fields in data["bases"].items()),
        variants={
            name: Measured(
                image_id=v["image_id"],
                size_bytes=v["size_bytes"],
                layer_count=v["layer_count"],
                user=v["user"],
                layers=tuple(Layer(**layer) for layer in v["layers"]),
                stages=v.get("stages"),
                smoke=SmokeRun(**smoke[name]) if name in smoke else None,
                compressed_size_bytes=v.get("compressed_size_bytes"),
                pull_runs=tuple(v.get("pull_runs", ())),
                link_pull_runs={rate: tuple(link["pull_runs"]) for rate, link in v.get("link_pulls", {}).items()},
                new_bytes=v.get("new_bytes"),
                new_compressed_bytes=v.get("new_compressed_bytes"),
                runtime_files=v.get("runtime_files"),
                runtime_bytes=v.get("runtime_bytes"),
                secrets=tuple(SecretSeen(**seen) for seen in v["secrets"]) if "secrets" in v else None,
                rebuild=_rebuild_of(v.get("rebuild")),
                releases=tuple(Release(**r) for r in v.get("releases", ())),
                shared_pulls=tuple(SharedPull(**p) for p in v.get("shared_pulls", ())),
                compressions=tuple(Compressed(**c) for c in v.get("compressions", ())),
            )
            for name, v in data["variants"].items()
        },
        claims=tuple(_claim_of(claim) for claim in data["claims"]),
        analysis={name: _analysis_of(v["analysis"]) for name, v in data["variants"].items() if "analysis" in v},
        stores={store: _store_of(store, run) for store, run in data.get("stores", {}).items()},
    )


def _analysis_of(data: Mapping[str, Any]) -> AnalysisSummary:
    tree = data.get("tree")
    return AnalysisSummary(**{**data, "tree": None if tree is None else filetree.from_rows(tree)})


def dumps(results: Results) -> str:
    """results.json's text of ``results``."""
    return json_text(to_dict(results))


def json_text(data: Mapping[str, Any]) -> str:
    """results.json's text of a :func:`to_dict` form: two-space indents, every character as it is, a last newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def loads(text: str) -> Results:
    """Read back what :func:`dumps` wrote, in any schema of :data:`READABLE`; ValueError saying what is wrong with
    it, worded to follow "cannot be used:" (``it is not a JSON object``)."""
    try:
        data = json.loads(text)
    except ValueError as error:  # JSONDecodeError
        raise ValueError(f"it is not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise ValueError("it is not a JSON object")
    if data.get("schema_version") not in READABLE:
        readable = " or ".join(str(version) for version in READABLE)
        raise ValueError(f"its schema_version is {data.get('schema_version')!r}, not {readable}")
    try:
        return from_dict(data)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"a field is missing or of the wrong type ({type(error).__name__}: {error})") from None
