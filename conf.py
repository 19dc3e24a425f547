"""Sphinx configuration for the slimlab guide (sources in docs/, built with `make html`).

Every size in the guide comes from labs/*/results.json through the project's
own extension, checks.guide.sphinxext; building the guide never needs Docker.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # so that `checks` (the checker package) is importable

from checks.model.i18n import N_  # noqa: E402  (after the path; marks the title and copyright for the catalogs)

project = "slimlab"
author = "the slimlab authors"
copyright = N_("the slimlab authors")  # translated per edition, as html_title
language = "en"

extensions = [
    "myst_parser",  # Markdown pages, where prose reads better in Markdown
    "sphinx_copybutton",  # a copy button on every code block
    "sphinx_design",  # before/after tabs and cards
    "checks.guide",  # lab-results, claim, :measured: ... (reads results.json only)
]

root_doc = "index"
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "locale"]  # locale/: the catalogs and their glossary, not pages
templates_path = ["docs/_templates"]  # the language switcher (components/view-this-page.html)

# Translations (make locale; checks.store.catalogs): one message catalog per page in
# docs/locale/<language>/LC_MESSAGES/, beside slimlab-labs.po (lab.toml's words) and
# slimlab-ui.po (the checker's own).  `make html` builds English, then each other
# edition with -D language=..., into docs/_build/html/<language>/.
locale_dirs = ["locale"]  # relative to docs/
gettext_compact = False  # one catalog per page, named after it
gettext_location = False  # no "#: file:line" comments: moving a paragraph is not a catalog change
gettext_uuid = False
gettext_last_translator = "the slimlab authors"
gettext_language_team = "slimlab"

# Lab folders and stand-in recipes the extension reads (empty: <conf dir>/labs and
# <conf dir>/checks/bases).  Tests point slimlab_labs at a copy with -D.
slimlab_labs = ""
slimlab_bases = ""

# Blocks without a language stay plain text (every lab file names its own:
# docker, toml, console); a block Pygments cannot lex is a warning, so an error.
highlight_language = "none"
# No "smart" quotes or dashes: prose and claim hints quote flags (--from, --chown)
# and JSON (["python3", "/app/server.py"]) that must read exactly as typed.
smartquotes = False

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Copy buttons: strip the `$ ` prompt and leave console output behind.  Pygments
# marks prompts (.gp) and output (.go) in console blocks; excluding both copies
# exactly the commands, continuation lines included.
copybutton_exclude = ".linenos, .gp, .go"
copybutton_prompt_text = r"\$ |>>> "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True

html_theme = "furo"
html_title = N_("slimlab: smaller container images, measured")  # translated per edition by checks.guide
html_static_path = ["docs/_static"]
html_css_files = ["slimlab.css", "pullchart.css"]
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": True,
    "sidebar_hide_name": False,
}
