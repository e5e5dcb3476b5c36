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
from src.vocab import PERCENT_PLACES

#: The disjoint columns of the per-force table we publish (after disclosure control).
FORCE_COLUMNS = ("instagram", "facebook_messenger", "whatsapp", "other_platforms", "unknown")


def regional_table(comparison: pd.DataFrame, consistency: pd.DataFrame) -> pd.DataFrame:
    """Regional and force figures beside their published values, and, for a published
    percentage, the share the published counts of the same area give. Force rows are made safe
    in :func:`per_force_table` first (their computed values may be rounded or redacted).
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
        "published",
        "as_published",
        "comparison",
        "difference",
        "holds",
        "holds_if_truncated",
        "holds_over_withheld_range",
        "own_figures",
        "verdict",
        "published_counts_share",
        "published_counts_fit",
        "flag",
        "note",
    ]
    if "disclosure_control" in rows:
        columns.append("disclosure_control")
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
    # The cells of the returns, not what a printed total counts beyond them (the convention's
    # remainder, in no platform's count): the owner group's cells and the other known cells.
    cells_known = table["facebook_owned"] + table["other"]
    cells["other_platforms"] = cells_known - table[list(NAMED_PLATFORMS)].sum(axis=1)
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
    shown_rows = _shown_force_rows(comparison)
    extra = _published_force_facts(whole, comparison, column_groups, shown_rows)
    withheld: list[str] = []
    shown, audit = sdc.protect(
        whole[columns],
        row_groups,
        column_groups,
        extra,
        not_reported=missing,
        withheld_figures=withheld,
    )
    for i in shown_rows:
        if comparison.at[i, "figure_id"] in withheld:
            shown_rows[i] = (pd.NA, WITHHELD_ROW)

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
    comparison["disclosure_control"] = ""
    for i, (safe, how) in shown_rows.items():
        comparison.at[i, "disclosure_control"] = how
        if how == SHOWN_AS_COMPUTED:
            continue
        comparison.at[i, "computed"] = float(safe) if not pd.isna(safe) else np.nan
        comparison.at[i, "difference"] = (
            float(safe) - comparison.at[i, "published"] if not pd.isna(safe) else np.nan
        )
        published_text = comparison.at[i, "as_published"]
        comparison.at[i, "note"] = (
            f"The computed value is withheld: with the figures beside it, it would narrow a "
            f"redacted count of the force's. It does not equal the published {published_text}."
            if how == WITHHELD_ROW
            else f"The computed value is {sdc.REDACTION_THRESHOLD} or fewer (redacted) and does "
            f"not equal the published {published_text}."
            if pd.isna(safe)
            else f"{float(safe):,.0f} (rounded to the nearest {sdc.ROUNDING_BASE}) against the "
            f"published {published_text}: the computed value differs."
        )
        for column in ("computed_lowest", "computed_highest"):
            comparison.at[i, column] = np.nan
    return out, audit, column_groups


SHOWN_AS_COMPUTED = "shown as computed: equals the published figure"
REDACTED_ROW = f"redacted ({sdc.REDACTION_THRESHOLD} or fewer)"
ROUNDED_ROW = f"rounded to the nearest {sdc.ROUNDING_BASE}"
WITHHELD_ROW = "withheld to protect a redacted count"


def _shown_force_rows(comparison: pd.DataFrame) -> dict:
    """How each force row of the regional comparison is published: by row index, (the value
    shown, how). A computed force figure is shown as it is only when it equals the published
    one (so it is public already); otherwise by the rule (:func:`src.sdc.publish_count`)."""
    out = {}
    rows = comparison[comparison["geography"] == "force"]
    for i, row in rows.iterrows():
        value = row["computed"]
        if not finite(value):
            continue
        if row["holds"]:
            out[i] = (value, SHOWN_AS_COMPUTED)
            continue
        safe = sdc.publish_count(value)
        out[i] = (safe, REDACTED_ROW if pd.isna(safe) else ROUNDED_ROW)
    return out


def _published_force_facts(whole, comparison, column_groups, shown_rows) -> list[sdc.KnownTotal]:
    """What the force figures published beside the table say about its cells.

    A force figure of the release that equals ours is known exactly (``public``: the release
    published it). A force count of ours shown rounded r lies in r - 2 to r + 2, one redacted in
    0 to the threshold. A share p (a percentage at its published precision, or rounded to 5
    points) bounds the numerator against the denominator: two weighted constraints. Each range
    is widened, where needed, to hold the whole-instance table the audit works on (its cells are
    rounded halves up, so their sum can differ from the computed figure by a half or so).
    """
    facts = []
    for i, (safe, how) in shown_rows.items():
        row = comparison.loc[i]
        force, group = row["area"], row["platform_group"]
        if force not in whole.index or group not in column_groups:
            continue
        cells = tuple((force, c) for c in column_groups[group])
        value = float(whole.loc[force, column_groups[group]].sum())
        if row["unit"] == "count":
            if how == SHOWN_AS_COMPUTED:
                low = high = value
            elif how == REDACTED_ROW:
                low, high = 0.0, float(sdc.REDACTION_THRESHOLD)
            else:
                half = (sdc.ROUNDING_BASE - 1) // 2
                low, high = float(safe) - half, float(safe) + half
            facts.append(
                sdc.KnownTotal(
                    f"{'published' if how == SHOWN_AS_COMPUTED else 'regional'} {row['figure_id']}",
                    cells,
                    min(low, value),
                    max(high, value),
                    public=how == SHOWN_AS_COMPUTED,
                    figure=row["figure_id"] if how == ROUNDED_ROW else "",
                )
            )
            continue
        denominator = row["denominator"]
        if row["unit"] != "percent" or denominator not in column_groups or pd.isna(safe):
            continue
        below = tuple((force, c) for c in column_groups[denominator])
        total = float(whole.loc[force, column_groups[denominator]].sum())
        half = 0.5 * 10 ** (-PERCENT_PLACES) if how == SHOWN_AS_COMPUTED else sdc.ROUNDING_BASE / 2
        share = 100 * value / total if total else float(safe)
        low = min(float(safe) - half, share) / 100
        high = max(float(safe) + half, share) / 100
        # numerator - low * denominator >= 0 and numerator - high * denominator <= 0
        for name, level, bounds in (
            ("at least", low, (0.0, np.inf)),
            ("at most", high, (-np.inf, 0.0)),
        ):
            weights = {c: 0.0 for c in (*cells, *below)}
            for c in cells:
                weights[c] += 1.0
            for c in below:
                weights[c] -= level
            facts.append(
                sdc.KnownTotal(
                    f"share {name} {row['figure_id']}",
                    tuple(weights),
                    bounds[0],
                    bounds[1],
                    weights=tuple(weights.values()),
                    figure=row["figure_id"] if how == ROUNDED_ROW else "",
                )
            )
    return facts
