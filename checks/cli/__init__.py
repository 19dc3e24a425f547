"""Command line: ``python -m checks verify|grade|workshop|bases|clean|analyze|diff|lint|locale``.

Exit codes: 0 every claim holds; 1 a claim fails (or an ``analyze`` budget is broken); 2 bad input or environment
(one paragraph saying what to do, never a traceback); 3 an internal error (one
line saying where the traceback was written); 130 interrupted (Ctrl-C), with
every container the run started removed; 143 terminated (SIGTERM: ``kill``, a
CI runner's timeout), cleaned up the same way.  Both are the shell's 128 plus
the signal's number.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable

from checks.cli import engine, images, learner, repository, verify
from checks.cli.exits import TERMINATED, Terminated, internal_error, sigterm_unwinds
from checks.cli.labs import Commands
from checks.cli.output import echo
from checks.engine import docker
from checks.model.errors import UsageError
from checks.model.settings import from_process

# What only some commands use is imported by them, so `analyze` starts without the build and verify machinery.


#: Each command's parser, in the order ``--help`` lists them.
COMMANDS: tuple[Callable[[Commands], None], ...] = (
    verify.add_verify,
    verify.add_rejudge,
    learner.add_grade,
    repository.add_locale,
    learner.add_workshop,
    engine.add_bases,
    engine.add_clean,
    images.add_analyze,
    images.add_diff,
    repository.add_lint,
)


def parser() -> argparse.ArgumentParser:
    """The command line's parser: each command's from its family's module (:data:`COMMANDS`)."""
    top = argparse.ArgumentParser(prog="python -m checks", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code (see the module's docstring); never a traceback on screen.

    Ctrl-C and SIGTERM unwind the same way, through every ``with`` block that
    started something; they exit 128 plus the signal's number (130, 143).
    """
    for stream in (sys.stdout, sys.stderr):  # a character the terminal's encoding lacks is escaped, never a crash
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    args = parser().parse_args(argv)
    with sigterm_unwinds():
        try:
            settings = from_process()
            docker.use_host(
                settings.docker_host, tls_verify=settings.docker_tls_verify, cert_path=settings.docker_cert_path
            )
            return int(args.run(args, settings))
        except UsageError as error:
            echo(f"\nslimlab: {error}\n")
            return 2
        except KeyboardInterrupt:
            echo("\nslimlab: interrupted; containers it started were removed.")
            return 130
        except Terminated:
            echo("\nslimlab: terminated (SIGTERM); containers it started were removed.")
            return TERMINATED
        except Exception as error:  # anything unexpected is a bug: one line, never a traceback on screen
            return internal_error(error)
