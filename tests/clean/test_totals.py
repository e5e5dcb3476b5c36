"""Totals as evidence: a reading spec says whether a table's printed totals count its withheld
cells (``totals_include_withheld``: yes, no, unknown). A total that counts them bounds them; one
that leaves them out, or of which that is not known, bounds nothing, and is recorded so that no
range or count takes it as a bound."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from src.clean.tables import TOTAL_WITHOUT_WITHHELD, reconcile_table
from src.errors import InputError
from src.findings.exact import block_sums

CTX = SimpleNamespace(
    shown="a return", source_file="a return", spec=SimpleNamespace(wave="w", force="f")
)
BLOCK = {"offence_group": "online_sexual", "period_start": "2020-01-01", "period_end": "2020-12-31"}


def cell(platform, lower, upper=None, total=False):
    upper = lower if upper is None else upper
    return BLOCK | {
        "is_total": total,
        "platform": platform,
        "lower": lower,
        "upper": upper,
        "withheld": lower != upper,
        "reason": "",
        "source_place": "B9" if total else "B2",
    }


def table(total: int):
    # 40 on Instagram, 1 to 4 withheld on WhatsApp, and a printed total.
    return [cell("instagram", 40), cell("whatsapp", 1, 4), cell("", total, total=True)]


def test_a_total_that_counts_the_withheld_cells_bounds_them():
    (row,), _, _ = reconcile_table(table(43), CTX, "t")
    assert row["total_source"] == "printed total"
    # 40 printed: a total of 40 leaves the withheld cell nothing, though its marker says 1 to 4.
    with pytest.raises(InputError, match="does not match its rows"):
        reconcile_table(table(40), CTX, "t")


def test_a_total_that_leaves_them_out_bounds_nothing():
    (row,), _, _ = reconcile_table(table(40), CTX, "t", withheld_in_totals="no")
    assert row["total_source"] == TOTAL_WITHOUT_WITHHELD["no"]
    # It must still match the printed cells.
    with pytest.raises(InputError, match="does not match its rows"):
        reconcile_table(table(43), CTX, "t", withheld_in_totals="no")


@pytest.mark.parametrize("total", [40, 43, 44])
def test_a_total_that_may_count_them_or_not_is_read_either_way(total):
    (row,), _, _ = reconcile_table(table(total), CTX, "t", withheld_in_totals="unknown")
    assert row["total_source"] == TOTAL_WITHOUT_WITHHELD["unknown"]
    with pytest.raises(InputError):
        reconcile_table(table(45), CTX, "t", withheld_in_totals="unknown")


def test_only_a_total_that_counts_the_withheld_cells_narrows_their_range():
    counts, leaves_out = (
        pd.DataFrame(reconcile_table(table(t), CTX, "t", withheld_in_totals=w)[0])
        for t, w in ((42, "yes"), (40, "no"))
    )
    # 42 less the 40 printed: the withheld cell is 2 exactly.
    assert block_sums(counts)[["sum_lower", "sum_upper"]].values.tolist() == [[2, 2]]
    assert block_sums(leaves_out).empty
