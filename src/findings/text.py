"""The words a reader sees: the period and offence groups of a build, percentages as text, and
every sentence the notebooks print and the caveats and intervals tables hold, all from the
numbers.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from src.findings.published import finite
from src.vocab import OFFENCE_GROUP_NAMES

# --- Periods, groups and percentages ---------------------------------------------------------


def month_year(day: str) -> str:
    return dt.date.fromisoformat(day).strftime("%B %Y")


def period_text(start: str, end: str) -> str:
    return f"{month_year(start)} to {month_year(end)}"


def groups_text(offence_groups) -> str:
    names = [OFFENCE_GROUP_NAMES.get(g, g.replace("_", " ")) for g in offence_groups]
    return " and ".join(names)


def platform_names(platforms: tuple[str, ...], reference_platforms: pd.DataFrame) -> str:
    """Platform slugs as a reader sees them named (``platforms.csv``), joined, in order."""
    names = dict(
        zip(reference_platforms["platform"], reference_platforms["display_name"], strict=True)
    )
    return ", ".join(names.get(p, p) for p in platforms)


def pct(value: float, places: int = 1) -> str:
    return "not available" if not finite(value) else f"{value:.{places}f}%"


# --- Sentences for readers -------------------------------------------------------------------


def reader_text(
    context, tables, unc, coverage, context_figures, owned_names: str
) -> dict[str, str]:
    """The sentences the notebooks print and the caveats table holds, all from the numbers.

    ``owned_names`` is the owner group's platforms as a reader sees them named
    (:func:`platform_names`); the build's context holds their slugs.
    """
    headline = tables["headline"]
    fb = unc[(unc["group"] == "facebook_owned") & (unc["denominator"] == "all_known")].iloc[0]
    known = fb["total"]
    tot_known = float(
        headline.loc[
            headline["platform_group"].eq("all_known") & headline["unit"].eq("count"), "computed"
        ].iloc[0]
    )
    unknown = float(
        headline.loc[
            headline["platform_group"].eq("unknown") & headline["unit"].eq("count"), "computed"
        ].iloc[0]
    )
    n, asked = coverage["forces_with_data"], coverage["forces_asked"]
    year_removed = _context_value(context_figures, "prc_accreditation_removed_year")
    flag_year = _context_value(context_figures, "online_flag_mandatory_year")
    withheld = tables["withheld"]
    cells = int(withheld["withheld_cells"].max()) if len(withheld) else 0
    text = {
        "headline": (
            f"Across {n} forces, {pct(100 * fb['share'])} of the {known:,.0f} instances with a "
            f"known platform were on apps owned by {context['owner_name'].split(' (')[0]} "
            f"({owned_names}), {context['period']}."
        ),
        "caveat_instances": (
            "These are instances, not offences: a force counts an offence once for each platform "
            "recorded against it, so one offence can appear more than once, and the number of "
            "offences is not known from these returns."
        ),
        "caveat_known_subset": (
            f"Shares are of the instances with a known platform: {tot_known:,.0f} of "
            f"{tot_known + unknown:,.0f} ({pct(100 * fb['known_share'])}). Were every unrecorded "
            f"platform Facebook-owned, the Facebook-owned share would be "
            f"{pct(100 * fb['unknown_bound_high'])}; were none, {pct(100 * fb['unknown_bound_low'])}."
        ),
        "caveat_coverage": (
            f"Coverage: {n} of the {asked} forces asked are in this build, with platform counts "
            f"for {context['offence_groups']}"
            + (
                f" ({context['exclude_forces']} left out by the build's parameters)"
                if context["exclude_forces"]
                else ""
            )
            + ". The others refused, could not search by platform, or did not reply, so these "
            "are not national totals."
        ),
        "caveat_official_statistics": (
            "Police recorded crime is published as official statistics, not accredited official "
            f"statistics: the Office for Statistics Regulation removed the accreditation in "
            f"{year_removed:.0f} over doubts about the quality and consistency of recording, "
            "which also differs between forces. Counts reflect police activity and recording as "
            "much as offending."
            if finite(year_removed)
            else "Police recorded crime is not accredited official statistics."
        ),
        "caveat_online_flag": (
            f"Forces have had to return counts of crimes flagged as online only since {flag_year:.0f}, "
            "and the flag was reported to be underused; which platform is recorded depends on "
            "each force's systems."
            if finite(flag_year)
            else "How each force records the platform differs."
        ),
        "caveat_withheld": (
            f"Forces withheld {cells} small counts as ranges (for example 'fewer than 5'); they "
            f"are counted at the {context['withheld_treatment']} of each range here, and every "
            "figure is also given with all of them at the ends of their ranges."
        ),
    }
    if context["simulated"]:
        text["caveat_simulated"] = (
            "The per-force returns in this build are simulated: generated to reproduce the "
            "published totals, not received from the forces. The published figures are real; "
            "any per-force pattern here is an artefact of the simulation."
        )
    if not context["like_for_like"]:
        text["caveat_variant"] = (
            f"This build differs from the release ({context['offence_groups']}"
            + (f"; without {context['exclude_forces']}" if context["exclude_forces"] else "")
            + "), so it is not expected to reproduce the published figures."
        )
    text["interval_wilson"] = (
        f"The Wilson interval (for example {pct(100 * fb['wilson_low'])} to "
        f"{pct(100 * fb['wilson_high'])} for the Facebook-owned share) treats every instance as "
        "an independent draw. Instances within a force share its recording practice, so it "
        "understates the uncertainty; read it as a lower limit on it."
    )
    text["interval_bootstrap"] = (
        f"The cluster bootstrap ({pct(100 * fb['bootstrap_low'])} to "
        f"{pct(100 * fb['bootstrap_high'])}) resamples whole forces. The forces are not a random "
        f"sample: {n} of the {asked} asked gave data, nearly the whole population, so the "
        "interval does not measure sampling error. It shows how much the share depends on which "
        "forces answered and on how differently they record."
    )
    text["interval_withheld"] = (
        f"The withheld-cell range ({pct(100 * fb['withheld_lowest'], 2)} to "
        f"{pct(100 * fb['withheld_highest'], 2)}) is not a statistical interval: it is every "
        "value the share could take if the small counts forces withheld were at either end of "
        "their ranges."
    )
    text["interval_unknown"] = (
        f"The bounds over unknown platforms ({pct(100 * fb['unknown_bound_low'])} to "
        f"{pct(100 * fb['unknown_bound_high'])}) make no assumption about the instances whose "
        "platform was not recorded."
    )
    return text


def _context_value(context: pd.DataFrame, figure_id: str) -> float:
    match = context.loc[context["figure_id"] == figure_id, "value"]
    return float(match.iloc[0]) if len(match) else math.nan
