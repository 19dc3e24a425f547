"""Command line: ``python -m checks verify|grade|workshop|bases|clean|analyze|diff|lint|locale``.

Exit codes: 0 every claim holds; 1 a claim fails (or an ``analyze`` budget is broken); 2 bad input or environment
(one paragraph saying what to do, never a traceback); 3 an internal error (one
line saying where the traceback was written); 130 interrupted (Ctrl-C), with
every container the run started removed; 143 terminated (SIGTERM: ``kill``, a
CI runner's timeout), cleaned up the same way.  Both are the shell's 128 plus
the signal's number.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
import re
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

from checks.engine import docker
from checks.inspect.secrets import scrubbed
from checks.model import i18n, links, paths, progress
from checks.model.checkout import HERE
from checks.model.errors import UsageError
from checks.model.progress import Say
from checks.model.scrub import scrub_tree
from checks.model.settings import Settings, from_process

if TYPE_CHECKING:
    from checks.inspect.analyze import Analysis
    from checks.inspect.budgets import Budget
    from checks.model.results import Results
    from checks.run.verify import Outcome

# What only some commands use is imported by them, so `analyze` starts without the build and verify machinery.

ROOT = Path(__file__).resolve().parent.parent
LABS = ROOT / "labs"


T = TypeVar("T")


#: The surrogate escapes that stand for the bytes of a name that were no UTF-8 (``surrogateescape``).
UNDECODED = re.compile("[\udc80-\udcff]")


def printable(text: str) -> str:
    """``text`` as any terminal shows it: each byte of an image's names that was no UTF-8 as ``\\xNN``."""
    return UNDECODED.sub(lambda byte: f"\\x{ord(byte.group()) - 0xDC00:02x}", text)


def echo(message: str | progress.Event) -> None:
    """A line of progress (or an event's, :func:`checks.model.progress.line`), a warning or an error on standard
    error, scrubbed of secret values (an error may quote bytes of an image): every line the command line writes
    there passes here."""
    # one write per line: builds beside each other print from several threads
    sys.stderr.write(printable(scrubbed(progress.line(message))) + "\n")
    sys.stderr.flush()


@contextlib.contextmanager
def reporting(events: Path | None) -> Iterator[Say]:
    """Where a run's progress goes: each line to :func:`echo`, and with ``events``, each line and event also
    to that file as one JSON object a line, with its monotonic seconds (:func:`checks.model.progress.as_json`),
    written as it comes (a reader may follow it while the run goes on)."""
    if events is None:
        yield echo
        return
    try:
        written = events.open("w", encoding="utf-8")
    except OSError as error:
        raise UsageError(
            f"--events {events} cannot be written ({error.strerror}). Name a file in a folder that exists."
        ) from None
    lock = threading.Lock()

    def say(message: str | progress.Event) -> None:
        echo(message)
        with lock:  # builds beside each other report from several threads: one whole line at a time
            written.write(progress.as_json(scrub_tree(message, scrubbed), time.monotonic()) + "\n")
            written.flush()

    with written:
        yield say


def shown(text: str) -> str:
    """A report as an output shows it: scrubbed of secret values, every byte that was no UTF-8 as ``\\xNN``."""
    return printable(scrubbed(text))


def show(text: str) -> None:
    """A report on standard output, scrubbed of secret values: every line the command line prints passes here."""
    print(shown(text), flush=True)


def json_text(data: Any) -> str:
    """``data`` as the JSON a report shows, every string in it scrubbed before it is escaped."""
    return json.dumps(scrub_tree(data, scrubbed), indent=2)


def show_json(data: Any) -> None:
    """A report as JSON on standard output, every string in it scrubbed before it is escaped."""
    show(json_text(data))


def laid_out(result: T, render: Callable[[T], str]) -> str:
    """A report of what came from an image or a lab as ``render`` lays it out.

    Every string of ``result`` is scrubbed before it is laid out, so a value cut short to fit a column or
    reflowed onto one line is redacted all the same (and the report is scrubbed again where it is written).
    """
    return render(scrub_tree(result, scrubbed))


def show_report(result: T, *, text: Callable[[T], str], data: Callable[[T], Any], as_json: bool) -> None:
    """A report of what came from an image or a lab, as ``text`` lays it out or as the JSON of ``data``
    (:func:`laid_out`)."""
    show(laid_out(result, (lambda clean: json_text(data(clean))) if as_json else text))


@contextlib.contextmanager
def whole_file(path: Path | None, option: str = "--output") -> Iterator[Callable[[str], None]]:
    """Where a report goes: standard output (:func:`show`), or ``path``, written whole or not at all, as
    :func:`shown` (scrubbed, like every output).

    The report is written into a new file beside ``path``, made before any work (so a folder that does not exist
    fails first, exit 2), and renamed over ``path`` only once it is complete; if anything fails on the way, that
    file is removed and ``path`` is left as it was.
    """
    if path is None:
        yield show
        return
    if path.is_dir():
        raise UsageError(f"{option} {path} is a folder. Name the file to write the report to.")
    try:
        partial = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, before it is renamed)
            "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".partial", delete=False
        )
    except OSError as error:
        raise UsageError(
            f"{option} {path} cannot be written ({error.strerror}). Name a file in a folder that exists and that "
            "you may write to."
        ) from None

    def write(text: str) -> None:
        partial.write(shown(text) + "\n")

    done = False
    try:
        with partial:
            yield write
        umask = os.umask(0)
        os.umask(umask)
        Path(partial.name).chmod(0o666 & ~umask)  # as an ordinary new file, not the private temporary file's 0600
        Path(partial.name).replace(path)
        done = True
    finally:
        if not done:
            Path(partial.name).unlink(missing_ok=True)


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


def _builder(args: argparse.Namespace, settings: Settings) -> str | None:
    return args.builder or settings.builder


def _language(args: argparse.Namespace, settings: Settings) -> str:
    return i18n.parse_language(args.lang) if args.lang else settings.language


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    from checks.model.spec import SPEC_NAME
    from checks.run.labs import verify_labs

    folders = [find_lab(word) for word in args.labs] if args.labs else all_labs()
    if not folders:
        raise UsageError(f"No labs found in {LABS} (a lab is a folder with a {SPEC_NAME}).")
    with reporting(args.events) as say:
        shown = _Shown(settings, say)
        verify_labs(folders, settings, builder=_builder(args, settings), force=args.force, say=say, report=shown)
    for line in shown.failures:
        echo(line)
    if shown.failures:
        echo(f"{len(shown.failures)} claim(s) do not hold.")
        return 1
    echo(f"All claims hold in {len(folders)} lab(s).")
    return 0


class _Shown:
    """A verify as the terminal shows it (:class:`checks.run.labs.Report`): each lab's summary, analysis and
    hadolint's findings after its turn, and every claim that does not hold, gathered for the end."""

    def __init__(self, settings: Settings, say: Say):
        self._settings, self._say = settings, say
        self._start = 0.0
        self.failures: list[str] = []

    def starting(self, folder: Path) -> None:
        from checks.model.results import RESULTS_NAME

        self._start = time.monotonic()
        say_if_unreadable(folder / RESULTS_NAME)

    def turned(self, folder: Path, outcome: Outcome) -> None:
        from checks.learner import report

        show(report.summary(outcome.results, skipped=outcome.skipped))
        show(analysis_and_lint(folder, outcome.results, self._settings.docs_url))
        written = "results.json updated" if outcome.written else "results.json unchanged"
        show(f"  {written}; {time.monotonic() - self._start:.1f}s\n")
        if outcome.note:
            self._say(f"{outcome.lab.name}: {outcome.note}")
        self.failures += report.failures(outcome.results, outcome.lab.page, docs_url=self._settings.docs_url)

    def stored(self, outcome: Outcome, results: Results, *, written: bool) -> None:
        from checks.learner import report

        if written:
            show(f"{outcome.lab.name}: results.json updated with its image stores")
        for store, run in results.stores.items():
            if run.claims:
                held = sum(claim.passed for claim in run.claims)
                show(f"{outcome.lab.name}: on the {store} image store, {held} of {len(run.claims)} claims hold")
            self.failures += [
                line.replace(" does not hold: ", f" does not hold on the {store} image store: ", 1)
                for line in report.failures(
                    dataclasses.replace(outcome.results, claims=run.claims),
                    outcome.lab.page,
                    docs_url=self._settings.docs_url,
                )
            ]


def cmd_rejudge(args: argparse.Namespace, settings: Settings) -> int:
    """Judge each lab's claims again on the figures its results.json records: no build, no Docker."""
    from checks.model.results import RESULTS_NAME
    from checks.model.spec import load
    from checks.plan.rejudge import rejudge
    from checks.store.results import read, unreadable, write_if_changed

    folders = [find_lab(word) for word in args.labs] if args.labs else all_labs()
    kept = 0
    for folder in folders:
        path = folder / RESULTS_NAME
        results = read(path)
        if results is None:
            raise UsageError(
                f"{path} holds no results to judge again ({unreadable(path) or 'it does not exist'}). "
                f"Measure the lab instead: python -m checks verify {folder.name}"
            )
        judged, left = rejudge(load(folder), results)
        written = write_if_changed(path, judged, scrub=scrubbed)
        show(f"{folder.name}: {'results.json updated' if written else 'results.json unchanged'}")
        for why in left:
            echo(f"{folder.name}: claim {why}; left as recorded (python -m checks verify --force {folder.name})")
        kept += len(left)
    return 1 if kept else 0


def say_if_unreadable(path: Path) -> None:
    """A results.json that cannot be read is measured again like an absent one; the user hears why."""
    from checks.store.results import unreadable

    problem = unreadable(path)
    if problem:
        echo(f"{path} cannot be used: {problem}. Treating it as absent: measuring again and writing it anew.")


def analysis_and_lint(folder: Path, results: Results, docs_url: str) -> str:
    """For the verify report: each variant's recorded analysis, and hadolint's size-related findings."""
    from checks.inspect import analyze, lint

    lines = analyze.summary_lines(results.analysis)
    try:
        findings = lint.size_findings(lint.lint(lint.dockerfiles(folder), root=folder))
    except UsageError as error:
        return "\n".join([*lines, f"  lint skipped: {error}"])
    return "\n".join([*lines, *(f"  lint: {lint.line(f, docs_url=docs_url)}" for f in findings)])


def cmd_grade(args: argparse.Namespace, settings: Settings) -> int:
    """Grade the learner's exercise.Dockerfile (or the reference answer) against the lab's goals."""
    from checks.engine.bases import Resolver
    from checks.learner.grade import grade, render
    from checks.model.exercise import EXERCISE, SOLUTION
    from checks.store import catalogs

    language = _language(args, settings)
    i18n.use(catalogs.load_catalog(ROOT / catalogs.LOCALE_DIR, language, catalogs.UI_DOMAIN))
    folder = find_lab(args.lab)
    dockerfile = SOLUTION if args.solution else args.dockerfile or EXERCISE
    result = grade(
        folder,
        dockerfile,
        repository=ROOT,
        resolver=Resolver(echo=echo, builder=_builder(args, settings), settings=settings),
        echo=echo,
        builder=_builder(args, settings),
        catalog=catalogs.load_catalog(ROOT / catalogs.LOCALE_DIR, language, catalogs.LABS_DOMAIN),
    )
    show(render(result, docs_url=links.edition_url(settings.docs_url, i18n.edition_path(language))))
    return 0 if result.passed else 1


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


def cmd_workshop(args: argparse.Namespace, settings: Settings) -> int:
    """Workshop kit: prepare a machine, bundle its base images, load a bundle elsewhere."""
    from checks.engine.bases import Resolver
    from checks.learner import workshop

    resolver = Resolver(echo=echo, builder=_builder(args, settings), settings=settings)
    if args.action == "prepare":
        workshop.prepare(all_labs(), resolver, echo)
        echo("workshop: every base is available and every lab and reference answer has been built once.")
    elif args.action == "bundle":
        uses = workshop.bundle(all_labs(), resolver, Path(args.bundle), echo)
        echo(
            f"workshop: wrote {args.bundle} with {len(uses)} base images; "
            "copy it to each machine and run `make workshop-load`."
        )
    else:
        show(workshop.load_bundle(Path(args.bundle)))
    return 0


def cmd_bases(args: argparse.Namespace, settings: Settings) -> int:
    """Resolve every base the labs name, building stand-ins where needed."""
    from checks.engine.bases import Resolver
    from checks.measure.source import base_names
    from checks.model.spec import load

    resolver = Resolver(echo=echo, builder=_builder(args, settings), settings=settings)
    names = list(dict.fromkeys(name for folder in all_labs() for name in base_names(load(folder), folder)))
    resolver.prepare(names)
    for name in names:
        use = resolver.resolve(name)
        show(f"{name:<45} {use.source:<9} {use.image}")
    return 0


def cmd_clean(args: argparse.Namespace, settings: Settings) -> int:
    """Remove the containers and images this checkout labelled as its own (with ``--bases``, the stand-in bases
    too), and nothing else: another checkout's images, even of the same lab, stay (:mod:`checks.model.checkout`)."""
    containers = [] if args.lab else docker.own_containers()
    docker.remove_containers(containers)
    images = docker.own_images(args.lab) + (docker.stand_ins() if args.bases else [])
    refused = docker.remove_images(images)
    whose = f"this checkout's ({HERE.namespace}/*)"
    if args.bases:
        whose += f" and the stand-in bases ({docker.STAND_INS}*)"
    show(f"removed {len(containers)} container(s) and {len(images) - len(refused)} image(s): {whose}")
    if refused:
        echo(f"kept {len(refused)} image(s) still in use by other images or containers: {', '.join(refused)}")
    return 0


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


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m checks", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="build, measure and verify labs (all by default)")
    v.add_argument("labs", nargs="*", metavar="LAB", help="lab number, folder name or path")
    v.add_argument("--force", action="store_true", help="rebuild and re-measure even when nothing changed")
    v.add_argument("--builder", help="buildx builder to use (default: $BUILDX_BUILDER, else the local engine)")
    v.add_argument(
        "--events",
        type=Path,
        metavar="FILE",
        help="also write each progress line and event to FILE as it comes, one JSON object a line with its "
        "monotonic seconds (what make bench reads)",
    )
    v.set_defaults(run=cmd_verify)
    r = sub.add_parser(
        "rejudge",
        help="judge the claims again on the figures results.json records, no Docker (after their words change)",
    )
    r.add_argument("labs", nargs="*", metavar="LAB", help="lab number, folder name or path (all by default)")
    r.set_defaults(run=cmd_rejudge)
    g = sub.add_parser("grade", help="grade your exercise.Dockerfile against a lab's goals (make lab-N)")
    g.add_argument("lab", metavar="LAB", help="lab number, folder name or path")
    g.add_argument(
        "--dockerfile",
        help="Dockerfile to grade, relative to the lab folder; it must be in the lab folder or elsewhere in the "
        "repository (default: exercise.Dockerfile)",
    )
    g.add_argument("--solution", action="store_true", help="grade the reference answer (solution.Dockerfile)")
    g.add_argument("--builder", help="buildx builder to use")
    g.add_argument(
        "--lang",
        help=f"language of the report: {', '.join(i18n.LANGUAGES)} (default: from LANGUAGE, LC_ALL, LC_MESSAGES, LANG)",
    )
    g.set_defaults(run=cmd_grade)
    lo = sub.add_parser(
        "locale",
        help="write the catalog templates of lab.toml's words, the checker's and the reference tables' (make locale)",
    )
    lo.add_argument(
        "dir",
        metavar="DIR",
        help="folder for slimlab-labs.pot, slimlab-ui.pot and slimlab-reference.pot (make locale: docs/_build/gettext)",
    )
    lo.set_defaults(run=cmd_locale)
    w = sub.add_parser("workshop", help="prepare a workshop machine, or bundle/load base images for air-gapped rooms")
    w.add_argument("action", choices=["prepare", "bundle", "load"])
    w.add_argument("--bundle", default="slimlab-workshop.tar.gz", help="archive path (default: %(default)s)")
    w.add_argument("--builder", help="buildx builder to use")
    w.set_defaults(run=cmd_workshop)
    b = sub.add_parser("bases", help="make every base image the labs name available (official or stand-in)")
    b.add_argument("--builder", help="buildx builder to use")
    b.set_defaults(run=cmd_bases)
    c = sub.add_parser("clean", help="remove this checkout's own images and containers (never another checkout's)")
    c.add_argument("--lab", help="only the images of this lab (its folder name)")
    c.add_argument(
        "--bases",
        action="store_true",
        help="also the stand-in bases (slimlab-base/*), which every checkout on this engine shares; "
        "the next run that needs one builds it again",
    )
    c.set_defaults(run=cmd_clean)
    sources = ["auto", "storage", "save"]
    source_help = (
        "for an image in the engine: read layers from its storage or `docker save` (default: auto, the first "
        "that works); an archive or layout is always read from its file"
    )
    image_help = (
        "an image in the engine (reference or id), the path of a docker save archive or OCI image layout "
        "(tar or folder, Podman's oci-archive too; a path when it exists or starts with / . ~ or ends with .tar "
        ".tar.gz .tgz .tar.zst), or docker://HOST/REPO:TAG, an image in a registry, read through skopeo"
    )
    platform_help = (
        "os/arch[/variant]: the image to read of a multi-platform index (a layout's or a registry's); "
        "needed when the index holds several"
    )
    an = sub.add_parser(
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
    an.add_argument("image", metavar="IMAGE", help=image_help)
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
    an.add_argument("--source", choices=sources, help=source_help)
    an.add_argument("--platform", metavar="OS/ARCH", help=platform_help)
    budget_options = an.add_argument_group(
        "budgets", "limits the image must keep (dive's CI rules and more): any broken -> exit 1"
    )
    budget_options.add_argument(
        "--max-size", metavar="SIZE", help="uncompressed size at most SIZE: bytes, or 50MB, 1.5GiB (as dive reads them)"
    )
    budget_options.add_argument("--max-layers", metavar="N", help="at most N filesystem layers")
    budget_options.add_argument(
        "--min-efficiency", metavar="RATIO", help="dive's efficiency at least RATIO: 0.95 or 95%% (lowestEfficiency)"
    )
    budget_options.add_argument(
        "--max-wasted-bytes", metavar="SIZE", help="dive's wasted bytes at most SIZE (highestWastedBytes)"
    )
    budget_options.add_argument(
        "--max-wasted-percent",
        metavar="RATIO",
        help="dive's wasted bytes over the bytes above the first layer, at most RATIO: 0.2 or 20%% "
        "(highestUserWastedPercent)",
    )
    budget_options.add_argument(
        "--no-secrets", action="store_true", help="no secret-looking content in any layer, the config's Env or history"
    )
    an.set_defaults(run=cmd_analyze)
    d = sub.add_parser("diff", help="what was removed, added and changed from IMAGE_A to IMAGE_B, by directory")
    d.add_argument("a", metavar="IMAGE_A", help=image_help)
    d.add_argument("b", metavar="IMAGE_B", help="the same, for the other image")
    d.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    d.add_argument("--source", choices=sources, help=source_help)
    d.add_argument("--platform", metavar="OS/ARCH", help=platform_help + " (both images)")
    d.set_defaults(run=cmd_diff)
    li = sub.add_parser("lint", help="hadolint on the labs' Dockerfiles, size-related findings linked to the guide")
    li.add_argument("labs", nargs="*", metavar="LAB", help="lab number, folder name or path (default: every lab)")
    li.add_argument("--all", action="store_true", help="also show the findings that are not about size")
    li.add_argument("--json", action="store_true", help="print every finding as JSON")
    li.set_defaults(run=cmd_lint)
    return top


ISSUES = "the slimlab repository's issue tracker"


def crash_log(text: str) -> Path:
    """Write ``text`` into a new folder of the temporary folder that only this user can enter (``mkdtemp``: mode
    0700, a name no one can guess), as a file that did not exist (``O_EXCL``): no other user of the machine can
    have planted a link there, or read what the traceback says of the input."""
    folder = Path(tempfile.mkdtemp(prefix="slimlab-internal-error-"))
    path = folder / "traceback.txt"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", errors="backslashreplace") as file:
        file.write(text)
    return path


def internal_error(error: BaseException) -> int:
    """Write the traceback to a file of its own (:func:`crash_log`) and say where in one line: exit 3."""
    try:
        where = f"the traceback is in {crash_log(scrubbed(''.join(traceback.format_exception(error))))}"
    except OSError:
        where = "the traceback could not be written"
    echo(
        f"\nslimlab: internal error ({type(error).__name__}: {error}); {where}. This is a bug in slimlab, not in your "
        f"input: please report it on {ISSUES} with that file attached.\n"
    )
    return 3


#: Exit code after SIGTERM: 128 + 15, the shell's convention, as Ctrl-C's 130 is 128 + SIGINT's 2.
TERMINATED = 128 + signal.SIGTERM


class Terminated(BaseException):
    """SIGTERM arrived, raised in the main thread as Ctrl-C raises KeyboardInterrupt.

    A BaseException, like KeyboardInterrupt, so no ``except Exception`` takes it
    for a failure and every ``with`` block on the way out runs: the fresh
    engine, the registries and the network namespace are stopped and removed
    exactly as after Ctrl-C.
    """


def _terminate(signum: int, frame: FrameType | None) -> None:
    """The first SIGTERM: let no later one cut the clean-up short, then unwind."""
    signal.signal(signal.SIGTERM, _cleaning_up)
    raise Terminated


def _cleaning_up(signum: int, frame: FrameType | None) -> None:
    """A later SIGTERM, while the clean-up runs: nothing to do.

    A handler rather than SIG_IGN, which the helpers the clean-up starts
    (``ip``, ``umount``) would inherit.
    """


@contextlib.contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`Terminated`; the handler before it is back afterwards.

    Only the main thread can set a handler, and a SIGTERM ignored by whoever
    started us stays ignored (as Python leaves an ignored SIGINT alone): in
    either case nothing changes.  The engines, registries and helpers the run
    starts are in sessions of their own, so a SIGTERM sent to our process group
    (a CI runner's) reaches none of them; they are stopped by the clean-up, in
    order.  buildx and hadolint are in our group and may get it too: they stop
    either way, and the clean-up finds them ended.
    """
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) == signal.SIG_IGN:
        yield
        return
    before = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if before is None else before)


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code (see the module's docstring); never a traceback on screen.

    Ctrl-C and SIGTERM unwind the same way, through every ``with`` block that
    started something; they exit 128 plus the signal's number (130, 143).
    """
    for stream in (sys.stdout, sys.stderr):  # a character the terminal's encoding lacks is escaped, never a crash
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    args = parser().parse_args(argv)
    with sigterm_unwinds():
        try:
            settings = from_process()
            docker.use_host(
                settings.docker_host, tls_verify=settings.docker_tls_verify, cert_path=settings.docker_cert_path
            )
            return int(args.run(args, settings))
        except UsageError as error:
            echo(f"\nslimlab: {error}\n")
            return 2
        except KeyboardInterrupt:
            echo("\nslimlab: interrupted; containers it started were removed.")
            return 130
        except Terminated:
            echo("\nslimlab: terminated (SIGTERM); containers it started were removed.")
            return TERMINATED
        except Exception as error:  # anything unexpected is a bug: one line, never a traceback on screen
            return internal_error(error)
