"""Claim kinds: small frozen dataclasses judged on measured data, never on Docker, one module per family.

:mod:`~checks.model.claims.kind` holds what every kind shares: the :class:`~checks.model.claims.kind.Kind` base,
:func:`~checks.model.claims.kind.claim_kind` and its registry, the words verdicts share. Each family of kinds
(sizes, an image's contents, the smoke test, cold pulls, updates, re-compression, the runtime floor, secrets,
rebuilds) is a module of its own, and :data:`FAMILIES` is the one list that collects them. Read :data:`KINDS`
from here: importing this package declares every kind.
"""

from __future__ import annotations

from checks.model.claims import contents, floor, pulls, rebuild, recompression, secrets, sizes, smoke, updates
from checks.model.claims.kind import KINDS

#: Every family of claim kinds, one module each, in the order the reference page shows their kinds.
FAMILIES = (sizes, contents, smoke, pulls, updates, recompression, floor, secrets, rebuild)


def _in_family_order() -> None:
    """:data:`KINDS` in the order of :data:`FAMILIES`, each family's kinds in the order its module declares them."""
    place = {family.__name__: index for index, family in enumerate(FAMILIES)}
    ordered = sorted(KINDS.items(), key=lambda item: place[item[1].__module__])
    KINDS.clear()
    KINDS.update(ordered)


_in_family_order()

__all__ = ["FAMILIES", "KINDS"]
