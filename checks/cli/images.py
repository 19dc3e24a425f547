"""``analyze`` and ``diff``: an image read from the engine, a file or a registry, reported, judged on its budgets,
compared with another."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from checks.cli.labs import Commands
from checks.cli.output import echo, json_text, laid_out, show_report, whole_file
from checks.model.errors import UsageError
from checks.model.settings import Settings

if TYPE_CHECKING:
    from checks.inspect.analyze import Analysis
    from checks.inspect.budgets import Budget


def analyzed(image: str, source: str, *, secrets: bool = False, platform: str | None = None) -> Analysis:
    """The analysis of a registry's image when ``image`` is ``docker://...`` (through skopeo), of an archive or
    layout when it names a path (never asking the engine), else of an image in the engine, its layers read as
    ``source`` says; ``platform`` (``--platform``) chooses among an index's images; with ``secrets``, its layers'
    small files are read for secrets too."""
    from checks.engine.remote import names_a_registry, read_registry
    from checks.inspect.analyze import analysis_of
    from checks.inspect.documents import PLATFORM, platform_named
    from checks.inspect.layout import expanded, names_a_path, read_path
    from checks.inspect.secrets import scan_content

    wanted = platform_named(platform) if platform else None
    scan = scan_content if secrets else None
    if names_a_registry(image):
        result = analysis_of(read_registry(image, wanted, scan, echo))
    elif names_a_path(image, expanded(image).exists()):
        result = analysis_of(read_path(image, wanted, scan))
    else:
        if wanted not in (None, PLATFORM):
            raise UsageError(
                f"--platform {platform} chooses among the images of a multi-platform index, and '{image}' is an "
                f"image in the engine, which holds it for its own platform ({PLATFORM}). Analyze the registry's "
                f"image instead (docker://HOST/{image}), or an OCI layout of it (docker save --platform {platform})."
            )
        from checks.engine.layer_source import analyze

        result = analyze(image, source=source, secrets=secrets)
    for note in result.notes:
        echo(f"slimlab: {image}: {note}.")
    return result


#: What ``analyze --format`` writes.
FORMATS = ("text", "json", "junit", "sarif")


def analyze_format(args: argparse.Namespace) -> str:
    """The format ``analyze`` writes: ``--format``, ``--json`` (the same as ``--format json``), else text."""
    if args.json and args.format not in (None, "json"):
        raise UsageError(f"--json is short for --format json, and --format {args.format} was given too. Give one.")
    return "json" if args.json else args.format or "text"


def budgets_given(args: argparse.Namespace) -> list[Budget]:
    """The budgets the command line sets, in the order of :data:`checks.inspect.budgets.RULES`; a limit that
    cannot be read is exit 2, before any image is read."""
    from checks.inspect import budgets

    given = []
    for rule in budgets.RULES:
        value = getattr(args, rule.option.removeprefix("--").replace("-", "_"))
        if value is True:
            given.append(budgets.no_secrets())
        elif value not in (None, False):
            given.append(budgets.budget(rule.option, value))
    return given


def dockerfile_text(path: Path) -> str:
    """The Dockerfile ``--dockerfile`` names, as text."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        why = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise UsageError(
            f"--dockerfile {path} cannot be read ({why}). Name the Dockerfile the image was built from."
        ) from None


def sarif_uri(path: Path) -> str:
    """A Dockerfile's place as code scanning reads it: relative to the folder analyze runs in (the repository's
    root, in CI), else a file URI."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_uri()


def cmd_analyze(args: argparse.Namespace, settings: Settings) -> int:
    """Where an image's bytes are, what dive counts as wasted, and what need not be there; with budgets, whether
    the image keeps them (exit 1 when one is broken)."""
    from checks.inspect import budgets, dockerlines, junit, sarif
    from checks.inspect.analyze import render, to_dict

    form, given = analyze_format(args), budgets_given(args)
    dockerfile = dockerfile_text(args.dockerfile) if args.dockerfile else None
    explorer = whole_file(args.html, "--html") if args.html else contextlib.nullcontext(None)
    with whole_file(args.output) as write, explorer as write_html:
        result = analyzed(args.image, args.source or settings.layers, secrets=True, platform=args.platform)
        verdicts = budgets.judge(result, given)
        source, notes = None, []
        if dockerfile is not None:
            source = sarif.Source(
                uri=sarif_uri(args.dockerfile),
                lines=dockerlines.lines(result.history, len(result.layers), dockerfile),
            )
            if not source.lines.matched:
                notes.append(
                    f"{args.dockerfile}: the image's history does not follow the instructions of its last stage, "
                    "so results point at the Dockerfile without a line"
                )

        def lay_out(clean: Analysis) -> str:
            if form == "json":
                return json_text({**to_dict(clean, docs_url=settings.docs_url), "budgets": budgets.to_dict(verdicts)})
            if form == "junit":
                return junit.report(verdicts, clean.image)
            if form == "sarif":
                return json_text(sarif.log(clean, verdicts, source=source, docs_url=settings.docs_url, notes=notes))
            return "\n".join([render(clean, docs_url=settings.docs_url), *budgets.lines(verdicts)])

        write(laid_out(result, lay_out))
        if write_html is not None:
            from checks.inspect.explorer import document

            write_html(laid_out(result, lambda clean: document(clean, docs_url=settings.docs_url)))
    for note in notes:
        echo(f"slimlab: {note}.")
    if verdicts and (form != "text" or args.output is not None):
        for verdict in verdicts:
            echo(budgets.line(verdict))
        echo(f"slimlab: {args.image}: {budgets.summary(verdicts)}.")
    return 0 if budgets.kept(verdicts) else 1


def cmd_diff(args: argparse.Namespace, settings: Settings) -> int:
    """What was removed, added and changed from one image to another, by directory."""
    from checks.inspect import diff

    source = args.source or settings.layers
    a, b = analyzed(args.a, source, platform=args.platform), analyzed(args.b, source, platform=args.platform)
    compared = diff.diff(a.files, b.files, a=args.a, b=args.b, packages=(a.packages, b.packages))
    show_report(compared, text=diff.render, data=diff.to_dict, as_json=args.json)
    return 0


#: Where ``--source`` may read an engine's image from.
SOURCES = ["auto", "storage", "save"]
SOURCE_HELP = (
    "for an image in the engine: read layers from its storage or `docker save` (default: auto, the first "
    "that works); an archive or layout is always read from its file"
)
IMAGE_HELP = (
    "an image in the engine (reference or id), the path of a docker save archive or OCI image layout "
    "(tar or folder, Podman's oci-archive too; a path when it exists or starts with / . ~ or ends with .tar "
    ".tar.gz .tgz .tar.zst), or docker://HOST/REPO:TAG, an image in a registry, read through skopeo"
)
PLATFORM_HELP = (
    "os/arch[/variant]: the image to read of a multi-platform index (a layout's or a registry's); "
    "needed when the index holds several"
)


def add_analyze(commands: Commands) -> None:
    """The ``analyze`` command and its options."""
    an = commands.add_parser(
        "analyze",
        help="where an image's bytes are, what is wasted, and which technique removes it",
        description="Each layer's size, instruction and largest directories; dive's wasted bytes and efficiency "
        "(same definitions as dive: a path counts once in every layer it appears in, wasted bytes add up every copy "
        "of a path counted twice or more, efficiency is the sum of each path's smallest copy over the sum of all "
        "copies; see checks/inspect/efficiency.py); reclaimable bytes, each copy a later layer replaced or deleted "
        "counted once; the bytes in classes a running app rarely needs, "
        "each linked to the guide section that removes it; and secret-looking content in every layer, files a later "
        "layer deleted included, and in the config's Env and history (rules: checks/inspect/secrets.py; values "
        "redacted). Findings are a report: the exit code stays 0, unless a budget is given and broken (exit 1, "
        "each broken budget named with its limit and the measured figure).",
    )
    an.add_argument("image", metavar="IMAGE", help=IMAGE_HELP)
    an.add_argument("--json", action="store_true", help="the same as --format json")
    an.add_argument(
        "--format",
        choices=FORMATS,
        help="text (the report, default), json (one object), junit (the budgets as JUnit XML, for a CI's test view) "
        "or sarif (budgets and findings as SARIF 2.1.0, for code scanning)",
    )
    an.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="write the report to FILE, whole or not at all, instead of standard output",
    )
    an.add_argument(
        "--html",
        type=Path,
        metavar="FILE",
        help="also write FILE, whole or not at all: one self-contained HTML page that explores the image (layers, "
        "the file tree by folder with what each layer added, changed or deleted, waste, removable classes, secrets "
        "redacted), for any browser, offline",
    )
    an.add_argument(
        "--dockerfile",
        type=Path,
        metavar="FILE",
        help="the Dockerfile the image was built from: each SARIF result about a layer points at the line of the "
        "instruction that made it",
    )
    an.add_argument("--source", choices=SOURCES, help=SOURCE_HELP)
    an.add_argument("--platform", metavar="OS/ARCH", help=PLATFORM_HELP)
    add_budgets(an)
    an.set_defaults(run=cmd_analyze)


def add_budgets(analyze: argparse.ArgumentParser) -> None:
    """``analyze``'s budgets: the limits the image must keep."""
    group = analyze.add_argument_group(
        "budgets", "limits the image must keep (dive's CI rules and more): any broken -> exit 1"
    )
    group.add_argument(
        "--max-size", metavar="SIZE", help="uncompressed size at most SIZE: bytes, or 50MB, 1.5GiB (as dive reads them)"
    )
    group.add_argument("--max-layers", metavar="N", help="at most N filesystem layers")
    group.add_argument(
        "--min-efficiency", metavar="RATIO", help="dive's efficiency at least RATIO: 0.95 or 95%% (lowestEfficiency)"
    )
    group.add_argument(
        "--max-wasted-bytes", metavar="SIZE", help="dive's wasted bytes at most SIZE (highestWastedBytes)"
    )
    group.add_argument(
        "--max-wasted-percent",
        metavar="RATIO",
        help="dive's wasted bytes over the bytes above the first layer, at most RATIO: 0.2 or 20%% "
        "(highestUserWastedPercent)",
    )
    group.add_argument(
        "--no-secrets", action="store_true", help="no secret-looking content in any layer, the config's Env or history"
    )


def add_diff(commands: Commands) -> None:
    """The ``diff`` command and its options."""
    d = commands.add_parser("diff", help="what was removed, added and changed from IMAGE_A to IMAGE_B, by directory")
    d.add_argument("a", metavar="IMAGE_A", help=IMAGE_HELP)
    d.add_argument("b", metavar="IMAGE_B", help="the same, for the other image")
    d.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    d.add_argument("--source", choices=SOURCES, help=SOURCE_HELP)
    d.add_argument("--platform", metavar="OS/ARCH", help=PLATFORM_HELP + " (both images)")
    d.set_defaults(run=cmd_diff)
