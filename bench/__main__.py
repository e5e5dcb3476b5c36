"""Measure how long a rebuild takes and how it grows with the returns; write bench/README.md.

Run by `make bench` (not part of `make test`; tests/tools/test_benchmark_smoke.py runs its smallest
sizes). In about seven minutes on two cores it measures:

(a) a no-op `make`; (b) a full rebuild, step by step; (c) the notebooks under papermill against
the same code as plain Python (each way three times, taking turns), all in a copy of the working tree under build/, so the
project's outputs are never touched; (d) the cleaning step on generated corpora of 1, 3 and 10
waves and on record-level extracts of 10 thousand, 100 thousand and 1 million rows, each in a
fresh process, with its peak memory.

    .venv/bin/python -m bench [--out bench/README.md] [--waves 1 3 10]
        [--records 10000 100000 1000000] [--repeats 5] [--samples 3] [--no-rebuild]

Exits 1 if a measure misses its target (the results file is written either way).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from bench import measures as bench
from src.helpers import ROOT, rel, write_text

NOTES = """
**Made faster here.**

- *Starting a notebook.* `scripts/run_notebook.py` is how the Makefile runs every notebook. It
  starts the kernel before it imports papermill (`src/runner/kernels.py`) and hands it to papermill
  through an engine of papermill's own kind (`src/runner/notebooks.py`, `PrestartedKernelEngine`), so
  the kernel boots while papermill is imported instead of after. The executed copy is written
  once, when the notebook ends (`--no-request-save-on-cell-execute` in the Makefile's
  `PAPERMILL_OPTIONS`); papermill's default writes and validates the whole notebook before
  and after every cell. Stream outputs are merged by the notebook client (nbclient's
  `coalesce_streams`) rather than by nbconvert, whose import alone took longer than running
  an empty notebook now does. The kernel is stopped without a grace period once every cell
  has finished, and the runner ends without tearing down the modules it imported. The
  start-up table in (c) compares an empty notebook under the runner and under papermill's
  own command line.
- *Showing the figures.* `notebooks/30-figures.ipynb` shows the SVG it has just saved
  (`src.figures.show`) instead of letting matplotlib's inline backend draw every figure a
  second time as a PNG. The executed notebooks are several times smaller, and nbval now
  compares the figures themselves (it skips PNGs but compares SVG text).
- *Reading a PDF return.* pdfplumber's table finder parsed a page again for every table the
  spec reads from it, and three of the four PDF returns print both half-years on page 1.
  `src/clean/readers.py` parses each page once per file (`read_tables` keeps a page's tables for the
  next table on it); the cleaned tables are byte-for-byte the same.

**Already fast before this benchmark.** Record-level extracts are parsed by pyarrow, reading only
the four columns the spec names, and each distinct free text is classified once rather than once
per record; the generator writes a million rows in a vectorised pass.

**Slow, and left as it is:**

- *Each notebook imports its libraries again.* Every notebook runs in a fresh kernel, which
  imports pandas, and for the findings scipy and statsmodels, for the figures matplotlib, where
  the plain Python process imports each once. That is most of what remains between the two
  columns of (c), and it is the price of steps that stand alone: make reruns only the steps
  whose inputs changed, runs independent ones side by side under `make -j`, and nothing one
  notebook leaves in memory can change another's results.
- *Writing `records.csv`.* `pandas.DataFrame.to_csv` (through `src.helpers.csv_text`) is about
  half of the million-row time.
- *Cleaning a table* costs tens of milliseconds of pandas overhead whatever its size (about 60
  tables a wave). It grows linearly with the number of waves, as the targets ask.
"""


def commit() -> str:
    """The commit measured, and whether the working tree had changes on top of it."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{head or 'unknown'}" + (" (with uncommitted changes)" if dirty else "")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=bench.RESULTS)
    parser.add_argument("--waves", type=int, nargs="+", default=[1, 3, 10])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each no-op make")
    parser.add_argument(
        "--samples", type=int, default=3, help="runs of each way of running the notebooks, (c)"
    )
    parser.add_argument(
        "--no-rebuild", action="store_true", help="skip (a) to (c): only the scale runs"
    )
    return parser.parse_args(argv)


def step(message: str) -> None:
    print(f"bench: {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    start = time.perf_counter()
    load_before, measured = bench.load_average(), commit()
    with bench.scratch() as work:
        rebuild = None
        if not args.no_rebuild:
            step("(a)-(c) rebuilding a copy of the working tree, step by step")
            rebuild = bench.measure_rebuild(work, args.repeats, args.samples)
        step("(d) baseline: a process that only imports the cleaning step")
        baseline = bench.baseline_run(work)
        step(f"(d) waves: {args.waves}")
        waves = bench.measure_waves(work, args.waves)
        step(f"(d) record-level extracts: {args.records}")
        records = bench.measure_records(work, args.records)
    results = bench.Results(
        machine=bench.machine(),
        load_before=load_before,
        load_after=bench.load_average(),
        commit=measured,
        baseline=baseline,
        waves=waves,
        records=records,
        rebuild=rebuild,
        total_seconds=time.perf_counter() - start,
    )
    write_text(args.out, bench.render(results, NOTES))
    if args.out == bench.RESULTS:
        bench.update_readme(args.out)
    failed = [c for c in bench.checks(results) if c.passed is False]
    for check in bench.checks(results):
        verdict = check.verdict.strip("*")
        target = f" ({check.target})" if check.target else ""
        step(f"{verdict}  {check.measure}: {check.measured}{target}")
    step(f"wrote {rel(args.out)} in {bench.seconds(results.total_seconds)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
