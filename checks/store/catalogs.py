"""The message catalogs on disk: gettext's ``.po`` files read into a :class:`~checks.model.i18n.Catalog`,
``.pot`` templates written, and the rules a catalog must keep.

Every edition but English is translated through catalogs kept in the
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
    :func:`checks.model.i18n._` where it is written, and extracted from the
    source (:func:`ui_messages`).
``slimlab-reference``
    The words of the declarations the guide renders as tables: each claim
    kind's docstring and keys, the keys of ``lab.toml`` and ``results.json``,
    the ``:measured:`` fields, the secret rules, hadolint's size rules and
    each stand-in recipe's ``base.toml``.  Like the labs' words, each has a
    context naming its place (``claim kind size_ratio key max``,
    ``base alpine summary``); :mod:`checks.guide.sphinxref` lists them.

Figures are never translated: a page's numbers come from the same
``:measured:`` roles in every edition, and a catalog entry that drops or
changes one fails :func:`catalog_problems`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from checks.model.errors import UsageError
from checks.model.i18n import ENGLISH, LANGUAGES, SOURCE, Catalog, Message

# babel (which Sphinx needs too) is imported where a catalog is read or written, not here: `make clean` runs
# the checker with the system's Python, and a command that shows no translated text must not need it.

#: Where the catalogs live, relative to the repository root (the Sphinx ``locale_dirs`` of docs/).
LOCALE_DIR = Path("docs/locale")
#: The catalog of lab.toml's words, and the catalog of the checker's own words.
LABS_DOMAIN = "slimlab-labs"
UI_DOMAIN = "slimlab-ui"
#: The catalog of the declarations the guide's reference tables render (claim kinds, keys, recipes).
REFERENCE_DOMAIN = "slimlab-reference"


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


def write_template(folder: Path, domain: str, messages: Iterable[Message | str]) -> Path:
    """Write the template of ``domain`` (:func:`pot_text` of ``messages``) into ``folder`` as ``<domain>.pot``;
    its path (``make locale`` merges it into each edition's catalog)."""
    path = folder / f"{domain}.pot"
    path.write_text(pot_text(messages, domain), encoding="utf-8")
    return path


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
