"""One fake secret for each rule of checks.inspect.secrets, and what of it no output may ever show.

Every value is put together from parts at run time, so no literal in the
repository looks like a real credential to a secret scanner.  A value's
*tell* is a run of its characters past what a report may show of it (the
rule's public prefix, at most 4 characters): finding the tell anywhere in an
output means the value leaked, whole or cut.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Random-looking characters: capitals and digits with no hex run, so no digest or size can hold a tell by chance.
BODY = "Q7XZRW3KPVJ9MTY2HN5BQ8LC4GSD6FWX"
LOWER = "q7xzrw3kpvj9mty2hn5bq8lc4gsd6fwx"


def join(*parts: str) -> str:
    return "".join(parts)


@dataclass(frozen=True)
class Secret:
    #: The rule that finds it (``secret-variable`` for a build arg or an ``ENV`` with a secret-sounding name).
    rule: str
    #: The value as an image would hold it.
    value: str
    #: Characters of it that no output may show.
    tell: str
    #: How a history step, an ``ENV`` entry or a build arg carries it: ``NAME=value`` or the value alone.
    name: str = "CONFIG"


def _token(rule: str, prefix: str, body: str) -> Secret:
    return Secret(rule, prefix + body, body[:8])


KEY_LINES = ("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + BODY + "\n") * 3
PRIVATE_KEY = join("-----BEGIN ", "RSA PRIVATE", " KEY-----\n", KEY_LINES, "-----END RSA PRIVATE KEY-----")

SECRETS = (
    _token("aws-access-key", join("AK", "IA"), BODY[:16]),
    _token("github-token", join("gh", "p_"), (BODY + LOWER)[:36]),
    _token("gitlab-token", join("gl", "pat-"), BODY[:24]),
    _token("npm-token", join("np", "m_"), (BODY + LOWER)[:36]),
    _token("pypi-token", join("py", "pi-AgE"), (BODY + LOWER) * 2),
    _token("slack-token", join("xo", "xb-"), "1234567890-" + BODY[:16]),
    _token("stripe-key", join("sk", "_live_"), BODY[:24]),
    _token("google-api-key", join("AI", "za"), (BODY + LOWER)[:35]),
    Secret("private-key", PRIVATE_KEY, BODY[:8]),
    Secret("secret-variable", join("hunter2", BODY[:10]), join("hunter2", BODY[:4]), name="DB_PASSWORD"),
    Secret("secret-variable", join("tok-", BODY[10:22]), BODY[10:18], name="NPM_TOKEN"),
)


def pair(secret: Secret) -> str:
    """The secret as an ``ENV`` entry or a build arg sets it."""
    return f"{secret.name}={secret.value}"


def written(secret: Secret) -> str:
    """The secret as a text that holds it would: a token or a key as itself, a secret variable with its name."""
    return pair(secret) if secret.rule == "secret-variable" else secret.value
