"""The findings tables as a notebook shows them: numbers in the house formats, headings in words,
missing values as the Government Statistical Service shorthand ``[x]``.

:func:`formatted` turns a table into text cells: percentages to
:data:`~src.vocab.PERCENT_PLACES` with a % sign (leave-one-out shares to
:data:`~src.vocab.LOO_PLACES`), counts with thousands separators (a half count, from a withheld
cell at its midpoint, to :data:`~src.vocab.COUNT_PLACES`), true and false as yes and no, slugs
of platform groups and outcomes as their names, and redacted cells of the per-force table as
:data:`src.sdc.REDACTED`. :func:`styled` wraps it as a :class:`Shown`: rich HTML (a pandas
Styler, no index) for Jupyter, and plain text that is the same on every run for nbval, which
compares the ``text/plain`` output (a Styler's own is its ``repr``, a memory address).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from src import sdc
from src.vocab import (
    COUNT_PLACES,
    GROUP_NAMES,
    LOO_PLACES,
    OUTCOME_LABELS,
    PERCENT_PLACES,
    capitalised,
)

#: Shown in a cell with no value (as in the spreadsheet).
MISSING = "[x]"

#: How a column's values are shown: ``percent`` (with a % sign), ``loo_percent`` (a
#: leave-one-out share), ``points`` (a signed change in percentage points), ``count`` (thousands
#: separators), ``unit`` (a percent or a count as the row's ``unit`` says), ``unit_difference``
#: (a difference, signed unless zero, in points on a percent row), ``id`` (a number that is a name, such as
#: a seed), ``bool`` (yes or no), ``group`` (a platform group's name), ``outcome`` (a force's
#: answer in words) and ``text``. Columns not listed are ``bool``, ``count`` or ``text`` by
#: their values.
KINDS = (
    "percent",
    "loo_percent",
    "points",
    "count",
    "unit",
    "unit_difference",
    "id",
    "bool",
    "group",
    "outcome",
    "text",
)
NUMERIC_KINDS = {"percent", "loo_percent", "points", "count", "unit", "unit_difference", "id"}

_SHARE_COLUMNS = {
    "share": "percent",
    "withheld_lowest": "percent",
    "withheld_highest": "percent",
    "wilson_low": "percent",
    "wilson_high": "percent",
    "bootstrap_low": "percent",
    "bootstrap_high": "percent",
    "unknown_bound_low": "percent",
    "unknown_bound_high": "percent",
    "nonresponse_low": "percent",
    "nonresponse_high": "percent",
    "nonresponse_forces": "count",
    "known_share": "percent",
    "unknown_forces": "count",
    "unknown_known": "count",
    "unknown_instances": "count",
    "bootstrap_seed": "id",
    "group": "group",
    "denominator": "group",
}
_COMPARISON_COLUMNS = {
    "platform_group": "group",
    "denominator": "group",
    "computed": "unit",
    "withheld_lowest": "unit",
    "withheld_highest": "unit",
    "computed_lowest": "unit",
    "computed_highest": "unit",
    "published": "unit",
    "difference": "unit_difference",
    "published_share_of_stated_total": "percent",
    "published_share_of_sum_of_parts": "percent",
    "published_counts_share": "percent",
}

#: The kind of each column that its values do not tell, table by table (the names of
#: :attr:`src.findings.Findings.tables`, and ``headline_parts``).
COLUMN_KINDS: dict[str, dict[str, str]] = {
    "headline": _COMPARISON_COLUMNS,
    "regional": _COMPARISON_COLUMNS,
    "published_consistency": {
        "platform_group": "group",
        "denominator": "group",
        "share_of_stated_total": "percent",
        "share_of_sum_of_parts": "percent",
    },
    "release_checks": {},
    "lineage": {"count_of": "group"},
    "series_by_area": {},
    "platform_series": {"value": "percent"},
    "platforms": {"share": "percent", "share_lowest": "percent", "share_highest": "percent"},
    "composition": {"share": "percent", "column": "group"},
    "waves": {"share": "percent", "share_lowest": "percent", "share_highest": "percent"},
    "wave_forces": {},
    "wave_statements": {
        "change_all_forces": "percent",
        "change_like_for_like": "percent",
        "change_published": "percent",
        "change_published_lowest": "percent",
        "change_published_highest": "percent",
    },
    "uncertainty": _SHARE_COLUMNS,
    "withheld": {
        **{
            column: "percent"
            for column in (
                "default",
                "lowest",
                "highest",
                "all_withheld_at_minimum",
                "all_withheld_at_midpoint",
                "all_withheld_at_maximum",
            )
        },
        "group": "group",
        "denominator": "group",
    },
    "leave_one_out": {
        "share_without": "loo_percent",
        "change_points": "points",
        "group": "group",
        "denominator": "group",
    },
    "whatsapp": {"share": "percent", "low": "percent", "high": "percent"},
    "coverage": {"outcome": "outcome"},
    "forces": {},
    "forces_audit": {"column": "group"},
    "force_shares": {"share": "percent", "share_lowest": "percent", "share_highest": "percent"},
    "series": {},
    "caveats": {},
    "intervals": {},
    "build": {},
    "headline_parts": {},
}

#: Column headings in words; a column not listed is headed by its name, spaced and capitalised.
HEADINGS = {
    "measure": "Measure",
    "unit": "Unit",
    "computed": "From the returns",
    "withheld_lowest": "Lowest possible",
    "withheld_highest": "Highest possible",
    "computed_lowest": "Lowest possible",
    "computed_highest": "Highest possible",
    "figure_id": "Published figure",
    "published": "Published value",
    "as_published": "As published",
    "comparison": "Compared as",
    "difference": "Difference",
    "holds": "Holds",
    "holds_if_truncated": "Holds if truncated",
    "holds_over_withheld_range": "Holds over every value the withheld counts allow",
    "own_figures": "The release's own figures",
    "verdict": "Verdict",
    "published_share_of_stated_total": "Published counts: share of stated total",
    "published_share_of_sum_of_parts": "Published counts: share of sum of parts",
    "published_fits": "Denominator it fits",
    "published_counts_share": "Share the published counts give",
    "published_counts_fit": "What the published counts give",
    "flag": "Flag",
    "note": "Note",
    "geography": "Geography",
    "area": "Area",
    "platform_group": "Platforms",
    "denominator": "Denominator",
    "forces_in_build": "Forces in this build",
    "disclosure_control": "Disclosure control",
    "published_count": "Published count",
    "stated_total": "Stated total",
    "share_of_stated_total": "Share of stated total",
    "holds_with_stated_total": "Holds with the stated total",
    "sum_of_parts": "Sum of the parts",
    "share_of_sum_of_parts": "Share of sum of parts",
    "holds_with_sum_of_parts": "Holds with the sum of the parts",
    "fits": "Fits",
    "share_of": "Share of",
    "group": "Platforms",
    "count": "Instances",
    "total": "Total",
    "share": "Share",
    "wilson_low": "Wilson interval: low",
    "wilson_high": "Wilson interval: high",
    "bootstrap_low": "Cluster bootstrap: low",
    "bootstrap_high": "Cluster bootstrap: high",
    "bootstrap_method": "Bootstrap method",
    "bootstrap_resamples": "Bootstrap resamples",
    "bootstrap_seed": "Bootstrap seed",
    "forces": "Forces",
    "unknown_bound_low": "If no unrecorded platform is in the group",
    "unknown_bound_high": "If every unrecorded platform is in the group",
    "nonresponse_forces": "Forces asked that sent no counts",
    "nonresponse_low": "If they held the lowest share of any force that answered",
    "nonresponse_high": "If they held the highest share of any force that answered",
    "known_share": "Instances with a known platform",
    "in_owner_group": "In the owner group",
    "unknown_forces": "Forces reporting an unknown-platform count",
    "unknown_not_reported": "Forces that reported none",
    "unknown_known": "Their known instances",
    "unknown_instances": "Their unknown-platform instances",
    "default": "At the build's treatment",
    "lowest": "Lowest",
    "highest": "Highest",
    "all_withheld_at_minimum": "All withheld at minimum",
    "all_withheld_at_midpoint": "All withheld at midpoint",
    "all_withheld_at_maximum": "All withheld at maximum",
    "withheld_cells": "Withheld cells",
    "withheld_instances_at_most": "Withheld instances (at most)",
    "whole_percent_changes": "Whole per cent changes",
    "force": "Force id",
    "force_name": "Force",
    "share_without": "Share without the force",
    "change_points": "Change (percentage points)",
    "release_region": "Region",
    "other_platforms": "Other apps and platforms",
    "column": "Column",
    "reason": "Reason",
    "recoverable": "Recoverable by differencing",
    "outcome": "Answer",
    "in_build": "In this build",
    "caveat": "Caveat",
    "text": "Text",
    "interval": "Interval",
    "meaning": "Meaning",
    "key": "Key",
    "value": "Value",
    "period_label": "Period",
    "offences": "Offences",
    "forces_responding": "Forces responding",
    "low": "Low",
    "high": "High",
    "source": "Source",
}


def heading(column: str) -> str:
    """A column's heading in words (:data:`HEADINGS`), else its name spaced and capitalised."""
    if column in HEADINGS:
        return HEADINGS[column]
    if column in GROUP_NAMES:
        return capitalised(GROUP_NAMES[column])
    return str(column).replace("_", " ").capitalize()


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _is_bool(values: pd.Series) -> bool:
    present = [v for v in values if not _missing(v)]
    return bool(present) and all(isinstance(v, bool | np.bool_) for v in present)


def column_kind(table: pd.DataFrame, column: str, kinds: dict[str, str]) -> str:
    """How ``column`` is shown: as ``kinds`` says, else by its values (see :data:`KINDS`)."""
    if column in kinds:
        return kinds[column]
    values = table[column]
    if pd.api.types.is_bool_dtype(values.dtype) or (values.dtype == object and _is_bool(values)):
        return "bool"
    if pd.api.types.is_numeric_dtype(values.dtype):
        return "count"
    return "text"


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


def _cell(value, kind: str, unit: str | None, missing: str, places: int | None = None) -> str:
    if _missing(value):
        return missing
    if kind == "text":
        return str(value)
    if kind == "bool":
        return "yes" if value else "no"
    if kind == "group":
        return capitalised(GROUP_NAMES[value]) if value in GROUP_NAMES else str(value)
    if kind == "outcome":
        return OUTCOME_LABELS.get(value, str(value))
    if kind == "id":
        return str(int(value))
    if value == 0:
        value = abs(value)  # no "-0"
    if kind == "percent":
        return percent_text(value)
    if kind == "loo_percent":
        return percent_text(value, LOO_PLACES)
    if kind == "points":
        return f"{value:{'+' if value else ''}.{LOO_PLACES}f}"
    if kind == "count":
        return count_text(value, places=places)
    if kind in ("unit", "unit_difference"):
        if unit not in ("percent", "count"):
            raise ValueError(f"a row's unit is {unit!r}, not 'percent' or 'count'")
        if kind == "unit":
            return percent_text(value) if unit == "percent" else count_text(value)
        if unit == "percent":
            return f"{value:{'+' if value else ''}.{PERCENT_PLACES}f} points"
        return count_text(value, signed=True)
    raise ValueError(f"unknown kind of column {kind!r}; the kinds are {KINDS}")


def formatted(table: pd.DataFrame, kind: str) -> pd.DataFrame:
    """``table`` (one of the findings tables, named by ``kind``) as text cells with headings in
    words, in the same order; see the module's docstring for the formats."""
    if kind not in COLUMN_KINDS:
        raise ValueError(f"no display for table {kind!r}; the tables are {sorted(COLUMN_KINDS)}")
    kinds = COLUMN_KINDS[kind]
    needs_unit = any(column_kind(table, c, kinds).startswith("unit") for c in table.columns)
    if needs_unit and "unit" not in table.columns:
        raise ValueError(f"table {kind!r}: a column shown by its row's unit needs column 'unit'")
    units = list(table["unit"]) if needs_unit else [None] * len(table)
    out = {}
    for column in table.columns:
        how = column_kind(table, column, kinds)
        redacted = kind == "forces" and how == "count"
        missing = sdc.REDACTED if redacted else MISSING
        # A column of counts has one number of places; a row's unit decides cell by cell.
        places = count_places(table[column]) if how == "count" else None
        out[heading(column)] = [
            _cell(value, how, unit, missing, places)
            for value, unit in zip(table[column], units, strict=True)
        ]
    if len(out) != len(table.columns):
        raise ValueError(f"table {kind!r}: two columns have the same heading")
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


def styled(table: pd.DataFrame, kind: str, caption: str | None = None) -> Shown:
    """``table`` (named by ``kind``) formatted (:func:`formatted`) and styled: no index,
    numbers aligned right, an optional caption. The HTML's ids are fixed by ``kind``, so the
    same table gives the same HTML on every run."""
    text = formatted(table, kind)
    kinds = COLUMN_KINDS[kind]
    numeric = [heading(c) for c in table.columns if column_kind(table, c, kinds) in NUMERIC_KINDS]
    left = [("text-align", "left"), ("padding", "0.25em 0.75em")]
    right = [("text-align", "right")]
    styler = (
        text.style.set_uuid(kind.replace("_", "-"))
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
