"""Rewrite the generated blocks of README.md from the computed tables (run by make).

A missing or bad input stops it with that InputError's message alone (exit 1); anything else is
reported as unexpected, with its traceback in build/logs/update_readme.log (exit 3).
"""

from __future__ import annotations

from src.errors import run_main
from src.helpers import ROOT
from src.report import update_readme

LOG = ROOT / "build" / "logs" / "update_readme.log"


def main() -> int:
    update_readme()
    return 0


if __name__ == "__main__":
    run_main(main, LOG)
