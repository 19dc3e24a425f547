"""The words of a lab.toml and of its recorded results, listed for the catalog and put in an edition's language.

Above the spec and the results, which it reads; :mod:`checks.model.i18n` below them holds the catalogs and
``_()``, which the claims and the spec mark their own words with.
"""

from __future__ import annotations

import dataclasses

from checks.model.i18n import ENGLISH, Catalog, Message
from checks.model.results import Results
from checks.model.spec import Lab


def lab_messages(lab: Lab) -> list[Message]:
    """Every translatable string of one lab.toml, each with the context that says where it is."""
    found = [Message(f"{lab.name} title", lab.title)]
    if lab.exercise:
        found.append(Message(f"{lab.name} exercise", lab.exercise))
    found += [Message(f"{lab.name} variant {v.name}", v.description) for v in lab.variants if v.description]
    for claim in lab.claims:
        found.append(Message(f"{claim.id} text", claim.text))
        if claim.hint:
            found.append(Message(f"{claim.id} hint", claim.hint))
    return found


def translate_lab(lab: Lab, catalog: Catalog) -> Lab:
    """``lab`` with its words in ``catalog``'s language (the same lab when the catalog is English)."""
    if catalog is ENGLISH:
        return lab
    return dataclasses.replace(
        lab,
        title=catalog.text(lab.title, f"{lab.name} title"),
        exercise=catalog.text(lab.exercise, f"{lab.name} exercise") if lab.exercise else "",
        variants=tuple(
            dataclasses.replace(v, description=catalog.text(v.description, f"{lab.name} variant {v.name}"))
            if v.description
            else v
            for v in lab.variants
        ),
        claims=tuple(
            dataclasses.replace(
                c,
                text=catalog.text(c.text, f"{c.id} text"),
                hint=catalog.text(c.hint, f"{c.id} hint") if c.hint else "",
            )
            for c in lab.claims
        ),
    )


def translate_results(results: Results, catalog: Catalog) -> Results:
    """Recorded results with each claim's statement in ``catalog``'s language (figures untouched)."""
    if catalog is ENGLISH:
        return results
    claims = tuple(dataclasses.replace(c, text=catalog.text(c.text, f"{c.id} text")) for c in results.claims)
    return dataclasses.replace(results, claims=claims)
