"""Step 20: ``data/processed/`` to ``reports/tables/``.

The headline shares, their comparison with the published figures, their uncertainty, the
regional and per-force tables and the words around them. The face of the step is
:func:`load_inputs`, :func:`build` and :func:`write_tables` (with :class:`Params`, the
parameters of a build, and :func:`headline_parts`, the per-force parts of the headline count),
and :meth:`Findings.styled`, a table as the notebook shows it (as
``data/reference/tables.yaml`` describes it).

Inside: :mod:`~src.findings.run` (the only module that reads or writes files),
:mod:`~src.findings.params`, :mod:`~src.findings.assemble` (the build), and the subjects it
assembles: :mod:`~src.findings.shares`, :mod:`~src.findings.intervals`,
:mod:`~src.findings.published`, :mod:`~src.findings.national`, :mod:`~src.findings.areas`,
:mod:`~src.findings.text` and :mod:`~src.findings.workbook`; :mod:`~src.findings.display` formats
the tables for the notebook.
"""

from src.findings.assemble import Findings, build, headline_parts
from src.findings.display import Shown
from src.findings.params import Inputs, Params
from src.findings.run import load_inputs, write_tables

__all__ = [
    "Findings",
    "Inputs",
    "Params",
    "Shown",
    "build",
    "headline_parts",
    "load_inputs",
    "write_tables",
]
