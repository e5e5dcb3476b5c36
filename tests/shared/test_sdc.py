"""Tests for src/sdc.py: the small-count rule and the differencing audit, including property
tests (hypothesis) and a brute-force check of the audit on small tables."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from src import sdc


def table(values, columns=("a", "b")):
    return pd.DataFrame(values, columns=list(columns), index=[f"f{i}" for i in range(len(values))])


def test_rule_redacts_small_counts_and_rounds_the_rest():
    out = sdc.apply_rule(table([[0, 7], [8, 12], [13, 102]]))
    assert out.loc["f0"].isna().all()
    assert out.loc["f1"].tolist() == [10, 10]
    assert out.loc["f2"].tolist() == [15, 100]


def test_rounding_goes_half_up():
    assert sdc.round_to_base(12.5) == 15
    assert sdc.round_to_base(12.4) == 10
    assert sdc.apply_rule(table([[12.5, 17.5]])).loc["f0"].tolist() == [15, 20]


def test_negative_or_missing_counts_are_refused():
    with pytest.raises(ValueError):
        sdc.apply_rule(table([[-1, 3]]))
    with pytest.raises(ValueError):
        sdc.apply_rule(table([[np.nan, 3]]))


def test_totals_come_from_the_rounded_cells():
    published = sdc.apply_rule(table([[3, 12], [9, 14]]))
    out = sdc.with_totals(published, {"total": ["a", "b"]})
    assert out["total"].tolist() == [10, 25]  # [c] + 10; 10 + 15


def test_display_marks_redacted_cells():
    shown = sdc.display(sdc.apply_rule(table([[3, 12]])))
    assert shown.loc["f0"].tolist() == [sdc.REDACTED, "10"]


def test_a_redacted_count_is_shown_as_the_gss_shorthand_for_confidential():
    # GSS and Analysis Function guidance: [c] marks a value withheld for disclosure control.
    assert sdc.REDACTED == "[c]"
    assert sdc.display(sdc.apply_rule(table([[3, 12]]))).loc["f0", "a"] == "[c]"
    assert "(shown as [c]" in sdc.RULE_TEXT


def test_whole_instances_round_halves_up():
    assert sdc.whole_instances(table([[2.5, 3.49]])).loc["f0"].tolist() == [3, 3]


def test_an_exact_total_can_give_a_redacted_cell_away():
    # 7 is redacted and 12 shows as 10 (so 8 to 12); a published total of 19 leaves only 7.
    true = table([[7], [12]], columns=["a"])
    published = sdc.apply_rule(true)
    result = sdc.audit(published, sdc.exact_totals(true, {"all": list(true.index)}, {"a": ["a"]}))
    assert result.loc[0, ["lowest", "highest"]].tolist() == [7, 7]
    assert bool(result.loc[0, "recoverable"])


def test_protect_hides_another_cell_until_nothing_can_be_worked_out():
    true = table([[7], [12], [30]], columns=["a"])
    published, result = sdc.protect(true, {"all": ["f0", "f1"]}, {"a": ["a"]})
    assert not result["recoverable"].any()
    assert published.loc["f1", "a"] is pd.NA  # the smallest shown cell of that total
    assert set(result["reason"]) == {"small count", "secondary"}


def test_a_single_row_behind_an_exact_total_is_hidden_and_said_to_be_given_away_by_it():
    # A wave of one force: the national total, published as computed, is the force's own cell.
    # No cell of the table can hide it, so the table hides it and the audit says why.
    published, result = sdc.protect(table([[5]], columns=["a"]))
    assert published["a"].isna().all()
    (row,) = result.to_dict("records")
    assert (row["row"], row["column"], row["reason"]) == ("f0", "a", "small count")
    assert (row["lowest"], row["highest"], row["recoverable"]) == (5, 5, True)
    assert not row["flagged"] and row["verdict"] == sdc.BY_TOTALS_ALONE


def test_a_column_no_force_reported_is_not_published_and_nothing_crashes():
    # The crash this guards against: every force's "unknown" cell is 0 because no force reported
    # one, the national total of 0 pins each of them, and secondary suppression ran out of cells.
    true = table([[40, 0], [25, 0], [12, 0]], columns=["known", "unknown"])
    missing = {(f, "unknown") for f in true.index}
    published, result = sdc.protect(
        true,
        column_groups={"known": ["known"], "unknown": ["unknown"], "all": ["known", "unknown"]},
        not_reported=missing,
    )
    assert list(published.columns) == ["known"]
    assert published["known"].tolist() == [40, 25, 10]
    assert result.empty


def test_cells_behind_a_published_total_of_zero_are_shown_as_zero():
    # Nobody reported a WhatsApp instance: the national total, 0, already says every cell is 0.
    true = table([[40, 0], [25, 0], [12, 0]], columns=["known", "whatsapp"])
    published, result = sdc.protect(true)
    assert published["whatsapp"].tolist() == [0, 0, 0]
    assert published["known"].tolist() == [40, 25, 10]
    assert result.empty
    # and the audit reads a shown 0 as exactly 0
    low, high = sdc.cell_bounds(published)
    assert (low["whatsapp"] == 0).all() and (high["whatsapp"] == 0).all()


def test_a_cell_not_reported_is_listed_as_such_and_adds_nothing_to_the_totals():
    # f2 reported no count: its cell is missing, not a redacted zero. f0 (5) is redacted; with f2
    # known to add nothing, the total 30 leaves f0 = 30 - f1, and f1 (25, shown 25) is 23 to 27,
    # so f0 would be 3 to 7, proved non-zero: f1 is hidden too. Known only to be above 7, f1
    # leaves f0 anywhere in 0 to 7.
    true = table([[5], [25], [0]], columns=["unknown"])
    published, result = sdc.protect(true, not_reported={("f2", "unknown")})
    assert published["unknown"].isna().tolist() == [True, True, True]
    rows = result.set_index("row")
    assert rows.loc["f2", "reason"] == sdc.NOT_REPORTED
    assert pd.isna(rows.loc["f2", "lowest"]) and not rows.loc["f2", "recoverable"]
    assert rows.loc["f1", "reason"] == sdc.SECONDARY
    assert rows.loc["f0", "reason"] == sdc.SMALL_COUNT
    assert (rows.loc["f0", "lowest"], rows.loc["f0", "highest"]) == (0, 7)


def test_a_cell_not_reported_must_hold_nothing():
    with pytest.raises(ValueError, match="no count reported"):
        sdc.protect(table([[5], [25]], columns=["a"]), not_reported={("f0", "a")})


def test_weighted_facts_are_used():
    # A published share a / (a + b) between 0.3 and 0.34, with b = 12 shown as 10 (8 to 12)
    # and a redacted: 0.3 (a + b) <= a  <=>  -0.7 a + 0.3 b <= 0, and a <= 0.34 (a + b)
    # <=>  0.66 a - 0.34 b <= 0; so a lies between 3/7 b (at least 3.4) and 17/33 b (at most 6.2).
    true = table([[6, 12]])
    published = sdc.apply_rule(true)
    cells = (("f0", "a"), ("f0", "b"))
    facts = [
        sdc.KnownTotal("share at least 0.3", cells, -np.inf, 0.0, weights=(-0.7, 0.3)),
        sdc.KnownTotal("share at most 0.34", cells, -np.inf, 0.0, weights=(0.66, -0.34)),
    ]
    result = sdc.audit(published, facts)
    assert result.loc[0, ["lowest", "highest"]].tolist() == [4, 6]


def test_a_range_that_excludes_zero_is_flagged_though_the_cell_is_not_recovered():
    # 5 is redacted (0 to 7) and 15 shows as 15 (13 to 17); a published total of 20 leaves
    # 3 to 7 for the redacted cell: not one value, but it proves the count is not zero.
    true = table([[5], [15]], columns=["a"])
    published = sdc.apply_rule(true)
    result = sdc.audit(published, sdc.exact_totals(true, {"all": list(true.index)}, {"a": ["a"]}))
    assert result.loc[0, ["lowest", "highest"]].tolist() == [3, 7]
    assert not result.loc[0, "recoverable"]
    assert result.loc[0, "verdict"] == sdc.NON_ZERO and result.loc[0, "flagged"]


def test_a_range_narrower_than_the_redaction_range_is_flagged():
    # 0 redacted, 17 shown as 15 (13 to 17), total 17: the redacted cell is 0 to 4, which
    # includes zero but is narrower than the 0 to 7 a redacted cell should keep.
    true = table([[0], [17]], columns=["a"])
    published = sdc.apply_rule(true)
    result = sdc.audit(published, sdc.exact_totals(true, {"all": list(true.index)}, {"a": ["a"]}))
    assert result.loc[0, ["lowest", "highest"]].tolist() == [0, 4]
    assert result.loc[0, "verdict"] == sdc.NARROW and result.loc[0, "flagged"]


def test_verdicts_by_hand():
    assert sdc.verdict(sdc.SMALL_COUNT, 0, 7) == sdc.SAFE
    assert sdc.verdict(sdc.SMALL_COUNT, 0, 6) == sdc.NARROW
    assert sdc.verdict(sdc.SMALL_COUNT, 1, 7) == sdc.NON_ZERO
    assert sdc.verdict(sdc.SMALL_COUNT, 4, 4) == sdc.RECOVERED
    # a cell hidden to protect another is above the threshold: only its exact value matters
    assert sdc.verdict(sdc.SECONDARY, 8, 9) == sdc.SAFE
    assert sdc.verdict(sdc.SECONDARY, 12, 12) == sdc.RECOVERED


def test_protect_hides_a_partner_of_a_cell_proved_non_zero():
    true = table([[5], [15], [40]], columns=["a"])
    published, result = sdc.protect(true, {"pair": ["f0", "f1"]}, {"a": ["a"]})
    assert published["a"].isna().tolist() == [True, True, False]
    assert not result["flagged"].any()


def test_a_figure_of_ours_that_narrows_a_cell_is_withheld_before_any_cell():
    # f0's a (3) is redacted; our figure of f0's a + b, 15 rounded from 14 (13 to 17), with b
    # shown as 10 (8 to 12), would prove a non-zero (at least 1). The figure is withheld, and
    # no cell of the table is hidden to protect it.
    true = table([[3, 11], [20, 30]])
    cells = (("f0", "a"), ("f0", "b"))
    figure = sdc.KnownTotal("our f0 total", cells, 13.0, 17.0, figure="f0_total")
    withheld: list = []
    published, result = sdc.protect(
        true, {"none": []}, {"a": ["a"]}, [figure], withheld_figures=withheld
    )
    assert withheld == ["f0_total"]
    assert published.isna().sum().sum() == 1 and pd.isna(published.loc["f0", "a"])
    assert not result["flagged"].any()


def test_a_figure_the_release_printed_is_public_already_not_a_disclosure_of_ours():
    # The release printed f0's a (3) itself. Our table redacts it, but the audit finds it pinned
    # at 3 by the release's figure alone: public already, so listed and never flagged, and no
    # other cell is hidden for it.
    true = table([[3, 11], [20, 30]])
    printed = sdc.KnownTotal("release f0 a", (("f0", "a"),), 3.0, 3.0, public=True)
    published, result = sdc.protect(true, {"none": []}, {"a": ["a"]}, [printed])
    row = result.set_index(["row", "column"]).loc[("f0", "a")]
    assert (row["lowest"], row["highest"]) == (3, 3)
    assert row["verdict"] == sdc.PUBLIC_ALREADY and not row["flagged"]
    assert published.isna().sum().sum() == 1


# --- Properties -------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=60)
tables = st.integers(min_value=1, max_value=4).flatmap(
    lambda n: st.lists(st.lists(counts, min_size=2, max_size=2), min_size=n, max_size=n)
)


@settings(max_examples=150, deadline=None)
@given(tables)
def test_rule_properties(values):
    true = table(values)
    out = sdc.apply_rule(true)
    redacted = out.isna()
    assert (redacted == (true <= sdc.REDACTION_THRESHOLD)).all().all()
    shown = out.stack().dropna().astype(int)
    assert (shown % sdc.ROUNDING_BASE == 0).all()
    assert ((shown - true.stack().loc[shown.index]).abs() <= 2).all()
    assert (shown > sdc.REDACTION_THRESHOLD).all()


@settings(max_examples=60, deadline=None)
@given(tables)
def test_audit_bounds_always_contain_the_truth(values):
    true = table(values)
    published = sdc.apply_rule(true)
    facts = sdc.exact_totals(
        true, {"all": list(true.index)}, {"a": ["a"], "b": ["b"], "ab": ["a", "b"]}
    )
    result = sdc.audit(published, facts)
    for _, row in result.iterrows():
        assert row["lowest"] <= true.loc[row["row"], row["column"]] <= row["highest"]


@settings(max_examples=60, deadline=None)
@given(tables)
def test_protected_tables_give_nothing_away(values):
    true = table(values)
    try:
        published, result = sdc.protect(true)
    except ValueError:
        # Only when every other cell behind some exact total is hidden already.
        return
    assert not result["flagged"].any()
    # Every small count is hidden, except behind a published total of zero: those are shown as
    # the 0 that total already makes public.
    zero = true.columns[true.sum() == 0]
    rest = true.columns.difference(zero)
    assert published[rest][true[rest] <= sdc.REDACTION_THRESHOLD].isna().all().all()
    assert (published[zero] == 0).all().all()


def brute_force(true: pd.DataFrame, published: pd.DataFrame, facts) -> dict:
    """Every whole-number table consistent with what is published: each redacted cell's range."""
    low, high = sdc.cell_bounds(published)
    cells = [(r, c) for r in true.index for c in true.columns]
    ranges = [range(int(low.loc[cell]), int(high.loc[cell]) + 1) for cell in cells]
    seen: dict = {cell: set() for cell in cells if pd.isna(published.loc[cell])}
    for combo in itertools.product(*ranges):
        values = dict(zip(cells, combo, strict=True))
        if all(total.low <= sum(values[c] for c in total.cells) <= total.high for total in facts):
            for cell in seen:
                seen[cell].add(values[cell])
    return {cell: (min(v), max(v)) for cell, v in seen.items()}


small_tables = st.lists(
    st.lists(st.integers(min_value=0, max_value=16), min_size=2, max_size=2), min_size=2, max_size=2
)


@settings(max_examples=40, deadline=None)
@given(small_tables)
def test_audit_matches_brute_force(values):
    true = table(values)
    published = sdc.apply_rule(true)
    facts = sdc.exact_totals(true, {"all": list(true.index)}, {"a": ["a"], "b": ["b"]})
    facts += sdc.exact_totals(true, {"f0": ["f0"]}, {"ab": ["a", "b"]})
    result = sdc.audit(published, facts)
    expected = brute_force(true, published, facts)
    got = {(r["row"], r["column"]): (r["lowest"], r["highest"]) for _, r in result.iterrows()}
    assert got == expected


def test_a_cell_the_national_totals_alone_narrow_is_listed_not_a_failure():
    # Two forces, both small: the national total 5 leaves each in 0 to 5, narrower than 0 to 7,
    # and both are hidden already. Nothing in the table can widen that: listed as such.
    true = table([[1, 30], [4, 40]])
    published, result = sdc.protect(true)
    rows = result.set_index(["row", "column"])
    assert (rows.loc[("f0", "a"), "lowest"], rows.loc[("f0", "a"), "highest"]) == (0, 5)
    assert set(rows["verdict"]) == {sdc.BY_TOTALS_ALONE}
    assert not result["flagged"].any()
