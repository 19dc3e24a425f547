"""Budgets: limits an image must keep, judged on its analysis, for CI (``analyze --max-size 50MB ...``).

In dive's spirit (``dive --ci`` and its ``.dive-ci`` rules), with dive's rule
names where a rule is dive's: ``lowestEfficiency``, ``highestWastedBytes``
and ``highestUserWastedPercent`` judge the same figures the same way, and
take their limits as dive reads them (a size with or without a unit, a ratio
from 0 to 1; a percentage too).  Three more are slimlab's, named in the same
style.  Each rule is one :class:`Rule` in :data:`RULES`: its option, what it
measures, how a limit is read and when it is broken.

Everything here is a plain function of an :class:`~checks.inspect.analyze.Analysis`
and the limits as written; a limit that cannot be read is a
:class:`~checks.model.errors.UsageError` naming the option and what to write.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from checks.inspect.analyze import Analysis
from checks.model.errors import UsageError
from checks.model.links import Section
from checks.model.units import megabytes

#: Where the guide explains the budgets.
BUDGETS_SECTION = Section("reference", "budgets")

#: A size as dive reads one (go-humanize's ParseBytes): a number, a space or not, a unit or none (bytes).
_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*$", re.IGNORECASE)
#: Each unit, lower case: k, kb, m, mb... count in 1000s, ki, kib, mi, mib... in 1024s (as dive reads them).
_UNITS = {"": 1, "b": 1} | {
    spelling: base**power
    for power, letter in enumerate("kmgtpe", start=1)
    for base, spellings in ((1000, (letter, f"{letter}b")), (1024, (f"{letter}i", f"{letter}ib")))
    for spelling in spellings
}
_RATIO = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(%?)\s*$")
_COUNT = re.compile(r"^\s*(\d+)\s*$")


def parse_size(text: str, option: str) -> int:
    """A size in bytes: ``52428800``, ``50MB`` (50,000,000), ``1.5GiB``, ``20 kB``; units as dive reads them."""
    found = _SIZE.match(text)
    unit = _UNITS.get(found.group(2).lower()) if found else None
    if found is None or unit is None:
        raise UsageError(
            f"{option} '{text}' is not a size. Write bytes (52428800), or a number and a unit (50MB, 1.5GiB, 20 kB): "
            "kB, MB, GB and TB count in 1000s, KiB, MiB, GiB and TiB in 1024s, as dive reads them."
        )
    return int(float(found.group(1)) * unit)


def parse_ratio(text: str, option: str) -> float:
    """A ratio from 0 to 1, as dive reads one (``0.95``), or a percentage (``95%``)."""
    found = _RATIO.match(text)
    value = float(found.group(1)) / (100 if found.group(2) else 1) if found else math.nan
    if not 0 <= value <= 1:
        raise UsageError(
            f"{option} '{text}' is not a ratio from 0 to 1. Write a ratio as dive does (0.95) or a percentage (95%)."
        )
    return value


def parse_count(text: str, option: str) -> int:
    """A whole number of at least 0: ``12``."""
    found = _COUNT.match(text)
    if found is None:
        raise UsageError(f"{option} '{text}' is not a whole number. Write how many at most, such as 12.")
    return int(found.group(1))


def _size(value: float) -> str:
    return megabytes(int(value))


def _share(value: float) -> str:
    return "all of it" if math.isinf(value) else f"{value:.2%}"


def _whole(value: float) -> str:
    return f"{int(value):,}"


def user_wasted_ratio(analysis: Analysis) -> float:
    """dive's ``WastedUserPercent``: wasted bytes over the bytes of every layer above the first (the base's own
    first layer is not the user's); infinite when waste sits on a first layer alone, 0 when nothing is wasted."""
    added = sum(layer.size_bytes for layer in analysis.layers[1:])
    if added:
        return analysis.wasted_bytes / added
    return math.inf if analysis.wasted_bytes else 0.0


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One budget: the option that sets it, the figure it judges, and which way a limit is broken."""

    #: Its stable name, dive's where dive has the rule: what JUnit, SARIF and the JSON call it.
    id: str
    #: The command-line option that sets it (``--max-size``), and the action input of the same name.
    option: str
    #: The figure it judges, as a report names it.
    figure: str
    #: What it asks of the image, as a report's rule descriptions say it.
    text: str
    #: The figure, from an analysis.
    measure: Callable[[Analysis], float]
    #: A limit as written into its value (:func:`parse_size`, :func:`parse_ratio`, :func:`parse_count`).
    parse: Callable[[str, str], float]
    #: A value as a report shows it.
    show: Callable[[float], str]
    #: True when the figure must stay at or above the limit (dive's lowestEfficiency); else at or below it.
    floor: bool = False
    #: Whether dive has this rule, under the same name.
    dive: bool = False

    def broken(self, measured: float, limit: float) -> bool:
        return measured < limit if self.floor else measured > limit


RULES: tuple[Rule, ...] = (
    Rule(
        id="highestSizeBytes",
        option="--max-size",
        figure="size",
        text="The bytes of the files in the image's layers (docker image inspect's Size on the classic store) "
        "are at most the limit.",
        measure=lambda a: a.size_bytes,
        parse=parse_size,
        show=_size,
    ),
    Rule(
        id="highestLayerCount",
        option="--max-layers",
        figure="layers",
        text="The image has at most this many filesystem layers.",
        measure=lambda a: len(a.layers),
        parse=parse_count,
        show=_whole,
    ),
    Rule(
        id="lowestEfficiency",
        option="--min-efficiency",
        figure="efficiency",
        text="dive's efficiency (the smallest copy of each path over all its copies) is at least the limit.",
        measure=lambda a: a.efficiency,
        parse=parse_ratio,
        show=_share,
        floor=True,
        dive=True,
    ),
    Rule(
        id="highestWastedBytes",
        option="--max-wasted-bytes",
        figure="wasted",
        text="dive's wasted bytes (every copy of a path that is in two or more layers) are at most the limit.",
        measure=lambda a: a.wasted_bytes,
        parse=parse_size,
        show=_size,
        dive=True,
    ),
    Rule(
        id="highestUserWastedPercent",
        option="--max-wasted-percent",
        figure="wasted share",
        text="dive's wasted bytes over the bytes of every layer above the first are at most the limit.",
        measure=user_wasted_ratio,
        parse=parse_ratio,
        show=_share,
        dive=True,
    ),
    Rule(
        id="noSecrets",
        option="--no-secrets",
        figure="secrets",
        text="No secret-looking content in any layer (deleted later or not), nor in the config's Env or history.",
        measure=lambda a: len(a.secrets or ()),
        parse=parse_count,
        show=_whole,
    ),
)
BY_OPTION = {rule.option: rule for rule in RULES}


@dataclass(frozen=True, kw_only=True)
class Budget:
    """A rule with its limit, as the command line gave it."""

    rule: Rule
    limit: float
    #: The limit as written (``50MB``), for the report.
    written: str


def budget(option: str, written: str) -> Budget:
    """The budget ``option`` sets, its limit read from ``written``; a limit that cannot be read is exit 2."""
    rule = BY_OPTION[option]
    return Budget(rule=rule, limit=rule.parse(written, option), written=written)


def no_secrets() -> Budget:
    """``--no-secrets``: at most 0 findings."""
    return Budget(rule=BY_OPTION["--no-secrets"], limit=0, written="")


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """A budget judged on an image."""

    budget: Budget
    measured: float
    kept: bool

    @property
    def rule(self) -> Rule:
        return self.budget.rule

    @property
    def limit_text(self) -> str:
        return self.rule.show(self.budget.limit)

    @property
    def measured_text(self) -> str:
        """The measured figure; in bytes when it and the limit would read the same rounded."""
        shown = self.rule.show(self.measured)
        if shown == self.limit_text and self.measured != self.budget.limit and not math.isinf(self.measured):
            return f"{int(self.measured):,} bytes" if self.rule.show is _size else f"{self.measured:.6%}"
        return shown

    @property
    def text(self) -> str:
        """One line naming the rule, the measured figure and the limit: ``size 64.2 MB, over the limit 50.0 MB``."""
        if self.rule.option == "--no-secrets":
            return f"{self.measured_text} secret-looking finding(s), where none is allowed"
        if self.kept:
            side = "at or above" if self.rule.floor else "at or below"
        else:
            side = "under" if self.rule.floor else "over"
        return f"{self.rule.figure} {self.measured_text}, {side} the limit {self.limit_text}"


def judge(analysis: Analysis, budgets: Iterable[Budget]) -> tuple[Verdict, ...]:
    """Each budget judged on ``analysis``, in the order given."""
    verdicts = []
    for given in budgets:
        measured = given.rule.measure(analysis)
        verdicts.append(Verdict(budget=given, measured=measured, kept=not given.rule.broken(measured, given.limit)))
    return tuple(verdicts)


def kept(verdicts: Sequence[Verdict]) -> bool:
    return all(v.kept for v in verdicts)


def line(verdict: Verdict) -> str:
    """``FAIL highestSizeBytes (--max-size 50MB): size 64.2 MB, over the limit 50.0 MB``."""
    given = f"{verdict.rule.option} {verdict.budget.written}".strip()
    return f"{'PASS' if verdict.kept else 'FAIL'} {verdict.rule.id} ({given}): {verdict.text}"


def summary(verdicts: Sequence[Verdict]) -> str:
    """``1 of 6 budgets kept, 5 broken``; ``2 of 2 budgets kept``."""
    broken = sum(not v.kept for v in verdicts)
    count = f"{len(verdicts) - broken} of {len(verdicts)} budget{'s' if len(verdicts) != 1 else ''} kept"
    return f"{count}, {broken} broken" if broken else count


def lines(verdicts: Sequence[Verdict]) -> list[str]:
    """The text report's last section: the count, then each verdict; nothing when no budget was given."""
    if not verdicts:
        return []
    return ["", f"  budgets: {summary(verdicts)}", *(f"    {line(v)}" for v in verdicts)]


def _number(value: float) -> float | None:
    """A figure as JSON holds it: an infinite share (waste on the first layer alone) as null."""
    return None if math.isinf(value) else value


def to_dict(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """The ``budgets`` section of ``analyze --format json``."""
    return {
        "kept": kept(verdicts),
        "rules": [
            {
                "rule": v.rule.id,
                "option": v.rule.option,
                "dive": v.rule.dive,
                "limit": _number(v.budget.limit),
                "written": v.budget.written,
                "measured": _number(v.measured),
                "kept": v.kept,
                "text": v.text,
            }
            for v in verdicts
        ],
    }
