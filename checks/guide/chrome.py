"""The theme's own words on every page (furo's header, sidebars and footer), in the edition's language.

furo writes some of its words through Sphinx's translator (``{% trans %}Back to top{% endtrans %}``)
and others as plain English in its templates (the aria labels, the icons' titles); Sphinx's Chinese
catalog has none of them and furo ships no catalog.  The page template
(``docs/_templates/page.html``) extends furo's and hands the body it rendered to the function
:func:`translator` makes, which puts each of :data:`CHROME` in the edition's language through the
``slimlab-ui`` catalog.  The English edition is left exactly as furo wrote it, and a build test fails
when furo changes one of these pieces so that it no longer matches (tests/test_docs_editions.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from checks.model import i18n
from checks.model.i18n import N_, _


@dataclass(frozen=True)
class Words:
    """A piece of furo's HTML: ``before``, then the English ``words``, then ``after`` (regular expressions)."""

    before: str
    words: str
    after: str

    def pattern(self) -> re.Pattern[str]:
        return re.compile(f"({self.before})({re.escape(self.words)})({self.after})")


def _title(words: str) -> Words:
    """An icon's title in furo's ``partials/icons.html``."""
    return Words("<title>", words, "</title>")


def _label(words: str) -> Words:
    """An aria label of one of furo's buttons and toggles."""
    return Words('aria-label="', words, '"')


#: furo's words, each where it stands in furo's page (2025.12.19): the English is the message to translate.
CHROME: tuple[Words, ...] = (
    _title(N_("Contents")),
    _title(N_("Menu")),
    _title(N_("Expand")),
    _title(N_("Light mode")),
    _title(N_("Dark mode")),
    _title(N_("Auto light/dark, in light mode")),
    _title(N_("Auto light/dark, in dark mode")),
    _label(N_("Toggle site navigation sidebar")),
    _label(N_("Toggle table of contents sidebar")),
    _label(N_("Toggle Light / Dark / Auto color theme")),
    Words(r'href="#furo-main-content">\s*', N_("Skip to content"), r"\s*</a>"),
    Words(r"<span>", N_("Back to top"), r"</span>"),
    Words(r'<div class="context">\s*<span>', N_("Next"), r"</span>"),
    Words(r'<div class="context">\s*<span>', N_("Previous"), r"</span>"),
    Words(r'<div class="title">', N_("Home"), r"</div>"),
    Words(r'<span class="toc-title">\s*', N_("On this page"), r"\s*</span>"),
    Words(r'<div class="copyright">\s*', N_("Copyright"), r" &#169; "),
    Words(r"<p>\s*", N_("Please activate JavaScript to enable the search functionality."), r"\s*</p>"),
)
#: furo's credit line: three links in an English sentence, put back in the translation's order.
MADE_WITH = re.compile(
    r"Made with (?P<sphinx><a href=\"https://www.sphinx-doc.org/\">Sphinx</a>) and "
    r"(?P<author><a class=\"muted-link\" href=\"https://pradyunsg.me\">@pradyunsg</a>)'s\s*"
    r"(?P<furo><a href=\"https://github.com/pradyunsg/furo\">Furo</a>)"
)


def translate(html: str) -> str:
    """furo's rendered body with its words in the language :func:`checks.model.i18n.use` chose."""
    for piece in CHROME:
        html = piece.pattern().sub(lambda m: m.group(1) + _(m.group(2)) + m.group(3), html)
    return MADE_WITH.sub(
        lambda m: _("Made with {sphinx} and {author}'s {furo}").format(**m.groupdict()),
        html,
    )


def untranslated(html: str) -> list[str]:
    """The pieces of :data:`CHROME` (and the credit line) that ``html`` still shows in English."""
    found = [piece.words for piece in CHROME if piece.pattern().search(html)]
    return found + (["Made with"] if MADE_WITH.search(html) else [])


def translator(language: str) -> Callable[[str], str]:
    """What the page template calls on furo's body: :func:`translate`, or nothing at all for English."""
    return (lambda html: html) if language == i18n.SOURCE else translate
