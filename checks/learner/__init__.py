"""The learner's path: grading an exercise (``make lab-N``), the workshop kit and the terminal report.

May import :mod:`checks.engine`, :mod:`checks.inspect` and :mod:`checks.model`; never the guide.
"""
