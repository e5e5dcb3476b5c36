"""Tests for src/bounds.py: exact bounds on counts and shares of cells known only as ranges,
against hand computations, brute force over every whole-number assignment of small tables,
and scipy's linear programming (``linprog``, HiGHS; a share by the Charnes-Cooper transform)."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np
import pytest
from scipy.optimize import linprog

from src import bounds
from src.bounds import Cells

# --- Independent references --------------------------------------------------------------------


def assignments(cells: Cells):
    """Every whole-number x within the cells' bounds that meets every block total."""
    ranges = [range(lo, hi + 1) for lo, hi in zip(cells.lower, cells.upper, strict=True)]
    for x in itertools.product(*ranges):
        sums: dict = {}
        for value, key in zip(x, cells.block, strict=True):
            if key is not None and key in cells.sums:
                sums[key] = sums.get(key, 0) + value
        if all(cells.sums[k][0] <= s <= cells.sums[k][1] for k, s in sums.items()):
            yield x


def brute_range(cells: Cells, weights):
    values = [sum(w * v for w, v in zip(weights, x, strict=True)) for x in assignments(cells)]
    return min(values), max(values)


def brute_ratio(cells: Cells, num, den):
    values = [
        Fraction(sum(n * v for n, v in zip(num, x, strict=True)), d)
        for x in assignments(cells)
        if (d := sum(w * v for w, v in zip(den, x, strict=True))) > 0
    ]
    return (min(values), max(values)) if values else None


def constraint_rows(cells: Cells):
    """The block totals as rows of A_ub x <= b_ub (two per block)."""
    keys = sorted({k for k in cells.block if k is not None and k in cells.sums}, key=str)
    rows, rhs = [], []
    for key in keys:
        row = np.array([1.0 if k == key else 0.0 for k in cells.block])
        lo, hi = cells.sums[key]
        rows += [row, -row]
        rhs += [hi, -lo]
    return rows, rhs


def lp_range(cells: Cells, weights):
    rows, rhs = constraint_rows(cells)
    box = list(zip(cells.lower, cells.upper, strict=True))
    kwargs = {"A_ub": np.array(rows), "b_ub": np.array(rhs)} if rows else {}
    c = np.array(weights, dtype=float)
    low = linprog(c, bounds=box, method="highs", **kwargs)
    high = linprog(-c, bounds=box, method="highs", **kwargs)
    assert low.status == 0 and high.status == 0
    return low.fun, -high.fun


def charnes_cooper(cells: Cells, num, den, sense: int) -> float:
    """max (sense=1) or min (sense=-1) of N/D by the Charnes-Cooper transform: y = s x,
    s >= 0, D(y) = 1, lower*s <= y <= upper*s, block totals times s; optimise N(y)."""
    n = len(cells)
    rows, rhs = constraint_rows(cells)
    a_ub, b_ub = [], []
    for row, r in zip(rows, rhs, strict=True):
        a_ub.append([*row, -r])  # row . y - r s <= 0
        b_ub.append(0.0)
    for i in range(n):
        up = [0.0] * (n + 1)
        up[i], up[n] = 1.0, -cells.upper[i]
        a_ub.append(up)
        b_ub.append(0.0)
        down = [0.0] * (n + 1)
        down[i], down[n] = -1.0, cells.lower[i]
        a_ub.append(down)
        b_ub.append(0.0)
    a_eq = [[*map(float, den), 0.0]]
    c = [-sense * float(v) for v in num] + [0.0]
    result = linprog(
        c,
        A_ub=np.array(a_ub),
        b_ub=np.array(b_ub),
        A_eq=np.array(a_eq),
        b_eq=[1.0],
        bounds=[(None, None)] * n + [(0, None)],
        method="highs",
    )
    assert result.status == 0
    return -sense * result.fun


def random_cells(rng: random.Random, n_cells: int, n_blocks: int, width: int) -> Cells:
    """Random cells, some fixed, some in blocks with a feasible total (possibly a range)."""
    lower, upper, block = [], [], []
    for _ in range(n_cells):
        low = rng.randint(0, 5)
        high = low if rng.random() < 0.25 else low + rng.randint(1, width)
        lower.append(low)
        upper.append(high)
        block.append(rng.choice([None, *range(n_blocks)]))
    sums = {}
    for key in range(n_blocks):
        members = [i for i, k in enumerate(block) if k == key]
        low = sum(lower[i] for i in members)
        high = sum(upper[i] for i in members)
        a = rng.randint(low, high)
        b = a if rng.random() < 0.6 else rng.randint(a, high + 3)
        sums[key] = (a - rng.randint(0, 1) if rng.random() < 0.2 else a, b)
    return Cells(lower, upper, block, sums)


# --- Hand computations -------------------------------------------------------------------------


def test_a_block_of_two_withheld_cells_with_a_printed_total():
    # Two cells '<5' (1 to 4) whose total, less the printed cells, is 5: each lies in 1..4,
    # and together they are 5, so their sum is 5 although the markers allow 2 to 8.
    cells = Cells([1, 1], [4, 4], ["b", "b"], {"b": (5, 5)})
    assert bounds.linear_range(cells, [1, 1]) == (5, 5)
    assert bounds.linear_range(cells, [1, 0]) == (1, 4)
    assert bounds.cell_ranges(cells) == [(1, 4), (1, 4)]


def test_a_cell_the_total_pins():
    # Three cells 0..4, 1..4, 1..4 summing to exactly 10: the first can be no less than
    # 10 - 4 - 4 = 2; the others no less than 10 - 4 - 4 = 2 and no more than 10 - 0 - 1 = 9,
    # so 4. With a total of 12 every cell is at its maximum: all pinned.
    cells = Cells([0, 1, 1], [4, 4, 4], ["b"] * 3, {"b": (10, 10)})
    assert bounds.cell_ranges(cells) == [(2, 4), (2, 4), (2, 4)]
    pinned = Cells([0, 1, 1], [4, 4, 4], ["b"] * 3, {"b": (12, 12)})
    assert bounds.cell_ranges(pinned) == [(4, 4), (4, 4), (4, 4)]
    one = Cells([1, 7], [4, 7], ["b", None], {"b": (3, 3)})
    assert bounds.cell_ranges(one) == [(3, 3), (7, 7)]


def test_cells_without_a_total_keep_their_marker_range():
    cells = Cells([1, 0, 9], [4, 4, 9], [None, "x", None])
    assert bounds.linear_range(cells, [1, 1, 1]) == (10, 17)
    assert bounds.cell_ranges(cells) == [(1, 4), (0, 4), (9, 9)]


def test_a_total_given_as_a_range():
    # Two cells 1..4 whose block sums to 3..4: the sum is 3..4, each cell 1..3.
    cells = Cells([1, 1], [4, 4], ["b", "b"], {"b": (3, 4)})
    assert bounds.linear_range(cells, [1, 1]) == (3, 4)
    assert bounds.cell_ranges(cells) == [(1, 3), (1, 3)]


def test_a_share_hand_computed():
    # Numerator: a printed 10 and a withheld x in 1..4; the denominator adds a printed 20 and a
    # withheld y in 1..4, with x + y = 3 (a printed total). So x is 1 or 2 and the denominator
    # is 33: the share runs from 11/33 to 12/33. The markers alone allow 11/35 (x = 1, y = 4)
    # to 14/35 (x = 4, y = 1).
    weights = ([1, 1, 0, 0], [1, 1, 1, 1])
    cells = Cells([10, 1, 20, 1], [10, 4, 20, 4], [None, "b", None, "b"], {"b": (3, 3)})
    assert bounds.ratio_range(cells, *weights) == (Fraction(11, 33), Fraction(12, 33))
    free = Cells([10, 1, 20, 1], [10, 4, 20, 4], [None, "b", None, "b"])
    assert bounds.ratio_range(free, *weights) == (Fraction(11, 35), Fraction(14, 35))


def test_a_share_whose_denominator_can_be_zero():
    # One cell 0..4, a share of itself: 1 whenever it is positive, undefined at 0.
    cells = Cells([0], [4], [None])
    assert bounds.ratio_range(cells, [1], [1]) == (1, 1)
    # A share of a cell 0..4 of itself plus another 0..4: 0 (x = 0, y > 0) to 1.
    two = Cells([0, 0], [4, 4], [None, None])
    assert bounds.ratio_range(two, [1, 0], [1, 1]) == (0, 1)
    assert bounds.ratio_range(Cells([0], [0], [None]), [1], [1]) is None


def test_an_impossible_total_is_refused():
    with pytest.raises(bounds.Infeasible, match="block 'b'"):
        Cells([1, 1], [4, 4], ["b", "b"], {"b": (9, 9)})
    with pytest.raises(bounds.Infeasible):
        Cells([3], [2], [None])


def test_a_ratio_whose_denominator_can_be_zero_needs_its_numerator_within_it():
    cells = Cells([0, 1], [4, 4], [None, None])
    with pytest.raises(ValueError, match="no upper bound"):
        bounds.ratio_range(cells, [0, 1], [1, 0])
    # With a denominator that cannot be 0 any numerator will do: y / x with x in 1..4 and
    # y in 1..4 runs from 1/4 to 4.
    positive = Cells([1, 1], [4, 4], [None, None])
    assert bounds.ratio_range(positive, [0, 1], [1, 0]) == (Fraction(1, 4), Fraction(4))
    with pytest.raises(ValueError, match="negative"):
        bounds.ratio_range(positive, [-1, 0], [1, 1])


@pytest.mark.parametrize("seed", range(30))
def test_a_ratio_of_unrelated_sums_equals_brute_force(seed):
    rng = random.Random(4000 + seed)
    cells = random_cells(rng, n_cells=rng.randint(2, 6), n_blocks=rng.randint(1, 3), width=4)
    n = len(cells)
    den = [rng.choice([0, 1]) for _ in range(n)]
    num = [rng.choice([0, 1]) for _ in range(n)]
    if not any(den) or bounds.linear_range(cells, den)[0] <= 0:
        den = [1] * n
        cells = Cells([v + 1 for v in cells.lower], [v + 1 for v in cells.upper], [None] * n)
    assert bounds.ratio_range(cells, num, den) == brute_ratio(cells, num, den)


# --- Brute force and linear programming on random small tables ---------------------------------


@pytest.mark.parametrize("seed", range(60))
def test_count_bounds_equal_brute_force_and_linprog(seed):
    rng = random.Random(seed)
    cells = random_cells(rng, n_cells=rng.randint(1, 6), n_blocks=rng.randint(1, 3), width=4)
    for _ in range(4):
        weights = [rng.choice([0, 1]) for _ in range(len(cells))]
        got = bounds.linear_range(cells, weights)
        assert got == brute_range(cells, weights)
        lp = lp_range(cells, weights)
        assert got == pytest.approx(lp, abs=1e-7)


@pytest.mark.parametrize("seed", range(30))
def test_general_coefficients_equal_linprog(seed):
    rng = random.Random(1000 + seed)
    cells = random_cells(rng, n_cells=rng.randint(3, 14), n_blocks=rng.randint(1, 4), width=6)
    weights = [Fraction(rng.randint(-5, 5), rng.randint(1, 3)) for _ in range(len(cells))]
    got = bounds.linear_range(cells, weights)
    assert [float(v) for v in got] == pytest.approx(lp_range(cells, weights), abs=1e-7)


@pytest.mark.parametrize("seed", range(60))
def test_cell_ranges_equal_brute_force(seed):
    rng = random.Random(2000 + seed)
    cells = random_cells(rng, n_cells=rng.randint(1, 6), n_blocks=rng.randint(1, 3), width=4)
    expected = [
        brute_range(cells, [1 if j == i else 0 for j in range(len(cells))])
        for i in range(len(cells))
    ]
    assert bounds.cell_ranges(cells) == expected


@pytest.mark.parametrize("seed", range(60))
def test_share_bounds_equal_brute_force_and_charnes_cooper(seed):
    rng = random.Random(3000 + seed)
    cells = random_cells(rng, n_cells=rng.randint(2, 6), n_blocks=rng.randint(1, 3), width=4)
    n = len(cells)
    den = [rng.choice([0, 1, 1]) for _ in range(n)]
    num = [d if rng.random() < 0.5 else 0 for d in den]
    got = bounds.ratio_range(cells, num, den)
    assert got == brute_ratio(cells, num, den)
    if got is not None and bounds.linear_range(cells, den)[0] > 0:
        low, high = got
        assert float(high) == pytest.approx(charnes_cooper(cells, num, den, 1), abs=1e-7)
        assert float(low) == pytest.approx(charnes_cooper(cells, num, den, -1), abs=1e-7)


def test_larger_random_shares_equal_charnes_cooper():
    rng = random.Random(7)
    for _ in range(10):
        cells = random_cells(rng, n_cells=40, n_blocks=8, width=4)
        cells = Cells(
            [v + 1 for v in cells.lower],
            [v + 1 for v in cells.upper],
            cells.block,
            {
                k: (
                    lo + sum(1 for b in cells.block if b == k),
                    hi + sum(1 for b in cells.block if b == k),
                )
                for k, (lo, hi) in cells.sums.items()
            },
        )
        den = [1] * 40
        num = [rng.choice([0, 1]) for _ in range(40)]
        low, high = bounds.ratio_range(cells, num, den)
        assert float(high) == pytest.approx(charnes_cooper(cells, num, den, 1), abs=1e-7)
        assert float(low) == pytest.approx(charnes_cooper(cells, num, den, -1), abs=1e-7)
