"""The guide's Sphinx extension: pages show what the checker recorded, never what someone typed.

Every directive and role is a row of :data:`DIRECTIVES` or :data:`ROLES`, and
each node and event handler of the extension a row of :data:`NODES` or
:data:`EVENTS`: adding one touches its own module and one row here.

Directives and roles (all read ``labs/*/lab.toml`` and ``results.json``;
nothing here calls Docker or imports :mod:`checks.engine.docker`):

``.. lab-results:: LAB``
    The lab's figures: its variants (size, layers, compressed size and runtime
    floor once recorded, share of ``before``; on a phone each variant's row
    stacks, every figure named), one short line saying when they were measured
    and linking to how (:func:`checks.guide.fromrecords.measuring_line`), a
    chart of every variant's layers (:mod:`checks.guide.charts`: SVG, an HTML
    twin for narrow screens, and every step's instruction in a folded list),
    and the list of its claims that the page's ``.. claim::`` rows join
    (:mod:`checks.guide.labresults`).
    Options: ``:no-chart:``, ``:no-claims:`` (the claims then list where the
    first ``.. claim::`` of the lab stands).
``.. floor-chart::``
    Every recorded image beside its runtime floor (:mod:`checks.guide.floorchart`).
``.. claim:: L4.1``
    A claim's row in its lab's list (:mod:`checks.guide.evidence`): verdict,
    statement, measured against expected, and the anchor the checker's failure
    message links to (``#l4-1``); the directive's content (why it matters) and
    the claim's hint are folded under it, and a link to the row opens it.
``:measured:`LAB/VARIANT/FIELD```
    One measured value in prose; the fields are :data:`checks.guide.measuredfields.FIELDS`
    (:mod:`checks.guide.measuredroles`).
``:size-difference:`LAB/VARIANT/OTHER```
    VARIANT's size minus OTHER's, in prose or a table cell: what one change
    adds or saves, when two variants differ in that change alone.
``:claim:`L4.1```, ``:claim:`words <L4.1>```, ``:verdict:`L4.1```
    A link to a claim's row from any page: with the id as its text (for
    reference pages), or with the words given (for teaching prose, which shows
    no ids); ``verdict`` adds the recorded verdict.
``.. lab-exercise:: LAB``
    The lab's exercise: its task, the goals ``make lab-N`` judges each in a
    short form linked to its claim's row (never the claim's own sentence again),
    ``exercise.Dockerfile`` and the reference answer folded
    (:mod:`checks.guide.exercise`).  Its anchor is ``exercise-lab-N``.
``.. headline:: LAB``
    The lab's measured headline, ``948.7 MB → 6.2 MB (0.66% of the size)``, for the
    first screen of its page (:mod:`checks.guide.teaching`; ``:variant:`` for
    another variant than ``after``).
``.. try-lab:: LAB``
    A "Try it: ``make lab-N``" box with the first sentence of the lab's task and
    a link to its exercise (:mod:`checks.guide.teaching`).
``.. top-results::``
    The front page's headline results: the labs' largest before → after
    reductions, chosen from the recorded results (``:count:``, default 3;
    :mod:`checks.guide.teaching`).
``.. handout::``
    Marks a page as a handout: printed, it fits one A4 page without the
    sidebar, header, footer or language switcher (:mod:`checks.guide.teaching`).
``.. workshop-timings::``
    The measured cold and warm grade time of every lab, from
    ``docs/workshop-timings.json`` (written by ``make bench``;
    :mod:`checks.guide.timingstable`).
``.. claim-kinds::``, ``.. lab-toml-keys:: TABLE``, ``.. measured-fields::``
    Reference material rendered from the code (:mod:`checks.guide.sphinxref`).
``.. standin-bases::``, ``.. runtime-support::``
    The stand-in recipes, and the runtimes the labs build on and when their
    support ends, from ``checks/bases/`` (:mod:`checks.guide.basesref`).
``.. size-fixes:: PAGE``
    What ``analyze`` and ``lint`` link to this page for, folded in one block
    (:mod:`checks.guide.sphinxref`).
``.. image-explorer:: LAB``
    ``analyze --html``'s explorer of the lab's before and after (``:variants:``), folded, from the recorded
    tree, within a page-weight budget (:mod:`checks.guide.explorer`).
``.. measured-on::``, ``.. lab-provenance::``
    A page's one line on when its figures were measured; the measuring page's
    table of every lab's recording and bases (:mod:`checks.guide.fromrecords`).

Every block a page shows as evidence (figures, claims, the exercise, the
size fixes) carries the class :data:`checks.guide.evidence.EVIDENCE`; the
prose budget of a technique page (``tests/test_docs_budget.py``) counts its
teaching words up to the first of them.

Every build checks every lab: missing or stale results (the lab's files no
longer hash to the recorded ``inputs_sha256``), a lab page that does not
exist, or a claim with no ``.. claim::`` on its lab's page is a warning,
which ``-W`` turns into a failed build (:mod:`checks.guide.labstate`).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole

from checks.guide import (
    basesref,
    compressionchart,
    editions,
    evidence,
    exercise,
    explorer,
    floorchart,
    fromrecords,
    labresults,
    labstate,
    measuredroles,
    pullchart,
    rebuildtable,
    sphinxref,
    storetable,
    teaching,
    timingstable,
    updatechart,
)
from checks.guide.nodes import depart_measured_value, measured_value, visit_measured_value

#: Every directive of the guide, by the name a page writes: ``.. lab-results:: LAB``.
DIRECTIVES: Mapping[str, type[Directive]] = {
    "lab-results": labresults.LabResultsDirective,
    "workshop-timings": timingstable.WorkshopTimingsDirective,
    "claim": evidence.ClaimDirective,
    "secret-rules": sphinxref.SecretRulesDirective,
    "size-fixes": sphinxref.SizeFixesDirective,
    "standin-bases": basesref.StandinBasesDirective,
    "runtime-support": basesref.RuntimeSupportDirective,
    "claim-kinds": sphinxref.ClaimKindsDirective,
    "lab-toml-keys": sphinxref.LabTomlKeysDirective,
    "measured-fields": sphinxref.MeasuredFieldsDirective,
    "lab-exercise": exercise.LabExerciseDirective,
    "headline": teaching.HeadlineDirective,
    "try-lab": teaching.TryLabDirective,
    "top-results": teaching.TopResultsDirective,
    "handout": teaching.HandoutDirective,
    "layer-instructions": fromrecords.LayerInstructionsDirective,
    "results-fields": fromrecords.ResultsFieldsDirective,
    "measured-on": fromrecords.MeasuredOnDirective,
    "lab-provenance": fromrecords.LabProvenanceDirective,
    "pull-chart": pullchart.PullChartDirective,
    "floor-chart": floorchart.FloorChartDirective,
    "rebuild-table": rebuildtable.RebuildTableDirective,
    "store-table": storetable.StoreTableDirective,
    "update-chart": updatechart.UpdateChartDirective,
    "compression-matrix": compressionchart.CompressionMatrixDirective,
    "image-explorer": explorer.ImageExplorerDirective,
}

#: Every role of the guide, by the name a page writes: ``:measured:`LAB/VARIANT/FIELD```.
ROLES: Mapping[str, type[SphinxRole]] = {
    "claim": evidence.ClaimRole,
    "verdict": evidence.VerdictRole,
    "measured": measuredroles.MeasuredRole,
    "size-difference": measuredroles.SizeDifferenceRole,
}

Visitors = tuple[Callable[[Any, Any], None], Callable[[Any, Any], None]]

#: The extension's own nodes, with how HTML shows each (None: a transform replaces it before any writer sees it).
NODES: tuple[tuple[type[nodes.Element], Visitors | None], ...] = (
    (measured_value, (visit_measured_value, depart_measured_value)),
    (evidence.fold, (evidence.visit_fold, evidence.depart_fold)),
    (evidence.fold_summary, (evidence.visit_fold_summary, evidence.depart_fold_summary)),
    (evidence.claim_list, (evidence.visit_claim_list, evidence.depart_claim_list)),
    (fromrecords.measured_on, None),
)

#: Every event the extension listens to, with its handler; one event's handlers run in this order.
EVENTS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("config-inited", editions.speak),
    ("html-page-context", editions.add_editions),
    ("doctree-read", fromrecords.fill_notes),
    ("env-get-outdated", labstate.outdated_docs),
    ("env-before-read-docs", labstate.init_env),
    ("env-before-read-docs", labstate.purge_before_reading),
    ("env-purge-doc", labstate.purge_doc),
    ("env-merge-info", labstate.merge_info),
    ("env-check-consistency", labstate.check_labs),
)


def guide_modules() -> dict[str, Path]:
    """Every ``checks`` module imported so far, by name: after the extension is imported, all that it uses."""
    found = {}
    for name, module in sorted(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if (name == "checks" or name.startswith("checks.")) and path:
            found[name] = Path(path)
    return found


def source_sha256(modules: Mapping[str, Path] | None = None) -> str:
    """Fingerprint of the modules that render the guide: when one changes, every page is rendered again.

    By default the modules are :func:`guide_modules`, so a module the extension
    comes to import later is covered without anyone listing it.
    """
    digest = hashlib.sha256()
    for name, path in sorted((modules if modules is not None else guide_modules()).items()):
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def setup(app: Sphinx) -> dict[str, Any]:
    # Not set in conf.py: its value changing (the code changed) makes Sphinx re-read every page.
    app.add_config_value("slimlab_source_sha256", source_sha256(), "env", types=[str])
    app.add_config_value("slimlab_labs", "", "env", types=[str])
    app.add_config_value("slimlab_bases", "", "env", types=[str])
    for node, html in NODES:
        if html is None:
            app.add_node(node)
        else:
            app.add_node(node, html=html)
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)
    for name, role in ROLES.items():
        app.add_role(name, role())
    app.add_transform(evidence.GatherClaims)
    app.add_post_transform(evidence.ResolveClaimLinks)
    app.add_js_file("slimlab.js", loading_method="defer")
    for event, handler in EVENTS:
        app.connect(event, handler)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
