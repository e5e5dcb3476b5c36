"""Render the report, reports/report.html (the findings page) and reports/annex.html (its
technical annex, beside it), and record their provenance.

Run by `make` after the notebooks (`make report`). The page is built from the computed tables
only (data/processed/, reports/tables/, reports/figures/); see src/report/.

    .venv/bin/python scripts/build_report.py [--tables DIR] [--figures DIR] [--out FILE]

A missing or bad input stops it with that InputError's message alone (exit 1); anything else is
reported as unexpected, with its traceback in build/logs/build_report.log (exit 3).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from src.errors import run_main
from src.helpers import ROOT, rel
from src.provenance import write_provenance
from src.report import Paths, build_report

LOG = ROOT / "build" / "logs" / "build_report.log"


def parse_args(argv: list[str]) -> Paths:
    defaults = Paths()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processed", type=Path, default=defaults.processed)
    parser.add_argument("--tables", type=Path, default=defaults.tables)
    parser.add_argument("--figures", type=Path, default=defaults.figures)
    parser.add_argument("--out", type=Path, default=defaults.out)
    args = parser.parse_args(argv)
    return Paths(
        processed=args.processed.resolve(),
        tables=args.tables.resolve(),
        figures=args.figures.resolve(),
        out=args.out.resolve(),
    )


def main(argv: list[str] | None = None) -> int:
    paths = parse_args(sys.argv[1:] if argv is None else argv)
    out, inputs = build_report(paths)
    parameters = {
        "processed": paths.name(paths.processed),
        "tables": paths.name(paths.tables),
        "figures": paths.name(paths.figures),
        "out": paths.name(paths.out),
        "annex": paths.name(paths.annex),
    }
    write_provenance(out.parent, "report", parameters, inputs)
    print(f"report: {rel(out)}, {rel(paths.annex)}")
    return 0


if __name__ == "__main__":
    run_main(main, LOG)
