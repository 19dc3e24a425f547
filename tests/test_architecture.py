"""The package's shape: only the engine starts processes or talks to Docker; only the settings read the environment.

import-linter (``make lint``) keeps the layers of checks/ in order; it cannot
see the standard library.  This test reads the source of every module under
checks/ and holds ``subprocess`` and the ``docker`` SDK to checks/engine and to
checks/inspect/lint.py, which runs hadolint, a local program, never Docker nor
the network; and it holds every read of the process's environment to
checks/model/settings.py, where each variable is a parsed, checked setting
(handing the environment on to a child, ``{**os.environ, ...}``, is not reading it).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

CHECKS = Path(__file__).resolve().parent.parent / "checks"

#: Top-level modules that start processes or talk to Docker.
EDGE_MODULES = ("subprocess", "docker")
#: Where they may be imported: the engine package, and hadolint's runner.
ALLOWED = ("checks.engine", "checks.inspect.lint")


def imported(source: str) -> Iterator[tuple[int, str]]:
    """(line, top-level module) for every absolute import in ``source``; relative imports are our own modules."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def allowed(module: str) -> bool:
    return any(module == place or module.startswith(place + ".") for place in ALLOWED)


def edge_imports_outside_the_engine(modules: Iterable[tuple[str, str]]) -> list[str]:
    """One message per import of subprocess or docker in a module outside ``ALLOWED``, given (name, source) pairs."""
    return [
        f"{name} imports {top} (line {line}); only checks/engine/* (and checks/inspect/lint.py) may: "
        "move the call into checks.engine, or pass its result in as data"
        for name, source in modules
        if not allowed(name)
        for line, top in imported(source)
        if top in EDGE_MODULES
    ]


def module_name(path: Path) -> str:
    parts = path.relative_to(CHECKS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_sources() -> list[tuple[str, str]]:
    return [(module_name(path), path.read_text(encoding="utf-8")) for path in sorted(CHECKS.rglob("*.py"))]


def test_only_the_engine_and_hadolints_runner_import_subprocess_or_docker():
    sources = package_sources()
    assert edge_imports_outside_the_engine(sources) == []
    # The walk saw the real edge: the SDK in the engine's Docker module, the buildx CLI in its build module.
    assert "docker" in {top for _, top in imported(dict(sources)["checks.engine.docker"])}
    assert "subprocess" in {top for _, top in imported(dict(sources)["checks.engine.buildx"])}


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("import subprocess", 2),
        ("import subprocess as sp", 2),
        ("from subprocess import run", 2),
        ("import docker.errors", 2),
        ("from docker import from_env", 2),
        ("def later():\n    import subprocess\n", 3),  # a lazy import inside a function counts too
    ],
)
def test_an_edge_import_outside_the_engine_is_named_with_its_module_and_line(source, line):
    found = edge_imports_outside_the_engine([("checks.guide.charts", '"""A guide module."""\n' + source)])
    assert len(found) == 1
    assert found[0].startswith("checks.guide.charts imports ")
    assert f"(line {line})" in found[0]


@pytest.mark.parametrize("name", ["checks.engine", "checks.engine.docker", "checks.inspect.lint"])
def test_the_engine_and_hadolints_runner_may_import_them(name):
    assert edge_imports_outside_the_engine([(name, "import subprocess\nimport docker")]) == []


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("checks.engine_notes", "import subprocess"),  # a sibling whose name merely starts like the engine's
        ("checks.inspect.lint_rules", "import subprocess"),
        ("checks.inspect.layers", "import docker"),
    ],
)
def test_a_module_whose_name_only_starts_like_an_allowed_one_is_not_allowed(name, source):
    assert edge_imports_outside_the_engine([(name, source)]) != []


@pytest.mark.parametrize(
    "source",
    [
        "from checks.engine import docker",  # our engine module, not the SDK
        "from . import docker",
        "from .docker import run",
        "import subprocessing_notes",
        "text = 'import subprocess'",
    ],
)
def test_our_own_modules_and_lookalike_names_are_not_edge_imports(source):
    assert edge_imports_outside_the_engine([("checks.guide.charts", source)]) == []


#: The one module that reads the process's environment.
READS_THE_ENVIRONMENT = "checks.model.settings"
#: ``os`` names that read (or change) the environment.
ENVIRON_NAMES = ("environ", "environb", "getenv", "getenvb", "putenv", "unsetenv")


def _handed_on(tree: ast.AST) -> set[int]:
    """The nodes unpacked into a mapping (``{**os.environ, ...}``): the environment handed on to a child."""
    return {
        id(value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for key, value in zip(node.keys, node.values, strict=True)
        if key is None
    }


def environment_reads(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for every read of the environment in ``source``: ``os.environ`` (but handed on whole to a
    child), ``os.getenv``, those names imported from ``os``, and the Docker SDK's ``from_env`` and its
    ``kwargs_from_env`` when no ``environment`` is handed to it."""
    tree = ast.parse(source)
    handed = _handed_on(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os":
            if node.attr in ENVIRON_NAMES and id(node) not in handed:
                yield node.lineno, f"os.{node.attr}"
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            yield from ((node.lineno, f"os.{a.name}") for a in node.names if a.name in ENVIRON_NAMES)
        elif isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            told = any(keyword.arg == "environment" for keyword in node.keywords)
            if called == "from_env" or (called == "kwargs_from_env" and not told):
                yield node.lineno, called


def environment_reads_outside_the_settings(modules: Iterable[tuple[str, str]]) -> list[str]:
    """One message per read of the environment in a module other than the settings, given (name, source) pairs."""
    return [
        f"{name} reads the environment ({what}, line {line}); only checks/model/settings.py may: "
        "declare the variable there (DEVELOPERS.md, Adding a setting) and use the parsed Settings"
        for name, source in modules
        if name != READS_THE_ENVIRONMENT
        for line, what in environment_reads(source)
    ]


def test_only_the_settings_read_the_environment():
    sources = package_sources()
    assert environment_reads_outside_the_settings(sources) == []
    # The walk saw the real reader, and a child handed the environment whole.
    assert [what for _, what in environment_reads(dict(sources)[READS_THE_ENVIRONMENT])] == ["os.environ"]
    assert "**os.environ" in ast.unparse(ast.parse(dict(sources)["checks.engine.proc"]))


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("import os\nhost = os.environ.get('DOCKER_HOST')", 3),
        ("import os\nhost = os.environ['DOCKER_HOST']", 3),
        ("import os\nos.environ['DOCKER_HOST'] = 'tcp://x'", 3),  # a write is caught too: it is read by children
        ("import os\nhost = os.getenv('DOCKER_HOST')", 3),
        ("import os\ncopy = dict(os.environ)", 3),
        ("from os import environ", 2),
        ("from os import getenv as get", 2),
        ("import docker\nclient = docker.from_env()", 3),
        ("import docker\nkw = docker.utils.kwargs_from_env()", 3),
        ("def later():\n    import os\n    return os.environ\n", 4),
    ],
)
def test_a_read_of_the_environment_outside_the_settings_is_named_with_its_module_and_line(source, line):
    found = environment_reads_outside_the_settings([("checks.engine.docker", '"""An engine module."""\n' + source)])
    assert len(found) == 1
    assert found[0].startswith("checks.engine.docker reads the environment (")
    assert f"line {line})" in found[0]


@pytest.mark.parametrize(
    "source",
    [
        "import os\nenv = {**os.environ, 'SLIMLAB_RELEASE': '2'}",  # handed on to a child
        "import docker\nkw = docker.utils.kwargs_from_env(environment={'DOCKER_HOST': ''})",
        "environ = {'DOCKER_HOST': ''}\nhost = environ.get('DOCKER_HOST')",  # a mapping of its own
        "text = 'os.environ'",
    ],
)
def test_handing_the_environment_on_or_reading_a_mapping_is_not_reading_it(source):
    assert environment_reads_outside_the_settings([("checks.engine.docker", source)]) == []


def test_the_settings_may_read_the_environment():
    assert environment_reads_outside_the_settings([(READS_THE_ENVIRONMENT, "import os\nx = os.environ")]) == []


def test_module_names_follow_the_package_folders():
    assert module_name(CHECKS / "engine" / "docker.py") == "checks.engine.docker"
    assert module_name(CHECKS / "engine" / "__init__.py") == "checks.engine"
    assert module_name(CHECKS / "__main__.py") == "checks.__main__"


#: What the command line imports before it knows the command: never the labs' machinery, which `analyze` (timed
#: against dive) and `diff` never use; each command that needs it imports it where it runs.
LOADED_LATER = ("checks.run.verify", "checks.engine.bases", "checks.model.spec", "checks.model.results")


def test_the_command_line_starts_without_the_labs_machinery():
    done = subprocess.run(
        [sys.executable, "-c", "import sys, checks.cli; print(' '.join(sorted(sys.modules)))"],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert [name for name in LOADED_LATER if name in done.stdout.split()] == []


# --- sizes: no module over 400 lines, no function over 50 (issue 35) ---------------------------------------------

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50
#: Modules still over :data:`MAX_MODULE_LINES`, to be split; a module leaves the list when it is, and none joins it.
MODULES_STILL_OVER = frozenset({})
#: Functions still over :data:`MAX_FUNCTION_LINES` (``module:name``), the same way.
FUNCTIONS_STILL_OVER: frozenset[str] = frozenset()


def module_lines(sources: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Lines of each module, given (name, source) pairs."""
    return {name: len(source.splitlines()) for name, source in sources}


def function_lines(sources: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Lines of each function and method (``module:name``; its decorators not counted), given (name, source) pairs;
    of two with one name in a module, the longer."""
    found: dict[str, int] = {}
    for module, source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                key = f"{module}:{node.name}"
                found[key] = max(found.get(key, 0), (node.end_lineno or node.lineno) - node.lineno + 1)
    return found


def test_no_module_is_over_400_lines_but_the_ones_still_listed():
    lines = module_lines(package_sources())
    assert sorted(name for name, count in lines.items() if count > MAX_MODULE_LINES) == sorted(MODULES_STILL_OVER)


def test_no_function_is_over_50_lines_but_the_ones_still_listed():
    lines = function_lines(package_sources())
    assert sorted(name for name, count in lines.items() if count > MAX_FUNCTION_LINES) == sorted(FUNCTIONS_STILL_OVER)


def test_a_function_is_measured_from_its_def_to_its_last_line():
    source = "def short():\n    return 1\n\n\nclass A:\n    def long(self):\n" + "        x = 1\n" * 60
    assert function_lines([("m", source)]) == {"m:short": 2, "m:long": 61}
