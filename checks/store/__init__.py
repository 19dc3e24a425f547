"""The store: what slimlab keeps in files, read and written at this edge alone: each lab's results.json, the
fingerprint of a lab's inputs, the translation catalogs.

May import :mod:`checks.model` only; the engine, the guide and the command line read and write through it.
"""
