"""Small synthetic tables of the shape of ``instances.csv`` for the tests of
:mod:`src.findings` (imported by name: pytest puts this folder on ``sys.path``)."""

from __future__ import annotations

import pandas as pd

from src.findings import shares

WAVE = "2019-10_2020-09"
OWNED = ("facebook_messenger", "instagram", "whatsapp")


def rows(spec):
    """instances.csv rows from (force, platform, count or (lower, upper)) triples."""
    out = []
    for i, (force, platform, value) in enumerate(spec):
        withheld = isinstance(value, tuple)
        low, high = value if withheld else (value, value)
        out.append(
            {
                "wave": WAVE,
                "force": force,
                "period_start": "2019-10-01",
                "period_end": "2020-03-31",
                "period": "2019-10_2020-03",
                "offence_group": "online_sexual",
                "raw_label": platform,
                "platform": platform,
                "count": "" if withheld else str(value),
                "lower": str(low),
                "upper": str(high),
                "withheld": str(withheld),
                "source_file": f"{force}/return.csv",
                "source_place": f"row {i + 2}",
            }
        )
    return pd.DataFrame(out)


def grouped(instances, treatment="midpoint", owned=OWNED):
    treated = shares.apply_withheld(instances, treatment)
    return shares.force_groups(treated, owned)


def small_instances() -> pd.DataFrame:
    """Two forces, with a withheld cell in each, and instances on unknown platforms."""
    return rows(
        [
            ("a", "instagram", 30),
            ("a", "facebook_messenger", 10),
            ("a", "whatsapp", (1, 4)),
            ("a", "snapchat", 40),
            ("a", "unknown", 20),
            ("b", "instagram", 5),
            ("b", "whatsapp", 5),
            ("b", "snapchat", (1, 4)),
            ("b", "unknown", 10),
        ]
    )
