"""Step 10: ``data/raw/`` to ``data/processed/``.

Every return is read by its spec, its labels mapped, its withheld cells kept as ranges, its
totals reconciled, and the tidy tables validated and written. The face of the step is
:func:`run_clean`; the orchestrator is :mod:`src.clean.run`.
"""

from src.clean.run import CleanResult, read_outcomes, run_clean

__all__ = ["CleanResult", "read_outcomes", "run_clean"]
