"""The parts of the known instances, as figure 1 stacks them: over the forces whose returns
give the owner group's count, each platform the owner group held, the rest of the known
instances (with the build's largest platform as a part of its own when the owner group did not
hold it), what partial returns counted without itemising (in the rest: a return that gives the
owner group's count itemises every platform of it), and what printed totals count beyond their
cells under the counting convention (in neither column, and said so).

Every part is a share of the same known instances, so the parts add up to 100%.
"""

from __future__ import annotations

import pandas as pd

from src.findings.shares import GroupRules, itemising, membership
from src.vocab import COUNT_PLACES, PERCENT_PLACES

#: Where a part is stacked: the owner group's column, the rest's, or neither.
REST = "other"
NEITHER = ""
COLUMNS = [
    "part",
    "label",
    "column",
    "is_platform",
    "count",
    "share",
    "forces_counted",
    "forces_with_data",
]


def composition_table(
    treated: pd.DataFrame,
    groups: pd.DataFrame,
    rules: GroupRules,
    owner_group: str,
    names: dict[str, str],
    platform_names: dict[str, str],
    largest: str = "",
) -> pd.DataFrame:
    """One row per part (see the module docstring): ``part`` (a platform slug, ``other``,
    ``not_itemised`` or the remainder's platform), ``label``, ``column`` (``owner_group``,
    ``other`` or blank), ``count`` and ``share`` (percent of the known instances of the forces
    counted), in the order the chart stacks them."""
    every = sorted(set(groups["force"]))
    counted = itemising(groups, owner_group, forces=every)
    rows = treated[treated["force"].isin(counted)]
    rows = rows[~rows["platform"].isin(list(rules.unknown))]
    member = membership(rows, rules)
    in_owner = member[owner_group] == 1 if owner_group in member else pd.Series(False, rows.index)
    platform = rows["platform"].astype(str)
    part = pd.Series(REST, index=rows.index, dtype=object)
    part[in_owner] = platform[in_owner]
    part[~in_owner & platform.isin(list(rules.not_itemised))] = "not_itemised"
    part[platform.isin(list(rules.remainder))] = "remainder"
    if largest and largest in set(platform[~in_owner]):
        part[~in_owner & (platform == largest)] = largest
    sums = rows.groupby(part)["value"].sum()
    known = float(sums.sum())
    owned_parts = [p for p in sorted(set(part[in_owner])) if p in sums.index]
    order = [
        *owned_parts,
        *([largest] if largest in sums.index and largest not in owned_parts else []),
    ]
    order += [p for p in (REST, "not_itemised", "remainder") if p in sums.index]
    remainder = next(iter(sorted(rules.remainder)), "remainder")
    labels = {
        REST: names.get(REST, REST),
        "not_itemised": platform_names.get("not_itemised", "not itemised"),
        "remainder": platform_names.get(remainder, "counted by printed totals, on no platform"),
    }
    out = pd.DataFrame(
        [
            {
                "part": remainder if p == "remainder" else p,
                "label": labels.get(p) or platform_names.get(p, p),
                "column": owner_group
                if p in owned_parts
                else (NEITHER if p == "remainder" else REST),
                "is_platform": p not in (REST, "not_itemised", "remainder"),
                "count": round(float(sums[p]), COUNT_PLACES),
                "share": round(100 * float(sums[p]) / known, PERCENT_PLACES)
                if known
                else float("nan"),
                "forces_counted": len(counted),
                "forces_with_data": len(every),
            }
            for p in order
        ],
        columns=COLUMNS,
    )
    return out
