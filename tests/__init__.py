"""mmhdf's test suite.

A regular package on purpose: model-index (a dependency of openmim, the
``mim`` extra) installs a top-level ``tests`` package into site-packages,
which would shadow this folder if it were a namespace package.
"""
