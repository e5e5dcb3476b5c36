"""Statistical disclosure control for any per-force table we publish (the rule and its audit are
in docs/architecture.md, "Disclosure control"): counts of 7 or fewer redacted, the rest rounded
half up to 5, totals from the rounded cells; :func:`audit` bounds each redacted cell by an integer
programme over everything published beside the table, and :func:`protect` hides further cells
until none is given away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

REDACTION_THRESHOLD = 7
ROUNDING_BASE = 5
#: How a redacted count is shown: the GSS shorthand for "confidential" (every output uses it).
REDACTED = "[c]"
#: The audit's reasons for a cell without a number.
SMALL_COUNT = "small count"
SECONDARY = "secondary"
NOT_REPORTED = "not reported"
#: The audit's verdicts on a redacted cell's feasible range.
SAFE = "safe"
RECOVERED = "recovered exactly"
NON_ZERO = "proved non-zero"
NARROW = "narrower than the rule allows"
PUBLIC_ALREADY = "public already"
#: A redacted cell narrowed (not recovered) by totals published as computed, every other cell
#: of which is hidden already: nothing in the table can widen its range further.
BY_TOTALS_ALONE = "narrowed by the published totals alone"
NO_COUNT = "no count to disclose"

RULE_TEXT = (
    f"Per-force counts of {REDACTION_THRESHOLD} or fewer are redacted (shown as {REDACTED}, "
    "confidential), "
    f"all other per-force counts are rounded to the nearest {ROUNDING_BASE} (halves up), and "
    "totals are the sums of the rounded cells (the OpenSAFELY output-checking rule). National "
    "figures are published as computed; a check confirms that nothing published beside the "
    "table (our national and regional figures, the release's force and regional figures) "
    "works out a redacted cell, proves it non-zero or narrows its range, and redacts further "
    "cells until none does."
)


def whole(values):
    """Whole instances, halves up (2.5 -> 3, not Python's 2): a scalar, array or frame."""
    return _like(values, np.floor(np.asarray(values, dtype=float) + 0.5), float)


def round_to_base(value, base: int = ROUNDING_BASE):
    """The one rounding to ``base`` of every output: the nearest multiple of ``base``, halves
    going up (2.5 -> 5, 7.5 -> 10, 12.5 -> 15). Rounding to whole instances first (halves up)
    gives the same result. A scalar gives an int; an array or frame gives floats."""
    return _like(value, np.floor(np.asarray(value, dtype=float) / base + 0.5) * base, int)


def _like(values, result: np.ndarray, scalar: type):
    """``result`` in the shape of ``values``: a frame, series, array or ``scalar``."""
    if isinstance(values, pd.DataFrame):
        return pd.DataFrame(result, index=values.index, columns=values.columns)
    if isinstance(values, pd.Series):
        return pd.Series(result, index=values.index, name=values.name)
    return result if result.ndim else scalar(result)


def whole_instances(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as whole numbers (halves up): a withheld input cell at its midpoint can leave a
    half, and the rule and the audit work on whole instances.
    """
    return whole(table.astype(float)).astype(int)


def apply_rule(
    table: pd.DataFrame,
    threshold: int = REDACTION_THRESHOLD,
    base: int = ROUNDING_BASE,
) -> pd.DataFrame:
    """The published version of a table of non-negative counts: each count taken as whole
    instances (halves up), redacted cells missing (``pd.NA``), the rest rounded to ``base``
    (:func:`round_to_base`). Totals are not added here: see :func:`with_totals`.
    """
    values = table.astype(float)
    if (values < 0).to_numpy().any() or values.isna().to_numpy().any():
        raise ValueError("counts for disclosure control must be present and non-negative")
    counts = whole(values)
    out = round_to_base(counts, base).where(counts > threshold)
    return out.astype("Int64")


def publish_count(value: float, threshold: int = REDACTION_THRESHOLD, base: int = ROUNDING_BASE):
    """One count as the rule publishes it: ``pd.NA`` when redacted, else rounded to ``base``."""
    return apply_rule(pd.DataFrame({"v": [value]}), threshold, base)["v"].iloc[0]


def with_totals(published: pd.DataFrame, totals: dict[str, list[str]]) -> pd.DataFrame:
    """Add total columns, each the sum of the published (rounded) cells it covers; redacted
    cells add nothing. ``totals`` maps a new column name to the columns it adds up.
    """
    out = published.copy()
    for name, columns in totals.items():
        out[name] = published[columns].fillna(0).sum(axis=1).astype("Int64")
    return out


def display(published: pd.DataFrame) -> pd.DataFrame:
    """The table as text for a reader: redacted cells shown as :data:`REDACTED` (``[c]``)."""
    return published.astype(object).where(published.notna(), REDACTED).astype(str)


# --- Audit: what can be worked out about each redacted cell? ------------------------------


@dataclass(frozen=True)
class KnownTotal:
    """A published number known to lie in [low, high]: the sum of ``cells`` ((row, column)
    pairs), weighted by ``weights`` when given (what a published share says). ``public``: a
    figure someone else published, whose own disclosures are not ours."""

    name: str
    cells: tuple[tuple[object, str], ...]
    low: float
    high: float
    weights: tuple[float, ...] | None = None
    public: bool = False
    #: The id of a figure of ours this fact comes from (empty: not ours), which
    #: :func:`protect` may withhold when no cell of the table is left to hide.
    figure: str = ""

    @property
    def coefficients(self) -> tuple[float, ...]:
        return self.weights if self.weights is not None else (1.0,) * len(self.cells)


def cell_bounds(
    published: pd.DataFrame,
    threshold: int = REDACTION_THRESHOLD,
    base: int = ROUNDING_BASE,
    secondary: set | frozenset = frozenset(),
    not_reported: set | frozenset = frozenset(),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What a reader knows of each true count from the published table alone: a redacted cell
    is 0 to ``threshold``, a rounded cell r is r - 2 to r + 2 (above ``threshold``), a 0 is 0;
    a ``secondary`` cell is above ``threshold`` with no upper limit (the reader is taken to know
    why each cell was hidden), a ``not_reported`` one 0.
    """
    half = (base - 1) // 2
    shown = published.astype("Float64")
    low = (shown - half).clip(lower=threshold + 1).fillna(0).astype(float)
    high = (shown + half).fillna(threshold).astype(float)
    zero = (shown == 0).fillna(False).to_numpy(dtype=bool)
    low, high = low.mask(zero, 0.0), high.mask(zero, 0.0)
    for cell in secondary:
        low.loc[cell] = threshold + 1
        high.loc[cell] = np.inf
    for cell in not_reported:
        low.loc[cell] = 0.0
        high.loc[cell] = 0.0
    return low, high


def exact_totals(
    table: pd.DataFrame,
    row_groups: dict[str, list],
    column_groups: dict[str, list[str]],
) -> list[KnownTotal]:
    """The exact totals published elsewhere, computed from the true ``table``: one for each
    group of rows (``{"national": all forces}``) by each group of columns (``{"known": [...]}``).
    """
    out = []
    for row_name, rows in row_groups.items():
        rows = [r for r in rows if r in table.index]
        if not rows:
            continue
        for column_name, columns in column_groups.items():
            value = float(table.loc[rows, columns].to_numpy().sum())
            cells = tuple((r, c) for r in rows for c in columns)
            out.append(KnownTotal(f"{row_name} {column_name}", cells, value, value))
    return out


def public_ranges(
    known_totals: list[KnownTotal], cells: list, not_reported: set | frozenset = frozenset()
) -> dict:
    """Each of ``cells`` as the ``public`` figures alone give it (someone else's, e.g. the
    release's; every count at least 0, a cell the source gave no count for 0):
    (lowest, highest), highest ``pd.NA`` without a limit."""
    facts = [t for t in known_totals if t.public]
    if not facts:
        return {}
    every = sorted({c for t in facts for c in t.cells} | set(cells), key=str)
    index = {c: i for i, c in enumerate(every)}
    constraints = [_matrix(facts, index)]
    lb = np.zeros(len(every))
    ub = np.array([0.0 if c in not_reported else np.inf for c in every])
    return {
        cell: tuple(feasible_end(index[cell], sign, constraints, lb, ub) for sign in (1, -1))
        for cell in cells
    }


def _matrix(known_totals: list[KnownTotal], index: dict) -> tuple:
    """The constraints ``known_totals`` as (matrix, low, high) over the cells of ``index``."""
    matrix = np.zeros((len(known_totals), len(index)))
    t_low = np.empty(len(known_totals))
    t_high = np.empty(len(known_totals))
    for k, total in enumerate(known_totals):
        for cell, weight in zip(total.cells, total.coefficients, strict=True):
            matrix[k, index[cell]] += weight
        if total.weights is None:
            t_low[k], t_high[k] = math.floor(total.low), math.ceil(total.high)
        else:
            t_low[k], t_high[k] = total.low, total.high
    return matrix, t_low, t_high


def verdict(
    reason: str, lowest, highest, threshold: int = REDACTION_THRESHOLD, base: int = ROUNDING_BASE
) -> str:
    """What a redacted cell's feasible range gives away: :data:`RECOVERED`, :data:`NON_ZERO`,
    :data:`NARROW` or :data:`SAFE`; a :data:`SECONDARY` cell, no small count, only when it is
    recovered. ``base`` is kept for callers that pass the rule's parameters together."""
    if not pd.isna(highest) and lowest == highest:
        return RECOVERED
    if reason == SECONDARY:
        return SAFE
    if lowest > 0:
        return NON_ZERO
    return NARROW if pd.isna(highest) or highest - lowest < threshold else SAFE


AUDIT_COLUMNS = [
    "row",
    "column",
    "reason",
    "lowest",
    "highest",
    "recoverable",
    "flagged",
    "verdict",
]


def audit(
    published: pd.DataFrame,
    known_totals: list[KnownTotal],
    threshold: int = REDACTION_THRESHOLD,
    base: int = ROUNDING_BASE,
    secondary: set | frozenset = frozenset(),
    not_reported: set | frozenset = frozenset(),
) -> pd.DataFrame:
    """For each redacted cell, the smallest and largest whole value it could take given the
    published table and ``known_totals``, and the :func:`verdict` on it (``flagged`` when it
    gives anything away). A plain total that is not whole is taken as the whole numbers either
    side of it; a ``not_reported`` cell is listed with no range; one the ``public`` figures
    give as narrowly on their own is public already, never flagged.
    """
    columns = list(published.columns)
    labels = list(published.index)
    index = {
        (r, c): i * len(columns) + j for i, r in enumerate(labels) for j, c in enumerate(columns)
    }
    low, high = cell_bounds(published, threshold, base, secondary, not_reported)
    lb, ub = low.to_numpy().ravel(), high.to_numpy().ravel()
    constraints = [_matrix(known_totals, index)] if known_totals else []
    hidden = [c for c in index if pd.isna(published.loc[c]) and c not in not_reported]
    public = public_ranges(known_totals, hidden, not_reported)
    rows = []
    for (label, column), i in index.items():
        if not pd.isna(published.loc[label, column]):
            continue
        row = {"row": label, "column": column, "lowest": pd.NA, "highest": pd.NA}
        if (label, column) in not_reported:
            rows.append(row | {"reason": NOT_REPORTED, "verdict": NO_COUNT})
            continue
        ends = [feasible_end(i, sign, constraints, lb, ub) for sign in (1, -1)]
        reason = SECONDARY if (label, column) in secondary else SMALL_COUNT
        lowest, highest = ends
        judged = SAFE if pd.isna(highest) else verdict(reason, lowest, highest, threshold, base)
        if judged != SAFE and _same_range(public.get((label, column)), (lowest, highest)):
            judged = PUBLIC_ALREADY
        rows.append(
            row | {"reason": reason, "lowest": lowest, "highest": highest, "verdict": judged}
        )
    out = pd.DataFrame(
        rows, columns=[c for c in AUDIT_COLUMNS if c not in ("recoverable", "flagged")]
    )
    for column in ("lowest", "highest"):
        out[column] = out[column].astype("Int64")
    out["recoverable"] = (out["verdict"] == RECOVERED).astype(bool)
    out["flagged"] = out["verdict"].isin([RECOVERED, NON_ZERO, NARROW]).astype(bool)
    return out[AUDIT_COLUMNS]


def _same_range(a, b) -> bool:
    """Whether two (lowest, highest) ranges are the same, an end with no limit (NA) equal
    only to another with none."""

    def ends(r):
        return [None if pd.isna(x) else x for x in r]

    return a is not None and b is not None and ends(a) == ends(b)


def feasible_end(i: int, sign: int, constraints: list, lb, ub):
    """The smallest (``sign`` 1) or largest (-1) whole value of cell ``i`` under the
    constraints ``[(matrix, low, high)]`` and the cells' ranges [lb, ub] (an integer programme:
    a weighted constraint can leave a linear one's optimum between whole numbers); ``pd.NA``
    when it has no upper limit.
    """
    objective = np.zeros(len(lb))
    objective[i] = sign
    linear = [LinearConstraint(matrix, low, high) for matrix, low, high in constraints]
    result = milp(
        objective,
        constraints=linear,
        bounds=Bounds(lb, ub),
        integrality=np.ones(len(lb)),
    )
    if not result.success and sign == -1 and _unbounded(objective, linear, lb, ub):
        return pd.NA
    if not result.success:
        raise ValueError(
            "the published table and totals are inconsistent (no counts fit them): "
            f"{result.message}"
        )
    return int(round(result.x[i]))


def _unbounded(objective, linear: list, lb, ub) -> bool:
    """Whether the relaxed programme is unbounded (a cell with no upper limit)."""
    a_ub, b_ub = [], []
    for constraint in linear:
        matrix, low, high = constraint.A, constraint.lb, constraint.ub
        upper, lower = np.isfinite(high), np.isfinite(low)
        a_ub += [matrix[upper], -matrix[lower]]
        b_ub += [high[upper], -low[lower]]
    result = linprog(
        objective,
        A_ub=np.vstack(a_ub) if a_ub else None,
        b_ub=np.concatenate(b_ub) if b_ub else None,
        bounds=list(zip(lb, [None if np.isinf(u) else u for u in ub], strict=True)),
        method="highs",
    )
    return result.status == 3


def _without_cells(total: KnownTotal, dropped: set) -> KnownTotal | None:
    """``total`` without the cells in ``dropped`` (each adds nothing), or None if none is left."""
    kept = [
        (c, w) for c, w in zip(total.cells, total.coefficients, strict=True) if c not in dropped
    ]
    if not kept:
        return None
    weights = None if total.weights is None else tuple(w for _, w in kept)
    return KnownTotal(
        total.name,
        tuple(c for c, _ in kept),
        total.low,
        total.high,
        weights,
        total.public,
        total.figure,
    )


def public_zeros(known_totals: list[KnownTotal]) -> set:
    """The cells behind a plain published total of zero: each is zero (counts are never
    negative), and everyone who reads the total knows it."""
    return {
        cell
        for total in known_totals
        if total.weights is None and total.high <= 0
        for cell in total.cells
    }


def _partner(cell, covering: list[KnownTotal], published: pd.DataFrame, fixed: set):
    """The cell to hide to protect ``cell``: the smallest shown cell of the constraint with the
    fewest shown cells among those covering it (the one that narrows it most), ties broken by
    name; None when every other cell of them is hidden. ``fixed`` cells (public already, or
    behind a total of zero) are never chosen: hiding them would protect nothing."""
    options = []
    for total in covering:
        shown = [
            (float(published.loc[c]), str(c), c)
            for c in total.cells
            if c != cell and c not in fixed and not pd.isna(published.loc[c])
        ]
        if shown:
            options.append((len(shown), total.name, min(shown)[2]))
    return min(options)[2] if options else None


def _drop_silent(table, not_reported, column_groups, extra):
    """``table`` without its columns made only of cells the source gave no count for, and the
    cells, column groups and facts without them."""
    silent = [c for c in table.columns if all((r, c) in not_reported for r in table.index)]
    if not silent:
        return table, not_reported, column_groups, extra
    dropped = {(r, c) for r in table.index for c in silent}
    table = table.drop(columns=silent)
    groups = {
        name: [c for c in columns if c not in silent]
        for name, columns in (column_groups or {c: [c] for c in table.columns}).items()
    }
    extra = [t for t in (_without_cells(t, dropped) for t in extra or []) if t is not None]
    return table, not_reported - dropped, {n: c for n, c in groups.items() if c}, extra


def _fixed_cells(published: pd.DataFrame, constraints: list, not_reported: set) -> set:
    """The cells the public figures give exactly (someone else's), which hiding cannot protect."""
    every = [(r, c) for r in published.index for c in published.columns]
    return {
        c
        for c, (lo, hi) in public_ranges(constraints, every, not_reported).items()
        if not pd.isna(hi) and lo == hi
    }


def _suppress(exposed, constraints, published, fixed, inherent, withheld_figures):
    """One round of secondary suppression for the ``exposed`` cells: the cells to hide next,
    and the constraints left (a figure of ours that narrows a cell is withheld first, rather
    than more of the table). A cell whose every partner is hidden already joins ``inherent``."""
    chosen: set = set()
    for cell in zip(exposed["row"], exposed["column"], strict=True):
        covering = [t for t in constraints if cell in t.cells]
        if any(c in chosen for t in covering for c in t.cells):
            continue  # a cell hidden this round may protect it already: audit again
        ours = sorted({t.figure for t in covering if t.figure})
        if ours:
            if withheld_figures is not None:
                withheld_figures.extend(ours)
            return chosen, [t for t in constraints if t.figure not in ours]
        partner = _partner(cell, covering, published, fixed)
        if partner is None:
            inherent.add(cell)
        else:
            chosen.add(partner)
    return chosen, constraints


def protect(
    table: pd.DataFrame,
    row_groups: dict[str, list] | None = None,
    column_groups: dict[str, list[str]] | None = None,
    extra: list[KnownTotal] | None = None,
    threshold: int = REDACTION_THRESHOLD,
    base: int = ROUNDING_BASE,
    max_rounds: int = 200,
    not_reported: set | frozenset = frozenset(),
    withheld_figures: list | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the rule to ``table`` (forces as rows) and audit it against the totals published
    beside it (:func:`exact_totals` of ``row_groups`` by ``column_groups``; by default every
    row, each column) and ``extra``; while a cell is flagged, hide more (:func:`_suppress`).
    ``not_reported`` cells must hold 0 and are published as missing; a figure of ours withheld
    is appended to ``withheld_figures``. Returns (published table, audit).
    """
    not_reported = {c for c in not_reported if c[0] in table.index and c[1] in table.columns}
    if any(float(table.loc[c]) != 0 for c in not_reported):
        raise ValueError("a cell with no count reported must hold 0 in the table given")
    table, not_reported, column_groups, extra = _drop_silent(
        table, not_reported, column_groups, extra
    )
    row_groups = row_groups if row_groups is not None else {"national": list(table.index)}
    column_groups = column_groups if column_groups is not None else {c: [c] for c in table}
    constraints = exact_totals(table, row_groups, column_groups) + list(extra or [])
    published = apply_rule(table, threshold, base)
    zeros = public_zeros(constraints) - not_reported
    for cell in zeros:
        published.loc[cell] = 0
    for cell in not_reported:
        published.loc[cell] = pd.NA
    fixed = zeros | _fixed_cells(published, constraints, not_reported)
    secondary: set = set()
    inherent: set = set()
    for _ in range(max_rounds):
        result = audit(published, constraints, threshold, base, secondary, not_reported)
        at = [(r, c) in inherent for r, c in zip(result["row"], result["column"], strict=True)]
        result.loc[at, "verdict"] = BY_TOTALS_ALONE
        result.loc[at, "flagged"] = False
        exposed = result[result["flagged"]]
        if exposed.empty:
            return published, result
        chosen, constraints = _suppress(
            exposed, constraints, published, fixed, inherent, withheld_figures
        )
        for cell in chosen:
            published.loc[cell] = pd.NA
        secondary |= chosen
    raise ValueError("secondary suppression did not settle; publish this table at a coarser level")
