"""checks.engine.trust: which CAs the host adds (from files in a temporary folder), and official images made to
trust them (with the engine's calls replaced by fakes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.engine import containers, docker, images, trust
from checks.engine.buildx import Built
from checks.engine.trust import CONTEXT_FOLDER, HostCAs, ca_bundle, host_cas, trusting, write_anchors
from checks.model.certs import BUNDLE, LOCAL_ANCHORS, NPM_CAFILE, NPM_GLOBAL_CONFIG, anchors, certificates, pem
from checks.model.errors import UsageError
from checks.model.results import BaseUse
from checks.model.settings import from_environ

#: The order README.md and docs/reference.rst promise after SLIMLAB_CA_BUNDLE, written out, not read from the code.
DOCUMENTED = ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
MOZILLA, DROPPED, PROXY, OTHER = (bytes([n]) * (600 + n) for n in range(4))


def bundle(tmp_path: Path, name: str, *ders: bytes) -> str:
    path = tmp_path / f"{name}.pem"
    path.write_text("".join(pem(der) for der in ders) or "-----BEGIN CERTIFICATE-----\n", encoding="ascii")
    return str(path)


@pytest.fixture
def distribution(tmp_path: Path) -> Path:
    """The host distribution's own CAs, as Debian keeps them: one .crt file each, in folders."""
    folder = tmp_path / "share" / "ca-certificates"
    (folder / "mozilla").mkdir(parents=True)
    (folder / "mozilla" / "Mozilla_Root.crt").write_text(pem(MOZILLA), encoding="ascii")
    (folder / "mozilla" / "Dropped_Root.crt").write_text(pem(DROPPED), encoding="ascii")
    return folder


# ca_bundle: which file is read


def fallbacks(environ: dict[str, str]) -> tuple[str, ...]:
    """The bundles the settings parsed from ``environ`` hand :func:`ca_bundle` after SLIMLAB_CA_BUNDLE."""
    return from_environ(environ).ca_fallbacks


def test_slimlab_ca_bundle_comes_first(tmp_path):
    environ = {key: bundle(tmp_path, key) for key in DOCUMENTED}
    explicit = bundle(tmp_path, "explicit")
    assert ca_bundle(explicit, fallbacks(environ), default=bundle(tmp_path, "default")) == explicit


def test_slimlab_ca_bundle_naming_no_file_is_an_error_that_says_what_to_do(tmp_path):
    with pytest.raises(UsageError, match=r"SLIMLAB_CA_BUNDLE='.*gone\.pem' is not a file\. Point it at"):
        ca_bundle(str(tmp_path / "gone.pem"), ())


@pytest.mark.parametrize("index", range(len(DOCUMENTED)))
def test_each_variable_wins_over_the_ones_after_it_in_the_documented_order(tmp_path, index):
    environ = {key: bundle(tmp_path, key) for key in reversed(DOCUMENTED[index:])}
    assert ca_bundle(None, fallbacks(environ), default=bundle(tmp_path, "default")) == environ[DOCUMENTED[index]]


def test_a_variable_naming_a_missing_file_or_a_folder_is_skipped(tmp_path):
    environ = {"PIP_CERT": str(tmp_path / "gone.pem"), "SSL_CERT_FILE": str(tmp_path)}
    environ["REQUESTS_CA_BUNDLE"] = bundle(tmp_path, "requests")
    assert ca_bundle(None, fallbacks(environ), default=str(tmp_path / "none")) == environ["REQUESTS_CA_BUNDLE"]


def test_the_default_bundle_is_used_when_no_variable_names_one(tmp_path):
    default = bundle(tmp_path, "default")
    assert ca_bundle(None, (str(tmp_path / "gone.pem"),), default=default) == default


def test_there_is_no_bundle_when_nothing_exists(tmp_path):
    missing = tuple(str(tmp_path / f"{key}.pem") for key in DOCUMENTED)
    assert ca_bundle(None, missing, default=str(tmp_path / "none")) is None


# host_cas: which certificates the host adds


def test_the_host_adds_what_its_bundle_holds_beyond_its_distribution_s_set(tmp_path, distribution):
    host = bundle(tmp_path, "host", MOZILLA, PROXY, DROPPED)
    found = host_cas(None, (host,), default="", distribution=distribution)
    assert found == HostCAs(added=(PROXY,), bundle=host, explicit=False)


def test_a_host_with_only_its_distribution_s_cas_adds_none(tmp_path, distribution):
    default = bundle(tmp_path, "system", MOZILLA, DROPPED)
    assert host_cas(None, (), default=default, distribution=distribution).added == ()


def test_without_a_distribution_set_a_bundle_found_on_its_own_adds_nothing(tmp_path):
    default = bundle(tmp_path, "system", MOZILLA, PROXY)
    assert host_cas(None, (), default=default, distribution=tmp_path / "none").added == ()


def test_an_explicit_bundle_counts_whole_without_a_distribution_set_and_is_explicit(tmp_path):
    explicit = bundle(tmp_path, "proxy", PROXY, OTHER)
    found = host_cas(explicit, (), default="", distribution=tmp_path / "none")
    assert found == HostCAs(added=(PROXY, OTHER), bundle=explicit, explicit=True)


def test_an_explicit_bundle_also_leaves_the_distribution_s_set_out(tmp_path, distribution):
    explicit = bundle(tmp_path, "whole", MOZILLA, PROXY)
    assert host_cas(explicit, (), default="", distribution=distribution).added == (PROXY,)


def test_a_bundle_that_is_not_pem_is_an_error_naming_it(tmp_path, distribution):
    broken = tmp_path / "broken.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n", encoding="ascii")
    with pytest.raises(UsageError, match=rf"{broken} cannot be read as a CA bundle \(certificate 1 is not base64"):
        host_cas(str(broken), (), distribution=distribution)


def test_the_settings_bundles_are_used_never_the_process_environment(monkeypatch, tmp_path, distribution):
    monkeypatch.setenv("PIP_CERT", bundle(tmp_path, "process", PROXY))
    assert host_cas(None, (), default="", distribution=distribution) == HostCAs()


# write_anchors: what a stand-in's context receives


def test_write_anchors_writes_one_file_a_certificate_in_the_context_folder(tmp_path):
    write_anchors(tmp_path, (PROXY, OTHER))
    written = sorted((tmp_path / CONTEXT_FOLDER).iterdir())
    assert [path.name for path in written] == sorted(anchors((PROXY, OTHER)))
    assert {certificates(path.read_text())[0] for path in written} == {PROXY, OTHER}


def test_write_anchors_writes_nothing_when_the_host_adds_nothing(tmp_path):
    write_anchors(tmp_path, ())
    assert list(tmp_path.iterdir()) == []


# trusting: official images, changed only when asked

OFFICIAL = BaseUse(name="node:26-trixie-slim", source="official", image="node:26-trixie-slim", image_id="sha256:0f")


@pytest.fixture
def engine(monkeypatch):
    """Fake engine calls: the image holds ``files``; each build records its Dockerfile and context files."""
    state: dict = {"files": {BUNDLE: pem(MOZILLA).encode(), trust.NPM: b"{}"}, "builds": [], "tags": {}}

    def build(request, *, echo):
        context = request.context
        state["builds"].append((request, {path.name: path.read_text() for path in context.iterdir() if path.is_file()}))
        return Built(image_id="sha256:built")

    monkeypatch.setattr(containers, "image_files", lambda image, paths: {p: state["files"].get(p) for p in paths})
    monkeypatch.setattr(images, "inspect_image", state["tags"].get)
    monkeypatch.setattr(docker, "build", build)
    return state


def test_an_official_image_is_left_alone_unless_slimlab_ca_bundle_names_the_cas(engine):
    host = HostCAs(added=(PROXY,), bundle="/etc/ssl/certs/ca-certificates.crt", explicit=False)
    assert trusting(OFFICIAL, host, builder=None, echo=print) is OFFICIAL
    assert engine["builds"] == []


def test_an_official_image_that_trusts_every_ca_already_is_left_alone(engine):
    engine["files"][BUNDLE] = (pem(MOZILLA) + pem(PROXY)).encode()
    host = HostCAs(added=(PROXY,), bundle="proxy.pem", explicit=True)
    assert trusting(OFFICIAL, host, builder=None, echo=print) is OFFICIAL


def test_an_official_image_gets_the_cas_it_lacks_its_bundle_and_npm_pointed_at_it(engine):
    host = HostCAs(added=(PROXY, MOZILLA), bundle="proxy.pem", explicit=True)
    use = trusting(OFFICIAL, host, builder=None, echo=lambda line: None)
    [(request, files)] = engine["builds"]
    assert use == BaseUse(name=OFFICIAL.name, source="official", image=request.tag, image_id="sha256:built")
    assert request.tag.startswith("slimlab-base/node-26-trixie-slim-with-ca:")
    assert request.labels[docker.MANAGED_LABEL] == "true"
    [anchor] = anchors((PROXY,))
    assert certificates(files[anchor]) == (PROXY,)
    assert certificates(files["ca-certificates.crt"]) == (MOZILLA, PROXY)
    assert files["npmrc"] == f"cafile={BUNDLE}\n"
    dockerfile = files["Dockerfile"]
    assert f"FROM {OFFICIAL.name}\n" in dockerfile
    assert f"COPY {anchor} {LOCAL_ANCHORS}/\n" in dockerfile
    assert NPM_GLOBAL_CONFIG in dockerfile


def test_an_image_without_a_bundle_or_npm_only_gets_the_anchors(engine):
    engine["files"] = {}
    trusting(OFFICIAL, HostCAs(added=(PROXY,), explicit=True), builder=None, echo=lambda line: None)
    [(_, files)] = engine["builds"]
    assert sorted(files) == sorted(["Dockerfile", *anchors((PROXY,))])


def test_an_official_image_with_npm_and_no_bundle_gets_npm_pointed_at_the_cas_it_lacks(engine):
    engine["files"] = {trust.NPM: b"{}"}  # the official node slim images: Node.js's npm, no ca-certificates
    trusting(OFFICIAL, HostCAs(added=(PROXY,), explicit=True), builder=None, echo=lambda line: None)
    [(_, files)] = engine["builds"]
    assert certificates(files["host-ca-certificates.crt"]) == (PROXY,)
    assert files["npmrc"] == f"cafile={NPM_CAFILE}\n"
    assert "ca-certificates.crt" not in files
    assert f"COPY host-ca-certificates.crt {NPM_CAFILE}\n" in files["Dockerfile"]


def test_an_official_image_made_to_trust_the_cas_before_is_not_built_again(engine):
    host = HostCAs(added=(PROXY,), explicit=True)
    first = trusting(OFFICIAL, host, builder=None, echo=lambda line: None)
    engine["tags"][first.image] = {"Id": "sha256:built"}
    assert trusting(OFFICIAL, host, builder=None, echo=lambda line: None) == first
    assert len(engine["builds"]) == 1
