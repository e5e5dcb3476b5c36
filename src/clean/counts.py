"""Counts as printed -> numbers: whole counts, declared withheld markers and their bounds.

:func:`parse_counts` turns the text of a table's count cells into ``count``, ``lower``,
``upper`` and ``withheld``; anything that is not a count (a blank, a negative, a decimal, an
undeclared marker, text) stops the run with an :class:`src.errors.InputError` that says why.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from src.errors import InputError

_WHOLE = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)$")
_NEGATIVE = re.compile(r"^[-\u2212]\s*[\d,]+(\.\d+)?$")
_DECIMAL = re.compile(r"^\d[\d,]*\.\d+$")
_MARKER_LIKE = re.compile(
    r"^(<|>|&lt;|\u2264|\*|\[|\(|fewer|less|under|below|x$|c$|n/?a$|-$|\u2013$|redact|withh|"
    r"suppress|s\.?\s?40|\d+\s*(-|\u2013|to)\s*\d+$)",
    re.IGNORECASE,
)


def _bad_count(text: str, markers: dict) -> tuple[str, str]:
    """Why ``text`` is not a count, and what to do about it."""
    declared = ", ".join(f"'{m}'" for m in markers) or "none"
    if text == "":
        return (
            "the count cell is empty: a blank is neither a zero nor a withheld count",
            "ask the force what the blank means; until then the return cannot be read",
        )
    if _NEGATIVE.match(text):
        return (
            f"negative count '{text}'",
            "a count cannot be negative: check the return with the force",
        )
    if _DECIMAL.match(text):
        return (f"'{text}' is not a whole number", "counts are whole numbers: check the return")
    if _MARKER_LIKE.match(text):
        return (
            f"'{text}' looks like a withheld-cell marker, but the spec does not declare it "
            f"(declared: {declared})",
            f"add it to 'withheld' in the spec with the bounds the force's convention gives, "
            f'e.g. withheld: {{"{text}": [1, 4]}}',
        )
    return (
        f"'{text}' is not a number (declared withheld markers: {declared})",
        "check the spec points at the count columns; if this is a marker, declare it in 'withheld'",
    )


def parse_counts(
    values: pd.Series, markers: dict[str, tuple[int, int]], file: str, places: pd.Series
) -> pd.DataFrame:
    """Counts from cell text: ``count`` (empty when withheld), ``lower``, ``upper``, ``withheld``.

    Whole numbers, with or without thousands commas ("1,234"), are counts. A marker the spec
    declares (``withheld``) is a withheld count with the force's own bounds. Anything else (a
    blank, a negative, a decimal, an undeclared marker, text) stops the run at the first such
    cell, saying how many more there are.
    """
    text = values.fillna("").astype(str).str.strip()
    whole = text.str.match(_WHOLE.pattern)
    marker = text.isin(list(markers))
    bad = ~(whole | marker)
    if bad.any():
        first = bad.idxmax()
        problem, fix = _bad_count(text[first], markers)
        more = int(bad.sum()) - 1
        raise InputError(
            file,
            places[first],
            problem + (f" ({more} more such cell(s) in this table)" if more else ""),
            fix,
        )
    count = pd.to_numeric(text.where(whole).str.replace(",", "", regex=False)).astype("Int64")
    bounds = {m: b for m, b in markers.items()}
    lower = text.map(lambda t: bounds[t][0] if t in bounds else np.nan)
    upper = text.map(lambda t: bounds[t][1] if t in bounds else np.nan)
    return pd.DataFrame(
        {
            "count": count,
            "lower": count.fillna(lower.astype("Int64")).astype("Int64"),
            "upper": count.fillna(upper.astype("Int64")).astype("Int64"),
            "withheld": marker.to_numpy(dtype=bool),
        },
        index=values.index,
    )
