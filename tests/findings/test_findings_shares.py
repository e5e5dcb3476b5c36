"""Tests for src/findings/shares.py on small synthetic tables of the shape of instances.csv:
selecting and treating the instances, the owner group, and the sums and shares by group."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic_instances import OWNED, WAVE, grouped, rows, rules, small_instances

from src.errors import InputError
from src.findings import shares


@pytest.fixture
def small():
    return small_instances()


@pytest.mark.parametrize(
    ("treatment", "expected"),
    [("minimum", 1.0), ("midpoint", 2.5), ("maximum", 4.0), ("min", 1.0), ("MAX", 4.0)],
)
def test_withheld_cell_takes_the_treatment(small, treatment, expected):
    treated = shares.apply_withheld(small, treatment)
    cell = treated[(treated["force"] == "a") & (treated["platform"] == "whatsapp")].iloc[0]
    assert cell["value"] == expected
    assert (cell["value_min"], cell["value_max"]) == (1.0, 4.0)
    exact = treated[~treated["withheld"]]
    assert (exact["value"] == exact["value_min"]).all()
    assert (exact["value"] == exact["value_max"]).all()


def test_unknown_treatment_is_a_parameter_error(small):
    with pytest.raises(InputError, match="withheld_treatment"):
        shares.apply_withheld(small, "median")


def test_withheld_row_without_bounds_is_an_input_error(small):
    broken = small.copy()
    broken.loc[2, "upper"] = ""
    with pytest.raises(InputError, match="row 4"):
        shares.apply_withheld(broken)


def test_select_drops_excluded_forces_and_other_groups(small):
    mixed = pd.concat([small, small.assign(offence_group="indecent_images")], ignore_index=True)
    kept = shares.select_instances(mixed, WAVE, ["indecent_images"], ["b"])
    assert set(kept["force"]) == {"a"}
    assert set(kept["offence_group"]) == {"indecent_images"}


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"offence_groups": ["images"]}, "offence_groups"),
        ({"offence_groups": ["online_sexual"], "exclude_forces": ["zz"]}, "exclude_forces"),
        ({"offence_groups": ["online_sexual"], "wave": "another-wave"}, "wave"),
    ],
)
def test_selection_typos_stop_the_run(small, kwargs, key):
    args = {"wave": WAVE, "exclude_forces": [], **kwargs}
    with pytest.raises(InputError, match=key):
        shares.select_instances(small, args["wave"], args["offence_groups"], args["exclude_forces"])


#: One owner, its platforms over time: Messenger from the start, Instagram bought in 2012,
#: WhatsApp bought in 2014 and (in this test only) sold on 2021-10-27.
OWNERSHIP = pd.DataFrame(
    {
        "platform": ["facebook_messenger", "instagram", "whatsapp"],
        "owner": ["facebook_inc", "facebook_inc", "facebook_inc"],
        "owned_from": ["2004-02-04", "2012-09-06", "2014-10-06"],
        "owned_to": ["", "", "2021-10-27"],
    }
)
#: The owner's names over time, each with its group's words (as owners.csv gives them).
OWNERS = pd.DataFrame(
    {
        "owner": ["facebook_inc", "facebook_inc"],
        "name": ["Facebook, Inc.", "Meta Platforms, Inc."],
        "short_name": ["Facebook", "Meta"],
        "group": ["facebook_owned", "facebook_owned"],
        "group_name": ["Facebook-owned apps", "Meta-owned apps"],
        "group_adjective": ["Facebook-owned", "Meta-owned"],
        "name_from": ["2004-02-04", "2021-10-28"],
        "name_to": ["2021-10-27", ""],
    }
)


def owned_on(day: str) -> shares.OwnerGroup:
    return shares.owner_group(OWNERSHIP, day, OWNERS, "facebook_owned")


def test_owner_group_follows_the_date():
    assert owned_on("2013-01-01").platforms == ("facebook_messenger", "instagram")
    assert owned_on("2020-09-30").platforms == OWNED


def test_the_owner_and_its_group_are_named_as_on_the_day():
    before = owned_on("2020-09-30")
    assert (before.owner_name, before.short_name) == ("Facebook, Inc.", "Facebook")
    assert (before.group_name, before.group_adjective) == ("Facebook-owned apps", "Facebook-owned")
    # The last day of the old name, then the first of the new (28 October 2021).
    assert owned_on("2021-10-27").owner_name == "Facebook, Inc."
    after = owned_on("2021-10-28")
    assert (after.owner, after.group) == ("facebook_inc", "facebook_owned")
    assert (after.owner_name, after.short_name) == ("Meta Platforms, Inc.", "Meta")
    assert (after.group_name, after.group_adjective) == ("Meta-owned apps", "Meta-owned")


def test_a_renamed_owner_keeps_its_platforms_and_loses_only_what_it_sold():
    group = owned_on("2022-01-01")
    assert group.owner == "facebook_inc"
    assert group.platforms == ("facebook_messenger", "instagram")


def test_no_name_or_no_platform_on_the_day_is_an_input_error():
    with pytest.raises(InputError, match="no name on 2000-01-01") as caught:
        owned_on("2000-01-01")
    assert "its first name is from" in caught.value.problem
    assert "owner_as_of parameter" in caught.value.fix
    with pytest.raises(InputError, match="one owner, not 0"):
        shares.owner_group(OWNERSHIP, "2020-09-30", OWNERS, "another_group")
    sold = OWNERSHIP.assign(owned_to="2010-01-01", owned_from="2005-01-01")
    with pytest.raises(InputError, match="no platform owned on 2020-09-30"):
        shares.owner_group(sold, "2020-09-30", OWNERS, "facebook_owned")


def test_as_of_defaults_to_the_wave_end_and_checks_dates():
    assert shares.as_of_date(None, "2020-09-30") == "2020-09-30"
    assert shares.as_of_date("2013-05-01", "2020-09-30") == "2013-05-01"
    with pytest.raises(InputError, match="owner_as_of"):
        shares.as_of_date("last year", "2020-09-30")


def test_groups_add_up(small):
    tot = shares.totals(grouped(small))["value"]
    assert tot["all_known"] == 30 + 10 + 2.5 + 40 + 5 + 5 + 2.5
    assert tot["facebook_owned"] == tot["instagram"] + tot["facebook_messenger"] + tot["whatsapp"]
    assert tot["other"] == tot["all_known"] - tot["facebook_owned"]
    assert tot["facebook_column"] == tot["facebook_messenger"] + tot["whatsapp"]
    assert tot["unknown"] == 30


def test_platforms_not_owned_on_the_day_count_as_other(small):
    tot = shares.totals(grouped(small, owned=("facebook_messenger", "instagram")))["value"]
    assert tot["facebook_owned"] == tot["instagram"] + tot["facebook_messenger"]
    assert tot["other"] == tot["all_known"] - tot["facebook_owned"]


def test_a_force_with_no_rows_still_appears(small):
    groups = grouped(small, forces=["a", "b", "c"])
    assert shares.wide(groups).loc["c"].sum() == 0
    assert groups.loc[groups["force"] == "c", "itemised"].all()


def test_a_combined_column_counts_in_the_groups_that_hold_all_its_parts():
    # 'Facebook' printed as one column holding Messenger and WhatsApp (platforms.csv includes).
    groups = grouped(rows([("a", "facebook_apps", 12), ("a", "instagram", 3)]))
    tot = shares.totals(groups)["value"]
    assert (tot["facebook_column"], tot["facebook_owned"], tot["all_known"]) == (12, 15, 15)
    assert (tot["facebook_messenger"], tot["whatsapp"], tot["other"]) == (0, 0, 0)
    settled = groups.set_index("group")["itemised"]
    assert not settled["facebook_messenger"] and not settled["whatsapp"]
    assert settled["facebook_column"] and settled["facebook_owned"] and settled["instagram"]


#: A partial return (force p): a known total of 50, of which it itemises Instagram 10 and
#: Messenger 15; the other 25 are not itemised (any platform but those two).
PARTIAL = [
    ("p", "instagram", 10),
    ("p", "facebook_messenger", 15),
    ("p", "not_itemised", 25),
    ("q", "instagram", 4),
    ("q", "whatsapp", 6),
    ("q", "snapchat", 10),
]


def test_a_partial_return_counts_only_in_the_groups_it_itemises():
    groups = grouped(rows(PARTIAL)).set_index(["force", "group"])
    # What p did not itemise may be WhatsApp, Snapchat or anything else: it settles Instagram,
    # Messenger and the known total, and neither WhatsApp, the owner group nor the rest.
    itemised = groups["itemised"]
    for group in ("all_known", "unknown", "instagram", "facebook_messenger"):
        assert itemised[("p", group)], group
    for group in ("whatsapp", "facebook_owned", "other", "facebook_column"):
        assert not itemised[("p", group)], group
    assert groups["itemised"].xs("q", level="force").all()
    assert groups.loc[("p", "all_known"), "value"] == 50
    assert groups.loc[("p", "instagram"), "value"] == 10
    assert shares.itemising(groups.reset_index(), "whatsapp", "all_known") == ["q"]
    assert shares.itemising(groups.reset_index(), "instagram", "all_known") == ["p", "q"]
    assert shares.itemising(groups.reset_index(), "", "all_known", forces=["p"]) == ["p"]


def test_what_a_return_does_not_itemise_counts_in_each_group_that_holds_all_of_it():
    # The return itemises every platform but WhatsApp and Messenger: what it leaves out is in
    # the owner group (and the 'Facebook' column) whatever it is, but not in either platform.
    every = set(rules().universe)
    spec = [("p", platform, 1) for platform in sorted(every - {"whatsapp", "facebook_messenger"})]
    groups = grouped(rows([*spec, ("p", "not_itemised", 20)])).set_index("group")
    assert groups.loc["facebook_owned", "itemised"] and groups.loc["facebook_column", "itemised"]
    assert groups.loc["facebook_owned", "value"] == 20 + 1  # and Instagram's 1
    assert groups.loc["facebook_column", "value"] == 20
    assert groups.loc["other", "itemised"]
    assert groups.loc["other", "value"] == len(spec) - 1
    assert (
        not groups.loc["whatsapp", "itemised"] and not groups.loc["facebook_messenger", "itemised"]
    )
    assert groups.loc["all_known", "value"] == 20 + len(spec)
    # The same rule, asked directly.
    named = {platform for _, platform, _ in spec} | {"not_itemised"}
    assert rules().settles("facebook_owned", named) and not rules().settles("whatsapp", named)


def _brute_force_share(instances, group, denominator):
    """Every corner of the withheld ranges: the smallest and largest share."""
    withheld = instances.index[instances["withheld"].eq("True")]
    values = []
    for corner in itertools.product(("lower", "upper"), repeat=len(withheld)):
        filled = instances.copy()
        for i, end in zip(withheld, corner, strict=True):
            filled.loc[i, ["count", "lower", "upper"]] = filled.loc[i, end]
            filled.loc[i, "withheld"] = "False"
        tot = shares.totals(grouped(filled))["value"]
        values.append(tot[group] / tot[denominator])
    return min(values), max(values)


@pytest.mark.parametrize(("group", "denominator"), shares.HEADLINE_SHARES)
def test_share_extremes_match_every_corner(small, group, denominator):
    item = shares.share(shares.totals(grouped(small)), group, denominator)
    low, high = _brute_force_share(small, group, denominator)
    assert item.lowest == pytest.approx(low)
    assert item.highest == pytest.approx(high)
    assert item.lowest <= item.value <= item.highest


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["instagram", "whatsapp", "snapchat", "unknown"]),
            st.one_of(st.integers(0, 60), st.sampled_from([(1, 4), (0, 4), (1, 9)])),
        ),
        min_size=2,
        max_size=7,
    )
)
def test_share_extremes_bound_every_corner(spec):
    instances = rows(spec)
    tot = shares.totals(grouped(instances))
    if tot.loc["all_known", "value_min"] == 0:
        return
    item = shares.share(tot, "instagram", "all_known")
    # Every corner, by plain arithmetic on the cells.
    ranges = [v if isinstance(v, tuple) else (v, v) for _, _, v in spec]
    is_instagram = np.array([p == "instagram" for _, p, _ in spec])
    known = np.array([p != "unknown" for _, p, _ in spec])
    at_corners = []
    for corner in itertools.product(*ranges):
        values = np.array(corner, dtype=float)
        at_corners.append(values[is_instagram].sum() / values[known].sum())
    low, high = min(at_corners), max(at_corners)
    assert item.lowest == pytest.approx(low)
    assert item.highest == pytest.approx(high)
