"""Small synthetic tables of the shape of ``instances.csv`` for the tests of
:mod:`src.findings` (imported by name: pytest puts this folder on ``sys.path``).

The platform groups come from the test fixture's reference tables (tests/fixtures/reference:
groups.csv and platforms.csv), never from the repository's own data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from src.data.reference import load_groups, load_platforms
from src.findings import shares

#: A made-up wave id: the functions under test take any folder-safe name.
WAVE = "test-wave"
OWNED = ("facebook_messenger", "instagram", "whatsapp")
FIXTURE_REFERENCE = Path(__file__).parents[1] / "fixtures" / "reference"
GROUPS_REF = load_groups(FIXTURE_REFERENCE)
PLATFORMS_REF = load_platforms(FIXTURE_REFERENCE)


def rows(spec, wave=WAVE):
    """instances.csv rows from (force, platform, count or (lower, upper)) triples."""
    out = []
    for i, (force, platform, value) in enumerate(spec):
        withheld = isinstance(value, tuple)
        low, high = value if withheld else (value, value)
        out.append(
            {
                "wave": wave,
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


def rules(owned=OWNED, extra=()) -> shares.GroupRules:
    """The platform groups of the fixture's groups.csv, ``owned`` the owner group's platforms."""
    return shares.group_rules(GROUPS_REF, PLATFORMS_REF, tuple(owned), extra)


def grouped(instances, treatment="midpoint", owned=OWNED, forces=None, extra=()):
    treated = shares.apply_withheld(instances, treatment)
    return shares.force_groups(treated, rules(owned, extra), forces)


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
