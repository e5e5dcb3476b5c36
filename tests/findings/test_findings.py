"""The findings from the real processed data, checked against data/raw/published/ (never
against numbers typed here). The computation runs in-process, so a stale file cannot pass.

What the published figures allow us to expect of the returns, checked on the build of each
wave a release published figures about (releases.csv; none, and these checks have nothing to
check):
- a published figure is compared when the forces it covers (its ``forces``, else every force
  of its area in the build) are the build's forces of its area and each of their returns
  itemises it; otherwise it is "not comparable", and only then (worked out here from
  coverage.csv, forces.csv, the release's ``forces`` and the partial returns' rows);
- a comparable count over simulated returns (drawn to agree with the release) is reproduced
  exactly under the declared convention; where a real return enters, the verdict says whether
  it is;
- at the default treatment each comparable published percentage is read the same way (same
  rounding, same side of a threshold, same "one in N") as the share the published counts of
  the same area give.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter

from src import findings, sdc
from src.data.tables import Table, descriptions_from
from src.errors import InputError
from src.findings.areas import cell_columns
from src.findings.convention import RULES
from src.findings.display import MISSING, formatted, styled
from src.findings.params import check_exclude_forces, excludable_forces
from src.findings.published import (
    implied_shares,
    one_in,
    published_for_wave,
    round_half_up,
    statement_holds,
    truncate,
)
from src.findings.shares import HEADLINE_SHARES, NAMED_PLATFORMS, wide
from src.helpers import PROCESSED, RAW
from src.vocab import OUTCOMES_WITH_DATA

#: The owner group: the group of kind ``owner`` in the reference's groups.csv.
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


def released_waves() -> list[str]:
    """The waves with returns that a release published figures about (releases.csv), oldest
    first: the comparison with published figures is checked on each one's build."""
    if not (PROCESSED / "coverage.csv").is_file():
        return []
    with_data = set(pd.read_csv(PROCESSED / "coverage.csv", dtype=str)["wave"])
    releases = pd.read_csv(RAW / "published" / "releases.csv", dtype=str, keep_default_na=False)
    return sorted(set(releases["wave"]) & with_data)


@pytest.fixture(scope="module", params=released_waves())
def released(request, inputs):
    """The build of a wave a release published figures about (each such wave in turn)."""
    return findings.build(inputs, findings.Params(wave=request.param))


@pytest.fixture(scope="module")
def published(inputs, released):
    return published_for_wave(inputs.published, inputs.reference.wave(released.params.wave))


# --- Which published figures a build can compare -------------------------------------------------


def forces_of(inputs, build) -> list[str]:
    """A build's forces, from coverage.csv: those with data in its wave."""
    coverage = inputs.coverage[inputs.coverage["wave"] == build.params.wave]
    forces = sorted(coverage.loc[coverage["outcome"].isin(OUTCOMES_WITH_DATA), "force"])
    forces = [f for f in forces if f not in build.params.exclude_forces]
    assert forces == sorted(set(build.groups["force"]))
    return forces


def partial_of(inputs, build) -> set[str]:
    """The forces whose returns in a build's wave itemise only part of what they count."""
    rows = inputs.instances[inputs.instances["wave"] == build.params.wave]
    return set(rows.loc[rows["platform"] == "not_itemised", "force"])


@pytest.fixture(scope="module")
def build_forces(inputs, default):
    return forces_of(inputs, default)


@pytest.fixture(scope="module")
def partial_forces(inputs, default):
    return partial_of(inputs, default)


def area_members(row, forces_ref: pd.DataFrame, forces: list[str]) -> list[str]:
    """The build's forces of a published figure's area."""
    if row["geography"] == "national":
        return list(forces)
    if row["geography"] == "region":
        region = forces_ref.loc[forces_ref["release_region"] == row["area"], "force"]
        return sorted(set(region) & set(forces))
    return [row["area"]] if row["area"] in forces else []


def coverage_differs(row, members: list[str]) -> bool:
    """Whether the release says its figure covers other forces than the build's of its area."""
    said = str(row.get("forces", "") or "").strip()
    if not said:
        return False
    if said.isdigit():
        return int(said) != len(members)
    return set(said.split(";")) != set(members)


def test_a_figure_is_not_comparable_only_where_its_coverage_says_so(inputs, released, published):
    build_forces, partial_forces = forces_of(inputs, released), partial_of(inputs, released)
    comparison = released.comparison.set_index("figure_id")
    about_platforms = published[published["platform_group"] != ""]
    assert set(about_platforms["figure_id"]) <= set(comparison.index)
    seen = set()
    for _, row in about_platforms.iterrows():
        out = comparison.loc[row["figure_id"]]
        members = area_members(row, inputs.reference.forces, build_forces)
        assert int(out["forces_in_build"]) == len(members), row["figure_id"]
        if not members or coverage_differs(row, members):
            assert out["verdict"] == "not comparable", row["figure_id"]
            assert out["note"].startswith("Not comparable: "), row["figure_id"]
            seen.add("coverage")
        elif not set(members) & partial_forces:
            # Every return of the area itemises everything it counts: compared over them all.
            assert out["verdict"] != "not comparable", row["figure_id"]
            assert out["forces_used"].split(";") == members, row["figure_id"]
            seen.add("compared")
        elif out["verdict"] == "not comparable":
            # Some returns of the area are partial: only one that does not itemise the figure
            # makes it not comparable, and the note names it.
            assert int(out["forces_counted"]) < len(members), row["figure_id"]
            assert "itemise it" in out["note"], row["figure_id"]
            left = set(members) - set(out["forces_used"].split(";"))
            assert left <= partial_forces, row["figure_id"]
            seen.add("partial")
        else:
            assert out["forces_used"].split(";") == members, row["figure_id"]
            seen.add("compared")
    assert "compared" in seen or about_platforms.empty


def test_published_counts_are_reproduced_under_the_declared_convention(inputs, released, published):
    comparison = released.comparison
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
    coverage = inputs.coverage[inputs.coverage["wave"] == released.params.wave]
    provenance = coverage.set_index("force")["provenance"]
    # A figure the build cannot compare (see the test above) has no published value to meet.
    for _, row in counts[counts["verdict"] != "not comparable"].iterrows():
        met = row["computed"] == row["published"]
        if provenance[row["forces_used"].split(";")].eq("simulated").all():
            # Simulated returns are drawn to agree with the release: counted by the convention
            # declared for it, each published count is met exactly. (It may lie outside the
            # range the printed totals allow: a withheld cell that a total pins is still counted
            # by the convention, as the release is taken to have counted it;
            # tests/findings/test_truth.py checks the ranges against the truth.)
            assert met, row["figure_id"]
        else:
            # A real return enters: whether the count holds is a finding, as the verdict says.
            assert bool(row["holds"]) == met, row["figure_id"]


def test_forces_with_data_match_the_release_where_it_covered_the_build_s_forces(
    inputs, released, published
):
    build_forces = forces_of(inputs, released)
    row = released.comparison.set_index("figure_id")
    # How many forces the release says its national figures cover (their ``forces``).
    said = published.loc[published["geography"] == "national", "forces"].astype(str)
    release_forces = {int(n) for n in said if n.isdigit()}
    confirmed = published[(published["platform_group"] == "") & (published["flag"] == "V")]
    for _, figure in confirmed.iterrows():
        if coverage_differs(figure, build_forces):
            continue  # the release counted other forces than this build has
        if release_forces and release_forces != {len(build_forces)}:
            # A return withdrawn (or added) since the release: its count cannot hold.
            assert not row.loc[figure["figure_id"], "holds"], figure["figure_id"]
            continue
        assert row.loc[figure["figure_id"], "holds"], figure["figure_id"]


def test_default_treatment_reads_each_percentage_as_the_published_counts_do(released, published):
    implied = implied_shares(published).set_index("figure_id")
    comparison = released.comparison.set_index("figure_id")
    percents = published[published["unit"] == "percent"]
    if percents.empty:
        pytest.skip(f"no percentage was published about wave {released.params.wave}")
    for _, pub in percents.iterrows():
        if comparison.loc[pub["figure_id"], "verdict"] == "not comparable":
            continue  # its coverage says so (test above)
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


def published_count(published: pd.DataFrame, geography: str, area: str, group: str) -> float:
    """An area's exact published count of a group, worked out as a reader would: the owner
    group from its platforms (or Instagram and the 'Facebook' column); NaN if not published."""
    rows = published[
        (published["geography"] == geography)
        & (published["area"] == area)
        & (published["unit"] == "count")
        & (published["comparison"] == "exact")
    ]
    counts = dict(zip(rows["platform_group"], rows["value"].astype(float), strict=False))
    if group == OWNER_GROUP and group not in counts:
        if all(p in counts for p in NAMED_PLATFORMS):
            return sum(counts[p] for p in NAMED_PLATFORMS)
        if "instagram" in counts and "facebook_column" in counts:
            return counts["instagram"] + counts["facebook_column"]
    return counts.get(group, np.nan)


def test_headline_table_shows_the_published_values_and_both_denominators(released, published):
    headline = released.tables["headline"]
    shown = headline.dropna(subset=["figure_id"]).set_index("figure_id")
    # Every national count and percentage (a count a day is compared, not a headline measure).
    national = published[
        (published["geography"] == "national") & published["unit"].isin(["count", "percent"])
    ].set_index("figure_id")
    assert set(shown.index) == set(national.index)
    for figure_id, row in shown.iterrows():
        assert row["published"] == national.loc[figure_id, "value"]
        assert row["as_published"] == national.loc[figure_id, "as_published"]
    parts = ("instagram", "facebook_messenger", "whatsapp", "other")
    for figure_id, row in shown[shown["unit"] == "percent"].iterrows():
        area = national.loc[figure_id, "area"]
        group, denominator = row["platform_group"], row["denominator"]
        count = published_count(published, "national", area, group)
        total = published_count(published, "national", area, denominator)
        expected = 100 * count / total if total else np.nan
        assert row["published_share_of_stated_total"] == pytest.approx(
            expected, abs=0.05, nan_ok=True
        )
        every_part = all(
            np.isfinite(published_count(published, "national", area, p)) for p in parts
        )
        given = np.isfinite(count) and every_part
        assert pd.notna(row["published_share_of_sum_of_parts"]) == given, figure_id
        if np.isfinite(expected):
            assert row["published_fits"].startswith(("fits", "does not hold")), figure_id


def test_area_rows_say_what_the_published_counts_of_their_area_give(released, published):
    regional = released.tables["regional"]
    areas = published[published["geography"].isin(["region", "force"])]
    assert set(areas["figure_id"]) == set(regional["figure_id"])
    for _, row in regional[regional["unit"] == "percent"].iterrows():
        count = published_count(published, row["geography"], row["area"], row["platform_group"])
        total = published_count(published, row["geography"], row["area"], row["denominator"])
        if not (np.isfinite(count) and np.isfinite(total)):
            assert pd.isna(row["published_counts_share"]), row["figure_id"]
            continue
        share = 100 * count / total
        assert row["published_counts_share"] == pytest.approx(share, abs=0.05), row["figure_id"]
        given = areas.set_index("figure_id").loc[row["figure_id"], "precision"]
        precision = int(float(given or 0))
        only_if_truncated = (
            row["comparison"] == "rounded"
            and round_half_up(share, precision) != row["published"]
            and truncate(share, precision) == row["published"]
        )
        assert ("only if truncated" in row["published_counts_fit"]) == only_if_truncated


def test_per_force_table_follows_the_small_count_rule(default):
    table = default.tables["forces"]
    cells = table[cell_columns(table, default.context["owner_group"])]
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
    # Bounds over unrecorded platforms exist exactly where some force reported a count of them.
    bounded = unc["unknown_bound_low"].notna()
    assert bounded.tolist() == (unc["unknown_forces"] > 0).tolist()
    assert (unc.loc[bounded, "unknown_bound_low"] <= unc.loc[bounded, "share"]).all()


def test_caveats_cover_what_a_reader_needs(default, inputs, build_forces, partial_forces):
    caveats = set(default.tables["caveats"]["caveat"])
    assert {
        "caveat_instances",
        "caveat_known_subset",
        "caveat_coverage",
        "caveat_official_statistics",
    } <= caveats
    coverage = inputs.coverage[inputs.coverage["wave"] == default.params.wave]
    provenance = coverage.loc[coverage["force"].isin(build_forces), "provenance"]
    assert ("caveat_simulated" in caveats) == provenance.eq("simulated").any()
    assert ("caveat_partial" in caveats) == bool(partial_forces & set(build_forces))
    asked = len(coverage)
    n = default.context["forces_with_data"]
    assert n == len(build_forces)
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
    assert after.loc[[key], "computed"].iloc[0] == pytest.approx(
        before.loc[[key], "computed"].iloc[0] - removed
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
    forces, total = parts.iloc[:-1].set_index("force"), parts.iloc[-1]
    assert total["force"] == "total"
    assert list(forces.index) == sorted(set(default.groups["force"]))
    headline = default.tables["headline"]
    counts = headline[headline["unit"].eq("count") & headline["platform_group"].ne("")]
    computed = counts.drop_duplicates("platform_group").set_index("platform_group")["computed"]
    itemised = default.groups.pivot(index="force", columns="group", values="itemised")
    groups = [c for c in parts.columns if c not in ("force", "force_name")]
    for group in groups:
        assert forces[group].sum() == pytest.approx(total[group]), group
        # The headline counts each group over the forces whose returns itemise it.
        assert forces.loc[itemised[group], group].sum() == pytest.approx(computed[group]), group
    owned = [g for g in groups if g not in (OWNER_GROUP, "other", "all_known")]
    # A return that itemises each of the owner group's platforms gives them as its parts.
    whole = itemised[[*owned, OWNER_GROUP]].all(axis=1)
    assert whole.any()
    assert forces.loc[whole, owned].sum(axis=1).to_numpy() == pytest.approx(
        forces.loc[whole, OWNER_GROUP].to_numpy()
    )
    # What printed totals count beyond their blocks' cells is in no platform's count: where a
    # return gives both the owner group's count and the rest's, the gap between them and its
    # known total is that remainder, which figure 1's composition shows as a part of its own.
    both = itemised[OWNER_GROUP] & itemised["other"]
    gap = forces["all_known"] - forces[OWNER_GROUP] - forces["other"]
    composition = default.tables["composition"].set_index("part")
    remainder = composition.loc[composition["column"] == "", "count"].sum()
    if both.equals(itemised[OWNER_GROUP]):  # the composition is over the same forces
        assert gap[both].sum() == pytest.approx(remainder, abs=0.5)
    known = default.tables["uncertainty"].set_index(["group", "denominator"])
    counted = itemised[OWNER_GROUP]
    assert forces.loc[counted, "all_known"].sum() == known.loc[(OWNER_GROUP, "all_known"), "total"]


def test_owned_platforms_are_slugs_and_sentences_show_their_names(default, inputs):
    owned = default.context["owned_platforms"].split(", ")
    reference = inputs.reference.platforms.set_index("platform")
    assert owned and set(owned) <= set(reference.index)
    build = default.tables["build"].set_index("key")["value"]
    assert build["owned_platforms"] == default.context["owned_platforms"]
    # A combined column (a 'Facebook' column holding several platforms) is not named apart.
    shown = ", ".join(
        reference.loc[p, "display_name"] for p in owned if reference.loc[p, "kind"] != "combined"
    )
    assert f"({shown})" in default.text["headline"]


def test_uncertainty_marks_the_owner_group(inputs, default):
    owned = set(default.context["owned_platforms"].split(", "))
    unc = default.tables["uncertainty"]
    assert unc.columns[-1] == "in_owner_group"
    expected = [g == OWNER_GROUP or g in owned for g in unc["group"]]
    assert unc["in_owner_group"].tolist() == expected
    assert unc.loc[unc["group"] == OWNER_GROUP, "in_owner_group"].all()
    assert not unc.loc[unc["group"] == "other", "in_owner_group"].any()
    # The day before the owner bought the last of its platforms that are groups of their own
    # (ownership.csv), that platform is not in the owner group, and the others still are.
    ownership = inputs.reference.ownership
    mine = ownership[
        ownership["platform"].isin(NAMED_PLATFORMS) & ownership["platform"].isin(owned)
    ]
    last = mine.sort_values("owned_from").iloc[-1]
    day = dt.date.fromisoformat(last["owned_from"]) - dt.timedelta(days=1)
    early = findings.build(inputs, findings.Params(owner_as_of=day.isoformat()))
    marked = early.tables["uncertainty"].set_index(["group", "denominator"])["in_owner_group"]
    assert not marked[(last["platform"], "all_known")]
    for platform in set(mine["platform"]) - {last["platform"]}:
        if (mine.loc[mine["platform"] == platform, "owned_from"] <= day.isoformat()).any():
            assert marked[(platform, "all_known")], platform
    assert last["platform"] not in findings.headline_parts(early).columns


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
        findings.Params(wave="w1", exclude_forces=("a",)), SMALL_COVERAGE, SMALL_FORCES
    )
    check_exclude_forces(findings.Params(wave="w1"), SMALL_COVERAGE, SMALL_FORCES)


def test_leaving_out_every_force_with_counts_is_a_parameter_error():
    params = findings.Params(wave="w1", exclude_forces=("a", "b"))
    with pytest.raises(InputError) as caught:
        check_exclude_forces(params, SMALL_COVERAGE, SMALL_FORCES)
    assert (caught.value.file, caught.value.place) == ("parameters", "exclude_forces")
    assert "leaves out every force that sent platform counts in wave w1 (2)" in caught.value.problem


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
    coverage = inputs.coverage
    # A name that is no force, in the default build's wave; and in each wave where a force
    # asked sent no counts (coverage.csv), that force.
    cases = [(findings.Params().for_inputs(inputs).wave, "not-a-force")]
    without = coverage[~coverage["outcome"].isin(OUTCOMES_WITH_DATA)]
    cases += [(wave, rows["force"].iloc[0]) for wave, rows in without.groupby("wave")]
    for wave, force in cases:
        rows = coverage[coverage["wave"] == wave]
        with_data = sorted(rows.loc[rows["outcome"].isin(OUTCOMES_WITH_DATA), "force"])
        with pytest.raises(InputError) as caught:
            findings.write_tables(
                findings.build(inputs, findings.Params(wave=wave, exclude_forces=(force,))),
                tmp_path,
            )
        assert f"'{force}'" in caught.value.problem
        assert caught.value.fix.endswith(", ".join(with_data))
    assert list(tmp_path.iterdir()) == []


# --- The tables as the notebook shows them ------------------------------------------------------

#: A raw missing value or boolean where a reader expects a shown value ("None of the forces"
#: in a sentence is a word, not a missing value).
NOT_SHOWN = re.compile(r"\b(nan|NaN|<NA>|NaT|True|False)\b|\bNone\b(?! of\b)")


KINDS = ("text", "words", "bool", "group", "outcome", "count", "percent", "points", "unit")
KINDS += ("unit_difference", "id", "number")


def described(columns: dict, other: dict | None = None) -> Table:
    """A table described as tables.yaml would: ``columns`` maps a name to its heading and kind
    (and blank); ``other`` describes each column the data names."""
    entry = {
        "title": "A table",
        "columns": {
            name: {"heading": heading, "kind": kind, **({"blank": blank[0]} if blank else {})}
            for name, (heading, kind, *blank) in columns.items()
        },
    }
    if other:
        entry["each_other_column"] = other
    data = {"kinds": {k: {} for k in KINDS}, "sources": {}, "tables": {"t": entry}}
    return descriptions_from(data, "tables.yaml").table("t")


def test_percentages_counts_and_missing_values_are_in_the_house_formats():
    table = pd.DataFrame(
        {
            "share": [52.891, 9.6, np.nan],
            "count": [9422.0, 3205.5, 12.0],
            "resamples": [2000, 2000, 20000],
            "seed": [20210326, 20210326, 7],
            "in_owner_group": [True, False, True],
            "group": ["facebook_owned", "whatsapp", "somewhere_new"],
            "note": ["a", "", None],
            "caveat": ["caveat_known_subset", "x_y", "z"],
        }
    )
    description = described(
        {
            "share": ("Share", "percent"),
            "count": ("Instances", "count"),
            "resamples": ("Resamples", "count"),
            "seed": ("Seed", "id"),
            "in_owner_group": ("Owned", "bool"),
            "group": ("Platforms", "group"),
            "note": ("Note", "text"),
            "caveat": ("Subject", "words"),
        }
    )
    names = {"facebook_owned": "Facebook-owned apps", "whatsapp": "WhatsApp"}  # the build's
    shown = formatted(table, description, names)
    assert shown.to_dict("list") == {
        "Share": ["52.9%", "9.6%", MISSING],
        "Instances": ["9,422.0", "3,205.5", "12.0"],
        "Resamples": ["2,000", "2,000", "20,000"],
        "Seed": ["20210326", "20210326", "7"],
        "Owned": ["yes", "no", "yes"],
        "Platforms": ["Facebook-owned apps", "WhatsApp", "somewhere_new"],
        "Note": ["a", "", MISSING],
        "Subject": ["Known subset", "X y", "Z"],
    }
    assert MISSING == "[x]"


def test_a_row_unit_decides_between_percent_and_count():
    table = pd.DataFrame(
        {
            "unit": ["count", "percent", "count", "percent"],
            "computed": [9422.0, 52.8912, 35.0, 6.0],
            "difference": [-55.0, 0.11, 0.0, 0.0],
        }
    )
    description = described(
        {
            "unit": ("Unit", "text"),
            "computed": ("Computed", "unit"),
            "difference": ("Difference", "unit_difference"),
        }
    )
    assert formatted(table, description).to_dict("list") == {
        "Unit": ["count", "percent", "count", "percent"],
        "Computed": ["9,422", "52.9%", "35", "6.0%"],
        "Difference": ["-55", "+0.1 points", "0", "0.0 points"],
    }
    with pytest.raises(ValueError, match="needs 'unit'"):
        formatted(table.drop(columns="unit"), description)


def test_changes_in_points_are_signed():
    table = pd.DataFrame({"change": [1.1, -0.4, -0.0]})
    shown = formatted(table, described({"change": ("Change", "points")}))
    assert shown["Change"].tolist() == ["+1.1", "-0.4", "0.0"]


def test_withheld_counts_are_marked_and_columns_the_data_names_are_headed_by_their_group():
    table = pd.DataFrame({"name": ["A", "B"], "whatsapp": pd.array([10, None], dtype="Int64")})
    withheld = described(
        {"name": ("Force", "text")}, {"is": "group", "kind": "count", "blank": "c"}
    )
    names = {"whatsapp": "WhatsApp"}  # the build's names of its groups
    assert formatted(table, withheld, names)["WhatsApp"].tolist() == ["10", sdc.REDACTED]
    missing = described({"name": ("Force", "text")}, {"is": "group", "kind": "count"})
    assert formatted(table, missing, names)["WhatsApp"].tolist() == ["10", MISSING]
    assert list(formatted(table, missing)) == ["Force", "Whatsapp"]  # no names: the code


def test_an_undescribed_column_or_table_is_refused(default):
    with pytest.raises(KeyError, match="no column 'a'"):
        formatted(pd.DataFrame({"a": [1]}), described({"b": ("B", "count")}))
    with pytest.raises(KeyError, match="no table 'headlines'"):
        default.styled(pd.DataFrame({"a": [1]}), "headlines")


def test_shown_table_has_rich_html_without_index_and_a_plain_text_that_is_stable():
    table = pd.DataFrame({"share": [52.891, np.nan], "holds": [True, None], "note": ["a", ""]})
    description = described(
        {"share": ("Share", "percent"), "holds": ("Holds", "bool"), "note": ("Note", "text")}
    )
    one, other = styled(table, description), styled(table, description)
    data, _ = DisplayFormatter().format(one)
    assert set(data) == {"text/plain", "text/html"}
    # The plain text nbval compares: the formatted table, no memory address, the same each time.
    assert data["text/plain"] == formatted(table, description).to_string(index=False)
    assert data["text/plain"] == DisplayFormatter().format(other)[0]["text/plain"]
    assert "0x" not in data["text/plain"] and "Styler" not in data["text/plain"]
    assert repr(one) == data["text/plain"]
    # The HTML: the same each time, no index column, numbers on the right.
    html = data["text/html"]
    assert html == other._repr_html_()
    assert "row_heading" not in html and "blank" not in html
    assert '<th id="T_t_level0_col0" class="col_heading level0 col0" >Share</th>' in html
    assert re.search(r"#T_t \.col0 \{\s*text-align: right;", html)
    assert ">52.9%</td>" in html and ">[x]</td>" in html
    assert not NOT_SHOWN.search(html) and not NOT_SHOWN.search(data["text/plain"])


def test_every_table_of_the_build_shows_without_raw_missing_values(default):
    tables = {**default.tables, "headline_parts": findings.headline_parts(default)}
    for name, table in tables.items():
        if name == "build":
            continue  # the build's own values are text, "True" among them
        shown = default.styled(table, name)
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
    reported = unknown_reporters(cleaned.coverage, default.params.wave, forces)
    assert sorted(set(forces) - set(reported)) == silent
    unc = uncertainty(default.groups, n_resamples=99, unknown_reported=reported)
    fb = unc[(unc["group"] == OWNER_GROUP) & (unc["denominator"] == "all_known")].iloc[0]
    assert (fb["unknown_forces"], fb["unknown_not_reported"]) == (
        len(forces) - len(silent),
        "; ".join(silent),
    )
    table = default.tables["forces"]
    names = dict(zip(table["force"], table["force_name"], strict=True))
    sentences = (
        known_subset_sentence(fb, len(forces), names),
        unknown_interval_sentence(fb, len(forces), names),
    )
    if not reported:
        # No force reported one: there are no bounds, and the sentences say why.
        assert pd.isna(fb["unknown_bound_low"]) and pd.isna(fb["unknown_bound_high"])
        for text in sentences:
            assert "not available" in text and f"{len(forces)} force" in text
            assert not NOT_SHOWN.search(text), text
        return
    # The bounds from the reporting forces alone: their unknown-platform instances from the
    # cleaned instances (a withheld cell counted by the build's rule), their known and owned
    # counts from the force groups.
    mine = inst[inst["force"].isin(reported) & (inst["platform"] == "unknown")]
    rule = RULES[default.context["withheld_treatment"]]
    withheld = mine["withheld"].astype(str).str.lower() == "true"
    lower, upper = mine["lower"].astype(float), mine["upper"].astype(float)
    unknown = np.where(withheld, rule(lower, upper), lower).sum()
    groups = default.groups[default.groups["force"].isin(reported)]
    known = groups.loc[groups["group"] == "all_known", "value"].sum()
    fb_count = groups.loc[groups["group"] == OWNER_GROUP, "value"].sum()
    assert fb["unknown_bound_low"] == pytest.approx(fb_count / (known + unknown))
    assert fb["unknown_bound_high"] == pytest.approx((fb_count + unknown) / (known + unknown))
    assert fb["known_share"] == pytest.approx(known / (known + unknown))
    for text in sentences:
        if silent:
            assert f"{len(reported)} of the {len(forces)} forces" in text
            assert all(names[f] in text for f in silent)
        else:
            assert f"all {len(forces)} forces" in text
        assert "(100.0%)" not in text


def test_real_per_force_table_shows_an_unknown_count_not_reported_as_such(default, cleaned):
    from src.findings.params import unknown_reporters

    forces = sorted(set(default.groups["force"]))
    reported = unknown_reporters(cleaned.coverage, default.params.wave, forces)
    silent = sorted(set(forces) - set(reported))
    shown = default.tables["forces"].set_index("force")
    audit = default.tables["forces_audit"]
    if not reported:
        # No force reported one: the table has no column for it, and the audit no cell.
        assert "unknown" not in shown.columns
        assert "unknown" not in set(audit["column"])
        return
    assert shown.loc[silent, "unknown"].isna().all()
    rows = audit.set_index(["force", "column"])
    for force in silent:
        assert rows.loc[(force, "unknown"), "reason"] == sdc.NOT_REPORTED
    # A force that reported one shows it, or its cell is withheld for a reason of its own.
    for force in reported:
        if pd.isna(shown.loc[force, "unknown"]):
            assert rows.loc[(force, "unknown"), "reason"] != sdc.NOT_REPORTED, force


def test_the_default_build_names_the_owner_its_group_and_its_returns_as_the_data_do(
    inputs, default, build_forces
):
    build = dict(zip(default.tables["build"]["key"], default.tables["build"]["value"], strict=True))
    ref = inputs.reference
    # The owner as named on the wave's last day (owners.csv).
    end = ref.wave(default.params.wave)["end"]
    owners = ref.owners[ref.owners["group"] == OWNER_GROUP]
    named = owners[
        (owners["name_from"] <= end) & ((owners["name_to"] == "") | (owners["name_to"] >= end))
    ]
    assert len(named) == 1
    (owner,) = named.itertuples(index=False)
    assert (build["owner"], build["owner_name"]) == (owner.owner, owner.name)
    assert (build["owner_group"], build["owner_group_name"], build["owner_group_adjective"]) == (
        OWNER_GROUP,
        owner.group_name,
        owner.group_adjective,
    )
    # The source line says what the returns are (coverage.csv) and which releases were compared.
    coverage = inputs.coverage[inputs.coverage["wave"] == default.params.wave]
    provenance = coverage.loc[coverage["force"].isin(build_forces), "provenance"]
    real, simulated = int(provenance.eq("real").sum()), int(provenance.eq("simulated").sum())
    kind = "real" if not simulated else "simulated" if not real else "mixed"
    source = ref.words["source"]
    returns = source["provenance"][kind].format(
        returns=source["returns"], real=real, simulated=simulated, forces=len(provenance)
    )
    assert build["returns"] == kind
    releases = inputs.releases[inputs.releases["wave"] == default.params.wave]
    if releases.empty:  # nothing compared: the line names the returns alone
        assert build["source_line"] == source["line"].format(parts=returns)
    else:
        assert build["source_line"].startswith(f"Source: {returns}; ")
    for day in releases["published"]:
        date = dt.date.fromisoformat(day)
        assert f"{date.day} {date:%B %Y}" in build["source_line"]


def test_a_build_dated_after_the_renaming_uses_the_new_names_and_the_same_numbers(inputs, default):
    owners = inputs.reference.owners
    owner = owners[owners["group"] == OWNER_GROUP].sort_values("name_from")
    if len(owner) < 2:
        pytest.skip("the owner group's owner has one name in owners.csv")
    old, new = owner.iloc[-2], owner.iloc[-1]
    later = findings.build(inputs, findings.Params(owner_as_of=new["name_from"]))
    assert later.context["owner_name"] == new["name"]
    assert later.context["owner_group_name"] == new["group_name"]
    assert later.context["owner_group_adjective"] == new["group_adjective"]
    assert later.context["owner_group"] == OWNER_GROUP
    assert f"owned by {new['name']}" in later.text["headline"]
    unc = later.tables["uncertainty"].set_index(["group", "denominator"])
    assert unc.loc[(OWNER_GROUP, "all_known"), "share_of"] == new["group_name"]
    platforms = inputs.reference.platforms.set_index("platform")["display_name"]
    for group, denominator in HEADLINE_SHARES:
        if denominator == OWNER_GROUP:
            assert unc.loc[(group, denominator), "share_of"] == (
                f"{platforms[group]} (of {new['group_name']})"
            )
    assert new["group_adjective"] in later.text["interval_wilson"]
    if old["group_adjective"] != new["group_adjective"]:
        assert old["group_adjective"] not in " ".join(later.text.values())
    # The tip-offs figure's company is named as on the figure's own date.
    tipoffs = inputs.reference.words["tipoffs"]["context_figure"]
    figure = inputs.context[inputs.context["figure_id"] == tipoffs]
    if len(figure):
        day = figure["source_date"].iloc[0]
        then = owner[
            (owner["name_from"] <= day) & ((owner["name_to"] == "") | (owner["name_to"] >= day))
        ]
        assert later.context["tipoff_company"] == then["short_name"].iloc[0]
    # Renaming changes words only.
    pd.testing.assert_series_equal(
        later.tables["uncertainty"]["share"], default.tables["uncertainty"]["share"]
    )
