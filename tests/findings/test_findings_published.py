"""Tests for src/findings/published.py: the rules of each published statement, on synthetic
values, and the published figures file where a function is about the published figures
themselves."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from synthetic_instances import grouped, rows, small_instances

from src.errors import InputError
from src.findings import coverage, selfcheck, shares
from src.findings import published as pub


@pytest.fixture
def small():
    return small_instances()


@pytest.mark.parametrize(
    ("comparison", "computed", "published", "precision", "unit", "expected"),
    [
        ("rounded", 52.5, 53, 0, "percent", True),  # half up, not to even
        ("rounded", 52.49, 52, 0, "percent", True),
        ("rounded", 50.82, 50, 0, "percent", False),
        ("rounded", 12.65, 12.7, 1, "percent", True),
        ("exact", 3212, 3212, None, "count", True),
        ("exact", 3211.5, 3212, None, "count", False),
        ("more_than", 34.04, 100 / 3, None, "percent", True),
        ("more_than", 33.2, 100 / 3, None, "percent", False),
        ("approx_one_in", 10.2, 10, None, "percent", True),
        ("approx_one_in", 11.43, 10, None, "percent", False),  # nearer one in 9
    ],
)
def test_statement_rules(comparison, computed, published, precision, unit, expected):
    assert pub.statement_holds(comparison, computed, published, precision, unit) is expected


def test_missing_value_neither_holds_nor_fails():
    assert pub.statement_holds("exact", math.nan, 1.0) is None


@pytest.mark.parametrize(
    ("comparison", "low", "high", "published", "expected"),
    [
        ("rounded", 51.6, 52.4, 52, "throughout"),
        ("rounded", 51.0, 52.4, 52, "in part"),
        ("rounded", 52.5, 53.0, 52, "no"),  # 52.5 rounds up
        ("exact", 3180, 3231, 3212, "in part"),
        ("exact", 3212, 3212, 3212, "throughout"),
        ("more_than", 33.5, 36, 100 / 3, "throughout"),
        ("more_than", 32, 36, 100 / 3, "in part"),
    ],
)
def test_statement_over_a_range(comparison, low, high, published, expected):
    assert pub.holds_over_range(comparison, low, high, published, 0, "percent") == expected


def test_note_says_when_only_truncation_fits():
    note = pub.statement_note("rounded", 50.82, 50, "50%", 0, "percent")
    assert "truncated rather than rounded" in note
    assert "51%" in note


def figure(figure_id, geography, area, group, value, unit="count", **more):
    """One published figure of a made-up release (the columns of a figures file that the
    comparison reads)."""
    row = {
        "release": "r1",
        "figure_id": figure_id,
        "geography": geography,
        "area": area,
        "forces": "",
        "platform_group": group,
        "denominator": "",
        "value": float(value),
        "unit": unit,
        "as_published": str(value),
        "comparison": "exact",
        "precision": "",
        "flag": "V",
    }
    return row | more


def share_figure(figure_id, geography, area, group, value, denominator="all_known", **more):
    return figure(
        figure_id,
        geography,
        area,
        group,
        value,
        "percent",
        denominator=denominator,
        as_published=f"{value}%",
        comparison="rounded",
        precision="0",
        **more,
    )


#: A made-up release: national counts whose four platform parts (980) fall short of the
#: stated total (1,000), with the owner group's share printed as 48% (480 of 1,000; of the
#: parts it would be 48.98%, so 49%); and a region whose 'Facebook' column and Instagram
#: (358 + 150 = 508 of 1,000, 50.8%) are printed as 50%, which only truncation gives.
RELEASE = pd.DataFrame(
    [
        figure("n_known", "national", "Here", "all_known", 1000),
        figure("n_instagram", "national", "Here", "instagram", 300),
        figure("n_messenger", "national", "Here", "facebook_messenger", 120),
        figure("n_whatsapp", "national", "Here", "whatsapp", 60),
        figure("n_other", "national", "Here", "other", 500),
        share_figure("n_owned_share", "national", "Here", "facebook_owned", 48),
        figure("r_known", "region", "West", "all_known", 1000),
        figure("r_instagram", "region", "West", "instagram", 150),
        figure("r_column", "region", "West", "facebook_column", 358),
        share_figure("r_owned_share", "region", "West", "facebook_owned", 50),
    ]
)


def test_implied_shares_use_the_published_counts():
    implied = pub.implied_shares(RELEASE).set_index("figure_id")
    row = implied.loc["n_owned_share"]
    assert (row["stated_total"], row["sum_of_parts"]) == (1000, 980)
    assert row["share_of_stated_total"] == pytest.approx(100 * 480 / 1000)
    assert row["share_of_sum_of_parts"] == pytest.approx(100 * 480 / 980)
    assert (row["holds_with_stated_total"], row["holds_with_sum_of_parts"]) == (True, False)
    assert row["fits"] == "fits the stated total (1,000) only"
    assert set(implied.index) == {"n_owned_share", "r_owned_share"}


def test_a_share_of_a_group_other_than_the_known_is_the_same_under_either_total():
    of_owned = share_figure(
        "n_whatsapp_of_owned", "national", "Here", "whatsapp", 13, denominator="facebook_owned"
    )
    table = pd.concat([RELEASE, pd.DataFrame([of_owned])], ignore_index=True)
    row = pub.implied_shares(table).set_index("figure_id").loc["n_whatsapp_of_owned"]
    assert row["share_of_stated_total"] == pytest.approx(100 * 60 / 480)  # 12.5%, so 13%
    assert row["holds_with_stated_total"] == True  # noqa: E712 (a numpy bool)
    assert row["fits"] == "fits both totals (its denominator is the same under either total)"


def test_a_share_that_fits_only_if_truncated_says_so():
    row = pub.implied_shares(RELEASE).set_index("figure_id").loc["r_owned_share"]
    assert row["share_of_stated_total"] == pytest.approx(50.8)
    assert pub.round_half_up(row["share_of_stated_total"]) != 50
    assert pub.truncate(row["share_of_stated_total"]) == 50
    assert row["fits"] == "fits the stated total (1,000) only if truncated rather than rounded"


FORCES = pd.DataFrame(
    {
        "force": ["a", "b", "p", "q", "r"],
        "name": ["Force A", "Force B", "Force P", "Force Q", "Force R"],
        "release_region": ["North", "", "", "", ""],
    }
)


def test_published_figure_about_an_unknown_area_is_an_input_error(small):
    bad = pd.DataFrame([figure("x_known", "region", "Atlantis", "all_known", 10)])
    with pytest.raises(InputError, match="Atlantis"):
        pub.compare_published(bad, grouped(small), FORCES, forces_with_data=2)


def test_compare_published_uses_the_area_forces(small):
    row = pd.DataFrame([share_figure("north_instagram", "region", "North", "instagram", 35)])
    result = pub.compare_published(row, grouped(small), FORCES, forces_with_data=2).iloc[0]
    a = shares.wide(grouped(small)).loc["a"]
    assert result["computed"] == pytest.approx(100 * a["instagram"] / a["all_known"])
    assert result["forces_in_build"] == 1
    assert result["forces_used"] == "a"


# --- Whether a figure is comparable: the forces it covers, and the forces that itemise it ------

#: Force p's return is partial: a known total of 35, of which it itemises Instagram (10) only.
PARTIAL = rows(
    [
        ("p", "instagram", 10),
        ("p", "not_itemised", 25),
        ("q", "instagram", 4),
        ("q", "whatsapp", 6),
        ("q", "snapchat", 10),
    ]
)


def _compared(*published):
    table = pd.DataFrame(list(published))
    out = pub.compare_published(table, grouped(PARTIAL), FORCES, forces_with_data=2)
    return out.set_index("figure_id")


def test_a_figure_whose_coverage_matches_the_build_is_compared():
    out = _compared(
        figure("known", "national", "Here", "all_known", 55),
        figure("known_2", "national", "Here", "all_known", 55, forces="2"),
        figure("known_pq", "national", "Here", "all_known", 55, forces="q;p"),
        figure("instagram", "national", "Here", "instagram", 14),
        figure("unknown_off", "national", "Here", "unknown", 3),
    )
    assert out.loc[["known", "known_2", "known_pq", "instagram"], "verdict"].eq("holds").all()
    assert out.loc["unknown_off", "verdict"] == "does not hold"
    assert out.loc["instagram", "forces_used"] == "p;q"
    assert not out["note"].str.contains("Not comparable").any()


def test_a_figure_covering_other_forces_than_the_build_is_not_comparable():
    out = _compared(
        figure("known_3", "national", "Here", "all_known", 55, forces="3"),
        figure("known_pr", "national", "Here", "all_known", 55, forces="p;r"),
    )
    assert out["verdict"].eq("not comparable").all()
    assert out.loc["known_3", "note"].startswith(
        "Not comparable: the release covered 3 forces and this build has returns from 2"
    )
    note = out.loc["known_pr", "note"]
    assert note.startswith("Not comparable: the release covered 2 forces;")
    assert "no return from Force R" in note and "returns from Force Q besides" in note
    # The value is still computed, for the reader to see.
    assert out["computed"].eq(55).all()


def test_a_figure_some_returns_do_not_itemise_is_not_comparable():
    # p's return does not say how many of its 25 not itemised were on WhatsApp.
    out = _compared(
        figure("whatsapp", "national", "Here", "whatsapp", 6),
        share_figure("owned_share", "national", "Here", "facebook_owned", 50),
    )
    assert out["verdict"].eq("not comparable").all()
    assert out.loc["whatsapp", "note"].startswith(
        "Not comparable: 1 of 2 forces' returns itemise it (Force P does not)."
    )
    assert (out.loc["whatsapp", "forces_in_build"], out.loc["whatsapp", "forces_counted"]) == (2, 1)
    assert out.loc["whatsapp", "forces_used"] == "q"
    assert out.loc["whatsapp", "computed"] == 6
    assert out.loc["owned_share", "computed"] == pytest.approx(100 * 10 / 20)


# --- What the returns can bear: a verdict on real returns only ----------------------------------


def test_a_figure_from_any_simulated_return_is_a_check_of_the_method_not_a_verdict():
    table = pd.DataFrame([figure("known", "national", "Here", "all_known", 55)])
    groups = grouped(PARTIAL)
    for provenance, returns, said in (
        ({"p": "real", "q": "real"}, "real", "holds"),
        ({"p": "real", "q": "simulated"}, "mixed", coverage.METHOD_CHECK),
        ({"p": "simulated", "q": "simulated"}, "simulated", coverage.METHOD_CHECK),
    ):
        row = pub.compare_published(
            table, groups, FORCES, forces_with_data=2, provenance=provenance
        ).iloc[0]
        assert (row["returns"], row["verdict"]) == (returns, said)
        assert row["holds"]  # the check itself is kept, for the tests of the method
        shown = coverage.as_read(pd.DataFrame([row])).iloc[0]
        if returns == "real":
            assert shown["holds"] and "matches the published" in shown["note"]
        else:
            assert pd.isna(shown["holds"]) and "check of the method" in shown["note"]
            assert "matches the published" not in shown["note"]


def test_what_the_release_says_of_itself_is_said_whatever_the_returns():
    # Two counts of the same thing that differ: the release's own figures disagree, on
    # simulated returns too.
    table = pd.DataFrame(
        [
            figure("forces_a", "national", "Here", "", 35),
            figure("forces_b", "national", "Here", "", 34),
        ]
    )
    out = pub.compare_published(
        table, grouped(PARTIAL), FORCES, forces_with_data=2, provenance={"p": "simulated"}
    )
    assert out["verdict"].eq(coverage.OWN_DISAGREE).all()
    # On real returns, each is judged against them: with 35 forces' data, '35' holds, '34' not.
    out = pub.compare_published(
        table, grouped(PARTIAL), FORCES, forces_with_data=35, provenance={"p": "real", "q": "real"}
    )
    assert list(out["verdict"]) == ["holds", "does not hold"]


def test_the_release_is_checked_against_its_own_figures_first():
    checks = selfcheck.release_checks(RELEASE).set_index("area")
    # Its stated total against the sum of its published parts: 1,000 against 980.
    gap = checks.loc["Here"]
    gap = gap[gap["as_published"] == "1,000"].iloc[0]
    assert not gap["agrees"]
    assert gap["finding"] == (
        "The stated total (1,000) is 20 more than the sum of the published platform counts (980)."
    )
    # A percentage against the counts it should come from: 50% fits only if truncated.
    west = checks.loc[["West"]]
    assert "only if truncated" in west["finding"].iloc[0] and not west["agrees"].iloc[0]
    # Disagreements come first.
    assert list(selfcheck.release_checks(RELEASE)["agrees"]) == sorted(
        selfcheck.release_checks(RELEASE)["agrees"]
    )


def test_two_counts_of_one_thing_that_disagree_are_said_once():
    forces = [figure(f, "national", "Here", "", n) for f, n in (("n_35", 35), ("n_34", 34))]
    checks = selfcheck.release_checks(pd.DataFrame(forces))
    assert len(checks) == 1 and not checks["agrees"].iloc[0]
    assert checks["finding"].iloc[0] == "The release also printed '34'."
