"""What every claim kind shares: the :class:`Kind` base, the registry :data:`KINDS` and the words verdicts share.

A kind is declared once, in the module of its family (:data:`checks.model.claims.FAMILIES` lists them):
:func:`claim_kind` makes the class a frozen dataclass and registers it under the name ``lab.toml`` uses.  Its
docstring is the sentence the reference page shows for it; its fields, each made by :func:`key` (or
:func:`judged`, :func:`compared`, :func:`patterns`), are the keys a ``[[claims]]`` table may set, with their type,
default, help text and spelling.  From that one declaration the spec reader checks a table, the grader renames
its variants and the guide writes its reference rows.

A kind says which variants it reads (:meth:`Kind.variants`), what makes a
table for it one that could never fail (:meth:`Kind.problems`) and which facets
of a measurement beyond the build it reads (:attr:`Kind.facets`: the image's file
list, its secret findings and so on), so the checker measures only what is used;
:meth:`Kind.evaluate` then turns measurements into a :class:`Verdict`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self, TypeVar, dataclass_transform

from checks.model.i18n import N_, Phrase, _, say
from checks.model.measured import Facet, Measured
from checks.model.units import megabytes

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


#: Every claim kind, by the name ``lab.toml`` uses: filled as each is declared, put in the order of
#: :data:`checks.model.claims.FAMILIES` once all are (import it from there: this module alone declares none).
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


#: What a verdict shows when the checker did not measure what a kind needs.
NOT_MEASURED = N_("not measured")


def share(ratio: float) -> Said:
    """A ratio as a percentage below 10, as a factor above: ``1.96%``, ``79.5×`` (``79.5 倍`` in Chinese)."""
    return f"{ratio:.2%}" if ratio < 10 else say(N_("{factor}×"), factor=f"{ratio:.1f}")
