"""Counts as printed -> numbers: whole counts, declared withheld markers and their bounds.

:func:`parse_counts` turns the text of a table's count cells into ``count``, ``lower``,
``upper`` and ``withheld``; anything that is not a count (a blank, a negative, a decimal, an
undeclared marker, text) stops the run with an :class:`src.errors.InputError` that says why.
:func:`check_ceiling` then holds every count to a plausible ceiling (``data/reference/limits.csv``,
read by :func:`limits_from_table`), so that a count with digits too many (and a total adjusted
to match it) cannot reach the outputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from src.errors import InputError

# Digits are 0-9 only: Python's \d also matches other scripts' digits (full-width １２).
_WHOLE = re.compile(r"^([0-9]{1,3}(,[0-9]{3})+|[0-9]+)$")
_NEGATIVE = re.compile(r"^[-\u2212]\s*[0-9,]+(\.[0-9]+)?$")
_MAX_DIGITS = 15
_DECIMAL = re.compile(r"^[0-9][0-9,]*\.[0-9]+$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}( 00:00:00)?$")
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
    if any(c.isdigit() and not c.isascii() for c in text):
        return (
            f"'{text}' holds digits other than 0-9 (full-width, or another script's)",
            "retype the count with the digits 0-9 in a corrected copy of the return, or ask "
            "the force for one",
        )
    if _DATE.match(text):
        return (
            f"'{text}' is a date, not a count: a spreadsheet may have turned a range such as "
            "'1-4' into a date",
            "look at the cell as the force sent it; ask the force for the count (or its "
            "withheld marker) as text",
        )
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
    owner = pd.Series(0, index=values.index)
    return parse_counts_by(values, owner, {0: markers}, {0: file}, places)


def _first(flags: pd.Series, owner: pd.Series) -> tuple[object, int]:
    """The index of the first flagged cell, and how many more its table (``owner``) flags."""
    first = flags.idxmax()
    return first, int((flags & (owner == owner[first])).sum()) - 1


def parse_counts_by(
    values: pd.Series,
    owner: pd.Series,
    markers: dict[object, dict[str, tuple[int, int]]],
    files: dict[object, str],
    places: pd.Series,
) -> pd.DataFrame:
    """:func:`parse_counts` for the cells of many tables at once.

    ``owner`` names each cell's table; ``markers`` and ``files`` give each table's declared
    withheld markers and its file as messages show it. A problem is reported at the first cell
    that has one, counting the further such cells of the same table.
    """
    text = values.fillna("").astype(str).str.strip()
    whole = text.str.match(_WHOLE.pattern)
    key = owner.astype(str) + "\x1f" + text
    ends = [
        {f"{t}\x1f{m}": bounds[side] for t, table in markers.items() for m, bounds in table.items()}
        for side in (0, 1)
    ]
    lower, upper = (key.map(end).astype("Int64") for end in ends)
    marker = lower.notna()
    bad = ~(whole | marker)
    if bad.any():
        first, more = _first(bad, owner)
        problem, fix = _bad_count(text[first], markers[owner[first]])
        raise InputError(
            files[owner[first]],
            places[first],
            problem + (f" ({more} more such cell(s) in this table)" if more else ""),
            fix,
        )
    digits = text.where(whole, "").str.replace(",", "", regex=False)
    huge = digits.str.len() > _MAX_DIGITS  # beyond any ceiling, and beyond a 64-bit integer
    if huge.any():
        first = huge.idxmax()
        raise InputError(
            files[owner[first]],
            places[first],
            f"the count '{text[first]}' has {len(digits[first])} digits: no count is that large",
            "check the return (digits repeated or run together?) and ask the force",
        )
    count = pd.to_numeric(digits.where(whole)).astype("Int64")
    return pd.DataFrame(
        {
            "count": count,
            "lower": count.fillna(lower).astype("Int64"),
            "upper": count.fillna(upper).astype("Int64"),
            "withheld": marker.to_numpy(dtype=bool),
        },
        index=values.index,
    )


# --- Plausibility ------------------------------------------------------------------------------

#: The limits ``data/reference/limits.csv`` must give (``limit`` -> what it bounds).
LIMITS = {
    "max_count_per_cell": "instances in one printed count cell (one force, offence group, period)",
}


@dataclass(frozen=True)
class Limits:
    """The plausibility limits of ``limits.csv``; ``source`` is the file as messages show it."""

    max_count_per_cell: int
    source: str


def limits_from_table(table: pd.DataFrame, file: str) -> Limits:
    """``limits.csv`` (columns ``limit``, ``value``, ``note``; read as text) -> :class:`Limits`.

    Every limit of :data:`LIMITS` must be given once, as a positive whole number; any other
    name is an error (a misspelt limit must not be ignored).
    """
    fix = f"give each of {', '.join(LIMITS)} once, as a positive whole number (columns limit, "
    fix += "value, note)"
    missing = [c for c in ("limit", "value", "note") if c not in table.columns]
    if missing:
        raise InputError(file, "header row", f"missing column(s) {', '.join(missing)}", fix)
    values: dict[str, int] = {}
    for i, row in table.iterrows():
        name, value, place = row["limit"].strip(), row["value"].strip(), f"row {i + 2}"
        if name not in LIMITS:
            raise InputError(file, f"{place}, column 'limit'", f"unknown limit '{name}'", fix)
        if name in values:
            raise InputError(file, f"{place}, column 'limit'", f"'{name}' is given twice", fix)
        if not re.fullmatch(r"[1-9]\d*", value.replace(",", "")):
            raise InputError(
                file, f"{place}, column 'value'", f"'{value}' is not a positive whole number", fix
            )
        values[name] = int(value.replace(",", ""))
    absent = [name for name in LIMITS if name not in values]
    if absent:
        raise InputError(file, "", f"no row for {', '.join(absent)}", fix)
    return Limits(**values, source=file)


def check_ceiling(parsed: pd.DataFrame, limits: Limits, file: str, places: pd.Series) -> None:
    """No count (a body cell or a printed total) may exceed ``limits.max_count_per_cell``.

    ``parsed`` is :func:`parse_counts`'s frame; withheld cells are bounded by their marker.
    A count above the ceiling is far more likely an extra digit, or a hostile edit, than real.
    """
    check_ceiling_by(parsed, limits, pd.Series(0, index=parsed.index), {0: file}, places)


def check_ceiling_by(
    parsed: pd.DataFrame,
    limits: Limits,
    owner: pd.Series,
    files: dict[object, str],
    places: pd.Series,
) -> None:
    """:func:`check_ceiling` for the cells of many tables (``owner`` and ``files`` as for
    :func:`parse_counts_by`)."""
    above = parsed["upper"] > limits.max_count_per_cell
    if not above.any():
        return
    first, more = _first(above, owner)
    raise InputError(
        files[owner[first]],
        places[first],
        ("the withheld count's upper bound " if parsed.at[first, "withheld"] else "the count ")
        + f"{int(parsed.at[first, 'upper']):,} is above the plausible ceiling of "
        f"{limits.max_count_per_cell:,} instances in one cell (max_count_per_cell in "
        f"{limits.source})" + (f"; {more} more such cell(s) in this table" if more else ""),
        f"check the return (an extra digit? a total adjusted to match?); if the count is right, "
        f"raise max_count_per_cell in {limits.source}, saying why in its note",
    )
