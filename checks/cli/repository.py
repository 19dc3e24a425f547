"""``lint`` and ``locale``: the repository's Dockerfiles run through hadolint, its words written as catalog
templates."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checks.cli.labs import ROOT, Commands, all_labs, find_lab
from checks.cli.output import echo, show_report
from checks.model import i18n
from checks.model.settings import Settings


def cmd_locale(args: argparse.Namespace, settings: Settings) -> int:
    """Write the templates of the catalogs that are not pages: lab.toml's words, the checker's own, the reference's."""
    from checks.model.spec import load
    from checks.model.translation import lab_messages
    from checks.store import catalogs

    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    from checks.guide import sphinxref

    messages = [m for folder in all_labs() for m in lab_messages(load(folder))]
    modules = [ROOT / "conf.py", *sorted((ROOT / "checks").rglob("*.py"))]
    sources = {str(p.relative_to(ROOT)): p.read_bytes() for p in modules}
    domains: list[tuple[str, Sequence[i18n.Message | str]]] = [
        (catalogs.LABS_DOMAIN, messages),
        (catalogs.UI_DOMAIN, catalogs.ui_messages(sources)),
        (catalogs.REFERENCE_DOMAIN, sphinxref.messages(ROOT / "checks" / "bases")),
    ]
    for domain, found in domains:
        echo(f"locale: {catalogs.write_template(out, domain, found)}: {len(found)} messages")
    return 0


def cmd_lint(args: argparse.Namespace, settings: Settings) -> int:
    """hadolint on the labs' Dockerfiles, size-related rules first, each linked to the guide."""
    from dataclasses import asdict

    from checks.inspect import lint

    folders = [find_lab(word) for word in args.labs] if args.labs else all_labs()
    findings = lint.lint([path for folder in folders for path in lint.dockerfiles(folder)], root=ROOT)

    def data(found: Sequence[lint.Finding]) -> list[dict[str, Any]]:
        return [{**asdict(f), "url": f.url(settings.docs_url)} for f in found]

    def text(found: Sequence[lint.Finding]) -> str:
        return lint.render(found, everything=args.all, docs_url=settings.docs_url)

    show_report(findings, text=text, data=data, as_json=args.json)
    return 0


def add_locale(commands: Commands) -> None:
    """The ``locale`` command and its options."""
    lo = commands.add_parser(
        "locale",
        help="write the catalog templates of lab.toml's words, the checker's and the reference tables' (make locale)",
    )
    lo.add_argument(
        "dir",
        metavar="DIR",
        help="folder for slimlab-labs.pot, slimlab-ui.pot and slimlab-reference.pot (make locale: docs/_build/gettext)",
    )
    lo.set_defaults(run=cmd_locale)


def add_lint(commands: Commands) -> None:
    """The ``lint`` command and its options."""
    li = commands.add_parser(
        "lint", help="hadolint on the labs' Dockerfiles, size-related findings linked to the guide"
    )
    li.add_argument("labs", nargs="*", metavar="LAB", help="lab number, folder name or path (default: every lab)")
    li.add_argument("--all", action="store_true", help="also show the findings that are not about size")
    li.add_argument("--json", action="store_true", help="print every finding as JSON")
    li.set_defaults(run=cmd_lint)
