"""Exact ranges: what the withheld cells can be, given the totals the returns print.

A withheld cell of ``instances.csv`` is known only as its marker's range (``lower`` to
``upper``). Most tables also print a total for each block of cells (``reconciliation.csv``,
``total_source`` = ``printed total``), and the total less the block's printed cells is what its
withheld cells add up to. So a block's counted withheld cells sum to a value in
``[S_lower - excluded_withheld_upper, S_upper - excluded_withheld_lower]``, where
``S = total - (mapped + unknown + excluded - withheld)`` at the lower and the upper ends (the
excluded cells that are withheld count at either end of their own ranges). Every cell lies in
one block, so the range of any count or share over those constraints is a small linear
programme, solved exactly by :mod:`src.bounds`.

:func:`exact_bounds` builds those constraints from the selected instances (one wave, the chosen
offence groups, without the excluded forces: only their blocks count) and gives each force's
range for each platform group, each withheld cell's own range (a cell the totals pin to one
value is *known*), and the range of any share over any set of forces. A block with no printed
total leaves its cells at their markers' ranges. :func:`exact_comparison` puts the exact ranges
into the comparison with the published figures, and :func:`exact_uncertainty` into the
intervals of the headline shares.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from src import bounds
from src.errors import InputError
from src.findings.published import area_forces, holds_over_range
from src.findings.shares import GroupRules
from src.findings.shares import membership as group_membership

#: The key of a block: what names a printed total in both processed tables.
BLOCK_KEY = ["wave", "force", "source_file", "table", "block"]
#: A block whose total the return prints (``reconciliation.csv``'s ``total_source``).
PRINTED_TOTAL = "printed total"
#: Rows of a treatment that fills withheld cells and adds their remainder as a row of its own:
#: never a cell of a return, so never a variable here.
REMAINDER_PLATFORM = "withheld_remainder"
#: The reconciliation's columns the bounds need.
RECONCILIATION_COLUMNS = [
    *BLOCK_KEY,
    "total_source",
    "total_lower",
    "total_upper",
    "mapped_lower",
    "unknown_lower",
    "excluded_lower",
    "withheld_cells",
    "withheld_lower",
    "excluded_withheld_cells",
    "excluded_withheld_lower",
    "excluded_withheld_upper",
]
#: The sentence :func:`src.findings.published.compare_published` adds about the marker range.
RANGE_SENTENCE = " The published figure lies within the range the withheld cells allow"
RECONCILIATION_FILE = "data/processed/reconciliation.csv"


def _whole(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column, errors="coerce")


def _flag(column: pd.Series) -> pd.Series:
    if column.dtype == bool:
        return column
    return column.astype(str).str.strip().str.lower().isin(["true", "1", "yes"])


def block_sums(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Each block with a printed total, indexed by :data:`BLOCK_KEY`: ``cells`` (its counted
    withheld cells) and ``sum_lower``, ``sum_upper`` (what they add up to at least and at most).
    """
    missing = [c for c in RECONCILIATION_COLUMNS if c not in reconciliation.columns]
    if missing:
        raise InputError(
            RECONCILIATION_FILE,
            "header row",
            f"no column(s) {', '.join(missing)}: the table was made by an older cleaning step",
            "rerun notebooks/10-clean.ipynb (`make`)",
        )
    rows = reconciliation[reconciliation["total_source"] == PRINTED_TOTAL]
    numbers = {c: _whole(rows[c]) for c in RECONCILIATION_COLUMNS[6:]}
    bad = pd.DataFrame(numbers).isna().any(axis=1)
    if bad.any():
        row = rows[bad].iloc[0]
        raise InputError(
            RECONCILIATION_FILE,
            f"force '{row['force']}', block '{row['block']}'",
            "a count column of a block with a printed total is not a whole number",
            "rerun notebooks/10-clean.ipynb (`make`)",
        )
    printed = (
        numbers["mapped_lower"]
        + numbers["unknown_lower"]
        + numbers["excluded_lower"]
        - numbers["withheld_lower"]
    )
    out = rows[BLOCK_KEY].copy()
    out["cells"] = (numbers["withheld_cells"] - numbers["excluded_withheld_cells"]).astype(int)
    out["sum_lower"] = (
        numbers["total_lower"] - printed - numbers["excluded_withheld_upper"]
    ).astype(int)
    out["sum_upper"] = (
        numbers["total_upper"] - printed - numbers["excluded_withheld_lower"]
    ).astype(int)
    return out.set_index(BLOCK_KEY)


@dataclass
class ExactBounds:
    """The selected cells with their exact ranges, and each force's range for each group.

    ``cells``: one row per selected cell (``force``, ``platform``, ``withheld``, ``lower`` and
    ``upper`` from its marker, ``exact_lower`` and ``exact_upper`` given the totals, ``bounded``:
    a printed total covers it, ``pinned``: withheld but known exactly). ``membership``: for each
    cell (same index), 1 in the column of each platform group it counts in. ``groups``: one row
    per force and group: ``value_min``, ``value_max`` (exact), ``marker_min``, ``marker_max``,
    ``withheld_cells``, ``bounded_cells`` and ``pinned_cells``.
    """

    cells: pd.DataFrame
    membership: pd.DataFrame
    groups: pd.DataFrame
    problems: dict

    def count_range(self, forces, group: str) -> tuple[float, float]:
        """The exact range of ``group``'s count over ``forces`` (blocks lie within a force, so
        it is the sum of the forces' ranges)."""
        rows = self.groups[
            self.groups["force"].isin(list(forces)) & (self.groups["group"] == group)
        ]
        return float(rows["value_min"].sum()), float(rows["value_max"].sum())

    def best_count(self, forces, group: str) -> float:
        """``group``'s best estimate over ``forces``: the sum of its cells' :func:`best_estimates`
        (a value the withheld cells can take, so within :meth:`count_range`)."""
        index = self.cells.index[self.cells["force"].isin(list(forces))]
        return float((self.cells.loc[index, "best"] * self.membership.loc[index, group]).sum())

    def best_share(self, forces, group: str, denominator: str) -> float:
        """``group`` as a proportion of ``denominator`` at the best estimates (NaN over none)."""
        below = self.best_count(forces, denominator)
        return self.best_count(forces, group) / below if below else math.nan

    def best_by_force(self) -> pd.DataFrame:
        """Each force's count of every group at the best estimates: force by group."""
        weighted = self.membership.mul(self.cells["best"], axis=0)
        return weighted.groupby(self.cells["force"]).sum()

    def count(self, forces, group: str, column: str) -> int:
        rows = self.groups[
            self.groups["force"].isin(list(forces)) & (self.groups["group"] == group)
        ]
        return int(rows[column].sum())

    def share_range(self, forces, group: str, denominator: str) -> tuple[float, float]:
        """The exact range of ``group`` as a proportion of ``denominator`` over ``forces``
        (NaN, NaN when the denominator is 0 however the withheld cells are filled)."""
        index = self.cells.index[self.cells["force"].isin(list(forces))]
        return self._ratio(index, self.membership.loc[index, group], denominator)

    def platform_range(self, forces, platform: str, denominator: str) -> tuple[float, ...]:
        """One platform's exact count range and share of ``denominator`` over ``forces``:
        (lowest count, highest count, lowest share, highest share)."""
        index = self.cells.index[self.cells["force"].isin(list(forces))]
        mine = (self.cells.loc[index, "platform"] == platform).astype(int)
        if not len(index):
            return (math.nan,) * 4
        low, high = bounds.linear_range(_problem(self.cells.loc[index]), mine.tolist())
        return (float(low), float(high), *self._ratio(index, mine, denominator))

    def _ratio(self, index, numerator: pd.Series, denominator: str) -> tuple[float, float]:
        if not len(index):
            return math.nan, math.nan
        problem = _problem(self.cells.loc[index])
        try:
            result = bounds.ratio_range(
                problem,
                numerator.astype(int).tolist(),
                self.membership.loc[index, denominator].astype(int).tolist(),
            )
        except ValueError:  # a group outside its denominator, which can be 0: no bound
            return math.nan, math.nan
        if result is None:
            return math.nan, math.nan
        return float(result[0]), float(result[1])


def _problem(cells: pd.DataFrame, sums: dict | None = None) -> bounds.Cells:
    """The cells as variables: a withheld cell under a printed total in its block, a printed
    count fixed at its value."""
    if sums is None:
        bounded = cells[cells["block_id"].notna()]
        sums = {
            key: (int(lo), int(hi))
            for key, lo, hi in zip(
                bounded["block_id"], bounded["sum_lower"], bounded["sum_upper"], strict=True
            )
        }
    keys = [None if pd.isna(k) else k for k in cells["block_id"]]
    return bounds.Cells(
        [int(v) for v in cells["lower"]], [int(v) for v in cells["upper"]], keys, sums
    )


def _cells(selected: pd.DataFrame, sums: pd.DataFrame | None) -> pd.DataFrame:
    """The selected instances as cells: marker bounds, and the block total of each withheld
    cell that has one (``block_id``, ``sum_lower``, ``sum_upper``)."""
    cells = selected[selected["platform"] != REMAINDER_PLATFORM].reset_index(drop=True)
    withheld = _flag(cells["withheld"])
    count = _whole(cells["count"])
    out = pd.DataFrame(
        {
            "force": cells["force"],
            "platform": cells["platform"],
            "withheld": withheld,
            "lower": _whole(cells["lower"]).where(withheld, count),
            "upper": _whole(cells["upper"]).where(withheld, count),
        }
    )
    bad = out["lower"].isna() | out["upper"].isna() | (out["lower"] > out["upper"])
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            "data/processed/instances.csv",
            f"force '{out['force'].iloc[row]}', platform '{out['platform'].iloc[row]}'",
            "a withheld row needs lower <= upper, and any other row a count",
            "rerun notebooks/10-clean.ipynb (`make`)",
        )
    out[["lower", "upper"]] = out[["lower", "upper"]].astype(int)
    out["block_id"] = None
    out["sum_lower"] = 0
    out["sum_upper"] = 0
    if sums is None or not all(c in cells.columns for c in BLOCK_KEY):
        return out
    keys = list(zip(*(cells[c] for c in BLOCK_KEY), strict=True))
    counted: dict = {}
    for i, key in enumerate(keys):
        if withheld.iloc[i] and key in sums.index:
            counted.setdefault(key, []).append(i)
    for key, members in counted.items():
        expected = int(sums.at[key, "cells"])
        if len(members) != expected:
            raise InputError(
                RECONCILIATION_FILE,
                f"force '{key[1]}', table '{key[3]}', block '{key[4]}'",
                f"the block has {expected} counted withheld cell(s), but {len(members)} of the "
                "selected instances (instances.csv) name it",
                "rerun notebooks/10-clean.ipynb (`make`); a build that selects part of a "
                "block's cells cannot use its printed total",
            )
        for i in members:
            out.at[i, "block_id"] = " | ".join(key)
            out.at[i, "sum_lower"] = int(sums.at[key, "sum_lower"])
            out.at[i, "sum_upper"] = int(sums.at[key, "sum_upper"])
    return out


def best_estimates(cells: pd.DataFrame) -> pd.Series:
    """The best estimate of every cell, one value the withheld cells can all take together: a
    printed count as it is; the withheld cells of a block with a printed total, the middle of
    their markers' ranges, moved as little as the total needs (clamped to what the total leaves
    them) and spread over them in proportion to their ranges, so that they add to a value the
    total allows (a cell the totals pin is at its value); a withheld cell with no total, the
    middle of its marker's range."""
    best = (
        cells["lower"]
        .astype(float)
        .where(~cells["withheld"], (cells["lower"] + cells["upper"]) / 2)
    )
    bounded = cells[cells["withheld"] & cells["block_id"].notna()]
    for _, block in bounded.groupby("block_id", sort=False):
        low, high = float(block["lower"].sum()), float(block["upper"].sum())
        target = min(
            max((low + high) / 2, float(block["sum_lower"].iloc[0])),
            float(block["sum_upper"].iloc[0]),
        )
        fraction = (target - low) / (high - low) if high > low else 0.0
        best[block.index] = block["lower"] + fraction * (block["upper"] - block["lower"])
    return best


def exact_bounds(
    selected: pd.DataFrame,
    reconciliation: pd.DataFrame | None,
    rules: GroupRules,
    forces=None,
) -> ExactBounds:
    """The exact ranges of the selected instances (before any treatment of withheld cells)
    under the printed totals of ``reconciliation`` (None, or instances without ``table`` and
    ``block``: no totals, every cell keeps its marker's range). ``rules`` says which groups
    each cell counts in (:func:`~src.findings.shares.membership`); ``forces`` every force of
    the build (a force with no cells gets zeros)."""
    sums = None if reconciliation is None else block_sums(reconciliation)
    cells = _cells(selected, sums)
    membership = group_membership(cells, rules)
    problems, exact = {}, [(0, 0)] * len(cells)
    for force, rows in cells.groupby("force", sort=True):
        problem = _problem(rows)
        problems[force] = (rows.index, problem)
        for i, span in zip(rows.index, bounds.cell_ranges(problem), strict=True):
            exact[i] = span
    cells["exact_lower"] = [lo for lo, _ in exact]
    cells["exact_upper"] = [hi for _, hi in exact]
    cells["bounded"] = cells["block_id"].notna()
    cells["pinned"] = cells["withheld"] & (cells["exact_lower"] == cells["exact_upper"])
    cells["best"] = best_estimates(cells)
    all_forces = sorted(set(forces) if forces is not None else set(cells["force"]))
    ranges = []
    for force in all_forces:
        index, problem = problems.get(force, (cells.index[:0], None))
        weights = membership.loc[index]
        for group in membership.columns:
            span = bounds.linear_range(problem, weights[group].tolist()) if problem else (0, 0)
            ranges.append((force, group, float(span[0]), float(span[1])))
    rows = pd.DataFrame(ranges, columns=["force", "group", "value_min", "value_max"])
    parts = {
        "marker_min": cells["lower"],
        "marker_max": cells["upper"],
        "withheld_cells": cells["withheld"],
        "bounded_cells": cells["withheld"] & cells["bounded"],
        "pinned_cells": cells["pinned"],
    }
    for name, values in parts.items():  # each group's sum over its cells, force by force
        by_force = membership.mul(values.astype(float), axis=0).groupby(cells["force"]).sum()
        summed = by_force.reindex(all_forces, fill_value=0.0).stack()
        rows[name] = summed.reindex(pd.MultiIndex.from_frame(rows[["force", "group"]])).to_numpy()
    counts = ["withheld_cells", "bounded_cells", "pinned_cells"]
    rows[counts] = rows[counts].astype(int)
    return ExactBounds(cells, membership, rows, problems)


# --- Into the tables ---------------------------------------------------------------------------


def _fmt(value: float, unit: str) -> str:
    if unit == "percent":
        return f"{value:.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def area_range(exact: ExactBounds, members, group: str, denominator: str, unit: str, days: int):
    """The exact (lowest, highest) of a figure's definition over ``members``, in its unit."""
    if unit == "percent":
        low, high = exact.share_range(members, group, denominator)
        return 100 * low, 100 * high
    low, high = exact.count_range(members, group)
    per = days if unit == "per_day" else 1
    return low / per, high / per


def exact_comparison(
    comparison: pd.DataFrame, exact: ExactBounds, forces_ref: pd.DataFrame, days: int = 1
) -> pd.DataFrame:
    """The comparison with the published figures, its ranges exact: ``computed_lowest`` and
    ``computed_highest`` over every value the withheld cells can take given the printed totals,
    ``holds_over_withheld_range`` judged over that range, and ``pinned_cells``: how many
    withheld cells of the figure's group in its area the totals give away exactly."""
    out = comparison.copy()
    included = sorted(set(exact.groups["force"]))
    out["pinned_cells"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    for i in out.index:
        group = str(out.at[i, "platform_group"] or "")
        if not group or not math.isfinite(float(out.at[i, "computed"])):
            continue
        members = area_forces(out.at[i, "geography"], out.at[i, "area"], forces_ref, included)
        if "forces_used" in out:
            members = [f for f in str(out.at[i, "forces_used"]).split(";") if f]
        if not members:
            continue
        unit = out.at[i, "unit"]
        low, high = area_range(exact, members, group, out.at[i, "denominator"], unit, days)
        out.at[i, "computed_lowest"] = low
        out.at[i, "computed_highest"] = high
        out.at[i, "pinned_cells"] = exact.count(members, group, "pinned_cells")
        precision = out.at[i, "precision"]
        precision = None if precision is None or pd.isna(precision) else int(precision)
        rule, published = out.at[i, "comparison"], float(out.at[i, "published"])
        over = holds_over_range(rule, low, high, published, precision, unit)
        out.at[i, "holds_over_withheld_range"] = over
        note = str(out.at[i, "note"]).split(RANGE_SENTENCE)[0]
        if rule == "exact" and not out.at[i, "holds"] and over == "in part":
            note += (
                f"{RANGE_SENTENCE} given the printed totals ({_fmt(low, unit)} to "
                f"{_fmt(high, unit)})."
            )
        elif rule == "exact" and not out.at[i, "holds"] and over == "no":
            note += (
                " The published figure lies outside the range the withheld cells allow given "
                f"the printed totals ({_fmt(low, unit)} to {_fmt(high, unit)})."
            )
        elif low == high and over == "throughout":
            note += f" The printed totals fix it at exactly {_fmt(low, unit)}."
        out.at[i, "note"] = note
    return out


def exact_uncertainty(unc: pd.DataFrame, exact: ExactBounds) -> pd.DataFrame:
    """The intervals of the headline shares (:func:`~src.findings.intervals.uncertainty`) with
    ``withheld_lowest`` and ``withheld_highest`` the exact range (proportions) over every
    force of the build."""
    out = unc.copy()
    every = sorted(set(exact.groups["force"]))
    for i in out.index:
        used = str(out.at[i, "forces_used"]) if "forces_used" in out else ""
        forces = [f for f in used.split(";") if f] if used else every
        low, high = exact.share_range(forces, out.at[i, "group"], out.at[i, "denominator"])
        out.at[i, "withheld_lowest"] = low
        out.at[i, "withheld_highest"] = high
    return out


def at_best_estimates(groups: pd.DataFrame, exact: ExactBounds) -> pd.DataFrame:
    """``groups`` (:func:`~src.findings.shares.force_groups`, one row per force and group) with
    each ``value`` the force's count at the best estimates (:meth:`ExactBounds.best_by_force`;
    0 for a force with no cells): the counts of the returns as they best give them, before
    any disclosure control."""
    best = exact.best_by_force()
    out = groups.copy()
    out["value"] = [
        float(best.at[f, g]) if f in best.index and g in best.columns else 0.0
        for f, g in zip(out["force"], out["group"], strict=True)
    ]
    return out


def cells_at_best(treated: pd.DataFrame, exact: ExactBounds) -> pd.DataFrame:
    """``treated``'s cells (:func:`~src.findings.shares.treat`, without the convention's
    remainder rows, which are no cell) with each ``value`` at its best estimate, so within its
    exact range: the counts of the returns as they best give them."""
    cells = treated[treated["platform"] != REMAINDER_PLATFORM].reset_index(drop=True)
    if len(cells) != len(exact.cells) or not cells["force"].equals(exact.cells["force"]):
        raise RuntimeError("the treated cells are not the cells of the exact bounds")
    return cells.assign(value=exact.cells["best"].to_numpy())


def force_shares(
    exact: ExactBounds, forces, group: str, denominator: str = "all_known"
) -> pd.DataFrame:
    """Each of ``forces``'s ``group`` as a share of its ``denominator``, from its return before
    disclosure control: ``count`` and ``known`` at the best estimates, ``share`` at them and
    ``share_lowest``, ``share_highest`` its exact range (proportions; NaN where the
    denominator can be 0). A withheld cell counts at its best estimate, never as 0."""
    rows = []
    for force in forces:
        low, high = exact.share_range([force], group, denominator)
        rows.append(
            {
                "force": force,
                "count": exact.best_count([force], group),
                "known": exact.best_count([force], denominator),
                "share": exact.best_share([force], group, denominator),
                "share_lowest": low,
                "share_highest": high,
            }
        )
    columns = ["force", "count", "known", "share", "share_lowest", "share_highest"]
    return pd.DataFrame(rows, columns=columns)
