"""The guide's editions: English, and each language ``docs/locale`` translates it into.

``make html`` builds English into ``docs/_build/html`` and every other
edition with ``-D language=<code>`` into ``docs/_build/html/<code>/``.  In a
translated build this module, on ``config-inited``, makes the checker's own
words (:data:`checks.store.catalogs.UI_DOMAIN`), the labs' words
(:data:`checks.store.catalogs.LABS_DOMAIN`) and the reference tables' words
(:data:`checks.store.catalogs.REFERENCE_DOMAIN`) speak the edition's language; Sphinx
translates the pages from their own catalogs.  On every page it gives the
template the other editions of the same page, for the language switcher
(``docs/_templates/components/view-this-page.html``) and for
``<link rel="alternate" hreflang>``, and the function that puts furo's own
words in the edition's language (:mod:`checks.guide.chrome`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from checks.guide import chrome
from checks.guide.nodes import WARN, logger
from checks.model import i18n
from checks.model.errors import UsageError
from checks.model.i18n import _
from checks.store import catalogs


def language(app: Sphinx) -> str:
    """The edition this build renders (Sphinx's ``language``), as a code :data:`~checks.model.i18n.LANGUAGES` has."""
    try:
        return i18n.parse_language(app.config.language or i18n.SOURCE)
    except UsageError:
        return i18n.SOURCE


def locale_dir(app: Sphinx) -> Path:
    return Path(app.srcdir) / str((app.config.locale_dirs or ["locale"])[0])


def speak(app: Sphinx, config: Config) -> None:
    """On ``config-inited``: the checker's, the labs' and the reference tables' words, the site's title and its
    copyright line's holder, in the edition's language."""
    code = language(app)
    try:
        ui = catalogs.load_catalog(locale_dir(app), code, catalogs.UI_DOMAIN)
        labs = catalogs.load_catalog(locale_dir(app), code, catalogs.LABS_DOMAIN)
        reference = catalogs.load_catalog(locale_dir(app), code, catalogs.REFERENCE_DOMAIN)
    except UsageError as error:
        logger.warning(f"editions: {error}", **WARN)
        ui = labs = reference = i18n.ENGLISH
    i18n.use(ui)
    app._slimlab_labs_catalog = labs  # type: ignore[attr-defined]  # read by checks.guide.nodes.all_labs
    app._slimlab_reference_catalog = reference  # type: ignore[attr-defined]  # read by checks.guide.nodes.reference
    if config.html_title:
        config.html_title = _(config.html_title)
    if config.copyright:
        config.copyright = _(config.copyright)


def page_url(pagename: str, here: str, there: str) -> str:
    """The relative URL from page ``pagename`` of edition ``here`` to the same page of edition ``there``.

    Editions are :func:`checks.model.i18n.edition_path` folders of the site's root (English is the root).
    """
    up = pagename.count("/") + (1 if i18n.edition_path(here) else 0)
    folder = i18n.edition_path(there)
    return "../" * up + (f"{folder}/" if folder else "") + f"{pagename}.html"


def editions(pagename: str, here: str) -> list[dict[str, Any]]:
    """Every edition of one page, for the switcher: code, name, relative URL, whether it is this one."""
    return [
        {"code": code, "name": name, "url": page_url(pagename, here, code), "current": code == here}
        for code, name in i18n.LANGUAGES.items()
    ]


def html_lang(code: str) -> str:
    """The BCP 47 tag an HTML ``lang`` or ``hreflang`` takes: ``zh_CN`` -> ``zh-CN``."""
    return code.replace("_", "-")


def add_editions(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    here = language(app)
    found = editions(pagename, here)
    context["slimlab_editions"] = [{**e, "lang": html_lang(e["code"])} for e in found]
    context["slimlab_switch_label"] = _("Read this page in")
    context["slimlab_chrome"] = chrome.translator(here)  # docs/_templates/page.html
    alternates = "".join(
        f'<link rel="alternate" hreflang="{html_lang(e["code"])}" href="{e["url"]}" />\n' for e in found
    )
    context["metatags"] = context.get("metatags", "") + alternates
