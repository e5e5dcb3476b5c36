"""The simulated ground truth, written beside the returns it belongs to.

``data/raw/waves/<wave>/simulated-truth.csv`` (manifest content ``simulated truth``) is NOT a
return: no reading spec names it, so the cleaning never reads it. It has one row per printed
cell of every simulated return of the wave (a record-level extract: one row per period,
offence group and platform, the number of records naming it):

- ``force``, ``source_file`` (as the cleaning names files: ``waves/<wave>/<force>/<file>``),
  ``source_place`` (where the cell is, as the cleaning names places: sheet, row and column;
  line and column; page, table, row and column; or the records of a period);
- ``period_start``, ``period_end``, ``offence_group``: the cell's block;
- ``label`` as printed, ``platform`` (the platform id, ``unknown`` for a count whose platform
  was not recorded, empty for an excluded row or a total) and ``kind`` (``platform``,
  ``unknown``, ``excluded`` or ``total``);
- ``printed`` (the count, or the marker printed in its place), ``lower`` and ``upper`` (what a
  reader can infer: the marker's range for a withheld cell, else the count itself), and
  ``true``, the simulated true count.

A printed total's ``true`` is the sum of its block's cells' true values. Cells of a quarter
outside the wave (the quarterly force's last) are listed too: their period says so.
"""

from __future__ import annotations

import io

import pandas as pd

TRUTH_FILE = "simulated-truth.csv"
TRUTH_CONTENT = "simulated truth"
COLUMNS = [
    "force",
    "source_file",
    "source_place",
    "period_start",
    "period_end",
    "offence_group",
    "label",
    "platform",
    "kind",
    "printed",
    "lower",
    "upper",
    "true",
]


def truth_frame(ledger: pd.DataFrame, wave: str) -> pd.DataFrame:
    """The ledger of printed cells as the truth file's table."""
    frame = pd.DataFrame(
        {
            "force": ledger["force"],
            "source_file": f"waves/{wave}/" + ledger["file"],
            "source_place": ledger["place"],
            "period_start": ledger["period_start"].map(str),
            "period_end": ledger["period_end"].map(str),
            "offence_group": ledger["offence_group"],
            "label": ledger["label"],
            "platform": ledger["key"].where(ledger["kind"].isin(["platform", "unknown"]), ""),
            "kind": ledger["kind"],
            "printed": ledger["printed"],
            "lower": ledger["lower"].astype(int),
            "upper": ledger["upper"].astype(int),
            "true": ledger["true"].astype(int),
        },
        columns=COLUMNS,
    )
    return frame.reset_index(drop=True)


def truth_csv(ledger: pd.DataFrame, wave: str) -> bytes:
    """The truth file's bytes (UTF-8, a line feed after each row)."""
    buffer = io.StringIO()
    truth_frame(ledger, wave).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")
