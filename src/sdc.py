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
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What a reader knows about each true count from the published table alone: a redacted
    cell is 0 to ``threshold``; a rounded cell r is r - 2 to r + 2 (and above ``threshold``).
    A cell redacted only to protect another (``secondary``, as (row, column) pairs) is taken to
    be known to be above ``threshold``, with no upper limit: the audit assumes the reader knows
    which cells were hidden for which reason.
    """
    half = (base - 1) // 2
    shown = published.astype("Float64")
    low = (shown - half).clip(lower=threshold + 1).fillna(0).astype(float)
    high = (shown + half).fillna(threshold).astype(float)
    for cell in secondary:
        low.loc[cell] = threshold + 1
        high.loc[cell] = np.inf
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
) -> pd.DataFrame:
    """For each redacted cell, the smallest and largest whole value it could take given the
    published table and ``known_totals``. A cell with ``low == high`` can be recovered.

    A plain total (no weights) that is not a whole number (a national figure that includes a
    withheld input cell at its midpoint) is taken as the whole numbers either side of it. A
    weighted constraint (for example what a rounded leave-one-out share says about one force)
    is used as given.
    """
    columns = list(published.columns)
    labels = list(published.index)
    index = {
        (r, c): i * len(columns) + j for i, r in enumerate(labels) for j, c in enumerate(columns)
    }
    low, high = cell_bounds(published, threshold, base, secondary)
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
                "reason": "secondary" if (label, column) in secondary else "small count",
                "lowest": int(ends[0]),
                "highest": int(ends[1]),
                "recoverable": ends[0] == ends[1],
            }
        )
    return pd.DataFrame(
        rows, columns=["row", "column", "reason", "lowest", "highest", "recoverable"]
    )


def protect(
    table: pd.DataFrame,
    row_groups: dict[str, list] | None = None,
    column_groups: dict[str, list[str]] | None = None,
    extra: list[KnownTotal] | None = None,
    threshold: int = REDACTION_THRESHOLD,
    base: int = ROUNDING_BASE,
    max_rounds: int = 200,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the rule to ``table`` (whole counts, forces as rows), then audit it against the
    exact totals published beside it (:func:`exact_totals` of ``row_groups`` by
    ``column_groups``; by default every row, each column on its own). While a redacted cell can
    be recovered, also redact the smallest shown cell of a total that gives it away (secondary
    suppression).

    ``extra`` are any other published facts about the cells (figures published by others,
    rounded shares); the audit uses them too.

    Returns (published table without totals, audit of every redacted cell).
    """
    row_groups = row_groups if row_groups is not None else {"national": list(table.index)}
    if column_groups is None:
        column_groups = {c: [c] for c in table.columns}
    constraints = exact_totals(table, row_groups, column_groups) + list(extra or [])
    published = apply_rule(table, threshold, base)
    secondary: set = set()
    for _ in range(max_rounds):
        result = audit(published, constraints, threshold, base, secondary)
        exposed = result[result["recoverable"]]
        if exposed.empty:
            return published, result
        cell = (exposed.iloc[0]["row"], exposed.iloc[0]["column"])
        shown = [
            (float(published.loc[c]), c)
            for total in constraints
            if cell in total.cells
            for c in total.cells
            if c != cell and not pd.isna(published.loc[c])
        ]
        if not shown:
            raise ValueError(
                f"cannot protect cell {cell}: every other cell of its totals is hidden"
            )
        chosen = min(shown, key=lambda item: (item[0], str(item[1])))[1]
        published.loc[chosen] = pd.NA
        secondary.add(chosen)
    raise ValueError("secondary suppression did not settle; publish this table at a coarser level")
