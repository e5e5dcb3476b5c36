"""Numbers as the report writes them: counts, percentages, points and yes/no, the output rule
for counts below the national level, and the key of a headline measure."""

from __future__ import annotations

import math

import pandas as pd

from src import sdc
from src.vocab import COUNT_PLACES, LOO_PLACES, PERCENT_PLACES

#: Text shown in a cell with no value (Analysis Function convention) and for a redacted count.
MISSING = "[x]"
REDACTED = sdc.REDACTED


def number(text: str) -> float | None:
    """A CSV cell as a number, or None when it is empty or not a number."""
    try:
        value = float(str(text).replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def fmt_count(text: str) -> str:
    """A count with thousands separators: whole numbers as they are, others (a sum that holds
    withheld cells at their midpoints) to ``COUNT_PLACES`` decimals."""
    value = number(text)
    if value is None:
        return MISSING
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.{COUNT_PLACES}f}"


def fmt_number(text: str, most: int = 2) -> str:
    """A number from a table the report has no layout for: as many decimals as the table gives,
    up to ``most``, with thousands separators."""
    value = number(text)
    if value is None:
        return MISSING
    if float(value).is_integer():
        return f"{value:,.0f}"
    given = len(str(text).split(".", 1)[1]) if "." in str(text) else 0
    return f"{value:,.{min(given, most)}f}"


def fmt_percent(text: str, places: int = PERCENT_PLACES) -> str:
    value = number(text)
    return MISSING if value is None else f"{value:.{places}f}%"


def fmt_points(text: str, places: int = LOO_PLACES) -> str:
    """A change in percentage points, signed; a change that rounds to nothing as plain zero."""
    value = number(text)
    if value is None:
        return MISSING
    if round(value, places) == 0:
        return f"{0:.{places}f}"
    return f"{value:+.{places}f}"


def fmt_bool(text: str) -> str:
    key = str(text).strip().lower()
    return {"true": "yes", "false": "no", "1": "yes", "0": "no"}.get(key, text or "")


def safe_count(text: str) -> str:
    """A count below the national level, after the output rule: 7 or fewer redacted, others
    rounded to the nearest 5 (:mod:`src.sdc`)."""
    value = number(text)
    if value is None:
        return MISSING
    whole = math.floor(value + 0.5)
    if whole <= sdc.REDACTION_THRESHOLD:
        return REDACTED
    return f"{sdc.round_to_base(whole):,}"


def measure_key(row: pd.Series) -> str:
    """The key of a headline measure: ``<group>_count`` or ``<group>_of_<denominator>``; the
    number of forces (no platform group) is ``forces_count``."""
    group = row["platform_group"] or "forces"
    return f"{group}_count" if row["unit"] == "count" else f"{group}_of_{row['denominator']}"
