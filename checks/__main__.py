"""``python -m checks``: see :mod:`checks.cli`."""

import sys

from checks.cli import main

sys.exit(main())
