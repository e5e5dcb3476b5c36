"""The reference tables and the transcribed published figures: shape, links and facts."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pandas as pd
import pytest

from src.helpers import RAW, REFERENCE

PUBLISHED = RAW / "published"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def forces() -> pd.DataFrame:
    return read(REFERENCE / "forces.csv")


@pytest.fixture(scope="module")
def platforms() -> pd.DataFrame:
    return read(REFERENCE / "platforms.csv")


@pytest.fixture(scope="module")
def release() -> pd.DataFrame:
    return read(PUBLISHED / "release_2021_03.csv")


# --- forces ---------------------------------------------------------------------------------


def test_forces_are_the_43_territorial_forces_plus_jersey_and_guernsey(forces):
    assert list(forces.columns) == ["force", "ons_code", "name", "country", "release_region"]
    assert forces["force"].is_unique
    assert list(forces["force"]) == sorted(forces["force"])
    assert all(SLUG.match(f) for f in forces["force"])
    coded = forces[forces["ons_code"] != ""]
    assert len(coded) == 43
    assert coded["ons_code"].is_unique
    expected = {f"E23{n:06d}" for n in range(1, 40)} | {f"W15{n:06d}" for n in range(1, 5)}
    assert set(coded["ons_code"]) == expected
    assert set(coded.loc[coded["ons_code"].str.startswith("W15"), "country"]) == {"Wales"}
    assert set(coded.loc[coded["ons_code"].str.startswith("E23"), "country"]) == {"England"}
    islands = forces[forces["ons_code"] == ""].set_index("force")
    assert set(islands.index) == {"jersey", "guernsey"}
    assert set(islands["country"]) == {"Channel Islands"}
    assert islands.loc["jersey", "name"] == "States of Jersey Police"
    assert islands.loc["guernsey", "name"] == "Guernsey Police"


def test_force_names_and_codes_as_in_the_notes(forces):
    by = forces.set_index("force")
    assert by.loc["devon-and-cornwall", "name"] == "Devon & Cornwall Police"
    assert by.loc["devon-and-cornwall", "ons_code"] == "E23000035"
    assert by.loc["avon-and-somerset", "name"] == "Avon and Somerset Constabulary"
    assert by.loc["metropolitan", "ons_code"] == "E23000001"
    assert by.loc["dyfed-powys", "ons_code"] == "W15000004"


def test_release_regions_as_the_release_grouped_them(forces):
    regions = forces[forces["release_region"] != ""].groupby("release_region")["force"]
    members = {region: set(group) for region, group in regions}
    assert members == {
        "North West": {"cheshire", "cumbria", "greater-manchester", "lancashire", "merseyside"},
        "South West": {
            "avon-and-somerset",
            "devon-and-cornwall",
            "dorset",
            "gloucestershire",
            "wiltshire",
        },
        "West Midlands region": {"west-midlands", "west-mercia", "staffordshire", "warwickshire"},
        # The opinion piece's "Yorkshire", read as the four forces of the Yorkshire and the
        # Humber (our reading, U in the release's note).
        "Yorkshire": {"humberside", "north-yorkshire", "south-yorkshire", "west-yorkshire"},
        "East of England": {
            "bedfordshire",
            "cambridgeshire",
            "essex",
            "hertfordshire",
            "norfolk",
            "suffolk",
        },
    }


# --- waves and offences ---------------------------------------------------------------------


def test_waves_and_their_periods():
    waves = read(REFERENCE / "waves.csv")
    assert list(waves.columns) == [
        "wave",
        "start",
        "end",
        "offence_groups",
        "request_summary",
        "note",
    ]
    assert waves["wave"].is_unique
    assert waves["wave"].str.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*").all()  # a folder's name
    groups = read(REFERENCE / "offence_groups.csv")
    single = set(groups.loc[groups["includes"] == "", "offence_group"])
    for row in waves.itertuples(index=False):
        assert dt.date.fromisoformat(row.start) < dt.date.fromisoformat(row.end)
        # what the wave's request asked about: groups of their own, never one of several
        asked = row.offence_groups.split(";")
        assert asked and set(asked) <= single and len(set(asked)) == len(asked), row.wave
    periods = read(REFERENCE / "periods.csv")
    assert list(periods.columns) == ["wave", "period", "start", "end", "label"]
    assert set(periods["wave"]) == set(waves["wave"])
    # A period's id is its months, so two requests over the same year share it: unique per wave.
    assert not periods.duplicated(["wave", "period"]).any()
    # Each wave's periods tile it, day after day, from its first day to its last.
    for wave in waves.itertuples(index=False):
        rows = periods[periods["wave"] == wave.wave].sort_values("start")
        days = [
            (dt.date.fromisoformat(s), dt.date.fromisoformat(e))
            for s, e in zip(rows["start"], rows["end"], strict=True)
        ]
        assert days[0][0] == dt.date.fromisoformat(wave.start), wave.wave
        assert days[-1][1] == dt.date.fromisoformat(wave.end), wave.wave
        for (_, end), (start, _) in itertools.pairwise(days):
            assert start == end + dt.timedelta(days=1), wave.wave
        for row, (start, end) in zip(rows.itertuples(index=False), days, strict=True):
            assert row.period == f"{start:%Y-%m}_{end:%Y-%m}"
            assert row.label == f"{start:%B %Y} to {end:%B %Y}"


def test_offence_codes_point_at_offence_groups():
    groups = read(REFERENCE / "offence_groups.csv")
    codes = read(REFERENCE / "offence_codes.csv")
    assert list(groups.columns) == ["offence_group", "includes", "name", "question", "description"]
    assert groups["offence_group"].is_unique and groups["name"].is_unique
    assert (groups["name"] != "").all()
    single = groups[groups["includes"] == ""]
    assert set(single["offence_group"]) >= {"online_sexual", "indecent_images"}
    # Each wave's request numbers its own questions: within a wave, one group a question.
    question = single.set_index("offence_group")["question"]
    for wave in read(REFERENCE / "waves.csv").itertuples(index=False):
        asked = question[wave.offence_groups.split(";")]
        assert asked.is_unique, wave.wave
    # A group of several (a return that did not split them) names two or more single groups.
    for row in groups[groups["includes"] != ""].itertuples(index=False):
        parts = row.includes.split(";")
        assert len(set(parts)) == len(parts) >= 2, row.offence_group
        assert set(parts) <= set(single["offence_group"]), row.offence_group
    assert codes["code"].is_unique
    assert set(codes["offence_group"]) <= set(single["offence_group"])
    assert set(codes["flag"]) <= {"V", "U"}
    by = codes.set_index("code")["offence_group"]
    assert by["86/2"] == by["86/10"] == "indecent_images"
    assert by["71/17"] == "online_sexual"


# --- platforms, labels, keywords, ownership -------------------------------------------------


def test_platforms_include_every_named_platform_and_unknown(platforms):
    assert platforms["platform"].is_unique
    kinds = {"app", "service", "category", "unknown", "remainder", "combined", "not_itemised"}
    assert set(platforms["kind"]) <= kinds
    by = platforms.set_index("platform")["kind"]
    assert by["unknown"] == "unknown"
    # What a partial return's printed total does not itemise: one row, on no platform.
    assert [p for p, k in by.items() if k == "not_itemised"] == ["not_itemised"]
    # A column a return printed for several platforms together names two or more of them,
    # each a platform of its own; nothing else includes any.
    includes = platforms.set_index("platform")["includes"]
    for platform, kind in by.items():
        parts = includes[platform].split(";") if includes[platform] else []
        if kind == "combined":
            assert len(parts) >= 2 and set(parts) <= set(by.index) - {platform}, platform
            assert not {by[p] for p in parts} & {"combined", "unknown", "remainder"}, platform
        else:
            assert parts == [], platform
    # What a printed total counts beyond its block's cells: one row, in no platform's count.
    assert [p for p, k in by.items() if k == "remainder"] == ["withheld_remainder"]
    # A kind of platform, never ranked among the largest platforms.
    assert {p for p, k in by.items() if k == "category"} == {
        "dating_app",
        "online_gaming",
        "other_website_or_app",
    }
    named = {
        "instagram",
        "facebook_messenger",
        "whatsapp",
        "snapchat",
        "tiktok",
        "kik",
        "online_gaming",
        "twitter",
        "skype",
        "discord",
        "omegle",
        "telegram",
        "signal",
        "imessage",
        "facetime",
        "twitch",
        "youtube",
        "sms_text",
        "email",
        "dating_app",
        "other_website_or_app",
        "unknown",
    }
    assert named <= set(platforms["platform"])
    assert (
        platforms.set_index("platform").loc["facebook_messenger", "display_name"]
        == "Facebook or Messenger"
    )


def test_every_label_is_normalised_and_maps_to_a_platform(platforms):
    labels = read(REFERENCE / "platform_labels.csv")
    assert labels["label"].is_unique
    normalised = labels["label"].str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    assert (labels["label"] == normalised).all()
    assert set(labels["platform"]) <= set(platforms["platform"])
    lookup = dict(zip(labels["label"], labels["platform"], strict=True))
    for label, platform in {
        "insta": "instagram",
        "fb messenger": "facebook_messenger",
        "facebook/messenger": "facebook_messenger",
        "facebook / facebook messenger": "facebook_messenger",
        "whats app": "whatsapp",
        "snap chat": "snapchat",
        "not known": "unknown",
        "method not recorded": "unknown",
    }.items():
        assert lookup[label] == platform
    assert "not online" not in lookup, "non-platform labels are excluded per return, not mapped"


def test_contact_keywords_compile_and_find_every_app_named(platforms):
    keywords = read(REFERENCE / "contact_keywords.csv")
    assert set(keywords["platform"]) <= set(platforms["platform"])
    compiled = [
        (re.compile(pattern, re.IGNORECASE), platform)
        for pattern, platform in zip(keywords["pattern"], keywords["platform"], strict=True)
    ]

    def found(text: str) -> set[str]:
        return {k for p, k in compiled if p.search(text)}

    assert found("Met on Insta then moved to Whats app") == {"instagram", "whatsapp"}
    assert found("FB messenger") == {"facebook_messenger"}
    assert found("sent pics on snap") == {"snapchat"}
    assert found("Xbox live / Roblox") == {"online_gaming"}
    assert found("Contact via mobile phone, no further details") == set()
    assert found("Suspect sent text messages") == {"sms_text"}


def test_facebook_owned_platforms_exist_and_were_owned_before_the_wave(platforms):
    ownership = read(REFERENCE / "ownership.csv")
    assert set(ownership["platform"]) <= set(platforms["platform"])
    assert set(ownership["flag"]) <= {"V", "U"}
    assert (ownership["source"] != "").all()
    for value in ownership["owned_from"]:
        dt.date.fromisoformat(value)
    wave_start = read(REFERENCE / "waves.csv")["start"].min()
    held = ownership[
        (ownership["owner"] == "facebook_inc") & (ownership["owned_from"] <= wave_start)
    ]
    assert set(held["platform"]) >= {"instagram", "facebook_messenger", "whatsapp"}
    # A combined column is its owner's from the day the owner held every platform it includes.
    includes = platforms.set_index("platform")["includes"]
    for row in ownership.itertuples(index=False):
        if not includes[row.platform]:
            continue
        parts = ownership[
            ownership["platform"].isin(includes[row.platform].split(";"))
            & (ownership["owner"] == row.owner)
        ]
        assert len(parts) == len(includes[row.platform].split(";")), row.platform
        assert row.owned_from == parts["owned_from"].max(), row.platform


# --- published figures ----------------------------------------------------------------------

# A release's figures file (releases.csv names each): the same columns for every release.
RELEASE_COLUMNS = [
    "release",
    "wave",
    "compares_with",
    "figure_id",
    "measure",
    "geography",
    "area",
    "forces",
    "scope",
    "platform_group",
    "denominator",
    "value",
    "unit",
    "as_published",
    "comparison",
    "precision",
    "period_start",
    "period_end",
    "flag",
    "source_title",
    "source_url",
    "source_date",
    "note",
]
#: Every release's figures file, as the list of releases names them.
RELEASE_FILES = sorted(read(PUBLISHED / "releases.csv")["file"])
COLUMNS = {
    **dict.fromkeys(RELEASE_FILES, RELEASE_COLUMNS),
    "sexual_communication_series.csv": [
        "period_label",
        "period_start",
        "period_end",
        "geography",
        "area",
        "offences",
        "forces_responding",
        "forces_note",
        "platform_findings",
        "flag",
        "source_title",
        "source_url",
        "source_date",
        "note",
    ],
    "sexual_communication_platforms.csv": [
        "period_label",
        "period_start",
        "period_end",
        "geography",
        "area",
        "platform_group",
        "name_as_printed",
        "value",
        "unit",
        "comparison",
        "as_published",
        "count",
        "known",
        "flag",
        "source_title",
        "source_url",
        "source_date",
        "note",
    ],
    "context.csv": [
        "figure_id",
        "measure",
        "value",
        "unit",
        "as_published",
        "comparison",
        "period_start",
        "period_end",
        "flag",
        "source_title",
        "source_url",
        "source_date",
        "note",
    ],
}


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_published_tables_have_their_columns_flags_and_sources(name):
    table = read(PUBLISHED / name)
    assert list(table.columns) == COLUMNS[name]
    assert len(table) > 0
    assert set(table["flag"]) <= {"V", "U"}
    assert ((table["source_title"] != "") | (table["source_url"] != "")).all()
    for value in table["source_date"]:
        if value:
            dt.date.fromisoformat(value)
    numbers = table["offences"] if "offences" in table else table["value"]
    pd.to_numeric(numbers, errors="raise")


def test_releases_list_each_release_with_its_wave_and_figures_file():
    releases = read(PUBLISHED / "releases.csv")
    assert list(releases.columns) == [
        "release",
        "published",
        "publisher",
        "title",
        "url",
        "wave",
        "file",
        "note",
    ]
    assert len(releases) and releases["release"].is_unique and releases["file"].is_unique
    assert set(releases["wave"]) <= set(read(REFERENCE / "waves.csv")["wave"])
    assert (releases["publisher"] != "").all() and (releases["url"] != "").all()
    for row in releases.itertuples(index=False):
        dt.date.fromisoformat(row.published)
        figures = read(PUBLISHED / row.file)
        assert set(figures["release"]) == {row.release}, row.file
        assert set(figures["wave"]) == {row.wave}, row.file


@pytest.mark.parametrize("name", RELEASE_FILES)
def test_release_rows_use_the_agreed_vocabularies(name, forces):
    release = read(PUBLISHED / name)
    assert release["figure_id"].is_unique
    assert set(release["geography"]) <= {"national", "region", "force"}
    assert set(release["platform_group"]) <= set(read(REFERENCE / "groups.csv")["group"]) | {""}
    assert set(release["denominator"]) <= {"", "all_known", "facebook_owned"}
    assert set(release["unit"]) <= {"count", "percent", "percent_change", "per_day"}
    assert set(release["comparison"]) <= {
        "exact",
        "rounded",
        "more_than",
        "over",
        "almost",
        "approx_one_in",
    }
    assert (release.loc[release["comparison"] == "rounded", "precision"] != "").all()
    assert (release.loc[release["unit"] == "percent", "denominator"] != "").all()
    # A rate a day and a change on another wave are of a platform group, over no denominator.
    other_units = release[release["unit"].isin(["percent_change", "per_day"])]
    assert (other_units["platform_group"] != "").all()
    assert (other_units["denominator"] == "").all()
    # The offence groups each figure covers: slugs of offence_groups.csv, ';'-separated.
    groups = set(read(REFERENCE / "offence_groups.csv")["offence_group"])
    for scope in release["scope"]:
        assert scope and set(scope.split(";")) <= groups, scope
    # A figure that compares with another wave names that wave (never its own) and states a
    # change; every other figure is about its own wave alone.
    waves = read(REFERENCE / "waves.csv").set_index("wave")
    across = release[release["compares_with"] != ""]
    assert set(across["compares_with"]) <= set(waves.index) - set(release["wave"])
    assert (across["unit"] == "percent_change").all()
    assert (release.loc[release["unit"] == "percent_change", "compares_with"] != "").all()
    by_geo = release.groupby("geography")["area"].apply(set)
    assert len(by_geo["national"]) == 1  # the national area as the release printed it
    assert by_geo.get("region", set()) <= set(forces["release_region"]) - {""}
    assert by_geo.get("force", set()) <= set(forces["force"])
    # Every figure covers its wave's period.
    (wave,) = set(release["wave"])
    dates = {(s, e) for s, e in zip(release["period_start"], release["period_end"], strict=True)}
    assert dates == {(waves.loc[wave, "start"], waves.loc[wave, "end"])}
    # The forces a figure covers: not said, how many, or which (forces of its area).
    members = forces.groupby("release_region")["force"].apply(set).to_dict()
    for row in release.itertuples(index=False):
        if row.forces == "" or row.forces.isdigit():
            continue
        named = row.forces.split(";")
        assert len(set(named)) == len(named), row.figure_id
        area = {"force": {row.area}, "region": members.get(row.area, set())}.get(
            row.geography, set(forces["force"])
        )
        assert set(named) <= area, row.figure_id


def test_the_march_2021_release_covers_every_release_region(release, forces):
    regions = set(release.loc[release["geography"] == "region", "area"])
    assert regions == set(forces["release_region"]) - {""}
    across = release.loc[release["compares_with"] != "", "figure_id"]
    assert set(across) == {"national_instagram_change_on_previous_year"}


def test_release_keeps_its_inconsistencies_as_published(release):
    """The four platform counts and the published total differ; nothing was 'fixed'."""
    national = release[(release["geography"] == "national") & (release["unit"] == "count")]
    parts = national[
        national["platform_group"].isin(["instagram", "facebook_messenger", "whatsapp", "other"])
    ]
    total = national[
        (national["platform_group"] == "all_known") & (national["comparison"] == "exact")
    ]
    assert len(parts) == 4 and len(total) == 1
    assert parts["value"].astype(int).sum() != int(total["value"].iloc[0])
    forces_rows = release[release["measure"] == "police forces that provided data"]
    assert set(zip(forces_rows["value"], forces_rows["flag"], strict=True)) == {
        ("35", "V"),
        ("34", "U"),
    }


def test_south_west_force_rows_add_up_to_the_published_totals(release, forces):
    rows = release[release["geography"] == "force"]
    south_west = set(forces.loc[forces["release_region"] == "South West", "force"])
    # The South West story's five rows, and West Yorkshire from the opinion piece.
    assert set(rows["area"]) == south_west | {"west-yorkshire"}
    rows = rows[rows["area"].isin(south_west)]
    region = release[(release["geography"] == "region") & (release["area"] == "South West")]
    for group in ("all_known", "instagram", "facebook_column"):
        by_force = rows.loc[rows["platform_group"] == group, "value"].astype(int).sum()
        published = region.loc[
            (region["platform_group"] == group) & (region["unit"] == "count"), "value"
        ]
        assert by_force == int(published.iloc[0]), group


def test_west_yorkshire_and_yorkshire_as_the_opinion_piece_printed_them(release):
    """1,798 known in Yorkshire, 1,334 of them in West Yorkshire, "more than half" of West
    Yorkshire's on the owner group's apps."""
    by = release.set_index("figure_id")
    yorkshire = by.loc["region_yorkshire_known_instances"]
    west = by.loc["force_west_yorkshire_known_instances"]
    share = by.loc["force_west_yorkshire_facebook_owned_share"]
    assert (yorkshire["area"], yorkshire["value"], yorkshire["flag"]) == ("Yorkshire", "1798", "V")
    assert (west["area"], west["value"], west["flag"]) == ("west-yorkshire", "1334", "V")
    assert (share["value"], share["comparison"], share["flag"]) == ("50", "more_than", "U")
    assert (share["platform_group"], share["denominator"]) == ("facebook_owned", "all_known")
