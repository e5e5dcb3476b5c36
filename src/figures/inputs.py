"""From the tables of step 20, as :func:`src.figures.run.read_tables` read them, to the rows
each chart draws, and the build's context (``build.csv``) for subtitles and notes.

Each ``*_input`` keeps the index of the table as read (it numbers the table's data rows from
0) and ends its rows with ``source_table`` and ``source_row``: the table's path relative to
the build folder and the row's number in that CSV, counting the header as row 1 (the line a
reader finds in a spreadsheet or a text editor). The charts carry both into their data files.
"""

from __future__ import annotations

import pandas as pd

from src.errors import InputError
from src.vocab import CHART_GROUPS, group_label

#: The last two columns of every figure's data: where each of its rows came from.
SOURCE_COLUMNS = ["source_table", "source_row"]


def source_table(name: str) -> str:
    """The path of the table ``name`` relative to the build folder, as the data files say it."""
    return f"tables/{name}.csv"


def with_source(rows: pd.DataFrame, name: str) -> pd.DataFrame:
    """``rows`` of the table ``name``, with ``source_table`` and ``source_row`` added last.

    The row numbers come from the index of ``rows``, which must still be the index of the table
    as read: data row 0 is the CSV's row 2, as the header is row 1.
    """
    out = rows.copy()
    out["source_table"] = source_table(name)
    out["source_row"] = [int(label) + 2 for label in out.index]
    return out


def build_info(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The build's parameters and context (``build.csv``) as a dictionary of text."""
    build = tables["build"].fillna("")
    return dict(zip(build["key"].astype(str), build["value"].astype(str), strict=True))


def subtitle(info: dict[str, str], measure: str, forces: bool = True) -> str:
    """Measure, place and period (and how many forces) for a chart's subtitle."""
    who = f", {info['forces_with_data']} police forces" if forces else ""
    return f"{measure}{who}, {info['place']}, {info['period']}; {info['offence_groups']}"


def is_simulated(info: dict[str, str]) -> bool:
    return info.get("simulated", "True") == "True"


def variant_notes(info: dict[str, str]) -> list[str]:
    """A note for charts of a build that differs from the release (a variant)."""
    if info.get("like_for_like", "True") == "True":
        return []
    without = f"; without {info['exclude_forces']}" if info.get("exclude_forces") else ""
    return [
        f"This build differs from the release ({info['offence_groups']}{without}), so it need "
        "not match the published figures."
    ]


def shares_input(uncertainty: pd.DataFrame) -> pd.DataFrame:
    """Rows of figure 1 from ``uncertainty.csv``: shares of all known instances, in order.

    Which bars are in the owner group is the table's own ``in_owner_group`` column (True for
    the owner group and each platform group the owner owned on the build's date), never a
    display name.
    """
    if "in_owner_group" not in uncertainty:
        raise InputError(
            source_table("uncertainty"),
            "column in_owner_group",
            "the column that says which platform groups the owner owned is missing",
            "rerun step 20 (notebooks/20-findings.ipynb) to write the tables again",
        )
    rows = uncertainty[uncertainty["denominator"] == "all_known"]
    chosen = [label for group in CHART_GROUPS for label in rows.index[rows["group"] == group]]
    data = rows.loc[chosen].copy()
    data["label"] = data["group"].map(group_label)
    data["in_owner_group"] = data["in_owner_group"].map(lambda v: str(v) == "True")
    columns = [
        "group",
        "label",
        "share",
        "bootstrap_low",
        "bootstrap_high",
        "wilson_low",
        "wilson_high",
        "count",
        "total",
        "in_owner_group",
    ]
    return with_source(data[columns], "uncertainty")


def funnel_input(forces: pd.DataFrame) -> pd.DataFrame:
    """Rows of figure 2 from ``forces.csv`` (the per-force counts after disclosure control)."""
    data = forces[["force", "force_name", "all_known", "facebook_owned"]].copy()
    data = data.rename(columns={"all_known": "known"})
    data["known"] = pd.to_numeric(data["known"], errors="coerce").fillna(0)
    data["facebook_owned"] = pd.to_numeric(data["facebook_owned"], errors="coerce").fillna(0)
    return with_source(data, "forces")


def regions_input(regional: pd.DataFrame) -> pd.DataFrame:
    """Rows of figure 3: each region's Facebook-owned share, computed and published."""
    rows = regional[
        (regional["geography"] == "region")
        & (regional["platform_group"] == "facebook_owned")
        & (regional["unit"] == "percent")
        & regional["computed"].notna()
    ]
    columns = [
        "area",
        "computed",
        "published",
        "as_published",
        "holds",
        "holds_if_truncated",
        "published_counts_share",
        "published_counts_fit",
        "flag",
    ]
    out = rows[columns].copy()
    for column in ("holds", "holds_if_truncated"):
        out[column] = out[column].map(lambda v: str(v) == "True")
    return with_source(out, "regional")


def series_input(series: pd.DataFrame) -> pd.DataFrame:
    """Rows of figure 4: the annual periods of the published series, in time order, each with
    the year it starts in (``start_year``), the place of its bar on the chart's time axis.
    """
    data = series[series["annual"].astype(str) == "True"].copy()
    data["forces_note"] = data["forces_note"].fillna("")
    starts = pd.to_datetime(data["period_start"], format="%Y-%m-%d", errors="coerce")
    for label in data.index[starts.isna()]:
        raise InputError(
            source_table("series"),
            f"row {int(label) + 2}, column period_start",
            f"'{data.loc[label, 'period_start']}' is not a date written as YYYY-MM-DD",
            "write the first day of the period as YYYY-MM-DD in step 20's series table",
        )
    data["start_year"] = starts.dt.year.astype(int)
    repeated = data[data["start_year"].duplicated(keep=False)]
    if len(repeated):
        rows = ", ".join(str(int(label) + 2) for label in repeated.index)
        raise InputError(
            source_table("series"),
            f"rows {rows}, column period_start",
            f"two annual periods start in {repeated['start_year'].iloc[0]}, and the chart has one "
            "bar for each year",
            "keep one annual period for each year (mark the others annual=False)",
        )
    return with_source(data, "series").sort_values("period_start")


def whatsapp_input(whatsapp: pd.DataFrame) -> pd.DataFrame:
    """Rows of figure 5 from ``whatsapp.csv``: the police-recorded share, then the tip-offs."""
    return with_source(whatsapp, "whatsapp")
