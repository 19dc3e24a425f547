"""The guide's and the grader's languages, and the words the checker shows in them.

The editions (:data:`LANGUAGES`) and a language as people and locales write it; a
:class:`Catalog`, one language's translations; the one catalog a process
installs (:func:`use`), which the checker's own words (:func:`_`, :func:`C_`)
and a verdict's :class:`Phrase` are shown from.  The catalogs themselves, the
``.po`` files under ``docs/locale`` that ``make locale`` keeps, are read and
written by :mod:`checks.store.catalogs`.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from checks.model.errors import UsageError

#: The language the sources are written in.
SOURCE = "en"
#: Every edition, by its Sphinx/gettext code, with the name a reader picks it by.
LANGUAGES: Mapping[str, str] = {"en": "English", "zh_CN": "中文"}


def edition_path(language: str) -> str:
    """Where an edition sits under the site's root: ``""`` for English, ``"zh_CN"`` for Chinese."""
    return "" if language == SOURCE else language


def parse_language(text: str) -> str:
    """A language as a person or a locale writes it (``zh``, ``zh-CN``, ``zh_CN.UTF-8``), as an edition code."""
    word = text.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    for code in LANGUAGES:
        if word in (code.lower(), code.split("_")[0].lower()):
            return code
    if word.startswith("zh"):  # zh_TW, zh_HK, zh_SG: the Chinese edition is the closest there is
        return "zh_CN"
    if word.startswith("en") or word in ("c", "posix"):
        return SOURCE
    raise UsageError(
        f"'{text}' is not a language slimlab speaks. Use one of: {', '.join(LANGUAGES)} "
        f"(for example --lang zh_CN, or LANG=zh_CN.UTF-8)."
    )


#: The locale's variables, in the order gettext reads them for a message's language.
LOCALE = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def locale_language(variables: Mapping[str, str]) -> str:
    """The learner's language from the locale's :data:`LOCALE` variables, in gettext's order.

    A locale slimlab has no edition for reads as English; only an explicit ``--lang`` is an error.
    """
    for name in LOCALE:
        value = variables.get(name, "").split(":")[0].strip()
        if value:
            try:
                return parse_language(value)
            except UsageError:
                return SOURCE
    return SOURCE


@dataclass(frozen=True)
class Catalog:
    """One language's translations: (context, English) -> text; a missing or fuzzy entry reads as English."""

    language: str = SOURCE
    entries: Mapping[tuple[str | None, str], str] = dataclasses.field(default_factory=dict)

    def text(self, english: str, context: str | None = None) -> str:
        return self.entries.get((context, english)) or english


#: The English "catalog": every message as written.
ENGLISH = Catalog()


# The checker's own words ------------------------------------------------------------------------------
#
# gettext's own model, in one place: a process has one translation installed (a docs build renders one
# edition, a grading run speaks one learner's language). The command line (`checks grade`) and the guide
# (`checks.guide.editions.speak`, on config-inited) install it with `use`; `_`, `C_` and a Phrase being
# shown read it. Handing a catalog to every claim, chart and report instead would thread it through every
# verdict's words for a choice made once per process.


@dataclass
class _Installed:
    """The catalog the checker's own words are shown from; :func:`use` alone changes it."""

    catalog: Catalog = ENGLISH


_INSTALLED = _Installed()


def use(catalog: Catalog) -> None:
    """Install ``catalog``: the checker's own words are shown from it from now on, in the whole process."""
    _INSTALLED.catalog = catalog


@contextlib.contextmanager
def speaking(catalog: Catalog) -> Iterator[None]:
    """:func:`use` ``catalog`` inside the ``with`` block only, the catalog installed before it again after it
    (how a test speaks an edition without leaving it installed for the next test)."""
    before = _INSTALLED.catalog
    use(catalog)
    try:
        yield
    finally:
        use(before)


def N_(message: str) -> str:  # noqa: N802  (gettext's own name for "mark, translate later")
    """Marks ``message`` for ``make locale`` where it cannot be translated yet (conf.py); :func:`_` does it later."""
    return message


def _(message: str) -> str:
    """The checker's own words in the language in use (:func:`use`); marks ``message`` for ``make locale``."""
    return _INSTALLED.catalog.text(message)


def C_(context: str, message: str) -> str:  # noqa: N802  (gettext's pgettext, under a short name like _)
    """:func:`_` for an English ``message`` that one edition says two ways: ``context`` tells them apart."""
    return _INSTALLED.catalog.text(message, context)


@dataclass(frozen=True)
class Phrase:
    """Words made from a marked template (``N_("{ratio} ({size} / {base})")``) and its fields, rendered in
    the language in use (:func:`use`) each time they are shown: ``str(phrase)``, or ``{}`` in a format string.

    What is recorded is the template and the fields, so every edition says it in its own words; a field that is
    a name, a path, program output or a figure is shown as it is, a phrase in the language in use, several
    values joined by the edition's list separator.
    """

    template: str
    fields: tuple[tuple[str, Any], ...] = ()

    def field(self, name: str) -> Any:
        """One field's value (KeyError when the phrase has none of that name)."""
        return dict(self.fields)[name]

    def __str__(self) -> str:
        text = _(self.template)
        return text.format(**{name: shown(value) for name, value in self.fields}) if self.fields else text


def say(template: str, **fields: Any) -> Phrase:
    """A :class:`Phrase` of ``template`` (marked with :func:`N_` where it is written) and its named fields."""
    return Phrase(template, tuple(fields.items()))


def shown(value: Any) -> str:
    """A phrase's field as text: a list joined with the edition's separator, anything else as ``str`` shows it."""
    if isinstance(value, tuple | list):
        return _(", ").join(shown(item) for item in value)
    return str(value)


# Messages for a catalog: lab.toml's words (checks.model.translation lists them), the checker's own ---------------


@dataclass(frozen=True)
class Message:
    """A message for a catalog with its context: where it comes from (``L4.1 hint``), and its English."""

    context: str
    english: str
