"""The committed builds against the truth of each return and against a recomputation from
``data/processed/`` in plain pandas (no code of the project's own).

Each committed build that covers its whole wave (build.csv's ``like_for_like``: every offence
group the wave asked about, no force left out) is checked; the wave, the owner group's
platforms, the treatment of withheld cells and the convention are read from its build.csv, and
which platforms each group holds from the reference tables.

- Every range a reader sees for a national count or share (``headline.csv``: the smallest and
  largest value the withheld cells allow under the printed totals) contains the true value: for
  a simulated return the value the generator wrote beside it (``simulated-truth.csv``), matched
  to each cell of ``instances.csv`` by its file and place; for a real return its printed count
  (a real withheld cell has no known truth, and a figure it enters is not checked).
- Each figure is over the forces whose returns give its count: a partial return that does not
  itemise a group (what it leaves out may or may not lie in it, or a column it prints mixes the
  group with others) is left out of that group's figures, and what it does not itemise counts
  in each group that holds all of it.
- Each platform group's national count is the sum of its cells, a withheld cell counted by the
  build's rule; the known total is the declared convention applied to the printed totals.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
PROCESSED = ROOT / "data" / "processed"
REFERENCE = ROOT / "data" / "reference"

#: How a withheld cell is counted, by the name build.csv gives the treatment.
RULES = {
    "minimum": lambda lo, hi: lo,
    "midpoint": lambda lo, hi: (lo + hi) / 2,
    "middle_rounded_down": lambda lo, hi: np.floor((lo + hi) / 2),
    "maximum": lambda lo, hi: hi,
}


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def build_info(tables: Path) -> dict[str, str]:
    rows = read(tables / "build.csv")
    return dict(zip(rows["key"], rows["value"], strict=True))


BUILDS = sorted(
    (
        p.parent
        for p in (ROOT / "reports").glob("**/tables/build.csv")
        if build_info(p.parent).get("like_for_like") == "True"
    ),
    key=str,
)


class Groups:
    """Which base platforms each platform group holds (groups.csv, platforms.csv, and the
    owner group's platforms of a build), and which cells and forces count in a group."""

    def __init__(self, owned: list[str]):
        platforms = read(REFERENCE / "platforms.csv")
        self.kind = dict(zip(platforms["platform"], platforms["kind"], strict=True))
        self.parts = {
            p: tuple(i for i in inc.split(";") if i) or (p,)
            for p, inc in zip(platforms["platform"], platforms["includes"], strict=True)
        }
        self.universe = {p for p, k in self.kind.items() if k in ("app", "service", "category")}
        owner = self.base(owned)
        self.members = {}
        for row in read(REFERENCE / "groups.csv").itertuples(index=False):
            self.members[row.group] = {
                "all": self.universe,
                "owner": owner,
                "platform": self.base([row.group]),
                "rest": self.universe - owner,
                "printed": self.base([p for p in row.platforms.split(";") if p]),
                "unknown": set(),
            }[row.kind]

    def named(self, platform: str) -> bool:
        return self.kind.get(platform) in ("app", "service", "category", "combined")

    def base(self, platforms) -> set[str]:
        return {p for name in platforms for p in self.parts.get(name, (name,))}

    def rest(self, force_rows: pd.DataFrame) -> set[str]:
        """What a force's return does not itemise: every known platform its rows do not name."""
        return self.universe - self.base(p for p in force_rows["platform"] if self.named(p))

    def settles(self, group: str, force_rows: pd.DataFrame) -> bool:
        if group in ("", "all_known", "unknown"):
            return True
        members = self.members[group]
        sets = [self.base([p]) for p in set(force_rows["platform"]) if self.named(p)]
        if (force_rows["platform"] == "not_itemised").any():
            sets.append(self.rest(force_rows))
        return all(s <= members or not s & members for s in sets)

    def mask(self, group: str, cells: pd.DataFrame) -> pd.Series:
        """The cells that count in ``group``."""
        platform = cells["platform"]
        known = platform.map(self.kind).fillna("unknown") != "unknown"
        if group == "unknown":
            return ~known
        if group == "all_known":
            return known
        members = self.members[group]
        inside = platform.map(lambda p: self.named(p) and self.base([p]) <= members)
        for force, rows in cells[platform == "not_itemised"].groupby("force"):
            rest = self.rest(cells[cells["force"] == force])
            inside[rows.index] = bool(rest) and rest <= members
        return inside.astype(bool)

    def counted(self, cells: pd.DataFrame, *groups: str) -> list[str]:
        return sorted(
            force
            for force, rows in cells.groupby("force")
            if all(self.settles(g, rows) for g in groups)
        )


def cells_with_truth(wave: str, treatment: str) -> pd.DataFrame:
    """The wave's cleaned instances, each with its true count (a record-level extract's
    instances summed by platform first, as the truth lists them) and its count under the
    build's treatment of withheld cells (``counted``)."""
    key = ["force", "source_file", "source_place", "period_start", "offence_group", "platform"]
    instances = read(PROCESSED / "instances.csv")
    instances = instances[instances["wave"] == wave].copy()
    coverage = read(PROCESSED / "coverage.csv")
    coverage = coverage[coverage["wave"] == wave].set_index("force")["provenance"]
    truth_file = ROOT / "data" / "raw" / "waves" / wave / "simulated-truth.csv"
    truth = read(truth_file) if truth_file.is_file() else pd.DataFrame(columns=[*key, "true"])
    truth = truth[truth["kind"].isin(["platform", "unknown"])] if "kind" in truth else truth
    for column in ("lower", "upper"):
        instances[column] = pd.to_numeric(instances[column])
    truth = truth.assign(true=pd.to_numeric(truth["true"]))
    withheld = instances["withheld"].str.lower() == "true"
    rule = RULES[treatment](instances["lower"], instances["upper"])
    instances = instances.assign(
        counted=np.where(withheld, rule, instances["lower"]),
        withheld_cells=withheld.astype(int),
    )
    summed = instances.groupby(key, as_index=False)[
        ["lower", "upper", "counted", "withheld_cells"]
    ].sum()
    true = truth.groupby(key, as_index=False)["true"].sum()
    merged = summed.merge(true, on=key, how="left", validate="one_to_one")
    real = merged["force"].map(coverage).eq("real")
    assert merged.loc[~real, "true"].notna().all(), merged[~real & merged["true"].isna()].head()
    assert merged.loc[real, "true"].isna().all()  # the generator wrote no truth for them
    # A real return's printed count is its truth; a withheld one's is not known.
    exact = real & (merged["withheld_cells"] == 0)
    merged.loc[exact, "true"] = merged.loc[exact, "lower"]
    return merged


def headline(tables: Path) -> pd.DataFrame:
    table = read(tables / "headline.csv")
    table = table[table["platform_group"] != ""]
    return table.drop_duplicates(["platform_group", "denominator", "unit"])


def owned_of(info: dict[str, str]) -> list[str]:
    return [p.strip() for p in info["owned_platforms"].split(",")]


@pytest.mark.parametrize("tables", BUILDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_national_figure_is_over_the_forces_whose_returns_itemise_it(tables):
    info = build_info(tables)
    groups = Groups(owned_of(info))
    cells = cells_with_truth(info["wave"], info["withheld_treatment"])
    every = sorted(set(cells["force"]))
    assert int(info["forces_with_data"]) == len(every)
    for _, row in headline(tables).iterrows():
        counted = groups.counted(cells, row["platform_group"], row["denominator"])
        assert int(row["forces_counted"]) == len(counted), row["measure"]


@pytest.mark.parametrize("tables", BUILDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_national_range_contains_the_true_value(tables):
    info = build_info(tables)
    groups = Groups(owned_of(info))
    cells = cells_with_truth(info["wave"], info["withheld_treatment"])
    table = headline(tables)
    checked = unknown = 0
    for _, row in table.iterrows():
        group, denominator = row["platform_group"], row["denominator"]
        mine = cells[cells["force"].isin(groups.counted(cells, group, denominator))]
        true = {g: mine.loc[groups.mask(g, mine), "true"] for g in {group, denominator} - {""}}
        if row["withheld_lowest"] == "":
            assert row["computed"] == "", row["measure"]  # every figure has its range
            continue
        if any(t.isna().any() for t in true.values()):
            unknown += 1
            continue  # a real withheld cell enters it, whose truth is not known
        low, high = float(row["withheld_lowest"]), float(row["withheld_highest"])
        if row["unit"] == "count":
            value = true[group].sum()
            assert low - 1e-9 <= value <= high + 1e-9, (group, low, value, high)
        else:
            value = 100 * true[group].sum() / true[denominator].sum()
            # shares are published to one decimal place: the range's ends are rounded
            assert low - 0.05 <= value <= high + 0.05, (group, denominator, low, value, high)
        checked += 1
    # Only a figure a real withheld cell enters goes unchecked: every other one is checked.
    assert checked + unknown == (table["computed"] != "").sum()
    assert not unknown or cells["true"].isna().any()


@pytest.mark.parametrize("tables", BUILDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_platform_counts_are_the_convention_applied_to_the_cells(tables):
    info = build_info(tables)
    groups = Groups(owned_of(info))
    cells = cells_with_truth(info["wave"], info["withheld_treatment"])
    table = headline(tables)
    counts = table[table["unit"] == "count"].set_index("platform_group")["computed"]
    assert len(counts) > 1
    for group, computed in counts.items():
        if group == "all_known":
            continue  # the known total also takes what printed totals count beyond the cells
        mine = cells[cells["force"].isin(groups.counted(cells, group))]
        assert float(computed) == mine.loc[groups.mask(group, mine), "counted"].sum(), group


def convention_known(wave: str, treatment: str, from_totals: bool) -> float:
    """The wave's instances with a known platform as the declared convention counts them,
    recomputed here: with known totals from the printed totals, a block whose return prints a
    total gives that total less its unknown-platform and excluded cells (a withheld cell by the
    rule); any other block gives its known cells so counted."""
    instances = read(PROCESSED / "instances.csv")
    instances = instances[instances["wave"] == wave].copy()
    for column in ("lower", "upper"):
        instances[column] = pd.to_numeric(instances[column])
    withheld = instances["withheld"].str.lower() == "true"
    rule = RULES[treatment]
    instances["counted"] = np.where(
        withheld, rule(instances["lower"], instances["upper"]), instances["lower"]
    )
    rec = read(PROCESSED / "reconciliation.csv")
    rec = rec[(rec["wave"] == wave) & (rec["total_source"] == "printed total")]
    key = ["force", "source_file", "table", "block"]
    printed = rec.set_index(key) if from_totals else rec.iloc[:0].set_index(key)
    known = 0.0
    for block, cells in instances.groupby(key):
        if block not in printed.index:
            known += cells.loc[cells["platform"] != "unknown", "counted"].sum()
            continue
        row = printed.loc[block]
        n = {c: float(row[c]) for c in row.index if c.endswith(("_lower", "_upper", "_cells"))}
        total = math.floor(rule(n["total_lower"], n["total_upper"]))
        unknown = cells.loc[cells["platform"] == "unknown", "counted"].sum()
        excluded_printed = n["excluded_lower"] - n["excluded_withheld_lower"]
        k = n["excluded_withheld_cells"]
        excluded_withheld = (
            k * math.floor(rule(n["excluded_withheld_lower"] / k, n["excluded_withheld_upper"] / k))
            if k
            else 0.0
        )
        known += total - unknown - excluded_printed - excluded_withheld
    return known


@pytest.mark.parametrize("tables", BUILDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_known_total_is_the_convention_applied_to_the_printed_totals(tables):
    info = build_info(tables)
    conventions = read(REFERENCE / "conventions.csv").set_index("release")
    release = info.get("convention_release", "")
    from_totals = bool(release) and conventions.loc[release, "known_total_from"] == (
        "printed_totals"
    )
    table = headline(tables)
    row = table[(table["platform_group"] == "all_known") & (table["unit"] == "count")].iloc[0]
    expected = convention_known(info["wave"], info["withheld_treatment"], from_totals)
    assert float(row["computed"]) == expected
