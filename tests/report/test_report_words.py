"""The report names the owner group, its platforms and the tip-off comparison with the build's
words (``build.csv``) and the reference tables, never its own."""

from __future__ import annotations

import pandas as pd

from src.report.prose import group_names, listed, loo_largest_change, platform_lines

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
    }


def test_platform_lines_follow_the_table_and_the_owned_platforms():
    uncertainty = pd.DataFrame(
        {
            "group": ["owned", "pics", "chat", "calls", "chat", "other"],
            "denominator": [
                "all_known",
                "all_known",
                "all_known",
                "all_known",
                "owned",
                "all_known",
            ],
        }
    )
    lines = platform_lines(uncertainty, BUILD, group_names(REFERENCE, BUILD))
    assert lines == [
        {"name": "Pics", "share": "pics_of_all_known", "count": "pics_count", "of_owner": ""},
        {
            "name": "Chat App",
            "share": "chat_of_all_known",
            "count": "chat_count",
            "of_owner": "chat_of_owned",
        },
    ]
    assert listed([line["name"] for line in lines]) == "Pics and Chat App"


def test_the_largest_change_is_of_the_build_s_owner_group():
    loo = pd.DataFrame(
        {
            "group": ["owned", "owned", "pics"],
            "denominator": ["all_known", "all_known", "all_known"],
            "change_points": [-0.4, 1.2, 9.0],
        }
    )
    assert loo_largest_change(loo, "owned") == "1.2"


def test_the_study_is_told_from_its_table():
    from src.report.quality import study_sentences

    columns = ["measure", "treatment", "draws", "target", "mean_error", "bias_mc_error"]
    columns += ["coverage", "coverage_mc_error"]
    study = pd.DataFrame(
        [
            ["known", "convention", "40", "realised truth", "12.34", "0.5", "", ""],
            ["owner_share", "convention", "40", "realised truth", "-0.551", "0.012", "", ""],
            ["owner_share", "exact_range", "40", "realised truth", "", "", "0.9", "0.0474"],
            ["owner_share", "wilson_95", "40", "expected share", "", "", "0.71", "0.0717"],
        ],
        columns=columns,
    )
    held, bias = study_sentences(study)
    assert held.startswith("Over 40 simulated draws whose truth varies, ")
    # The intervals first, against the expected share; the range against each draw's truth.
    interval = "the 95% Wilson interval held the expected owner group's share in 71% (± 7.2)"
    exact = (
        "the range from the printed totals held the draw's true owner group's share in 90% (± 4.7)"
    )
    assert interval in held and exact in held
    assert held.index(interval) < held.index(exact)
    assert (
        "on the owner group's share (percentage points), the release's convention -0.55 (± 0.01)"
        in bias
    )
    assert (
        "on the count of instances with a known platform, the release's convention +12.3 (± 0.5)"
        in bias
    )
