"""Claim kinds: small frozen dataclasses judged on measured data, never on Docker.

Each kind's docstring is the sentence the reference page shows for it; its
fields are the keys a ``[[claims]]`` table in ``lab.toml`` may set.  A kind
says which variants it reads (:meth:`variants`) and whether it needs the
image's file list (``needs_files``), so the checker measures only what is
used; :meth:`evaluate` then turns measurements into a :class:`Verdict`.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from checks.model.measured import Measured
from checks.model.units import MB, megabytes


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The outcome of one claim: what was expected, what was measured."""

    passed: bool
    expected: str
    measured: str


def within(value: float, low: float | None, high: float | None, show: Callable[[float], str]) -> tuple[bool, str]:
    """Whether ``value`` lies in the inclusive bounds (None: unbounded), and the bounds as text."""
    passed = (low is None or value >= low) and (high is None or value <= high)
    text = [f">= {show(low)}"] if low is not None else []
    text += [f"<= {show(high)}"] if high is not None else []
    return passed, " and ".join(text)


class Kind:
    """Shared behaviour of every claim kind."""

    kind: ClassVar[str]
    needs_files: ClassVar[bool] = False
    needs_smoke: ClassVar[bool] = False
    #: True for kinds judged on the compressed size, which a push to a registry measures.
    needs_registry: ClassVar[bool] = False
    #: True for kinds judged on pull times, which cold pulls by a fresh engine measure.
    needs_pulls: ClassVar[bool] = False

    def variants(self) -> tuple[str, ...]:
        """The variants this claim reads, in the order it names them."""
        return (self.variant,)  # type: ignore[attr-defined]

    def link(self) -> float | None:
        """The rate in Mbit/s of the throttled link this claim's pulls are timed over (None: loopback)."""
        return None

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class SizeRatio(Kind):
    """The variant's size divided by another variant's size lies within bounds."""

    kind: ClassVar[str] = "size_ratio"
    #: The variant being judged.
    variant: str
    #: The variant it is compared with.
    of: str
    #: Highest allowed ratio (0.02 means "at most 2 %").
    max: float | None = None
    #: Lowest allowed ratio (1.0 means "not smaller").
    min: float | None = None

    def variants(self) -> tuple[str, ...]:
        return (self.variant, self.of)

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        size, base = measured[self.variant].size_bytes, measured[self.of].size_bytes
        ratio = size / base if base else float("inf")
        passed, bounds = within(ratio, self.min, self.max, lambda bound: f"{bound:.2%}")
        return Verdict(
            passed=passed,
            expected=f"{self.variant}/{self.of} {bounds}",
            measured=f"{ratio:.2%} ({megabytes(size)} / {megabytes(base)})",
        )


@dataclass(frozen=True, kw_only=True)
class MaxSize(Kind):
    """The variant's uncompressed size is at most a ceiling, in decimal megabytes."""

    kind: ClassVar[str] = "max_size"
    variant: str
    #: Ceiling in MB (1 MB = 1,000,000 bytes, as `docker image ls` counts).
    max_mb: float

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        size = measured[self.variant].size_bytes
        return Verdict(
            passed=size <= round(self.max_mb * MB),
            expected=f"<= {self.max_mb:g} MB",
            measured=megabytes(size),
        )


@dataclass(frozen=True, kw_only=True)
class SizeDifference(Kind):
    """The variant's size minus another variant's size, in decimal megabytes, lies within bounds."""

    kind: ClassVar[str] = "size_difference"
    variant: str
    #: The variant it is compared with.
    of: str
    #: Least allowed difference in MB (45 means "at least 45 MB bigger").
    min_mb: float | None = None
    #: Most allowed difference in MB (1 means "at most 1 MB bigger").
    max_mb: float | None = None

    def variants(self) -> tuple[str, ...]:
        return (self.variant, self.of)

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        difference = measured[self.variant].size_bytes - measured[self.of].size_bytes
        low, high = (None if mb is None else round(mb * MB) for mb in (self.min_mb, self.max_mb))
        passed, bounds = within(difference, low, high, lambda bound: f"{bound / MB:g} MB")
        return Verdict(
            passed=passed,
            expected=f"{self.variant} - {self.of} {bounds}",
            measured=f"{difference / MB:+.1f} MB",
        )


@dataclass(frozen=True, kw_only=True)
class MaxLayers(Kind):
    """The variant has at most this many filesystem layers."""

    kind: ClassVar[str] = "max_layers"
    variant: str
    max: int

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        count = measured[self.variant].layer_count
        return Verdict(passed=count <= self.max, expected=f"<= {self.max} layers", measured=f"{count} layers")


def matching(files: frozenset[str], pattern: str) -> list[str]:
    """Paths in ``files`` that ``pattern`` names: the path itself, anything below it,
    or any path the shell-style pattern matches (``*`` also crosses ``/``)."""
    pattern = pattern.strip("/")
    below = pattern + "/"
    return sorted(f for f in files if f == pattern or f.startswith(below) or fnmatch.fnmatchcase(f, pattern))


@dataclass(frozen=True, kw_only=True)
class PathAbsent(Kind):
    """None of the given paths (or shell-style patterns) exists in the variant's filesystem."""

    kind: ClassVar[str] = "path_absent"
    needs_files: ClassVar[bool] = True
    variant: str
    #: Paths or patterns, e.g. "usr/local/go" or "*/bin/gcc*".
    paths: tuple[str, ...]

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        files = measured[self.variant].files or frozenset()
        found = [hit for pattern in self.paths for hit in matching(files, pattern)[:1]]
        return Verdict(
            passed=not found,
            expected="absent: " + ", ".join(self.paths),
            measured="found: " + ", ".join("/" + f for f in found) if found else "none found",
        )


@dataclass(frozen=True, kw_only=True)
class PathPresent(Kind):
    """Every one of the given paths (or shell-style patterns) exists in the variant's filesystem."""

    kind: ClassVar[str] = "path_present"
    needs_files: ClassVar[bool] = True
    variant: str
    paths: tuple[str, ...]

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        files = measured[self.variant].files or frozenset()
        missing = [p for p in self.paths if not matching(files, p)]
        return Verdict(
            passed=not missing,
            expected="present: " + ", ".join(self.paths),
            measured="missing: " + ", ".join(missing) if missing else "all present",
        )


ROOT_USERS = {"", "0", "root", "0:0", "root:root", "root:0", "0:root"}


@dataclass(frozen=True, kw_only=True)
class NonRoot(Kind):
    """The variant's image is configured to run as a user other than root."""

    kind: ClassVar[str] = "non_root"
    variant: str

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        user = measured[self.variant].user
        return Verdict(
            passed=user.strip() not in ROOT_USERS,
            expected="USER is not root",
            measured=f"USER {user}" if user else "no USER (root)",
        )


@dataclass(frozen=True, kw_only=True)
class SameSmokeOutput(Kind):
    """Every listed variant passes the smoke test with identical output."""

    kind: ClassVar[str] = "same_smoke_output"
    needs_smoke: ClassVar[bool] = True
    #: At least two variants.
    variants_: tuple[str, ...] = dataclasses.field(metadata={"key": "variants"})

    def variants(self) -> tuple[str, ...]:
        return self.variants_

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        runs = {name: measured[name].smoke for name in self.variants_}
        failed = [name for name, run in runs.items() if run is None or not run.passed]
        outputs = {run.stdout for run in runs.values() if run is not None}
        if failed:
            shown = f"smoke test failed for {', '.join(failed)}"
        elif len(outputs) > 1:
            shown = "outputs differ: " + "; ".join(f"{n}: {r.stdout[:60]!r}" for n, r in runs.items() if r)
        else:
            shown = f"all print {next(iter(outputs))[:60]!r}"
        return Verdict(
            passed=not failed and len(outputs) == 1,
            expected=f"same output from {', '.join(self.variants_)}",
            measured=shown,
        )


@dataclass(frozen=True, kw_only=True)
class SmokePasses(Kind):
    """The variant passes its smoke test: the app still does its job."""

    kind: ClassVar[str] = "smoke_passes"
    needs_smoke: ClassVar[bool] = True
    variant: str

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        run = measured[self.variant].smoke
        if run is None:
            shown = "no smoke test ran"
        elif run.passed:
            shown = f"prints {run.stdout[:60]!r}"
        else:
            last = run.stderr_tail.strip().splitlines()[-1:] or [f"printed {run.stdout[:60]!r}"]
            shown = f"exit {run.exit_code}: {last[0][:100]}"
        return Verdict(passed=run is not None and run.passed, expected="smoke test passes", measured=shown)


@dataclass(frozen=True, kw_only=True)
class SmokeFails(Kind):
    """The variant is expected to fail its smoke test: the lab shows a trap, not a fix."""

    kind: ClassVar[str] = "smoke_fails"
    needs_smoke: ClassVar[bool] = True
    variant: str

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        run = measured[self.variant].smoke
        if run is None:
            shown = "no smoke test ran"
        elif run.timed_out:
            shown = "timed out"
        else:
            shown = f"exit {run.exit_code}" + (f": {run.stderr_tail.splitlines()[-1][:80]}" if run.stderr_tail else "")
        return Verdict(passed=run is not None and not run.passed, expected="smoke test fails", measured=shown)


#: What a verdict shows when the checker did not measure what a kind needs.
NOT_MEASURED = "not measured"


@dataclass(frozen=True, kw_only=True)
class MaxCompressedSize(Kind):
    """The variant's compressed size, the bytes a node downloads to pull it, is at most a ceiling in decimal megabytes."""

    kind: ClassVar[str] = "max_compressed_size"
    needs_registry: ClassVar[bool] = True
    variant: str
    #: Ceiling in MB for the sum of the layer blobs a registry stores after a push.
    max_mb: float

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        size = measured[self.variant].compressed_size_bytes
        return Verdict(
            passed=size is not None and size <= round(self.max_mb * MB),
            expected=f"<= {self.max_mb:g} MB compressed",
            measured=NOT_MEASURED if size is None else f"{megabytes(size)} compressed",
        )


@dataclass(frozen=True, kw_only=True)
class PullSpeedup(Kind):
    """A node that has never pulled anything pulls the variant at least ``min`` times faster than another (medians of cold pulls)."""

    kind: ClassVar[str] = "pull_speedup"
    needs_pulls: ClassVar[bool] = True
    #: The variant expected to pull faster.
    variant: str
    #: The variant it is compared with.
    of: str
    #: Lowest allowed speed-up: 2 means "pulled in at most half the time".
    min: float
    #: Time these pulls over a link throttled to this many Mbit/s (leave it out for plain loopback).
    link_mbit: float | None = None

    def variants(self) -> tuple[str, ...]:
        return (self.variant, self.of)

    def link(self) -> float | None:
        return self.link_mbit or None

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        fast_runs, slow_runs = measured[self.variant].runs_over(self.link()), measured[self.of].runs_over(self.link())
        over = f" over a {self.link_mbit:g} Mbit/s link" if self.link() else ""
        expected = f"{self.variant} pulls >= {self.min:g}× faster than {self.of}{over}"
        if not fast_runs or not slow_runs:
            return Verdict(passed=False, expected=expected, measured=f"pull times{over} {NOT_MEASURED}")
        fast, slow = statistics.median(fast_runs), statistics.median(slow_runs)
        speedup = slow / fast if fast > 0 else float("inf")
        runs = min(len(fast_runs), len(slow_runs))
        return Verdict(
            passed=speedup >= self.min,
            expected=expected,
            measured=f"{speedup:.1f}× ({fast:.2f} s against {slow:.2f} s, medians of {runs} cold pulls{over})",
        )


#: Every claim kind, by the name ``lab.toml`` uses.
KINDS: dict[str, type[Kind]] = {
    k.kind: k for k in (SizeRatio, SizeDifference, MaxSize, MaxLayers, PathAbsent, PathPresent, NonRoot, SameSmokeOutput, SmokePasses, SmokeFails,
                        MaxCompressedSize, PullSpeedup)
}


def toml_key(field: dataclasses.Field) -> str:
    """The key a field is spelled with in ``lab.toml``."""
    return field.metadata.get("key", field.name)
