"""Claim kinds: small frozen dataclasses judged on measured data, never on Docker.

A kind is declared once, in this module: :func:`claim_kind` makes the class a
frozen dataclass and registers it under the name ``lab.toml`` uses.  Its
docstring is the sentence the reference page shows for it; its fields, each
made by :func:`key` (or :func:`judged`, :func:`compared`), are the keys a
``[[claims]]`` table may set, with their type, default, help text and spelling.
From that one declaration the spec reader checks a table, the grader renames
its variants and the guide writes its reference rows.

A kind says which variants it reads (:meth:`Kind.variants`), what makes a
table for it one that could never fail (:meth:`Kind.problems`) and which facets
of a measurement beyond the build it reads (:attr:`Kind.facets`: the image's file
list, its secret findings and so on), so the checker measures only what is used;
:meth:`Kind.evaluate` then turns measurements into a :class:`Verdict`.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self, TypeVar, dataclass_transform

from checks.model.compression import PUSHED, RECOMPRESSED
from checks.model.i18n import N_, Phrase, _, say
from checks.model.measured import ASPECT_WORDS, ASPECTS, Facet, Measured, SecretSeen
from checks.model.units import MB, megabytes

#: What a verdict says: a :class:`~checks.model.i18n.Phrase` (a marked template and its fields, shown in the
#: language in use), or plain text shown as it is (a figure, or a sentence recorded before phrases were).
Said = Phrase | str


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The outcome of one claim: what was expected, what was measured."""

    passed: bool
    expected: Said
    measured: Said


def within(value: float, low: float | None, high: float | None, show: Callable[[float], Said]) -> tuple[bool, Said]:
    """Whether ``value`` lies in the inclusive bounds (None: unbounded), and the bounds in words."""
    passed = (low is None or value >= low) and (high is None or value <= high)
    if low is not None and high is not None:
        return passed, say(N_(">= {min} and <= {max}"), min=show(low), max=show(high))
    if low is not None:
        return passed, say(N_(">= {min}"), min=show(low))
    return passed, say(N_("<= {max}"), max=show(high)) if high is not None else ""


def listed(items: Sequence[Said], template: str = N_("{first}; {rest}")) -> Said:
    """Several findings in one phrase, each joined to the rest by ``template`` (they may hold commas themselves)."""
    if len(items) == 1:
        return items[0]
    return say(template, first=items[0], rest=listed(items[1:], template)) if items else ""


def ratio_of(ratio: Said, size: int, base: int, template: str = N_("{ratio} ({size} / {base})")) -> Phrase:
    """A measured ratio and the two sizes it divides: ``0.66% (6.2 MB / 949.4 MB)``."""
    return say(template, ratio=ratio, size=megabytes(size), base=megabytes(base))


@dataclass(frozen=True, kw_only=True)
class TomlType:
    """How a field's Python type is written in ``lab.toml``."""

    #: The type as the reference page names it.
    word: str
    #: The TOML values that may set it (an integer where a number is wanted, too).
    reads: tuple[type, ...]
    #: True for numbers, which must not be negative unless the key says otherwise.
    number: bool = False

    def read(self, value: Any) -> Any:
        """A TOML value (of a type in :attr:`reads`) as the field holds it.

        A number is a float when the field wants one.
        """
        return float(value) if float in self.reads and value is not None else value


#: Every field type a claim kind (or a ``lab.toml`` table) may use, by its annotation.
TOML_TYPES: dict[str, TomlType] = {
    "str": TomlType(word="string", reads=(str,)),
    "str | None": TomlType(word="string", reads=(str,)),
    "int": TomlType(word="integer", reads=(int,), number=True),
    "float": TomlType(word="number", reads=(int, float), number=True),
    "float | None": TomlType(word="number", reads=(int, float), number=True),
    "tuple[str, ...]": TomlType(word="array of strings", reads=(list,)),
}


def key(
    meaning: str, *, default: Any = dataclasses.MISSING, toml: str = "", variants: bool = False, signed: bool = False
) -> Any:
    """A field of a claim kind: one key of its ``lab.toml`` table.

    ``meaning`` is what the reference page says the key means; ``toml`` its
    spelling there when the field's name cannot be (``variants_``);
    ``variants`` marks a key that names variants of the lab; ``signed`` lets a
    number be negative.
    """
    return dataclasses.field(
        default=default, metadata={"help": meaning, "toml": toml, "variants": variants, "signed": signed}
    )


def judged(meaning: str = "The variant being judged.") -> Any:
    """The ``variant`` key: the variant a claim is about."""
    return key(meaning, variants=True)


def compared(meaning: str = "The variant it is compared with.") -> Any:
    """The ``of`` key: the variant a claim compares the judged one with."""
    return key(meaning, variants=True)


def patterns() -> Any:
    """The ``paths`` key of the path kinds."""
    return key("Paths or patterns, e.g. `usr/local/go` or `*/bin/gcc*`.")


@dataclass(frozen=True, kw_only=True)
class Key:
    """One key of a claim kind's table, as its field declares it."""

    #: The key's spelling in ``lab.toml``.
    name: str
    #: The dataclass field it sets.
    field: str
    type: TomlType
    #: Its value when the table leaves it out; ``dataclasses.MISSING`` when the table must set it.
    default: Any
    #: What the key means, as the reference page shows it.
    help: str
    #: True when the key names variants of the lab.
    variants: bool = False
    #: True when a number may be negative.
    signed: bool = False

    @property
    def required(self) -> bool:
        return self.default is dataclasses.MISSING


@dataclass(frozen=True)
class Problem:
    """Why a claim's table could never fail or never hold: the key at fault ("" for the whole table) and the text."""

    key: str
    text: str


class Kind:
    """Shared behaviour of every claim kind, derived from its declared keys."""

    kind: ClassVar[str]
    #: The keys of its ``lab.toml`` table, in the order its fields are declared (set by :func:`claim_kind`).
    _keys: ClassVar[tuple[Key, ...]]
    #: The facets of a measurement beyond the build that its claims are judged on (:class:`Facet`), so that a run
    #: measures them for the variants those claims read and no others.
    facets: ClassVar[frozenset[Facet]] = frozenset()
    #: What a learner's goal says instead of the lab's sentence, when that sentence names
    #: variants the grader does not build ("": the lab's sentence stands).
    goal_text: ClassVar[str] = ""

    @classmethod
    def reads(cls, *facets: Facet) -> bool:
        """True when its claims are judged on one of ``facets`` (:attr:`facets`)."""
        return not cls.facets.isdisjoint(facets)

    @classmethod
    def toml_keys(cls) -> tuple[Key, ...]:
        """The keys a ``[[claims]]`` table of this kind may set, besides id, kind, text and hint."""
        return cls._keys

    def variants(self) -> tuple[str, ...]:
        """The variants this claim reads, in the order it names them."""
        named = (getattr(self, k.field) for k in self.toml_keys() if k.variants)
        return tuple(name for value in named for name in (value if isinstance(value, tuple) else (value,)))

    def problems(self) -> list[Problem]:
        """What makes this claim one that could never fail or never hold; empty when it is sound."""
        found = []
        for k in self.toml_keys():
            value = getattr(self, k.field)
            if k.type.number and not k.signed and value is not None and value < 0:
                found.append(Problem(k.name, "must not be negative"))
        return found

    def rebind(self, mapping: Mapping[str, str]) -> Self | None:
        """The same claim about other variants: ``mapping`` renames the ones it reads.

        A key naming one variant must be renamed; a key naming several keeps
        those ``mapping`` renames.  None when a variant is missing or what is
        left is no longer a sound claim (see :meth:`problems`).
        """
        changes: dict[str, Any] = {}
        for k in self.toml_keys():
            value = getattr(self, k.field)
            if not k.variants:
                continue
            if isinstance(value, tuple):
                changes[k.field] = tuple(mapping[name] for name in value if name in mapping)
            elif value in mapping:
                changes[k.field] = mapping[value]
            else:
                return None
        rebound = dataclasses.replace(self, **changes)  # type: ignore[type-var]
        return None if rebound.problems() else rebound

    def goal(self, you: str) -> str:
        """The claim as a goal for the learner's image ``you``, in a few words after "your image": what the guide's
        exercise lists, where the lab's own sentence already stands once (``is at most 2% of the size of
        `before```). Names and paths in backticks; "" for a kind with no short form yet."""
        return ""

    def link(self) -> float | None:
        """The rate in Mbit/s of the throttled link this claim's pulls are timed over (None: loopback)."""
        return None

    def shared(self) -> tuple[str, str] | None:
        """(held, pulled): the variant a node holds and the one it then pulls, for a claim on that pull."""
        return None

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        raise NotImplementedError

    def rejudged(self, measured: Mapping[str, Measured], recorded: Verdict) -> Verdict | None:
        """The verdict again on what results.json records of ``measured`` (no file lists, no standard error), given
        the ``recorded`` one; None when the record cannot say it. :meth:`evaluate`, unless the kind reads more."""
        return self.evaluate(measured)


#: Every claim kind, by the name ``lab.toml`` uses, in the order this module declares them.
KINDS: dict[str, type[Kind]] = {}


def _key(cls: type, field: dataclasses.Field[Any]) -> Key:
    annotation = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", str(field.type))
    if annotation not in TOML_TYPES:
        raise TypeError(
            f"{cls.__name__}.{field.name}: type {annotation} has no lab.toml spelling; "
            f"use one of {', '.join(TOML_TYPES)}"
        )
    if not field.metadata.get("help"):
        raise TypeError(
            f"{cls.__name__}.{field.name}: declare it with key(meaning=...) so the reference page can say what it means"
        )
    meta = field.metadata
    return Key(
        name=meta["toml"] or field.name,
        field=field.name,
        type=TOML_TYPES[annotation],
        default=field.default,
        help=meta["help"],
        variants=meta["variants"],
        signed=meta["signed"],
    )


KindT = TypeVar("KindT", bound="type[Kind]")


@dataclass_transform(
    kw_only_default=True, frozen_default=True, field_specifiers=(dataclasses.field, key, judged, compared, patterns)
)
def claim_kind(name: str) -> Callable[[KindT], KindT]:
    """Declare a claim kind: a frozen dataclass registered in :data:`KINDS` as ``name``.

    Every field must be made by :func:`key` (its help text is the reference
    page's) and have a type ``lab.toml`` can spell; the class docstring is the
    kind's sentence.  A name used twice is an error, so no kind hides another.
    """

    def register(cls: KindT) -> KindT:
        if name in KINDS:
            raise TypeError(f"claim kind '{name}' is declared twice: {KINDS[name].__qualname__} and {cls.__qualname__}")
        if not (cls.__doc__ or "").strip():
            raise TypeError(f"{cls.__qualname__}: a claim kind's docstring is its sentence on the reference page")
        made: Any = dataclass(frozen=True, kw_only=True)(cls)
        made.kind = name
        made._keys = tuple(_key(made, field) for field in dataclasses.fields(made))
        KINDS[name] = made
        return made  # type: ignore[no-any-return]

    return register


def goal_share(ratio: float) -> str:
    """A bound of a goal as a percentage with no needless digits: ``2%``, ``33.3%``, ``101%``."""
    return f"{ratio * 100:.3g}%"


def goal_bounds(
    low: float | None, high: float | None, show: Callable[[float], str], forms: tuple[str, str, str], **fields: str
) -> str:
    """A goal with bounds: the first of ``forms`` (at most, at least, between) that fits what the claim sets."""
    at_most, at_least, between = forms
    template = between if low is not None and high is not None else at_most if high is not None else at_least
    shown = {"min": None if low is None else show(low), "max": None if high is None else show(high)}
    return _(template).format(**shown, **fields)


def quoted(names: tuple[str, ...] | list[str]) -> str:
    """Names or paths as a goal writes them: each in backticks, separated by commas."""
    return ", ".join(f"`{name}`" for name in names)


def unbounded(claim: Kind, *bounds: str) -> list[Problem]:
    """A problem when a claim leaves every one of its ``bounds`` out, so it could never fail."""
    if all(getattr(claim, bound) is None for bound in bounds):
        return [Problem("", f"sets no bound ({'/'.join(bounds)}), so it could never fail")]
    return []


@claim_kind("size_ratio")
class SizeRatio(Kind):
    """The variant's size divided by another variant's size lies within bounds."""

    variant: str = judged()
    of: str = compared()
    max: float | None = key('Highest allowed ratio (0.02 means "at most 2 %").', default=None)
    min: float | None = key('Lowest allowed ratio (1.0 means "not smaller").', default=None)

    def problems(self) -> list[Problem]:
        return super().problems() + unbounded(self, "max", "min")

    #: The goal's words, as the claim sets an upper bound, a lower one or both (:func:`goal_bounds`).
    goal_forms: ClassVar[tuple[str, str, str]] = (
        N_("is at most {max} of the size of `{of}`"),
        N_("is at least {min} of the size of `{of}`"),
        N_("is between {min} and {max} of the size of `{of}`"),
    )

    def goal(self, you: str) -> str:
        return goal_bounds(self.min, self.max, goal_share, self.goal_forms, of=self.of)

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        size, base = measured[self.variant].size_bytes, measured[self.of].size_bytes
        ratio = size / base if base else float("inf")
        passed, bounds = within(ratio, self.min, self.max, lambda bound: f"{bound:.2%}")
        return Verdict(
            passed=passed,
            expected=say(N_("{variant}/{of} {bounds}"), variant=self.variant, of=self.of, bounds=bounds),
            measured=ratio_of(f"{ratio:.2%}", size, base),
        )


@claim_kind("size_difference")
class SizeDifference(Kind):
    """The variant's size minus another variant's size, in decimal megabytes, lies within bounds."""

    variant: str = judged()
    of: str = compared()
    min_mb: float | None = key(
        'Least allowed difference in MB (45 means "at least 45 MB bigger").', default=None, signed=True
    )
    max_mb: float | None = key(
        'Most allowed difference in MB (1 means "at most 1 MB bigger").', default=None, signed=True
    )

    def problems(self) -> list[Problem]:
        return super().problems() + unbounded(self, "min_mb", "max_mb")

    goal_forms: ClassVar[tuple[str, str, str]] = (
        N_("is at most {max} bigger than `{of}`"),
        N_("is at least {min} bigger than `{of}`"),
        N_("is between {min} and {max} bigger than `{of}`"),
    )

    def goal(self, you: str) -> str:
        return goal_bounds(self.min_mb, self.max_mb, lambda mb: f"{mb:g} MB", self.goal_forms, of=self.of)

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        difference = measured[self.variant].size_bytes - measured[self.of].size_bytes
        low, high = (None if mb is None else round(mb * MB) for mb in (self.min_mb, self.max_mb))
        passed, bounds = within(difference, low, high, lambda bound: f"{bound / MB:g} MB")
        return Verdict(
            passed=passed,
            expected=say(N_("{variant} - {of} {bounds}"), variant=self.variant, of=self.of, bounds=bounds),
            measured=f"{difference / MB:+.1f} MB",
        )


@claim_kind("max_size")
class MaxSize(Kind):
    """The variant's uncompressed size is at most a ceiling, in decimal megabytes."""

    variant: str = judged()
    max_mb: float = key("Ceiling in MB (1 MB = 1,000,000 bytes, as `docker image ls` counts).")

    def goal(self, you: str) -> str:
        return _("is at most {max}").format(max=f"{self.max_mb:g} MB")

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        size = measured[self.variant].size_bytes
        return Verdict(
            passed=size <= round(self.max_mb * MB),
            expected=say(N_("<= {max}"), max=f"{self.max_mb:g} MB"),
            measured=megabytes(size),
        )


@claim_kind("max_layers")
class MaxLayers(Kind):
    """The variant has at most this many filesystem layers."""

    variant: str = judged()
    max: int = key("Highest allowed number of filesystem layers.")

    def goal(self, you: str) -> str:
        return _("has at most {max} layers").format(max=self.max)

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        count = measured[self.variant].layer_count
        return Verdict(
            passed=count <= self.max,
            expected=say(N_("<= {max} layers"), max=self.max),
            measured=say(N_("{count} layers"), count=count),
        )


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


#: What a verdict shows when the checker did not measure what a kind needs.
NOT_MEASURED = N_("not measured")


@claim_kind("max_compressed_size")
class MaxCompressedSize(Kind):
    """The variant's compressed size, the bytes a node downloads to pull it, is at most a ceiling in decimal MB."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.REGISTRY})
    variant: str = judged()
    max_mb: float = key("Ceiling in MB for the sum of the layer blobs a registry stores after a push.")

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        size = measured[self.variant].compressed_size_bytes
        return Verdict(
            passed=size is not None and size <= round(self.max_mb * MB),
            expected=say(N_("<= {max} compressed"), max=f"{self.max_mb:g} MB"),
            measured=say(NOT_MEASURED) if size is None else say(N_("{size} compressed"), size=megabytes(size)),
        )


@claim_kind("pull_speedup")
class PullSpeedup(Kind):
    """A node that has never pulled anything pulls the variant at least ``min`` times faster than another
    (medians of cold pulls)."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.PULLS})
    variant: str = judged("The variant expected to pull faster.")
    of: str = compared()
    min: float = key('Lowest allowed speed-up: 2 means "pulled in at most half the time".')
    link_mbit: float | None = key(
        "Time these pulls over a link throttled to this many Mbit/s (leave it out for plain loopback).", default=None
    )

    def link(self) -> float | None:
        return self.link_mbit or None

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        fast_runs, slow_runs = measured[self.variant].runs_over(self.link()), measured[self.of].runs_over(self.link())
        rate = {"rate": f"{self.link_mbit:g}"} if self.link() else {}
        expected = say(
            N_("{variant} pulls >= {min}× faster than {of} over a {rate} Mbit/s link")
            if rate
            else N_("{variant} pulls >= {min}× faster than {of}"),
            variant=self.variant,
            min=f"{self.min:g}",
            of=self.of,
            **rate,
        )
        if not fast_runs or not slow_runs:
            unmeasured = (
                N_("pull times over a {rate} Mbit/s link not measured") if rate else N_("pull times not measured")
            )
            return Verdict(passed=False, expected=expected, measured=say(unmeasured, **rate))
        fast, slow = statistics.median(fast_runs), statistics.median(slow_runs)
        speedup = slow / fast if fast > 0 else float("inf")
        runs = min(len(fast_runs), len(slow_runs))
        shown = (
            N_("{speedup}× ({fast} against {slow}, medians of {runs} cold pulls over a {rate} Mbit/s link)")
            if rate
            else N_("{speedup}× ({fast} against {slow}, medians of {runs} cold pulls)")
        )
        return Verdict(
            passed=speedup >= self.min,
            expected=expected,
            measured=say(
                shown, speedup=f"{speedup:.1f}", fast=f"{fast:.2f} s", slow=f"{slow:.2f} s", runs=runs, **rate
            ),
        )


def share(ratio: float) -> Said:
    """A ratio as a percentage below 10, as a factor above: ``1.96%``, ``79.5×`` (``79.5 倍`` in Chinese)."""
    return f"{ratio:.2%}" if ratio < 10 else say(N_("{factor}×"), factor=f"{ratio:.1f}")


#: What a ``new_bytes_ratio`` claim may divide by: the other variant's new bytes, or its whole size.
AGAINST = {"new": N_("new bytes"), "size": N_("whole size")}


@claim_kind("new_bytes_ratio")
class NewBytesRatio(Kind):
    """The bytes a node that already holds the variant's base must pull (its layers the base does not have,
    uncompressed), divided by another variant's, lies within bounds."""

    variant: str = judged()
    of: str = compared()
    against: str = key(
        'What of the other variant to divide by: `"new"`, its new bytes, or `"size"`, its whole uncompressed size.',
        default="new",
    )
    max: float | None = key('Highest allowed ratio (0.05 means "at most 5 %").', default=None)
    min: float | None = key('Lowest allowed ratio (1.0 means "no less").', default=None)

    def problems(self) -> list[Problem]:
        wrong = [] if self.against in AGAINST else [Problem("against", f"must be one of {', '.join(AGAINST)}")]
        return super().problems() + wrong + unbounded(self, "max", "min")

    goal_forms: ClassVar[tuple[str, str, str]] = (
        N_("costs a node that holds its base at most {max} of what `{of}` costs"),
        N_("costs a node that holds its base at least {min} of what `{of}` costs"),
        N_("costs a node that holds its base between {min} and {max} of what `{of}` costs"),
    )

    def goal(self, you: str) -> str:
        return goal_bounds(self.min, self.max, goal_share, self.goal_forms, of=self.of)

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        new, other = measured[self.variant].new_bytes, measured[self.of]
        base = other.new_bytes if self.against == "new" else other.size_bytes
        ratio = new / base if new is not None and base else float("inf")
        passed, bounds = within(ratio, self.min, self.max, share)
        expected = say(
            N_("new bytes of {variant} / {against} of {of} {bounds}"),
            variant=self.variant,
            against=say(AGAINST.get(self.against, self.against)),
            of=self.of,
            bounds=bounds,
        )
        if new is None or base is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("new bytes not measured")))
        return Verdict(passed=passed, expected=expected, measured=ratio_of(share(ratio), new, base))


def median_of(values: list[float]) -> float | None:
    """The median, or None for no values."""
    return statistics.median(values) if values else None


def update_bytes(m: Measured) -> float | None:
    """The median of the compressed bytes each later release of ``m`` made a node re-pull."""
    return median_of([float(r.pulled_bytes) for r in m.releases if r.pulled_bytes is not None])


def update_build_seconds(m: Measured) -> float | None:
    """The median warm build time of ``m``'s later releases."""
    return median_of([r.build_seconds for r in m.releases])


@claim_kind("update_bytes_ratio")
class UpdateBytesRatio(Kind):
    """On an update (a later release on a node that holds the one before), the variant makes the node download
    between ``min`` and ``max`` times what another variant makes it download (compressed, medians over the
    releases)."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.REGISTRY, Facet.RELEASES})
    variant: str = judged()
    of: str = compared()
    max: float | None = key('Highest allowed ratio (0.05 means "at most 5 %").', default=None)
    min: float | None = key('Lowest allowed ratio (1.0 means "no less").', default=None)

    def problems(self) -> list[Problem]:
        return super().problems() + unbounded(self, "max", "min")

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        mine, theirs = update_bytes(measured[self.variant]), update_bytes(measured[self.of])
        passed, bounds = within(
            mine / theirs if mine is not None and theirs else float("inf"), self.min, self.max, share
        )
        expected = say(
            N_("bytes an update of {variant} pulls / those of {of} {bounds}"),
            variant=self.variant,
            of=self.of,
            bounds=bounds,
        )
        if mine is None or theirs is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("update pulls not measured")))
        ratio = mine / theirs if theirs else float("inf")
        return Verdict(
            passed=passed,
            expected=expected,
            measured=ratio_of(share(ratio), round(mine), round(theirs), N_("{ratio} ({size} / {base}, medians)")),
        )


@claim_kind("update_build_speedup")
class UpdateBuildSpeedup(Kind):
    """On a warm builder, a later release of the variant builds at least ``min`` times faster than one of
    another variant (medians over the releases)."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.RELEASES})
    variant: str = judged("The variant expected to build faster.")
    of: str = compared()
    min: float = key('Lowest allowed speed-up: 3 means "built in at most a third of the time".')

    def goal(self, you: str) -> str:
        return _("builds a new release at least {min}× as fast as `{of}` on a warm builder").format(
            min=f"{self.min:g}", of=self.of
        )

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        fast, slow = update_build_seconds(measured[self.variant]), update_build_seconds(measured[self.of])
        expected = say(
            N_("a release of {variant} builds >= {min}× faster than one of {of}"),
            variant=self.variant,
            min=f"{self.min:g}",
            of=self.of,
        )
        if fast is None or slow is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("release builds not measured")))
        speedup = slow / fast if fast > 0 else float("inf")
        return Verdict(
            passed=speedup >= self.min,
            expected=expected,
            measured=say(
                N_("{speedup}× ({fast} against {slow}, medians)"),
                speedup=f"{speedup:.1f}",
                fast=f"{fast:.2f} s",
                slow=f"{slow:.2f} s",
            ),
        )


@claim_kind("shared_pull_ratio")
class SharedPullRatio(Kind):
    """On a node that already holds another variant (and nothing else), pulling the variant downloads between
    ``min`` and ``max`` of its compressed size."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.REGISTRY})
    variant: str = judged("The variant pulled second.")
    held: str = key("The variant the node already holds.", variants=True)
    max: float | None = key('Highest allowed share (0.1 means "at most 10 %").', default=None)
    min: float | None = key('Lowest allowed share (0.9 means "at least 90 %").', default=None)

    def problems(self) -> list[Problem]:
        same = [Problem("held", "must name another variant than 'variant'")] if self.held == self.variant else []
        return super().problems() + same + unbounded(self, "max", "min")

    def shared(self) -> tuple[str, str] | None:
        return self.held, self.variant

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        m = measured[self.variant]
        pull, whole = m.shared_pull(self.held), m.compressed_size_bytes
        ratio = pull.pulled_bytes / whole if pull is not None and whole else float("inf")
        passed, bounds = within(ratio, self.min, self.max, share)
        expected = say(
            N_("bytes pulled for {variant} on a node holding {held} / its compressed size {bounds}"),
            variant=self.variant,
            held=self.held,
            bounds=bounds,
        )
        if pull is None or whole is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("shared pulls not measured")))
        return Verdict(passed=passed, expected=expected, measured=ratio_of(share(ratio), pull.pulled_bytes, whole))


@claim_kind("compression_ratio")
class CompressionRatio(Kind):
    """Compressed another way, the variant's layer blobs sum to between ``min`` and ``max`` of what
    ``docker push`` stores for them (gzip)."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.REGISTRY, Facet.COMPRESSIONS})
    variant: str = judged()
    compression: str = key(
        "The other compression: " + ", ".join(f"`{c.key}`" for c in RECOMPRESSED) + " (zstd at that level).",
        default=RECOMPRESSED[0].key,
    )
    max: float | None = key('Highest allowed share (0.9 means "at most 90 %").', default=None)
    min: float | None = key('Lowest allowed share (0.5 means "at least 50 %").', default=None)

    def problems(self) -> list[Problem]:
        known = [c.key for c in RECOMPRESSED]
        named = [] if self.compression in known else [Problem("compression", f"must be one of {', '.join(known)}")]
        return super().problems() + named + unbounded(self, "max", "min")

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        m = measured[self.variant]
        other, gzip = m.compressed(self.compression), m.compressed(PUSHED.key)
        whole = gzip.compressed_size_bytes if gzip is not None else 0
        ratio = other.compressed_size_bytes / whole if other is not None and whole else float("inf")
        passed, bounds = within(ratio, self.min, self.max, share)
        expected = say(
            N_("{variant}'s layer blobs as {compression} / as {pushed} {bounds}"),
            variant=self.variant,
            compression=self.compression,
            pushed=PUSHED.key,
            bounds=bounds,
        )
        if other is None or gzip is None:
            unmeasured = say(N_("{compression} sizes not measured"), compression=self.compression)
            return Verdict(passed=False, expected=expected, measured=unmeasured)
        return Verdict(
            passed=passed, expected=expected, measured=ratio_of(share(ratio), other.compressed_size_bytes, whole)
        )


@claim_kind("max_floor_ratio")
class MaxFloorRatio(Kind):
    """The variant's size is at most ``max`` times its runtime floor: the bytes of the files its app opens or
    executes while the smoke test runs."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.FLOOR})
    variant: str = judged()
    max: float = key('Highest allowed size over floor: 1.5 means "at most half again what the app uses".')

    def problems(self) -> list[Problem]:
        below = [Problem("max", "is below 1, but an image is never smaller than its floor")] if self.max < 1 else []
        return super().problems() + below

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        m = measured[self.variant]
        expected = say(N_("size <= {max}× floor"), max=f"{self.max:g}")
        if m.runtime_bytes is None:
            return Verdict(passed=False, expected=expected, measured=say(N_("runtime floor not measured")))
        ratio = m.size_bytes / m.runtime_bytes if m.runtime_bytes else float("inf")
        return Verdict(
            passed=ratio <= self.max,
            expected=expected,
            measured=say(
                N_("{ratio}× ({size} over a floor of {floor} in {files} files)"),
                ratio=f"{ratio:.1f}",
                size=megabytes(m.size_bytes),
                floor=megabytes(m.runtime_bytes),
                files=m.runtime_files,
            ),
        )


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
