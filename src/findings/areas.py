"""The regional and per-force tables: regional and South West force figures beside the
published ones, and the per-force counts we publish after disclosure control (with the audit
that no redacted cell can be worked out, counting the force figures the release published).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from src import sdc
from src.findings.published import area_forces, consistency_sentence, finite, rounded
from src.findings.shares import NAMED_PLATFORMS, wide

#: The disjoint columns of the per-force table we publish (after disclosure control).
FORCE_COLUMNS = ("instagram", "facebook_messenger", "whatsapp", "other_platforms", "unknown")


def regional_table(comparison: pd.DataFrame, consistency: pd.DataFrame) -> pd.DataFrame:
    """Regional and force figures beside their published values, and, for a published
    percentage, the share the published counts of the same area give. Force rows are made safe
    in :func:`per_force_table` first (their computed values may be rounded or redacted).

    ``computed_lowest`` and ``computed_highest`` are the comparison's range: exact (every
    value the withheld cells can take given the totals the returns print) when the comparison
    was made so (:func:`~src.findings.exact.exact_comparison`), which also gives
    ``pinned_cells``, the withheld cells of the figure's group and area the totals fix exactly.
    """
    rows = comparison[comparison["geography"].isin(["region", "force"])].copy()
    implied = consistency.set_index("figure_id")
    rows["published_counts_share"] = rows["figure_id"].map(implied["share_of_stated_total"])
    rows["published_counts_fit"] = rows["figure_id"].map(implied["fits"])
    for i in rows.index:
        if rows.at[i, "figure_id"] in implied.index:
            sentence = consistency_sentence(implied.loc[rows.at[i, "figure_id"]])
            if sentence:
                rows.at[i, "note"] = f"{rows.at[i, 'note']} {sentence}"
    rows["geography_order"] = rows["geography"].map({"region": 0, "force": 1})
    rows = rows.sort_values(
        ["geography_order", "area", "unit", "platform_group"], ignore_index=True
    )
    columns = [
        "figure_id",
        "geography",
        "area",
        "platform_group",
        "denominator",
        "unit",
        "forces_in_build",
        "computed",
        "computed_lowest",
        "computed_highest",
        "pinned_cells",
        "published",
        "as_published",
        "comparison",
        "difference",
        "holds",
        "holds_if_truncated",
        "holds_over_withheld_range",
        "published_counts_share",
        "published_counts_fit",
        "flag",
        "note",
    ]
    if "disclosure_control" in rows:
        columns.append("disclosure_control")
    columns = [c for c in columns if c in rows.columns]
    return rounded(
        rows[columns],
        ["computed", "computed_lowest", "computed_highest", "difference", "published_counts_share"],
    )


def not_reported_cells(whole: pd.DataFrame, unknown_reported) -> set:
    """The ``unknown`` cells of forces that reported no count of instances whose platform was
    not recorded, and hold none: there is no count to publish (nor one to protect).

    ``unknown_reported`` is the forces that did report one (``coverage.csv``); None means every
    force did. A force that reported such a count in some of its tables only keeps the count it
    reported (the uncertainty table leaves it out of the bounds over unknown platforms).
    """
    if unknown_reported is None:
        return set()
    reported = set(unknown_reported)
    return {
        (force, "unknown")
        for force in whole.index
        if force not in reported and whole.loc[force, "unknown"] == 0
    }


def per_force_table(
    groups: pd.DataFrame,
    comparison: pd.DataFrame,
    forces_ref: pd.DataFrame,
    owned_platforms: tuple[str, ...],
    unknown_reported=None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[str]]]:
    """The per-force counts we publish, after disclosure control, and the audit showing no
    redacted cell can be worked out from everything else we (or the release) publish.

    ``unknown_reported`` is the forces whose returns report a count of instances whose platform
    was not recorded (None: every force). Another force's ``unknown`` cell is not a zero but
    not reported: it is left empty and the audit says so; when no force reported one, the table
    has no ``unknown`` column.

    Also makes the force rows of the comparison safe: a computed force figure is shown as it is
    only when it equals the published one (so it is already public); otherwise rounded to 5, or
    redacted.

    Returns (the published table with totals, the audit, the columns making up each group).
    """
    table = wide(groups)
    cells = pd.DataFrame(index=table.index)
    for platform in NAMED_PLATFORMS:
        cells[platform] = table[platform]
    cells["other_platforms"] = table["all_known"] - table[list(NAMED_PLATFORMS)].sum(axis=1)
    cells["unknown"] = table["unknown"]
    whole = sdc.whole_instances(cells[list(FORCE_COLUMNS)])
    missing = not_reported_cells(whole, unknown_reported)
    silent = {
        c for c in FORCE_COLUMNS if len(whole) and all((f, c) in missing for f in whole.index)
    }
    # A column with no count reported by any force is not published (nothing to protect).
    columns = [c for c in FORCE_COLUMNS if c not in silent]

    owned_named = [p for p in NAMED_PLATFORMS if p in owned_platforms]
    known = ["instagram", "facebook_messenger", "whatsapp", "other_platforms"]
    column_groups = {c: [c] for c in columns}
    column_groups |= {
        "facebook_owned": owned_named,
        "all_known": known,
        "other": [c for c in known if c not in owned_named],
        "facebook_column": [p for p in owned_named if p != "instagram"],
        "all": list(columns),
    }
    column_groups = {k: v for k, v in column_groups.items() if v}
    row_groups = {"national": list(whole.index)}
    regional = comparison[comparison["geography"] == "region"]
    for area in sorted(set(regional["area"])):
        members = area_forces("region", area, forces_ref, list(whole.index)) or []
        if members:
            row_groups[f"region {area}"] = members
    extra = _published_force_facts(whole, comparison, column_groups)
    shown, audit = sdc.protect(
        whole[columns], row_groups, column_groups, extra, not_reported=missing
    )

    published_table = sdc.with_totals(
        shown,
        {
            "facebook_owned": owned_named,
            "all_known": known,
            "total": list(columns),
        },
    )
    names = forces_ref.set_index("force")["name"]
    regions = forces_ref.set_index("force")["release_region"]
    out = published_table.reset_index(names="force")
    out.insert(1, "force_name", out["force"].map(names))
    out.insert(2, "release_region", out["force"].map(regions))
    audit = audit.rename(columns={"row": "force"})

    # Force rows of the regional comparison.
    force_rows = comparison["geography"] == "force"
    comparison["disclosure_control"] = ""
    for i in comparison.index[force_rows]:
        value = comparison.at[i, "computed"]
        if not finite(value):
            continue
        if comparison.at[i, "holds"]:
            comparison.at[i, "disclosure_control"] = (
                "shown as computed: equals the published figure"
            )
            continue
        safe = sdc.apply_rule(pd.DataFrame({"v": [round(value)]}))["v"].iloc[0]
        comparison.at[i, "computed"] = float(safe) if not pd.isna(safe) else np.nan
        comparison.at[i, "difference"] = (
            float(safe) - comparison.at[i, "published"] if not pd.isna(safe) else np.nan
        )
        comparison.at[i, "disclosure_control"] = (
            "redacted (7 or fewer)" if pd.isna(safe) else "rounded to the nearest 5"
        )
        published_text = comparison.at[i, "as_published"]
        comparison.at[i, "note"] = (
            f"The computed value is 7 or fewer (redacted) and does not equal the published "
            f"{published_text}."
            if pd.isna(safe)
            else f"{float(safe):,.0f} (rounded to the nearest 5) against the published "
            f"{published_text}: the computed value differs."
        )
        for column in ("computed_lowest", "computed_highest"):
            comparison.at[i, column] = np.nan
    return out, audit, column_groups


def _published_force_facts(whole, comparison, column_groups) -> list[sdc.KnownTotal]:
    """Force counts the release published that equal ours: a reader knows them exactly."""
    facts = []
    rows = comparison[(comparison["geography"] == "force") & (comparison["unit"] == "count")]
    for _, row in rows.iterrows():
        if row["holds"] and row["area"] in whole.index and row["platform_group"] in column_groups:
            cols = column_groups[row["platform_group"]]
            value = float(whole.loc[row["area"], cols].sum())
            facts.append(
                sdc.KnownTotal(
                    f"published {row['figure_id']}",
                    tuple((row["area"], c) for c in cols),
                    value,
                    value,
                )
            )
    return facts
