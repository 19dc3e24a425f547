"""Network namespaces for cold pulls: one of our own holding only a loopback interface, and that loopback
throttled to a link's rate (``ip`` and ``tc``, each with a deadline)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from checks.engine import proc
from checks.model.errors import UsageError
from checks.model.pulls import ENV_MODE

#: Seconds one ``ip`` or ``tc`` call may take.
TOOL_TIMEOUT = 30.0
MISSING_IPROUTE = "Debian: apt-get install iproute2"


def tbf(rate_mbit: float) -> list[str]:
    """``tc qdisc`` arguments that throttle an interface to ``rate_mbit`` Mbit/s (a token bucket:
    bursts of at most 256 kB, which a 64 kB loopback packet fits in, and at most 200 ms queued)."""
    return ["root", "tbf", "rate", f"{rate_mbit:g}mbit", "burst", "256kb", "latency", "200ms"]


@contextlib.contextmanager
def network_namespace() -> Iterator[str]:
    """A network namespace of our own holding only a loopback interface; deleted afterwards."""
    name = f"slimlab-pull-{uuid.uuid4().hex[:8]}"
    try:  # from before the add: a signal right after it must not leave the namespace behind
        done = proc.run(
            ["ip", "netns", "add", name],
            timeout=TOOL_TIMEOUT,
            missing=f"Cold pulls run in a network namespace of their own ({MISSING_IPROUTE})",
        )
        if done.returncode:
            raise UsageError(
                f"`ip netns add {name}` failed ({done.stderr.strip()}); cold pulls run in a network namespace of "
                "their own."
            )
        done = proc.run(["ip", "-n", name, "link", "set", "lo", "up"], timeout=TOOL_TIMEOUT, missing=MISSING_IPROUTE)
        if done.returncode:
            raise UsageError(
                f"`ip -n {name} link set lo up` failed ({done.stderr.strip()}); cold pulls need loopback "
                "in their network namespace."
            )
        yield name
    finally:
        proc.quietly(["ip", "netns", "del", name], timeout=TOOL_TIMEOUT)


@contextlib.contextmanager
def throttled(netns: str, rate: float) -> Iterator[None]:
    """The loopback of namespace ``netns`` throttled to ``rate`` Mbit/s while the block runs."""
    done = proc.run(
        ["tc", "-n", netns, "qdisc", "add", "dev", "lo", *tbf(rate)],
        timeout=TOOL_TIMEOUT,
        missing=f"Pulls over a {rate:g} Mbit/s link need tc ({MISSING_IPROUTE}; or set {ENV_MODE}=size)",
    )
    if done.returncode:
        raise UsageError(
            f"`tc qdisc add ... tbf` failed ({done.stderr.strip()}), so pulls over a {rate:g} Mbit/s link "
            f"cannot be timed here. Set {ENV_MODE}=size to skip pull times."
        )
    try:
        yield
    finally:
        proc.quietly(["tc", "-n", netns, "qdisc", "del", "dev", "lo", "root"], timeout=TOOL_TIMEOUT)
