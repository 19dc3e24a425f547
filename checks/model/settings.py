"""Every environment variable slimlab reads, declared once and parsed once, in :func:`checks.cli.main`.

Each :class:`Setting` names its variable, its default, what it accepts and
what it does; :func:`from_environ` reads them all from a mapping (the
environment), so a bad value fails before any work starts: exit 2, naming
the variable and what it accepts.  An unknown ``SLIMLAB_`` variable (a typo)
fails the same way, with the closest known name.  CONTRIBUTING.md's settings
table lists the same declarations.

Some variables belong to other programs and slimlab reads them too, in the
same parse: ``DOCKER_HOST``, its TLS variables and ``BUILDX_BUILDER`` (:data:`BORROWED`), the
CA bundles pip and requests read (:data:`CA_FALLBACKS`) and the locale
(:data:`checks.model.i18n.LOCALE`).  No other code reads the environment: it
is handed the parsed :class:`Settings`, and passes the environment on, unread,
only to the processes it starts (``tests/test_architecture.py`` fails when a
module reads it).
"""

from __future__ import annotations

import difflib
import os
import string
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from checks.model import i18n
from checks.model.errors import UsageError
from checks.model.links import DEFAULT_DOCS_URL

PREFIX = "SLIMLAB_"


@dataclass(frozen=True, kw_only=True)
class Setting:
    """One environment variable: how it is spelled, parsed and explained."""

    #: The variable, e.g. ``SLIMLAB_PULL_TIMEOUT``.
    env: str
    #: The :class:`Settings` field it sets ("" for variables only the set-up scripts read).
    field: str
    #: The value when the variable is unset or empty, as text.
    default: str
    #: What it accepts, for error messages: ``a number of seconds above 0``.
    accepts: str
    #: What it does, for CONTRIBUTING.md's settings table and ``--help``.
    help: str
    #: Text in, value out; raises ValueError for text that means nothing.
    parse: Callable[[str], Any] = str


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        word = text.strip().lower()
        if word not in allowed:
            close = difflib.get_close_matches(word, allowed, n=1)
            raise ValueError(f"did you mean '{close[0]}'?" if close else "")
        return word

    return parse


def _seconds(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = float(text)
        if not low < value <= high:
            raise ValueError("")
        return value

    return parse


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text.strip())
        if not low <= value <= high:
            raise ValueError("")
        return value

    return parse


def _switch(text: str) -> bool:
    """``1``/``on`` or ``0``/``off``."""
    return _choice("1", "on", "0", "off")(text) in ("1", "on")


def _optional(text: str) -> str | None:
    return text.strip() or None


def _url(text: str) -> str | None:
    text = text.strip().rstrip("/")
    if text and not text.startswith(("http://", "https://")):
        raise ValueError("")
    return text or None


#: The schemes of an engine address the Docker SDK connects to (``docker.utils.parse_host``); an address with
#: none, such as ``127.0.0.1:2375``, is tcp.
ENGINE_SCHEMES = ("unix", "tcp", "ssh", "npipe", "http", "https", "http+unix")


def _engine_address(text: str) -> str | None:
    """``DOCKER_HOST``: an address whose scheme the Docker SDK rejects is an error now, not at the first call."""
    text = text.strip()
    scheme = urllib.parse.urlparse(text).scheme
    # the SDK's own test: a "scheme" with other characters than letters and + is a host with no scheme
    if scheme and set(scheme) <= set(string.ascii_lowercase + "+") and scheme not in ENGINE_SCHEMES:
        close = difflib.get_close_matches(scheme, ENGINE_SCHEMES, n=1)
        raise ValueError(f"did you mean '{close[0]}://'?" if close else "")
    return text or None


#: ``SLIMLAB_PULL_MEASURE`` words: (compressed sizes, pull times).
MEASURE_MODES = {
    "1": (True, True),
    "on": (True, True),
    "size": (True, False),
    "0": (False, False),
    "off": (False, False),
}

SETTINGS: tuple[Setting, ...] = (
    Setting(
        env="SLIMLAB_PULL",
        field="pull",
        default="missing",
        accepts="'missing' or 'never'",
        parse=_choice("missing", "never"),
        help="`never`: never try to pull official base images (use or build stand-ins)",
    ),
    Setting(
        env="SLIMLAB_PULL_TIMEOUT",
        field="pull_timeout",
        default="20",
        accepts="a number of seconds above 0, at most 3600",
        parse=_seconds(0, 3600),
        help="seconds a pull of an official base image may take",
    ),
    Setting(
        env="SLIMLAB_PULL_MEASURE",
        field="pull_measure",
        default="1",
        accepts="1 (compressed sizes and pull times), size (compressed sizes only) or 0 (neither)",
        parse=_choice(*MEASURE_MODES),
        help="`0`: measure no compressed size or pull time; `size`: compressed size only",
    ),
    Setting(
        env="SLIMLAB_PULL_RUNS",
        field="pull_runs",
        default="3",
        accepts="a whole number of cold pulls from 1 to 20",
        parse=_whole(1, 20),
        help="cold pulls of each variant a pull claim judges (the median is recorded); "
        "a before or after that none judges is pulled once, a point on the pull-speed chart; "
        "the variants in between are sized but not pulled",
    ),
    Setting(
        env="SLIMLAB_FLOOR",
        field="floor",
        default="1",
        accepts="1 (measure) or 0 (do not)",
        parse=_switch,
        help="`0`: do not trace smoke tests for the runtime floor (the files each app opens; needs strace)",
    ),
    Setting(
        env="SLIMLAB_REBUILD",
        field="rebuild",
        default="1",
        accepts="1 (rebuild) or 0 (do not)",
        parse=_switch,
        help="`0`: do not build each lab's after once more from an empty build cache to see whether it is reproducible",
    ),
    Setting(
        env="SLIMLAB_STORES",
        field="stores",
        default="1",
        accepts="1 (every store a lab names) or 0 (the main engine's only)",
        parse=_switch,
        help="`0`: verify no lab on another image store than the main engine's (no second engine is started)",
    ),
    Setting(
        env="SLIMLAB_DEBIAN_MIRROR",
        field="debian_mirror",
        default="",
        accepts="a Debian mirror URL (http:// or https://)",
        parse=_url,
        help="Debian mirror for stand-ins (default: the one in the host's apt sources)",
    ),
    Setting(
        env="SLIMLAB_CA_BUNDLE",
        # Its fallbacks (CA_FALLBACKS, parsed below) are tried after it by checks.engine.trust.host_cas.
        field="ca_bundle",
        default="",
        accepts="the path of a PEM CA bundle",
        parse=_optional,
        help="CAs builds must trust (a TLS-inspecting proxy's): stand-in bases trust those of this bundle "
        "that the host's distribution does not ship, and official bases are given the ones they lack "
        "(unset: stand-ins only, from `PIP_CERT`, `SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE` or the system bundle)",
    ),
    Setting(
        env="SLIMLAB_DOCS_URL",
        field="docs_url",
        default=DEFAULT_DOCS_URL,
        accepts="a URL or a folder",
        parse=lambda text: text.strip().rstrip("/") or DEFAULT_DOCS_URL,
        help="where failure messages link to",
    ),
    Setting(
        env="SLIMLAB_LAYERS",
        field="layers",
        default="auto",
        accepts="auto, storage or save",
        parse=_choice("auto", "storage", "save"),
        help="where `analyze` reads layers: the engine's storage (the classic store's layers, or containerd's "
        "content store), `docker save`, or the first that works",
    ),
    Setting(
        env="SLIMLAB_REGISTRY_BIN",
        field="registry_bin",
        default="",
        accepts="the path of the distribution registry binary",
        parse=_optional,
        help="the registry binary (default: `docker-registry` on PATH)",
    ),
    Setting(
        env="SLIMLAB_ENGINE_TIMEOUT",
        field="engine_timeout",
        default="60",
        accepts="a number of seconds above 0, at most 3600",
        parse=_seconds(0, 3600),
        help="seconds to wait for an engine (`dockerd`, or the second, empty one) to answer",
    ),
    Setting(
        env="SLIMLAB_DOCKERD_LOG",
        field="",
        default="/var/log/slimlab-dockerd.log",
        accepts="a file path",
        help="where checks/setup/engine.sh writes the log of the `dockerd` it starts",
    ),
    Setting(
        env="SLIMLAB_CHROMIUM",
        field="",
        default="",
        accepts="the path of a Chromium binary",
        help="the browser the docs browser tests drive (checks/setup/browser.sh)",
    ),
)


#: Variables other programs own that slimlab reads as they do, parsed and checked like its own settings.
BORROWED: tuple[Setting, ...] = (
    Setting(
        env="DOCKER_HOST",
        field="docker_host",
        default="",
        accepts="an engine address: unix:///PATH, tcp://HOST:PORT, ssh://[USER@]HOST or npipe:///PATH",
        parse=_engine_address,
        help="the Docker engine (unset: /var/run/docker.sock); compressed sizes and pull times need a local one",
    ),
    Setting(
        env="BUILDX_BUILDER",
        field="builder",
        default="",
        accepts="the name of a buildx builder",
        parse=_optional,
        help="the buildx builder, as for `docker buildx` itself (`--builder` wins)",
    ),
    Setting(
        env="DOCKER_TLS_VERIFY",
        field="docker_tls_verify",
        default="",
        accepts="any value (TLS, verifying the engine's certificate) or nothing",
        # as the Docker SDK and CLI read it: set to anything but the empty string turns TLS on
        parse=lambda text: bool(text.strip()),
        help="TLS to the engine `DOCKER_HOST` names, as for `docker` itself",
    ),
    Setting(
        env="DOCKER_CERT_PATH",
        field="docker_cert_path",
        default="",
        accepts="the folder of ca.pem, cert.pem and key.pem",
        parse=_optional,
        help="the client certificates for TLS to the engine, as for `docker` itself (setting it turns TLS on)",
    ),
)

#: The CA bundles tried after ``SLIMLAB_CA_BUNDLE``, in this order: the first that is a file counts
#: (:func:`checks.engine.trust.ca_bundle`); one that is not is skipped, as it names another program's bundle.
CA_FALLBACKS = ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Every setting, parsed: what one run of ``python -m checks`` works with."""

    pull: str = "missing"
    pull_timeout: float = 20.0
    pull_measure: str = "1"
    pull_runs: int = 3
    floor: bool = True
    stores: bool = True
    rebuild: bool = True
    debian_mirror: str | None = None
    ca_bundle: str | None = None
    docs_url: str = DEFAULT_DOCS_URL
    layers: str = "auto"
    registry_bin: str | None = None
    engine_timeout: float = 60.0
    #: ``DOCKER_HOST``: the engine's address; None: the Docker SDK's default socket.
    docker_host: str | None = None
    #: ``DOCKER_TLS_VERIFY``: whether the SDK speaks TLS to that engine and checks its certificate.
    docker_tls_verify: bool = False
    #: ``DOCKER_CERT_PATH``: the folder of the client certificates for TLS; None: none named.
    docker_cert_path: str | None = None
    #: ``BUILDX_BUILDER``: the buildx builder when ``--builder`` names none; None: the local engine.
    builder: str | None = None
    #: The bundles :data:`CA_FALLBACKS` name, those set, in that order.
    ca_fallbacks: tuple[str, ...] = ()
    #: The learner's language from the locale (:func:`checks.model.i18n.locale_language`), when ``--lang`` is not given.
    language: str = i18n.SOURCE

    @property
    def measures_sizes(self) -> bool:
        return MEASURE_MODES[self.pull_measure][0]

    @property
    def measures_pulls(self) -> bool:
        return MEASURE_MODES[self.pull_measure][1]


BY_ENV = {setting.env: setting for setting in SETTINGS}
#: Every variable :func:`from_environ` reads; docs/reference.rst documents each.
READ = (*BY_ENV, *(setting.env for setting in BORROWED), *CA_FALLBACKS, *i18n.LOCALE)


def from_process() -> Settings:
    """The settings of this process, parsed from its environment: the one place that reads it
    (:func:`checks.cli.main` calls it once, at start)."""
    return from_environ(os.environ)


def from_environ(environ: Mapping[str, str]) -> Settings:
    """Parse every variable slimlab reads in ``environ``; UsageError for a bad value or an unknown ``SLIMLAB_`` name."""
    for name in environ:
        if name.startswith(PREFIX) and name not in BY_ENV:
            close = difflib.get_close_matches(name, list(BY_ENV), n=1)
            guess = f" Did you mean {close[0]}?" if close else ""
            raise UsageError(
                f"{name} is not a slimlab setting.{guess} The settings are {', '.join(BY_ENV)} "
                "(CONTRIBUTING.md, Settings); unset it or correct its name."
            )
    values = {setting.field: parsed(setting, environ) for setting in (*SETTINGS, *BORROWED) if setting.field}
    return Settings(
        **values,
        ca_fallbacks=tuple(path for name in CA_FALLBACKS if (path := environ.get(name, ""))),
        language=i18n.locale_language(environ),
    )


def parsed(setting: Setting, environ: Mapping[str, str]) -> Any:
    """``setting``'s value in ``environ`` (its default when unset or blank); UsageError naming it for a bad one."""
    text = environ.get(setting.env, "")
    try:
        return setting.parse(text if text.strip() else setting.default)
    except ValueError as error:
        detail = f" ({error})" if str(error) and not str(error).startswith(("could not", "invalid")) else ""
        raise UsageError(
            f"{setting.env}={text!r} is not valid{detail}: it accepts "
            f"{setting.accepts} (default {setting.default or 'unset'}). Correct or unset it and run "
            "the command again."
        ) from None
