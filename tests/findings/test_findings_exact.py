"""Tests for src/findings/exact.py: the exact ranges of counts and shares given the printed
totals (reconciliation.csv), on small hand-made returns whose ranges are worked out by hand,
and on the processed corpus (each exact range within the markers' range)."""

from __future__ import annotations

import pandas as pd
import pytest
from synthetic_instances import WAVE, grouped, rules

from src import findings
from src.errors import InputError
from src.findings import areas
from src.findings import exact as ex
from src.findings.national import headline_table, leave_one_out_table, withheld_table
from src.findings.shares import select_instances
from src.helpers import PROCESSED
from src.vocab import LOO_PLACES, PERCENT_PLACES

#: The names of the platform groups the tables need.
NAMES = {
    "all_known": "known",
    "facebook_owned": "owned apps",
    "instagram": "Instagram",
    "facebook_messenger": "Facebook or Messenger",
    "whatsapp": "WhatsApp",
    "other": "other",
    "facebook_column": "Facebook column",
    "unknown": "unknown",
}


def cells(spec):
    """instances.csv rows from (force, offence group, block, platform, count or (lo, hi))."""
    out = []
    for i, (force, group, block, platform, value) in enumerate(spec):
        withheld = isinstance(value, tuple)
        low, high = value if withheld else (value, value)
        out.append(
            {
                "wave": WAVE,
                "force": force,
                "period": "2019-10_2020-03",
                "offence_group": group,
                "platform": platform,
                "count": "" if withheld else str(value),
                "lower": str(low),
                "upper": str(high),
                "withheld": str(withheld),
                "source_file": f"{force}/return.xlsx",
                "source_place": f"row {i + 2}",
                "table": "table 1",
                "block": block,
            }
        )
    return pd.DataFrame(out)


def block(
    force,
    name,
    total,
    mapped,
    unknown=(0, 0),
    excluded=(0, 0),
    withheld=(0, 0, 0),
    excluded_withheld=(0, 0, 0),
    source="printed total",
    group="online_sexual",
):
    """One reconciliation.csv row; pairs are (lower, upper), triples (cells, lower, upper)."""
    total = total if isinstance(total, tuple) else (total, total)
    return {
        "wave": WAVE,
        "force": force,
        "source_file": f"{force}/return.xlsx",
        "table": "table 1",
        "block": name,
        "offence_group": group,
        "total_source": source,
        "total_lower": str(total[0]),
        "total_upper": str(total[1]),
        "mapped_lower": str(mapped[0]),
        "mapped_upper": str(mapped[1]),
        "unknown_lower": str(unknown[0]),
        "unknown_upper": str(unknown[1]),
        "excluded_lower": str(excluded[0]),
        "excluded_upper": str(excluded[1]),
        "withheld_cells": str(withheld[0]),
        "withheld_lower": str(withheld[1]),
        "withheld_upper": str(withheld[2]),
        "excluded_withheld_cells": str(excluded_withheld[0]),
        "excluded_withheld_lower": str(excluded_withheld[1]),
        "excluded_withheld_upper": str(excluded_withheld[2]),
    }


# Force a, block Q1: Instagram 30, WhatsApp <5 (1..4), Snapchat <5 (1..4), unknown 20, and an
# excluded 'not online' row <5 (1..4); printed total 57. Printed cells: 30 + 20 = 50, so the
# three withheld cells sum to 7 and the two counted ones to 7 - (1..4) = 3..6.
# Force a, block Q2: Instagram 12, WhatsApp <5 (0..4), total 15: WhatsApp is 3 exactly.
# Force b, one block with no printed total: Instagram 5, Facebook <5 (1..4).
SPEC = [
    ("a", "online_sexual", "Q1", "instagram", 30),
    ("a", "online_sexual", "Q1", "whatsapp", (1, 4)),
    ("a", "online_sexual", "Q1", "snapchat", (1, 4)),
    ("a", "online_sexual", "Q1", "unknown", 20),
    ("a", "indecent_images", "Q2", "instagram", 12),
    ("a", "indecent_images", "Q2", "whatsapp", (0, 4)),
    ("b", "online_sexual", "Q1", "instagram", 5),
    ("b", "online_sexual", "Q1", "facebook_messenger", (1, 4)),
]
RECONCILIATION = pd.DataFrame(
    [
        block("a", "Q1", 57, (32, 38), (20, 20), (1, 4), (3, 3, 12), (1, 1, 4)),
        block("a", "Q2", 15, (12, 16), withheld=(1, 0, 4), group="indecent_images"),
        block("b", "Q1", 5, (6, 9), withheld=(1, 1, 4), source="sum of rows"),
    ]
)


def bounded(
    spec=SPEC,
    reconciliation=RECONCILIATION,
    groups=("online_sexual", "indecent_images"),
    exclude=(),
):
    selected = select_instances(cells(spec), WAVE, groups, exclude)
    return selected, ex.exact_bounds(selected, reconciliation, rules())


def test_block_sums_take_the_printed_cells_and_the_excluded_withheld_cells_off_the_total():
    sums = ex.block_sums(RECONCILIATION)
    # Q1: 57 - (32 + 20 + 1 - 3) = 7 for the three withheld cells; less the excluded one's
    # 1..4 that leaves 3..6 for the two counted ones. Q2: 15 - (12 - 0) = 3. b: no total.
    assert sums.loc[(WAVE, "a", "a/return.xlsx", "table 1", "Q1"), "sum_lower"] == 3
    assert sums.loc[(WAVE, "a", "a/return.xlsx", "table 1", "Q1"), "sum_upper"] == 6
    assert sums.loc[(WAVE, "a", "a/return.xlsx", "table 1", "Q2"), "sum_lower"] == 3
    assert sums.loc[(WAVE, "a", "a/return.xlsx", "table 1", "Q2"), "sum_upper"] == 3
    assert sums.loc[(WAVE, "a", "a/return.xlsx", "table 1", "Q1"), "cells"] == 2
    assert len(sums) == 2


def test_counts_are_narrowed_by_the_printed_totals():
    _, exact = bounded()
    # All known in a: 30 + 12 + (3..6 for WhatsApp + Snapchat in Q1) + 3 = 48..51 (the markers
    # alone: 30 + 12 + 2..8 + 0..4 = 44..54). WhatsApp in a: Q1 1..4, Q2 3: 4..7.
    assert exact.count_range(["a"], "all_known") == (48, 51)
    assert exact.count_range(["a"], "whatsapp") == (4, 7)
    assert exact.count_range(["a"], "unknown") == (20, 20)
    # b has no printed total: its marker range stands, 5 + 1..4.
    assert exact.count_range(["b"], "all_known") == (6, 9)
    assert exact.count_range(["a", "b"], "all_known") == (54, 60)
    row = exact.groups.set_index(["force", "group"]).loc[("a", "all_known")]
    assert (row["marker_min"], row["marker_max"]) == (44, 54)
    assert (row["withheld_cells"], row["bounded_cells"], row["pinned_cells"]) == (3, 3, 1)


def test_a_cell_the_total_pins_is_known():
    _, exact = bounded()
    pinned = exact.cells[exact.cells["pinned"]]
    assert pinned[["force", "platform", "exact_lower", "exact_upper"]].values.tolist() == [
        ["a", "whatsapp", 3, 3]
    ]
    # The Q1 cells: each 1..4 with the pair summing to 3..6: no lower than 3 - 4 (so still 1)
    # and no higher than 6 - 1 (so still 4); the Facebook cell of b has no total: 1..4.
    ranges = exact.cells.set_index(["force", "platform", "lower"])
    assert ranges.loc[("a", "snapchat", 1), ["exact_lower", "exact_upper"]].tolist() == [1, 4]
    assert exact.count(["a", "b"], "all_known", "pinned_cells") == 1


def test_shares_are_exact_ratios_over_the_totals():
    _, exact = bounded()
    # Instagram of all known in a: 42 / (48..51), WhatsApp + Snapchat moving together:
    # lowest 42/51, highest 42/48.
    low, high = exact.share_range(["a"], "instagram", "all_known")
    assert (low, high) == pytest.approx((42 / 51, 42 / 48))
    # WhatsApp of all known in a: w1 + 3 over 42 + w1 + s + 3 with w1 + s in 3..6, each 1..4.
    # Highest: w1 = 4, s = 1 (sum 5, within 3..6): 7/50; lowest: w1 = 1, s = 4: 4/50 (the
    # most against WhatsApp; s = 4 is its marker's top, so the sum 5 is within 3..6).
    low, high = exact.share_range(["a"], "whatsapp", "all_known")
    assert (low, high) == pytest.approx((4 / 50, 7 / 50))


def test_only_the_selected_offence_groups_and_forces_count():
    _, exact = bounded(groups=("online_sexual",))
    # Q1 only: a's known 30 + 3..6.
    assert exact.count_range(["a"], "all_known") == (33, 36)
    assert exact.count(["a"], "all_known", "pinned_cells") == 0
    _, without_b = bounded(exclude=("b",))
    assert set(without_b.groups["force"]) == {"a"}
    assert without_b.count_range(["a", "b"], "all_known") == (48, 51)


def test_rows_of_the_withheld_remainder_are_not_cells():
    extra = [*SPEC, ("a", "online_sexual", "Q1", ex.REMAINDER_PLATFORM, 9)]
    _, exact = bounded(spec=extra)
    assert exact.count_range(["a"], "all_known") == (48, 51)


def test_without_a_reconciliation_the_markers_stand():
    selected = select_instances(cells(SPEC), WAVE, ("online_sexual", "indecent_images"))
    exact = ex.exact_bounds(selected, None, rules())
    assert exact.count_range(["a"], "all_known") == (44, 54)
    assert not exact.cells["pinned"].any()


def test_a_block_whose_cells_do_not_match_its_reconciliation_stops_the_run():
    broken = RECONCILIATION.copy()
    broken.loc[1, "withheld_cells"] = "2"
    with pytest.raises(InputError, match="counted withheld cell"):
        bounded(reconciliation=broken)


def test_an_old_reconciliation_without_the_new_columns_stops_the_run():
    old = RECONCILIATION.drop(columns=["excluded_withheld_upper"])
    with pytest.raises(InputError, match="excluded_withheld_upper"):
        bounded(reconciliation=old)


def test_the_comparison_is_judged_over_the_exact_range():
    selected, exact = bounded()
    forces_ref = pd.DataFrame({"force": ["a", "b"], "release_region": ["Somewhere", "Elsewhere"]})
    comparison = pd.DataFrame(
        [
            {
                "figure_id": "known_a",
                "geography": "region",
                "area": "Somewhere",
                "platform_group": "all_known",
                "denominator": "",
                "unit": "count",
                "computed": 49.0,
                "computed_lowest": 44.0,
                "computed_highest": 54.0,
                "published": 55.0,
                "comparison": "exact",
                "precision": None,
                "holds": False,
                "holds_over_withheld_range": "in part",
                "note": "49 against the published 55: a difference of -6. The published figure "
                "lies within the range the withheld cells allow (44 to 54).",
            },
            {
                "figure_id": "whatsapp_q2",
                "geography": "region",
                "area": "Somewhere",
                "platform_group": "whatsapp",
                "denominator": "",
                "unit": "count",
                "computed": 5.5,
                "computed_lowest": 1.0,
                "computed_highest": 8.0,
                "published": 6.0,
                "comparison": "exact",
                "precision": None,
                "holds": False,
                "holds_over_withheld_range": "in part",
                "note": "5.5 against the published 6.",
            },
        ]
    )
    out = ex.exact_comparison(comparison, exact, forces_ref).set_index("figure_id")
    # Known in a: 48..51, so the published 55 is outside it.
    assert out.loc["known_a", ["computed_lowest", "computed_highest"]].tolist() == [48, 51]
    assert out.loc["known_a", "holds_over_withheld_range"] == "no"
    assert "lies within" not in out.loc["known_a", "note"]
    assert out.loc["known_a", "note"].endswith(
        "The published figure lies outside the range the withheld cells allow given the "
        "printed totals (48 to 51)."
    )
    assert out.loc["known_a", "pinned_cells"] == 1
    assert out.loc["whatsapp_q2", ["computed_lowest", "computed_highest"]].tolist() == [4, 7]
    assert out.loc["whatsapp_q2", "holds_over_withheld_range"] == "in part"
    assert "given the printed totals (4 to 7)" in out.loc["whatsapp_q2", "note"]


def test_a_figure_the_totals_fix_holds_throughout_and_says_so():
    # One force, one block: two cells <5 and a printed 10, total 16: the cells sum to 6.
    spec = [
        ("a", "online_sexual", "Q1", "instagram", 10),
        ("a", "online_sexual", "Q1", "whatsapp", (1, 4)),
        ("a", "online_sexual", "Q1", "snapchat", (1, 4)),
    ]
    rec = pd.DataFrame([block("a", "Q1", 16, (12, 18), withheld=(2, 2, 8))])
    _, exact = bounded(spec=spec, reconciliation=rec, groups=("online_sexual",))
    comparison = pd.DataFrame(
        [
            {
                "figure_id": "known",
                "geography": "national",
                "area": "everywhere",
                "platform_group": "all_known",
                "denominator": "",
                "unit": "count",
                "computed": 15.0,
                "computed_lowest": 12.0,
                "computed_highest": 18.0,
                "published": 16.0,
                "comparison": "exact",
                "precision": None,
                "holds": False,
                "holds_over_withheld_range": "in part",
                "note": "15 against the published 16: a difference of -1.",
            }
        ]
    )
    out = ex.exact_comparison(comparison, exact, pd.DataFrame({"force": ["a"]})).iloc[0]
    assert (out["computed_lowest"], out["computed_highest"]) == (16, 16)
    assert out["holds_over_withheld_range"] == "throughout"
    assert out["note"].endswith("The printed totals fix it at exactly 16.")


def test_the_withheld_table_gives_both_ranges_and_says_which_is_which():
    selected, exact = bounded()
    groups = grouped(selected)
    table = withheld_table(groups, NAMES, exact).set_index(["group", "denominator"])
    row = table.loc[("instagram", "all_known")]
    # Instagram 47 of known 54..60 (a: 48..51, b: 6..9, where b's Instagram 5 is fixed):
    # exact 47/60 to 47/54; the markers alone: known 44..54 + 6..9 = 50..63: 47/63 to 47/50.
    assert (row["lowest"], row["highest"]) == (
        round(100 * 47 / 60, PERCENT_PLACES),
        round(100 * 47 / 54, PERCENT_PLACES),
    )
    assert (row["marker_lowest"], row["marker_highest"]) == (
        round(100 * 47 / 63, PERCENT_PLACES),
        round(100 * 47 / 50, PERCENT_PLACES),
    )
    assert (row["withheld_cells"], row["bounded_cells"], row["pinned_cells"]) == (4, 3, 1)
    assert (row["denominator_lowest"], row["denominator_highest"]) == (54, 60)
    assert "the totals fix 1 of them exactly" in row["range_note"]
    assert "markers alone" in row["range_note"]


def test_the_headline_ranges_are_the_exact_ones():
    selected, exact = bounded()
    groups = grouped(selected)
    empty = pd.DataFrame(
        columns=["geography", "platform_group", "denominator", "unit", "figure_id"]
    )
    published = pd.DataFrame(
        columns=[
            "figure_id",
            "geography",
            "area",
            "platform_group",
            "denominator",
            "unit",
            "value",
            "comparison",
            "precision",
        ]
    )
    table = headline_table(groups, empty, published, NAMES, exact).set_index("measure")
    known = table.loc["instances with a known platform"]
    assert (known["withheld_lowest"], known["withheld_highest"]) == (54, 60)


# --- The processed corpus ----------------------------------------------------------------------

corpus = pytest.mark.skipif(
    not (PROCESSED / "instances.csv").is_file(), reason="data/processed not built yet (run make)"
)


@pytest.fixture(scope="module")
def built():
    return findings.build(findings.load_inputs(), findings.Params())


@corpus
def test_every_exact_range_lies_within_the_markers_range(built):
    withheld = built.tables["withheld"]
    assert len(withheld)
    assert (withheld["lowest"] >= withheld["marker_lowest"]).all()
    assert (withheld["highest"] <= withheld["marker_highest"]).all()
    known = withheld[withheld["denominator"] == "all_known"].iloc[0]
    exact_width = known["denominator_highest"] - known["denominator_lowest"]
    assert 0 <= exact_width <= known["withheld_instances_at_most"]


@corpus
def test_each_comparable_area_count_is_met_by_the_convention_and_within_its_exact_range(built):
    # Every published count about a region or a force is in the regional table; each one the
    # build can compare (test_findings.py checks that a figure is 'not comparable' only where
    # its coverage says so) is what the convention counts, within the range the totals allow.
    published = built.comparison[built.comparison["geography"].isin(["region", "force"])]
    regional = built.tables["regional"]
    assert set(regional["figure_id"]) == set(published["figure_id"])
    rows = regional[(regional["unit"] == "count") & (regional["comparison"] == "exact")]
    rows = rows[rows["verdict"] != "not comparable"]
    for _, row in rows.iterrows():
        assert row["computed"] == row["published"], row["figure_id"]
        assert row["computed_lowest"] <= row["published"] <= row["computed_highest"]


@corpus
def test_the_known_range_equals_an_independent_sum_over_the_reconciliation(built):
    # Each block with a printed total: its known-platform cells add up to the total less its
    # unknown and excluded cells, and to their own sum (mapped): the range is the overlap of
    # the two. A block without one (a record-level extract) adds its instances' own bounds.
    key = ["wave", "force", "source_file", "table", "block"]
    rec = pd.read_csv(PROCESSED / "reconciliation.csv", dtype=str, keep_default_na=False)
    instances = pd.read_csv(PROCESSED / "instances.csv", dtype=str, keep_default_na=False)
    wave = built.params.wave
    rec = rec[rec["wave"] == wave]
    printed = rec[rec["total_source"] == "printed total"]
    n = {c: pd.to_numeric(printed[c]) for c in printed.columns if c.endswith(("_lower", "_upper"))}
    low = n["total_lower"] - n["unknown_upper"] - n["excluded_upper"]
    high = n["total_upper"] - n["unknown_lower"] - n["excluded_lower"]
    low = pd.concat([n["mapped_lower"], low], axis=1).max(axis=1).sum()
    high = pd.concat([n["mapped_upper"], high], axis=1).min(axis=1).sum()
    known = instances[(instances["wave"] == wave) & (instances["platform"] != "unknown")]
    rest = known.merge(rec[rec["total_source"] != "printed total"][key], on=key)
    low += pd.to_numeric(rest["lower"]).sum()
    high += pd.to_numeric(rest["upper"]).sum()
    headline = built.tables["headline"]
    row = headline[headline["measure"] == "instances with a known platform"].iloc[0]
    assert (row["withheld_lowest"], row["withheld_highest"]) == (low, high)


def test_the_best_estimates_are_one_value_the_withheld_cells_can_all_take():
    _, exact = bounded()
    cells = exact.cells
    # Each cell within its exact range; the withheld cells of each block add up to what the
    # block's printed total leaves them.
    assert (cells["best"] >= cells["exact_lower"] - 1e-9).all()
    assert (cells["best"] <= cells["exact_upper"] + 1e-9).all()
    for _, block in cells[cells["withheld"] & cells["block_id"].notna()].groupby("block_id"):
        total = block["best"].sum()
        assert block["sum_lower"].iloc[0] - 1e-9 <= total <= block["sum_upper"].iloc[0] + 1e-9
    # So every count and share at the best estimates lies within its exact range.
    for forces in (["a"], ["b"], ["a", "b"]):
        for group in ("all_known", "whatsapp", "instagram", "unknown"):
            low, high = exact.count_range(forces, group)
            assert low - 1e-9 <= exact.best_count(forces, group) <= high + 1e-9
        low, high = exact.share_range(forces, "instagram", "all_known")
        assert low - 1e-9 <= exact.best_share(forces, "instagram", "all_known") <= high + 1e-9
    # A cell the totals pin is at its value.
    pinned = cells[cells["pinned"]]
    assert (pinned["best"] == pinned["exact_lower"]).all()


HEADLINES = sorted((PROCESSED.parent.parent / "reports").glob("**/tables/headline.csv"), key=str)


@pytest.mark.parametrize("path", HEADLINES, ids=lambda p: str(p.parent.parent.name))
def test_every_best_estimate_a_reader_sees_lies_within_its_exact_range(path):
    headline = pd.read_csv(path)
    assert "best_estimate" in headline.columns
    # Shown to one decimal place, as the range's ends are.
    inside = headline["best_estimate"].between(
        headline["withheld_lowest"] - 0.05, headline["withheld_highest"] + 0.05
    )
    assert inside.all(), headline.loc[~inside, "measure"].tolist()


def test_each_force_s_share_counts_a_withheld_cell_at_its_best_estimate_never_as_zero():
    # Force x: Instagram 30, WhatsApp withheld (1 to 4), Snapchat 25, no printed total: its
    # owned share is 31/56 to 34/59, best 32.5/57.5; counted as 0 it would be 30/55.
    # Force y: Instagram 3 of 53: a share that would give the small count away.
    spec = [
        ("x", "online_sexual", "Q1", "instagram", 30),
        ("x", "online_sexual", "Q1", "whatsapp", (1, 4)),
        ("x", "online_sexual", "Q1", "snapchat", 25),
        ("y", "online_sexual", "Q1", "instagram", 3),
        ("y", "online_sexual", "Q1", "snapchat", 50),
    ]
    _, exact = bounded(spec, None, groups=("online_sexual",))
    shares = ex.force_shares(exact, ["x", "y"], "facebook_owned").set_index("force")
    x = shares.loc["x"]
    assert (x["count"], x["known"]) == (32.5, 57.5)
    assert x["share"] == pytest.approx(32.5 / 57.5)
    assert (x["share_lowest"], x["share_highest"]) == pytest.approx((31 / 56, 34 / 59))
    assert x["share_lowest"] > 30 / 55
    forces_ref = pd.DataFrame({"force": ["x", "y"], "name": ["X Police", "Y Police"]})
    table = areas.force_shares_table(shares.reset_index(), forces_ref).set_index("force")
    # Known instances as the rule publishes a count (57.5: 58 whole, 60 rounded to 5); the
    # share and its range in percent; no count of the owner group.
    assert table.loc["x", "known"] == 60
    assert table.loc["x", ["share", "share_lowest", "share_highest"]].tolist() == [
        round(100 * v, PERCENT_PLACES) for v in (32.5 / 57.5, 31 / 56, 34 / 59)
    ]
    assert table.loc["y", "known"] == 55
    assert table.loc["y", ["share", "share_lowest", "share_highest"]].isna().all()
    assert "count" not in table.columns


def test_leave_one_out_takes_each_force_s_counts_at_their_best_estimates():
    selected, exact = bounded()
    groups = grouped(selected, "minimum")  # every withheld cell at its lowest
    best = ex.at_best_estimates(groups, exact)
    at = best.set_index(["force", "group"])["value"]
    # Force a's WhatsApp: 2.5 in Q1 (the middle of what the total leaves two cells) and 3 in
    # Q2 (pinned by its total), where the lowest would give 1 + 0.
    assert at[("a", "whatsapp")] == 5.5
    for (force, group), value in at.items():
        assert value == pytest.approx(exact.best_count([force], group))
    loo = leave_one_out_table(best, {"a": "A Police", "b": "B Police"}, "facebook_owned", NAMES)
    row = loo[(loo["force"] == "b") & (loo["group"] == "whatsapp")].iloc[0]
    alone = exact.best_count(["a"], "whatsapp") / exact.best_count(["a"], "all_known")
    assert row["share_without"] == round(100 * alone, LOO_PLACES)
