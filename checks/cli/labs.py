"""The labs a command names (by number, folder name or path) and the options several commands share."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TypeAlias

from checks.model import i18n, paths
from checks.model.errors import UsageError
from checks.model.settings import Settings

ROOT = Path(__file__).resolve().parent.parent.parent
LABS = ROOT / "labs"

#: Where each command adds its parser (``add_subparsers``' value).
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def all_labs(labs: Path = LABS) -> list[Path]:
    from checks.model.spec import SPEC_NAME

    def number(path: Path) -> tuple[int, str]:
        digits = path.name.split("-")[1] if path.name.count("-") else ""
        return (int(digits) if digits.isdigit() else 1 << 30, path.name)

    return sorted((p.parent for p in labs.glob(f"*/{SPEC_NAME}")), key=number)


def find_lab(word: str, labs: Path = LABS) -> Path:
    """A lab by path, by folder name, or by number (``4``, ``lab-4``)."""
    path = Path(word)
    found = paths.kind(path)
    if found == paths.FOLDER:
        return path.resolve()
    known = all_labs(labs)
    prefix = word if word.startswith("lab-") else f"lab-{word}"
    exact = [p for p in known if p.name == word]
    matches = exact or [p for p in known if p.name.startswith(prefix + "-")]
    if len(matches) == 1:
        return matches[0]
    if found not in (paths.NOTHING, paths.FILE):
        raise UsageError(
            f"'{paths.shown(word)}' is {found}, not a lab folder; it was not opened. Name a lab by number (4), "
            "folder name or the path of its folder."
        )
    names = ", ".join(p.name for p in known) or "none"
    raise UsageError(f"No lab '{word}' in {labs}. Known labs: {names}. Name a lab by number (4), folder name or path.")


def builder_of(args: argparse.Namespace, settings: Settings) -> str | None:
    return args.builder or settings.builder


def language_of(args: argparse.Namespace, settings: Settings) -> str:
    return i18n.parse_language(args.lang) if args.lang else settings.language
