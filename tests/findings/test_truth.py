"""The committed builds against the simulation's ground truth and against a recomputation
from ``data/processed/`` in plain pandas (no code of the project's own).

- Every range a reader sees for a national count or share (``headline.csv``: the smallest and
  largest value the withheld cells allow under the printed totals) contains the true value the
  generator wrote beside the returns (``simulated-truth.csv``), matched to each cell of
  ``instances.csv`` by its file and place.
- Each platform's national count is the sum of its cells, a withheld cell counted as the
  declared convention says (the middle of its range, rounded down).
- The ranges from the printed totals are narrower than those from the markers alone by an order
  of magnitude for the instances with a known platform.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
PROCESSED = ROOT / "data" / "processed"
BUILDS = {
    "2019-10_2020-09": ROOT / "reports" / "tables",
    "2018-04_2019-03": ROOT / "reports" / "waves" / "2018-04_2019-03" / "tables",
}
SINGLE = ["instagram", "facebook_messenger", "whatsapp"]


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def build_info(tables: Path) -> dict[str, str]:
    rows = read(tables / "build.csv")
    return dict(zip(rows["key"], rows["value"], strict=True))


def cells_with_truth(wave: str) -> pd.DataFrame:
    """The wave's cleaned instances, each with the generator's true count of its cell (a
    record-level extract's instances summed by platform first, as the truth lists them)."""
    key = ["source_file", "source_place", "period_start", "offence_group", "platform"]
    instances = read(PROCESSED / "instances.csv")
    instances = instances[instances["wave"] == wave]
    truth = read(ROOT / "data" / "raw" / "waves" / wave / "simulated-truth.csv")
    truth = truth[truth["kind"].isin(["platform", "unknown"])]
    for frame, columns in ((instances, ("lower", "upper")), (truth, ("true",))):
        for column in columns:
            frame[column] = pd.to_numeric(frame[column])
    withheld = instances["withheld"].str.lower() == "true"
    rule = np.where(
        withheld, np.floor((instances["lower"] + instances["upper"]) / 2), instances["lower"]
    )
    instances = instances.assign(counted=rule, withheld_cells=withheld.astype(int))
    summed = instances.groupby(key, as_index=False)[
        ["lower", "upper", "counted", "withheld_cells"]
    ].sum()
    true = truth.groupby(key, as_index=False)["true"].sum()
    merged = summed.merge(true, on=key, how="left", validate="one_to_one")
    assert merged["true"].notna().all(), merged[merged["true"].isna()].head()
    return merged


def group_masks(cells: pd.DataFrame, owned: list[str]) -> dict[str, pd.Series]:
    platform = cells["platform"]
    known = platform != "unknown"
    return {
        "all_known": known,
        "facebook_owned": platform.isin(owned),
        "instagram": platform == "instagram",
        "facebook_messenger": platform == "facebook_messenger",
        "whatsapp": platform == "whatsapp",
        "other": known & ~platform.isin(owned),
        "unknown": ~known,
    }


def headline(tables: Path) -> pd.DataFrame:
    table = read(tables / "headline.csv")
    return table.drop_duplicates(["platform_group", "denominator", "unit"])


@pytest.mark.parametrize("wave", sorted(BUILDS))
def test_every_national_range_contains_the_true_value(wave):
    tables = BUILDS[wave]
    info = build_info(tables)
    assert info["wave"] == wave and info["simulated"] == "True"
    owned = [p.strip() for p in info["owned_platforms"].split(",")]
    cells = cells_with_truth(wave)
    masks = group_masks(cells, owned)
    true = {group: float(cells.loc[mask, "true"].sum()) for group, mask in masks.items()}
    checked = 0
    for _, row in headline(tables).iterrows():
        group, denominator = row["platform_group"], row["denominator"]
        if group not in true or row["withheld_lowest"] == "":
            continue
        low, high = float(row["withheld_lowest"]), float(row["withheld_highest"])
        if row["unit"] == "count":
            value = true[group]
            assert low - 1e-9 <= value <= high + 1e-9, (group, low, value, high)
        else:
            value = 100 * true[group] / true[denominator]
            # shares are published to one decimal place: the range's ends are rounded
            assert low - 0.05 <= value <= high + 0.05, (group, denominator, low, value, high)
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("wave", sorted(BUILDS))
def test_platform_counts_are_the_convention_applied_to_the_cells(wave):
    tables = BUILDS[wave]
    info = build_info(tables)
    owned = [p.strip() for p in info["owned_platforms"].split(",")]
    cells = cells_with_truth(wave)
    table = headline(tables)
    counts = table[table["unit"] == "count"].set_index("platform_group")["computed"]
    for group, mask in group_masks(cells, owned).items():
        if group in ("all_known",):
            continue  # the known total also takes what printed totals count beyond the cells
        assert float(counts[group]) == cells.loc[mask, "counted"].sum(), group


@pytest.mark.parametrize("wave", sorted(BUILDS))
def test_the_printed_totals_narrow_the_known_range_by_an_order_of_magnitude(wave):
    withheld = read(BUILDS[wave] / "withheld.csv")
    row = withheld[(withheld["group"] == "all_known") | (withheld["denominator"] == "all_known")]
    assert not row.empty
    rows = read(BUILDS[wave] / "withheld.csv")
    exact = [c for c in rows.columns if c in ("denominator_lowest", "denominator_highest")]
    assert exact == ["denominator_lowest", "denominator_highest"]
    first = rows.iloc[0]
    exact_width = float(first["denominator_highest"]) - float(first["denominator_lowest"])
    cells = cells_with_truth(wave)
    known = cells[cells["platform"] != "unknown"]
    marker_width = float((known["upper"] - known["lower"]).sum())
    assert marker_width >= 10 * exact_width, (marker_width, exact_width)
    assert not math.isnan(exact_width)


def convention_known(wave: str) -> float:
    """The wave's instances with a known platform as the declared convention counts them,
    recomputed here: a block whose return prints a total gives that total less its
    unknown-platform and excluded cells (a withheld cell at the middle of its range, rounded
    down); any other block gives its known cells so counted."""
    instances = read(PROCESSED / "instances.csv")
    instances = instances[instances["wave"] == wave]
    for column in ("lower", "upper"):
        instances[column] = pd.to_numeric(instances[column])
    withheld = instances["withheld"].str.lower() == "true"
    instances["counted"] = np.where(
        withheld, np.floor((instances["lower"] + instances["upper"]) / 2), instances["lower"]
    )
    rec = read(PROCESSED / "reconciliation.csv")
    rec = rec[(rec["wave"] == wave) & (rec["total_source"] == "printed total")]
    key = ["force", "source_file", "table", "block"]
    printed = rec.set_index(key)
    known = 0.0
    for block, cells in instances.groupby(key):
        if block not in printed.index:
            known += cells.loc[cells["platform"] != "unknown", "counted"].sum()
            continue
        row = printed.loc[block]
        n = {c: float(row[c]) for c in row.index if c.endswith(("_lower", "_upper", "_cells"))}
        total = math.floor((n["total_lower"] + n["total_upper"]) / 2)
        unknown = cells.loc[cells["platform"] == "unknown", "counted"].sum()
        excluded_printed = n["excluded_lower"] - n["excluded_withheld_lower"]
        k = n["excluded_withheld_cells"]
        excluded_withheld = (
            k * math.floor((n["excluded_withheld_lower"] + n["excluded_withheld_upper"]) / 2 / k)
            if k
            else 0.0
        )
        known += total - unknown - excluded_printed - excluded_withheld
    return known


@pytest.mark.parametrize("wave", sorted(BUILDS))
def test_the_known_total_is_the_convention_applied_to_the_printed_totals(wave):
    table = headline(BUILDS[wave])
    row = table[(table["platform_group"] == "all_known") & (table["unit"] == "count")].iloc[0]
    assert float(row["computed"]) == convention_known(wave)
