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
    return out


def published_totals(consistency: pd.DataFrame) -> dict[str, str]:
    """The two national totals the published figures imply, and the gap between them."""
    national = consistency[consistency["geography"] == "national"]
    stated = {number(v) for v in national["stated_total"]} - {None}
    parts = {number(v) for v in national["sum_of_parts"]} - {None}
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
    """'facebook_messenger, instagram' as readers name them: 'Facebook or Messenger and Instagram'."""
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


def loo_largest_change(loo: pd.DataFrame) -> str:
    """The largest change (either way) in the Facebook-owned share when one force is left out."""
    rows = loo[(loo["group"] == "facebook_owned") & (loo["denominator"] == "all_known")]
    changes = [abs(v) for v in (number(x) for x in rows["change_points"]) if v is not None]
    return f"{max(changes):.{LOO_PLACES}f}" if changes else MISSING
