"""The guide's and the grader's languages, and the message catalogs that carry them.

Every edition but English is translated through gettext catalogs kept in the
repository, ``docs/locale/<language>/LC_MESSAGES/*.po``, by one workflow
(``make locale``): the pages' catalogs come from Sphinx's gettext builder,
and three more come from here.

``slimlab-labs``
    The words of each ``lab.toml``: its title and exercise, each variant's
    description, each claim's statement and hint.  A message's context names
    where it comes from (``L4.1 hint``, ``lab-4-go-multistage title``), so
    the stable id that ties a claim to its section and its hint ties its
    translation too.  :mod:`checks.model.translation` lists them and applies
    a catalog to a lab and its results.
``slimlab-ui``
    The checker's own words, the ones the guide's directives and the grader
    print (``Variant``, ``Hint:``, "keep going: ..."): each is marked with
    :func:`_` where it is written, and extracted from the source.
``slimlab-reference``
    The words of the declarations the guide renders as tables: each claim
    kind's docstring and keys, the keys of ``lab.toml`` and ``results.json``,
    the ``:measured:`` fields, the secret rules, hadolint's size rules and
    each stand-in recipe's ``base.toml``.  Like the labs' words, each has a
    context naming its place (``claim kind size_ratio key max``,
    ``base alpine summary``); :mod:`checks.guide.reftext` lists them.

Figures are never translated: a page's numbers come from the same
``:measured:`` roles in every edition, and a catalog entry that drops or
changes one fails :func:`catalog_problems`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.model.errors import UsageError

# babel (which Sphinx needs too) is imported where a catalog is read or written, not here: `make clean` runs
# the checker with the system's Python, and a command that shows no translated text must not need it.

#: The language the sources are written in.
SOURCE = "en"
#: Every edition, by its Sphinx/gettext code, with the name a reader picks it by.
LANGUAGES: Mapping[str, str] = {"en": "English", "zh_CN": "中文"}
#: Where the catalogs live, relative to the repository root (the Sphinx ``locale_dirs`` of docs/).
LOCALE_DIR = Path("docs/locale")
#: The catalog of lab.toml's words, and the catalog of the checker's own words.
LABS_DOMAIN = "slimlab-labs"
UI_DOMAIN = "slimlab-ui"
#: The catalog of the declarations the guide's reference tables render (claim kinds, keys, recipes).
REFERENCE_DOMAIN = "slimlab-reference"


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


def parse_po(text: str, language: str) -> Catalog:
    """A catalog from a ``.po`` file's text: only entries that are translated and not fuzzy count."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        po = read_po(io.StringIO(text), locale=language if language != SOURCE else None, abort_invalid=True)
    except PoFileError as error:
        raise ValueError(str(error)) from None
    entries = {
        (m.context, str(m.id)): str(m.string) for m in po if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }
    return Catalog(language, entries)


def catalog_file(locale_dir: Path, language: str, domain: str) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{domain}.po"


def load_catalog(locale_dir: Path, language: str, domain: str) -> Catalog:
    """The catalog of ``domain`` for ``language`` in ``locale_dir`` (the repository's :data:`LOCALE_DIR`)."""
    if language == SOURCE:
        return ENGLISH
    path = catalog_file(locale_dir, language, domain)
    try:
        return parse_po(path.read_text(encoding="utf-8"), language)
    except FileNotFoundError:
        raise UsageError(
            f"{path} does not exist, so there is no {LANGUAGES.get(language, language)} text for {domain}. "
            f"Restore it from git (`git checkout -- {path}`), or run `make locale` to create it."
        ) from None
    except (OSError, ValueError) as error:
        raise UsageError(
            f"{path} cannot be read as a gettext catalog ({error}); fix it or restore it from git."
        ) from None


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
    context: str
    english: str


def pot_text(messages: Iterable[Message | str], domain: str) -> str:
    """A gettext template (``.pot``) of ``messages``, in order, duplicates once; strings have no context."""
    from babel.messages.catalog import Catalog as Template
    from babel.messages.pofile import write_po

    template = Template(domain=domain, project="slimlab", fuzzy=False)
    for message in messages:
        if isinstance(message, Message):
            template.add(message.english, context=message.context)
        else:
            template.add(message)
    out = io.BytesIO()
    write_po(out, template, width=0, omit_header=False, no_location=True)
    return out.getvalue().decode("utf-8")


def ui_messages(sources: Mapping[str, bytes]) -> list[Message | str]:
    """Every string marked ``_("...")`` or ``N_("...")`` in ``sources`` (path -> Python source), in order;
    one marked ``C_("context", "...")`` as a :class:`Message` with its context."""
    from babel.messages.extract import extract

    found: list[Message | str] = []
    keywords = {"_": None, "N_": None, "C_": ((1, "c"), 2)}
    for _path, source in sorted(sources.items()):
        for _line, message, _comments, context in extract("python", io.BytesIO(source), keywords=keywords):
            entry = Message(context, message) if context and isinstance(message, str) else message
            if isinstance(entry, str | Message) and entry not in found:
                found.append(entry)
    return found


# Catalogs that cannot rot ----------------------------------------------------------------------------

#: What a translation must keep as the English has it: interpreted text (``:measured:`x```,
#: ``:claim:`L4.1```), inline literals, and substitutions.  A role with an explicit title
#: (``:doc:`the layers page <layers>```) keeps its role and target; its title is translated.  A role
#: of :data:`TITLED_ROLES` may gain a title the English has not: ``:term:`image``` becomes
#: ``:term:`镜像 <image>```, which keeps the target and puts the reader's word in front.
_KEPT = re.compile(r"(:[a-z][a-z0-9-]*:)`([^`]+)`|``[^`]+``|\|[A-Za-z][\w-]*\|")
#: The same in a MyST (Markdown) page: ``{role}`content``` and `` `code` ``.
_KEPT_MD = re.compile(r"(\{[a-z][a-z0-9-]*\})`([^`]+)`|`[^`]+`")
_TITLED = re.compile(r"^(.*\S)\s*<([^<>]+)>$", re.S)
#: The roles whose text a title may replace, the target staying the English one.
TITLED_ROLES = frozenset({"term", "doc", "ref", "claim", "verdict"})


def kept(text: str, *, markdown: bool = False) -> list[str]:
    """The pieces of ``text`` a translation must carry unchanged, sorted (``markdown``: MyST syntax)."""
    pieces = []
    for found in (_KEPT_MD if markdown else _KEPT).finditer(text):
        role, content = found.group(1), found.group(2)
        titled = _TITLED.match(content) if role else None
        if titled:
            pieces.append(f"{role}`<{titled.group(2)}>`")
        elif role and role.strip(":{}") in TITLED_ROLES:
            pieces.append(f"{role}`<{content}>`")
        else:
            pieces.append(found.group(0))
    return sorted(pieces)


#: A ``str.format`` field of the checker's own words: ``{lab}``, ``{passed}``.
_FIELD = re.compile(r"\{[a-z_]*\}")


def _twice(po: str) -> list[tuple[str | None, str]]:
    """The messages ``po`` defines more than once (a reader of catalogs keeps one of them, silently): each entry's
    context and English, read from its ``msgctxt`` and ``msgid`` lines and their continuation lines."""
    seen: set[tuple[str | None, str]] = set()
    twice = []
    for entry in po.split("\n\n"):
        parts: dict[str, str] = {}
        keyword = ""
        for line in entry.splitlines():
            if line.startswith(("msgctxt ", "msgid ", "msgstr ")):
                keyword, _, quoted = line.partition(" ")
            elif line.startswith('"'):
                quoted = line
            else:
                continue
            parts[keyword] = parts.get(keyword, "") + quoted.strip()[1:-1]
        if parts.get("msgid"):
            key = (parts.get("msgctxt"), parts["msgid"])
            if key in seen:
                twice.append(key)
            seen.add(key)
    return twice


def catalog_problems(template: str, po: str, name: str, *, markdown: bool = False, fields: bool = False) -> list[str]:
    """Why the catalog ``po`` does not translate the template ``template`` completely; [] when it does.

    A message the template has and the catalog lacks (the English changed and ``make locale`` was not run),
    one it has no longer, one untranslated or fuzzy, or a translation that drops, adds or alters a role,
    a literal or a substitution (or, with ``fields``, a ``{field}`` of ``str.format``): each is a problem,
    named with its context and the first words of the English.
    """
    from babel.messages.pofile import read_po

    wanted = {(m.context, str(m.id)) for m in read_po(io.StringIO(template)) if m.id}
    catalog = read_po(io.StringIO(po))
    have = {(m.context, str(m.id)): m for m in catalog if m.id}
    problems: list[str] = [f"{name}: its header is fuzzy: fill it in, then remove the flag"] if catalog.fuzzy else []

    def where(key: tuple[str | None, str]) -> str:
        context, english = key
        short = english if len(english) <= 60 else english[:57] + "..."
        return f"{name}: {'[' + context + '] ' if context else ''}'{short}'"

    problems += [f"{where(key)} is in the catalog twice: keep one translation" for key in _twice(po)]
    problems += [
        f"{where(key)} is not in the catalog (run `make locale`)" for key in sorted(wanted - have.keys(), key=str)
    ]
    problems += [
        f"{where(key)} is in the catalog but no longer in the English (run `make locale`)"
        for key in sorted(have.keys() - wanted, key=str)
    ]
    for key in sorted(wanted & have.keys(), key=str):
        message = have[key]
        if message.fuzzy:
            problems.append(f"{where(key)} is fuzzy: check the translation, then remove the fuzzy flag")
        elif not message.string:
            problems.append(f"{where(key)} is not translated")
        elif (got := kept(str(message.string), markdown=markdown)) != (want := kept(key[1], markdown=markdown)):
            problems.append(f"{where(key)}: the translation must keep {want} exactly, and has {got}")
        elif fields and sorted(_FIELD.findall(str(message.string))) != sorted(_FIELD.findall(key[1])):
            problems.append(f"{where(key)}: the translation must keep the fields {sorted(_FIELD.findall(key[1]))}")
    return problems
