"""Regenerate the SIMULATED police returns of every simulated wave, byte for byte.

For each wave of simulation/waves.py (2019-10_2020-09 and 2018-04_2019-03) writes every file
under data/raw/waves/<wave>/ (returns, refusal letters, outcomes.csv), the reading specs in
data/reference/specs/<wave>/, the rows of data/raw/MANIFEST.csv (and a row for a published
figures file the manifest does not list yet, provenance real: scripts/add_return.py records
them) and the wave's outcomes table in data/raw/README.md. A published figure the generator
cannot meet stops it with one message naming the figure. Each wave has its
own seed, so regenerating one never changes another's files. `make` never runs this: raw data
is not rebuilt. Real returns are added with scripts/add_return.py, not with this script.

    .venv/bin/python -m simulation [--wave WAVE [--seed N]]
    .venv/bin/python -m simulation --study [N] [--wave WAVE]   # the simulation study only

``--study`` writes data/raw/simulation-study/<wave>.csv (simulation/study.py) and nothing else.
"""

from __future__ import annotations

import argparse

import pandas as pd

from simulation.generate import write_corpus
from simulation.study import STUDY_SEED, run_study, study_csv
from simulation.waves import CONFIGS
from src.data.manifest import update_manifest
from src.errors import run_main
from src.helpers import RAW, REFERENCE, ROOT, write_many

LOG = ROOT / "build" / "logs" / "simulation.log"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wave", choices=sorted(CONFIGS), help="one wave only (default: all)")
    parser.add_argument("--seed", type=int, help="first seed to try (with --wave only)")
    parser.add_argument(
        "--study",
        type=int,
        nargs="?",
        const=200,
        metavar="N",
        help="run the simulation study instead: N seeded draws of each wave (default 200), "
        "written to data/raw/simulation-study/<wave>.csv",
    )
    args = parser.parse_args(argv)
    if args.seed is not None and not args.wave:
        parser.error("--seed needs --wave: each wave has its own seed")
    waves = [args.wave] if args.wave else None
    if args.study is not None:
        return study(args.study, waves or sorted(CONFIGS))
    sims = write_corpus(RAW, REFERENCE / "specs", REFERENCE, seed=args.seed, waves=waves)
    with pd.option_context("display.width", 120, "display.max_rows", 100):
        for wave, sim in sims.items():
            print(f"\n=== {wave}: seed used {sim.seed} (first tried: {CONFIGS[wave].seed})")
            print(f"files: {len(sim.files)} under data/raw/waves/{wave}/; specs: {len(sim.specs)}")
            print(
                "\nEvery published figure under the declared counting convention (withheld "
                "cells at\nthe middle of their range rounded down, known totals from the "
                "printed totals)"
            )
            print(sim.convention.round(3).to_string(index=False))
            print("\nThe true counts at each figure the draw aims at, and the written bounds")
            print(sim.targets.to_string(index=False))
    return 0


def study(n: int, waves: list[str]) -> int:
    """Run the simulation study (simulation/study.py) and record its tables in the manifest."""
    tables = run_study(n, waves)
    outputs, meta = {}, {}
    for wave, table in tables.items():
        path = f"simulation-study/{wave}.csv"
        outputs[RAW / path] = study_csv(table)
        info = CONFIGS[wave]
        meta[path] = {
            "wave": wave,
            "format": "csv",
            "content": "simulation study",
            "period_start": "",
            "period_end": "",
            "provenance": "simulated",
        }
        print(f"\n=== {wave}: {n} draws (seeds from {STUDY_SEED}; the wave's own is {info.seed})")
        with pd.option_context("display.width", 120):
            print(table.to_string(index=False))
    write_many(outputs)
    update_manifest(RAW, meta)
    return 0


if __name__ == "__main__":
    run_main(main, LOG, "python -m simulation")
