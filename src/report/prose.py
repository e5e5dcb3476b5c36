"""The numbers and phrases the page's prose quotes: headline measures, intervals, the totals
the published figures imply, the owned platforms by name, and one-line summaries."""

from __future__ import annotations

import pandas as pd

from src.errors import InputError
from src.report.numbers import MISSING, fmt_count, fmt_percent, measure_key, number
from src.vocab import LOO_PLACES, OUTCOME_CLAUSES


def headline_numbers(headline: pd.DataFrame) -> dict[str, dict]:
    """Each headline measure (first row of each) as ``{key: {text, value}}`` for the prose."""
    out = {}
    for _, row in headline.iterrows():
        key = measure_key(row)
        if key in out:
            continue
        text = (
            fmt_percent(row["computed"]) if row["unit"] == "percent" else fmt_count(row["computed"])
        )
        out[key] = {"key": key, "text": text, "value": row["computed"], "measure": row["measure"]}
    return out


def interval_numbers(uncertainty: pd.DataFrame) -> dict[str, dict]:
    """Each share's intervals, formatted, keyed like the headline measures."""
    out = {}
    for _, row in uncertainty.iterrows():
        key = f"{row['group']}_of_{row['denominator']}"
        out[key] = {
            c: fmt_percent(row[c])
            for c in (
                "share",
                "bootstrap_low",
                "bootstrap_high",
                "wilson_low",
                "wilson_high",
                "withheld_lowest",
                "withheld_highest",
                "unknown_bound_low",
                "unknown_bound_high",
                "known_share",
            )
        } | {
            "share_of": row["share_of"],
            "bootstrap_method": row["bootstrap_method"],
            "bootstrap_resamples": fmt_count(row["bootstrap_resamples"]),
            "bootstrap_seed": row["bootstrap_seed"],
            "forces": row["forces"],
        }
        places = number(row.get("bootstrap_places", ""))
        if places is not None:  # the precision its Monte Carlo error supports
            for c in ("bootstrap_low", "bootstrap_high"):
                out[key][c] = fmt_percent(row[c], int(places))
    return out


def published_totals(consistency: pd.DataFrame) -> dict[str, str] | None:
    """The two national totals the published figures imply, and the gap between them; None
    when the release did not publish both (a stated total and every part), or published
    nothing."""
    national = consistency[consistency["geography"] == "national"]
    stated = {number(v) for v in national["stated_total"]} - {None}
    parts = {number(v) for v in national["sum_of_parts"]} - {None}
    if not stated or not parts:
        return None
    if len(stated) != 1 or len(parts) != 1:
        raise InputError(
            "reports/tables/published_consistency.csv",
            "national rows, columns stated_total and sum_of_parts",
            "expected one stated total and one sum of the published parts",
            "rebuild the findings with `make`",
        )
    (total,), (part,) = stated, parts
    return {
        "stated_total": fmt_count(str(total)),
        "sum_of_parts": fmt_count(str(part)),
        "gap": fmt_count(str(total - part)),
    }


def owned_platforms(slugs: str, reference: dict[str, pd.DataFrame]) -> str:
    """Platform slugs ('a_b, c', as ``build.csv`` lists them) as readers name them
    (``platforms.csv``'s display names), joined: 'A or B and C'."""
    names = dict(
        zip(reference["platforms"]["platform"], reference["platforms"]["display_name"], strict=True)
    )
    shown = [names.get(s.strip(), s.strip()) for s in slugs.split(",") if s.strip()]
    if len(shown) < 2:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def outcomes_sentence(coverage: pd.DataFrame) -> str:
    """'Of the N forces asked, a sent platform counts, b did not respond and c ...'."""
    counts = coverage["outcome"].value_counts()
    order = sorted(counts.index, key=lambda o: (-counts[o], o))
    parts = [f"{counts[o]} {OUTCOME_CLAUSES.get(o, o.replace('_', ' '))}" for o in order]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Of the {len(coverage)} forces asked, {listed}."


def withheld_known_cells(withheld: pd.DataFrame) -> str:
    """Withheld cells among the instances with a known platform (the shares' denominator)."""
    rows = withheld[withheld["denominator"] == "all_known"]
    return fmt_count(rows["withheld_cells"].iloc[0]) if len(rows) else MISSING


def loo_largest_change(loo: pd.DataFrame, owner_group: str) -> str:
    """The largest change (either way) in the owner group's share (``owner_group``) when one
    force is left out."""
    rows = loo[(loo["group"] == owner_group) & (loo["denominator"] == "all_known")]
    changes = [abs(v) for v in (number(x) for x in rows["change_points"]) if v is not None]
    return f"{max(changes):.{LOO_PLACES}f}" if changes else MISSING


def group_names(reference: dict[str, pd.DataFrame], build: dict[str, str]) -> dict[str, str]:
    """Each platform group's name as the build names it: the owner group's from ``build.csv``
    (``owner_group_name``, as on the build's owner date), a platform's from ``platforms.csv``,
    any other's from ``groups.csv``."""
    shown = dict(
        zip(reference["platforms"]["platform"], reference["platforms"]["display_name"], strict=True)
    )
    names = {}
    for row in reference["groups"].itertuples():
        if row.kind == "owner":
            names[row.group] = build.get("owner_group_name", row.group)
        elif row.kind == "platform":
            names[row.group] = shown.get(row.group, row.group)
        else:
            names[row.group] = row.name
    return names


def platform_lines(uncertainty: pd.DataFrame, build: dict[str, str], names: dict) -> list[dict]:
    """The main findings' line for each platform in the owner group on the build's date, in the
    table's order: its name and the keys of its share, its count and (where the findings give
    one) its share of the owner group's instances."""
    owner = build.get("owner_group", "")
    owned = [s.strip() for s in build.get("owned_platforms", "").split(",") if s.strip()]
    rows = uncertainty[uncertainty["denominator"] == "all_known"]
    of_owner = set(uncertainty.loc[uncertainty["denominator"] == owner, "group"])
    return [
        {
            "name": names.get(group, group),
            "share": f"{group}_of_all_known",
            "count": f"{group}_count",
            "of_owner": f"{group}_of_{owner}" if group in of_owner else "",
        }
        for group in rows["group"]
        if group in owned
    ]


def listed(items: list[str]) -> str:
    """Names joined: 'A', 'A and B', 'A, B and C'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
