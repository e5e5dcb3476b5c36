"""One rule for reading published words: each kind of wording (``comparison`` in the published
files) has one reading and one tolerance, in ``data/reference/readings.csv``
(:func:`~src.data.reference.load_readings`); each verdict a comparison can reach has one
meaning, in ``data/reference/verdicts.csv``. The code applies the rules; the words and numbers
are data."""

from __future__ import annotations

from src.data.reference import load_readings


def tolerance(comparison: str) -> float:
    """The tolerance of a wording's reading; an unknown wording stops with the known ones."""
    table = load_readings()
    if comparison not in table.index:
        raise ValueError(
            f"unknown comparison rule '{comparison}': data/reference/readings.csv reads "
            f"{', '.join(table.index)}"
        )
    return float(table.loc[comparison, "tolerance"])
