"""The report names the owner group, its platforms and the tip-off comparison with the build's
words (``build.csv``) and the reference tables, never its own; the findings page's title and
main points say whatever leads the tables, what is real first."""

from __future__ import annotations

import re

import pandas as pd
from markupsafe import Markup

from src.report.points import Build, main_points, title
from src.report.prose import group_names, headline_numbers
from src.vocab import HOLDS, IN_PART, METHOD_CHECK

REFERENCE = {
    "platforms": pd.DataFrame(
        {
            "platform": ["pics", "chat", "calls", "unknown"],
            "display_name": ["Pics", "Chat App", "Calls", "Not known"],
        }
    ),
    "groups": pd.DataFrame(
        {
            "group": ["all_known", "owned", "pics", "chat", "other"],
            "kind": ["all", "owner", "platform", "platform", "rest"],
            "name": ["all known", "", "", "", "the rest"],
        }
    ),
}
BUILD = {
    "owner_group": "owned",
    "owner_group_name": "Acme-owned apps",
    "owned_platforms": "chat, pics",
}


def test_group_names_take_the_owner_group_s_name_from_the_build():
    assert group_names(REFERENCE, BUILD) == {
        "all_known": "all known",
        "owned": "Acme-owned apps",
        "pics": "Pics",
        "chat": "Chat App",
        "other": "the rest",
        # a platform that is no group of its own (a column of the per-force table)
        "calls": "Calls",
        "unknown": "Not known",
    }


def tables(owner_share: str, top_share: str, returns: str, published: str = "") -> dict:
    """A small build: the owner group, two platforms, one published figure, one check."""
    headline = pd.DataFrame(
        {
            "measure": ["owned share", "known"],
            "platform_group": ["owned", "all_known"],
            "denominator": ["all_known", ""],
            "unit": ["percent", "count"],
            "forces_counted": ["3", "3"],
            "computed": [owner_share, "200.0"],
            "withheld_lowest": ["40.0", "190.0"],
            "withheld_highest": ["50.0", "210.0"],
            "figure_id": ["f1" if published else "", ""],
            "as_published": [published, ""],
            "verdict": [HOLDS if returns == "real" and published else "", ""],
        }
    )
    platforms = pd.DataFrame(
        {
            "platform": ["pics", "calls"],
            "name": ["Pics", "Calls"],
            "share": [top_share, "10.0"],
        }
    )
    build = {
        "owner_group": "owned",
        "owner_group_name": "Acme-owned apps",
        "period": "May 2030",
        "returns": returns,
        "forces_with_data": "3",
        "forces_asked": "4",
        "returns_real": "1",
    }
    checks = pd.DataFrame(
        {
            "geography": ["national", "national"],
            "area": ["here", "here"],
            "as_published": ["12 forces", "half"],
            "agrees": ["True", "False"],
            "finding": ["It agrees.", "Its parts add up to more than its total."],
        }
    )
    waves = pd.DataFrame(
        {
            "wave": ["w2", "w1"],
            "period": ["May 2030", "May 2029"],
            "period_start": ["2030-05-01", "2029-05-01"],
            "basis": ["all forces", "all forces"],
            "group": ["owned", "owned"],
            "label": ["Acme-owned apps", "Acme-owned apps"],
            "share": [owner_share, "30.0"],
            "returns": [returns, returns],
        }
    )
    return {
        "headline": headline,
        "platforms": platforms,
        "build": pd.DataFrame({"key": list(build), "value": list(build.values())}),
        "release_checks": checks,
        "waves": waves,
    }


def build(t: dict) -> Build:
    values = dict(zip(t["build"]["key"], t["build"]["value"], strict=True))
    sources = {name: f"{name}.csv" for name in t}
    names = {"owned": "Acme-owned apps"}
    return Build(t, values, sources, headline_numbers(t["headline"], "headline.csv"), names, {})


def words(text: Markup) -> str:
    return re.sub(r"<[^>]+>", "", str(text)).replace("&#39;", "'")


def test_the_title_names_whatever_leads():
    assert words(title(build(tables("45.0", "20.0", "real")))).startswith(
        "Acme-owned apps: 45.0% of the instances with a known platform in police returns, May 2030"
    )
    assert words(title(build(tables("15.0", "20.0", "real")))).startswith("Pics: 20.0%")


def test_on_simulated_returns_the_title_quotes_the_release_or_says_it_checks_the_method():
    quoted = words(title(build(tables("45.0", "20.0", "mixed", published="nearly half"))))
    assert quoted.startswith("Acme-owned apps: nearly half of") and "45.0%" not in quoted
    assert quoted.endswith("as the release for May 2030 put it")
    checked = words(title(build(tables("45.0", "20.0", "simulated"))))
    assert "45.0%" in checked and METHOD_CHECK in checked


def test_the_main_points_put_what_is_real_first_and_qualify_what_is_not():
    points = [words(p) for p in main_points(build(tables("45.0", "20.0", "mixed")))]
    assert points[0].startswith("The release's own figures contradict 1 of the 2")
    assert "'half': Its parts add up to more than its total." in points[0]
    computed = [p for p in points if "45.0%" in p]
    assert computed and all(p.startswith(f"As {METHOD_CHECK}: ") for p in computed)
    assert any("went from 30.0% (May 2029) to 45.0% (May 2030)" in p for p in points)
    assert points[-1].startswith("3 of the 4 forces asked")
    real = [words(p) for p in main_points(build(tables("45.0", "20.0", "real", "45%")))]
    assert not any(METHOD_CHECK in p for p in real)
    assert any(f"1 published figures could be checked: 1 '{HOLDS}'" in p for p in real)
    assert IN_PART not in " ".join(real)
