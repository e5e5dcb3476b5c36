"""The words a reader sees: the period and offence groups of a build, percentages as text, and
every sentence the notebooks print and the caveats and intervals tables hold, all from the
numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from src.findings.published import finite
from src.vocab import OUTCOME_CLAUSES, listing

# --- Periods, groups and percentages ---------------------------------------------------------


def month_year(day: str) -> str:
    return dt.date.fromisoformat(day).strftime("%B %Y")


def period_text(start: str, end: str) -> str:
    return f"{month_year(start)} to {month_year(end)}"


def groups_text(offence_groups, names: dict[str, str]) -> str:
    """The offence groups of a build as a reader sees them named (``names``: offence_groups.csv)."""
    return " and ".join(names.get(g, g.replace("_", " ")) for g in offence_groups)


def platform_names(platforms: tuple[str, ...], reference_platforms: pd.DataFrame) -> str:
    """Platform slugs as a reader sees them named (``platforms.csv``), joined, in order."""
    names = dict(
        zip(reference_platforms["platform"], reference_platforms["display_name"], strict=True)
    )
    return ", ".join(names.get(p, p) for p in platforms)


def pct(value: float, places: int | None = 1) -> str:
    places = 1 if places is None else places
    return "not available" if not finite(value) else f"{value:.{places}f}%"


# --- Sentences for readers -------------------------------------------------------------------


def reader_text(
    context, tables, unc, coverage, context_figures, owned_names: str
) -> dict[str, str]:
    """The sentences the notebooks print and the caveats table holds, all from the numbers.

    ``owned_names`` is the owner group's platforms as a reader sees them named
    (:func:`platform_names`); the build's context holds their slugs.
    """
    owned = context["owner_group_adjective"]
    fb = unc[(unc["group"] == context["owner_group"]) & (unc["denominator"] == "all_known")]
    fb = fb.iloc[0]
    n, asked = coverage["forces_with_data"], coverage["forces_asked"]
    names = _force_names(tables)
    year_removed = _context_value(context_figures, "prc_accreditation_removed_year")
    flag_year = _context_value(context_figures, "online_flag_mandatory_year")
    withheld = tables["withheld"]
    cells = int(withheld["withheld_cells"].max()) if len(withheld) else 0
    text = {
        "headline": headline_sentence(context, fb, tables.get("platforms"), owned_names, n),
        "caveat_instances": (
            "These are instances, not offences: a force counts an offence once for each platform "
            "recorded against it, so one offence can appear more than once, and the number of "
            "offences is not known from these returns."
        ),
        "caveat_known_subset": known_subset_sentence(fb, n, names, owned),
        "caveat_coverage": (
            f"Coverage: {n} of the {asked} forces asked are in this build, with platform counts "
            f"for {context['offence_groups']}"
            + (
                f" ({context['exclude_forces']} left out by the build's parameters)"
                if context["exclude_forces"]
                else ""
            )
            + (
                f". Of the other {asked - n}: {_others_clause(coverage)}; so these are not "
                "national totals."
                if n < asked
                else ". Every force asked sent them."
            )
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
            f"Forces withheld {context.get('withheld_cells', cells)} small counts as ranges "
            f"(for example 'fewer than 5'), {cells} of them of instances with a known platform. "
            f"Here {context['counting_convention']}"
            + (
                f" (the convention declared for the release {context['convention_release']}, "
                "an assumption: the release does not say how it counted)"
                if context.get("convention_release")
                else ""
            )
            + "; every figure is also given with the range its withheld cells allow."
        ),
    }
    if context["simulated"]:
        text["caveat_simulated"] = (
            f"{context['returns_sentence']} A simulated return is generated to agree with the "
            "published figures, not received from a force: any per-force pattern in it is an "
            "artefact of the simulation. The published figures are real."
        )
    partial = partial_sentence(tables.get("forces"))
    if partial:
        text["caveat_partial"] = partial
    if not context["like_for_like"]:
        text["caveat_variant"] = (
            f"This build differs from the release ({context['offence_groups']}"
            + (f"; without {context['exclude_forces']}" if context["exclude_forces"] else "")
            + "), so it is not expected to reproduce the published figures."
        )
    text["interval_wilson"] = (
        f"The Wilson interval (for example {pct(100 * fb['wilson_low'])} to "
        f"{pct(100 * fb['wilson_high'])} for the {owned} share) treats every instance as "
        "an independent draw. Instances within a force share its recording practice, so it "
        "understates the uncertainty; read it as a lower limit on it."
    )
    places = bootstrap_places(fb)
    method = str(fb.get("bootstrap_method", "") or "")
    fallback = str(fb.get("bootstrap_fallback", "") or "")
    how = f", {method} method" if method else ""
    if fallback:
        how += f" ({fallback})"
    text["interval_bootstrap"] = (
        f"The force-cluster bootstrap ({pct(100 * fb['bootstrap_low'], places)} to "
        f"{pct(100 * fb['bootstrap_high'], places)}{how}) resamples whole forces, so it measures "
        f"how much the share varies between forces. The forces are not a random sample: {n} "
        f"of the {asked} asked gave data, and which did is not chance, so it does not measure "
        "sampling error. It is quoted to the precision its Monte Carlo error supports."
    )
    text["interval_withheld"] = (
        f"The range over the withheld counts ({pct(100 * fb['withheld_lowest'])} to "
        f"{pct(100 * fb['withheld_highest'])}) is not a statistical interval: it is the smallest "
        "and largest value the share can take with every small count the forces withheld "
        "within its range and every total their returns printed met."
    )
    text["interval_unknown"] = unknown_interval_sentence(fb, n, names)
    if finite(fb.get("nonresponse_low")):
        text["interval_nonresponse"] = (
            f"The bounds over the {_forces(int(fb['nonresponse_forces']))} asked that sent no "
            f"counts ({pct(100 * fb['nonresponse_low'])} to {pct(100 * fb['nonresponse_high'])}) "
            "assume each held as many instances as the largest force that did, all at the "
            "lowest share of any force that did, or all at the highest. It is an assumption, "
            "not a limit: a force that did not answer could hold anything."
        )
    return text


def headline_sentence(context, fb, platforms, owned_names: str, n: int) -> str:
    """The build's main finding in a sentence: whatever leads. The owner group's share first
    when it holds more than the largest platform of its own, else the largest platform first;
    each over the forces whose returns itemise it, said when that is fewer than all."""
    over = int(fb.get("forces_counted", n) or n) if hasattr(fb, "get") else n
    where = (
        f"Across {n} forces"
        if over == n
        else f"Across the {over} of {n} forces whose returns itemise them"
    )
    owner = (
        f"{pct(100 * fb['share'])} of the {fb['total']:,.0f} instances with a known platform "
        f"were on apps owned by {context['owner_name']} ({owned_names})"
    )
    top = platforms.iloc[0] if platforms is not None and len(platforms) else None
    if top is None or float(top["share"]) <= 100 * float(fb["share"]):
        lead = f"{where}, {owner}, {context['period']}."
        if top is not None and not bool(top["in_owner_group"]):
            lead += f" The largest platform outside them was {top['name']} ({pct(top['share'])})."
        elif top is not None:
            lead += f" The largest platform was {top['name']} ({pct(top['share'])})."
        return lead
    counted = int(top["forces_counted"])
    of = (
        ""
        if counted == int(top["forces_with_data"])
        else f", over the {counted} forces whose returns itemise it"
    )
    return (
        f"{top['name']} was the largest platform, with {pct(top['share'])} of the "
        f"{top['known']:,.0f} instances with a known platform{of}, {context['period']}; "
        f"apps owned by {context['owner_name']} ({owned_names}) had {pct(100 * fb['share'])}."
    )


def partial_sentence(forces: pd.DataFrame | None) -> str:
    """The caveat on partial returns: which forces' returns itemise only some platforms, and
    how what they do not itemise is counted (empty when every return itemises all it counts)."""
    if forces is None or "not_itemised" not in forces:
        return ""
    rows = forces[pd.to_numeric(forces["not_itemised"], errors="coerce").fillna(0) > 0]
    rows = rows[rows["force"] != "total"] if "force" in rows else rows
    if rows.empty:
        return ""
    names = list(rows["force_name"])
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"{_forces(len(names)).capitalize()}' returns are partial ({listed}): they give a known "
        "total but itemise only some platforms, or none. What they do not itemise is kept as "
        "'not itemised': it counts among the instances with a known platform and on no "
        "platform, and each figure is taken over the forces whose returns itemise it, which "
        "each table says."
    )


def bootstrap_places(row) -> int | None:
    """The decimal places the bootstrap's Monte Carlo error supports (``bootstrap_places``),
    or None (the house default) where the row does not give them."""
    value = row.get("bootstrap_places") if hasattr(row, "get") else None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


# --- Instances whose platform was not recorded -----------------------------------------------

#: What a force that reports no count of instances whose platform was not recorded left out.
NOT_REPORTED_CLAUSE = "a count not reported is not a zero"


def _force_names(tables) -> dict[str, str]:
    forces = tables.get("forces")
    if forces is None or "force_name" not in forces:
        return {}
    return dict(zip(forces["force"], forces["force_name"], strict=True))


def _listed(slugs: str, names: dict[str, str]) -> str:
    shown = [names.get(s, s) for s in slugs.split("; ") if s]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _forces(count: int) -> str:
    return f"{count} force" if count == 1 else f"{count} forces"


def known_subset_sentence(
    fb: pd.Series, n: int, names: dict[str, str], owned: str = "owned"
) -> str:
    """The caveat on the known-platform subset: how many instances had a known platform, over
    the forces that reported a count of those without one (and which did not), and the bounds.
    ``owned`` is the owner group's adjective (``build.csv``'s ``owner_group_adjective``).
    """
    head = "Shares are of the instances with a known platform"
    k, u = fb["unknown_known"], fb["unknown_instances"]
    bounds = (
        f"the {owned} share would be {pct(100 * fb['unknown_bound_high'])}; were none, "
        f"{pct(100 * fb['unknown_bound_low'])}."
    )
    if not finite(fb["unknown_forces"]):  # which forces reported one is not known
        return (
            f"{head}: {k:,.0f} of {k + u:,.0f} ({pct(100 * fb['known_share'])}). Were every "
            f"unrecorded platform {owned}, {bounds}"
        )
    reported, missing = int(fb["unknown_forces"]), str(fb["unknown_not_reported"] or "")
    if reported == 0:
        return (
            f"{head}. None of the {_forces(n)} in this build reported a count of instances "
            "whose platform was not recorded, so how many there were is not known "
            f"({NOT_REPORTED_CLAUSE}): the share with a known platform, and the bounds over "
            "unrecorded platforms, are not available."
        )
    if not missing:
        return (
            f"{head}: {k:,.0f} of {k + u:,.0f} ({pct(100 * fb['known_share'])}), all "
            f"{_forces(reported)} having reported a count of instances whose platform was not "
            f"recorded. Were every unrecorded platform {owned}, {bounds}"
        )
    return (
        f"{head}. {reported} of the {_forces(n)} in this build reported a count of instances "
        f"whose platform was not recorded; {_listed(missing, names)} did not "
        f"({NOT_REPORTED_CLAUSE}). In the "
        f"{_forces(reported)} that did, {k:,.0f} of {k + u:,.0f} instances had a known platform "
        f"({pct(100 * fb['known_share'])}); were every unrecorded platform there "
        f"{owned}, {bounds}"
    )


def unknown_interval_sentence(fb: pd.Series, n: int, names: dict[str, str]) -> str:
    """What the bounds over unknown platforms mean, and over which forces they are taken."""
    bounds = (
        f"The bounds over unknown platforms ({pct(100 * fb['unknown_bound_low'])} to "
        f"{pct(100 * fb['unknown_bound_high'])})"
    )
    if not finite(fb["unknown_forces"]):  # which forces reported one is not known
        return f"{bounds} make no assumption about the instances whose platform was not recorded."
    reported, missing = int(fb["unknown_forces"]), str(fb["unknown_not_reported"] or "")
    if reported == 0:
        return (
            "The bounds over unknown platforms are not available: none of the "
            f"{_forces(n)} in this build reported a count of instances whose platform was not "
            f"recorded, and {NOT_REPORTED_CLAUSE}."
        )
    if not missing:
        return (
            f"{bounds}, over all {_forces(reported)}, each of which reported a count of instances "
            "whose platform was not recorded, make no assumption about those instances."
        )
    return (
        f"{bounds} are taken over the {reported} of the {_forces(n)} that reported a count of "
        "instances whose platform was not recorded, and make no assumption about those "
        f"instances; they leave out {_listed(missing, names)}, which reported none "
        f"({NOT_REPORTED_CLAUSE})."
    )


def _others_clause(coverage: dict) -> str:
    """What the forces asked but not in the build did, outcome by outcome (``coverage``'s
    table: forces and forces in the build per outcome), in the words of
    :data:`~src.vocab.OUTCOME_CLAUSES`; a force whose figures were not provided, with no reason
    given, is not said to have refused or not replied."""
    table = coverage.get("table")
    if table is None or "outcome" not in table:
        return "sent no platform counts"
    rows = table[table["outcome"].isin(list(OUTCOME_CLAUSES))]
    parts = [
        f"{int(row.forces - row.in_build)} {OUTCOME_CLAUSES[row.outcome]}"
        for row in rows.itertuples(index=False)
        if row.forces - row.in_build > 0
    ]
    if not parts:
        return "sent no platform counts"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _context_value(context: pd.DataFrame, figure_id: str) -> float:
    match = context.loc[context["figure_id"] == figure_id, "value"]
    return float(match.iloc[0]) if len(match) else math.nan


# --- Source lines ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    """A release whose figures a build compares with: who published it (blank while the
    releases are not named) and when (an ISO date)."""

    publisher: str
    published: str


def long_date(day: str) -> str:
    """An ISO date as a reader reads it: ``2020-01-31`` is ``31 January 2020``."""
    date = dt.date.fromisoformat(str(day)[:10])
    return f"{date.day} {date:%B %Y}"


def returns_kind(provenances) -> str:
    """The returns a build read, from the provenance of each force's return (``coverage.csv``):
    ``real``, ``simulated``, or ``mixed`` when some of each. Every table and chart data file
    computed from the returns carries it as its last column, ``returns``."""
    values = list(provenances)
    simulated = sum(1 for p in values if p == "simulated")
    return "real" if not simulated else "simulated" if simulated == len(values) else "mixed"


def returns_counts(provenances, force_names=None) -> dict[str, object]:
    """The words a template of ``words.yaml`` may use about the returns read: ``forces``,
    ``real`` and ``simulated`` (how many), ``real_forces`` (the real ones' names, from
    ``force_names``: force -> provenance order is that of ``provenances``' index when it is a
    Series of provenance by force)."""
    values = list(provenances)
    # A Series names each force by its index; a plain list (whose .index is a method) has none.
    keys = provenances.index if isinstance(provenances, pd.Series) else range(len(values))
    real = [i for i, p in zip(keys, values, strict=True) if p == "real"]
    names = force_names or {}
    shown = [names.get(f, str(f)) for f in real]
    listed = (
        shown[0]
        if len(shown) == 1
        else ", ".join(shown[:-1]) + " and " + shown[-1]
        if shown
        else ""
    )
    return {
        "forces": len(values),
        "real": len(real),
        "simulated": sum(1 for p in values if p == "simulated"),
        "real_forces": listed,
    }


def returns_words(words: dict, key: str, provenances, force_names=None) -> str:
    """``words.yaml``'s ``returns`` ``key`` (``sentence`` or ``badge``) for the returns read,
    by the provenance of each force's return (``coverage.csv``)."""
    kind = returns_kind(provenances)
    return words["returns"][key][kind].format(**returns_counts(provenances, force_names))


def returns_source(words: dict, provenances) -> str:
    """What a build read, by the provenance of each force's return (``coverage.csv``): all
    simulated, all real, or how many of each, in the words of ``words.yaml``."""
    source = words["source"]
    kind = returns_kind(provenances)
    return source["provenance"][kind].format(
        returns=source["returns"], **returns_counts(provenances)
    )


def releases_text(words: dict, releases: list[Release]) -> str:
    """The releases compared, in date order, each as "the <publisher> release of <date>"."""
    source = words["source"]
    shown = [
        source["release" if r.publisher else "release_unnamed"].format(
            publisher=r.publisher, date=long_date(r.published)
        )
        for r in sorted(set(releases), key=lambda r: (r.published, r.publisher))
    ]
    return listing(list(dict.fromkeys(shown)))


def source_line(words: dict, provenances, releases: list[Release]) -> str:
    """The source line of a chart drawn from the returns: the returns read
    (:func:`returns_source`) and, when there are any, the releases compared with them."""
    parts = [returns_source(words, provenances)]
    if releases:
        parts.append(words["source"]["published"].format(releases=releases_text(words, releases)))
    return words["source"]["line"].format(parts="; ".join(parts))


def published_source_line(words: dict, publishers) -> str:
    """The source line of a chart drawn from published figures only: whose releases (blank
    publishers left out; none named, the words say so)."""
    named = sorted({p for p in publishers if p})
    source = words["source"]
    text = (
        source["published_only"].format(publishers=listing(named))
        if named
        else source["published_only_unnamed"]
    )
    return source["line"].format(parts=text)
