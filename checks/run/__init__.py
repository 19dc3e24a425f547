"""A run: plan -> probes -> judge -> results, written to results.json; the side-by-side early schedule; progress
as typed events. May import :mod:`checks.measure` and everything below it; never the learner, guide or command line.
"""
