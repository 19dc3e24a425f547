"""What every build checks and remembers about the labs, beside the pages that show them.

Every build checks every lab (:func:`check_labs`): missing or stale results
(the lab's files no longer hash to the recorded ``inputs_sha256``), a lab
page that does not exist, or a claim with no ``.. claim::`` on its lab's page
is a warning, which ``-W`` turns into a failed build.  The environment keeps
which page places which claim, shows which lab's table and uses which lab's
values, so an incremental or parallel build re-reads exactly the pages a
changed lab touches (:func:`outdated_docs`).  Connected by
:func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from checks.guide.docdata import LabDocs, staleness
from checks.guide.nodes import WARN, all_labs, logger, reset
from checks.model.links import anchor


def check_labs(app: Sphinx, env: BuildEnvironment) -> None:
    placed: dict[str, tuple[str, int]] = env.slimlab_claims  # type: ignore[attr-defined]
    shown = {lab for labs in env.slimlab_results.values() for lab in labs}  # type: ignore[attr-defined]
    for lab in all_labs(app).values():
        for problem in lab_problems(lab, env.found_docs, placed, shown):
            logger.warning(problem, **WARN)


def lab_problems(lab: LabDocs, docs: Iterable[str], placed: dict[str, tuple[str, int]], shown: set[str]) -> list[str]:
    """What keeps the guide from telling the truth about one lab (pure: for tests too)."""
    if lab.spec is None:
        return [f"labs/{lab.name}/lab.toml cannot be read: {lab.problem}"]
    problems = [stale] if (stale := staleness(lab)) else []
    page = lab.spec.page
    if page not in set(docs):
        return [
            *problems,
            (
                f"labs/{lab.name}/lab.toml names page '{page}', which the guide does not have, so the checker's "
                f"links to {page}.html#... lead nowhere. Add docs/{page}.rst (or .md) or fix [lab] page."
            ),
        ]
    if lab.name not in shown:
        problems.append(
            f"{lab.name} is on no page: add `.. lab-results:: {lab.name}` to its Measured section on docs/{page}."
        )
    for claim in lab.spec.claims:
        where = placed.get(claim.id)
        if where is None:
            problems.append(
                f"claim {claim.id} of {lab.name} has no `.. claim:: {claim.id}` on docs/{page}, so the "
                f"checker's link {page}.html#{anchor(claim.id)} leads nowhere."
            )
        elif where[0] != page:
            problems.append(
                f"claim {claim.id} is placed on docs/{where[0]}, but lab.toml's page is '{page}': "
                f"the checker links to {page}.html#{anchor(claim.id)}."
            )
    return problems


# ---------------------------------------------------------------------------
# Environment bookkeeping (incremental and parallel builds).


def lab_state(lab: LabDocs) -> tuple[str, str | None]:
    """What, when it changes, makes the pages of a lab out of date."""
    return lab.current_sha256, lab.results.inputs_sha256 if lab.results else None


def outdated_docs(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Re-read the pages of every lab whose files changed, or whose results are missing or stale.

    Sphinx re-reads a page when a file it depends on changes, and checks
    consistency only when it re-read something.  A lab file edited without
    ``make check`` changes no page, so this hook marks the lab's pages (and the
    root page, so the checks below always run) as outdated: the staleness
    warning then fails every build until the results are current.
    """
    reset(app)
    init_env(app, env, [])
    labs = all_labs(app)
    state = {name: lab_state(lab) for name, lab in labs.items()}
    previous: dict[str, Any] = env.slimlab_state  # type: ignore[attr-defined]
    env.slimlab_state = state  # type: ignore[attr-defined]
    shown = {lab for used in env.slimlab_results.values() for lab in used}  # type: ignore[attr-defined]
    placed: dict[str, tuple[str, int]] = env.slimlab_claims  # type: ignore[attr-defined]
    dirty = {
        name
        for name, lab in labs.items()
        if state[name] != previous.get(name) or lab_problems(lab, env.found_docs, placed, shown)
    }
    dirty |= set(previous) - set(state)
    if not dirty:
        return []
    uses: dict[str, set[str]] = env.slimlab_uses  # type: ignore[attr-defined]
    docs = {doc for doc, used in uses.items() if used & dirty} | {app.config.root_doc}
    return sorted(docs & env.found_docs)


def init_env(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    for name in ("slimlab_claims", "slimlab_results", "slimlab_uses", "slimlab_state"):
        if not hasattr(env, name):
            setattr(env, name, {})


def purge_before_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Forget every page about to be read before reading the first, as Sphinx's parallel read does.

    A serial read forgets a page just before reading it, so a label or a claim that moved from a later page to
    an earlier one is still found on the later one: a false "duplicate label" that fails an incremental build.
    """
    for docname in docnames:
        app.emit("env-purge-doc", env, docname)
        env.clear_doc(docname)


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    init_env(app, env, [])
    claims = env.slimlab_claims  # type: ignore[attr-defined]
    for claim_id in [c for c, (doc, _line) in claims.items() if doc == docname]:
        del claims[claim_id]
    env.slimlab_results.pop(docname, None)  # type: ignore[attr-defined]
    env.slimlab_uses.pop(docname, None)  # type: ignore[attr-defined]


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for name in ("slimlab_claims", "slimlab_results", "slimlab_uses"):
        getattr(env, name).update(getattr(other, name))
