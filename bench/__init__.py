"""Benchmarks: standalone scripts run with ``python -m bench.<name>`` from the repository root.

Each script documents what it measures; the figures and how they were obtained live in
``docs/benchmarks.md``.
"""
