"""Shared set-up of the test suite.

The tree mirrors ``src/``: ``tests/clean/``, ``tests/findings/``, ``tests/figures/`` and
``tests/report/`` test each step's package, ``tests/shared/`` the ground and the shared layer,
``tests/data/`` the repository's own data, ``tests/pipeline/`` the whole product end to end
(notebooks, broken returns, browser, environment, README, the import rules), and
``tests/tools/`` the simulation and the benchmark, which no product test imports.

This folder is on ``sys.path`` (pytest puts a rootdir ``conftest.py``'s folder there), so the
support modules beside this file (``fixtures/corpus.py``, ``page_measures.py``,
``make_variables.py``) import by name from any subfolder.
"""
