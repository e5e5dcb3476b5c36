"""The findings tables as a notebook shows them: numbers in the house formats, headings in words,
missing values as the Government Statistical Service shorthand ``[x]``.

:func:`formatted` turns a table into text cells, each column by its heading and kind in
``data/reference/tables.yaml``: percentages to :data:`~src.vocab.PERCENT_PLACES` with a % sign,
counts with thousands separators (a half count, from a withheld cell at its midpoint, to
:data:`~src.vocab.COUNT_PLACES`), true and false as yes and no, codes of platform groups and
outcomes as their names, and a withheld cell (blank ``c``) as :data:`src.sdc.REDACTED`. :func:`styled` wraps it as a :class:`Shown`: rich HTML (a pandas
Styler, no index) for Jupyter, and plain text that is the same on every run for nbval, which
compares the ``text/plain`` output (a Styler's own is its ``repr``, a memory address).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from src import sdc
from src.data.tables import Column, Table
from src.vocab import (
    COUNT_PLACES,
    LOO_PLACES,
    OUTCOME_LABELS,
    PERCENT_PLACES,
    capitalised,
)

#: Shown in a cell with no value (as in the spreadsheet).
MISSING = "[x]"

NUMERIC_KINDS = {"count", "percent", "points", "unit", "unit_difference", "id", "number"}


def heading(column: Column, names: dict[str, str]) -> str:
    """A column's heading: as described, or, for a column the data names, its platform group's
    name (``names``: the build's) or else its name spaced and capitalised."""
    if column.heading != column.name:
        return column.heading
    if column.name in names:
        return capitalised(names[column.name])
    return str(column.name).replace("_", " ").capitalize()


def words(value: str) -> str:
    """A code as words: ``caveat_known_subset`` -> ``Known subset``."""
    text = re.sub(r"^(caveat|interval)_", "", value).replace("_", " ")
    return text[:1].upper() + text[1:]


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def percent_text(value: float, places: int = PERCENT_PLACES) -> str:
    return f"{value:.{places}f}%"


def count_places(values) -> int:
    """0 when every value is whole, else COUNT_PLACES (a withheld cell at its midpoint can be a
    half)."""
    whole = all(_missing(v) or float(v).is_integer() for v in values)
    return 0 if whole else COUNT_PLACES


def count_text(value: float, signed: bool = False, places: int | None = None) -> str:
    """A count with thousands separators, to ``places`` (by default, :func:`count_places` of
    the value alone)."""
    if places is None:
        places = count_places([value])
    return f"{value:{'+' if signed and value else ''},.{places}f}"


def _cell(value, kind: str, unit, missing: str, places: int | None, names: dict) -> str:
    if _missing(value):
        return missing
    if kind == "bool":
        return "yes" if value else "no"
    if kind == "group":
        return capitalised(names[value]) if value in names else str(value)
    if kind == "outcome":
        return OUTCOME_LABELS.get(value, str(value))
    if kind == "words":
        return words(str(value))
    if kind not in NUMERIC_KINDS:
        return str(value)
    if kind == "id":
        return str(int(value))
    if value == 0:
        value = abs(value)  # no "-0"
    if kind == "percent":
        return percent_text(value)
    if kind == "points":
        return f"{value:{'+' if value else ''}.{LOO_PLACES}f}"
    if kind in ("count", "number"):
        return count_text(value, places=places)
    if kind in ("unit", "unit_difference"):
        if unit not in ("percent", "count"):
            raise ValueError(f"a row's unit is {unit!r}, not 'percent' or 'count'")
        if kind == "unit":
            return percent_text(value) if unit == "percent" else count_text(value)
        if unit == "percent":
            return f"{value:{'+' if value else ''}.{PERCENT_PLACES}f} points"
        return count_text(value, signed=True)
    raise ValueError(f"unknown kind of column {kind!r}")


def described(table: pd.DataFrame, description: Table) -> list[Column]:
    """The description of each column of ``table``."""
    return [description.column(c) for c in table.columns]


def formatted(table: pd.DataFrame, description: Table, names: dict | None = None) -> pd.DataFrame:
    """``table`` (one of the findings tables, described by ``description``) as text cells with
    headings in words, in the same order; see the module's docstring for the formats.
    ``names`` names the build's platform groups."""
    names = names or {}
    columns = described(table, description)
    needs_unit = any(c.kind.startswith("unit") for c in columns)
    if needs_unit and "unit" not in table.columns:
        raise ValueError(f"{description.name}: a column shown by its row's unit needs 'unit'")
    units = list(table["unit"]) if needs_unit else [None] * len(table)
    out = {}
    for column in columns:
        missing = sdc.REDACTED if column.blank == "c" else MISSING
        # A column of counts has one number of places; a row's unit decides cell by cell.
        values = table[column.name]
        places = count_places(values) if column.kind in ("count", "number") else None
        out[heading(column, names)] = [
            _cell(value, column.kind, unit, missing, places, names)
            for value, unit in zip(values, units, strict=True)
        ]
    if len(out) != len(table.columns):
        raise ValueError(f"{description.name}: two columns have the same heading")
    return pd.DataFrame(out, index=range(len(table)), dtype=object)


@dataclass(frozen=True)
class Shown:
    """A table as a notebook shows it: ``styler`` as HTML, ``text`` as plain text.

    Jupyter shows :meth:`_repr_html_`; the plain text (``repr``, and IPython's pretty printer)
    is the formatted table without its index, the same on every run.
    """

    text: pd.DataFrame
    styler: Styler

    def _repr_html_(self) -> str:
        return self.styler.to_html()

    def __repr__(self) -> str:
        return self.text.to_string(index=False)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(repr(self))


def styled(
    table: pd.DataFrame, description: Table, caption: str | None = None, names: dict | None = None
) -> Shown:
    """``table`` formatted (:func:`formatted`) and styled: no index, numbers aligned right, an
    optional caption. The HTML's ids are fixed by the table's name, so the same table gives
    the same HTML on every run."""
    text = formatted(table, description, names)
    columns = described(table, description)
    numeric = [heading(c, names or {}) for c in columns if c.kind in NUMERIC_KINDS]
    left = [("text-align", "left"), ("padding", "0.25em 0.75em")]
    right = [("text-align", "right")]
    styler = (
        text.style.set_uuid(description.name.replace("_", "-"))
        .hide(axis="index")
        .set_table_styles(
            [
                {"selector": "th", "props": [*left, ("vertical-align", "bottom")]},
                {"selector": "td", "props": [*left, ("vertical-align", "top")]},
            ]
        )
        # Numbers, and their headings, line up on the right (``#T_<kind> .col<i>``); a number
        # is never broken across lines.
        .set_table_styles(
            {
                column: [
                    {"selector": "", "props": right},
                    {"selector": "td", "props": [("white-space", "nowrap")]},
                ]
                for column in numeric
            },
            overwrite=False,
        )
    )
    if caption:
        styler = styler.set_caption(caption)
    return Shown(text=text, styler=styler)
