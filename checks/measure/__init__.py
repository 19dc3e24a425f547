"""The probes: one per facet of a measurement, (lab, variant, engine adapters) -> that facet, keeping what
:mod:`checks.plan` says still stands. May import the engine and everything below it; never :mod:`checks.run`.
"""
