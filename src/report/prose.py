"""The numbers and names the pages' prose quotes: headline measures, the totals the published
figures imply, withheld cells and each platform group's name."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from src.errors import InputError
from src.report.numbers import MISSING, fmt_count, fmt_percent, measure_key, number


def headline_numbers(headline: pd.DataFrame, source: str) -> dict[str, Markup]:
    """Each headline measure (first row of each) as the page quotes it: a span that names its
    measure, its table and its value."""
    out = {}
    for _, row in headline.iterrows():
        key = measure_key(row)
        if key in out:
            continue
        text = (
            fmt_percent(row["computed"]) if row["unit"] == "percent" else fmt_count(row["computed"])
        )
        out[key] = Markup(
            '<span class="headline" data-measure="{}" data-source="{}" data-value="{}">{}</span>'
        ).format(key, source, row["computed"], text)
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


def withheld_known_cells(withheld: pd.DataFrame) -> str:
    """Withheld cells among the instances with a known platform (the shares' denominator)."""
    rows = withheld[withheld["denominator"] == "all_known"]
    return fmt_count(rows["withheld_cells"].iloc[0]) if len(rows) else MISSING


def group_names(reference: dict[str, pd.DataFrame], build: dict[str, str]) -> dict[str, str]:
    """Each platform group's name as the build names it: the owner group's from ``build.csv``
    (``owner_group_name``, as on the build's owner date), a platform's from ``platforms.csv``,
    any other's from ``groups.csv``; and every other platform's (a column of the per-force
    table) from ``platforms.csv``."""
    shown = dict(
        zip(reference["platforms"]["platform"], reference["platforms"]["display_name"], strict=True)
    )
    names = dict(shown)
    for row in reference["groups"].itertuples():
        if row.kind == "owner":
            names[row.group] = build.get("owner_group_name", row.group)
        elif row.kind == "platform":
            names[row.group] = shown.get(row.group, row.group)
        else:
            names[row.group] = row.name
    return names
