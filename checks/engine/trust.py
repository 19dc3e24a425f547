"""The CAs this machine adds to its distribution's, read from the host; official images made to trust them.

Behind a TLS-inspecting proxy, pip and npm inside a build must trust the
proxy's CA. Lab Dockerfiles carry nothing for that: the bases they build on
trust it already.

- Stand-ins (:mod:`checks.engine.bases`) are built on this machine for this
  machine: their recipes' contexts get the host's own CAs (:class:`HostCAs`),
  and the ``debian:trixie-slim`` stand-in, which every other one builds on,
  keeps them where Debian keeps local CAs, so each ``apt-get install
  ca-certificates`` above it bundles them. A recipe's hash covers them.
- An official image is only changed when ``SLIMLAB_CA_BUNDLE`` names a bundle:
  :func:`trusting` builds an image on it that adds the CAs it lacks, reached
  through the named context of its name, like a stand-in. Official images are
  what the guide is measured against; a local CA that builds may not need
  should not change them unasked.

Which certificates those are is :mod:`checks.model.certs`'s pure logic.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from checks.engine import containers, docker, images
from checks.engine.buildx import BuildRequest
from checks.engine.docker import MANAGED_LABEL
from checks.model import certs
from checks.model.errors import UsageError
from checks.model.results import BaseUse

DEFAULT_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
#: The distribution's own CAs on Debian, Ubuntu and Alpine hosts, one ``.crt`` file each.
DISTRIBUTION_CAS = Path("/usr/share/ca-certificates")
#: The folder of a stand-in's build context that holds the host's CAs (:func:`write_anchors`).
CONTEXT_FOLDER = "host-ca"
#: Where Node.js's own build keeps npm, in the official node images.
NPM = "/usr/local/lib/node_modules/npm/package.json"


@dataclass(frozen=True, kw_only=True)
class HostCAs:
    """The CAs the host trusts beyond its distribution's set."""

    #: Their DER bytes, in the bundle's order.
    added: tuple[bytes, ...] = ()
    #: The bundle they were read from, if any.
    bundle: str | None = None
    #: ``SLIMLAB_CA_BUNDLE`` named it: official bases are made to trust them too.
    explicit: bool = False


def ca_bundle(explicit: str | None, fallbacks: Sequence[str], default: str = DEFAULT_CA_BUNDLE) -> str | None:
    """The host's CA bundle: ``explicit`` (``SLIMLAB_CA_BUNDLE``), else the first of ``fallbacks`` (the bundles
    ``PIP_CERT``, ``SSL_CERT_FILE`` and ``REQUESTS_CA_BUNDLE`` name, in that order: ``Settings.ca_fallbacks``)
    that is a file, else ``default`` when it is one. An ``explicit`` path that is not a file is a UsageError: it
    was asked for."""
    if explicit:
        if not Path(explicit).is_file():
            raise UsageError(
                f"SLIMLAB_CA_BUNDLE={explicit!r} is not a file. Point it at a PEM file of the CAs builds must "
                "trust (a TLS-inspecting proxy's), or unset it, and run the command again."
            )
        return explicit
    for candidate in [*fallbacks, default]:
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def host_cas(
    explicit: str | None,
    fallbacks: Sequence[str],
    *,
    default: str = DEFAULT_CA_BUNDLE,
    distribution: Path = DISTRIBUTION_CAS,
) -> HostCAs:
    """The certificates of the host's bundle (:func:`ca_bundle`) that its distribution does not ship.

    Without a distribution set to compare with, a bundle found on its own says nothing about which of its
    CAs the host added, so none are; one named explicitly is taken whole (less what images already trust).
    """
    bundle = ca_bundle(explicit, fallbacks, default)
    if bundle is None:
        return HostCAs()
    own = "".join(path.read_text(errors="replace") for path in sorted(distribution.rglob("*.crt")))
    if not own and not explicit:
        return HostCAs(bundle=bundle)
    try:
        added = certs.missing(Path(bundle).read_text(errors="replace"), own)
    except (OSError, ValueError) as error:
        raise UsageError(
            f"{bundle} cannot be read as a CA bundle ({error}). Point SLIMLAB_CA_BUNDLE at a PEM file of "
            "certificates and run the command again."
        ) from None
    return HostCAs(added=added, bundle=bundle, explicit=bool(explicit))


def write_anchors(context: Path, added: tuple[bytes, ...]) -> None:
    """The host's CAs into a stand-in's build context, one file each (:data:`CONTEXT_FOLDER`); none, no folder."""
    if added:
        folder = context / CONTEXT_FOLDER
        folder.mkdir()
        for name, text in certs.anchors(added).items():
            (folder / name).write_text(text, encoding="ascii")


def trusting(official: BaseUse, host: HostCAs, *, builder: str | None, echo: Callable[[str], None]) -> BaseUse:
    """``official`` as it is, or, when ``SLIMLAB_CA_BUNDLE`` names CAs it does not trust, an image built on it
    that does (:func:`checks.model.certs.trusting_dockerfile`), tagged by the official image and those CAs."""
    if not (host.explicit and host.added):
        return official
    read = containers.image_files(official.image_id, (certs.BUNDLE, NPM))
    bundle = (read[certs.BUNDLE] or b"").decode(errors="replace")
    added = certs.lacking(host.added, bundle)
    if not added:
        return official
    digest = hashlib.sha256(f"{official.image_id}\0{certs.fingerprint(added)}".encode()).hexdigest()[:12]
    tag = f"slimlab-base/{official.name.replace('/', '-').replace(':', '-')}-with-ca:{digest}"
    if (built := images.inspect_image(tag)) is not None:
        return BaseUse(name=official.name, source="official", image=tag, image_id=built["Id"])
    echo(f"base {official.name}: adding {len(added)} CA(s) of SLIMLAB_CA_BUNDLE to the official image as {tag}")
    files = certs.anchors(added)
    with tempfile.TemporaryDirectory(prefix="slimlab-ca-") as tmp:
        context = Path(tmp)
        for name, text in files.items():
            (context / name).write_text(text, encoding="ascii")
        has_bundle, npm = read[certs.BUNDLE] is not None, read[NPM] is not None
        if has_bundle:
            (context / "ca-certificates.crt").write_text(certs.with_certificates(bundle, added), encoding="utf-8")
        if npm and not has_bundle:
            cafile = PurePosixPath(certs.NPM_CAFILE)
            (context / cafile.name).write_text("".join(certs.pem(der) for der in added), encoding="ascii")
        if npm:
            (context / "npmrc").write_text(
                certs.npmrc(certs.BUNDLE if has_bundle else certs.NPM_CAFILE), encoding="ascii"
            )
        dockerfile = context / "Dockerfile"
        dockerfile.write_text(certs.trusting_dockerfile(official.name, files, bundle=has_bundle, npm=npm))
        image_id = docker.build(
            BuildRequest(
                dockerfile=dockerfile,
                context=context,
                tag=tag,
                labels={MANAGED_LABEL: "true", "org.slimlab.trusting": official.name},
                contexts={},
                builder=builder,
            ),
            echo=lambda line: echo(f"    {official.name}: {line}"),
        ).image_id
    return BaseUse(name=official.name, source="official", image=tag, image_id=image_id)
