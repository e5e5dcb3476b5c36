"""Regenerate the SIMULATED police returns of wave 2019-10_2020-09, byte for byte.

Writes every file under data/raw/waves/2019-10_2020-09/ (returns, refusal letters,
outcomes.csv), the reading specs in data/reference/specs/2019-10_2020-09/, the rows of
data/raw/MANIFEST.csv (including the published figures, provenance real) and the outcomes table
in data/raw/README.md. `make` never runs this: raw data is not rebuilt. Real returns are added
with scripts/add_return.py, not with this script.

    .venv/bin/python -m simulation [--seed N]
"""

from __future__ import annotations

import argparse

import pandas as pd

from simulation.generate import DEFAULT_SEED, write_corpus
from src.helpers import RAW, REFERENCE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="first seed to try")
    args = parser.parse_args(argv)
    sim = write_corpus(RAW, REFERENCE / "specs", REFERENCE, seed=args.seed)
    with pd.option_context("display.width", 120, "display.max_rows", 100):
        print(f"seed used: {sim.seed} (first tried: {args.seed})")
        print(
            f"files: {len(sim.files)} under data/raw/waves/{sim.wave.wave}/; specs: {len(sim.specs)}"
        )
        print("\nCount targets: true, and the bounds of the written returns")
        print(sim.targets.to_string(index=False))
        print("\nPublished percentages: from the true counts and with withheld cells at midpoint")
        print(sim.shares.round(2).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
