"""The largest platforms of a build, whatever they are: every named platform (``platforms.csv``
kinds ``app`` and ``service``; a ``category`` such as online gaming is not a platform) ranked
by its instances with the build's treatment of withheld cells, with its share of the instances
with a known platform and that share's range over the withheld cells.
"""

from __future__ import annotations

import pandas as pd

from src.vocab import COUNT_PLACES, PERCENT_PLACES

#: How many of the largest named platforms a build names (tables, figure 9, sentences).
LARGEST = 5
#: The kinds of ``platforms.csv`` that name one platform.
NAMED_KINDS = ("app", "service")
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}
COLUMNS = [
    "rank",
    "platform",
    "name",
    "in_owner_group",
    "count",
    "count_lowest",
    "count_highest",
    "known",
    "share",
    "share_lowest",
    "share_highest",
    "forces",
]


def platform_table(
    treated: pd.DataFrame,
    platforms: pd.DataFrame,
    owned: tuple[str, ...],
    n: int = LARGEST,
) -> pd.DataFrame:
    """The ``n`` largest named platforms of ``treated`` (instances with ``value``,
    ``value_min`` and ``value_max``: :func:`~src.findings.shares.apply_withheld`), largest
    first (ties by name). ``known`` is every instance with a known platform (categories
    included, the unknown platform not); a share's range holds the platform's own withheld
    cells at one end of their ranges and the rest of the known instances at the other."""
    kinds = dict(zip(platforms["platform"], platforms["kind"], strict=True))
    names = dict(zip(platforms["platform"], platforms["display_name"], strict=True))
    known_rows = treated[treated["platform"].map(kinds).fillna("unknown") != "unknown"]
    by = known_rows.groupby("platform")[["value", "value_min", "value_max"]].sum()
    forces = known_rows[known_rows["value"] > 0].groupby("platform")["force"].nunique()
    known = float(by["value"].sum())
    known_min, known_max = float(by["value_min"].sum()), float(by["value_max"].sum())
    named = by[by.index.map(lambda p: kinds.get(p) in NAMED_KINDS)]
    ranked = sorted(named.index, key=lambda p: (-float(named.loc[p, "value"]), names[p]))[:n]
    rows = []
    for rank, platform in enumerate(ranked, start=1):
        value, low, high = named.loc[platform, ["value", "value_min", "value_max"]].astype(float)
        rows.append(
            {
                "rank": rank,
                "platform": platform,
                "name": names[platform],
                "in_owner_group": platform in owned,
                "count": round(value, COUNT_PLACES),
                "count_lowest": low,
                "count_highest": high,
                "known": round(known, COUNT_PLACES),
                "share": round(100 * value / known, PERCENT_PLACES) if known else float("nan"),
                "share_lowest": round(100 * low / (known_max - high + low), PERCENT_PLACES)
                if known
                else float("nan"),
                "share_highest": round(100 * high / (known_min - low + high), PERCENT_PLACES)
                if known
                else float("nan"),
                "forces": int(forces.get(platform, 0)),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def largest_sentence(table: pd.DataFrame) -> str:
    """The largest platforms in words, from :func:`platform_table`: "The largest platforms
    were Snapchat (46.7% of instances with a known platform), Instagram (15.0%) and ..."."""
    if table.empty:
        return "No named platform has instances in this build."
    parts = [
        f"{row['name']} ({row['share']:.1f}%"
        + (" of instances with a known platform)" if i == 0 else ")")
        for i, (_, row) in enumerate(table.iterrows())
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    what = (
        "largest platform was"
        if len(parts) == 1
        else f"{NUMBER_WORDS.get(len(parts), str(len(parts)))} largest named platforms were"
    )
    return f"The {what} {listed}."
