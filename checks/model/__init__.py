"""The pure model: lab specs, claim kinds, measurements, results, settings, links and units.

Plain functions over data, no I/O beyond reading a lab's own files; imports nothing else of ``checks``.
"""
