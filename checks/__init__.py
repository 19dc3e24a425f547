"""slimlab's checker: build each lab's Dockerfiles, measure the images, verify the claims.

The house, bottom to top (``make test`` checks it with import-linter; see
``[tool.importlinter]`` in pyproject.toml):

- :mod:`checks.model`: what a lab, a claim, a measurement and a setting are; imports nothing of ours.
- :mod:`checks.inspect`: image analysis on layer data (layers, waste, removable classes, diff, lint).
- :mod:`checks.plan`, beside it: which recorded figures still stand, which claims a run leaves unjudged, verdicts;
  imports only the model.
- :mod:`checks.store`, beside them: each lab's results.json on disk, read and written, its inputs' fingerprint,
  and the translation catalogs; imports only the model.
- :mod:`checks.engine`: the one edge that talks to Docker, the registry and the second engine: thin adapters.
- :mod:`checks.measure`: one probe per facet of a measurement, (lab, variant, engine adapters) -> that facet.
- :mod:`checks.run`: a run, plan -> probes -> judge -> results.json; the side-by-side schedule.
- :mod:`checks.guide` (the Sphinx extension) and :mod:`checks.learner` (grading, workshop, terminal report).
- :mod:`checks.cli`: the command line, ``python -m checks``.
"""
