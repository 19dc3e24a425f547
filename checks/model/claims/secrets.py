"""Claim kinds on what the secret rules of ``analyze`` find in an image: nothing, or the leak a lab shows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from checks.model.claims.kind import Kind, Problem, Said, Verdict, claim_kind, judged, key, listed, quoted
from checks.model.i18n import N_, Phrase, _, say
from checks.model.measured import Facet, Measured, SecretSeen


def seen_text(seen: SecretSeen) -> Phrase:
    """A recorded secret finding in words: ``github-token at /etc/app.toml in layer 1, hidden by a later layer``."""
    where = seen.path if seen.path in ("config Env", "history") else "/" + seen.path
    if seen.layer is None:
        found = say(N_("{rule} at {path}"), rule=seen.rule, path=where)
    else:
        found = say(N_("{rule} at {path} in layer {layer}"), rule=seen.rule, path=where, layer=seen.layer)
    return found if seen.visible else say(N_("{finding}, hidden by a later layer"), finding=found)


def seen_list(found: tuple[SecretSeen, ...], count: int = 3) -> Said:
    """The first ``count`` findings in words, and how many more there are."""
    shown = listed([seen_text(s) for s in found[:count]])
    return (
        say(N_("{findings}; {count} more"), findings=shown, count=len(found) - count) if len(found) > count else shown
    )


@claim_kind("no_secrets")
class NoSecrets(Kind):
    """The secret rules of ``analyze`` find nothing in the variant's image: in no layer (files a later layer deleted
    included), nor in its config's ``Env`` or history."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.SECRETS})
    variant: str = judged()

    def goal(self, you: str) -> str:
        return _("has nothing secret-looking in any layer, its Env or its history")

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        found = measured[self.variant].secrets
        expected = say(N_("nothing secret-looking in any layer, the Env or the history"))
        if found is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("secrets not measured")))
        shown = say(N_("{count} found: {findings}"), count=len(found), findings=seen_list(found))
        return Verdict(passed=not found, expected=expected, measured=shown if found else say(N_("none found")))


#: What a ``secret_found`` claim may ask of the finding: anywhere, visible to a container, or hidden from it.
STATES = {"any": N_("anywhere"), "visible": N_("visible to a container"), "hidden": N_("hidden by a later layer")}


@claim_kind("secret_found")
class SecretFound(Kind):
    """The secret rules of ``analyze`` find a secret of the given rule in the variant's image: the lab shows a
    leak, not a fix."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.SECRETS})
    variant: str = judged()
    rule: str = key(
        "The rule that must find it, an id of the table in `checks/inspect/secrets.py` "
        "(`github-token`, `private-key`, `dotenv`, `secret-variable`, ...)."
    )
    state: str = key(
        '`"any"`; `"visible"`: a container sees it; `"hidden"`: a later layer deleted or replaced the file, '
        "and it still ships.",
        default="any",
    )

    def problems(self) -> list[Problem]:
        wrong = [] if self.state in STATES else [Problem("state", f"must be one of {', '.join(STATES)}")]
        empty = [] if self.rule else [Problem("rule", "is empty, so it could never hold")]
        return super().problems() + wrong + empty

    def goal(self, you: str) -> str:
        return _("still shows the {rule} finding").format(rule=quoted([self.rule]))

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        found = measured[self.variant].secrets
        state = say(STATES.get(self.state, self.state))
        expected = say(N_("a {rule} finding, {state}"), rule=self.rule, state=state)
        if found is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("secrets not measured")))
        hits = [
            s for s in found if s.rule == self.rule and (self.state == "any" or s.visible == (self.state == "visible"))
        ]
        others = say(N_("none: {findings}"), findings=seen_list(found)) if found else say(N_("none found"))
        return Verdict(passed=bool(hits), expected=expected, measured=seen_list(tuple(hits)) if hits else others)
