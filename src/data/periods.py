"""The periods of each wave (data/reference/periods.csv), checked: they tile their wave."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from src.errors import InputError
from src.helpers import rel


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def check_periods(periods: pd.DataFrame, waves: pd.DataFrame, file: Path) -> None:
    """Each wave's periods tile it: every period inside its wave, none overlapping another, no
    day of the wave left out; every wave of waves.csv has a period; every period's wave is in
    waves.csv (which :func:`~src.data.reference.load_reference` checks first). A problem is an
    InputError naming the rows of ``periods.csv``."""
    shown = rel(file)
    fix_tile = (
        "give each wave periods that follow one another with no gap and no overlap, from the "
        "wave's start to its end (one annual period, two halves, quarters...)"
    )
    for wave in waves.itertuples(index=False):
        rows = periods[periods["wave"] == wave.wave].sort_values("start")
        if rows.empty:
            raise InputError(
                shown,
                f"wave '{wave.wave}'",
                f"the wave {wave.wave} (waves.csv) has no period",
                f"add at least one row for it, e.g. {wave.wave},{wave.start[:7]}_"
                f"{wave.end[:7]},{wave.start},{wave.end},<label> (one annual period)",
            )
        for i, row in rows.iterrows():
            if row["start"] < wave.start or row["end"] > wave.end:
                raise InputError(
                    shown,
                    f"row {i + 2} (period '{row['period']}')",
                    f"the period {row['start']} to {row['end']} is not inside its wave "
                    f"{wave.wave} ({wave.start} to {wave.end})",
                    "correct the period's dates, or its wave",
                )
        previous = None
        expected = _day(wave.start)
        for i, row in rows.iterrows():
            start = _day(row["start"])
            if previous is not None and start <= _day(previous[1]["end"]):
                raise InputError(
                    shown,
                    f"rows {previous[0] + 2} and {i + 2}",
                    f"the periods '{previous[1]['period']}' and '{row['period']}' of wave "
                    f"{wave.wave} overlap ({row['start']} is not after {previous[1]['end']}), "
                    "so a count could be placed in both",
                    fix_tile,
                )
            if start != expected:
                where = (
                    f"before row {i + 2}"
                    if previous is None
                    else (f"between rows {previous[0] + 2} and {i + 2}")
                )
                raise InputError(
                    shown,
                    where,
                    f"the periods of wave {wave.wave} leave a gap: {expected.isoformat()} to "
                    f"{(start - dt.timedelta(days=1)).isoformat()} is in no period",
                    fix_tile,
                )
            expected = _day(row["end"]) + dt.timedelta(days=1)
            previous = (i, row)
        if expected != _day(wave.end) + dt.timedelta(days=1):
            raise InputError(
                shown,
                f"after row {previous[0] + 2}",
                f"the periods of wave {wave.wave} leave a gap: {expected.isoformat()} to "
                f"{wave.end} is in no period",
                fix_tile,
            )
