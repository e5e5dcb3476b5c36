"""Small tables shaped like the findings' tables, shared by the figures' tests."""

from __future__ import annotations

import pandas as pd


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
