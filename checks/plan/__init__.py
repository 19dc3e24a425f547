"""The plan: what a run must measure, and which recorded figures still stand, as plain functions over data.

May import :mod:`checks.model` only; does no I/O, so every rule is tested with plain values.
"""
