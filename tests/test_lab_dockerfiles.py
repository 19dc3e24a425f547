"""The lab Dockerfiles the guide shows: nothing for this build machine's network, and lines that fit a code block.

Readers copy these files into their projects. A line that exists only because
the machine that measured them sits behind a TLS-inspecting proxy would be
copied too; the stand-in bases trust the host's CAs instead
(checks/engine/trust.py), so the files stay what is built.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

LABS = Path(__file__).resolve().parent.parent / "labs"
DOCKERFILES = sorted(LABS.glob("*/*.Dockerfile"))
#: The width of a code block on the guide's pages: a longer line is cut.
WIDTH = 80

#: What a Dockerfile carries only for a build machine's network, and why each is that.
NETWORK_ONLY = {
    r"id=ca-certificates": "the secret the checker once handed builds: the host's CA bundle",
    r"\bPIP_CERT\b": "points pip at a CA bundle other than the image's own",
    r"\bNODE_EXTRA_CA_CERTS\b": "adds CAs to Node.js's store for this build",
    r"\bREQUESTS_CA_BUNDLE\b|\bCURL_CA_BUNDLE\b": "points requests or curl at another CA bundle",
    r"\bSSL_CERT_(FILE|DIR)\b": "points OpenSSL at another CA bundle",
    r"\bGIT_SSL_CAINFO\b": "points git at another CA bundle",
    r"\bcafile\b": "npm's option for another CA file (npm config set cafile, --cafile)",
    r"--cert\b": "pip's option for another CA bundle",
    r"--trusted-host\b|strict-ssl|NODE_TLS_REJECT_UNAUTHORIZED": "turns certificate checks off",
    r"update-ca-certificates|/usr/local/share/ca-certificates": "adds CAs of the machine's own to the image",
    r"(?i)\b(https?|no)_proxy\b": "the build machine's proxy",
}


def offending(text: str) -> list[tuple[int, str]]:
    """(line number, reason) for each line of a Dockerfile that carries something of :data:`NETWORK_ONLY`."""
    return [
        (number, reason)
        for number, line in enumerate(text.splitlines(), start=1)
        for pattern, reason in NETWORK_ONLY.items()
        if re.search(pattern, line)
    ]


def test_there_are_lab_dockerfiles_to_check():
    assert len(DOCKERFILES) > 50


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_a_lab_dockerfile_carries_nothing_for_the_build_machine_s_network(dockerfile):
    found = offending(dockerfile.read_text(encoding="utf-8"))
    assert not found, "\n".join(f"{dockerfile}:{number}: {reason}" for number, reason in found)


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_a_lab_dockerfile_line_fits_a_code_block(dockerfile):
    lines = dockerfile.read_text(encoding="utf-8").splitlines()
    long = [f"{dockerfile}:{n}: {len(line)} characters" for n, line in enumerate(lines, start=1) if len(line) > WIDTH]
    assert not long, "\n".join(long)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            "RUN --mount=type=secret,id=ca-certificates,target=/etc/ssl/certs/ca-certificates.crt,required=false \\",
            NETWORK_ONLY[r"id=ca-certificates"],
        ),
        (
            "    PIP_CERT=/etc/ssl/certs/ca-certificates.crt pip install -r requirements.txt",
            NETWORK_ONLY[r"\bPIP_CERT\b"],
        ),
        ("    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm ci", NETWORK_ONLY[r"\bNODE_EXTRA_CA_CERTS\b"]),
        ("RUN npm config set cafile /etc/ssl/certs/ca-certificates.crt", NETWORK_ONLY[r"\bcafile\b"]),
        ("RUN pip install --cert /ca.pem -r requirements.txt", NETWORK_ONLY[r"--cert\b"]),
        ("ENV SSL_CERT_FILE=/ca.pem", NETWORK_ONLY[r"\bSSL_CERT_(FILE|DIR)\b"]),
        ("ARG HTTPS_PROXY", NETWORK_ONLY[r"(?i)\b(https?|no)_proxy\b"]),
        (
            "COPY proxy.crt /usr/local/share/ca-certificates/",
            NETWORK_ONLY[r"update-ca-certificates|/usr/local/share/ca-certificates"],
        ),
    ],
)
def test_each_kind_of_network_line_is_found_with_its_reason(line, reason):
    assert offending(f"FROM python:3.13-slim-trixie\n{line}\n") == [(2, reason)]


def test_a_lab_s_own_ca_bundle_and_plain_installs_are_not_network_lines():
    text = (
        "RUN apt-get install -y --no-install-recommends ca-certificates\n"
        "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n"
        "RUN pip install --no-cache-dir -r requirements.txt && npm ci --omit=dev\n"
    )
    assert offending(text) == []
