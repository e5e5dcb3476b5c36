"""Names as a reader sees them, from the reference tables: an owner as named on a day, each
platform group's name, and the place a build's forces make up."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from src.errors import InputError
from src.vocab import listing


def lookup(table: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    """A reference table's ``value`` by its ``key`` (a force's name by its slug, say)."""
    return dict(zip(table[key], table[value], strict=True))


def owner_name_on(owners: pd.DataFrame, owner: str, date) -> pd.Series:
    """The row of owners.csv naming ``owner`` on ``date`` (an ISO date text or a date): its
    name, short name and group's words as they were that day."""
    day = date if isinstance(date, str) else dt.date.fromisoformat(str(date)[:10]).isoformat()
    rows = owners[owners["owner"] == owner]
    held = rows[(rows["name_from"] <= day) & ((rows["name_to"] == "") | (day <= rows["name_to"]))]
    if held.empty:
        raise InputError(
            "data/reference/owners.csv",
            f"owner '{owner}'",
            f"no name on {day}",
            "add a row naming the owner on that date (name_from, name_to)",
        )
    return held.iloc[0]


def group_names(groups: pd.DataFrame, platforms: pd.DataFrame, owner: pd.Series) -> dict:
    """Each platform group's name as a reader sees it: the owner group's as ``owner`` (a row of
    :func:`owner_name_on`) names it, a platform's as platforms.csv does, any other's as
    groups.csv does; in the order of groups.csv."""
    shown = dict(zip(platforms["platform"], platforms["display_name"], strict=True))
    names = {}
    for group, kind, name in zip(groups["group"], groups["kind"], groups["name"], strict=True):
        if kind == "owner":
            name = owner["group_name"]
        elif kind == "platform":
            name = shown[group]
        names[group] = name
    return names


def place_name(forces: pd.DataFrame, places: pd.DataFrame, build_forces) -> str:
    """Where a build's figures are of, from its forces (``build_forces``, slugs of forces.csv).

    Every force of their countries: the name places.csv gives those countries (else the
    countries joined, most forces first). Every force of one release region (and no other
    force): the region. Otherwise how many forces, and in what: "12 forces in England".
    """
    table = forces.set_index("force")
    chosen = table.loc[sorted(set(build_forces))]
    counts = chosen["country"].value_counts()
    countries = sorted(counts.index, key=lambda c: (-int(counts[c]), c))
    named = {
        frozenset(c.split(";")): n for c, n in zip(places["countries"], places["name"], strict=True)
    }
    area = named.get(frozenset(countries)) or listing(countries)
    if len(chosen) == int(table["country"].isin(countries).sum()):
        return area
    regions = set(chosen["release_region"])
    if len(regions) == 1 and "" not in regions:
        (region,) = regions
        if len(chosen) == int((table["release_region"] == region).sum()):
            return region
    return f"{len(chosen)} force{'s' if len(chosen) != 1 else ''} in {area}"
