"""Statistical disclosure control for any per-force table we publish.

National figures are large and are published as computed. A table broken down by force is
different: small cells could point to individual cases, and a cell we hide could be worked out,
or narrowed, by subtracting the cells we show from a total we publish elsewhere. The rule
(OpenSAFELY's output-checking rule) is:

1. count whole instances (halves up: a withheld input cell at its midpoint can leave a half);
2. redact every count of 7 or fewer (``REDACTION_THRESHOLD``);
3. round every other count to the nearest 5, halves up (:func:`round_to_base`, the one rounding
   to 5 of every output);
4. compute every row or column total from the rounded cells, never from the true counts.

:func:`audit` then works out, for each redacted cell, the smallest and largest whole value it
could take given everything published at the same time (the table itself, the national and
regional figures we publish, the force and regional figures of the release): an integer
programme with one variable per cell of the table, each in its own published range, under
every published linear constraint (``scipy.optimize.milp``; the matrix is small). A cell is
flagged when that feasible range proves it non-zero (a small count whose lowest value is above
0), or is narrower than the redaction range itself (``highest - lowest`` below
``REDACTION_THRESHOLD``, the width of 0 to 7). A cell hidden only to protect another holds
more than the threshold, so it is no small count to protect: it is flagged only when it is
recovered exactly (which would undo its rounding). :func:`protect` applies the
rule, audits, and redacts further cells (secondary suppression: the smallest shown cell of a
constraint that narrows a flagged cell) until no cell is flagged.

Two kinds of cell need no protection. A cell the source gave no count for (``not_reported``,
e.g. a force that reports no count of instances whose platform was not recorded) holds nothing
to disclose: it is published as missing, adds nothing to any total, and a column made only of
such cells is not published at all. A cell behind a published total of zero is zero, and
everyone knows it from that total: it is published as 0. A cell whose range someone else's
figures give on their own (``KnownTotal.public``, e.g. a force's counts in the release) stays
redacted in our table, but when our table narrows it no further it is listed as public already
(never flagged): no suppression of ours can hide what the release printed.
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
    result = np.floor(np.asarray(values, dtype=float) + 0.5)
    if isinstance(values, pd.DataFrame):
        return pd.DataFrame(result, index=values.index, columns=values.columns)
    if isinstance(values, pd.Series):
        return pd.Series(result, index=values.index, name=values.name)
    return result if result.ndim else float(result)


def round_to_base(value, base: int = ROUNDING_BASE):
    """The one rounding to ``base`` of every output: the nearest multiple of ``base``, halves
    going up (2.5 -> 5, 7.5 -> 10, 12.5 -> 15). Rounding to whole instances first (halves up)
    gives the same result. A scalar gives an int; an array or frame gives floats."""
    result = np.floor(np.asarray(value, dtype=float) / base + 0.5) * base
    if isinstance(value, pd.DataFrame):
        return pd.DataFrame(result, index=value.index, columns=value.columns)
    if isinstance(value, pd.Series):
        return pd.Series(result, index=value.index, name=value.name)
    return result if result.ndim else int(result)


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
    """A published number that is the sum of some cells of the table, known to lie in
    [low, high] (low == high for an exact figure). ``cells`` are (row label, column) pairs;
    ``weights``, when given, make it a weighted sum (e.g. what a published share says).
    ``public`` marks a figure someone else published (the release): what such figures give on
    their own is public already, not disclosed by us (:func:`public_ranges`).
    """

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
    """What a redacted cell's feasible range [lowest, highest] gives away (see the module
    docstring): :data:`RECOVERED`, :data:`NON_ZERO`, :data:`NARROW` or :data:`SAFE`. A cell
    hidden to protect another (:data:`SECONDARY`) is known to be above the threshold already,
    so it is no small count: it is flagged only when recovered exactly (no upper limit: safe).
    ``base`` is kept for callers that pass the rule's parameters together."""
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
    published table and ``known_totals`` (its feasible range), and the :func:`verdict` on it:
    ``recoverable`` when the range is one value, ``flagged`` when it gives anything away.

    A plain total (no weights) that is not a whole number (a national figure that includes a
    withheld input cell at its midpoint) is taken as the whole numbers either side of it. A
    weighted constraint (for example what a rounded share says about one force) is used as
    given. A cell the source gave no count for (``not_reported``) is listed with that reason and
    no range: there is no count to work out. A cell whose range the ``public`` figures give on
    their own (:func:`public_ranges`), which ours do not narrow, is listed as public already and
    never flagged. A cell hidden only to protect another with no upper limit left has no
    ``highest``.
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
    if a is None or b is None:
        return False
    return all(
        (pd.isna(x) and pd.isna(y)) or (not pd.isna(x) and not pd.isna(y) and x == y)
        for x, y in zip(a, b, strict=True)
    )


def feasible_end(i: int, sign: int, constraints: list, lb, ub):
    """The smallest (``sign`` 1) or largest (-1) whole value of cell ``i`` under the published
    constraints (``[(matrix, low, high)]``, rows of the form low <= matrix @ x <= high) and the
    cells' own ranges [lb, ub]: an integer programme (``scipy.optimize.milp``, HiGHS), since a
    weighted constraint (a published share) can leave a linear programme's optimum between
    whole numbers. ``pd.NA`` when the cell has no upper limit.
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
    """Apply the rule to ``table`` (whole counts, forces as rows), then audit it against the
    exact totals published beside it (:func:`exact_totals` of ``row_groups`` by
    ``column_groups``; by default every row, each column on its own) and ``extra``. While a
    redacted cell is flagged (:func:`verdict`), also redact the smallest shown cell of a
    constraint that covers it (secondary suppression).

    ``extra`` are any other published facts about the cells (figures published by others,
    rounded figures of ours, published shares); the audit uses them too.

    ``not_reported`` are the (row, column) cells the source gave no count for: each must hold
    0, is published as missing and listed in the audit as not reported; a column of nothing
    else is left out of the published table (and of the totals). A cell behind a published
    total of zero (:func:`public_zeros`) is published as 0: its value is public already.

    When a figure of ours published beside the table (``KnownTotal.figure``, e.g. a force's
    rounded figure in the regional comparison) covers a flagged cell, the figure is withheld
    first, rather than more of the table: its facts leave the audit and its id is appended to
    ``withheld_figures``, for the caller to publish it as withheld.

    A flagged cell every other cell of whose constraints is hidden already is narrowed (or
    given away: a wave of one force) by totals published as computed (the national figures)
    and nothing of the table's: it is listed as :data:`BY_TOTALS_ALONE`, not flagged, and the
    table hides it all the same.

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
    every = [(r, c) for r in published.index for c in published.columns]
    public = {
        c
        for c, (lo, hi) in public_ranges(constraints, every, not_reported).items()
        if not pd.isna(hi) and lo == hi
    }
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
        chosen: set = set()
        for cell in zip(exposed["row"], exposed["column"], strict=True):
            covering = [t for t in constraints if cell in t.cells]
            if any(c in chosen for t in covering for c in t.cells):
                continue  # a cell hidden this round may protect it already: audit again
            ours = sorted({t.figure for t in covering if t.figure})
            if ours:
                # A figure of ours beside the table narrows it: withhold the figure first,
                # rather than hide more of the table.
                constraints = [t for t in constraints if t.figure not in ours]
                if withheld_figures is not None:
                    withheld_figures.extend(ours)
                break
            partner = _partner(cell, covering, published, zeros | public)
            if partner is None:
                # Every other cell of its totals is hidden already: the range comes from the
                # totals themselves (published as computed: a wave of one force, say, whose
                # national figures are its own), which no cell of ours can widen.
                inherent.add(cell)
                continue
            chosen.add(partner)
        for cell in chosen:
            published.loc[cell] = pd.NA
        secondary |= chosen
    raise ValueError("secondary suppression did not settle; publish this table at a coarser level")
