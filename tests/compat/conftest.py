"""tests/compat exercise mmhdf's opt-in pieces in this process.

They are applied here as mmhdf's tools and configs apply them
(:func:`mmhdf.compat.apply`); ``import mmhdf`` alone leaves mmengine as it is
(tests/compat/test_host_hygiene.py checks that in clean subprocesses).
"""
import mmhdf.compat

mmhdf.compat.apply()
