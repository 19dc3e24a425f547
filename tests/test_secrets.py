"""The secret rules (checks.inspect.secrets): each rule's hit and near miss, redaction, and where findings show.

Every token here is put together from parts at run time, so no literal in the
repository looks like a real credential to a secret scanner.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from analyze_images import directory, docker_archive, file, whiteout

from checks.inspect.analyze import SECRETS_SECTION, analysis_of, render, to_dict
from checks.inspect.archive import ImageContents, read_archive
from checks.inspect.layers import Entry, stack
from checks.inspect.redaction import scrubbed
from checks.inspect.secretfindings import findings
from checks.inspect.secrets import (
    BY_ID,
    CONFIG_ENV,
    CONTENT_LIMIT,
    HISTORY,
    RULES,
    redact,
    scan_content,
    scan_env,
    scan_name,
    scan_step,
    step_pairs,
    wanted,
)

PATTERN = "0123456789abcdefghijklmnopqrstuvwxyz"  # a fixed test pattern, 36 characters
UPPER = "ABCDEFGHIJKLMNOP"


def join(*parts: str) -> str:
    return "".join(parts)


#: rule id -> (a value it must find, a near miss it must not)
CASES = {
    "github-token": (join("gh", "p_", PATTERN), join("gh", "p_", PATTERN[:35])),
    "gitlab-token": (join("gl", "pat-", PATTERN[:20]), join("gl", "pat-", PATTERN[:19])),
    "npm-token": (join("np", "m_", PATTERN), join("np", "m_", PATTERN[:30])),
    "pypi-token": (join("py", "pi-AgE", PATTERN * 2), join("py", "pi-AgE", PATTERN[:30])),
    "slack-token": (join("xo", "xb-", "1234567890", "-", PATTERN[:12]), join("xo", "xq-", "1234567890-", PATTERN)),
    "stripe-key": (join("sk", "_live_", PATTERN[:24]), join("sk", "_test_", PATTERN[:24])),
    "google-api-key": (join("AI", "za", PATTERN[:35]), join("AI", "za", PATTERN[:20])),
    "aws-access-key": (join("AK", "IA", UPPER), join("AK", "IA", UPPER.lower())),
}
KEY_BODY = ("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" * 4 + "\n") * 3
PRIVATE_KEY = join("-----BEGIN ", "RSA PRIVATE", " KEY-----\n", KEY_BODY, "-----END RSA PRIVATE KEY-----\n")


def rules_of(data: str) -> set[str]:
    return {m.rule for m in scan_content("x", data.encode())}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_token_rule_finds_its_token_in_a_config_line(rule):
    token, _ = CASES[rule]
    assert rules_of(f'token = "{token}"\n') == {rule}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_token_rule_leaves_its_near_miss_alone(rule):
    _, near = CASES[rule]
    assert rule not in rules_of(f"token = {near}\n")


@pytest.mark.parametrize("rule", sorted(CASES))
def test_a_token_inside_a_longer_run_of_token_characters_is_no_token(rule):
    token, _ = CASES[rule]
    assert rule not in rules_of(f"x{token}Z9")


@pytest.mark.parametrize("rule", sorted(CASES))
def test_redaction_never_shows_more_than_the_public_prefix(rule):
    token, _ = CASES[rule]
    (match,) = scan_content("x", token.encode())
    shown = match.redacted.partition("…")[0]
    assert len(shown) <= 4
    assert token.startswith(shown)
    assert token[4:8] not in match.redacted
    assert match.redacted.endswith(f"({len(token)} chars)")


def test_a_private_key_is_found_and_a_public_key_or_a_certificate_is_not():
    assert rules_of(PRIVATE_KEY) == {"private-key"}
    assert rules_of(PRIVATE_KEY.replace("PRIVATE", "PUBLIC")) == set()
    assert rules_of(PRIVATE_KEY.replace("RSA PRIVATE KEY", "CERTIFICATE")) == set()
    # a parser's constant names the header with no key after it
    assert rules_of(join('HEADER = "-----BEGIN ', 'PRIVATE KEY-----"\n')) == set()


def test_a_private_key_s_redaction_shows_none_of_it():
    (match,) = scan_content("id_rsa", PRIVATE_KEY.encode())
    assert match.redacted.startswith("…(")
    assert "MIIE" not in match.redacted


def test_a_rule_counts_its_matches_in_one_file_once_per_file():
    token, _ = CASES["github-token"]
    (match,) = scan_content("x", f"{token}\n{token}\n".encode())
    assert match.count == 2


def test_redact_shows_at_most_four_characters_whatever_it_is_asked():
    assert redact("supersecretvalue", 10) == "supe…(16 chars)"
    assert redact(b"hunter2", 0) == "…(7 chars)"


@pytest.mark.parametrize(
    ("name", "found"),
    [
        (".env", True),
        (".env.production", True),
        (".env.local", True),
        (".env.example", False),
        (".env.sample", False),
        (".envrc", False),
        ("env", False),
        ("dotenv.py", False),
    ],
)
def test_the_dotenv_rule_reads_the_name_only(name, found):
    assert bool(scan_name(Entry(f"app/{name}", 10))) is found


def test_an_empty_env_file_a_directory_or_a_whiteout_is_no_finding():
    assert scan_name(Entry("app/.env", 0)) == ()
    assert scan_name(Entry("app/.env", 0, type="5")) == ()


def test_only_small_regular_files_have_their_content_read():
    assert wanted(Entry("a", CONTENT_LIMIT))
    assert not wanted(Entry("a", CONTENT_LIMIT + 1))
    assert not wanted(Entry("a", 0))
    assert not wanted(Entry("a", 10, type="1"))


@pytest.mark.parametrize(
    ("item", "found"),
    [
        ("DB_PASSWORD=hunter2", True),
        ("NPM_TOKEN=abc", True),
        ("AWS_SECRET_ACCESS_KEY=abc", True),
        ("API_KEY=abc", True),
        ("DB_PASSWORD=", False),
        ("POSTGRES_PASSWORD_FILE=/run/secrets/db", False),
        ("GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305", False),
        ("PATH=/usr/bin", False),
        ("TOKENIZERS_PARALLELISM=false", False),
    ],
)
def test_a_secret_variable_is_a_secret_sounding_name_with_a_value(item, found):
    matches = scan_env(item)
    assert bool(matches) is found
    if found:
        (match,) = matches
        assert match.path == CONFIG_ENV
        name, _, value = item.partition("=")
        assert match.redacted == f"{name}=…({len(value)} chars)"


def test_a_token_in_any_variable_is_found_by_its_rule():
    token, _ = CASES["github-token"]
    assert {m.rule for m in scan_env(f"SETTING={token}")} == {"github-token"}


def test_history_steps_show_env_arg_and_build_args():
    assert step_pairs("ENV DB_PASSWORD=hunter2 MODE=prod") == [("DB_PASSWORD", "hunter2"), ("MODE", "prod")]
    assert step_pairs("ARG NPM_TOKEN=abc") == [("NPM_TOKEN", "abc")]
    assert step_pairs("/bin/sh -c #(nop)  ENV DB_PASSWORD=hunter2") == [("DB_PASSWORD", "hunter2")]
    assert step_pairs("RUN |1 NPM_TOKEN=abc /bin/sh -c npm ci # buildkit") == [("NPM_TOKEN", "abc")]
    assert step_pairs("RUN /bin/sh -c export A=1 # buildkit") == []


def test_a_build_arg_s_value_in_the_history_is_a_finding_and_a_plain_run_is_not():
    (match,) = scan_step("RUN |1 NPM_TOKEN=abcdef /bin/sh -c npm ci # buildkit")
    assert (match.rule, match.path, match.redacted) == ("secret-variable", HISTORY, "NPM_TOKEN=…(6 chars)")
    assert scan_step("RUN /bin/sh -c apt-get update # buildkit") == []
    # a token written into the step as parts is no token in the history
    assert scan_step("RUN /bin/sh -c printf '%s_%s' ghp " + PATTERN) == []


def test_a_token_pasted_into_a_run_line_is_found_in_the_history():
    token, _ = CASES["npm-token"]
    assert [m.rule for m in scan_step(f"RUN /bin/sh -c echo {token} > .npmrc # buildkit")] == ["npm-token"]


def test_an_instruction_shown_with_a_finding_has_its_tokens_and_secret_values_redacted():
    token, _ = CASES["npm-token"]
    shown = scrubbed(f"RUN |1 DB_PASSWORD=hunter2secret /bin/sh -c echo {token} > .npmrc # buildkit")
    assert token not in shown
    assert "hunter2secret" not in shown
    assert f"{token[:4]}…({len(token)} chars)" in shown
    assert "DB_PASSWORD=…(13 chars)" in shown
    assert scrubbed('ENV API_TOKEN="s3cr3t-value"') == "ENV API_TOKEN=…(12 chars)"


def test_a_finding_in_the_history_never_repeats_the_token_in_its_instruction():
    token, _ = CASES["github-token"]
    step = f"RUN /bin/sh -c echo {token} > /etc/token # buildkit"
    found = findings([[]], [[]], stack([[]]), history=[{"created_by": step}])
    assert [f.rule for f in found] == ["github-token"]
    assert token not in found[0].created_by


def test_every_rule_has_a_unique_id_and_a_title():
    assert len(BY_ID) == len(RULES)
    assert all(rule.title for rule in RULES)


TOKEN = CASES["github-token"][0]
#: A token written in layer 1 and deleted in layer 2; another written in layer 1 and replaced in layer 2;
#: a third one that stays; a .env file that stays.
LAYERS = [
    [directory("etc"), file("etc/base", 100)],
    [
        directory("etc/sdk"),
        file("etc/sdk/credentials.toml", f'token = "{TOKEN}"\n'.encode()),
        file("etc/sdk/replaced", f"{TOKEN}\n".encode()),
        file("etc/sdk/kept", f"{TOKEN}\n".encode()),
    ],
    [whiteout("etc/sdk/credentials.toml"), file("etc/sdk/replaced", b"nothing here\n"), file("app/.env", b"A=1\n")],
]
STEPS = ["RUN /bin/sh -c base # buildkit", "RUN /bin/sh -c write # buildkit", "RUN /bin/sh -c delete # buildkit"]


def scanned() -> ImageContents:
    archive = docker_archive(LAYERS, tag="t:1", history=STEPS)
    _, config, layers, found = read_archive(io.BytesIO(archive), scan_content)
    return ImageContents(
        ref="t:1",
        image_id="sha256:" + "0" * 64,
        size_bytes=sum(e.size for layer in layers for e in layer),
        history=tuple(config["history"]),
        layers=tuple(layers),
        source="docker-archive",
        diff_ids=tuple(config["rootfs"]["diff_ids"]),
        env=("DB_PASSWORD=hunter2",),
        found=tuple(found),
    )


def test_a_token_a_later_layer_deleted_is_reported_in_the_layer_that_wrote_it():
    contents = scanned()
    result = analysis_of(contents)
    assert result.secrets is not None
    by_path = {f.path: f for f in result.secrets}
    deleted = by_path["etc/sdk/credentials.toml"]
    assert (deleted.rule, deleted.layer, deleted.visible, deleted.hidden_by, deleted.replaced) == (
        "github-token",
        1,
        False,
        2,
        False,
    )
    assert deleted.state == "deleted in layer 2"
    assert deleted.diff_id == contents.diff_ids[1]
    assert deleted.created_by == STEPS[1]
    assert by_path["etc/sdk/replaced"].state == "replaced in layer 2"
    assert by_path["etc/sdk/kept"].state == "still visible"
    assert by_path["app/.env"].rule == "dotenv"
    assert by_path[CONFIG_ENV].rule == "secret-variable"


def test_the_report_and_the_json_name_the_place_layer_and_step_but_never_the_value():
    result = analysis_of(scanned())
    text, data = render(result), to_dict(result)
    assert TOKEN not in text
    assert TOKEN not in str(data)
    assert "hunter2" not in text + str(data)
    assert "github-token: /etc/sdk/credentials.toml, layer 1 (" in text
    assert "deleted in layer 2" in text
    assert "added by: RUN write" in text
    row = next(s for s in data["secrets"] if s["path"] == "etc/sdk/credentials.toml")
    assert {k: row[k] for k in ("rule", "layer", "visible", "hidden_by")} == {
        "rule": "github-token",
        "layer": 1,
        "visible": False,
        "hidden_by": 2,
    }
    assert row["redacted"] == f"ghp_…({len(TOKEN)} chars)"


def test_layers_read_without_their_contents_report_no_secrets_section():
    archive = docker_archive(LAYERS, tag="t:1", history=STEPS)
    _, config, layers, found = read_archive(io.BytesIO(archive))
    assert found == [(), (), ()]
    result = analysis_of(
        ImageContents(
            ref="t:1", image_id="x", size_bytes=0, history=tuple(config["history"]), layers=tuple(layers), source="save"
        )
    )
    assert result.secrets is None
    assert "secrets" not in to_dict(result)
    assert "secrets (" not in render(result)


def test_an_image_with_nothing_secret_says_so():
    layers = [[Entry("etc/base", 10)]]
    found = findings(layers, [()], stack(layers))
    assert found == ()


def test_the_report_links_to_a_section_the_guide_has():
    page = Path(__file__).resolve().parent.parent / "docs" / f"{SECRETS_SECTION.page}.rst"
    assert f".. _{SECRETS_SECTION.anchor}:" in page.read_text(encoding="utf-8")
