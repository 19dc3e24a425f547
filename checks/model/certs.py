"""CA certificates as data: which ones a host adds, which ones an image lacks, and where they go in it.

A machine behind a TLS-inspecting proxy trusts a CA of its own, kept beside
its distribution's set: Debian's ``update-ca-certificates`` bundles
``/usr/share/ca-certificates`` (the Mozilla set) with
``/usr/local/share/ca-certificates`` (the host's own). Builds on that machine
need that CA, and only that one: the rest of the host's bundle is its
distribution's, which may still hold roots a newer image has dropped.
So the certificates an image is given are those of the host's bundle that
are neither in the host's distribution set nor in the image's own bundle,
each in a file of its own where the image's distribution keeps local CAs, so
that its own tools (a later ``apt-get install ca-certificates``) keep them.

Everything here is a function of PEM text; :mod:`checks.engine.bases` reads
the files and builds the images.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

#: Where Debian, Ubuntu and Alpine keep the CAs an administrator adds; their
#: ``update-ca-certificates`` puts each ``*.crt`` file there in the bundle.
LOCAL_ANCHORS = "/usr/local/share/ca-certificates"
#: The bundle those tools write, and the file OpenSSL's default paths lead to on Debian and Alpine.
BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
#: npm's global configuration for a Node.js installed in /usr/local, as the official node images have it.
NPM_GLOBAL_CONFIG = "/usr/local/etc/npmrc"
#: The CA file npm is pointed at in an image without a bundle (the official node slim images have none): the
#: added CAs alone, which npm then trusts instead of the ones Node.js compiles in. The node:26 stand-ins keep
#: them at the same path (``checks/bases/node-26-trixie-slim/install-node.sh``).
NPM_CAFILE = "/usr/local/etc/ssl/host-ca-certificates.crt"

_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.DOTALL)


def certificates(pem: str) -> tuple[bytes, ...]:
    """The DER bytes of each ``CERTIFICATE`` block of ``pem``, in order, each once; text around them
    (comments, other kinds of block) is ignored. ValueError for a block that is not base64."""
    found: dict[bytes, None] = {}
    for number, block in enumerate(_BLOCK.findall(pem), start=1):
        try:
            der = base64.b64decode("".join(block.split()), validate=True)
        except binascii.Error:
            raise ValueError(f"certificate {number} is not base64 between its BEGIN and END lines") from None
        found.setdefault(der, None)
    return tuple(found)


def missing(bundle: str, trusted: str) -> tuple[bytes, ...]:
    """The certificates of ``bundle`` that ``trusted`` does not hold, in ``bundle``'s order."""
    return lacking(certificates(bundle), trusted)


def lacking(added: Iterable[bytes], trusted: str) -> tuple[bytes, ...]:
    """The certificates of ``added`` (DER) that the bundle ``trusted`` does not hold, in their order."""
    known = set(certificates(trusted))
    return tuple(dict.fromkeys(der for der in added if der not in known))


def pem(der: bytes) -> str:
    """One certificate as PEM text, 64 characters a line, as OpenSSL writes it."""
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64))
    return f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"


def anchors(added: Iterable[bytes]) -> dict[str, str]:
    """One ``.crt`` file a certificate, named by its fingerprint (``host-ca-<sha256 prefix>.crt``): OpenSSL's
    ``rehash`` links only files that hold exactly one certificate."""
    return {f"host-ca-{hashlib.sha256(der).hexdigest()[:16]}.crt": pem(der) for der in added}


def fingerprint(added: Iterable[bytes]) -> str:
    """What a recipe's hash covers of the certificates handed to it: empty for none, so that a machine
    that adds no CA builds the same tags as before."""
    ders = sorted(added)
    return hashlib.sha256(b"".join(ders)).hexdigest() if ders else ""


def with_certificates(bundle: str, added: Iterable[bytes]) -> str:
    """``bundle`` with ``added`` after its own certificates, as ``update-ca-certificates`` writes local
    CAs after the distribution's."""
    text = bundle if not bundle or bundle.endswith("\n") else bundle + "\n"
    return text + "".join(pem(der) for der in added)


def trusting_dockerfile(image: str, files: Mapping[str, str], *, bundle: bool, npm: bool) -> str:
    """A Dockerfile that makes ``image`` trust the certificates of ``files`` (:func:`anchors`'s names): each
    file where the distribution keeps local CAs; with ``bundle`` (the image has one), the bundle
    :func:`with_certificates` wrote as ``ca-certificates.crt`` over its own; with ``npm`` (Node.js's own
    build, which trusts only the CAs compiled into it), npm pointed at that bundle, or, without one, at the
    added CAs alone (:data:`NPM_CAFILE`, from the context file of its name). No RUN: images without a shell
    (distroless) take it too."""
    lines = [
        "# The official image, trusting the CAs SLIMLAB_CA_BUNDLE names that it does not trust already.",
        f"FROM {image}",
        f"COPY {' '.join(sorted(files))} {LOCAL_ANCHORS}/",
    ]
    if bundle:
        lines.append(f"COPY ca-certificates.crt {BUNDLE}")
    if npm and not bundle:
        lines.append(f"COPY {PurePosixPath(NPM_CAFILE).name} {NPM_CAFILE}")
    if npm:
        lines.append(f"COPY npmrc {NPM_GLOBAL_CONFIG}")
    return "\n".join(lines) + "\n"


def npmrc(cafile: str = BUNDLE) -> str:
    """npm's global configuration that points it at ``cafile``: the system bundle, or :data:`NPM_CAFILE`."""
    return f"cafile={cafile}\n"
