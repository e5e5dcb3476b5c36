"""Statistical disclosure control for any per-force table we publish.

National figures are large and are published as computed. A table broken down by force is
different: small cells could point to individual cases, and a cell we hide could be worked out
by subtracting the cells we show from a total we publish elsewhere. The rule (OpenSAFELY's
output-checking rule) is:

1. redact every count of 7 or fewer (``REDACTION_THRESHOLD``);
2. round every other count to the nearest 5 (half up);
3. compute every row or column total from the rounded cells, never from the true counts.

:func:`audit` then checks that no redacted cell can be recovered from everything published at
the same time, including exact national totals: it finds the smallest and largest value each
redacted cell could take given every published number (an integer programme, solved with
``scipy.optimize.milp``) and reports any cell pinned to a single value. :func:`protect` applies
the rule, audits, and redacts further cells (the smallest shown cell in the total that gives a
cell away) until nothing can be recovered.

Two kinds of cell need no protection. A cell the source gave no count for (``not_reported``,
e.g. a force that reports no count of instances whose platform was not recorded) holds nothing
to disclose: it is published as missing, adds nothing to any total, and a column made only of
such cells is not published at all. A cell behind a published total of zero is zero, and
everyone knows it from that total: it is published as 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

REDACTION_THRESHOLD = 7
ROUNDING_BASE = 5
#: How a redacted count is shown: the GSS shorthand for "confidential" (every output uses it).
REDACTED = "[c]"
#: The audit's reasons for a cell without a number.
SMALL_COUNT = "small count"
SECONDARY = "secondary"
NOT_REPORTED = "not reported"

RULE_TEXT = (
    f"Per-force counts of {REDACTION_THRESHOLD} or fewer are redacted (shown as {REDACTED}, "
    "confidential), "
    f"all other per-force counts are rounded to the nearest {ROUNDING_BASE}, and totals are the "
    "sums of the rounded cells (the OpenSAFELY output-checking rule). National figures are "
    "published as computed; a check confirms that no redacted cell can be worked out from them."
)


def round_to_base(value: float, base: int = ROUNDING_BASE) -> int:
    """Round to the nearest multiple of ``base``, halves going up (12.5 -> 15)."""
    return int(math.floor(value / base + 0.5) * base)


def whole_instances(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as whole numbers (halves up): a withheld input cell at its midpoint can leave a
    half, and the rule and the audit work on whole instances.
    """
    return np.floor(table.astype(float) + 0.5).astype(int)


def apply_rule(
    table: pd.DataFrame,
    threshold: int = REDACTION_THRESHOLD,
    base: int = ROUNDING_BASE,
) -> pd.DataFrame:
    """The published version of a table of non-negative whole counts: redacted cells are
    missing (``pd.NA``), the rest rounded to ``base``. Totals are not added here: see
    :func:`with_totals`.
    """
    values = table.astype(float)
    if (values < 0).to_numpy().any() or values.isna().to_numpy().any():
        raise ValueError("counts for disclosure control must be present and non-negative")
    rounded = np.floor(values / base + 0.5) * base
    out = rounded.where(values > threshold)
    return out.astype("Int64")


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


# --- Audit: can any redacted cell be worked out? --------------------------------------------


@dataclass(frozen=True)
class KnownTotal:
    """A published number that is the sum of some cells of the table, known to lie in
    [low, high] (low == high for an exact figure). ``cells`` are (row label, column) pairs.
    """

    name: str
    cells: tuple[tuple[object, str], ...]
    low: float
    high: float
    weights: tuple[float, ...] | None = None

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
    """What a reader knows about each true count from the published table alone: a redacted
    cell is 0 to ``threshold``; a rounded cell r is r - 2 to r + 2 (and above ``threshold``);
    a cell shown as 0 (only ever one behind a published total of zero) is 0. A cell redacted
    only to protect another (``secondary``, as (row, column) pairs) is taken to be known to be
    above ``threshold``, with no upper limit: the audit assumes the reader knows which cells
    were hidden for which reason. A cell the source gave no count for (``not_reported``) adds
    nothing to any total, and the reader knows it.
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
    """The exact totals published elsewhere (national or regional figures), computed from the
    true ``table``: one for each group of rows (e.g. ``{"national": all forces}``) and each group
    of columns (e.g. ``{"instagram": ["instagram"], "known": [every known column]}``).

    Row totals computed from the rounded cells are not listed: they are sums of what is shown
    and say nothing more about a redacted cell.
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


def audit(
    published: pd.DataFrame,
    known_totals: list[KnownTotal],
    threshold: int = REDACTION_THRESHOLD,
    base: int = ROUNDING_BASE,
    secondary: set | frozenset = frozenset(),
    not_reported: set | frozenset = frozenset(),
) -> pd.DataFrame:
    """For each redacted cell, the smallest and largest whole value it could take given the
    published table and ``known_totals``. A cell with ``low == high`` can be recovered.

    A plain total (no weights) that is not a whole number (a national figure that includes a
    withheld input cell at its midpoint) is taken as the whole numbers either side of it. A
    weighted constraint (for example what a rounded leave-one-out share says about one force)
    is used as given. A cell the source gave no count for (``not_reported``) is listed with that
    reason and no range: there is no count to work out.
    """
    columns = list(published.columns)
    labels = list(published.index)
    index = {
        (r, c): i * len(columns) + j for i, r in enumerate(labels) for j, c in enumerate(columns)
    }
    low, high = cell_bounds(published, threshold, base, secondary, not_reported)
    lb, ub = low.to_numpy().ravel(), high.to_numpy().ravel()
    constraints = []
    if known_totals:
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
        constraints.append(LinearConstraint(matrix, t_low, t_high))
    bounds = Bounds(lb, ub)
    integrality = np.ones(len(index))
    rows = []
    for (label, column), i in index.items():
        if not pd.isna(published.loc[label, column]):
            continue
        if (label, column) in not_reported:
            rows.append(
                {
                    "row": label,
                    "column": column,
                    "reason": NOT_REPORTED,
                    "lowest": pd.NA,
                    "highest": pd.NA,
                    "recoverable": False,
                }
            )
            continue
        ends = []
        for sign in (1, -1):
            objective = np.zeros(len(index))
            objective[i] = sign
            result = milp(
                objective, constraints=constraints, bounds=bounds, integrality=integrality
            )
            if not result.success:
                raise ValueError(
                    "the published table and totals are inconsistent (no counts fit them): "
                    f"{result.message}"
                )
            ends.append(round(result.x[i]))
        rows.append(
            {
                "row": label,
                "column": column,
                "reason": SECONDARY if (label, column) in secondary else SMALL_COUNT,
                "lowest": int(ends[0]),
                "highest": int(ends[1]),
                "recoverable": ends[0] == ends[1],
            }
        )
    out = pd.DataFrame(
        rows, columns=["row", "column", "reason", "lowest", "highest", "recoverable"]
    )
    for column in ("lowest", "highest"):
        out[column] = out[column].astype("Int64")
    out["recoverable"] = out["recoverable"].astype(bool)
    return out


def _without_cells(total: KnownTotal, dropped: set) -> KnownTotal | None:
    """``total`` without the cells in ``dropped`` (each adds nothing), or None if none is left."""
    kept = [
        (c, w) for c, w in zip(total.cells, total.coefficients, strict=True) if c not in dropped
    ]
    if not kept:
        return None
    weights = None if total.weights is None else tuple(w for _, w in kept)
    return KnownTotal(total.name, tuple(c for c, _ in kept), total.low, total.high, weights)


def public_zeros(known_totals: list[KnownTotal]) -> set:
    """The cells behind a plain published total of zero: each is zero (counts are never
    negative), and everyone who reads the total knows it."""
    return {
        cell
        for total in known_totals
        if total.weights is None and total.high <= 0
        for cell in total.cells
    }


def protect(
    table: pd.DataFrame,
    row_groups: dict[str, list] | None = None,
    column_groups: dict[str, list[str]] | None = None,
    extra: list[KnownTotal] | None = None,
    threshold: int = REDACTION_THRESHOLD,
    base: int = ROUNDING_BASE,
    max_rounds: int = 200,
    not_reported: set | frozenset = frozenset(),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the rule to ``table`` (whole counts, forces as rows), then audit it against the
    exact totals published beside it (:func:`exact_totals` of ``row_groups`` by
    ``column_groups``; by default every row, each column on its own). While a redacted cell can
    be recovered, also redact the smallest shown cell of a total that gives it away (secondary
    suppression).

    ``extra`` are any other published facts about the cells (figures published by others,
    rounded shares); the audit uses them too.

    ``not_reported`` are the (row, column) cells the source gave no count for: each must hold
    0, is published as missing and listed in the audit as not reported; a column of nothing
    else is left out of the published table (and of the totals). A cell behind a published
    total of zero (:func:`public_zeros`) is published as 0: its value is public already.

    Returns (published table without totals, audit of every cell without a number).
    """
    not_reported = {c for c in not_reported if c[0] in table.index and c[1] in table.columns}
    given = [float(table.loc[c]) for c in not_reported]
    if any(v != 0 for v in given):
        raise ValueError("a cell with no count reported must hold 0 in the table given")
    silent = [c for c in table.columns if all((r, c) in not_reported for r in table.index)]
    if silent:
        dropped = {(r, c) for r in table.index for c in silent}
        table = table.drop(columns=silent)
        not_reported -= dropped
        column_groups = {
            name: [c for c in columns if c not in silent]
            for name, columns in (column_groups or {c: [c] for c in table.columns}).items()
        }
        column_groups = {name: columns for name, columns in column_groups.items() if columns}
        extra = [t for t in (_without_cells(t, dropped) for t in extra or []) if t is not None]
    row_groups = row_groups if row_groups is not None else {"national": list(table.index)}
    if column_groups is None:
        column_groups = {c: [c] for c in table.columns}
    constraints = exact_totals(table, row_groups, column_groups) + list(extra or [])
    published = apply_rule(table, threshold, base)
    zeros = public_zeros(constraints) - not_reported
    for cell in zeros:
        published.loc[cell] = 0
    for cell in not_reported:
        published.loc[cell] = pd.NA
    secondary: set = set()
    for _ in range(max_rounds):
        result = audit(published, constraints, threshold, base, secondary, not_reported)
        exposed = result[result["recoverable"]]
        if exposed.empty:
            return published, result
        cell = (exposed.iloc[0]["row"], exposed.iloc[0]["column"])
        shown = [
            (float(published.loc[c]), c)
            for total in constraints
            if cell in total.cells
            for c in total.cells
            if c != cell and c not in zeros and not pd.isna(published.loc[c])
        ]
        if not shown:
            raise ValueError(
                f"cannot protect cell {cell}: every other cell of its totals is hidden"
            )
        chosen = min(shown, key=lambda item: (item[0], str(item[1])))[1]
        published.loc[chosen] = pd.NA
        secondary.add(chosen)
    raise ValueError("secondary suppression did not settle; publish this table at a coarser level")
