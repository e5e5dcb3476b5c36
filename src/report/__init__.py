"""Step 40: the tables and figures to ``reports/report.html`` and ``reports/annex.html``, and
the README's generated blocks. The face is :func:`build_report` (with :class:`Paths`) and
:func:`update_readme`."""

from src.report.run import Paths, build_report, update_readme

__all__ = ["Paths", "build_report", "update_readme"]
