"""Exact bounds on sums and ratios of cells that are known only as ranges.

A withheld count is a variable with a lower and an upper bound; a printed total bounds the sum of
its block's cells. Every cell lies in at most one block, so the linear programme falls apart into
one small problem per block, solved greedily (cells raised in order of their coefficient, as far
as the block's totals allow); with whole-number bounds the optimum is at whole numbers (an
interval matrix), so the bounds hold over whole-number counts too.

:func:`ratio_range` bounds a ratio of two such sums (a share) by Dinkelbach's method, in exact
arithmetic (integers and fractions). Everything here is pure: cells in, numbers out.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

Number = int | Fraction

#: How many steps :func:`ratio_range` may take before it gives up (it converges in a few).
MAX_STEPS = 1000


class Infeasible(ValueError):
    """No assignment of the cells meets their bounds and the block totals."""


@dataclass(frozen=True)
class Cells:
    """Variables with bounds, and the block totals that bound the sums of some of them.

    ``lower[i]`` and ``upper[i]`` bound cell ``i`` (whole numbers; equal for a known count);
    ``block[i]`` names the block whose total covers it (None: no total does); ``sums`` gives
    each block's total as ``(lowest, highest)``. A block named by no cell is ignored; a cell
    whose block has no entry in ``sums`` is bounded by its own range only.
    """

    lower: Sequence[int]
    upper: Sequence[int]
    block: Sequence[Hashable | None]
    sums: Mapping[Hashable, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self):
        n = len(self.lower)
        if len(self.upper) != n or len(self.block) != n:
            raise ValueError("lower, upper and block must have one entry per cell")
        members: dict[Hashable, list[int]] = {}
        free: list[int] = []
        for i, (low, high, key) in enumerate(zip(self.lower, self.upper, self.block, strict=True)):
            if low > high:
                raise Infeasible(f"cell {i}: lower bound {low} above upper bound {high}")
            if key is not None and key in self.sums:
                members.setdefault(key, []).append(i)
            else:
                free.append(i)
        object.__setattr__(self, "_members", members)
        object.__setattr__(self, "_free", free)
        for key in members:
            lo, hi = self.sums[key]
            low, high = self._spans(key)
            if max(lo, low) > min(hi, high):
                raise Infeasible(
                    f"block {key!r}: its cells sum to {low} to {high}, its total is {lo} to {hi}"
                )

    def __len__(self) -> int:
        return len(self.lower)

    def _spans(self, key: Hashable) -> tuple[int, int]:
        """The sums of the block's cells' lower and of their upper bounds."""
        cells = self._members[key]
        return sum(self.lower[i] for i in cells), sum(self.upper[i] for i in cells)

    def block_range(self, key: Hashable) -> tuple[int, int]:
        """The range the block's cells can sum to: its total, narrowed by its cells' bounds."""
        (lo, hi), (low, high) = self.sums[key], self._spans(key)
        return max(lo, low), min(hi, high)


def _dot(coefficients: Sequence[Number], x: Sequence[int]) -> Number:
    return sum((c * v for c, v in zip(coefficients, x, strict=True) if c), 0)


def maximise(cells: Cells, coefficients: Sequence[Number]) -> tuple[Number, list[int]]:
    """The largest value of ``sum(coefficients[i] * x[i])`` over every feasible ``x``, and an
    ``x`` (whole numbers) that reaches it."""
    if len(coefficients) != len(cells):
        raise ValueError("one coefficient per cell")
    x = list(cells.lower)
    for i in cells._free:
        if coefficients[i] > 0:
            x[i] = cells.upper[i]
    for key, members in cells._members.items():
        lo, hi = cells.block_range(key)
        base = sum(cells.lower[i] for i in members)
        must, may = lo - base, hi - base
        added = 0
        for i in sorted(members, key=lambda i: (-coefficients[i], i)):
            room = cells.upper[i] - cells.lower[i]
            limit = may if coefficients[i] > 0 else must
            take = max(0, min(room, limit - added))
            x[i] += take
            added += take
    return _dot(coefficients, x), x


def linear_range(cells: Cells, coefficients: Sequence[Number]) -> tuple[Number, Number]:
    """The smallest and largest value of ``sum(coefficients[i] * x[i])`` over every feasible
    ``x`` (for a count: coefficients 1 on its cells, 0 elsewhere)."""
    highest, _ = maximise(cells, coefficients)
    lowest, _ = maximise(cells, [-c for c in coefficients])
    return -lowest, highest


def cell_ranges(cells: Cells) -> list[tuple[int, int]]:
    """Each cell's own range given its bounds and its block's total: a cell can go no lower
    than its block's lowest total less every other cell of the block at its highest, and no
    higher than the block's highest total less the others at their lowest."""
    out = [(cells.lower[i], cells.upper[i]) for i in range(len(cells))]
    for key, members in cells._members.items():
        (lo, hi), (low, high) = cells.block_range(key), cells._spans(key)
        for i in members:
            others_low, others_high = low - cells.lower[i], high - cells.upper[i]
            out[i] = (max(cells.lower[i], lo - others_high), min(cells.upper[i], hi - others_low))
    return out


def _ratio_max(cells: Cells, numerator, denominator) -> Fraction | None:
    value, x = maximise(cells, denominator)
    if value <= 0:
        return None
    t = Fraction(_dot(numerator, x), _dot(denominator, x))
    for _ in range(MAX_STEPS):
        # N - t * D scaled by t's denominator: whole numbers, the same order and signs.
        p, q = t.numerator, t.denominator
        gap, x = maximise(
            cells, [q * n - p * d for n, d in zip(numerator, denominator, strict=True)]
        )
        if gap <= 0:
            return t
        t = Fraction(_dot(numerator, x), _dot(denominator, x))
    raise RuntimeError("the ratio's bound did not converge")  # pragma: no cover


def ratio_range(
    cells: Cells, numerator: Sequence[int], denominator: Sequence[int]
) -> tuple[Fraction, Fraction] | None:
    """The smallest and largest value of ``N(x) / D(x)`` over every feasible ``x`` with
    ``D(x) > 0``, where ``N(x) = sum(numerator[i] * x[i])`` and ``D`` likewise (for a share:
    0/1 weights, the numerator's cells among the denominator's). None when ``D`` is 0 for every
    feasible ``x``.

    Weights and the cells' lower bounds must be at least 0. Where ``D`` can be 0, the
    numerator's weights must lie within the denominator's (``numerator[i] <= denominator[i]``),
    so that ``D = 0`` forces ``N = 0`` and no step of Dinkelbach's method lands where the ratio
    is undefined (otherwise the ratio has no upper bound: a ValueError).
    """
    if len(numerator) != len(cells) or len(denominator) != len(cells):
        raise ValueError("one weight per cell, in the numerator and in the denominator")
    if any(n < 0 for n in numerator) or any(d < 0 for d in denominator):
        raise ValueError("a ratio's weights cannot be negative")
    if any(low < 0 for low in cells.lower):
        raise ValueError("a ratio's cells cannot be negative")
    within = all(n <= d for n, d in zip(numerator, denominator, strict=True))
    if not within and linear_range(cells, denominator)[0] <= 0:
        raise ValueError(
            "the denominator can be 0 where the numerator is not: the ratio has no upper bound"
        )
    highest = _ratio_max(cells, numerator, denominator)
    if highest is None:
        return None
    # The lowest N/D is minus the highest (-N)/D.
    lowest = _ratio_max(cells, [-n for n in numerator], denominator)
    return -lowest, highest
