"""Tests of the sizes app: run `python -m unittest` in app/."""
