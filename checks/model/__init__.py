"""The pure model: lab specs, claim kinds, measurements, results, settings, links and units.

Plain values and functions over data: it writes no file (results.json and the catalogs are :mod:`checks.store`'s)
and reads only a lab's own and the stand-ins' recorded timings; imports nothing else of ``checks``.
"""
