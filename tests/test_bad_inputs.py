"""Bad input or environment, one row each: exit 2 (130 on Ctrl-C, 143 on SIGTERM), one paragraph naming the
file or variable and the fix, no traceback, and nothing left behind.

Each row says how to make the bad input, the command, the exit code and the fragments the
message must hold.  Every row also checks that no container of this checkout's (``org.slimlab.container``)
and no ``slimlab-*`` temporary entry outlives the run, and that a lab copy gains no results.json.
Rows that need no engine run with ``DOCKER_HOST`` pointing at a socket that does not exist, which
shows that the mistake is caught before any engine call.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT, engine_problem, own_containers, run_checks

from checks import cli
from checks.cli import engine
from checks.inspect.redaction import scrubbed
from checks.model.results import RESULTS_NAME
from checks.model.settings import Settings
from checks.store.results import read, unreadable, write_if_changed

NO_ENGINE = {"DOCKER_HOST": "unix:///nonexistent.sock"}


@dataclass(frozen=True, kw_only=True)
class Bad:
    """A bad input, made: the command to run on it and what its message must name."""

    args: tuple[str, ...]
    #: The file or variable the message must name.
    names: str
    env: dict[str, str] = field(default_factory=dict)
    #: A lab folder that must not gain a results.json.
    lab: Path | None = None


@dataclass(frozen=True, kw_only=True)
class Row:
    id: str
    #: Makes the bad input from the ``lab_copy`` fixture and a temporary folder.
    make: Callable[[Callable[..., Path], Path], Bad]
    #: Fragments the message must hold: the words of the fix. A tuple inside means "any of these".
    says: tuple[str | tuple[str, ...], ...]
    code: int = 2
    docker: bool = False


# --- making bad inputs --------------------------------------------------------------------------


def edited_spec(old: str, new: str, *, lab: str = "lab-4", command: str = "verify") -> Callable[..., Bad]:
    """A copy of ``lab`` whose lab.toml has its first ``old`` replaced by ``new`` (appended when old is "")."""

    def make(lab_copy: Callable[..., Path], tmp_path: Path) -> Bad:
        folder = lab_copy(lab)
        spec = folder / "lab.toml"
        text = spec.read_text()
        assert old in text, f"{old!r} is not in {spec}: the row needs updating"
        spec.write_text(text.replace(old, new, 1) if old else text + new)
        return Bad(args=(command, str(folder)), names=str(spec), env=NO_ENGINE, lab=folder)

    return make


def edited_dockerfile(name: str, old: str, new: str) -> Callable[..., Bad]:
    """A copy of lab 4 whose Dockerfile ``name`` has ``old`` replaced by ``new``."""

    def make(lab_copy: Callable[..., Path], tmp_path: Path) -> Bad:
        folder = lab_copy("lab-4")
        path = folder / name
        path.write_text(path.read_text().replace(old, new, 1))
        return Bad(args=("verify", str(folder)), names=str(path), env=NO_ENGINE, lab=folder)

    return make


def without_dockerfile(lab_copy: Callable[..., Path], tmp_path: Path) -> Bad:
    folder = lab_copy("lab-4")
    (folder / "after.Dockerfile").unlink()
    return Bad(args=("verify", str(folder)), names=str(folder / "lab.toml"), env=NO_ENGINE, lab=folder)


def setting(name: str, value: str) -> Callable[..., Bad]:
    def make(lab_copy: Callable[..., Path], tmp_path: Path) -> Bad:
        folder = lab_copy("lab-4")
        return Bad(args=("verify", str(folder)), names=name, env={**NO_ENGINE, name: value}, lab=folder)

    return make


def engine_down(lab_copy: Callable[..., Path], tmp_path: Path) -> Bad:
    folder = lab_copy("lab-4")
    return Bad(args=("verify", str(folder)), names="nonexistent.sock", env=NO_ENGINE, lab=folder)


def unknown_lab(lab_copy: Callable[..., Path], tmp_path: Path) -> Bad:
    return Bad(args=("verify", "no-such-lab"), names="no-such-lab", env=NO_ENGINE)


def text_bundle(lab_copy: Callable[..., Path], tmp_path: Path) -> Bad:
    bundle = tmp_path / "slimlab-workshop.tar.gz"
    bundle.write_text("this is a note, not a gzip archive of images\n")
    return Bad(args=("workshop", "load", "--bundle", str(bundle)), names=str(bundle))


def missing_bundle(lab_copy: Callable[..., Path], tmp_path: Path) -> Bad:
    bundle = tmp_path / "nowhere.tar.gz"
    return Bad(args=("workshop", "load", "--bundle", str(bundle)), names=str(bundle), env=NO_ENGINE)


def tiny_lab(tmp_path: Path, *, before: str = "", after: str = "", smoke: str = "") -> Path:
    """A two-variant lab on the busybox stand-in (cheap to build), under a name of its own."""
    folder = tmp_path / f"lab-9-bad-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    (folder / "before.Dockerfile").write_text(f"FROM busybox\n{before}\n")
    (folder / "after.Dockerfile").write_text(f"FROM busybox\n{after}\n")
    (folder / "lab.toml").write_text(
        '[lab]\ntitle = "A lab with a problem"\npage = "nowhere"\n\n'
        f"{smoke}\n"
        "[variants.before]\n[variants.after]\n\n"
        '[[claims]]\nid = "L9.1"\nkind = "max_layers"\ntext = "Few layers."\nvariant = "after"\nmax = 5\n'
    )
    return folder


def failing_build(lab_copy: Callable[..., Path], tmp_path: Path) -> Bad:
    folder = tiny_lab(tmp_path, after=f'RUN echo "{uuid.uuid4().hex}" && exit 1')
    return Bad(
        args=("verify", str(folder)), names=str(folder / "after.Dockerfile"), env={"SLIMLAB_PULL": "never"}, lab=folder
    )


def hung_smoke(lab_copy: Callable[..., Path], tmp_path: Path) -> Bad:
    folder = tiny_lab(tmp_path, smoke='[smoke]\nargs = ["sleep", "30"]\ntimeout = 2\n')
    return Bad(args=("verify", str(folder)), names=str(folder / "lab.toml"), env={"SLIMLAB_PULL": "never"}, lab=folder)


# --- the table ----------------------------------------------------------------------------------

ROWS = (
    Row(id="toml-malformed", make=edited_spec("[lab]", "[lab"), says=("not valid TOML", "Fix the syntax")),
    Row(
        id="string-for-number",
        make=edited_spec("max = 0.02", 'max = "0.02"'),
        says=("'claims[0].max' must be", "not '0.02'", "Fix the lab spec"),
    ),
    Row(
        id="number-for-list",
        make=edited_spec('paths = ["usr/local/go", "usr/lib/go*", "*/bin/go", "*/bin/gcc*", "src"]', "paths = 3"),
        says=("'claims[1].paths' must be a list of strings", "Fix the lab spec"),
    ),
    Row(
        id="table-for-string",
        make=edited_spec('title = "Multi-stage builds: a Go web service"', "title = { text = 'Go' }"),
        says=("'lab.title' must be a string", "Fix the lab spec"),
    ),
    Row(
        id="unknown-top-level-key",
        make=edited_spec("", "\n[smok]\ntimeout = 5\n"),
        says=("unknown key 'smok'", "Did you mean 'smoke'?"),
    ),
    Row(
        id="unknown-claim-kind",
        make=edited_spec('kind = "non_root"', 'kind = "non_rot"'),
        says=("not a claim kind", "Did you mean 'non_root'?"),
    ),
    Row(
        id="undeclared-variant",
        make=edited_spec('variant = "distroless"', 'variant = "distroles"'),
        says=("names variant 'distroles', which the lab does not declare", "Did you mean 'distroless'?"),
    ),
    Row(
        id="missing-before-variant",
        make=edited_spec("[variants.before]", "[variants.single]"),
        says=("'variants.before' is missing", "Fix the lab spec"),
    ),
    Row(
        id="duplicate-claim-id",
        make=edited_spec('id = "L4.2"', 'id = "L4.1"'),
        says=("claim id 'L4.1' is used twice", "each claim needs its own stable id"),
    ),
    Row(
        id="bad-claim-id",
        make=edited_spec('id = "L4.1"', 'id = "4.1"'),
        says=("claim ids look like 'L4.1'", "Fix the lab spec"),
    ),
    Row(
        id="smoke-timeout-0",
        make=edited_spec("timeout = 60", "timeout = 0"),
        says=("'smoke.timeout' must be more than 0 seconds", "Fix the lab spec"),
    ),
    Row(
        id="pull-timeout-abc",
        make=setting("SLIMLAB_PULL_TIMEOUT", "abc"),
        says=("a number of seconds above 0", "Correct or unset it"),
    ),
    Row(
        id="pull-measure-sizes",
        make=setting("SLIMLAB_PULL_MEASURE", "sizes"),
        says=("did you mean 'size'?", "Correct or unset it"),
    ),
    Row(
        id="pull-runs-0",
        make=setting("SLIMLAB_PULL_RUNS", "0"),
        says=("a whole number of cold pulls from 1 to 20", "Correct or unset it"),
    ),
    Row(
        id="unknown-setting",
        make=setting("SLIMLAB_PUL", "never"),
        says=("Did you mean SLIMLAB_PULL?", "unset it or correct its name"),
    ),
    Row(
        id="arg-unbalanced-quote",
        make=edited_dockerfile("after.Dockerfile", "FROM golang", 'ARG GO="1.27\nFROM golang'),
        says=(("quote", "quotation"),),
    ),
    Row(
        id="dockerfile-is-a-folder",
        make=edited_spec("[variants.after]\n", '[variants.after]\ndockerfile = "app"\n'),
        says=("'app'", ("folder", "directory", "not a file")),
    ),
    Row(
        id="dockerfile-missing",
        make=without_dockerfile,
        says=("'after.Dockerfile', which does not exist", "Create it or fix the path"),
    ),
    Row(id="engine-down", make=engine_down, says=("does not answer", "make check")),
    Row(id="unknown-lab", make=unknown_lab, says=("lab-4-go-multistage", "Name a lab by number")),
    Row(id="bundle-missing", make=missing_bundle, says=("does not exist", "make workshop-bundle")),
    Row(
        id="bundle-not-gzip",
        make=text_bundle,
        says=(("gzip", "not a bundle", "not a workshop bundle"), ("workshop-bundle", "workshop bundle")),
        docker=True,
    ),
    Row(
        id="build-fails",
        make=failing_build,
        says=("the build failed at", "exit 1", "Fix that step of after.Dockerfile"),
        docker=True,
    ),
    Row(id="smoke-hangs", make=hung_smoke, says=("did not finish within 2s", "raise the smoke timeout"), docker=True),
)


# --- what every row checks ----------------------------------------------------------------------


@cache
def engine_answers() -> bool:
    return engine_problem() is None


def labelled_containers() -> set[str]:
    """This checkout's containers on the real engine (empty when none answers)."""
    if not engine_answers():
        return set()
    return set(own_containers())


def left_containers(before: set[str]) -> set[str]:
    """Labelled containers that appeared during the run and are still there (others' short-lived ones aside)."""
    new = labelled_containers() - before
    if new:  # a colleague's smoke test may be running: give it a moment to end
        time.sleep(3)
        new &= labelled_containers()
    return new


def ours_in(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.glob("slimlab-*"))


@pytest.fixture
def private_tmp(tmp_path: Path) -> Path:
    """A TMPDIR of the test's own, so a colleague's run cannot pass for ours (or hide ours)."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    return folder


@pytest.fixture
def forget_tiny_labs(tmp_path: Path):
    """Remove the images the tiny labs of a test built (labelled with their lab's name)."""
    yield
    if not engine_answers():
        return
    for lab in tmp_path.glob("lab-9-bad-*"):
        ids = subprocess.run(
            ["docker", "images", "-q", "--filter", f"label=org.slimlab.lab={lab.name}"],
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.split()
        if ids:
            subprocess.run(["docker", "rmi", "-f", *sorted(set(ids))], check=False, capture_output=True, timeout=120)


def assert_clean_message(done: subprocess.CompletedProcess[str], bad: Bad, says: tuple) -> None:
    output = done.stderr + done.stdout
    assert "Traceback" not in output
    assert "internal error" not in output
    assert bad.names in output, f"the message does not name {bad.names}:\n{done.stderr}"
    for fragment in says:
        choices = fragment if isinstance(fragment, tuple) else (fragment,)
        assert any(choice in output for choice in choices), f"none of {choices} in:\n{done.stderr}"


@pytest.mark.parametrize(
    "row", [pytest.param(row, id=row.id, marks=[pytest.mark.docker] if row.docker else []) for row in ROWS]
)
def test_a_bad_input_exits_2_with_one_paragraph_and_leaves_nothing(
    row: Row, request, lab_copy, tmp_path, private_tmp, forget_tiny_labs
):
    if row.docker:
        request.getfixturevalue("engine")
    bad = row.make(lab_copy, tmp_path)
    before = labelled_containers()
    done = run_checks(*bad.args, env={**bad.env, "TMPDIR": str(private_tmp)}, timeout=600)
    assert done.returncode == row.code, f"exit {done.returncode}, not {row.code}:\n{done.stderr[-3000:]}"
    assert_clean_message(done, bad, row.says)
    assert not left_containers(before), "a labelled container outlived the run"
    assert ours_in(private_tmp) == [], "a temporary entry of ours outlived the run"
    if bad.lab is not None:
        assert not (bad.lab / RESULTS_NAME).exists(), "a bad run wrote results.json"


def test_the_table_has_at_least_twenty_rows_each_with_its_own_id():
    assert len(ROWS) >= 20
    assert len({row.id for row in ROWS}) == len(ROWS)


# --- rows that need driving of their own --------------------------------------------------------


def stopped_mid_build(
    tmp_path: Path, private_tmp: Path, command: list[str], stop: Callable[[int], None]
) -> tuple[int, str]:
    """``command`` (a verify, handed a tiny lab's folder) stopped by ``stop(pid)`` while a build sleeps.

    Asserts what any stop must leave: a prompt end, no traceback, no container, no temporary
    entry, no results.json. Returns the exit code and stderr, whose words are the caller's to judge.
    """
    folder = tiny_lab(tmp_path, before=f'RUN echo "{uuid.uuid4().hex}" && sleep 30')
    before = labelled_containers()
    env = {**os.environ, "SLIMLAB_PULL_MEASURE": "0", "SLIMLAB_PULL": "never", "TMPDIR": str(private_tmp)}
    process = subprocess.Popen(
        [*command, str(folder)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        seen = wait_for(process, "sleep 30", within=300)
        stop(process.pid)
        start = time.monotonic()
        _, rest = process.communicate(timeout=20)
        elapsed = time.monotonic() - start
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    stderr = seen + rest
    assert elapsed < 20, stderr[-3000:]
    assert "Traceback" not in stderr
    assert not left_containers(before)
    assert ours_in(private_tmp) == []
    assert not (folder / RESULTS_NAME).exists()
    return process.returncode, stderr


@pytest.mark.docker
def test_ctrl_c_mid_build_exits_130_within_seconds_leaving_no_container(
    engine, tmp_path, private_tmp, forget_tiny_labs
):
    # Ctrl-C as a terminal delivers it: a suite started in the background (`make test &`, nohup) hands
    # its children SIGINT ignored, and then only buildx would see it, its cancelled build a failed one.
    with_ctrl_c = "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    command = [sys.executable, "-c", with_ctrl_c + "runpy.run_module('checks', run_name='__main__')", "verify"]
    code, stderr = stopped_mid_build(tmp_path, private_tmp, command, lambda pid: os.killpg(pid, signal.SIGINT))
    assert code == 130, stderr[-3000:]
    assert "interrupted" in stderr


@pytest.mark.docker
def test_sigterm_mid_build_exits_143_within_seconds_leaving_no_container(
    engine, tmp_path, private_tmp, forget_tiny_labs
):
    # As `kill PID` sends it: to slimlab alone, so buildx never sees it and slimlab must stop the build.
    command = [sys.executable, "-m", "checks", "verify"]
    code, stderr = stopped_mid_build(tmp_path, private_tmp, command, lambda pid: os.kill(pid, signal.SIGTERM))
    assert code == 143, stderr[-3000:]
    assert "terminated (SIGTERM)" in stderr


def wait_for(process: subprocess.Popen[str], text: str, *, within: float) -> str:
    """Read the process's stderr until a line holds ``text``; return what was read."""
    assert process.stderr is not None
    deadline, seen = time.monotonic() + within, ""
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            pytest.fail(f"the run ended before {text!r} showed:\n{seen[-3000:]}")
        seen += line
        if text in line:
            return seen
    pytest.fail(f"{text!r} did not show within {within:.0f}s:\n{seen[-3000:]}")


@pytest.mark.docker
def test_a_corrupt_results_json_is_measured_again_and_said_so(engine, tmp_path, private_tmp, forget_tiny_labs):
    """A user who broke results.json (a bad merge, a truncated write) wants it measured and written
    again, and wants to hear that it was; refusing would leave nothing to fix by hand but a delete."""
    folder = tiny_lab(tmp_path)
    (folder / RESULTS_NAME).write_text('{"schema_version": 1, "lab": ')
    done = run_checks("verify", str(folder), env={"SLIMLAB_PULL": "never", "TMPDIR": str(private_tmp)}, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert str(folder / RESULTS_NAME) in done.stderr
    assert "measuring again" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert read(folder / RESULTS_NAME) is not None
    assert ours_in(private_tmp) == []


# --- unit tests of the fixes behind the rows ----------------------------------------------------


def test_an_absent_results_json_is_not_called_unreadable(tmp_path):
    assert unreadable(tmp_path / RESULTS_NAME) is None


def test_a_truncated_results_json_is_unreadable_and_says_why(tmp_path):
    path = tmp_path / RESULTS_NAME
    path.write_text('{"schema_version": 1, "lab": ')
    assert "not valid JSON" in unreadable(path)


def test_a_results_json_of_another_shape_is_unreadable(tmp_path):
    path = tmp_path / RESULTS_NAME
    path.write_text(json.dumps({"schema_version": 1, "lab": "x"}))
    assert unreadable(path)
    path.write_text(json.dumps([1, 2]))
    assert unreadable(path)


def test_a_results_json_of_another_schema_is_unreadable(tmp_path):
    path = tmp_path / RESULTS_NAME
    path.write_text(json.dumps({"schema_version": 99}))
    assert "schema" in unreadable(path)


@pytest.mark.parametrize("stop", [KeyboardInterrupt, cli.Terminated], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_write_leaves_the_old_results_json_whole(stop, tmp_path, monkeypatch):
    from test_results import sample

    path = tmp_path / RESULTS_NAME
    write_if_changed(path, sample(), scrub=scrubbed)
    before = path.read_text()

    def interrupted(self, target):
        raise stop

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(stop):
        write_if_changed(path, sample(title="Another title"), scrub=scrubbed)
    assert path.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [RESULTS_NAME]


@contextlib.contextmanager
def sigterm_handled_by(handler) -> Iterator[None]:
    before = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def outside_handler(signum, frame) -> None:
    """The handler slimlab is started with: a SIGTERM that reaches it fails the test (SIG_DFL would end pytest)."""
    raise AssertionError("SIGTERM reached the handler slimlab was started with")


@pytest.fixture
def sigterm_outside():
    with sigterm_handled_by(outside_handler):
        yield


def sent_sigterm(times: int, done: list[str]) -> Callable[..., int]:
    """A command sent SIGTERM mid-run, then ``times - 1`` more times by its own clean-up."""

    def run(args, settings) -> int:
        try:
            signal.raise_signal(signal.SIGTERM)  # handled before it returns, as a `kill` from outside would be
            done.append("ran on")
        finally:
            for _ in range(times - 1):
                signal.raise_signal(signal.SIGTERM)
            done.append("cleaned up")
        return 0

    return run


def run_sent_sigterm(times: int, monkeypatch) -> tuple[int, list[str]]:
    """``python -m checks clean`` in this process, its command replaced by :func:`sent_sigterm`'s."""
    done: list[str] = []
    monkeypatch.setattr(engine, "cmd_clean", sent_sigterm(times, done))
    monkeypatch.setattr(cli, "from_process", Settings)
    return cli.main(["clean"]), done


def test_sigterm_unwinds_the_command_and_exits_143_with_one_line(sigterm_outside, monkeypatch, capsys):
    code, done = run_sent_sigterm(1, monkeypatch)
    assert (code, done) == (143, ["cleaned up"])
    assert capsys.readouterr().err.strip() == "slimlab: terminated (SIGTERM); containers it started were removed."


def test_a_second_sigterm_during_the_clean_up_does_not_cut_it_short(sigterm_outside, monkeypatch):
    assert run_sent_sigterm(3, monkeypatch) == (143, ["cleaned up"])


def test_the_sigterm_handler_lasts_only_as_long_as_the_command(sigterm_outside, monkeypatch):
    run_sent_sigterm(2, monkeypatch)
    assert signal.getsignal(signal.SIGTERM) is outside_handler


def test_a_sigterm_ignored_by_whoever_started_slimlab_stays_ignored(monkeypatch):
    with sigterm_handled_by(signal.SIG_IGN):
        assert run_sent_sigterm(1, monkeypatch) == (0, ["ran on", "cleaned up"])
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
