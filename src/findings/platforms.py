"""The largest platforms of a build, whatever they are: every named platform (``platforms.csv``
kinds ``app`` and ``service``; a ``category`` such as online gaming is not a platform) ranked
by its instances with the build's treatment of withheld cells, with its share of the instances
with a known platform and that share's range over the withheld cells.
"""

from __future__ import annotations

import pandas as pd

from src.findings.shares import GroupRules
from src.vocab import COUNT_PLACES, PERCENT_PLACES, joined

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
    "forces_counted",
    "forces_with_data",
]


def platform_table(
    treated: pd.DataFrame,
    platforms: pd.DataFrame,
    owned: tuple[str, ...],
    rules: GroupRules,
    n: int = LARGEST,
    exact=None,
) -> pd.DataFrame:
    """The ``n`` largest named platforms of ``treated`` (instances with ``value``,
    ``value_min`` and ``value_max``: :func:`~src.findings.shares.apply_withheld`), largest
    share first (ties by name). Each platform is counted over the forces whose returns give
    its count (``forces``: a partial return that does not itemise it is left out, as
    :meth:`~src.findings.shares.GroupRules.settles_set` says), and ``known`` is every instance
    with a known platform of those forces (categories included, the unknown platform not); a
    share's range is ``exact``'s (:meth:`~src.findings.exact.ExactBounds.platform_range`: every
    value the withheld cells allow under the printed totals), or without it holds the
    platform's own withheld cells at one end of their ranges and the rest at the other."""
    kinds = dict(zip(platforms["platform"], platforms["kind"], strict=True))
    names = dict(zip(platforms["platform"], platforms["display_name"], strict=True))
    known_rows = treated[treated["platform"].map(kinds).fillna("unknown") != "unknown"]
    rows_of = {f: set(part["platform"]) for f, part in known_rows.groupby("force")}
    every = sorted(rows_of)
    rows, counted_of = [], {}
    candidates = sorted(p for p in set(known_rows["platform"]) if kinds.get(p) in NAMED_KINDS)
    for platform in candidates:
        members = rules.base([platform])
        counted = [f for f in every if rules.settles_set(members, rows_of[f])]
        counted_of[platform] = counted
        mine = known_rows[known_rows["force"].isin(counted)]
        by = mine.groupby(mine["platform"] == platform)[["value", "value_min", "value_max"]].sum()
        own = by.loc[True] if True in by.index else pd.Series(0.0, index=by.columns)
        rest = by.loc[False] if False in by.index else pd.Series(0.0, index=by.columns)
        known = float(own["value"] + rest["value"])
        value, low, high = (float(own[c]) for c in ("value", "value_min", "value_max"))
        rows.append(
            {
                "platform": platform,
                "name": names[platform],
                "in_owner_group": platform in owned,
                "count": round(value, COUNT_PLACES),
                "count_lowest": low,
                "count_highest": high,
                "known": round(known, COUNT_PLACES),
                "share": round(100 * value / known, PERCENT_PLACES) if known else float("nan"),
                "share_lowest": _pct(low, low + float(rest["value_max"])),
                "share_highest": _pct(high, high + float(rest["value_min"])),
                "forces": int(mine.loc[mine["platform"] == platform, "force"].nunique()),
                "forces_counted": len(counted),
                "forces_with_data": len(every),
            }
        )
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "rank"])
    table = table[table["count"] > 0].sort_values(
        ["share", "name"], ascending=[False, True], kind="stable"
    )
    table = table.head(n).reset_index(drop=True)
    if exact is not None:  # one range per number: the exact one
        for i, row in table.iterrows():
            ranges = exact.platform_range(counted_of[row["platform"]], row["platform"], "all_known")
            table.loc[i, ["count_lowest", "count_highest"]] = ranges[:2]
            table.loc[i, ["share_lowest", "share_highest"]] = [
                round(100 * v, PERCENT_PLACES) for v in ranges[2:]
            ]
    table.insert(0, "rank", range(1, len(table) + 1))
    return table[COLUMNS]


def _pct(part: float, whole: float) -> float:
    return round(100 * part / whole, PERCENT_PLACES) if whole else float("nan")


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
    what = (
        "largest platform was"
        if len(parts) == 1
        else f"{NUMBER_WORDS.get(len(parts), str(len(parts)))} largest named platforms were"
    )
    return f"The {what} {joined(parts)}."
