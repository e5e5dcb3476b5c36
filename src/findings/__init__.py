"""Step 20: ``data/processed/`` to ``reports/tables/``.

The headline shares, their comparison with the published figures, their uncertainty, the
regional and per-force tables and the words around them. The face of the step is
:func:`load_inputs`, :func:`build` and :func:`write_tables`.
"""

from src.findings.run import Findings, Inputs, Params, build, load_inputs, write_tables

__all__ = ["Findings", "Inputs", "Params", "build", "load_inputs", "write_tables"]
