"""checks.model.certs: which CAs a host adds and an image lacks, from PEM text alone."""

from __future__ import annotations

import base64

import pytest

from checks.model.certs import (
    BUNDLE,
    LOCAL_ANCHORS,
    NPM_CAFILE,
    NPM_GLOBAL_CONFIG,
    anchors,
    certificates,
    fingerprint,
    lacking,
    missing,
    npmrc,
    pem,
    trusting_dockerfile,
    with_certificates,
)

# Stand-ins for certificates: the functions compare DER bytes and never parse them.
MOZILLA_A, MOZILLA_B, DROPPED, PROXY, OTHER = (bytes([n]) * (700 + n) for n in range(5))


def bundle(*ders: bytes, comments: bool = False) -> str:
    """PEM text as a bundle holds it; ``comments`` adds the lines some bundles put between blocks."""
    return "".join((f"# certificate {n}\n" if comments else "") + pem(der) for n, der in enumerate(ders))


def test_certificates_reads_each_block_in_order():
    assert certificates(bundle(MOZILLA_B, PROXY, MOZILLA_A)) == (MOZILLA_B, PROXY, MOZILLA_A)


def test_certificates_ignores_comments_and_other_kinds_of_block():
    text = bundle(MOZILLA_A, comments=True) + "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"
    assert certificates(text) == (MOZILLA_A,)


def test_certificates_compares_the_bytes_not_the_line_breaks():
    one_line = "-----BEGIN CERTIFICATE-----\n" + base64.b64encode(PROXY).decode() + "\n-----END CERTIFICATE-----\n"
    assert certificates(one_line + pem(PROXY)) == (PROXY,)


def test_certificates_refuses_a_block_that_is_not_base64():
    with pytest.raises(ValueError, match="certificate 2 is not base64"):
        certificates(pem(MOZILLA_A) + "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n")


def test_missing_is_what_the_first_bundle_holds_and_the_second_does_not():
    host = bundle(MOZILLA_A, DROPPED, MOZILLA_B, PROXY)
    assert missing(host, bundle(MOZILLA_B, MOZILLA_A, DROPPED)) == (PROXY,)


def test_missing_keeps_the_host_order_and_each_certificate_once():
    assert missing(bundle(PROXY, OTHER, PROXY), "") == (PROXY, OTHER)


def test_missing_from_an_image_that_trusts_everything_is_nothing():
    assert missing(bundle(PROXY), bundle(MOZILLA_A, PROXY)) == ()


def test_pem_round_trips_and_wraps_at_64_characters():
    text = pem(OTHER)
    assert certificates(text) == (OTHER,)
    body = text.splitlines()[1:-1]
    assert all(len(line) == 64 for line in body[:-1])
    assert 0 < len(body[-1]) <= 64


def test_anchors_writes_one_crt_file_a_certificate_named_by_its_fingerprint():
    files = anchors((PROXY, OTHER))
    assert len(files) == 2
    assert all(name.startswith("host-ca-") and name.endswith(".crt") for name in files)
    assert [certificates(text) for text in files.values()] == [(PROXY,), (OTHER,)]
    assert anchors((OTHER,)).keys() < files.keys()


def test_the_fingerprint_is_empty_without_certificates_and_ignores_their_order():
    assert fingerprint(()) == ""
    assert fingerprint((PROXY, OTHER)) == fingerprint((OTHER, PROXY)) != fingerprint((PROXY,))


@pytest.mark.parametrize("own", ["", bundle(MOZILLA_A), bundle(MOZILLA_A).rstrip("\n")])
def test_with_certificates_appends_the_added_ones_after_the_image_s_own(own):
    merged = with_certificates(own, (PROXY,))
    assert certificates(merged) == (*certificates(own), PROXY)
    assert merged.startswith(own)


def test_the_trusting_dockerfile_copies_the_anchors_where_the_distribution_keeps_them():
    files = anchors((PROXY,))
    text = trusting_dockerfile("debian:trixie-slim", files, bundle=False, npm=False)
    assert "FROM debian:trixie-slim\n" in text
    assert f"COPY {next(iter(files))} {LOCAL_ANCHORS}/\n" in text
    assert BUNDLE not in text
    assert NPM_GLOBAL_CONFIG not in text
    assert "\nRUN " not in text  # distroless has no shell to run one


def test_the_trusting_dockerfile_replaces_the_bundle_and_points_npm_at_it_when_asked():
    text = trusting_dockerfile("node:26-trixie-slim", anchors((PROXY,)), bundle=True, npm=True)
    assert f"COPY ca-certificates.crt {BUNDLE}\n" in text
    assert f"COPY npmrc {NPM_GLOBAL_CONFIG}\n" in text
    assert npmrc() == f"cafile={BUNDLE}\n"


def test_the_trusting_dockerfile_points_npm_at_the_added_cas_alone_where_the_image_has_no_bundle():
    text = trusting_dockerfile("node:26-trixie-slim", anchors((PROXY,)), bundle=False, npm=True)
    assert f"COPY host-ca-certificates.crt {NPM_CAFILE}\n" in text
    assert f"COPY npmrc {NPM_GLOBAL_CONFIG}\n" in text
    assert BUNDLE not in text
    assert npmrc(NPM_CAFILE) == f"cafile={NPM_CAFILE}\n"


def test_lacking_compares_certificates_already_read_with_a_bundle():
    assert lacking((PROXY, MOZILLA_A, PROXY), bundle(MOZILLA_A)) == (PROXY,)
