"""From the tables of step 20, as :func:`src.figures.run.read_tables` read them, to the rows
each chart draws, and the build's context (``build.csv``) for subtitles and notes.

Each ``*_input`` keeps the index of the table as read (it numbers the table's data rows from
0) and ends its rows with ``source_table`` and ``source_row``: the table's path relative to
the build folder and the row's number in that CSV, counting the header as row 1 (the line a
reader finds in a spreadsheet or a text editor). The charts carry both into their data files.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from src.errors import InputError
from src.vocab import capitalised, joined

#: The last two columns of every figure's data: where each of its rows came from.
SOURCE_COLUMNS = ["source_table", "source_row"]


#: What a chart says of a year with no published figure.
NOT_AVAILABLE = "not available"


def year_label(year: int, start_month: int) -> str:
    """A year's label in the series' own convention: ``2019`` for calendar years, ``2019/20``
    for years starting in another month (financial years)."""
    return str(year) if start_month == 1 else f"{year}/{(year + 1) % 100:02d}"


def axis_years(data: pd.DataFrame) -> list[tuple[int, str]]:
    """Every year from the first to the last ``start_year`` of ``data``, with the label of the
    period starting that year, else the year in the series' convention (:func:`year_label`)."""
    months = set(pd.to_datetime(data["period_start"], format="%Y-%m-%d").dt.month)
    month = months.pop() if len(months) == 1 else 4
    printed = dict(zip(data["start_year"], data["period_label"], strict=True))
    first, last = int(data["start_year"].min()), int(data["start_year"].max())
    return [(y, str(printed.get(y, year_label(y, month)))) for y in range(first, last + 1)]


def place_text(rows: pd.DataFrame) -> str:
    """Where the figures cover, in time order: one area, or the first with each later change
    (``England and Wales (UK from 2021/22)``)."""
    timed = rows.sort_values("start_year", kind="stable")
    runs: list[tuple[str, str]] = []
    for area, label in zip(timed["area"], timed["period_label"], strict=True):
        if not runs or runs[-1][0] != area:
            runs.append((str(area), str(label)))
    if len(runs) == 1:
        return runs[0][0]
    return f"{runs[0][0]} (" + "; ".join(f"{a} from {label}" for a, label in runs[1:]) + ")"


def with_gaps(data: pd.DataFrame, key: str, keys: list, fill) -> pd.DataFrame:
    """``data`` with a gap row (not ``available`` nor ``uncertain``, no source, the rest
    ``fill(k)``) for each ``k`` of ``keys`` (values of ``key``) and year of :func:`axis_years`
    it has no row for, in the order of ``keys``, then by year."""
    have = set(zip(data[key], data["start_year"], strict=True))
    gaps = pd.DataFrame(
        [
            {key: k, **fill(k), "period_label": label, "start_year": year}
            | {"available": False, "uncertain": False}
            for k in keys
            for year, label in axis_years(data)
            if (k, year) not in have
        ]
    )
    out = pd.concat([data, gaps], ignore_index=True) if len(gaps) else data
    out["_key"] = out[key].map({k: i for i, k in enumerate(keys)})
    return out.sort_values(["_key", "start_year"], ignore_index=True).drop(columns="_key")


def source_table(name: str) -> str:
    """The path of the table ``name`` relative to the build folder, as the data files say it."""
    return f"tables/{name}.csv"


def stale(name: str, place: str, problem: str) -> InputError:
    """The error for a table of step 20 that is missing or older than this step."""
    fix = "rerun step 20 (notebooks/20-findings.ipynb) with the same output_dir"
    return InputError(source_table(name), place, problem, fix)


def with_source(rows: pd.DataFrame, name: str) -> pd.DataFrame:
    """``rows`` of the table ``name`` with ``source_table`` and ``source_row`` last, from the
    index of the table as read (data row 0 is the CSV's row 2)."""
    out = rows.copy()
    out["source_table"] = source_table(name)
    out["source_row"] = [int(label) + 2 for label in out.index]
    return out


def chart_data(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The data file of a chart: the ``columns`` it draws or labels, in that order, then
    ``source_table`` and ``source_row``. Every other column of the table a row came from is one
    step away, at that row of that table. Rows that carry their own ``returns`` (a force's
    return, a region's) keep it, last."""
    out = rows.copy()
    out["source_row"] = out["source_row"].astype("Int64")
    own = ["returns"] if "returns" in out and "returns" not in columns else []
    return out[[*columns, *SOURCE_COLUMNS, *own]]


def build_info(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The build's parameters and context (``build.csv``) as a dictionary of text."""
    build = tables["build"].fillna("")
    return dict(zip(build["key"].astype(str), build["value"].astype(str), strict=True))


@dataclass(frozen=True)
class ChartWords:
    """The words of a build its charts use, from ``build.csv``: the owner group's, the owner's,
    the source lines (of the returns, and of published figures only) and the tip-off chart's."""

    owner_group: str
    owner_group_name: str
    owner_group_adjective: str
    owner_name: str
    source_line: str
    source_published: str
    tipoff_platform_name: str
    tipoff_company: str


def chart_words(info: dict[str, str]) -> ChartWords:
    """:class:`ChartWords` from ``build.csv`` (:func:`build_info`); a build written before
    ``build.csv`` held them stops with the step to rerun."""
    keys = list(ChartWords.__dataclass_fields__)
    missing = [key for key in keys if key not in info]
    if missing:
        problem = f"no row for {', '.join(missing)}: the tables were written by an older step 20"
        raise stale("build", "column key", problem)
    return ChartWords(**{key: info[key] for key in keys})


def subtitle(info: dict[str, str], measure: str, forces: int | bool = True) -> str:
    """Measure, place and period for a chart's subtitle, with how many police forces: the
    build's (True), ``forces`` (a number: those the chart draws) or none (False)."""
    count = info["forces_with_data"] if forces is True else forces
    who = "" if count is False else f", {count} police forces"
    return f"{measure}{who}, {info['place']}, {info['period']}; {info['offence_groups']}"


def waves_subtitle(info: dict[str, str], waves: pd.DataFrame) -> str:
    """The waves chart's subtitle: the measure, and the waves, each with its own forces and offences
    (the build's offences where the wave asked about them)."""
    labels = list(dict.fromkeys(waves.sort_values(["period_start", "wave"])["wave_label"]))
    shown = joined(labels)
    return (
        f"Share of instances with a known platform, {shown}: each wave over its own forces, "
        f"in {info['offence_groups']} where it asked about them"
    )


def badge(info: dict[str, str]) -> str:
    """What a chart drawn from the build's returns says of them, on the chart and in its alt
    text (``build.csv``'s ``badge``: blank when every return is real)."""
    return str(info.get("badge", "") or "")


def variant_notes(info: dict[str, str]) -> list[str]:
    """A note for charts of a build that differs from the release (a variant)."""
    if info.get("like_for_like", "True") == "True":
        return []
    without = f"; without {info['exclude_forces']}" if info.get("exclude_forces") else ""
    return [
        f"This build differs from the release ({info['offence_groups']}{without}), so it need "
        "not match the published figures."
    ]


def shares_input(uncertainty: pd.DataFrame, composition: pd.DataFrame) -> pd.DataFrame:
    """Rows of the platform-shares chart: the two columns' totals from ``uncertainty.csv``
    (``part_of`` blank), then the parts stacked in them from ``composition.csv`` (``part_of``
    its ``column``; a part of neither keeps it blank, ``drawn`` False), with the tables' labels.
    """
    for name, table, column in (
        ("uncertainty", uncertainty, "group"),
        ("composition", composition, "column"),
    ):
        if column not in table:
            raise stale(name, f"column {column}", "a column the platform-shares chart needs")
    parts = composition[composition["column"].fillna("") != ""]
    columns = list(dict.fromkeys(parts["column"]))
    rows = uncertainty[
        (uncertainty["denominator"] == "all_known") & uncertainty["group"].isin(columns)
    ]
    totals = with_source(
        rows.assign(label=rows["share_of"].astype(str).map(capitalised), part_of="", drawn=True)[
            ["group", "label", "share", "bootstrap_low", "bootstrap_high", "part_of", "drawn"]
        ],
        "uncertainty",
    )
    totals = totals.set_index("group").loc[[c for c in columns if c in set(rows["group"])]]
    stacked = with_source(
        composition.assign(
            group=composition["part"],
            label=composition["label"].astype(str).map(capitalised),
            part_of=composition["column"].fillna(""),
            drawn=composition["column"].fillna("") != "",
            is_platform=composition["is_platform"].astype(str) == "True",
        )[
            [
                "group",
                "label",
                "share",
                "part_of",
                "drawn",
                "is_platform",
                "forces_counted",
                "forces_with_data",
            ]
        ],
        "composition",
    )
    return pd.concat([totals.reset_index(), stacked], ignore_index=True)


def funnel_input(force_shares: pd.DataFrame) -> pd.DataFrame:
    """Rows of the funnel: each force with known instances whose share ``force_shares.csv``
    gives (``share``, its exact range and ``known``; none that would give away a small count)."""
    columns = ["known", "share", "share_lowest", "share_highest"]
    # Each force keeps its own return's provenance.
    own = ["returns"] if "returns" in force_shares else []
    data = force_shares[["force", "force_name", *columns, *own]].copy()
    for column in columns:
        data[column] = pd.to_numeric(data[column], errors="coerce")
    data = data[(data["known"] > 0) & data["share"].notna()]
    return with_source(data, "force_shares")


def regions_input(regional: pd.DataFrame, owner_group: str) -> pd.DataFrame:
    """Rows of the regions chart: each region's share of the owner group (``owner_group``), computed
    and published."""
    rows = regional[
        (regional["geography"] == "region")
        & (regional["platform_group"] == owner_group)
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
        "verdict",
        "published_counts_share",
        "published_counts_fit",
        "flag",
    ]
    # Each region keeps the returns its own figures were computed from (real in one region,
    # simulated in another), not the build's.
    columns += ["returns"] if "returns" in rows else []
    out = rows[columns].copy()
    for column in ("holds", "holds_if_truncated"):
        out[column] = out[column].map(lambda v: str(v) == "True")
    return with_source(out, "regional")


def table(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """The table ``name`` of the build; a build written before it existed stops with the step
    to rerun."""
    if name not in tables:
        raise stale(name, "", f"the build has no table {name}")
    return tables[name]


def start_years(rows: pd.DataFrame, name: str, per: str | None, what: str) -> pd.DataFrame:
    """``rows`` (annual periods of the table ``name``) with ``start_year``, the year each
    period starts in: its place on a chart's time axis. Stops on a start that is not a date,
    and on two periods of one ``per`` (or of the whole table) starting in the same year, as
    the chart has one place for each ``what`` a year.
    """
    data = rows.copy()
    starts = pd.to_datetime(data["period_start"], format="%Y-%m-%d", errors="coerce")
    for label in data.index[starts.isna()]:
        raise InputError(
            source_table(name),
            f"row {int(label) + 2}, column period_start",
            f"'{data.loc[label, 'period_start']}' is not a date written as YYYY-MM-DD",
            f"write the first day of the period as YYYY-MM-DD in step 20's {name} table",
        )
    data["start_year"] = starts.dt.year.astype(int)
    keys = ["start_year"] if per is None else [per, "start_year"]
    repeated = data[data.duplicated(keys, keep=False)]
    if len(repeated):
        rows_text = ", ".join(str(int(label) + 2) for label in repeated.index)
        first = repeated.iloc[0]
        whose = "" if per is None else f" for {per} '{first[per]}'"
        raise InputError(
            source_table(name),
            f"rows {rows_text}, column period_start",
            f"two annual periods{whose} start in {first['start_year']}, and the chart has one "
            f"{what} for each year",
            "keep one annual period for each year (mark the others annual=False)",
        )
    return data


def _text(column: pd.Series) -> pd.Series:
    """A column of text with its empty cells as "" (a column read with every cell empty is
    read as numbers, all missing)."""
    return column.astype(object).where(column.notna(), "")


def _annual(table: pd.DataFrame) -> pd.Series:
    return table["annual"].astype(str) == "True"


def series_input(series: pd.DataFrame) -> pd.DataFrame:
    """Rows of the series chart: the national annual periods of the published series (by
    ``geography``, where the table has it), in time order, each with ``start_year``."""
    rows = _annual(series)
    if "geography" in series:
        rows &= series["geography"] == "national"
    data = series[rows].copy()
    data["forces_note"] = data["forces_note"].fillna("")
    data = start_years(data, "series", None, "bar")
    return with_source(data, "series").sort_values("period_start")


def series_by_area_input(series_by_area: pd.DataFrame) -> pd.DataFrame:
    """Rows of the series-by-area chart: each area's annual periods with ``start_year``, areas
    in the table's order, then in time order (no rows when none is published)."""
    data = series_by_area[_annual(series_by_area)].copy()
    if data.empty:
        return with_source(data.assign(start_year=pd.Series(dtype=int)), "series_by_area")
    for column in ("forces_note", "flag"):
        data[column] = _text(data[column])
    data = start_years(data, "series_by_area", "area", "bar in each area's panel")
    order = {area: i for i, area in enumerate(dict.fromkeys(data["area"]))}
    data = data.assign(_area=data["area"].map(order))
    data = data.sort_values(["_area", "start_year"], kind="stable").drop(columns="_area")
    return with_source(data, "series_by_area")


def platform_series_input(platform_series: pd.DataFrame) -> pd.DataFrame:
    """Rows of the platform-shares-over-time chart: the national annual platform shares with
    ``start_year``, in time order, one a platform group a year."""
    table = platform_series
    rows = _annual(table) & (table["geography"] == "national") & table["value"].notna()
    data = table[rows].copy()
    for column in ("comparison", "as_published", "name_as_printed", "flag"):
        data[column] = _text(data[column])
    for column in ("count", "known"):  # printed counts: whole numbers, where printed
        data[column] = pd.to_numeric(data[column], errors="coerce").astype("Int64")
    data = start_years(data, "platform_series", "platform_group", "point")
    data = data.sort_values(["start_year", "platform_group"], kind="stable")
    return with_source(data, "platform_series")


def whatsapp_input(whatsapp: pd.DataFrame) -> pd.DataFrame:
    """Rows of the tip-off chart from ``whatsapp.csv``: the police-recorded share, then the tip-offs
    (no rows when the build has no tip-off figure: the notebook then draws no chart)."""
    return with_source(whatsapp, "whatsapp")


def waves_input(waves: pd.DataFrame) -> pd.DataFrame:
    """Rows of the waves chart: every wave, basis and group, in its own wave's words."""
    return with_source(waves, "waves")


def platforms_input(platforms: pd.DataFrame) -> pd.DataFrame:
    """Rows of the largest-platforms chart, largest first (none when no named platform has
    instances)."""
    return with_source(platforms, "platforms")
