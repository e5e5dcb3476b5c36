"""Periods of a return placed in the wave: each count in one of the wave's periods, or outside.

A wave declares the periods it is counted in (``data/reference/periods.csv``: one annual
period, two half-years, quarters...; they tile the wave). :func:`assign_period` places each
period of a return in the one declared period that holds it, or keeps a period made of whole
declared periods (a year of a wave asked by half-years) as a period of its own;
:func:`period_problem` says why a period that fits neither (it straddles the wave's boundary or
cuts across a declared period) cannot be used; :func:`period_of_day` places a record's date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def assign_period(
    starts: pd.Series, ends: pd.Series, wave: pd.Series, periods: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """(period, outside) for each counted period: the id of the declared period (``periods``:
    the wave's rows of periods.csv) that holds it, or, for a period that begins where one
    declared period begins and ends where a later one ends, its own id (first month, last
    month); ``outside`` for one entirely outside the wave.

    The period is ``None`` with ``outside`` False for a period that straddles the wave's
    boundary or cuts across a declared period: the caller reports it.
    """
    outside = (ends < wave["start"]) | (starts > wave["end"])
    conditions = [(starts >= p.start) & (ends <= p.end) for p in periods.itertuples()]
    inside = np.logical_or.reduce(conditions) if conditions else np.zeros(len(starts), bool)
    placed = np.select(conditions, list(periods["period"]), default="") if conditions else ""
    period = pd.Series(placed, index=starts.index, dtype=object)
    # A count over several whole periods of the wave (a year where the wave has half-years):
    # kept whole, with a period of its own, never split between them.
    whole = ~inside & starts.isin(set(periods["start"])) & ends.isin(set(periods["end"]))
    whole &= (starts <= ends) & ~outside
    period = period.where(~whole, starts.str[:7] + "_" + ends.str[:7])
    return period.where(~outside & (inside | whole), None), outside


def period_of_day(days: pd.Series, periods: pd.DataFrame) -> pd.Series:
    """The id of the declared period holding each day (ISO text); ``None`` outside them all."""
    conditions = [(days >= p.start) & (days <= p.end) for p in periods.itertuples()]
    placed = np.select(conditions, list(periods["period"]), default="")
    return pd.Series(placed, index=days.index, dtype=object).where(placed != "", None)


def period_problem(start: str, end: str, wave: pd.Series, periods: pd.DataFrame) -> tuple[str, str]:
    """Why a counted period fits in none of the wave's periods, and what to do about it."""
    if start < wave["start"] or end > wave["end"]:
        return (
            f"the period {start} to {end} straddles the wave's boundary "
            f"({wave['start']} to {wave['end']}): part of this count is outside the wave",
            "check the period in the spec; if the force's period really differs, the count "
            "cannot be split: ask the force for figures by the wave's periods",
        )
    spans = periods[(periods["start"] <= end) & (periods["end"] >= start)]
    named = " and ".join(
        f"'{p.period}' ({p.start} to {p.end})" for p in spans.itertuples(index=False)
    )
    return (
        f"the period {start} to {end} cuts across the wave's periods ({named}): it neither "
        "lies within one nor covers whole ones, so its count cannot be placed",
        "check the period in the spec; if it is right, ask the force for figures by the wave's "
        "periods, or change the wave's periods in data/reference/periods.csv so that one holds it",
    )
