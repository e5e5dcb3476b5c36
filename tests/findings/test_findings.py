"""The findings from the real processed data, checked against data/raw/published/ (never
against numbers typed here). The computation runs in-process, so a stale file cannot pass.

What the published figures allow us to expect of the returns:
- a count whose cells include no withheld cell is reproduced exactly; otherwise the published
  count lies between the lowest and highest totals the withheld cells allow;
- at the default treatment (withheld cells at their midpoints) each published percentage is
  read the same way (same rounding, same side of a threshold, same "one in N") as the share
  the published counts of the same area give. Nationally those counts are the four platform
  counts, which add to less than the stated total; the published "52%" fits only the stated
  total, and the headline table says so.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter

from src import findings, sdc
from src.errors import InputError
from src.findings.areas import cell_columns
from src.findings.display import MISSING, formatted
from src.findings.params import check_exclude_forces, excludable_forces
from src.findings.published import (
    implied_shares,
    one_in,
    published_counts,
    published_for_wave,
    round_half_up,
    statement_holds,
    truncate,
)
from src.findings.shares import HEADLINE_SHARES, wide
from src.helpers import PROCESSED
from src.vocab import OUTCOMES_WITH_DATA

#: The owner group of the reference data (groups.csv, owners.csv).
OWNER_GROUP = "facebook_owned"

pytestmark = pytest.mark.skipif(
    not (PROCESSED / "instances.csv").is_file(),
    reason="data/processed not built yet (run make)",
)


@pytest.fixture(scope="module")
def inputs():
    return findings.load_inputs()


@pytest.fixture(scope="module")
def default(inputs):
    return findings.build(inputs, findings.Params())


@pytest.fixture(scope="module")
def published(inputs):
    return published_for_wave(
        inputs.published, inputs.reference.wave(findings.Params().for_inputs(inputs).wave)
    )


def test_published_counts_are_reproduced_under_the_declared_convention(default, published):
    comparison = default.comparison
    counts = comparison[(comparison["unit"] == "count") & (comparison["comparison"] == "exact")]
    counts = counts[(counts["platform_group"] != "") & (counts["flag"] == "V")]
    assert len(counts) == len(
        published[
            (published["unit"] == "count")
            & (published["comparison"] == "exact")
            & (published["platform_group"] != "")
            & (published["flag"] == "V")
        ]
    )
    for _, row in counts.iterrows():
        # Counted by the convention declared for the release, each published count is met
        # exactly. (It may lie outside the range the printed totals allow: a withheld cell that
        # a total pins is still counted by the convention, as the release is taken to have
        # counted it; tests/findings/test_truth.py checks the ranges against the truth.)
        assert row["computed"] == row["published"], row["figure_id"]


def test_forces_with_data_match_the_release(default, published):
    row = default.comparison.set_index("figure_id")
    confirmed = published[(published["platform_group"] == "") & (published["flag"] == "V")]
    for figure_id in confirmed["figure_id"]:
        assert row.loc[figure_id, "holds"], figure_id


def test_default_treatment_reads_each_percentage_as_the_published_counts_do(default, published):
    implied = implied_shares(published).set_index("figure_id")
    comparison = default.comparison.set_index("figure_id")
    percents = published[published["unit"] == "percent"]
    assert len(percents) > 0
    for _, pub in percents.iterrows():
        computed = comparison.loc[pub["figure_id"], "computed"]
        precision = None if pub["precision"] == "" else int(float(pub["precision"]))
        row = implied.loc[pub["figure_id"]]
        # Under the declared convention the returns reproduce the stated total (and the parts),
        # so each share is read as the published counts give it over the stated total.
        reference = row["share_of_stated_total"]
        if pd.isna(reference):
            reference = row["share_of_sum_of_parts"]
        if pd.isna(reference):
            # No published counts give this share: the published statement itself must hold.
            assert comparison.loc[pub["figure_id"], "holds"], pub["figure_id"]
            continue
        if pub["comparison"] == "rounded":
            assert round_half_up(computed, precision) == round_half_up(reference, precision), pub[
                "figure_id"
            ]
        elif pub["comparison"] == "approx_one_in":
            assert one_in(computed / 100) == one_in(reference / 100), pub["figure_id"]
        else:
            assert statement_holds(
                pub["comparison"], computed, pub["value"], precision, "percent"
            ) == statement_holds(
                pub["comparison"], reference, pub["value"], precision, "percent"
            ), pub["figure_id"]


def test_headline_table_shows_the_published_values_and_both_denominators(default, published):
    headline = default.tables["headline"]
    shown = headline.dropna(subset=["figure_id"]).set_index("figure_id")
    national = published[published["geography"] == "national"].set_index("figure_id")
    assert set(shown.index) == set(national.index)
    for figure_id, row in shown.iterrows():
        assert row["published"] == national.loc[figure_id, "value"]
        assert row["as_published"] == national.loc[figure_id, "as_published"]
    shares = shown[shown["unit"] == "percent"]
    assert shares["published_share_of_stated_total"].notna().all()
    assert shares["published_share_of_sum_of_parts"].notna().all()
    counts = published_counts(published, "national", national["area"].iloc[0])
    assert counts["stated_total"] != counts["sum_of_parts"]
    assert shares["published_fits"].str.startswith(("fits", "does not hold")).all()


def test_south_west_rows_and_the_truncated_share(default, published):
    regional = default.tables["regional"]
    south_west = published[
        (published["geography"] == "region")
        & (published["unit"] == "percent")
        & published["figure_id"].isin(regional["figure_id"])
    ]
    assert set(south_west["figure_id"]) <= set(regional["figure_id"])
    truncated = regional[regional["published_counts_fit"].fillna("").str.contains("truncated")]
    assert len(truncated) == 1
    row = truncated.iloc[0]
    assert truncate(row["published_counts_share"]) == row["published"]
    forces = published[published["geography"] == "force"]
    assert set(forces["figure_id"]) <= set(regional["figure_id"])


def test_per_force_table_follows_the_small_count_rule(default):
    table = default.tables["forces"]
    cells = table[cell_columns(table, default.context['owner_group'])]
    shown = cells.stack().dropna().astype(int)
    assert (shown % sdc.ROUNDING_BASE == 0).all()
    assert (shown > sdc.REDACTION_THRESHOLD).all()
    totals = cells.astype("Float64").fillna(0).sum(axis=1)
    assert (table["total"].astype(float) == totals.astype(float)).all()
    audit = default.tables["forces_audit"]
    assert len(audit) == int(cells.isna().sum().sum())
    assert not audit["recoverable"].any()


def test_uncertainty_intervals_contain_each_share(default):
    unc = default.tables["uncertainty"]
    assert len(unc) == len(HEADLINE_SHARES)
    assert (unc["wilson_low"] <= unc["share"]).all() and (unc["share"] <= unc["wilson_high"]).all()
    assert (unc["bootstrap_low"] <= unc["share"]).all()
    assert (unc["share"] <= unc["bootstrap_high"]).all()
    assert (unc["withheld_lowest"] <= unc["share"]).all()
    assert (unc["share"] <= unc["withheld_highest"]).all()
    assert (unc["unknown_bound_low"] <= unc["share"]).all()


def test_caveats_cover_what_a_reader_needs(default, inputs):
    caveats = set(default.tables["caveats"]["caveat"])
    assert {
        "caveat_instances",
        "caveat_known_subset",
        "caveat_coverage",
        "caveat_official_statistics",
        "caveat_simulated",
    } <= caveats
    asked = int((inputs.coverage["wave"] == default.params.wave).sum())
    n = default.context["forces_with_data"]
    assert f"{n} of the {asked} forces asked" in default.text["caveat_coverage"]


def test_removing_one_force_changes_the_outputs_and_the_coverage(inputs, default):
    force = sorted(set(default.groups["force"]))[0]
    without = findings.build(inputs, findings.Params(exclude_forces=(force,)))
    n = default.context["forces_with_data"]
    assert without.context["forces_with_data"] == n - 1
    assert f"{n - 1} of the" in without.text["caveat_coverage"]
    removed = wide(default.groups).loc[force, "all_known"]
    before = default.tables["headline"].set_index("measure")
    after = without.tables["headline"].set_index("measure")
    key = "instances with a known platform"
    assert after.loc[key, "computed"].iloc[0] == pytest.approx(
        before.loc[key, "computed"].iloc[0] - removed
    )
    assert force not in set(without.tables["forces"]["force"])
    assert "caveat_variant" in without.text


def test_tables_are_written_identically_twice(default, tmp_path):
    first = findings.write_tables(default, tmp_path / "a")
    second = findings.write_tables(default, tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert (tmp_path / "a" / "findings.xlsx").stat().st_size > 0
    headline = pd.read_csv(tmp_path / "a" / "headline.csv")
    assert len(headline) == len(default.tables["headline"])


def test_headline_parts_add_up_to_the_headline_counts(default):
    parts = findings.headline_parts(default)
    forces, total = parts.iloc[:-1], parts.iloc[-1]
    assert total["force"] == "total"
    assert list(forces["force"]) == sorted(set(default.groups["force"]))
    headline = default.tables["headline"]
    counts = headline[headline["unit"].eq("count") & headline["platform_group"].ne("")]
    computed = counts.drop_duplicates("platform_group").set_index("platform_group")["computed"]
    groups = [c for c in parts.columns if c not in ("force", "force_name")]
    for group in groups:
        assert forces[group].sum() == pytest.approx(total[group]), group
        assert total[group] == pytest.approx(computed[group]), group
    owned = [g for g in groups if g not in (OWNER_GROUP, "other", "all_known")]
    assert forces[owned].sum(axis=1).to_numpy() == pytest.approx(forces[OWNER_GROUP].to_numpy())
    # What printed totals count beyond their blocks' cells is in no platform's count, so a
    # force's known total exceeds (or, where withheld cells counted by the convention
    # overshoot its totals, falls short of) its owner and other counts. Nationally that gap is
    # the release's own: its stated total (9,477) less the sum of its published parts (9,435).
    gap = forces["all_known"] - forces[OWNER_GROUP] - forces["other"]
    assert gap.sum() == pytest.approx(9477 - 9435)
    known = default.tables["uncertainty"].set_index(["group", "denominator"])
    assert total["all_known"] == known.loc[(OWNER_GROUP, "all_known"), "total"]


def test_owned_platforms_are_slugs_and_sentences_show_their_names(default, inputs):
    owned = default.context["owned_platforms"].split(", ")
    platforms = set(inputs.reference.platforms["platform"])
    assert owned and set(owned) <= platforms
    build = default.tables["build"].set_index("key")["value"]
    assert build["owned_platforms"] == default.context["owned_platforms"]
    names = inputs.reference.platforms.set_index("platform")["display_name"]
    shown = ", ".join(names[p] for p in owned)
    assert f"({shown})" in default.text["headline"]


def test_uncertainty_marks_the_owner_group(inputs, default):
    owned = set(default.context["owned_platforms"].split(", "))
    unc = default.tables["uncertainty"]
    assert unc.columns[-1] == "in_owner_group"
    expected = [g == OWNER_GROUP or g in owned for g in unc["group"]]
    assert unc["in_owner_group"].tolist() == expected
    assert unc.loc[unc["group"] == OWNER_GROUP, "in_owner_group"].all()
    assert not unc.loc[unc["group"] == "other", "in_owner_group"].any()
    # Before WhatsApp was bought, it is not in the owner group.
    early = findings.build(inputs, findings.Params(owner_as_of="2013-01-01"))
    marked = early.tables["uncertainty"].set_index(["group", "denominator"])["in_owner_group"]
    assert not marked[("whatsapp", "all_known")]
    assert marked[("instagram", "all_known")]
    assert "whatsapp" not in findings.headline_parts(early).columns


# --- Which forces a build can leave out ---------------------------------------------------------


def _coverage(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["wave", "force", "outcome"])


SMALL_COVERAGE = _coverage(
    ("w1", "a", "data"),
    ("w1", "b", "partial"),
    ("w1", "c", "refused_cost_s12"),
    ("w1", "d", "no_response"),
    ("w2", "d", "data"),
)
SMALL_FORCES = pd.DataFrame({"force": ["a", "b", "c", "d", "e"]})


def test_only_forces_that_sent_counts_in_the_wave_can_be_left_out():
    assert excludable_forces(SMALL_COVERAGE, "w1") == ["a", "b"]
    assert excludable_forces(SMALL_COVERAGE, "w2") == ["d"]
    check_exclude_forces(
        findings.Params(wave="w1", exclude_forces=("a", "b")), SMALL_COVERAGE, SMALL_FORCES
    )
    check_exclude_forces(findings.Params(wave="w1"), SMALL_COVERAGE, SMALL_FORCES)


@pytest.mark.parametrize(
    ("excluded", "why"),
    [
        (
            ("c",),
            "'c' sent no platform counts in wave w1 (its outcome in "
            "data/processed/coverage.csv is 'refused_cost_s12')",
        ),
        (("a", "d"), "'d' sent no platform counts in wave w1"),
        (("e",), "'e' was not asked in wave w1"),
        (("zz",), "'zz' is not a force"),
    ],
)
def test_leaving_out_a_force_without_counts_is_a_parameter_error(excluded, why):
    params = findings.Params(wave="w1", exclude_forces=excluded)
    with pytest.raises(InputError) as caught:
        check_exclude_forces(params, SMALL_COVERAGE, SMALL_FORCES)
    error = caught.value
    assert (error.file, error.place) == ("parameters", "exclude_forces")
    assert why in error.problem
    assert "'a'" not in error.fix.split("remove")[1].split(".")[0]  # only the bad names
    assert "edit exclude_forces in the parameters file" in error.fix
    assert error.fix.endswith("can be left out of wave w1 are: a, b")


def test_a_build_leaving_out_a_force_without_counts_stops_before_writing(inputs, tmp_path):
    wave = findings.Params().for_inputs(inputs).wave
    rows = inputs.coverage[inputs.coverage["wave"] == wave]
    with_data = sorted(rows.loc[rows["outcome"].isin(OUTCOMES_WITH_DATA), "force"])
    without = rows.loc[~rows["outcome"].isin(OUTCOMES_WITH_DATA), "force"].tolist()
    assert without and with_data
    for force in [without[0], "not-a-force"]:
        with pytest.raises(InputError) as caught:
            findings.write_tables(
                findings.build(inputs, findings.Params(exclude_forces=(force,))), tmp_path
            )
        assert f"'{force}'" in caught.value.problem
        assert caught.value.fix.endswith(", ".join(with_data))
    assert list(tmp_path.iterdir()) == []


# --- The tables as the notebook shows them ------------------------------------------------------

NOT_SHOWN = re.compile(r"\b(nan|NaN|None|<NA>|NaT|True|False)\b")


def test_percentages_counts_and_missing_values_are_in_the_house_formats():
    table = pd.DataFrame(
        {
            "share": [52.891, 9.6, np.nan],
            "count": [9422.0, 3205.5, 12.0],
            "bootstrap_resamples": [2000, 2000, 20000],
            "bootstrap_seed": [20210326, 20210326, 7],
            "in_owner_group": [True, False, True],
            "group": ["facebook_owned", "whatsapp", "somewhere_new"],
            "note": ["a", "", None],
        }
    )
    shown = formatted(table, "uncertainty")
    assert list(shown.columns) == [
        "Share",
        "Instances",
        "Bootstrap resamples",
        "Bootstrap seed",
        "In the owner group",
        "Platforms",
        "Note",
    ]
    assert shown.to_dict("list") == {
        "Share": ["52.9%", "9.6%", MISSING],
        "Instances": ["9,422.0", "3,205.5", "12.0"],
        "Bootstrap resamples": ["2,000", "2,000", "20,000"],
        "Bootstrap seed": ["20210326", "20210326", "7"],
        "In the owner group": ["yes", "no", "yes"],
        "Platforms": ["Facebook-owned apps", "WhatsApp", "somewhere_new"],
        "Note": ["a", "", MISSING],
    }
    assert MISSING == "[x]"


def test_a_row_unit_decides_between_percent_and_count():
    table = pd.DataFrame(
        {
            "measure": ["instances", "share", "forces", "other share"],
            "unit": ["count", "percent", "count", "percent"],
            "computed": [9422.0, 52.8912, 35.0, 6.0],
            "published": [9477.0, np.nan, 35.0, 6.0],
            "difference": [-55.0, 0.11, 0.0, 0.0],
            "holds": [False, True, True, None],
            "holds_if_truncated": [None, False, None, None],
        }
    )
    shown = formatted(table, "headline")
    assert shown.to_dict("list") == {
        "Measure": ["instances", "share", "forces", "other share"],
        "Unit": ["count", "percent", "count", "percent"],
        "From the returns": ["9,422", "52.9%", "35", "6.0%"],
        "Published value": ["9,477", MISSING, "35", "6.0%"],
        "Difference": ["-55", "+0.1 points", "0", "0.0 points"],
        "Holds": ["no", "yes", "yes", MISSING],
        "Holds if truncated": [MISSING, "no", MISSING, MISSING],
    }
    with pytest.raises(ValueError, match="needs column 'unit'"):
        formatted(table.drop(columns="unit"), "headline")


def test_leave_one_out_shares_and_changes_have_their_own_places():
    table = pd.DataFrame(
        {
            "force_name": ["A", "B", "C"],
            "share_without": [54.04, 9.0, 52.9],
            "change_points": [1.1, -0.4, -0.0],
        }
    )
    assert formatted(table, "leave_one_out").to_dict("list") == {
        "Force": ["A", "B", "C"],
        "Share without the force": ["54.0%", "9.0%", "52.9%"],
        "Change (percentage points)": ["+1.1", "-0.4", "0.0"],
    }


def test_redacted_force_counts_are_marked_as_redacted():
    table = pd.DataFrame(
        {"force_name": ["A", "B"], "whatsapp": pd.array([10, None], dtype="Int64")}
    )
    shown = formatted(table, "forces")
    assert shown["WhatsApp"].tolist() == ["10", sdc.REDACTED]
    assert formatted(table, "headline_parts")["WhatsApp"].tolist() == ["10", MISSING]


def test_an_unknown_table_is_refused():
    with pytest.raises(ValueError, match="no display for table 'headlines'"):
        findings.styled(pd.DataFrame({"a": [1]}), "headlines")


def test_shown_table_has_rich_html_without_index_and_a_plain_text_that_is_stable():
    table = pd.DataFrame({"share": [52.891, np.nan], "holds": [True, None], "note": ["a", ""]})
    one, other = findings.styled(table, "uncertainty"), findings.styled(table, "uncertainty")
    data, _ = DisplayFormatter().format(one)
    assert set(data) == {"text/plain", "text/html"}
    # The plain text nbval compares: the formatted table, no memory address, the same each time.
    assert data["text/plain"] == formatted(table, "uncertainty").to_string(index=False)
    assert data["text/plain"] == DisplayFormatter().format(other)[0]["text/plain"]
    assert "0x" not in data["text/plain"] and "Styler" not in data["text/plain"]
    assert repr(one) == data["text/plain"]
    # The HTML: the same each time, no index column, numbers on the right.
    html = data["text/html"]
    assert html == other._repr_html_()
    assert "row_heading" not in html and "blank" not in html
    assert '<th id="T_uncertainty_level0_col0" class="col_heading level0 col0" >Share</th>' in html
    assert re.search(r"#T_uncertainty \.col0 \{\s*text-align: right;", html)
    assert ">52.9%</td>" in html and ">[x]</td>" in html
    assert not NOT_SHOWN.search(html) and not NOT_SHOWN.search(data["text/plain"])


def test_every_table_of_the_build_shows_without_raw_missing_values(default):
    tables = {**default.tables, "headline_parts": findings.headline_parts(default)}
    for name, table in tables.items():
        if name == "build":
            continue  # the build's own values are text, "True" among them
        shown = findings.styled(table, name)
        for text in (repr(shown), shown._repr_html_()):
            assert not NOT_SHOWN.search(text), (name, NOT_SHOWN.search(text))
        headings = list(shown.text.columns)
        assert not [h for h in headings if "_" in h], name


@pytest.fixture(scope="module")
def cleaned():
    """The real corpus cleaned in-process (so the coverage holds ``unknown_reported`` even when
    data/processed predates it)."""
    from src.clean import run_clean

    return run_clean(write=False)


def test_real_bounds_over_unknown_platforms_leave_out_forces_that_reported_none(default, cleaned):
    from src.findings.intervals import uncertainty
    from src.findings.params import unknown_reporters
    from src.findings.text import known_subset_sentence, unknown_interval_sentence

    forces = sorted(set(default.groups["force"]))
    inst = cleaned.instances[cleaned.instances["wave"] == default.params.wave]
    silent = sorted(set(forces) - set(inst.loc[inst["platform"] == "unknown", "force"]))
    assert silent, "the simulated corpus has forces that print no unknown-platform row"
    reported = unknown_reporters(cleaned.coverage, default.params.wave, forces)
    assert sorted(set(forces) - set(reported)) == silent
    unc = uncertainty(default.groups, n_resamples=99, unknown_reported=reported)
    fb = unc[(unc["group"] == OWNER_GROUP) & (unc["denominator"] == "all_known")].iloc[0]
    assert (fb["unknown_forces"], fb["unknown_not_reported"]) == (
        len(forces) - len(silent),
        "; ".join(silent),
    )
    # The bounds from the reporting forces alone: their unknown-platform instances from the
    # cleaned instances (a withheld cell counted as the release's convention counts it, the
    # middle of its range rounded down), their known and owned counts from the force groups.
    mine = inst[inst["force"].isin(reported) & (inst["platform"] == "unknown")]
    value = np.floor((mine["lower"].astype(float) + mine["upper"].astype(float)) / 2)
    unknown = value.sum()
    groups = default.groups[default.groups["force"].isin(reported)]
    known = groups.loc[groups["group"] == "all_known", "value"].sum()
    fb_count = groups.loc[groups["group"] == OWNER_GROUP, "value"].sum()
    assert fb["unknown_bound_low"] == pytest.approx(fb_count / (known + unknown))
    assert fb["unknown_bound_high"] == pytest.approx((fb_count + unknown) / (known + unknown))
    assert fb["known_share"] == pytest.approx(known / (known + unknown))
    table = default.tables["forces"]
    names = dict(zip(table["force"], table["force_name"], strict=True))
    for text in (
        known_subset_sentence(fb, len(forces), names),
        unknown_interval_sentence(fb, len(forces), names),
    ):
        assert f"{len(reported)} of the {len(forces)} forces" in text
        assert all(names[f] in text for f in silent)
        assert "(100.0%)" not in text


def test_real_per_force_table_shows_an_unknown_count_not_reported_as_such(inputs, default, cleaned):
    from src.findings.areas import per_force_table
    from src.findings.params import unknown_reporters

    forces = sorted(set(default.groups["force"]))
    reported = unknown_reporters(cleaned.coverage, default.params.wave, forces)
    silent = set(forces) - set(reported)
    owned = tuple(default.context["owned_platforms"].split(", "))
    shown, audit, _ = per_force_table(
        default.groups, default.comparison.copy(), inputs.reference.forces, owned, reported
    )
    shown = shown.set_index("force")
    assert shown.loc[sorted(silent), "unknown"].isna().all()
    rows = audit.set_index(["force", "column"])
    for force in silent:
        assert rows.loc[(force, "unknown"), "reason"] == sdc.NOT_REPORTED
    assert not audit["recoverable"].any()
    assert len(audit) == int(shown[cell_columns(shown.reset_index(), default.context['owner_group'])].isna().sum().sum())
    # the other forces' cells are what the default build publishes
    published = default.tables["forces"].set_index("force")
    assert shown.drop(index=sorted(silent)).equals(published.drop(index=sorted(silent)))


def test_the_default_build_names_the_owner_and_its_group_as_on_the_wave_end(default):
    build = dict(zip(default.tables["build"]["key"], default.tables["build"]["value"], strict=True))
    assert build["owner_name"] == "Facebook, Inc."
    assert (build["owner_group"], build["owner_group_name"], build["owner_group_adjective"]) == (
        "facebook_owned",
        "Facebook-owned apps",
        "Facebook-owned",
    )
    assert build["place"] == "England, Wales and the Channel Islands"
    assert build["source_line"].startswith(
        "Source: police force returns to Freedom of Information requests (simulated); "
        "published figures from "
    )
    assert "26 March 2021" in build["source_line"]


def test_a_build_dated_after_the_renaming_uses_the_new_names_and_the_same_numbers(inputs, default):
    later = findings.build(inputs, findings.Params(owner_as_of="2022-03-31"))
    assert later.context["owner_name"] == "Meta Platforms, Inc."
    assert later.context["owner_group_name"] == "Meta-owned apps"
    assert later.context["owner_group_adjective"] == "Meta-owned"
    assert later.context["owner_group"] == "facebook_owned"
    assert "owned by Meta Platforms, Inc." in later.text["headline"]
    unc = later.tables["uncertainty"].set_index(["group", "denominator"])
    assert unc.loc[("facebook_owned", "all_known"), "share_of"] == "Meta-owned apps"
    assert unc.loc[("whatsapp", "facebook_owned"), "share_of"] == "WhatsApp (of Meta-owned apps)"
    assert "Meta-owned" in later.text["interval_wilson"]
    assert "Facebook-owned" not in " ".join(later.text.values())
    # The tip-offs were the company's before its renaming: named as on the figure's date.
    assert later.context["tipoff_company"] == "Facebook"
    # Renaming changes words only.
    pd.testing.assert_series_equal(
        later.tables["uncertainty"]["share"], default.tables["uncertainty"]["share"]
    )
