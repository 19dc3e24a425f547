"""Nothing an image holds reaches an output unredacted: the scrubber (checks.inspect.secrets.scrubbed) and the walk
that applies it to a whole value (checks.model.scrub)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import pytest
from fake_secrets import SECRETS, Secret, pair
from test_results import sample

from checks.inspect.secrets import CONTENT_RULES, redact, scrubbed
from checks.model.results import to_dict
from checks.model.scrub import NOT_SHOWN, scrub_tree

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
