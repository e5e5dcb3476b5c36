"""The charity's published series, as transcribed in ``data/raw/published/``: offences of
sexual communication with a child year by year (``sexual_communication_series.csv``) and the
platform shares each year's release printed (``sexual_communication_platforms.csv``).

Every row of both files names its ``geography`` (:data:`GEOGRAPHIES`) and its ``area``: the
area's name as printed (``England and Wales``, ``UK``, a region), or for a force a slug of
``data/reference/forces.csv``. :func:`check_series` and :func:`check_platforms` hold the files
to that (and to their flags and wordings) when they are read; the tables are

- :func:`series_table`, the national series (figure 4): national rows only, so that a row of
  another geography can never enter the national chart;
- :func:`series_by_area_table`, every region or force row, area by area and year by year
  (figure 7; empty, with its header, while no per-area series is published);
- :func:`platform_series_table`, the published platform shares by period (figure 6).

Nothing here reads or writes a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from src.errors import InputError
from src.findings.params import Inputs
from src.vocab import PLATFORM_GROUPS

#: The geographies a published row may have. (A word of the house: it belongs in src/vocab.py.)
GEOGRAPHIES = ("national", "region", "force")
NATIONAL = "national"
#: How a published share relates to its ``value``: printed as a whole percentage
#: (``rounded``), as approximate (``about``: "~30%", "about a fifth"), as just under
#: (``almost``: "almost half") or as more than (``over``: "over a quarter").
COMPARISONS = ("rounded", "about", "almost", "over")
#: The comparisons whose value is our reading of the words, never a printed number: flag U.
READINGS = ("about", "almost")
#: Platform groups the releases printed that are neither a platform group of the findings
#: (:data:`~src.vocab.PLATFORM_GROUPS`) nor a platform (``platforms.csv``): combinations,
#: each named on its rows as printed (``name_as_printed``).
COMBINED_GROUPS = ("facebook_and_instagram", "facebook_owned_and_snapchat")
FLAGS = ("V", "U")
#: A period of about twelve months (in days, inclusive) is annual.
ANNUAL_DAYS = (360, 370)

SERIES_COLUMNS = [
    "period_label",
    "period_start",
    "period_end",
    "geography",
    "area",
    "annual",
    "offences",
    "forces_responding",
    "forces_note",
    "flag",
    "source_title",
    "source_url",
    "note",
]
BY_AREA_COLUMNS = [
    "geography",
    "area",
    "area_name",
    "period_label",
    "period_start",
    "period_end",
    "annual",
    "offences",
    "forces_responding",
    "forces_note",
    "flag",
    "source_title",
    "source_url",
    "note",
]
PLATFORM_COLUMNS = [
    "period_label",
    "period_start",
    "period_end",
    "annual",
    "geography",
    "area",
    "platform_group",
    "name_as_printed",
    "value",
    "unit",
    "comparison",
    "as_published",
    "count",
    "known",
    "flag",
    "source_title",
    "source_url",
    "note",
]


@dataclass
class SeriesInputs(Inputs):
    """The inputs of a build with the published platform shares (``platforms``, as read from
    ``sexual_communication_platforms.csv``). :class:`~src.findings.params.Inputs` has no field
    for them yet; a build given plain ``Inputs`` has an empty platform table."""

    platforms: pd.DataFrame | None = None


# --- Checks ----------------------------------------------------------------------------------


def _place(label, column: str) -> str:
    return f"row {int(label) + 2}, column '{column}'"


def _require(table: pd.DataFrame, columns: list[str], file: str, fix: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(file, "header", f"column(s) {', '.join(missing)} missing", fix)


#: The columns each published-series file must have (others are kept, and not used).
SERIES_FILE_COLUMNS = [
    *(c for c in SERIES_COLUMNS if c != "annual"),
    "source_date",
]
PLATFORM_FILE_COLUMNS = [*(c for c in PLATFORM_COLUMNS if c != "annual"), "source_date"]


def require_columns(table: pd.DataFrame, columns: list[str], file: str) -> None:
    """Stop with an :class:`~src.errors.InputError` naming the columns ``table`` lacks."""
    _require(
        table,
        columns,
        file,
        "add the missing columns (SERIES_FILE_COLUMNS and PLATFORM_FILE_COLUMNS of "
        "src/findings/series.py list them), or restore the file from git",
    )


def check_geography(table: pd.DataFrame, forces: pd.DataFrame, file: str) -> None:
    """Stop with an :class:`~src.errors.InputError` unless every row's ``geography`` is one of
    :data:`GEOGRAPHIES`, its ``area`` is not blank, and a force row's ``area`` is a force of
    ``data/reference/forces.csv``; ``table`` is indexed as read (data row 0 is line 2)."""
    _require(
        table,
        ["geography", "area"],
        file,
        "add the columns geography (national, region or force) and area (the area's name as "
        "printed, or for a force its slug in data/reference/forces.csv)",
    )
    known = set(forces["force"])
    for label, row in table.iterrows():
        geography, area = str(row["geography"]).strip(), str(row["area"]).strip()
        if geography not in GEOGRAPHIES:
            raise InputError(
                file,
                _place(label, "geography"),
                f"'{row['geography']}' is not a geography",
                f"write one of {', '.join(GEOGRAPHIES)}",
            )
        if not area:
            raise InputError(
                file,
                _place(label, "area"),
                "the area is blank",
                "write the area as printed (e.g. England and Wales, UK, North West), or for a "
                "force its slug in data/reference/forces.csv",
            )
        if geography == "force" and area not in known:
            raise InputError(
                file,
                _place(label, "area"),
                f"'{area}' is not a force of data/reference/forces.csv",
                "write the force's slug as data/reference/forces.csv has it (e.g. "
                "devon-and-cornwall)",
            )


def _check_periods(table: pd.DataFrame, file: str) -> None:
    for column in ("period_start", "period_end"):
        dates = pd.to_datetime(table[column], format="%Y-%m-%d", errors="coerce")
        for label in table.index[dates.isna()]:
            raise InputError(
                file,
                _place(label, column),
                f"'{table.loc[label, column]}' is not a date written as YYYY-MM-DD",
                "write the first (period_start) or last (period_end) day of the period",
            )
    start = pd.to_datetime(table["period_start"], format="%Y-%m-%d")
    end = pd.to_datetime(table["period_end"], format="%Y-%m-%d")
    for label in table.index[end < start]:
        raise InputError(
            file,
            _place(label, "period_end"),
            "the period ends before it starts",
            "swap period_start and period_end, or correct the date",
        )


def _check_flags(table: pd.DataFrame, file: str) -> None:
    for label in table.index[~table["flag"].isin(FLAGS)]:
        raise InputError(
            file,
            _place(label, "flag"),
            f"'{table.loc[label, 'flag']}' is not a flag",
            "write V (read in the cited source) or U (uncertain)",
        )


def check_series(series: pd.DataFrame, forces: pd.DataFrame, file: str) -> None:
    """The offences series: geographies and areas (:func:`check_geography`), dates, flags, and
    at least one national row (figure 4 draws the national rows)."""
    check_geography(series, forces, file)
    _check_periods(series, file)
    _check_flags(series, file)
    if not (series["geography"] == NATIONAL).any():
        raise InputError(
            file,
            "column 'geography'",
            "no row is national, and the national series (figure 4) draws only national rows",
            "mark the rows for the whole country (England and Wales, or the UK) national",
        )


def check_platforms(
    platforms: pd.DataFrame, forces: pd.DataFrame, platform_slugs: set[str], file: str
) -> None:
    """The platform shares: geographies and areas, dates and flags as :func:`check_series`;
    each ``platform_group`` a platform group of the findings, a platform of ``platforms.csv``
    or a printed combination (:data:`COMBINED_GROUPS`); ``unit`` percent; ``comparison`` one of
    :data:`COMPARISONS`; and a share printed in words (no digit in ``as_published``) or read
    from approximate wording (:data:`READINGS`) flagged U, as its value is our reading."""
    check_geography(platforms, forces, file)
    _check_periods(platforms, file)
    _check_flags(platforms, file)
    groups = set(PLATFORM_GROUPS) | set(platform_slugs) | set(COMBINED_GROUPS)
    for label, row in platforms.iterrows():
        if row["platform_group"] not in groups:
            raise InputError(
                file,
                _place(label, "platform_group"),
                f"'{row['platform_group']}' is not a platform group",
                "write a platform group (e.g. facebook_owned), a platform of "
                "data/reference/platforms.csv (e.g. snapchat) or one of "
                + ", ".join(sorted(COMBINED_GROUPS)),
            )
        if row["unit"] != "percent":
            raise InputError(
                file, _place(label, "unit"), f"'{row['unit']}' is not percent", "write percent"
            )
        if row["comparison"] not in COMPARISONS:
            raise InputError(
                file,
                _place(label, "comparison"),
                f"'{row['comparison']}' is not a comparison",
                f"write one of {', '.join(COMPARISONS)}",
            )
        words = not re.search(r"\d", str(row["as_published"]))
        if (words or row["comparison"] in READINGS) and row["flag"] != "U":
            raise InputError(
                file,
                _place(label, "flag"),
                f"the share is printed as '{row['as_published']}', so its value is a reading "
                "of the words, but it is flagged V",
                "flag it U (the number is our reading, not printed)",
            )


# --- Tables ----------------------------------------------------------------------------------


def _annual(table: pd.DataFrame) -> pd.Series:
    start = pd.to_datetime(table["period_start"], format="%Y-%m-%d")
    end = pd.to_datetime(table["period_end"], format="%Y-%m-%d")
    return ((end - start).dt.days + 1).between(*ANNUAL_DAYS)


def _whole(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column, errors="coerce").astype("Int64")


def series_table(series: pd.DataFrame) -> pd.DataFrame:
    """The published national series (``geography`` national only), marked annual (about
    twelve months) or not, in time order."""
    out = series[series["geography"] == NATIONAL].copy()
    out["annual"] = _annual(out)
    out["forces_responding"] = _whole(out["forces_responding"])
    return out.sort_values(["period_start", "period_end"], ignore_index=True)[SERIES_COLUMNS]


def series_by_area_table(series: pd.DataFrame, forces: pd.DataFrame) -> pd.DataFrame:
    """The published series of each region or force, one row per area and period, areas by
    geography and name, periods in time order. ``area_name`` is a force's name as
    ``forces.csv`` writes it (a region's, as printed). A blank ``offences`` stays blank (the
    chart shows it as not available). With no such rows, the table is empty, with its header.
    """
    out = series[series["geography"] != NATIONAL].copy()
    if out.empty:
        return pd.DataFrame(columns=BY_AREA_COLUMNS)
    names = dict(zip(forces["force"], forces["name"], strict=True))
    out["area_name"] = [
        names.get(area, area) if geography == "force" else area
        for geography, area in zip(out["geography"], out["area"], strict=True)
    ]
    out["annual"] = _annual(out)
    out["forces_responding"] = _whole(out["forces_responding"])
    order = ["geography", "area_name", "area", "period_start", "period_end"]
    return out.sort_values(order, ignore_index=True)[BY_AREA_COLUMNS]


def platform_series_table(platforms: pd.DataFrame | None) -> pd.DataFrame:
    """The published platform shares, in time order (then by platform group), each marked
    annual or not; ``count`` and ``known`` are the printed counts where a release gave them.
    ``None`` (a build without the platform file) gives the empty table, with its header."""
    if platforms is None or platforms.empty:
        return pd.DataFrame(columns=PLATFORM_COLUMNS)
    out = platforms.copy()
    out["annual"] = _annual(out)
    for column in ("count", "known"):
        out[column] = _whole(out[column])
    order = ["period_start", "period_end", "geography", "area", "platform_group"]
    return out.sort_values(order, ignore_index=True)[PLATFORM_COLUMNS]
