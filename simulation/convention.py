"""The declared counting convention, and the cell-level programme that makes the written
returns reproduce a release under it.

The convention (``data/reference/conventions.csv``: ``withheld_counted_as`` =
``middle_rounded_down``, ``known_total_from`` = ``printed_totals``) is what the release most
plausibly did:

1. a platform's (or platform group's) count in an area is the sum over its forces' printed
   cells of known platforms within the wave, a withheld cell counted at
   floor((lower + upper) / 2) of its marker's range (2 for "1 to 4" and for "0 to 4");
2. an area's instances with a known platform are, block by block (a column of one table: one
   offence group in one period), the printed total less the block's unknown-platform and
   excluded cells (each at rule 1's value), or, where a block prints no total, the sum of its
   known-platform cells at rule 1's value;
3. shares are counts over known instances, the owner group being Instagram + Facebook or
   Messenger + WhatsApp.

So known - (the sum of the platform counts) is the sum, over blocks with a printed total, of
the true values of the block's withheld cells less 2 each: the withheld cells' true values must
average a little above 2 when a release's stated total exceeds the sum of its parts (the gap
is read from the release's figures, never typed here).

:func:`adjust_cells` solves the second integer programme of the draw: given the ledger of every
printed cell of a first rendering (its true value, what was printed, the bounds a reader infers),
it moves the true values as little as it can (weighted by 1 / sqrt(count + 1)) so that every
published figure of the release holds under the convention, keeping the withheld pattern: a
withheld cell stays in its marker's range, a printed cell of a force that withholds stays at 5
or more (at 1 or more where nothing is withheld), a zero stays zero, and a cell outside the
wave stays as drawn. Exact counts are met exactly; a published share or worded statement that
the release's own figures do not fix is held at its published precision at least ``MARGIN``
from the boundary; one the release's own figures fix is left to them (and is either met by the
exact counts, or contradicted by the release itself and left as it falls).
:func:`convention_table` computes every figure under the convention from a ledger, and
:func:`check_convention` lists what does not hold. The reading of a statement mirrors the
findings' (``exact``, ``rounded`` half up, ``more_than``, ``almost``: from 5 points (or 5 per
cent) below to under the value, ``approx_one_in``, ``per_day``), but this module imports no
step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

OTHER = "other"
NAMED = ("instagram", "facebook_messenger", "whatsapp")
GROUP_KEYS: dict[str, object] = {
    "instagram": {"instagram"},
    "facebook_messenger": {"facebook_messenger"},
    "whatsapp": {"whatsapp"},
    "facebook_column": {"facebook_messenger", "whatsapp"},
    "facebook_owned": set(NAMED),
    OTHER: OTHER,
    "all_known": None,
}
MARGIN = 0.05  # points (or a count a day) a held statement keeps from its boundary
ONE_IN_MARGIN = 0.005  # the same for the N of "one in N"
ALMOST_POINTS = 5.0  # "nearly half": from 45% to under 50% (the findings' reading)
BLOCK = ["force", "file", "period_start", "period_end", "offence_group"]


def floor_mid(lower, upper):
    """A withheld cell's value under the convention: the middle of its range, rounded down."""
    return (np.asarray(lower, dtype=int) + np.asarray(upper, dtype=int)) // 2


def counted_cells(ledger: pd.DataFrame, region_of: Mapping[str, str], start, end) -> pd.DataFrame:
    """The ledger with, for every row: ``in_wave``, ``region``, ``withheld`` (its range is more
    than one value), ``conv`` (rule 1's value) and ``has_total`` (its block prints a total)."""
    cells = ledger.reset_index(drop=True).copy()
    cells["in_wave"] = (cells["period_start"] >= start) & (cells["period_end"] <= end)
    cells["region"] = cells["force"].map(region_of).fillna("")
    cells["withheld"] = cells["lower"] != cells["upper"]
    cells["conv"] = np.where(
        cells["withheld"], floor_mid(cells["lower"], cells["upper"]), cells["true"]
    )
    totals = cells.loc[cells["kind"] == "total", BLOCK].drop_duplicates()
    totals["has_total"] = True
    cells = cells.merge(totals, on=BLOCK, how="left")
    cells["has_total"] = cells["has_total"].fillna(False).astype(bool)
    return cells


def coefficients(cells: pd.DataFrame, group: str) -> tuple[np.ndarray, np.ndarray]:
    """Each row's part in an area's count of ``group`` under the convention, as
    ``a * true + b``: (a, b). Rows outside the wave take no part."""
    kind, withheld, conv = cells["kind"], cells["withheld"], cells["conv"].to_numpy()
    platform = (kind == "platform").to_numpy()
    a, b = np.zeros(len(cells)), np.zeros(len(cells))
    if group == "all_known":
        total = cells["has_total"].to_numpy()
        other = kind.isin(["unknown", "excluded"]).to_numpy() & withheld.to_numpy()
        # Blocks with a total: total - unknown - excluded = platform cells' true values + each
        # withheld unknown or excluded cell's true value less its rule-1 value.
        a[total & (platform | other)] = 1
        b[total & other] = -conv[total & other]
        # Blocks without: the platform cells at rule 1.
        loose = ~total & platform
        a[loose & ~withheld.to_numpy()] = 1
        b[loose & withheld.to_numpy()] = conv[loose & withheld.to_numpy()]
    else:
        keys = GROUP_KEYS[group]
        if keys == OTHER:
            mine = platform & ~cells["key"].isin(NAMED).to_numpy()
        else:
            mine = platform & cells["key"].isin(keys).to_numpy()
        a[mine & ~withheld.to_numpy()] = 1
        b[mine & withheld.to_numpy()] = conv[mine & withheld.to_numpy()]
    outside = ~cells["in_wave"].to_numpy()
    a[outside], b[outside] = 0, 0
    return a, b


def _in_area(cells: pd.DataFrame, geography: str, area: str) -> np.ndarray:
    if geography == "region":
        return (cells["region"] == area).to_numpy()
    if geography == "force":
        return (cells["force"] == area).to_numpy()
    return np.ones(len(cells), dtype=bool)


def value_of(cells: pd.DataFrame, geography: str, area: str, group: str, true=None) -> float:
    """An area's count of ``group`` under the convention (``true``: the cells' values, default
    their ``true`` column)."""
    a, b = coefficients(cells, group)
    x = cells["true"].to_numpy() if true is None else np.asarray(true)
    mask = _in_area(cells, geography, area)
    return float((a * x + b)[mask].sum())


# --- The published figures and how a statement is read ---------------------------------------


@dataclass(frozen=True)
class Figure:
    """One published figure of the wave, and whether the release's own figures decide it:
    None (they do not), True (they give a value that holds) or False (they contradict it)."""

    figure_id: str
    geography: str
    area: str
    group: str
    denominator: str
    unit: str
    comparison: str
    precision: int | None
    value: float
    from_release: bool | None


def half_up(value: float, places: int = 0) -> float:
    """Round as a reader does (0.5 goes up)."""
    quantum = Decimal(1).scaleb(-int(places))
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def holds(comparison: str, computed: float, published: float, precision, unit: str) -> bool:
    """Whether the statement holds for ``computed`` (in its unit), read as the findings read
    it."""
    if not math.isfinite(computed):
        return False
    if comparison == "exact":
        return abs(computed - published) < 1e-9
    if comparison == "rounded":
        return half_up(computed, precision or 0) == published
    if comparison == "more_than":
        return computed > published
    if comparison == "almost":
        below = ALMOST_POINTS if unit == "percent" else published * ALMOST_POINTS / 100
        return published - below <= computed < published
    if comparison == "approx_one_in":
        n = 100 / published if unit == "percent" else published
        share = computed / 100 if unit == "percent" else computed
        return share > 0 and half_up(1 / share) == round(n)
    raise ValueError(f"unknown comparison '{comparison}'")


def held_interval(comparison: str, published: float, precision, unit: str) -> tuple[float, float]:
    """The closed interval of values (in the figure's unit) at which the statement holds at
    least MARGIN from its boundary (a count: by at least one)."""
    if unit == "count":
        if comparison == "exact":
            return published, published
        if comparison == "more_than":
            return math.floor(published) + 1, math.inf
        if comparison == "almost":
            return math.ceil(published * (1 - ALMOST_POINTS / 100)), math.ceil(published) - 1
    if comparison == "rounded":
        half = 0.5 * 10 ** -(precision or 0)
        return published - half + MARGIN, published + half - MARGIN
    if comparison == "more_than":
        return published + MARGIN, math.inf
    if comparison == "almost":
        return published - ALMOST_POINTS + MARGIN, published - MARGIN
    if comparison == "approx_one_in" and unit == "percent":
        n = round(100 / published)
        return 100 / (n + 0.5 - ONE_IN_MARGIN), 100 / (n - 0.5 + ONE_IN_MARGIN)
    raise ValueError(f"no reading of '{comparison}' for a figure in {unit}")


def release_counts(published: pd.DataFrame, geography: str, area: str) -> dict[str, float]:
    """The exact counts the release printed for an area, with the groups they imply (the owner
    group from its three platforms or from Instagram and the 'Facebook' column)."""
    rows = published[
        (published["geography"] == geography)
        & (published["area"] == area)
        & (published["unit"] == "count")
        & (published["comparison"] == "exact")
        & (published["platform_group"] != "")
    ]
    counts = dict(zip(rows["platform_group"], rows["value"].astype(float), strict=True))
    if all(g in counts for g in NAMED):
        counts.setdefault("facebook_owned", sum(counts[g] for g in NAMED))
        counts.setdefault("facebook_column", counts["facebook_messenger"] + counts["whatsapp"])
    elif "instagram" in counts and "facebook_column" in counts:
        counts.setdefault("facebook_owned", counts["instagram"] + counts["facebook_column"])
    return counts


def read_figures(published: pd.DataFrame, days: int) -> list[Figure]:
    """Every figure of the release about this wave alone that names a platform group, with
    whether the release's own exact counts decide it (exact counts decide themselves)."""
    pub = published
    if "compares_with" in pub.columns:
        pub = pub[pub["compares_with"] == ""]
    out = []
    for r in pub.itertuples(index=False):
        if r.platform_group == "" or r.unit not in ("count", "percent", "per_day"):
            continue
        precision = int(float(r.precision)) if str(r.precision).strip() else None
        value = float(r.value)
        decided: bool | None = None
        if r.comparison != "exact":
            counts = release_counts(published, r.geography, r.area)
            if r.unit == "percent" and {r.platform_group, r.denominator} <= set(counts):
                computed = 100 * counts[r.platform_group] / counts[r.denominator]
                decided = holds(r.comparison, computed, value, precision, r.unit)
            elif r.unit != "percent" and r.platform_group in counts:
                computed = counts[r.platform_group] / (days if r.unit == "per_day" else 1)
                decided = holds(r.comparison, computed, value, precision, r.unit)
        out.append(
            Figure(
                r.figure_id,
                r.geography,
                r.area,
                r.platform_group,
                r.denominator,
                r.unit,
                r.comparison,
                precision,
                value,
                decided,
            )
        )
    return out


def _computed(cells: pd.DataFrame, fig: Figure, days: int, true=None) -> float:
    num = value_of(cells, fig.geography, fig.area, fig.group, true)
    if fig.unit == "percent":
        den = value_of(cells, fig.geography, fig.area, fig.denominator, true)
        return 100 * num / den if den else math.nan
    return num / days if fig.unit == "per_day" else num


# --- The programme ---------------------------------------------------------------------------


def cell_bounds(cells: pd.DataFrame, withholds: Mapping[str, bool]) -> tuple[np.ndarray, ...]:
    """Each row's (lowest, highest) true value that keeps what is printed: a withheld cell in
    its range; a printed zero, a total or a cell outside the wave as it is; any other printed
    cell at 5 or more where its force withholds small counts, else at 1 or more."""
    true = cells["true"].to_numpy().astype(float)
    low, high = true.copy(), true.copy()
    free = cells["in_wave"].to_numpy() & (cells["kind"] != "total").to_numpy()
    withheld = cells["withheld"].to_numpy()
    w = free & withheld
    low[w], high[w] = cells["lower"].to_numpy()[w], cells["upper"].to_numpy()[w]
    printed = free & ~withheld & (true > 0)
    floor = np.where(cells["force"].map(withholds).fillna(False).to_numpy(), 5, 1)
    low[printed], high[printed] = floor[printed], np.inf
    return low, high


def adjust_cells(
    cells: pd.DataFrame, figures: list[Figure], days: int, withholds: Mapping[str, bool]
) -> np.ndarray | None:
    """The true values nearest the drawn ones (``cells['true']``) under which every figure
    holds (see the module docstring); None if there are none."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix

    x0 = cells["true"].to_numpy().astype(float)
    low, high = cell_bounds(cells, withholds)
    if (x0 < low).any() or (x0 > high).any():
        raise RuntimeError("a drawn cell is outside the bounds its printing allows")
    n = len(cells)
    rows: list[np.ndarray] = []
    lo_rhs: list[float] = []
    hi_rhs: list[float] = []

    def expression(fig: Figure, group: str) -> tuple[np.ndarray, float]:
        a, b = coefficients(cells, group)
        mask = _in_area(cells, fig.geography, fig.area)
        a, b = np.where(mask, a, 0.0), float(b[mask].sum())
        return a, b + float(a @ x0)  # in terms of the changes from the draw

    for fig in figures:
        if fig.from_release is not None:  # the release's own figures decide it
            continue
        lo, hi = held_interval(fig.comparison, fig.value, fig.precision, fig.unit)
        num, c_num = expression(fig, fig.group)
        if fig.unit == "percent":  # lo <= 100 num / den <= hi, with den > 0
            den, c_den = expression(fig, fig.denominator)
            for bound, sign in ((lo, 1), (hi, -1)):
                if math.isfinite(bound):
                    rows.append(sign * (100 * num - bound * den))
                    lo_rhs.append(-sign * (100 * c_num - bound * c_den))
                    hi_rhs.append(math.inf)
            continue
        scale = days if fig.unit == "per_day" else 1
        rows.append(num)
        lo_rhs.append(lo * scale - c_num if math.isfinite(lo) else -math.inf)
        hi_rhs.append(hi * scale - c_num if math.isfinite(hi) else math.inf)
    # Changes up (p) and down (q) from the draw, each integral: x = x0 + p - q.
    a = np.vstack(rows) if rows else np.zeros((0, n))
    a_pq = csr_matrix(np.hstack([a, -a]))
    weight = 1 / np.sqrt(x0 + 1)
    cost = np.concatenate([weight, weight])
    upper = np.concatenate([np.minimum(high - x0, 1e6), x0 - low])
    result = milp(
        cost,
        constraints=[LinearConstraint(a_pq, np.array(lo_rhs), np.array(hi_rhs))],
        integrality=np.ones(2 * n),
        bounds=Bounds(np.zeros(2 * n), upper),
        options={"time_limit": 120},
    )
    if result.x is None or result.status != 0:
        return None
    step = np.round(result.x).astype(int)
    return (x0 + step[:n] - step[n:]).astype(int)


# --- Checking a written corpus -----------------------------------------------------------------


def convention_table(cells: pd.DataFrame, figures: list[Figure], days: int) -> pd.DataFrame:
    """Every figure under the convention: its value, whether the statement holds, whether it
    holds at least MARGIN from its boundary, and whether the release's own figures decide it."""
    rows = []
    for fig in figures:
        computed = _computed(cells, fig, days)
        lo, hi = held_interval(fig.comparison, fig.value, fig.precision, fig.unit)
        rows.append(
            {
                "figure_id": fig.figure_id,
                "comparison": fig.comparison,
                "unit": fig.unit,
                "published": fig.value,
                "convention": computed,
                "holds": holds(fig.comparison, computed, fig.value, fig.precision, fig.unit),
                "with_margin": bool(lo - 1e-9 <= computed <= hi + 1e-9),
                "release_says": {None: "", True: "holds", False: "contradicts"}[fig.from_release],
            }
        )
    return pd.DataFrame(rows)


def check_convention(table: pd.DataFrame) -> list[str]:
    """Figures that do not hold under the convention though they should: an exact count off,
    a statement the release does not decide that does not hold at its margin, or one the
    release's own figures support that the corpus does not."""
    problems = []
    for r in table.itertuples(index=False):
        if r.release_says == "contradicts":
            continue
        if not r.holds or (r.release_says == "" and not r.with_margin):
            problems.append(
                f"{r.figure_id}: {r.convention:.4g} under the convention does not hold "
                f"against {r.published:g} ({r.comparison})"
            )
    return problems


def check_cells(ledger: pd.DataFrame) -> list[str]:
    """The written returns' own arithmetic: a withheld cell's true value in its range, a
    printed cell's equal to what is printed, and each printed total the sum of its block."""
    problems = []
    bad = ledger[(ledger["true"] < ledger["lower"]) | (ledger["true"] > ledger["upper"])]
    problems += [f"{r.file}: {r.label} true {r.true} outside its range" for r in bad.itertuples()]
    shown = ledger[ledger["lower"] == ledger["upper"]]
    wrong = shown[shown["printed"] != shown["true"].astype(str)]
    problems += [
        f"{r.file}: {r.label} printed {r.printed}, true {r.true}" for r in wrong.itertuples()
    ]
    cells = ledger[ledger["kind"] != "total"].groupby(BLOCK)["true"].sum()
    for r in ledger[ledger["kind"] == "total"].itertuples(index=False):
        key = tuple(getattr(r, c) for c in BLOCK)
        if cells.get(key, 0) != r.true:
            problems.append(f"{r.file}: the total {r.true} is not the sum of its cells")
    return problems
