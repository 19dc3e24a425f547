"""Claim kinds on what an image holds and how it came to be: its paths, the stages its build ran, its user."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import ClassVar

from checks.model.claims.kind import Kind, Problem, Said, Verdict, claim_kind, judged, key, listed, patterns, quoted
from checks.model.i18n import N_, _, say
from checks.model.measured import Facet, Measured


def matching(files: frozenset[str], pattern: str) -> list[str]:
    """Paths in ``files`` that ``pattern`` names: the path itself, anything below it,
    or any path the shell-style pattern matches (``*`` also crosses ``/``)."""
    pattern = pattern.strip("/")
    below = pattern + "/"
    return sorted(f for f in files if f == pattern or f.startswith(below) or fnmatch.fnmatchcase(f, pattern))


class _Paths(Kind):
    """What the path kinds share: the file list they need and the patterns they read."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.FILES})

    def verdict(self, unmet: list[str]) -> Verdict:
        raise NotImplementedError

    def rejudged(self, measured: Mapping[str, Measured], recorded: Verdict) -> Verdict | None:
        """results.json records no file lists, but a claim that held matched (or missed) no path: its verdict."""
        return self.verdict([]) if recorded.passed else None

    def problems(self) -> list[Problem]:
        empty = [Problem("paths", "is empty, so it could never fail")] if not self.paths else []  # type: ignore[attr-defined]
        return super().problems() + empty


@claim_kind("path_absent")
class PathAbsent(_Paths):
    """None of the given paths (or shell-style patterns) exists in the variant's filesystem."""

    variant: str = judged()
    paths: tuple[str, ...] = patterns()

    def goal(self, you: str) -> str:
        return _("holds none of {paths}").format(paths=quoted(self.paths))

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        files = measured[self.variant].files or frozenset()
        return self.verdict([hit for pattern in self.paths for hit in matching(files, pattern)[:1]])

    def verdict(self, unmet: list[str]) -> Verdict:
        """The verdict on the paths found (``unmet``: one per pattern that matched)."""
        found = unmet
        return Verdict(
            passed=not found,
            expected=say(N_("absent: {paths}"), paths=self.paths),
            measured=say(N_("found: {paths}"), paths=tuple("/" + f for f in found)) if found else say(N_("none found")),
        )


@claim_kind("path_present")
class PathPresent(_Paths):
    """Every one of the given paths (or shell-style patterns) exists in the variant's filesystem."""

    variant: str = judged()
    paths: tuple[str, ...] = patterns()

    def goal(self, you: str) -> str:
        return _("still holds {paths}").format(paths=quoted(self.paths))

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        files = measured[self.variant].files or frozenset()
        return self.verdict([p for p in self.paths if not matching(files, p)])

    def verdict(self, unmet: list[str]) -> Verdict:
        """The verdict on the patterns missing (``unmet``: those nothing matched)."""
        missing = unmet
        return Verdict(
            passed=not missing,
            expected=say(N_("present: {paths}"), paths=self.paths),
            measured=say(N_("missing: {paths}"), paths=tuple(missing)) if missing else say(N_("all present")),
        )


@claim_kind("build_stages")
class BuildStages(Kind):
    """The variant's build ran steps of every stage in ``built`` and no step of any stage in ``skipped``, as its
    progress shows: BuildKit builds only the stages its target needs."""

    variant: str = judged()
    built: tuple[str, ...] = key(
        "Stages whose steps the build must run or take from the cache, named as after `AS` (`stage-N` for the "
        "Nth stage, from 0, if it has no name).",
        default=(),
    )
    skipped: tuple[str, ...] = key(
        "Stages of the Dockerfile, up to the one built, of which the build must run no step.", default=()
    )

    def problems(self) -> list[Problem]:
        found = super().problems()
        if not self.built and not self.skipped:
            found.append(Problem("", "names no stage in built or skipped, so it could never fail"))
        if both := sorted({s.lower() for s in self.built} & {s.lower() for s in self.skipped}):
            found.append(Problem("skipped", f"names {', '.join(both)}, which built names too, so it could never hold"))
        return found

    def goal(self, you: str) -> str:
        if self.built and self.skipped:
            return _("is built from {built} without running {skipped}").format(
                built=quoted(self.built), skipped=quoted(self.skipped)
            )
        if self.built:
            return _("is built from {built}").format(built=quoted(self.built))
        return _("is built without running {skipped}").format(skipped=quoted(self.skipped))

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        record = measured[self.variant].stages
        wants: list[Said] = [say(N_("steps of {stages} run"), stages=self.built)] if self.built else []
        wants += [say(N_("no step of {stages}"), stages=self.skipped)] if self.skipped else []
        expected = listed(wants)
        if record is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("stages not measured")))
        unknown = tuple(s for s in (*self.built, *self.skipped) if s.lower() not in record)
        ran = tuple(say(N_("{stage} {steps}"), stage=name, steps=steps) for name, steps in record.items() if steps)
        left = tuple(n for n, s in record.items() if not s)
        none = say(N_("none"))
        shown = say(N_("steps run: {ran}; stages left out: {left}"), ran=ran or none, left=left or none)
        passed = (
            not unknown
            and all(record[s.lower()] for s in self.built)
            and not any(record[s.lower()] for s in self.skipped)
        )
        if unknown:
            shown = say(
                N_("{shown}; the Dockerfile has no stage {stages} up to the one built"), shown=shown, stages=unknown
            )
        return Verdict(passed=passed, expected=expected, measured=shown)


ROOT_USERS = {"", "0", "root", "0:0", "root:root", "root:0", "0:root"}


@claim_kind("non_root")
class NonRoot(Kind):
    """The variant's image is configured to run as a user other than root."""

    variant: str = judged()

    def goal(self, you: str) -> str:
        return _("runs as a user other than root")

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        user = measured[self.variant].user
        return Verdict(
            passed=user.strip() not in ROOT_USERS,
            expected=say(N_("USER is not root")),
            measured=say(N_("USER {user}"), user=user) if user else say(N_("no USER (root)")),
        )
