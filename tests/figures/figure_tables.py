"""Small tables shaped like the findings' tables, shared by the figures' tests."""

from __future__ import annotations

import pandas as pd

from src.figures.inputs import ChartWords


def shares_table() -> pd.DataFrame:
    """Rows of figure 1 as ``shares_input`` gives them: the two columns' totals (from
    uncertainty.csv), then the parts stacked in them (from composition.csv), the last a part of
    neither column."""
    return pd.DataFrame(
        {
            "group": [
                "facebook_owned",
                "other",
                "instagram",
                "facebook_messenger",
                "whatsapp",
                "other",
                "not_itemised",
                "withheld_remainder",
            ],
            "label": [
                "Facebook-owned apps",
                "Other apps and platforms",
                "Instagram",
                "Facebook or Messenger",
                "WhatsApp",
                "Other apps and platforms",
                "Not itemised by the return",
                "Withheld cells, not attributed to a platform",
            ],
            "share": [61.7, 37.8, 40.1, 14.2, 7.4, 33.3, 4.5, 0.5],
            "bootstrap_low": [58.0, 35.0, *[float("nan")] * 6],
            "bootstrap_high": [65.0, 42.0, *[float("nan")] * 6],
            "part_of": ["", "", *["facebook_owned"] * 3, "other", "other", ""],
            "drawn": [True] * 7 + [False],
            "is_platform": [pd.NA, pd.NA, True, True, True, False, False, False],
            "source_table": ["tables/uncertainty.csv"] * 2 + ["tables/composition.csv"] * 6,
            "source_row": [2, 7, 2, 3, 4, 5, 6, 7],
        }
    )


#: What a chart says of its returns when some are simulated (build.csv's ``badge``).
BADGE = "3 of 35 forces' returns are real, 32 simulated"


def chart_words(**changes) -> ChartWords:
    """The words of a build as ``build.csv`` gives them (the 2019/20 build's), with
    ``changes``."""
    words = {
        "owner_group": "facebook_owned",
        "owner_group_name": "Facebook-owned apps",
        "owner_group_adjective": "Facebook-owned",
        "owner_name": "Facebook, Inc.",
        "source_line": "Source: police force returns (simulated); published figures as reported.",
        "source_published": "Source: published figures, as reported (see the data file).",
        "tipoff_platform_name": "WhatsApp",
        "tipoff_company": "Facebook",
    }
    return ChartWords(**(words | changes))


#: The words of the 2019/20 build.
WORDS = chart_words()
#: The words of a build after the owner's renaming, with its own source lines.
META_WORDS = chart_words(
    owner_group_name="Meta-owned apps",
    owner_group_adjective="Meta-owned",
    owner_name="Meta Platforms, Inc.",
    source_line="Source: police force returns (real); figures of the release of 1 May 2023.",
    source_published="Source: published figures from ACME releases.",
    tipoff_platform_name="Chatly",
    tipoff_company="Meta",
)
