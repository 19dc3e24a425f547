"""The engine edge: everything that talks to Docker (the SDK, the buildx CLI), the registry and the second engine.

May import :mod:`checks.model`, :mod:`checks.inspect` and :mod:`checks.plan`; the only package that starts
processes against Docker or the network.
"""
