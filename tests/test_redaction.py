"""Nothing an image holds reaches an output unredacted: the scrubber (checks.inspect.redaction.scrubbed), the walk that
applies it to a whole value (checks.model.scrub), and every output edge fed a fake secret of each rule in every
field an image has.

Each hostile image is a small function that builds the input in a temporary folder and returns a :class:`Case`:
the command line to run, the exit code it must give, and what must never be printed.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from analyze_images import _add, digest, docker_archive, file
from fake_secrets import SECRETS, Secret, pair, written
from test_results import sample

from checks import cli
from checks.cli import engine, labs
from checks.guide.docdata import load_lab
from checks.inspect.redaction import scrubbed
from checks.inspect.secrets import CONTENT_RULES, redact
from checks.learner import grade as grading
from checks.model.measured import Layer, SmokeRun
from checks.model.results import RESULTS_NAME, ClaimResult
from checks.model.resultsjson import dumps, to_dict
from checks.model.scrub import NOT_SHOWN, scrub_tree
from checks.store.results import read, write_if_changed

ROOT = Path(__file__).resolve().parent.parent
TOKENS = [s for s in SECRETS if s.rule not in ("private-key", "secret-variable")]
PRIVATE_KEY = next(s for s in SECRETS if s.rule == "private-key")


def ids(secret: Secret) -> str:
    return f"{secret.rule}:{secret.name}"


# --- the scrubber -------------------------------------------------------------------------------


def test_every_content_rule_has_a_fake_secret_here():
    assert {rule.id for rule in CONTENT_RULES} <= {s.rule for s in SECRETS}


@pytest.mark.parametrize("secret", [s for s in SECRETS if s.rule != "secret-variable"], ids=ids)
def test_a_value_a_rule_finds_is_redacted_wherever_it_is_in_a_text(secret):
    for text in (
        secret.value,
        f"srv/{secret.value}/data",
        f"label: {secret.value}.",
        f"{secret.value}\n{secret.value}",
    ):
        shown = scrubbed(text)
        assert secret.tell not in shown
        assert f"…({len(secret.value)} chars)" in shown or secret.rule == "private-key"  # its END line may show


@pytest.mark.parametrize("secret", [s for s in SECRETS if s.rule == "secret-variable"], ids=ids)
def test_a_secret_variable_s_value_is_redacted_where_a_history_step_sets_it(secret):
    for step in (f"RUN |1 {pair(secret)} /bin/sh -c make # buildkit", f"/bin/sh -c #(nop)  ENV {pair(secret)}"):
        assert scrubbed(step).count(f"{secret.name}=…({len(secret.value)} chars)") == 1


@pytest.mark.parametrize("secret", [s for s in SECRETS if s.rule == "secret-variable"], ids=ids)
def test_a_secret_variable_s_value_is_redacted_in_any_text_but_an_expansion_is_no_value(secret):
    shown = scrubbed(f"the app printed {pair(secret)} and --{secret.name.lower()}={secret.value}")
    assert secret.tell not in shown
    assert scrubbed(f"{secret.name}=$(cat /run/secrets/x) {secret.name}=${{X}}") == (
        f"{secret.name}=$(cat /run/secrets/x) {secret.name}=${{X}}"
    )


@pytest.mark.parametrize("secret", TOKENS, ids=ids)
def test_the_start_of_a_token_cut_short_shows_no_more_than_its_public_prefix(secret):
    for cut in (f"b'{secret.value[:12]}'", secret.value[:-5] + "...", f"{secret.value[:20]}"):
        shown = scrubbed(cut)
        assert secret.tell[:4] not in shown, shown
        assert re.search(r"…\(\d+ chars\)", shown)


def test_a_key_id_an_error_quotes_from_a_header_field_shows_four_characters():
    quoted = "invalid literal for int() with base 8: b'" + TOKENS[0].value[:12] + "'"
    assert scrubbed(quoted) == "invalid literal for int() with base 8: b'" + TOKENS[0].value[:4] + "…(12 chars)'"


def test_a_private_key_on_one_line_or_with_escaped_newlines_shows_none_of_it():
    key = PRIVATE_KEY.value
    for text in (" ".join(key.split()), key.replace("\n", "\\n"), key[:60], f"printf '{key[:90]}' > id_rsa"):
        shown = scrubbed(text)
        assert "PRIVATE KEY" not in shown
        assert "MIIEvQ" not in shown


def test_a_private_key_s_redaction_ends_where_its_end_line_does():
    assert scrubbed(f"RUN printf '{' '.join(PRIVATE_KEY.value.split())}' > /root/.ssh/id_rsa").endswith(
        "' > /root/.ssh/id_rsa"
    )


@pytest.mark.parametrize(
    "text",
    [
        "ENV npm_config_cache=/tmp/npm npm_config_loglevel=warn",
        "RUN npm_lifecycle_event=build npm run build",
        "xoxo",
        "Asia/Shanghai",
        "ASIA",
        "ghp_, gho_, ghu_, ghs_ or ghr_ and 36 characters",
        'RUN /bin/sh -c mkdir -p /etc/sdk  && token=$(cat /run/secrets/api-token)  && test -n "$token"',
        "-----BEGIN CERTIFICATE-----\nMIIC",
    ],
)
def test_text_that_only_looks_like_the_start_of_a_secret_is_left_alone(text):
    assert scrubbed(text) == text


@pytest.mark.parametrize("secret", SECRETS, ids=ids)
def test_scrubbing_scrubbed_text_changes_nothing(secret):
    for text in (secret.value, f"RUN |1 {pair(secret)} /bin/sh -c make", secret.value[:12], f"x {secret.value} y"):
        once = scrubbed(text)
        assert scrubbed(once) == once


def test_a_redacted_value_shows_at_most_four_characters():
    assert redact("supersecretvalue", 10) == "supe…(16 chars)"


# --- scrubbing a whole value --------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    name: str
    parts: tuple[str, ...]
    table: dict[str, list[str]]
    unshown: str = dataclasses.field(default="", metadata=NOT_SHOWN)


def test_every_string_of_a_value_is_scrubbed_mapping_keys_included():
    token = TOKENS[0].value
    value = Shown(name=token, parts=("a", token), table={token: [token, "b"]}, unshown=token)
    clean = scrub_tree(value, scrubbed)
    assert TOKENS[0].tell not in repr(dataclasses.replace(clean, unshown=""))
    assert clean.parts[0] == "a"
    assert clean.unshown == token, "a field marked NOT_SHOWN is left as it is"


def test_a_value_with_nothing_to_scrub_comes_back_as_the_same_object():
    value = Shown(name="n", parts=("a", "b"), table={"k": ["v"]})
    assert scrub_tree(value, scrubbed) is value
    assert scrub_tree(to_dict(sample()), scrubbed) == to_dict(sample())


# --- every output, every field of an image ------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A hostile input made: the command line to run on it, its exit code, and what must never be printed."""

    argv: tuple[str, ...]
    code: int
    never: tuple[str, ...]


#: Makes an image archive holding ``secret`` in one field, in ``folder``; returns its path.
Field = Callable[[Path, Secret], Path]


def _archive(folder: Path, data: bytes) -> Path:
    path = folder / "image.tar"
    path.write_bytes(data)
    return path


def in_a_run_step(folder: Path, secret: Secret) -> Path:
    """``RUN printf '<value>' > /root/.config``; a private key with its own newlines, as a heredoc writes it."""
    step = f"RUN /bin/sh -c printf '%s' '{written(secret)}' > /root/.config # buildkit"
    if secret.rule == "secret-variable":
        step = f"RUN |1 {pair(secret)} /bin/sh -c make # buildkit"
    return _archive(folder, docker_archive([[file("root/.config", 10)]], tag="t:1", history=[step]))


def in_a_build_arg(folder: Path, secret: Secret) -> Path:
    step = f"RUN |2 HTTP_PROXY= {pair(secret)} /bin/sh -c npm ci # buildkit"
    return _archive(folder, docker_archive([[file("app/x", 10)]], tag="t:1", history=[step]))


def in_an_env_step(folder: Path, secret: Secret) -> Path:
    """An ``ENV`` line (a step that writes no layer) and the config's ``Env`` entry it makes."""
    steps = [{"created_by": f"/bin/sh -c #(nop)  ENV {pair(secret)}", "empty_layer": True}, "RUN /bin/sh -c make"]
    return _archive(
        folder, docker_archive([[file("app/x", 10)]], tag="t:1", history=steps, env=[pair(secret), "PATH=/bin"])
    )


def in_env_only(folder: Path, secret: Secret) -> Path:
    return _archive(folder, docker_archive([[file("app/x", 10)]], tag="t:1", env=[pair(secret)]))


def in_a_label(folder: Path, secret: Secret) -> Path:
    labels = {"org.example.note": secret.value, secret.name.lower(): secret.value}
    return _archive(folder, docker_archive([[file("app/x", 10)]], tag="t:1", labels=labels))


def in_file_names(folder: Path, secret: Secret) -> Path:
    """A folder and a file named by the value, in two layers (so dive's wasted paths list them) and in a
    removable class (so its largest places do)."""
    name = written(secret)
    layer = [file(f"srv/{name}/data", 4000), file(f"usr/share/doc/{name}", 3000), file(f"srv/keys/{name}", 2000)]
    return _archive(folder, docker_archive([layer, layer], tag="t:1"))


def in_a_layer_that_is_not_a_tar(folder: Path, secret: Secret) -> Path:
    """A layer whose bytes hold the value where a tar header has its name (0) and its size (124)."""
    value = written(secret).encode()
    blob = (value[:124].ljust(124, b" ") + value + b" " * 1024)[:1024]
    config = json.dumps({"rootfs": {"type": "layers", "diff_ids": [digest(blob)]}, "history": []}).encode()
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        _add(archive, "layer.tar", blob)
        _add(archive, "config.json", config)
        _add(archive, "manifest.json", json.dumps([{"Config": "config.json", "Layers": ["layer.tar"]}]).encode())
    return _archive(folder, out.getvalue())


def in_a_missing_layer_s_name(folder: Path, secret: Secret) -> Path:
    """A manifest naming a layer file that the archive does not hold, named by the value."""
    config = json.dumps({"rootfs": {"type": "layers", "diff_ids": ["sha256:" + "0" * 64]}, "history": []}).encode()
    name = f"{written(secret).splitlines()[0]}/layer.tar"
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        _add(archive, "config.json", config)
        _add(archive, "manifest.json", json.dumps([{"Config": "config.json", "Layers": [name]}]).encode())
    return _archive(folder, out.getvalue())


#: Each field and the exit code reading an image with it gives.  A secret variable is written with its name
#: (:func:`fake_secrets.written`): its value alone is a secret by nothing.
FIELDS: dict[str, tuple[Field, int]] = {
    "run-step": (in_a_run_step, 0),
    "build-arg": (in_a_build_arg, 0),
    "env-step": (in_an_env_step, 0),
    "env": (in_env_only, 0),
    "label": (in_a_label, 0),
    "file-name": (in_file_names, 0),
    "not-a-tar": (in_a_layer_that_is_not_a_tar, 2),
    "missing-layer": (in_a_missing_layer_s_name, 2),
}


def clean_image(folder: Path) -> Path:
    path = folder / "clean.tar"
    path.write_bytes(docker_archive([[file("srv/other", 10)]], tag="t:0"))
    return path


#: Each output format: the command line over the hostile image and a clean one.
OUTPUTS: dict[str, Callable[[Path, Path], tuple[str, ...]]] = {
    "analyze": lambda image, clean: ("analyze", str(image)),
    "analyze-json": lambda image, clean: ("analyze", "--json", str(image)),
    "analyze-junit": lambda image, clean: ("analyze", "--format", "junit", "--max-layers", "99", str(image)),
    "analyze-sarif": lambda image, clean: ("analyze", "--format", "sarif", str(image)),
    "diff": lambda image, clean: ("diff", str(clean), str(image)),
    "diff-json": lambda image, clean: ("diff", "--json", str(image), str(clean)),
}


def image_case(folder: Path, secret: Secret, field: str, output: str) -> Case:
    make, code = FIELDS[field]
    image = make(folder, secret)
    return Case(argv=OUTPUTS[output](image, clean_image(folder)), code=code, never=(secret.tell,))


def in_a_lab_dockerfile(folder: Path, secret: Secret, *, as_json: bool = False) -> Case:
    """A lab whose Dockerfile sets the value as an ``ARG`` and writes it in a ``RUN``: what ``lint`` prints."""
    lab = folder / "lab-9-hostile"
    lab.mkdir()
    value = " ".join(secret.value.split())
    (lab / "lab.toml").write_text('[lab]\ntitle = "t"\npage = "p"\n')
    (lab / "after.Dockerfile").write_text(
        f"FROM debian:trixie-slim\nARG {secret.name}={value}\nRUN echo '{value}' > /etc/app && apt-get install curl\n"
    )
    return Case(argv=("lint", "--all", *(["--json"] if as_json else []), str(lab)), code=0, never=(secret.tell,))


def run(case: Case, capsys) -> str:
    code = cli.main(list(case.argv))
    out = capsys.readouterr()
    printed = out.out + out.err
    assert code == case.code, printed
    return printed


@pytest.mark.parametrize("output", sorted(OUTPUTS))
@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.parametrize("secret", SECRETS, ids=ids)
def test_no_output_of_an_image_shows_a_secret_from_any_of_its_fields(secret, field, output, tmp_path, capsys):
    case = image_case(tmp_path, secret, field, output)
    printed = run(case, capsys)
    for never in case.never:
        assert never not in printed


@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.parametrize("secret", SECRETS, ids=ids)
def test_the_html_explorer_of_an_image_shows_no_secret_from_any_of_its_fields(secret, field, tmp_path, capsys):
    case = image_case(tmp_path, secret, field, "analyze")
    page = tmp_path / "explorer.html"
    printed = run(Case((*case.argv, "--html", str(page)), case.code, case.never), capsys)
    written = page.read_text(encoding="utf-8") if page.exists() else ""
    assert page.exists() == (case.code == 0)
    for never in case.never:
        assert never not in printed + written


@pytest.mark.parametrize("as_json", [False, True])
@pytest.mark.parametrize("secret", SECRETS, ids=ids)
def test_lint_shows_no_secret_a_dockerfile_holds(secret, as_json, tmp_path, capsys):
    case = in_a_lab_dockerfile(tmp_path, secret, as_json=as_json)
    printed = run(case, capsys)
    assert secret.tell not in printed


def test_a_key_in_a_run_step_is_redacted_in_the_layer_table_and_in_the_json(tmp_path, capsys):
    token = TOKENS[0]
    image = in_a_run_step(tmp_path, token)
    table = run(Case(("analyze", str(image)), 0, ()), capsys)
    data = json.loads(run(Case(("analyze", "--json", str(image)), 0, ()), capsys))
    assert f"RUN printf '%s' '{token.value[:4]}…(20 chars)' > /root/.config" in table
    assert data["layers"][0]["created_by"] == data["secrets"][0]["created_by"]


def test_a_build_arg_s_value_is_redacted_and_the_table_still_shows_the_plain_instruction(tmp_path, capsys):
    secret = next(s for s in SECRETS if s.name == "NPM_TOKEN")
    table = run(Case(("analyze", str(in_a_build_arg(tmp_path, secret))), 0, ()), capsys)
    assert "      0       0 kB  RUN npm ci" in table


# --- results.json, the guide, the grader, errors ------------------------------------------------


def hostile_results(secret: Secret):
    """Results whose every free-text field holds the value: a step, the smoke test's output, a claim's measure."""
    results = sample()
    before = results.variants["before"]
    step = Layer(size_bytes=1, created_by=f"RUN |1 {pair(secret)} /bin/sh -c printf '{written(secret)}' > /x")
    before = dataclasses.replace(
        before,
        layers=(*before.layers, step),
        smoke=SmokeRun(exit_code=0, stdout=f"token {written(secret)}", passed=True),
    )
    claim = ClaimResult(id="L9.3", kind="x", text="t", passed=False, expected="e", measured=f"found {written(secret)}")
    return dataclasses.replace(
        results, variants={**results.variants, "before": before}, claims=(*results.claims, claim)
    )


@pytest.mark.parametrize("secret", SECRETS, ids=ids)
def test_results_json_is_written_with_every_string_scrubbed(secret, tmp_path):
    path = tmp_path / RESULTS_NAME
    assert write_if_changed(path, hostile_results(secret), scrub=scrubbed)
    assert secret.tell not in path.read_text(encoding="utf-8")
    assert not write_if_changed(path, hostile_results(secret), scrub=scrubbed), "a scrubbed file is up to date"


def test_the_recorded_results_of_every_lab_are_left_as_they_are():
    paths = sorted(ROOT.glob(f"labs/*/{RESULTS_NAME}"))
    assert paths
    for path in paths:
        recorded = read(path)
        assert recorded is not None
        assert dumps(scrub_tree(recorded, scrubbed)) == path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("secret", SECRETS, ids=ids)
def test_the_guide_reads_a_handed_over_results_json_scrubbed(secret, lab_copy):
    folder = lab_copy("lab-4")
    (folder / RESULTS_NAME).write_text(dumps(hostile_results(secret)), encoding="utf-8")
    shown = load_lab(folder).results
    assert shown is not None
    assert secret.tell not in repr(shown)


def test_the_grader_s_report_shows_no_secret_the_image_printed(monkeypatch, capsys):
    secret = TOKENS[0]
    lab = labs.find_lab("4")

    def graded(folder, dockerfile, **_):
        from checks.model.exercise import graded_lab
        from checks.model.spec import load

        goal = ClaimResult(id="L4.1", kind="x", text="t", passed=False, expected="e", measured=secret.value)
        return grading.Grade(
            lab=graded_lab(load(lab), dockerfile), dockerfile=dockerfile, goals=(goal,), hints={}, measured={}
        )

    monkeypatch.setattr(grading, "grade", graded)
    monkeypatch.setattr(grading, "bars", lambda sizes, width=40: [])
    assert cli.main(["grade", "4"]) == 1
    out = capsys.readouterr()
    assert secret.tell not in out.out + out.err
    assert f"{secret.value[:4]}…" in out.out


@pytest.mark.parametrize("error", [cli.UsageError, ValueError])
@pytest.mark.parametrize("secret", SECRETS, ids=ids)
def test_an_error_message_quoting_bytes_of_an_image_shows_no_secret(secret, error, monkeypatch, capsys, tmp_path):
    def fails(args, settings):
        raise error(f"bad header field b'{written(secret)[:12]}' in layer '{written(secret)}'")

    monkeypatch.setattr(engine, "cmd_clean", fails)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert cli.main(["clean"]) == (2 if error is cli.UsageError else 3)
    out = capsys.readouterr()
    crashes = "".join(path.read_text() for path in tmp_path.glob("slimlab-internal-error-*/traceback.txt"))
    assert secret.tell not in out.out + out.err + crashes


def test_the_command_line_writes_only_through_its_scrubbing_writers():
    source = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "checks" / "cli").glob("*.py"))
    writes = re.findall(r"\bprint\(|sys\.std(?:out|err)\.write\(", source)
    assert len(writes) == 2, "every line the command line prints goes through show() or echo()"


@pytest.mark.parametrize("ascii_only", [True, False])
@pytest.mark.parametrize(
    "step", ["ARG GITHUB_TOKEN=x1", "RUN |1 GITHUB_TOKEN=hunter2hunter /bin/sh -c make", 'ENV API_TOKEN="two words"']
)
def test_a_json_report_scrubbed_whole_stays_valid_json_and_is_redacted_once(step, ascii_only):
    # The JSON form scrubs every string, then the command line scrubs each line it prints: the second pass must
    # neither take the quote that closes a string nor redact "…(13 chars)" again when JSON escapes the ellipsis.
    printed = json.dumps(scrub_tree({"created_by": step, "n": 1}, scrubbed), ensure_ascii=ascii_only)
    assert scrubbed(printed) == printed
    assert not any(word in printed for word in ("x1", "hunter2", "two words"))
    raw = json.dumps({"created_by": step, "n": 1}, ensure_ascii=ascii_only)
    assert json.loads(scrubbed(raw))["n"] == 1  # still one JSON document
