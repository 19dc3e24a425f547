"""Which Dockerfile instructions wrote a filesystem layer, read from the recorded histories (pure: no Sphinx).

``results.json`` records, per variant, the ``docker history`` of the image
(every step, with the bytes it added and its ``created_by``) and the number of
filesystem layers (``layer_count``).  A step that added bytes made a layer.  A
step that added none may still have made one (a directory, a whiteout), and
the history does not say: only the layer count does.  :func:`tally` finds the
one rule per instruction that makes every recorded variant's count come out
right, and leaves an instruction undecided when the records allow more than
one answer.

``WORKDIR /`` is its own row: BuildKit writes no layer for it (the root
directory always exists), while any other ``WORKDIR`` creates its directory in
a layer of its own, existing or not.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from checks.inspect.analyze import instruction
from checks.model.i18n import N_
from checks.model.measured import Measured

#: Past this many instructions without bytes, trying every rule would take too long.
MAX_UNKNOWN = 16


def keyword(created_by: str) -> str:
    """The instruction a history step came from: ``RUN``, ``COPY``, ``WORKDIR``, or ``WORKDIR /`` for the root."""
    text = instruction(created_by)
    word = text.split(" ", 1)[0].upper() or "?"
    return "WORKDIR /" if text == "WORKDIR /" else word


@dataclass(frozen=True, kw_only=True)
class Row:
    """One instruction, over every recorded history."""

    instruction: str
    #: History steps it made, over all variants (a base's steps count once per variant built on it).
    steps: int
    #: Of those, the steps that added bytes.
    with_bytes: int
    #: The most bytes one of its steps added.
    largest: int
    #: ``always``, ``never``, ``when it adds bytes``, or ``undecided`` when the records allow more than one rule.
    writes_layer: str


def _rules(variants: Sequence[tuple[int, list[tuple[str, int]]]], unknown: list[str]) -> list[dict[str, bool]]:
    """Every assignment "instruction writes a layer even without bytes" that fits every variant's layer count."""
    if len(unknown) > MAX_UNKNOWN:
        raise ValueError(f"{len(unknown)} instructions without bytes: too many to try every rule")
    fits = []
    for bits in itertools.product((False, True), repeat=len(unknown)):
        rule = dict(zip(unknown, bits, strict=True))
        if all(
            count == sum(1 for word, size in steps if size > 0 or rule.get(word, False)) for count, steps in variants
        ):
            fits.append(rule)
    return fits


def tally(measured: Iterable[Measured]) -> list[Row]:
    """One row per instruction seen in the histories, those that write layers first."""
    variants = [
        (m.layer_count, [(keyword(layer.created_by), layer.size_bytes) for layer in m.layers]) for m in measured
    ]
    steps: dict[str, list[int]] = {}
    for _, history in variants:
        for word, size in history:
            steps.setdefault(word, []).append(size)
    unknown = sorted(word for word, sizes in steps.items() if 0 in sizes)
    fits = _rules(variants, unknown)
    rows = [
        Row(
            instruction=word,
            steps=len(sizes),
            with_bytes=sum(1 for size in sizes if size > 0),
            largest=max(sizes),
            writes_layer=_verdict(any(sizes), 0 in sizes, {rule[word] for rule in fits} if 0 in sizes else set()),
        )
        for word, sizes in steps.items()
    ]
    return sorted(rows, key=lambda row: (ORDER.index(row.writes_layer), -row.steps, row.instruction))


#: How the table orders its rows; the words are English here and translated where the table shows them.
ORDER = (N_("always"), N_("when it adds bytes"), N_("undecided"), N_("never"))


def _verdict(some_bytes: bool, some_empty: bool, answers: set[bool]) -> str:
    """Whether an instruction writes a layer, from whether its steps added bytes and what the fitting rules say."""
    if not some_empty:
        return "always"
    if len(answers) != 1:
        return "undecided"
    empty_is_layer = answers.pop()
    if empty_is_layer:
        return "always"
    return "when it adds bytes" if some_bytes else "never"


def histories(results: Mapping[str, Mapping[str, Measured]]) -> list[Measured]:
    """Every variant of every lab, in a stable order, for :func:`tally`."""
    return [m for lab in sorted(results) for _, m in sorted(results[lab].items())]
