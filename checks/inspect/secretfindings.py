"""An image's secret findings: each layer's matches (files a later layer deleted or replaced included, and so still
shipped) and its config's ``Env`` and history, each with the layer and the step that wrote it, its value
redacted, and the instruction shown scrubbed (:func:`~checks.inspect.redaction.scrubbed`).  The rules are
:mod:`checks.inspect.secrets`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checks.inspect.layers import Entry, Stacked
from checks.inspect.redaction import scrubbed
from checks.inspect.secrets import Match, scan_env, scan_name, scan_step, step_pairs


def setter(name: str, history: Sequence[Mapping[str, Any]]) -> str:
    """The last history step that sets ``name`` (an ``ENV NAME=...`` line), or ""."""
    for step in reversed(history):
        if any(found == name for found, _ in step_pairs(str(step.get("created_by", "")))):
            return str(step.get("created_by", ""))
    return ""


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One secret-looking thing in an image: where, which layer and step put it there, and whether it still shows."""

    rule: str
    #: The file's path (no leading slash), or :data:`CONFIG_ENV` / :data:`HISTORY`.
    path: str
    #: The filesystem layer that holds it (0 is the lowest); None for a config ``Env`` entry or a step that wrote
    #: no layer.
    layer: int | None
    #: That layer's diff id; "" when there is none.
    diff_id: str
    #: The history step that put it there, as the config records it ("" when unknown).
    created_by: str
    #: False when a later layer deleted or replaced the file: no container sees it, yet it ships.
    visible: bool
    #: The layer that deleted or replaced it; None when it is visible.
    hidden_by: int | None
    #: True when the later layer put another file at the path (replaced), False when it deleted it.
    replaced: bool = False
    redacted: str
    count: int = 1

    @property
    def state(self) -> str:
        """``still visible``, ``deleted in layer N`` or ``replaced in layer N``."""
        if self.visible:
            return "still visible"
        return f"{'replaced' if self.replaced else 'deleted'} in layer {self.hidden_by}"


def _steps(history: Sequence[Mapping[str, Any]], count: int) -> tuple[list[str], list[int | None]]:
    """Each layer's ``created_by``, and each history step's layer index (None for a step that wrote none)."""
    made: list[str] = []
    owner: list[int | None] = []
    index = 0
    for step in history:
        if step.get("empty_layer"):
            owner.append(None)
            continue
        made.append(str(step.get("created_by", "")))
        owner.append(index if index < count else None)
        index += 1
    return (made + [""] * count)[:count], owner


def findings(
    layers: Sequence[Sequence[Entry]],
    found: Sequence[Sequence[Match]],
    stacked: Stacked,
    *,
    history: Sequence[Mapping[str, Any]] = (),
    env: Sequence[str] = (),
    diff_ids: Sequence[str] = (),
) -> tuple[Finding, ...]:
    """Every finding in an image: ``found`` holds each layer's content matches (:func:`scan_content`), the name
    rules read ``layers``, the config rules ``history`` and ``env``; ``stacked`` says what still shows."""
    made, owner = _steps(history, len(layers))
    ids = (list(diff_ids) + [""] * len(layers))[: len(layers)]
    hidden = {(h.copy.layer, h.copy.path): h.layer for h in stacked.hidden}
    out = []
    for index, entries in enumerate(layers):
        matches = [*(m for item in entries for m in scan_name(item)), *(found[index] if index < len(found) else ())]
        for m in matches:
            by = hidden.get((index, m.path))
            replaced = by is not None and m.path in stacked.files
            out.append(_finding(m, index, ids[index], made[index], visible=by is None, hidden_by=by, replaced=replaced))
    for number, step in enumerate(history):
        created_by, layer = str(step.get("created_by", "")), owner[number]
        out += [_finding(m, layer, _id(ids, layer), created_by) for m in scan_step(created_by)]
    for item in env:
        created_by = setter(item.partition("=")[0], history)
        out += [_finding(m, None, "", created_by) for m in scan_env(item)]
    return tuple(out)


def _id(ids: Sequence[str], layer: int | None) -> str:
    return ids[layer] if layer is not None else ""


def _finding(
    m: Match,
    layer: int | None,
    diff_id: str,
    created_by: str,
    *,
    visible: bool = True,
    hidden_by: int | None = None,
    replaced: bool = False,
) -> Finding:
    return Finding(
        rule=m.rule,
        path=m.path,
        layer=layer,
        diff_id=diff_id,
        created_by=scrubbed(created_by),
        visible=visible,
        hidden_by=hidden_by,
        replaced=replaced,
        redacted=m.redacted,
        count=m.count,
    )
