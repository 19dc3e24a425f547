"""The one error type the command line turns into a clean message and exit code 2."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input or environment: the message says what is wrong and how to fix it.

    The command line prints it as one paragraph and exits 2, with no traceback.
    """
