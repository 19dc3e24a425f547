"""Lab 0's app: a few lines on purpose, so that nearly every byte of each image is its base.

It reports which interpreter runs it, without the version (the bases need not
agree on it), so all three images print the same line.
"""

import sys

print(f"hello from slimlab: started by {sys.implementation.name}")
