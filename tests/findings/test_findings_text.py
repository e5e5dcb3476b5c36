"""The headline sentence (src/findings/text.py) names whatever leads: the owner group's share
when it holds more than the largest platform, else the largest platform first; each over the
forces whose returns itemise it. Small hand-made rows stand in for the build's tables."""

from __future__ import annotations

import pandas as pd

from src.findings.text import headline_sentence

CONTEXT = {"owner_name": "Owner Ltd", "period": "May 2030 to April 2031"}
OWNED = "Chat, Pics"


def owner(share, total=1000, counted=4):
    return pd.Series({"share": share, "total": total, "forces_counted": counted})


def platforms(*rows):
    columns = ["name", "share", "in_owner_group", "known", "forces_counted", "forces_with_data"]
    return pd.DataFrame(rows, columns=columns)


def test_the_owner_group_leads_when_it_holds_more_than_the_largest_platform():
    top = platforms(("Pics", 40.0, True, 1000, 4, 4), ("Clips", 30.0, False, 1000, 4, 4))
    text = headline_sentence(CONTEXT, owner(0.6), top, OWNED, 4)
    assert text.startswith(
        "Across 4 forces, 60.0% of the 1,000 instances with a known platform were on apps owned "
        "by Owner Ltd (Chat, Pics), May 2030 to April 2031."
    )
    assert text.endswith("The largest platform was Pics (40.0%).")
    outside = platforms(("Clips", 30.0, False, 1000, 4, 4))
    assert headline_sentence(CONTEXT, owner(0.6), outside, OWNED, 4).endswith(
        "The largest platform outside them was Clips (30.0%)."
    )


def test_the_largest_platform_leads_when_it_holds_more_than_the_owner_group():
    top = platforms(("Clips", 55.0, False, 900, 3, 4), ("Pics", 20.0, True, 1000, 4, 4))
    text = headline_sentence(CONTEXT, owner(0.3, counted=4), top, OWNED, 4)
    assert text == (
        "Clips was the largest platform, with 55.0% of the 900 instances with a known platform, "
        "over the 3 forces whose returns itemise it, May 2030 to April 2031; apps owned by "
        "Owner Ltd (Chat, Pics) had 30.0%."
    )
    every = platforms(("Clips", 55.0, False, 1000, 4, 4))
    assert headline_sentence(CONTEXT, owner(0.3), every, OWNED, 4).startswith(
        "Clips was the largest platform, with 55.0% of the 1,000 instances with a known "
        "platform, May 2030"
    )


def test_a_share_over_fewer_forces_than_the_build_says_over_which():
    text = headline_sentence(CONTEXT, owner(0.5, total=800, counted=3), None, OWNED, 4)
    assert text == (
        "Across the 3 of 4 forces whose returns itemise them, 50.0% of the 800 instances with a "
        "known platform were on apps owned by Owner Ltd (Chat, Pics), May 2030 to April 2031."
    )
