"""The guide's Sphinx extension: directives and roles that show recorded results, never what someone typed.

May import :mod:`checks.model` and :mod:`checks.inspect`; never the engine, so the docs build needs no Docker.
"""

from checks.guide.sphinxext import setup

__all__ = ["setup"]
