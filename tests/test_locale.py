"""The translations cannot rot: every catalog in docs/locale translates every message the English has now.

The templates are made the way ``make locale`` makes them (Sphinx's gettext
builder for the pages, ``python -m checks locale`` for lab.toml's words,
the checker's own and the reference tables') into a temporary folder, and each catalog is compared with
its template by :func:`checks.store.catalogs.catalog_problems`: a message missing
(the English changed and ``make locale`` was not run), left over, untranslated
or fuzzy fails, and so does a translation that drops or alters a role such as
``:measured:``, an inline literal or a format field.  No Docker.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from checks.model import i18n
from checks.store import catalogs

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.SOURCE]
PAGES = sorted(p.stem for p in [*DOCS.glob("*.rst"), *DOCS.glob("*.md")])
CATALOGS = [*PAGES, catalogs.LABS_DOMAIN, catalogs.UI_DOMAIN, catalogs.REFERENCE_DOMAIN]


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pot")
    gettext = [sys.executable, "-m", "sphinx", "-b", "gettext", "-c", str(ROOT), "-q", str(DOCS), str(out)]
    done = subprocess.run(gettext, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "checks", "locale", str(out)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("name", CATALOGS)
def test_catalog_translates_every_message(templates: Path, language: str, name: str) -> None:
    po = catalogs.catalog_file(DOCS / "locale", language, name)
    assert po.is_file(), f"{po} is missing: run `make locale`, then translate it"
    problems = catalogs.catalog_problems(
        (templates / f"{name}.pot").read_text(encoding="utf-8"),
        po.read_text(encoding="utf-8"),
        f"{language}/{name}.po",
        markdown=(DOCS / f"{name}.md").is_file(),
        fields=name == catalogs.UI_DOMAIN,
    )
    shown = "\n".join(problems[:30]) + (f"\n... and {len(problems) - 30} more" if len(problems) > 30 else "")
    assert not problems, f"{len(problems)} problems in {po.relative_to(ROOT)}:\n{shown}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_catalog_without_english(templates: Path, language: str) -> None:
    folder = DOCS / "locale" / language / "LC_MESSAGES"
    extra = sorted(p.name for p in folder.glob("*.po") if p.stem not in CATALOGS)
    assert not extra, f"{folder} has catalogs no English page or domain needs: {extra}; remove them"
