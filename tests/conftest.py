"""Shared test set-up.

Docker tests are marked ``docker`` and use the ``engine`` fixture.  Outside CI
they are skipped (visibly, with -ra) when no engine answers; with CI=true a
missing engine fails them, and any skipped test at all fails the session:
a skipped docker test must never pass for a green run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checks.model import i18n

ROOT = Path(__file__).resolve().parent.parent
LABS = ROOT / "labs"
IN_CI = os.environ.get("CI", "").lower() == "true"


def own_containers() -> list[str]:
    """The ids of this checkout's containers (:func:`checks.engine.containers.own_containers`' filter, through the
    CLI): another checkout's verify may run its smoke tests on the same engine."""
    from checks.engine.docker import CONTAINER_LABEL
    from checks.model.checkout import HERE, LABEL

    filters = ["--filter", f"label={CONTAINER_LABEL}", "--filter", f"label={LABEL}={HERE.id}"]
    done = subprocess.run(["docker", "ps", "-aq", *filters], check=False, capture_output=True, text=True, timeout=60)
    return done.stdout.split()


def engine_problem() -> str | None:
    """Why docker tests cannot run, or None when an engine with buildx answers."""
    try:
        for command in (["docker", "info"], ["docker", "buildx", "version"]):
            done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
            if done.returncode:
                return f"`{' '.join(command)}` failed: {done.stderr.strip()[:200]}"
    except (FileNotFoundError, subprocess.TimeoutExpired) as error:
        return f"no usable docker CLI ({error})"
    return None


@pytest.fixture(scope="session")
def engine() -> None:
    problem = engine_problem()
    if problem:
        message = f"no Docker engine for docker tests: {problem}. Run `make test`, which starts one."
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def build_on_busybox(folder: Path, dockerfile: str, tag: str) -> None:
    """Build ``dockerfile`` (its text) in ``folder`` on the busybox base (official or stand-in), tagged ``tag`` and
    labelled as slimlab's own, so only what the checker may remove is made; the caller removes it."""
    from checks.engine import docker
    from checks.engine.bases import Resolver
    from checks.engine.docker import MANAGED_LABEL

    (folder / "Dockerfile").write_text(dockerfile)
    resolver = Resolver(echo=lambda line: None)
    request = docker.BuildRequest(
        dockerfile=folder / "Dockerfile",
        context=folder,
        tag=tag,
        labels={MANAGED_LABEL: "true"},
        contexts=resolver.contexts([resolver.resolve("busybox")]),
    )
    docker.build(request, echo=lambda line: None)


def run_checks(
    *args: str, env: dict[str, str] | None = None, timeout: float = 1500
) -> subprocess.CompletedProcess[str]:
    """``python -m checks ARGS`` as a user runs it, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "checks", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        # Pull timing (a registry and a second engine) is lab 0's and its own tests' business, and the other
        # image store (a second engine again) lab 4's end-to-end test's; elsewhere they would only slow the suite.
        # LANGUAGE=en: the report in English whatever the machine's locale, unless a test asks for another.
        env={**os.environ, "SLIMLAB_PULL_MEASURE": "0", "SLIMLAB_STORES": "0", "LANGUAGE": "en", **(env or {})},
        check=False,
    )


#: ``make html``'s command line (its SPHINXOPTS), up to the doctree folder and the sources.
SPHINX_HTML = (sys.executable, "-m", "sphinx", "-b", "html", "-c", str(ROOT), "-n", "-W", "--keep-going", "-q")


def sphinx_build(source: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``make html``'s sphinx-build into ``out``: nitpicky, warnings as errors, keep going, no Docker."""
    return subprocess.run(
        [*SPHINX_HTML, "-d", str(out / "doctrees"), *extra, str(source), str(out / "html")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


#: The editions ``make html`` builds after English (the Makefile's EDITIONS, which test_docs_editions checks).
TRANSLATIONS = tuple(code for code in i18n.LANGUAGES if code != i18n.SOURCE)


@pytest.fixture(scope="session")
def built_guide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide's HTML folder, built once per session from docs/ and the recorded results, as ``make html``
    builds it: English at the root, each translation in a folder named after its language."""
    out = tmp_path_factory.mktemp("guide")
    done = sphinx_build(ROOT / "docs", out)
    assert done.returncode == 0, f"the guide does not build under -n -W:\n{done.stderr}"
    for code in TRANSLATIONS:
        translated = sphinx_build(ROOT / "docs", out / code, "-D", f"language={code}")
        assert translated.returncode == 0, f"the {code} edition does not build under -n -W:\n{translated.stderr}"
        shutil.move(out / code / "html", out / "html" / code)
    return out / "html"


@pytest.fixture
def lab_copy(tmp_path: Path):
    """Copy a lab into tmp_path (optionally under another folder name), without its results."""

    def copy(lab: str, name: str | None = None) -> Path:
        source = next(LABS.glob(f"{lab}*"))
        target = tmp_path / (name or source.name)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("results.json"))
        return target

    return copy


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not IN_CI:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        print(f"\nCI=true: {skipped} test(s) were skipped; in CI a skip counts as a failure.", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
