"""Another service of the same fleet: it prints a status line, with the standard library only."""

import platform

print(f"slimlab status: ok on Python {platform.python_version()}")
