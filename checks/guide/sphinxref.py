"""Reference pages rendered from the code, never retyped (the base images' tables: :mod:`checks.guide.basesref`).

``.. claim-kinds::``
    One section per claim kind: its docstring, its keys as its fields declare
    them (:func:`kind_rows`), and the claims that use it.
``.. lab-toml-keys:: TABLE``
    The keys of one ``lab.toml`` table, from :mod:`checks.model.spec`'s dataclasses.
``.. size-fixes:: PAGE``
    The removable classes of :mod:`checks.inspect.removable` and the hadolint rules of
    :mod:`checks.inspect.lint` that this page teaches to fix, each at the anchor that
    ``analyze``, ``lint`` and the exercise grader link to, folded in one block that a link
    to one of them opens.
``.. measured-fields::``
    The fields of the ``:measured:`` role, from :data:`checks.guide.measuredfields.FIELDS`.
``.. secret-rules::``
    The secret rules of ``analyze``, from :data:`checks.inspect.secrets.RULES`.

Their words are written once, in English, where they are declared; a translated
edition shows them from the ``slimlab-reference`` catalog, whose messages
:func:`messages` lists for ``make locale`` (the base images' too), each with a context naming its place.

Registered by :func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import MISSING
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective

from checks.guide import basesref, resultsfields
from checks.guide.docdata import did_you_mean
from checks.guide.evidence import EVIDENCE, folded
from checks.guide.measuredfields import FIELDS
from checks.guide.nodes import (
    WARN,
    all_labs,
    claim_ref,
    comma,
    fill,
    literal,
    logger,
    para,
    reference,
    section,
    table,
)
from checks.inspect import lint, removable, secrets
from checks.model import claims
from checks.model import spec as lab_spec
from checks.model.claims.kind import TOML_TYPES, Kind
from checks.model.i18n import Message, _


def as_rst(text: str) -> str:
    """Help texts and source comments write `code` in single backticks; the guide shows it as a literal."""
    return re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", text)


def attr_docs(module: str) -> dict[tuple[str, str], str]:
    """The ``#:`` comments of a module's attributes, as Sphinx's autodoc reads them."""
    analyzer = ModuleAnalyzer.for_module(module)
    return {key: " ".join(line.strip() for line in lines).strip() for key, lines in analyzer.find_attr_docs().items()}


def default_text(default: Any) -> str:
    """A key's default as the reference shows it: in TOML's spelling, or "required" for ``MISSING``."""
    if default is MISSING:
        return "required"
    if default is None:
        return "none"
    if default == ():
        return "[]"
    return f"{default!r}".replace("'", '"')


def _default(field: Any) -> str:
    return default_text(field.default_factory() if field.default_factory is not MISSING else field.default)


def type_word(annotation: str) -> str:
    """How the reference names a field's type, from :data:`checks.model.claims.kind.TOML_TYPES`."""
    known = TOML_TYPES.get(annotation)
    return known.word if known else annotation


def kind_rows(kind: type[Kind]) -> list[tuple[str, str, str, str]]:
    """The reference rows of a claim kind: (key, type, default, meaning) per key it declares, no Sphinx needed."""
    return [(k.name, k.type.word, default_text(k.default), k.help) for k in kind.toml_keys()]


def kind_paragraphs(kind: type[Kind]) -> list[str]:
    """A claim kind's docstring as the reference shows it: one line per paragraph, code as literals."""
    return [as_rst(" ".join(paragraph.split())) for paragraph in (inspect.getdoc(kind) or "").split("\n\n")]


def toml_rows(which: str) -> list[tuple[str, str, str, str]]:
    """The reference rows of one ``lab.toml`` table: (key, type, default, meaning), from :data:`TOML_TABLES`."""
    cls, keys = TOML_TABLES[which]
    docs = attr_docs("checks.model.spec")
    known = {f.name: f for f in dataclass_fields(cls)}
    rows = []
    for key in keys:
        extra = TOML_OVERRIDES.get((cls.__name__, key), {})
        field = known.get(key)
        kind = extra.get("type") or (type_word(str(field.type)) if field else "string")
        default = extra.get("default") or (_default(field) if field else "required")
        rows.append((key, kind, default, extra.get("doc") or docs.get((cls.__name__, key), "")))
    return rows


def results_meanings() -> dict[str, str]:
    """What each key path of ``results.json`` means, as the reference shows it (:mod:`checks.guide.resultsfields`)."""
    docs = {**attr_docs("checks.model.measured"), **attr_docs("checks.model.results")}
    rows = resultsfields.rows(list(resultsfields.MEANINGS), lambda cls, field: docs.get((cls, field), ""))
    return {path: as_rst(resultsfields.plain(meaning)) for path, meaning in rows}


#: The words a Type or Default cell may hold (the others are values: ``0.02``, ``"<name>.Dockerfile"``, ``[]``).
WORD = "word"


def _is_word(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z][a-z ,'\[\]]*", text))


def messages(bases: Path) -> list[Message]:
    """Every message of the ``slimlab-reference`` catalog: the words each reference table renders, with its place."""
    found: list[Message] = []
    words: list[str] = []
    for name, kind in claims.KINDS.items():
        found += [Message(f"claim kind {name}", paragraph) for paragraph in kind_paragraphs(kind)]
        for key, word, default, meaning in kind_rows(kind):
            found.append(Message(f"claim kind {name} key {key}", as_rst(meaning)))
            words += [word, default]
    for which in TOML_TABLES:
        for key, word, default, meaning in toml_rows(which):
            found.append(Message(f"lab.toml [{which}] {key}", as_rst(meaning)))
            words += [word, default]
    found += [Message(WORD, word) for word in dict.fromkeys(words) if _is_word(word)]
    found += [Message(f"results.json {path}", meaning) for path, meaning in results_meanings().items() if meaning]
    found += [Message(f":measured: {name}", as_rst(field.help)) for name, field in FIELDS.items()]
    found += [Message(f"secret rule {rule.id}", rule.title) for rule in secrets.RULES]
    found += [Message(f"hadolint {code}", lint.RULE_SUMMARIES[code]) for code in lint.SIZE_RULES]
    return found + basesref.messages(bases)


class _Inline(SphinxDirective):
    def inline(self, text: str) -> nodes.paragraph:
        """Text from the code, parsed as inline reStructuredText (literals, emphasis)."""
        cell = nodes.paragraph()
        parsed, _messages = self.state.inline_text(as_rst(text), self.lineno)
        cell.extend(parsed)
        return cell

    def words(self, text: str, context: str) -> nodes.paragraph:
        """Words of a declaration, in the edition's language, parsed as inline reStructuredText."""
        return self.inline(reference(self.env.app, as_rst(text), context))

    def word(self, text: str) -> str:
        """A Type or Default cell: a word is translated, a value is not."""
        return reference(self.env.app, text, WORD) if _is_word(text) else text


class ClaimKindsDirective(_Inline):
    """Every claim kind: its docstring, its keys, and the claims that use it."""

    def run(self) -> list[nodes.Node]:
        for module in (claims.kind, *claims.FAMILIES):  # a kind's words change with its module, or with the base
            self.env.note_dependency(inspect.getfile(module))
        users: dict[str, list[str]] = {}
        for lab in all_labs(self.env.app).values():
            for claim in lab.spec.claims if lab.spec else ():
                users.setdefault(claim.check.kind, []).append(claim.id)
        out: list[nodes.Node] = []
        for name, kind in claims.KINDS.items():
            sect = section(self.state.document, f"kind-{nodes.make_id(name)}", literal(name))
            for paragraph in kind_paragraphs(kind):  # literals in a docstring show as literals
                sect += self.words(paragraph, f"claim kind {name}")
            rows: list[list[nodes.Node | str]] = [
                [literal(key), self.word(word), self.word(default), self.words(meaning, f"claim kind {name} key {key}")]
                for key, word, default, meaning in kind_rows(kind)
            ]
            sect += table([_("Key"), _("Type"), _("Default"), _("Meaning")], rows, ["slimlab-keys"], [16, 16, 12, 56])
            ids = users.get(name, [])
            parts: list[nodes.Node | str] = [_("Used by: ")] if ids else [_("Not used by any lab yet.")]
            for index, claim_id in enumerate(ids):
                parts += [comma() if index else "", claim_ref(claim_id)]
            sect += para(*parts, classes=["slimlab-used-by"])
            out.append(sect)
        return out


#: Which dataclass field documents each key of each lab.toml table, and what the code cannot say itself.
TOML_TABLES: dict[str, tuple[type, list[str]]] = {
    "lab": (lab_spec.Lab, list(lab_spec.LAB_KEYS)),
    "smoke": (lab_spec.Smoke, list(lab_spec.SMOKE_KEYS)),
    "variants": (lab_spec.Variant, list(lab_spec.VARIANT_KEYS)),
    "claims": (lab_spec.Claim, list(lab_spec.CLAIM_KEYS)),
}
TOML_OVERRIDES = {
    ("Lab", "title"): {"doc": "The lab's title, as the checker and the guide print it."},
    ("Variant", "dockerfile"): {"default": '"<name>.Dockerfile"'},
    ("Variant", "smoke"): {
        "doc": "Overrides keys of the lab's [smoke] table for this variant; false turns the smoke test off.",
        "default": "the lab's [smoke]",
        "type": "table, or false",
    },
    ("Variant", "secrets"): {
        "doc": 'BuildKit secrets for this variant\'s build, as `{ ID = "FILE" }`: each file, relative to the lab '
        "folder, is passed as `--secret id=ID,src=FILE` and read in the Dockerfile with "
        "`RUN --mount=type=secret,id=ID` (the file form: no `# syntax=` line needed). The files are inputs of "
        "the results.",
        "default": "none",
        "type": "table of strings",
    },
    ("Claim", "kind"): {
        "type": "string",
        "default": "required",
        "doc": "One of the claim kinds below; the kind's own keys go in the same table.",
    },
}


class LabTomlKeysDirective(_Inline):
    """The keys of one lab.toml table, from the spec's dataclasses and their ``#:`` comments."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        which = self.arguments[0]
        if which not in TOML_TABLES:
            logger.warning(
                f"lab-toml-keys: no table '{which}'.{did_you_mean(which, list(TOML_TABLES))}",
                location=self.get_location(),
                **WARN,
            )
            return []
        self.env.note_dependency(inspect.getfile(lab_spec))
        rows: list[list[nodes.Node | str]] = [
            [literal(key), self.word(kind), self.word(default), self.words(meaning, f"lab.toml [{which}] {key}")]
            for key, kind, default, meaning in toml_rows(which)
        ]
        return [table([_("Key"), _("Type"), _("Default"), _("Meaning")], rows, ["slimlab-keys"], [16, 16, 16, 52])]


class MeasuredFieldsDirective(_Inline):
    """The fields the :measured: role knows, from :data:`checks.guide.measuredfields.FIELDS`."""

    def run(self) -> list[nodes.Node]:
        rows: list[list[nodes.Node | str]] = []
        for name, field in FIELDS.items():
            rows.append([literal(name), self.words(field.help, f":measured: {name}")])
        return [table([_("Field"), _("Shows")], rows, ["slimlab-keys"], [16, 84])]


class SizeFixesDirective(SphinxDirective):
    """What `analyze` and `lint` report that this page fixes, each under the id their links use."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        page = self.arguments[0]
        entries = [
            (c.id, _(c.title), comma().join(c.patterns[:4]) or _("found by comparing layers"))
            for c in removable.BY_ID.values()
            if c.page == page
        ]
        entries += [
            (code.lower(), f"hadolint {code}", reference(self.env.app, lint.RULE_SUMMARIES[code], f"hadolint {code}"))
            for code, rule_page in lint.SIZE_RULES.items()
            if rule_page == page
        ]
        if not entries:
            logger.warning(
                f"size-fixes: nothing in checks.inspect.removable or checks.inspect.lint points at page '{page}'",
                location=self.get_location(),
                **WARN,
            )
        body: list[nodes.Node] = []
        for anchor, title, detail in entries:
            box = nodes.container(ids=[anchor], classes=["slimlab-size-fix"])
            box += para(*fill(_("{title}: {detail}"), title=nodes.strong("", title), detail=detail))
            body.append(box)
        summary = fill(
            _("{count} kinds of finding of {analyze} and {lint} link here"),
            count=str(len(entries)),
            analyze=literal("analyze"),
            lint=literal("lint"),
        )
        return [folded(summary, body, ["slimlab-size-fixes", EVIDENCE])]


class SecretRulesDirective(_Inline):
    """The secret rules ``analyze`` applies, from :data:`checks.inspect.secrets.RULES`."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(inspect.getfile(secrets))
        reads = {True: _("content"), False: _("name")}
        rows: list[list[nodes.Node | str]] = [
            [
                literal(rule.id),
                reads[rule.pattern is not None] if rule.pattern or rule.name else _("config"),
                reference(self.env.app, rule.title, f"secret rule {rule.id}"),
            ]
            for rule in secrets.RULES
        ]
        return [table([_("Rule"), _("Reads"), _("Finds")], rows, ["slimlab-keys"], [18, 10, 72])]
