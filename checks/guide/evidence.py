"""The evidence of a page, stated once and folded: each claim one row, its explanation and hint a click away.

``.. claim:: L4.1`` makes one row: a ``<details>`` element whose summary is
the claim's verdict, statement and measured value against the expected one,
and whose body is the directive's content (why it matters) and the claim's
hint.  The row carries the claim's anchor (``id="l4-1"``), the one the
checker's failure messages link to; ``slimlab.js`` opens a row a link leads
to, on load and on every change of the address's fragment.

Every row of a lab joins one list, in the order of ``lab.toml``: the list
``.. lab-results:: LAB`` leaves below its figures, or, when the page has none
(``:no-claims:``), a list where the lab's first ``.. claim::`` stands.  So a
claim's statement appears once per page whatever order the page writes its
claims in.

``:claim:`L4.1``` links to a row from any page with the id as its text;
``:claim:`fails to start <L4.9>``` with the words given.  ``:verdict:`L4.1```
adds the recorded verdict.

:func:`fold` is the same ``<details>`` for any folded block (the list of
what ``analyze`` and ``lint`` point at, for one).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import ReferenceRole, SphinxDirective

from checks.guide.docdata import did_you_mean
from checks.guide.nodes import WARN, all_labs, claim_owner, claim_ref, logger, note_use, para, recorded, verdict
from checks.model import spec as lab_spec
from checks.model.i18n import _
from checks.model.links import anchor

#: The class of every block a page shows as evidence: figures, claims, the exercise, what the tools point at.
#: The prose budget (tests/test_docs_budget.py) counts a page's teaching words up to the first of them.
EVIDENCE = "slimlab-evidence"

# ---------------------------------------------------------------------------
# Nodes: a folded block (<details>), its summary, and the place of a lab's list of claims.


class fold(nodes.General, nodes.Element):  # noqa: N801 (docutils names node classes in lower case)
    """A ``<details>`` block: its first child a :class:`fold_summary`, the rest shown when opened."""


class fold_summary(nodes.General, nodes.Element):  # noqa: N801
    """The line a :class:`fold` always shows; a click opens or closes the rest."""


class claim_list(nodes.General, nodes.Element):  # noqa: N801
    """One lab's claims on a page, with a header naming the columns; filled by :class:`GatherClaims`."""


def visit_fold(self: Any, node: fold) -> None:
    attributes = {"open": "open"} if node.get("open") else {}
    self.body.append(self.starttag(node, "details", "", **attributes))


def depart_fold(self: Any, node: fold) -> None:
    self.body.append("</details>\n")


def visit_fold_summary(self: Any, node: fold_summary) -> None:
    self.body.append(self.starttag(node, "summary", ""))


def depart_fold_summary(self: Any, node: fold_summary) -> None:
    self.body.append("</summary>\n")


def visit_claim_list(self: Any, node: claim_list) -> None:
    self.body.append(self.starttag(node, "div", ""))


def depart_claim_list(self: Any, node: claim_list) -> None:
    self.body.append("</div>\n")


def folded(summary: Iterable[nodes.Node | str], body: Iterable[nodes.Node], classes: list[str]) -> fold:
    """A block that shows ``summary`` and opens to ``body``."""
    line = fold_summary()
    for part in summary:
        line += nodes.Text(part) if isinstance(part, str) else part
    block = fold(classes=classes)
    block += line
    block.extend(body)
    return block


# ---------------------------------------------------------------------------
# .. claim:: L4.1


def claims_list(lab: str) -> claim_list:
    """The empty list of a lab's claims, with its header; :class:`GatherClaims` moves the rows in."""
    box = claim_list(lab=lab, classes=["slimlab-claims", EVIDENCE])
    head = nodes.container(classes=["slimlab-claims-head"])
    for word, cls in ((_("Verdict"), "status"), (_("Statement"), "text"), (_("Measured (expected)"), "figures")):
        head += nodes.inline(word, word, classes=[f"slimlab-claim-{cls}"])
    box += head
    return box


def claim_row(claim_id: str, text: str, result: Any, body: list[nodes.Node]) -> nodes.Element:
    """One claim: verdict and id, statement, measured against expected; ``body`` folded under it."""
    passed = None if result is None else result.passed
    status = nodes.inline("", "", classes=["slimlab-claim-status"])
    status += verdict(passed)
    status += nodes.inline(claim_id, claim_id, classes=["slimlab-claim-id"])
    figures = nodes.inline("", "", classes=["slimlab-claim-figures"])
    if result is not None:
        measured = str(result.measured)
        figures += nodes.inline(measured, measured, classes=["slimlab-claim-measured"])
        expected = _("expected {expected}").format(expected=result.expected)
        figures += nodes.inline(expected, expected, classes=["slimlab-expected"])
    summary = [status, nodes.inline(text, text, classes=["slimlab-claim-text"]), figures]
    state = "none" if passed is None else ("pass" if passed else "fail")
    classes = ["slimlab-claim", f"slimlab-{state}"]
    if not body:  # nothing to open: the row alone, laid out the same
        row = nodes.container(classes=[*classes, "slimlab-claim-row"])
        row.extend(summary)
        return row
    detail = nodes.container(classes=["slimlab-claim-detail"])
    detail.extend(body)
    return folded(summary, [detail], classes)


class ClaimDirective(SphinxDirective):
    """One claim's row: the anchor the checker links to, its verdict and figures; the content folded under it."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        claim_id = self.arguments[0].strip()
        found = claim_owner(self.env.app, claim_id)
        if found is None:
            logger.warning(
                f"claim: no lab declares claim '{claim_id}'.{did_you_mean(claim_id, known_claims(self.env.app))}",
                location=self.get_location(),
                **WARN,
            )
            return []
        lab, claim = found
        note_use(self.env, lab.name)
        self.env.note_dependency(str(lab.results_path))
        self.env.note_dependency(str(lab.folder / lab_spec.SPEC_NAME))
        self.env.slimlab_claims[claim_id] = (self.env.docname, self.lineno)  # type: ignore[attr-defined]
        body: list[nodes.Node] = []
        if self.content:
            holder = nodes.container()
            self.state.nested_parse(self.content, self.content_offset, holder)
            body.extend(holder.children)
        if claim.hint:
            label = _("Hint: ")
            body.append(para(nodes.strong(label, label), claim.hint, classes=["slimlab-hint"]))
        row = claim_row(claim_id, claim.text, recorded(lab, claim_id), body)
        row["ids"] = [anchor(claim_id)]
        row["names"] = [anchor(claim_id)]
        row["lab"] = lab.name
        row["order"] = [c.id for c in lab.spec.claims].index(claim_id) if lab.spec else 0
        self.state.document.note_explicit_target(row)
        return [row]


def known_claims(app: Sphinx) -> list[str]:
    return [c.id for lab in all_labs(app).values() if lab.spec for c in lab.spec.claims]


def is_claim_row(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Element) and "slimlab-claim" in node["classes"] and "lab" in node


class GatherClaims(SphinxTransform):
    """Every claim row of a lab joins the lab's one list on the page, in ``lab.toml``'s order."""

    default_priority = 700

    def apply(self, **kwargs: Any) -> None:
        lists = {node["lab"]: node for node in self.document.findall(claim_list)}
        rows: dict[str, list[nodes.Element]] = {}
        for row in self.document.findall(is_claim_row):
            assert isinstance(row, nodes.Element)
            rows.setdefault(row["lab"], []).append(row)
        for lab, found in rows.items():
            target = lists.get(lab)
            if target is None:
                first = found[0]
                target = claims_list(lab)
                first.parent.insert(first.parent.index(first), target)
            for row in sorted(found, key=lambda r: int(r["order"])):
                row.parent.remove(row)
                target += row
        for lab, empty in lists.items():
            if lab not in rows:  # the claims are on another page: the build says so (check_labs)
                empty.parent.remove(empty)


# ---------------------------------------------------------------------------
# :claim:`L4.1`, :claim:`words <L4.1>` and :verdict:`L4.1`


class ClaimRole(ReferenceRole):
    """``:claim:`L4.1``` links to the claim's row wherever it is; ``:claim:`words <L4.1>``` shows the words."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        claim_id = self.target.strip()
        if claim_owner(self.env.app, claim_id) is None:
            logger.warning(
                f"claim role: no lab declares claim '{claim_id}'.{did_you_mean(claim_id, known_claims(self.env.app))}",
                location=self.get_location(),
                **WARN,
            )
            return [nodes.inline(self.title, self.title)], []
        if self.has_explicit_title:
            return [claim_ref(claim_id, content=[nodes.inline(self.title, self.title)])], []
        return [claim_ref(claim_id)], []


class VerdictRole(ReferenceRole):
    """``:verdict:`L0.3``` shows the claim's recorded verdict (holds, fails, not measured), linked to its row."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        claim_id = self.target.strip()
        found = claim_owner(self.env.app, claim_id)
        if found is None:
            logger.warning(
                f"verdict role: no lab declares claim '{claim_id}'."
                f"{did_you_mean(claim_id, known_claims(self.env.app))}",
                location=self.get_location(),
                **WARN,
            )
            return [nodes.inline(self.title, self.title)], []
        lab, _claim = found
        note_use(self.env, lab.name)
        self.env.note_dependency(str(lab.results_path))
        result = recorded(lab, claim_id)
        words = [nodes.inline(self.title, self.title)] if self.has_explicit_title else []
        ref = claim_ref(claim_id, content=words)
        return [ref, nodes.Text(" "), verdict(None if result is None else result.passed)], []


class ResolveClaimLinks(SphinxPostTransform):
    """Claim links keep what they show (code, the id's own style); the standard domain would keep only the text.

    Runs before Sphinx's own resolver, which then sees only the links that lead nowhere, and flags them (``-n``).
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        labels: dict[str, tuple[str, str]] = self.env.domains.standard_domain.anonlabels
        for ref in list(self.document.findall(addnodes.pending_xref)):
            if "slimlab_claim" not in ref:
                continue
            docname, labelid = labels.get(ref["reftarget"], ("", ""))
            if not docname:
                continue
            link = nodes.reference("", "", internal=True, classes=["slimlab-claim-link"])
            if docname == self.env.docname:
                link["refid"] = labelid
            else:
                link["refuri"] = self.app.builder.get_relative_uri(self.env.docname, docname) + "#" + labelid
            link.extend(ref.children)
            ref.replace_self(link)
