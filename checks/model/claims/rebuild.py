"""Claim kinds on reproducibility: the variant built once more from an empty cache, compared with its image."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from checks.model.claims.kind import Kind, Problem, Verdict, claim_kind, judged, key
from checks.model.i18n import N_, Phrase, say
from checks.model.measured import ASPECT_WORDS, ASPECTS, Facet, Measured


def differences_text(by_aspect: Mapping[str, int]) -> Phrase:
    """How many paths differ in each aspect: ``paths differing: 1 in content, 2 in mtime``."""
    parts = tuple(
        say(N_("{count} in {aspect}"), count=count, aspect=say(ASPECT_WORDS.get(aspect, aspect)))
        for aspect, count in by_aspect.items()
    )
    return say(N_("paths differing: {counts}"), counts=parts) if parts else say(N_("no path differs"))


@claim_kind("reproducible")
class Reproducible(Kind):
    """The variant's build and one more from an empty build cache, both with ``SOURCE_DATE_EPOCH`` set, give the
    same image id; with ``allow``, the two images may differ in those aspects of their files only."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.REBUILD})
    variant: str = judged()
    allow: tuple[str, ...] = key(
        "Aspects the two builds' files may differ in, of `content`, `type`, `mode`, `owner`, `link`, `mtime`, "
        "`only-first`, `only-second`; `[]` (the default) asks for the same image id. "
        '`["mtime"]`: the same files, bytes and metadata, but for their times.',
        default=(),
    )

    def problems(self) -> list[Problem]:
        unknown = [a for a in self.allow if a not in ASPECTS]
        wrong = [Problem("allow", f"names {', '.join(unknown)}; use some of {', '.join(ASPECTS)}")] if unknown else []
        return super().problems() + wrong

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        rebuild = measured[self.variant].rebuild
        expected = (
            say(N_("the same image id from both builds, or differences in {aspects} only"), aspects=self.allow)
            if self.allow
            else say(N_("the same image id from both builds"))
        )
        if rebuild is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("rebuilds not measured")))
        if rebuild.reproducible:
            same = say(N_("the same image id from both builds ({id})"), id=rebuild.image_ids[0][:19])
            return Verdict(passed=True, expected=expected, measured=same)
        beyond = [aspect for aspect in rebuild.by_aspect if aspect not in self.allow]
        return Verdict(
            passed=not beyond,
            expected=expected,
            measured=say(N_("two image ids; {differences}"), differences=differences_text(rebuild.by_aspect)),
        )
