"""Measure how long a rebuild takes and how it grows with the returns; write docs/benchmark.md.

Run by `make bench` (not part of `make test`; tests/test_benchmark_smoke.py runs its smallest
sizes). In about seven minutes on two cores it measures:

(a) a no-op `make`; (b) a full rebuild, step by step; (c) the notebooks under papermill against
the same code as plain Python, all in a copy of the working tree under build/, so the
project's outputs are never touched; (d) the cleaning step on generated corpora of 1, 3 and 10
waves and on record-level extracts of 10 thousand, 100 thousand and 1 million rows, each in a
fresh process, with its peak memory.

    .venv/bin/python scripts/benchmark.py [--out docs/benchmark.md] [--waves 1 3 10]
        [--records 10000 100000 1000000] [--repeats 5] [--no-rebuild]

Exits 1 if a measure misses its target (the results file is written either way).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from src import bench
from src.helpers import ROOT, rel, write_text

NOTES = """
**Made faster here.** Reading a PDF return: pdfplumber's table finder parsed a page again for
every table the spec reads from it, and three of the four PDF returns print both half-years on
page 1. `src/readers.py` now parses each page once per file (`read_tables` keeps a page's
tables for the next table on it), which takes about 40% off reading the PDF returns; the
cleaned tables are byte-for-byte the same.

**Already fast before this benchmark.** Record-level extracts are parsed by pyarrow, reading only
the four columns the spec names, and each distinct free text is classified once rather than once
per record; the generator writes a million rows in a vectorised pass.

**Slow, and outside the files this benchmark may change:**

- *Notebook start-up.* Each notebook step runs papermill and then the Makefile's clean-up of
  the executed notebook, and both import nbformat, which imports jsonschema, which imports the
  optional IRI checker `rfc3987_syntax` when it is installed. That module builds its grammar's
  parsers when it is imported (the start-up table in (c) gives the cost), and nothing here
  checks IRIs (python-jsonschema/jsonschema#1428). A notebook step pays it twice: about half of
  the empty notebook's time, and about half of what a make notebook step costs beyond the same
  code run as plain Python. Running papermill and the clean-up in one process with that module
  marked unavailable (so jsonschema skips it, as when it is not installed) took about a third
  off the default rebuild in a trial on a copy of the project, with the same tables, figures
  and report. That is a change to the Makefile's `run_notebook` and `src/notebooks.py`.
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
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmark.md")
    parser.add_argument("--waves", type=int, nargs="+", default=[1, 3, 10])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each no-op make")
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
            rebuild = bench.measure_rebuild(work, args.repeats)
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
    failed = [c for c in bench.checks(results) if not c.passed]
    for check in bench.checks(results):
        verdict = "pass" if check.passed else "FAIL"
        step(f"{verdict}  {check.measure}: {check.measured} ({check.target})")
    step(f"wrote {rel(args.out)} in {bench.seconds(results.total_seconds)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
