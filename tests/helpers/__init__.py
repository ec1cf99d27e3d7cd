"""Shared test helpers (fixture data generators, fake runners, tool runs).

Shared fixtures that benchmarks also need live in :mod:`mmhdf.testing`.
"""
