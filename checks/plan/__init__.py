"""The plan: which recorded figures still stand, which claims a run leaves unjudged, and the claims' verdicts, as plain
functions over data. May import :mod:`checks.model` only; does no I/O, so every rule is tested with plain values.
"""
