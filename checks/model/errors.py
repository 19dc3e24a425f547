"""The errors the command line turns into a clean message and exit code 2."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input or environment: the message says what is wrong and how to fix it.

    The command line prints it as one paragraph and exits 2, with no traceback.
    """


class MalformedError(UsageError):
    """An input slimlab parses (an archive, a layout, a manifest, a config) is not what it should be.

    Raised where the parser finds the fault, saying what is wrong; each reader
    on the way out names where it was (:meth:`at`): the header in a layer, the
    member of an archive, then the file.  Exit 2 like every UsageError: a fault
    in the input, never in slimlab.
    """

    def __init__(self, problem: str, *places: str, fix: str = "") -> None:
        #: What is wrong, as the parser saw it.
        self.problem = problem
        #: Where, outermost first: the file, the member of the archive, ...
        self.places = places
        #: What to do about it, said once at the end.
        self.fix = fix
        super().__init__(self.problem)

    def __reduce__(self) -> tuple[type[MalformedError], tuple[str, ...], dict[str, object]]:
        """Pickled with its places and fix (a reader's child process sends it back whole)."""
        return type(self), (self.problem, *self.places), {"fix": self.fix}

    def at(self, place: str, *, fix: str = "") -> MalformedError:
        """The same fault, found inside ``place``."""
        return MalformedError(self.problem, place, *self.places, fix=fix or self.fix)

    def __str__(self) -> str:
        where = "".join(f"{place}: " for place in self.places)
        end = "" if self.problem.endswith((".", "?", "!")) else "."
        return f"{where}{self.problem}{end}" + (f" {self.fix}" if self.fix else "")
