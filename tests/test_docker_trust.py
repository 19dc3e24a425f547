"""An official image made to trust SLIMLAB_CA_BUNDLE's CAs (checks.engine.trust.trusting), built for real.

No official image can be pulled here, so the "official" images are the
python and node stand-ins with this machine's CAs taken out again. pip and
npm must then reach their registries from an image built on the one made to
trust them; behind a TLS-inspecting proxy (the host adds a CA), they must
fail from the image without them, which shows the CAs are what made the
difference.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.engine import containers, docker, images
from checks.engine.bases import Resolver
from checks.engine.buildx import BuildRequest
from checks.engine.trust import HostCAs, trusting
from checks.model.certs import BUNDLE, LOCAL_ANCHORS, NPM_CAFILE, NPM_GLOBAL_CONFIG, anchors, certificates, pem
from checks.model.errors import UsageError
from checks.model.results import BaseUse

pytestmark = pytest.mark.docker

#: A stand-in without this machine's CAs, as an official image has none: the anchors, a bundle made without
#: them (where the image has Debian's tools), and npm's pointer to them (the node:26 stand-ins).
WITHOUT_HOST_CAS = f"""\
FROM {{base}}
RUN rm -f /usr/local/share/ca-certificates/host-ca-*.crt {NPM_GLOBAL_CONFIG} {NPM_CAFILE} \\
    && if command -v update-ca-certificates > /dev/null; then update-ca-certificates --fresh; fi
"""


def build(dockerfile: str, tag: str, resolver: Resolver, bases: list[BaseUse]) -> str:
    with tempfile.TemporaryDirectory(prefix="slimlab-test-trust-") as tmp:
        path = Path(tmp) / "Dockerfile"
        path.write_text(dockerfile, encoding="utf-8")
        return docker.build(
            BuildRequest(
                dockerfile=path,
                context=Path(tmp),
                tag=tag,
                labels={docker.MANAGED_LABEL: "true"},
                contexts=resolver.contexts(bases),
            ),
            echo=lambda line: None,
        ).image_id


def builds(base: BaseUse, command: str, resolver: Resolver) -> bool:
    """Whether ``command`` runs in a build on ``base``: a build, so that it has the network."""
    try:
        build(f"FROM {base.name}\nRUN {command}\n", "slimlab/test-trust:probe", resolver, [base])
    except UsageError:
        return False
    return True


@pytest.fixture(scope="module")
def resolver(engine) -> Resolver:
    return Resolver(echo=lambda line: None)


@pytest.fixture(scope="module")
def cas(resolver) -> tuple[bytes, ...]:
    """This machine's own CAs; on a machine that adds none, a CA made for the test, which no image trusts."""
    if resolver.host.added:
        return resolver.host.added
    made = subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "/dev/null",
            "-days",
            "1",
            "-subj",
            "/CN=slimlab test CA",
            "-outform",
            "DER",
        ],
        capture_output=True,
        check=True,
    )
    return (made.stdout,)


def official(resolver: Resolver, cas: tuple[bytes, ...], name: str, slug: str) -> Iterator[tuple[BaseUse, BaseUse]]:
    """(the stand-in for ``name`` without this machine's CAs, as if official; the image made to trust them)."""
    stand_in = resolver.resolve(name)
    tag = f"slimlab/test-trust:{slug}"
    image_id = build(WITHOUT_HOST_CAS.format(base=name), tag, resolver, [stand_in])
    lacking = BaseUse(name=tag, source="official", image=tag, image_id=image_id)
    trusted = trusting(lacking, HostCAs(added=cas, explicit=True), builder=None, echo=print)
    yield lacking, trusted
    images.remove_images([trusted.image, tag, "slimlab/test-trust:probe"])


@pytest.fixture(scope="module")
def python(resolver, cas) -> Iterator[tuple[BaseUse, BaseUse]]:
    yield from official(resolver, cas, "python:3.13-slim-trixie", "python")


@pytest.fixture(scope="module")
def node(resolver, cas) -> Iterator[tuple[BaseUse, BaseUse]]:
    yield from official(resolver, cas, "node:26-trixie-slim", "node")


def test_the_trusting_image_adds_each_ca_in_a_file_and_to_the_bundle(python, cas):
    lacking, trusted = python
    assert trusted.image.startswith("slimlab-base/slimlab-test-trust-python-with-ca:")
    paths = [BUNDLE, *(f"{LOCAL_ANCHORS}/{name}" for name in anchors(cas))]
    before, after = containers.image_files(lacking.image_id, paths), containers.image_files(trusted.image_id, paths)
    own = certificates((before[BUNDLE] or b"").decode())
    assert own
    assert certificates((after[BUNDLE] or b"").decode()) == (*own, *cas)
    for path, der in zip(paths[1:], cas, strict=True):
        assert before[path] is None
        assert after[path] == pem(der).encode()


def test_pip_reaches_pypi_from_the_trusting_image_and_only_there_behind_a_proxy(python, resolver):
    lacking, trusted = python
    download = "pip download --no-deps --no-cache-dir -d /tmp/wheels six"
    assert builds(trusted, download, resolver)
    assert builds(lacking, download, resolver) is not bool(resolver.host.added)


def test_npm_reaches_its_registry_from_the_trusting_image_even_with_node_s_own_cas(node, resolver):
    lacking, trusted = node
    # the slim image has no CA bundle: npm is pointed at the CAs it lacks alone
    assert (
        containers.image_files(trusted.image_id, [NPM_GLOBAL_CONFIG])[NPM_GLOBAL_CONFIG]
        == f"cafile={NPM_CAFILE}\n".encode()
    )
    # --use-bundled-ca: the CAs compiled into Node.js only, as the official build trusts
    view = "NODE_OPTIONS=--use-bundled-ca npm view --no-update-notifier six version"
    assert builds(trusted, view, resolver)
    assert builds(lacking, view, resolver) is not bool(resolver.host.added)
