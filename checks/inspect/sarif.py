"""``analyze --format sarif``: the budgets and the findings as SARIF 2.1.0, for code scanning (GitHub's and others).

One run of one tool, ``slimlab``.  Its rules: one per budget given (named as
:mod:`checks.inspect.budgets` names them) and one per kind of finding:
``secret``, ``removable`` (a class of bytes a running app rarely needs) and
``waste`` (a path dive counts as wasted).  Its results: each broken budget
(level ``error``), each secret (``error``: it ships, deleted or not), each
removable class of at least :data:`~checks.inspect.analyze.SHOWN_CLASS_BYTES`
(``note``) and each of the :data:`~checks.inspect.analyze.TOP` largest wasted
paths (``warning``).

With a Dockerfile, a result about a layer points at the line of the
instruction that made it (:mod:`checks.inspect.dockerlines`); a result about
no one layer, or any result when the image's history does not follow the
Dockerfile, points at the file without a line.  Without one a result has no
location (code scanning then cannot place it: give ``--dockerfile``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checks.inspect.analyze import SECRETS_SECTION, SHOWN_CLASS_BYTES, TOP, Analysis, instruction
from checks.inspect.budgets import BUDGETS_SECTION, Verdict
from checks.inspect.dockerlines import Lines
from checks.model.links import DEFAULT_DOCS_URL, Section
from checks.model.units import megabytes

VERSION = "2.1.0"
#: The schema a SARIF 2.1.0 log names: OASIS's, as its own ``id`` gives it.
SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: The rules of the findings: (id, level, what it finds, the guide section about it).
FINDINGS = (
    ("secret", "error", "Secret-looking content in a layer or the config, deleted later or not: it ships.", None),
    (
        "removable",
        "note",
        "Bytes in a class a running app rarely needs, with the guide section that removes them.",
        Section("beyond", "find-where-the-bytes-are"),
    ),
    (
        "waste",
        "warning",
        "A path in two or more layers: dive counts every copy as wasted.",
        Section("beyond", "wasted-two-ways"),
    ),
)


@dataclass(frozen=True)
class Source:
    """The Dockerfile results point into: its URI as code scanning reads it (relative to the repository) and which
    of its lines made each layer."""

    uri: str
    lines: Lines


def absolute(url: str) -> bool:
    """Whether ``url`` is one a SARIF ``helpUri`` may hold: with a scheme (the default guide is a folder, not one)."""
    return "://" in url


def _rule(rule_id: str, text: str, level: str, url: str, tags: Sequence[str]) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": text},
        **({"helpUri": url} if absolute(url) else {}),
        "defaultConfiguration": {"level": level},
        "properties": {"tags": list(tags)},
    }


def rules(verdicts: Sequence[Verdict], docs_url: str) -> list[dict[str, Any]]:
    """One rule per budget given, then one per kind of finding."""
    budgets = [
        _rule(v.rule.id, f"{v.rule.option}: {v.rule.text}", "error", BUDGETS_SECTION.url(docs_url), ["budget"])
        for v in verdicts
    ]
    findings = [
        _rule(rule_id, text, level, (section or SECRETS_SECTION).url(docs_url), ["finding"])
        for rule_id, level, text, section in FINDINGS
    ]
    return budgets + findings


def _location(source: Source | None, layer: int | None, analysis: Analysis) -> list[dict[str, Any]]:
    """Where a result about ``layer`` points: the Dockerfile line that made it, the file alone, or nowhere."""
    if source is None:
        return []
    physical: dict[str, Any] = {"artifactLocation": {"uri": source.uri}}
    step = source.lines.of(layer)
    if step is not None:
        physical["region"] = {"startLine": step.line}
    location: dict[str, Any] = {"physicalLocation": physical}
    if layer is not None and 0 <= layer < len(analysis.layers):
        location["message"] = {"text": f"layer {layer}: {instruction(analysis.layers[layer].created_by)[:200]}"}
    return [location]


def _result(rule_id: str, level: str, text: str, locations: list[dict[str, Any]], **properties: Any) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": rule_id, "level": level, "message": {"text": text}}
    if locations:
        result["locations"] = locations
    if properties:
        result["properties"] = properties
    return result


def _class_layers(analysis: Analysis, places: Mapping[str, str]) -> dict[str, int]:
    """For each class, the layer that holds most bytes under its largest place (``places``: place -> class id)."""
    tally: dict[str, dict[int, int]] = {}
    for path, copy in analysis.files.items():
        at = path
        while at:
            class_id = places.get(at)
            if class_id is not None:
                by_layer = tally.setdefault(class_id, {})
                by_layer[copy.layer] = by_layer.get(copy.layer, 0) + copy.size
                break
            at = at.rpartition("/")[0]
    return {class_id: max(by_layer, key=lambda i: (by_layer[i], i)) for class_id, by_layer in tally.items()}


def results(
    analysis: Analysis, verdicts: Sequence[Verdict], source: Source | None, docs_url: str
) -> list[dict[str, Any]]:
    """Each broken budget, secret, removable class and large wasted path, as SARIF results."""
    found = [
        _result(v.rule.id, "error", f"{v.rule.option}: {v.text}", _location(source, None, analysis))
        for v in verdicts
        if not v.kept
    ]
    for secret in analysis.secrets or ():
        where = secret.path if secret.layer is None else "/" + secret.path
        text = f"{secret.rule}: {where}, {secret.state}: {secret.redacted} (values redacted)"
        found.append(_result("secret", "error", text, _location(source, secret.layer, analysis), rule=secret.rule))
    shown = [c for c in analysis.classes if c.size_bytes >= SHOWN_CLASS_BYTES]
    layers = _class_layers(analysis, {c.top[0][0]: c.id for c in shown if c.top}) if source else {}
    for c in shown:
        where = ", ".join(f"/{path} {megabytes(size)}" for path, size in c.top[:3])
        text = f"{c.removable.title}: {megabytes(c.size_bytes)} in {c.files:,} file(s) ({where}); how to remove them: "
        text += c.removable.section.url(docs_url)
        locations = _location(source, layers.get(c.id), analysis)
        found.append(_result("removable", "note", text, locations, size_bytes=c.size_bytes, class_id=c.id))
    for waste in analysis.inefficiencies[:TOP]:
        text = f"/{waste.path} is in {waste.count} layers: dive counts {megabytes(waste.size_bytes)} as wasted"
        locations = _location(source, waste.layer, analysis)
        found.append(_result("waste", "warning", text, locations, size_bytes=waste.size_bytes))
    return found


def _information(docs_url: str) -> dict[str, str]:
    url = BUDGETS_SECTION.url(docs_url)
    return {"informationUri": url} if absolute(url) else {}


def log(
    analysis: Analysis,
    verdicts: Sequence[Verdict],
    *,
    source: Source | None = None,
    docs_url: str = DEFAULT_DOCS_URL,
    notes: Sequence[str] = (),
) -> dict[str, Any]:
    """The SARIF log of one analysis: one run, its rules, its results, with ``ruleIndex`` filled in."""
    rule_list = rules(verdicts, docs_url)
    index = {rule["id"]: i for i, rule in enumerate(rule_list)}
    found = [{**r, "ruleIndex": index[r["ruleId"]]} for r in results(analysis, verdicts, source, docs_url)]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "slimlab", **_information(docs_url), "rules": rule_list}},
        "results": found,
        "properties": {"image": analysis.image, "imageId": analysis.image_id},
    }
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notes:
        invocation["toolExecutionNotifications"] = [{"message": {"text": note}, "level": "note"} for note in notes]
    run["invocations"] = [invocation]
    return {"$schema": SCHEMA, "version": VERSION, "runs": [run]}
