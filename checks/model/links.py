"""Every link into the guide: a page and an anchor, turned into a URL in one place.

A claim (``L4.1``), a hadolint rule (``DL3009``) and a removable class
(``build-toolchain``) each have a section in the guide; the anchor is the id
in lower case with dots as dashes.  What a result carries is a
:class:`Section`; the base (``SLIMLAB_DOCS_URL``, see
:mod:`checks.model.settings`) is added only when text is printed.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Where links point when ``SLIMLAB_DOCS_URL`` is not set: the guide ``make html`` renders.
DEFAULT_DOCS_URL = "docs/_build/html"


def edition_url(base: str, folder: str) -> str:
    """The root of one edition of the guide, ``folder`` under ``base`` (see :func:`checks.model.i18n.edition_path`)."""
    return f"{base.rstrip('/')}/{folder}" if folder else base


def anchor(stable_id: str) -> str:
    """The HTML anchor of an id's section: ``L4.1`` -> ``l4-1``, ``DL3009`` -> ``dl3009``."""
    return stable_id.lower().replace(".", "-")


@dataclass(frozen=True)
class Section:
    """One section of the guide."""

    #: The page, without ``.html`` (``multi-stage``).
    page: str
    #: The anchor on that page (``l4-1``).
    anchor: str

    def url(self, base: str = DEFAULT_DOCS_URL) -> str:
        return f"{base.rstrip('/')}/{self.page}.html#{self.anchor}"


def section(page: str, stable_id: str) -> Section:
    """The section of ``page`` that explains ``stable_id`` (a claim id, a rule code or a class id)."""
    return Section(page, anchor(stable_id))
