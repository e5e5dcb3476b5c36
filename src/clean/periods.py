"""Periods of a return placed in the wave: each count in one half-year (H1/H2), or outside.

:func:`assign_half` places each period; :func:`period_problem` says why a period that fits
neither half (it straddles the wave's boundary or spans both halves) cannot be used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def assign_half(starts: pd.Series, ends: pd.Series, wave: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(half, outside) for each period: ``H1``/``H2`` inside the wave; outside the wave entirely.

    Returns a third state, ``None`` with ``outside`` False, for a period that straddles the
    wave's boundary or both halves: the caller reports it.
    """
    outside = (ends < wave["start"]) | (starts > wave["end"])
    h1 = (starts >= wave["h1_start"]) & (ends <= wave["h1_end"])
    h2 = (starts >= wave["h2_start"]) & (ends <= wave["h2_end"])
    half = pd.Series(np.select([h1, h2], ["H1", "H2"], default=""), index=starts.index)
    return half.where(~outside & (h1 | h2), None), outside


def period_problem(start: str, end: str, wave: pd.Series) -> tuple[str, str]:
    """Why a counted period fits in neither half of the wave, and what to do about it."""
    if start < wave["start"] or end > wave["end"]:
        return (
            f"the period {start} to {end} straddles the wave's boundary "
            f"({wave['start']} to {wave['end']}): part of this count is outside the wave",
            "check the period in the spec; if the force's period really differs, the count "
            "cannot be split: ask the force for figures by the wave's half-years",
        )
    return (
        f"the period {start} to {end} spans both halves of the wave "
        f"({wave['h1_start']} to {wave['h1_end']} and {wave['h2_start']} to {wave['h2_end']})",
        "check the period in the spec; the instances table needs each count in one half",
    )
