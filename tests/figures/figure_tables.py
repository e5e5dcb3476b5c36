"""Small tables shaped like the findings' tables, shared by the figures' tests."""

from __future__ import annotations

import pandas as pd

from src.figures.inputs import ChartWords


def shares_table() -> pd.DataFrame:
    """Rows of figure 1 as ``shares_input`` gives them: an owner group, its parts, the rest."""
    return pd.DataFrame(
        {
            "group": ["facebook_owned", "instagram", "facebook_messenger", "whatsapp", "other"],
            "label": [
                "Facebook-owned apps",
                "Instagram",
                "Facebook or Messenger",
                "WhatsApp",
                "Other apps and platforms",
            ],
            "share": [61.7, 40.1, 14.2, 7.4, 38.3],
            "bootstrap_low": [58.0, 36.0, 12.0, 6.0, 35.0],
            "bootstrap_high": [65.0, 44.0, 16.0, 9.0, 42.0],
            "in_owner_group": [True, True, True, True, False],
            "source_table": "tables/uncertainty.csv",
            "source_row": [2, 3, 4, 5, 7],
        }
    )


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
