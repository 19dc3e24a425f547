"""Image inspection on data already read: layers, dive's waste figures, removable classes, analysis, diff, lint.

May import :mod:`checks.model`; never the engine.
"""
