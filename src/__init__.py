"""Code for the FOI platform analysis: reading returns, cleaning, statistics and charts.

Notebooks import from here (``from src import helpers``); the logic lives here, with tests
in ``tests/``.
"""
