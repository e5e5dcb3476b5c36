"""Measure how long a rebuild takes and how it grows with the returns; write bench/README.md.

Run by `make bench` (not part of `make test`; tests/tools/test_benchmark_smoke.py runs its smallest
sizes). In about a quarter of an hour on two cores it measures:

(a) a no-op `make`; (b) a full rebuild, step by step; (c) the notebooks under papermill against
the same code as plain Python (each way three times, taking turns), all in a copy of the working tree under build/, so the
project's outputs are never touched; (d) the cleaning step on each of the repository's waves
alone, on generated corpora of 1, 10 and 30 waves and on record-level extracts of 10 thousand,
1 million and 10 million rows, each in a fresh process, with its peak memory and, in the same
process, its floor (every file opened and its cells read, nothing else).

    .venv/bin/python -m bench [--out bench/README.md] [--waves 1 10 30]
        [--records 10000 1000000 10000000] [--repeats 5] [--samples 3] [--no-rebuild]

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
**Made faster for the cleaning step (this round).**

- *Cleaning in one pass.* Every table of a wave is read first; their cells are then put in one
  frame and parsed, mapped, placed in the wave's periods and checked together
  (`src/clean/tables.py`, `clean_tables`), where each table was a frame of its own, cleaned
  with some fifty pandas calls (about 48 ms a table, whatever its size). What is truly one
  table's, its reconciliation against its printed totals and its log rows, is done on plain
  rows. A problem is still reported at the first cell that has it, with the same message.
- *Each file parsed once.* A workbook is checked and opened once, however many of the spec's
  tables it holds; a PDF page once, however many tables are on it.
- *Set-up paid once.* Specs are parsed by libyaml where PyYAML has it (a text libyaml refuses
  is parsed again by PyYAML, so the message is the same); pandera sets up its checks when
  `src.data.schemas` is imported, not on the first validation.
- *Record-level extracts streamed.* An extract is decoded and checked a block at a time, its
  crime references read (that column only) to find the repeated ones, then read by pyarrow
  in batches of 32 MiB (`src.clean.extracts.open_records`); each batch is cleaned, typed and
  validated against the `records` schema and appended to `records.csv`, which is put
  together, and moved into place with the other tables, only once every check has passed.
  Memory is bounded by the batch, not by the rows. Each distinct text is classified once for
  the whole extract, and each distinct date and offence code is parsed once.
- *Writing `records.csv`.* pyarrow writes the rows when no field needs quoting (told never to
  quote, it refuses a field that would need it, and pandas writes that batch instead); the two
  write the same bytes, several times faster.

**Made faster before.**

- *Starting a notebook.* `scripts/run_notebook.py` starts the kernel before it imports papermill
  (`src/runner/kernels.py`, `PrestartedKernelEngine` in `src/runner/notebooks.py`), writes the
  executed copy once, when the notebook ends, merges stream outputs in the notebook client and
  stops the kernel without a grace period. The start-up table in (c) compares an empty notebook
  under the runner and under papermill's own command line.
- *Showing the figures.* `notebooks/30-figures.ipynb` shows the SVG it has just saved instead of
  letting matplotlib's inline backend draw every figure again as a PNG.

**Slow, and left as it is:**

- *Reading the returns is most of a wave.* pdfplumber's table finder lays out every character
  of a page (pdfminer) before it finds the ruled cells, some 40 ms a page; openpyxl takes tens
  of milliseconds to open a workbook. Both are in the floor. pypdfium2 extracts a page's text
  some forty times faster, but has no table finder: reading the cells from it would mean a
  table finder of our own.
- *What a run checks before it reads a return.* Every reference table is checked against its
  schema, every spec against its model, every file against the manifest's checksum: about a
  third of a second, whatever the number of waves. That is why one wave costs more than twice
  its floor, while ten waves cost far less than ten times one.
- *Each notebook imports its libraries again.* Every notebook runs in a fresh kernel, which
  imports pandas, and for the findings scipy and statsmodels, for the figures matplotlib. It is
  most of what separates the notebooks from plain Python in (c), and most of `make` from a
  cleaned tree: the price of steps that stand alone, that make reruns only when their inputs
  change and runs side by side.
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
    parser.add_argument("--waves", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 1_000_000, 10_000_000])
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
        step("(d) the repository's waves, each alone")
        repository = bench.measure_repository_waves(work)
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
        repository=repository,
        total_seconds=time.perf_counter() - start,
    )
    write_text(args.out, bench.render(results, NOTES))
    failed = [c for c in bench.checks(results) if c.passed is False]
    for check in bench.checks(results):
        verdict = check.verdict.strip("*")
        target = f" ({check.target})" if check.target else ""
        step(f"{verdict}  {check.measure}: {check.measured}{target}")
    step(f"wrote {rel(args.out)} in {bench.seconds(results.total_seconds)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
