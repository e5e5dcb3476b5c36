"""The regional and per-force tables: regional and South West force figures beside the
published ones, and the per-force counts we publish after disclosure control (with the audit
that no redacted cell can be worked out, counting the force figures the release published).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from src import sdc
from src.findings.coverage import as_read
from src.findings.published import area_forces, consistency_sentence, finite, rounded
from src.findings.shares import GroupRules, itemising
from src.vocab import PERCENT_PLACES

#: The columns of the per-force table besides its platforms of their own: the other known
#: platforms, what partial returns did not itemise, and no platform recorded.
OTHER_COLUMN, NOT_ITEMISED_COLUMN, UNKNOWN_COLUMN = "other_platforms", "not_itemised", "unknown"


def cell_columns(table: pd.DataFrame, owner_group: str) -> list[str]:
    """The columns of a published per-force table that are cells (not the force's names, nor
    the totals summed from the cells)."""
    totals = {owner_group, "all_known", "total"}
    return [c for c in table.columns[3:] if c not in totals and c != "returns"]


def force_cells(
    treated: pd.DataFrame, rules: GroupRules, groups_ref: pd.DataFrame, forces: list[str]
) -> tuple[pd.DataFrame, set]:
    """Each force's instances in disjoint columns: each platform that is a group of its own
    (groups.csv kind ``platform``), each combined column a return printed (a 'Facebook' column
    that holds several platforms), the other known platforms, what a partial return did not
    itemise, and no platform recorded. What printed totals count beyond their cells (the
    convention's remainder) is in no column.

    Returns (the cells, force by column; the cells a force's return gives no count for: a
    platform it did not itemise, or the other platforms when it itemised only some).
    """
    kinds = {p: "combined" for p, parts in rules.parts.items() if parts != (p,)}
    own = [
        g for g, k in zip(groups_ref["group"], groups_ref["kind"], strict=True) if k == "platform"
    ]
    platform = treated["platform"].astype(str)
    column = pd.Series(OTHER_COLUMN, index=treated.index, dtype=object)
    column[platform.isin(own) | platform.isin(list(kinds))] = platform
    column[platform.isin(list(rules.not_itemised))] = NOT_ITEMISED_COLUMN
    column[platform.isin(list(rules.unknown))] = UNKNOWN_COLUMN
    kept = ~platform.isin(list(rules.remainder))
    combined = sorted(set(platform[platform.isin(list(kinds))]))
    columns = [*own, *combined, OTHER_COLUMN, NOT_ITEMISED_COLUMN, UNKNOWN_COLUMN]
    cells = (
        treated[kept]
        .groupby([treated.loc[kept, "force"], column[kept]])["value"]
        .sum()
        .unstack(fill_value=0.0)
        .reindex(index=forces, columns=columns, fill_value=0.0)
    )
    named = {
        f: set(platform[(treated["force"] == f) & platform.isin(list(rules.parts))])
        | (set(platform[(treated["force"] == f) & platform.isin(list(rules.not_itemised))]))
        for f in forces
    }
    others = rules.universe - rules.base([*own, *combined])
    missing = set()
    for f in forces:
        # A column the force's return does not have (a combined column, what it did not
        # itemise) is no count of its, not a zero.
        for c in [*combined, NOT_ITEMISED_COLUMN]:
            key = NOT_ITEMISED_COLUMN if c == NOT_ITEMISED_COLUMN else c
            has = rules.not_itemised if c == NOT_ITEMISED_COLUMN else {c}
            if not (named[f] & set(has)):
                missing.add((f, key))
        for c in [*own, *combined]:
            if not rules.settles_set(rules.base([c]), named[f]):
                missing.add((f, c))
        partial = bool(named[f] & set(rules.not_itemised))
        if not rules.settles_set(others, named[f]) or (partial and cells.at[f, OTHER_COLUMN] == 0):
            missing.add((f, OTHER_COLUMN))
    return cells, missing


def regional_table(comparison: pd.DataFrame, consistency: pd.DataFrame) -> pd.DataFrame:
    """Regional and force figures beside their published values, and, for a published
    percentage, the share the published counts of the same area give. Force rows are made safe
    in :func:`per_force_table` first (their computed values may be rounded or redacted).
    """
    rows = as_read(comparison[comparison["geography"].isin(["region", "force"])])
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
    columns.append("returns")
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
    treated: pd.DataFrame,
    rules: GroupRules,
    groups_ref: pd.DataFrame,
    owner_group: str,
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
    cells, not_itemised = force_cells(treated, rules, groups_ref, sorted(set(groups["force"])))
    every = list(cells.columns)
    whole = sdc.whole_instances(cells)
    missing = not_reported_cells(whole, unknown_reported) | {
        (f, c) for f, c in not_itemised if whole.loc[f, c] == 0
    }
    not_itemised = {
        (f, c) for f, c in not_itemised if c in set(groups_ref["group"]) or c == OTHER_COLUMN
    }
    silent = {c for c in every if len(whole) and all((f, c) in missing for f in whole.index)}
    # A column with no count reported by any force is not published (nothing to protect), nor
    # is a column of what was not itemised when every return itemised all it counted.
    columns = [c for c in every if c not in silent and (c != NOT_ITEMISED_COLUMN or whole[c].any())]
    owner = rules.members[owner_group]
    known = [c for c in columns if c != UNKNOWN_COLUMN]
    owned_named = [c for c in known if c in rules.parts and rules.base([c]) <= owner]
    column_groups = {c: [c] for c in columns}
    column_groups |= {
        owner_group: owned_named,
        "all_known": known,
        "other": [c for c in known if c not in owned_named],
        "all": list(columns),
    }
    for group, members in rules.members.items():
        if group not in column_groups and members:
            inside = [c for c in owned_named if rules.base([c]) <= members]
            if inside and set(inside) != {group}:
                column_groups[group] = inside
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
        shown, {owner_group: owned_named, "all_known": known, "total": list(columns)}
    )
    # A force whose return does not itemise the owner group's platforms has no total for it.
    settled = set(itemising(groups, owner_group))
    published_table.loc[[f for f in published_table.index if f not in settled], owner_group] = pd.NA
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


def force_shares_table(shares: pd.DataFrame, forces_ref: pd.DataFrame) -> pd.DataFrame:
    """Figure 2's table: each force's share of the owner group from its return before
    disclosure control (:func:`~src.findings.exact.force_shares`), in percent to
    PERCENT_PLACES: ``share`` at the best estimates, ``share_lowest`` and ``share_highest`` its
    exact range. ``known``, the force's instances with a known platform, is published as the
    rule publishes a count (:func:`src.sdc.publish_count`: rounded to 5, blank when 7 or
    fewer), and the counts the share comes from are not published: a share whose owner count
    or rest would be redacted (7 or fewer at the best estimates) would give it away, so it is
    blank, as is every share of a force whose known count is."""
    out = shares[["force"]].copy()
    out["force_name"] = out["force"].map(forces_ref.set_index("force")["name"])
    out["known"] = pd.array([sdc.publish_count(v) for v in shares["known"]], dtype="Int64")
    small = [
        pd.isna(sdc.publish_count(count)) or pd.isna(sdc.publish_count(known - count))
        for count, known in zip(shares["count"], shares["known"], strict=True)
    ]
    hidden = out["known"].isna().to_numpy() | np.array(small, dtype=bool)
    for column in ("share", "share_lowest", "share_highest"):
        out[column] = (100 * shares[column].astype(float)).round(PERCENT_PLACES).mask(hidden)
    return out.reset_index(drop=True)


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
