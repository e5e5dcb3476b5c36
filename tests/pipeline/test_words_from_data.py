"""The words of a build come from the reference data: the owner and its group named as on the
build's date (owners.csv), the platform groups' names (groups.csv, platforms.csv), the place
(forces.csv, places.csv) and the source lines (words.yaml). Expectations are written by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from src.data.names import group_names, owner_name_on, place_name
from src.data.reference import load_reference
from src.errors import InputError
from src.findings.text import (
    Release,
    long_date,
    published_source_line,
    returns_counts,
    returns_words,
    source_line,
)


@pytest.fixture(scope="module")
def ref():
    return load_reference()


# --- Owners -------------------------------------------------------------------------------------


def test_the_owner_is_named_as_on_the_day(ref):
    before = owner_name_on(ref.owners, "facebook_inc", "2020-09-30")
    assert (before["name"], before["group_name"], before["group_adjective"]) == (
        "Facebook, Inc.",
        "Facebook-owned apps",
        "Facebook-owned",
    )
    assert owner_name_on(ref.owners, "facebook_inc", "2021-10-27")["name"] == "Facebook, Inc."
    after = owner_name_on(ref.owners, "facebook_inc", "2021-10-28")
    assert (after["name"], after["group_name"], after["group_adjective"]) == (
        "Meta Platforms, Inc.",
        "Meta-owned apps",
        "Meta-owned",
    )
    with pytest.raises(InputError, match="no name on 1999-01-01"):
        owner_name_on(ref.owners, "facebook_inc", "1999-01-01")


def test_group_names_come_from_three_tables(ref):
    meta = owner_name_on(ref.owners, "facebook_inc", "2022-03-31")
    names = group_names(ref.groups, ref.platforms, meta)
    assert names["facebook_owned"] == "Meta-owned apps"  # owners.csv, on the day
    assert names["facebook_messenger"] == "Facebook or Messenger"  # platforms.csv
    assert names["other"] == "other apps and platforms"  # groups.csv
    platforms = ref.platforms.assign(
        display_name=ref.platforms["display_name"].where(
            ref.platforms["platform"] != "whatsapp", "Chatly"
        )
    )
    assert group_names(ref.groups, platforms, meta)["whatsapp"] == "Chatly"


# --- Places -------------------------------------------------------------------------------------

FORCES = pd.DataFrame(
    {
        "force": ["a", "b", "c", "d", "e"],
        "country": ["England", "England", "England", "Wales", "Channel Islands"],
        "release_region": ["North", "North", "South", "", ""],
    }
)
PLACES = pd.DataFrame({"countries": ["England;Wales"], "name": ["England and Wales"]})


def test_every_force_of_its_countries_is_the_countries_name():
    assert place_name(FORCES, PLACES, ["a", "b", "c", "d"]) == "England and Wales"
    # No name in places.csv: the countries joined, most forces first (a tie by name).
    assert place_name(FORCES, PLACES, list("abcde")) == "England, Channel Islands and Wales"
    assert place_name(FORCES, PLACES, ["d"]) == "Wales"


def test_every_force_of_one_region_is_the_region_else_how_many_forces():
    assert place_name(FORCES, PLACES, ["a", "b"]) == "North"
    assert place_name(FORCES, PLACES, ["a"]) == "1 force in England"
    assert place_name(FORCES, PLACES, ["a", "c", "d"]) == "3 forces in England and Wales"


def test_the_reference_names_the_national_set(ref):
    every = list(ref.forces["force"])
    assert place_name(ref.forces, ref.places, every) == "England, Wales and the Channel Islands"
    south_west = ref.forces.loc[ref.forces["release_region"] == "South West", "force"]
    assert place_name(ref.forces, ref.places, south_west) == "South West"


# --- Source lines -------------------------------------------------------------------------------


def test_the_source_line_says_what_was_read_and_which_releases(ref):
    words = ref.words
    one = [Release("NSPCC", "2021-03-26")]
    assert source_line(words, ["simulated"] * 3, one) == (
        "Source: police force returns to Freedom of Information requests (simulated); "
        "published figures from the NSPCC release of 26 March 2021 as reported."
    )
    assert source_line(words, ["real", "real"], []) == (
        "Source: police force returns to Freedom of Information requests."
    )
    two = [Release("ACME", "2024-01-05"), Release("", "2019-12-05")]
    assert source_line(words, ["real", "simulated", "real"], two) == (
        "Source: police force returns to Freedom of Information requests (2 of 3 real and "
        "partial, 1 simulated); published figures from the release of 5 December 2019 and the "
        "ACME release of 5 January 2024 as reported."
    )
    # by force, as coverage.csv gives them: the same words
    by_force = pd.Series(["real", "simulated", "real"], index=["a", "b", "c"])
    assert source_line(words, by_force, two) == source_line(words, list(by_force), two)


def test_the_returns_words_count_and_name_the_real_returns(ref):
    provenances = pd.Series(["simulated", "real", "real"], index=["b", "a", "c"])
    names = {"a": "A Police", "b": "B Police", "c": "C Police"}
    assert returns_counts(provenances, names) == {
        "forces": 3,
        "real": 2,
        "simulated": 1,
        "real_forces": "A Police and C Police",
    }
    counts = returns_counts(["real", "simulated"])  # a list: no forces to name
    assert (counts["forces"], counts["real"], counts["simulated"]) == (2, 1, 1)
    badge = returns_words(ref.words, "badge", provenances, names)
    assert badge == "2 of 3 forces' returns are real, 1 simulated"
    assert returns_words(ref.words, "badge", ["real", "real"]) == ""


def test_the_published_source_line_names_the_publishers_when_known(ref):
    assert published_source_line(ref.words, ["NSPCC", "NSPCC", ""]) == (
        "Source: published figures from NSPCC releases, as reported (see the data file)."
    )
    assert published_source_line(ref.words, []) == (
        "Source: published figures, as reported (see the data file)."
    )
    assert long_date("2020-01-31") == "31 January 2020"
