"""Shared test helpers (fixture data generators)."""
