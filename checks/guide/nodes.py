"""What every directive of the guide shares: reading the labs once per build, and small docutils builders.

:mod:`checks.guide.sphinxext` and :mod:`checks.guide.sphinxref` both import
from here and never from each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypedDict

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from checks.guide.docdata import LabDocs, lab_folders, load_lab
from checks.model.i18n import ENGLISH, _
from checks.model.links import anchor
from checks.model.results import ClaimResult, Results
from checks.model.spec import Claim

logger = logging.getLogger("checks.guide")


class _Warn(TypedDict):
    """The keyword arguments ``logger.warning(..., **WARN)`` adds, typed so mypy can check them."""

    type: str


#: Every warning the extension logs has this type, so ``-W`` fails the build on it.
WARN: _Warn = {"type": "slimlab"}


def labs_dir(app: Sphinx) -> Path:
    return Path(app.config.slimlab_labs or Path(app.confdir) / "labs").resolve()


def bases_dir(app: Sphinx) -> Path:
    return Path(app.config.slimlab_bases or Path(app.confdir) / "checks" / "bases").resolve()


def all_labs(app: Sphinx) -> dict[str, LabDocs]:
    cache = getattr(app, "_slimlab_labs", None)
    if cache is None:
        catalog = getattr(app, "_slimlab_labs_catalog", ENGLISH)  # set by checks.guide.editions for a translation
        cache = {folder.name: load_lab(folder, catalog) for folder in lab_folders(labs_dir(app))}
        app._slimlab_labs = cache  # type: ignore[attr-defined]
    return cache


def reference(app: Sphinx, english: str, context: str) -> str:
    """Words of a declaration a reference table renders, in the edition's language (:mod:`checks.guide.reftext`)."""
    catalog = getattr(app, "_slimlab_reference_catalog", ENGLISH)  # set by checks.guide.editions
    return catalog.text(english, context)


def every_results(env: BuildEnvironment) -> list[Results]:
    """Every lab's recorded results, for a directive over all labs: the page depends on each lab's file."""
    found = []
    for name, lab in all_labs(env.app).items():
        note_use(env, name)
        env.note_dependency(str(lab.results_path))
        if lab.results is not None:
            found.append(lab.results)
    return found


def reset(app: Sphinx) -> None:
    app._slimlab_labs = None  # type: ignore[attr-defined]


def claim_owner(app: Sphinx, claim_id: str) -> tuple[LabDocs, Claim] | None:
    for lab in all_labs(app).values():
        for claim in lab.spec.claims if lab.spec else ():
            if claim.id == claim_id:
                return lab, claim
    return None


def recorded(lab: LabDocs, claim_id: str) -> ClaimResult | None:
    return next((c for c in lab.results.claims if c.id == claim_id), None) if lab.results else None


def claim_ref(claim_id: str, text: str | None = None, content: Sequence[nodes.Node] = ()) -> addnodes.pending_xref:
    """A link to a claim's anchor, resolved by the standard domain (so -n flags a missing one).

    It shows ``content`` as given, else ``text`` (or the id) in the ids' style; the guide resolves it before the
    standard domain would (:class:`checks.guide.evidence.ResolveClaimLinks`), so code in ``content`` stays code.
    """
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="ref", reftarget=anchor(claim_id), refexplicit=True, refwarn=True
    )
    ref["slimlab_claim"] = claim_id
    if content:
        ref.extend(content)
    else:
        ref += nodes.inline(text or claim_id, text or claim_id, classes=["slimlab-claim-id"])
    return ref


def base_ref(name: str, text: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="ref", reftarget=base_label(name), refexplicit=True, refwarn=True
    )
    ref += nodes.inline(text, text)
    return ref


def doc_ref(here: str, page: str) -> addnodes.pending_xref:
    """A link to a page, its title as the text, resolved as ``:doc:`` resolves it."""
    return addnodes.pending_xref(
        "",
        nodes.inline(page, page),
        refdomain="std",
        reftype="doc",
        reftarget="/" + page,
        refdoc=here,
        refexplicit=False,
        refwarn=True,
    )


def base_label(image: str) -> str:
    return "base-" + nodes.make_id(image.replace(":", "-").replace("/", "-"))


def verdict(passed: bool | None) -> nodes.inline:
    word, mark, cls = {
        True: (_("holds"), "✓", "pass"),
        False: (_("fails"), "✗", "fail"),
        None: (_("not measured"), "…", "none"),
    }[passed]
    return nodes.inline(f"{mark} {word}", f"{mark} {word}", classes=["slimlab-verdict", f"slimlab-{cls}"])


def smoke_cell(passed: bool) -> nodes.inline:
    """A smoke test passes or fails; whether failing was expected is a claim's business (smoke_fails)."""
    # Whole, with the mark: a smoke test that fails is not a claim that fails, and a translation may say so.
    text = _("✓ passes") if passed else _("✗ fails")
    return nodes.inline(text, text, classes=["slimlab-verdict", "slimlab-pass" if passed else "slimlab-fail"])


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[nodes.Node | str]],
    classes: list[str],
    widths: list[int] | None = None,
) -> nodes.table:
    tab = nodes.table(classes=["slimlab-table", *classes])
    group = nodes.tgroup(cols=len(headers))
    tab += group
    for width in widths or [1] * len(headers):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += _row(headers)
    body = nodes.tbody()
    group += body
    for row in rows:
        body += _row(row)
    return tab


def _row(cells: Iterable[nodes.Node | str]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        if isinstance(cell, str):
            entry += nodes.paragraph(cell, cell)
        elif isinstance(cell, (nodes.Inline, nodes.Text)):
            para = nodes.paragraph()
            para += cell
            entry += para
        else:
            entry += cell
        row += entry
    return row


def para(*parts: nodes.Node | str, classes: list[str] | None = None) -> nodes.paragraph:
    """A paragraph a directive writes: its words are translated as it is made (``_()``), so Sphinx's gettext
    builder must not put it in the page's catalog, where its figures would make it a new message each time."""
    node = nodes.paragraph(classes=classes or [], translatable=False)
    for part in parts:
        node += nodes.Text(part) if isinstance(part, str) else part
    return node


#: A ``str.format`` field of a translated message: ``{lab}``.
_FIELD = re.compile(r"\{([a-z_]+)\}")


def fill(message: str, **fields: nodes.Node | str | list[nodes.Node | str]) -> list[nodes.Node | str]:
    """A translated message with its ``{fields}`` replaced by text or nodes, in the message's own order.

    For a sentence that holds a literal or a link: the translation may put the pieces where its language
    wants them, as ``str.format`` would for text alone.  A field given as a list is all its pieces.
    """
    parts: list[nodes.Node | str] = []
    for index, piece in enumerate(_FIELD.split(message)):
        if index % 2:
            field = fields[piece]
            parts += field if isinstance(field, list) else [field]
        elif piece:
            parts.append(piece)
    return parts


def comma() -> str:
    """What stands between the items of a list in running text: ", " in English, "、" in Chinese."""
    return _(", ")


def literal(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def literals(names: Iterable[str]) -> list[nodes.Node | str]:
    """Names as code, one after another with commas: a list field of :func:`fill`."""
    shown: list[nodes.Node | str] = []
    for index, name in enumerate(names):
        shown += [comma() if index else "", literal(name)]
    return shown


def not_recorded(
    message: str, *, command: str = "make check", box: type[nodes.Element] = nodes.note
) -> list[nodes.Node]:
    """What a directive shows while nothing it needs is recorded: ``message``, its ``{command}`` the one to run."""
    return [box("", para(*fill(message, command=literal(command))))]


def note_use(env: BuildEnvironment, lab: str) -> None:
    env.slimlab_uses.setdefault(env.docname, set()).add(lab)  # type: ignore[attr-defined]


# A measured value carries its source in data-* attributes (the tests read them).
# Lower case, as docutils names its node classes; Sphinx finds visit_measured_value by this name.
class measured_value(nodes.inline):  # noqa: N801
    """One value from a results.json; HTML shows it as a span with data-lab/variant/of/field/bytes."""


def visit_measured_value(self: Any, node: measured_value) -> None:
    keys = ("lab", "variant", "of", "field", "bytes")
    data = {f"data-{key}": str(node[key]) for key in keys if node.get(key) is not None}
    self.body.append(self.starttag(node, "span", "", CLASS="slimlab-measured", title=node.get("tooltip", ""), **data))


def depart_measured_value(self: Any, node: measured_value) -> None:
    self.body.append("</span>")


def measured_node(
    lab: str, variant: str, field: str, text: str, size_bytes: int | None, tooltip: str
) -> measured_value:
    node = measured_value(text, text, lab=lab, variant=variant, field=field, tooltip=tooltip)
    if size_bytes is not None:
        node["bytes"] = size_bytes
    return node


def section(document: nodes.document, label: str, *title: nodes.Node) -> nodes.section:
    """A section of ``document`` at ``label``, titled ``title``, that a reference can name."""
    sect = nodes.section(ids=[label], names=[label])
    sect += nodes.title("", "", *title)
    document.note_explicit_target(sect)
    return sect
