"""Claim kinds on the smoke test: the app still does its job, prints what another variant prints, or fails as a
trap should."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar

from checks.model.claims.kind import Kind, Problem, Said, Verdict, claim_kind, judged, key, listed, quoted
from checks.model.i18n import N_, Phrase, _, say
from checks.model.measured import Facet, Measured


@claim_kind("same_smoke_output")
class SameSmokeOutput(Kind):
    """Every listed variant passes the smoke test with identical output."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.SMOKE})
    goal_text: ClassVar[str] = N_("Your image prints exactly what the before image prints.")
    variants_: tuple[str, ...] = key("At least two variants.", toml="variants", variants=True)

    def problems(self) -> list[Problem]:
        few = [Problem("variants", "must name at least two variants")] if len(self.variants_) < 2 else []
        return super().problems() + few

    def goal(self, you: str) -> str:
        return _("prints exactly what {others} prints").format(
            others=quoted([name for name in self.variants_ if name != you])
        )

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        runs = {name: measured[name].smoke for name in self.variants_}
        failed = [name for name, run in runs.items() if run is None or not run.passed]
        outputs = {run.stdout for run in runs.values() if run is not None}
        if failed:
            shown = say(N_("smoke test failed for {variants}"), variants=tuple(failed))
        elif len(outputs) > 1:
            printed = [
                say(N_("{variant}: {output}"), variant=n, output=repr(r.stdout[:60])) for n, r in runs.items() if r
            ]
            shown = say(N_("outputs differ: {outputs}"), outputs=listed(printed))
        else:
            shown = say(N_("all print {output}"), output=repr(next(iter(outputs))[:60]))
        return Verdict(
            passed=not failed and len(outputs) == 1,
            expected=say(N_("same output from {variants}"), variants=self.variants_),
            measured=shown,
        )


@claim_kind("smoke_passes")
class SmokePasses(Kind):
    """The variant passes its smoke test: the app still does its job."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.SMOKE})
    variant: str = judged()

    def goal(self, you: str) -> str:
        return _("still starts and does its job")

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        run = measured[self.variant].smoke
        shown: Said
        if run is None:
            shown = say(N_("no smoke test ran"))
        elif run.passed:
            shown = say(N_("prints {output}"), output=repr(run.stdout[:60]))
        else:
            last = run.stderr_tail.strip().splitlines()[-1:]
            line = last[0][:100] if last else say(N_("printed {output}"), output=repr(run.stdout[:60]))
            shown = say(N_("{ended}: {line}"), ended=say(N_("exit {code}"), code=run.exit_code), line=line)
        passed = run is not None and run.passed
        return Verdict(passed=passed, expected=say(N_("smoke test passes")), measured=shown)

    def rejudged(self, measured: Mapping[str, Measured], recorded: Verdict) -> Verdict | None:
        """A failed run's words quote its standard error, which results.json does not record (unless as a phrase)."""
        if recorded.passed or not isinstance(recorded.measured, Phrase):
            return self.evaluate(measured) if recorded.passed else None
        return Verdict(passed=False, expected=say(N_("smoke test passes")), measured=recorded.measured)


#: How schema 1 recorded a failed smoke test's line: ``exit 1: ModuleNotFoundError: ...`` or ``timed out: ...``.
SMOKE_FAILED = re.compile(r"(?:timed out|exit (?P<code>-?\d+)): (?P<line>.+)", re.S)


@claim_kind("smoke_fails")
class SmokeFails(Kind):
    """The variant is expected to fail its smoke test: the lab shows a trap, not a fix."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.SMOKE})
    variant: str = judged()
    expect: str = key(
        "Text the failed run must have printed, on standard output or in the last lines of standard error "
        "(e.g. `ModuleNotFoundError: No module named 'xml'`); left out, any failure holds.",
        default="",
    )

    def goal(self, you: str) -> str:
        if self.expect:
            return _("fails to start, printing {expect}").format(expect=quoted([self.expect]))
        return _("fails to start")

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        run = measured[self.variant].smoke
        if run is None:
            return Verdict(passed=False, expected=self.expected(), measured=say(N_("no smoke test ran")))
        ended = say(N_("timed out")) if run.timed_out else say(N_("exit {code}"), code=run.exit_code)
        printed = f"{run.stdout}\n{run.stderr_tail}"
        shown: Said = ended
        if self.expect and self.expect in printed:
            line = next((line for line in printed.splitlines() if self.expect in line), self.expect)
            shown = say(N_("{ended}: {line}"), ended=ended, line=line.strip()[:100])
        elif run.stderr_tail and not run.timed_out:
            shown = say(N_("{ended}: {line}"), ended=ended, line=run.stderr_tail.splitlines()[-1][:80])
        if self.expect and self.expect not in printed:
            shown = say(N_("{shown}, without {expect}"), shown=shown, expect=repr(self.expect))
        return Verdict(passed=not run.passed and self.expect in printed, expected=self.expected(), measured=shown)

    def rejudged(self, measured: Mapping[str, Measured], recorded: Verdict) -> Verdict | None:
        """The line a run printed may be on standard error, which results.json does not record: a claim that held
        recorded it as ``exit 1: <line>`` (schema 1), which says the same in words again."""
        said = recorded.measured
        if isinstance(said, Phrase):  # recorded as a phrase already: the record says it in words
            return Verdict(passed=recorded.passed, expected=self.expected(), measured=said)
        shape = SMOKE_FAILED.fullmatch(said)
        if not recorded.passed or shape is None or self.expect not in shape["line"]:
            return None
        ended = say(N_("timed out")) if shape["code"] is None else say(N_("exit {code}"), code=int(shape["code"]))
        return Verdict(
            passed=True, expected=self.expected(), measured=say(N_("{ended}: {line}"), ended=ended, line=shape["line"])
        )

    def expected(self) -> Phrase:
        if self.expect:
            return say(N_("smoke test fails printing {expect}"), expect=repr(self.expect))
        return say(N_("smoke test fails"))
