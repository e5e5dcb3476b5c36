"""The findings page's words: its title (the build's main finding), its main points and the note
beside each of its figures, each worked out from the build's tables.

What is real leads: the release against its own figures first, then against real returns; a
number computed from returns any of which is simulated is given as a check of the method, never
as a finding. Every number quoted carries its source: a headline span
(:func:`src.report.prose.headline_numbers`), or the table, row and column it is read from
(:func:`src.report.html.cite`). Nothing here computes a statistic.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup

from src.report.html import cite
from src.report.numbers import fmt_count, fmt_percent, fmt_points, number
from src.vocab import CONFIDENCE, JUDGED, METHOD_CHECK

#: What is said before a number computed from returns any of which is simulated.
CHECK = Markup("As {}: ").format(METHOD_CHECK)


@dataclass
class Build:
    """One build's tables as the findings page quotes them."""

    tables: dict[str, pd.DataFrame]
    build: dict[str, str]
    sources: dict[str, str]  # table name -> its path, as a reader finds it
    headline: dict[str, Markup]  # measure key -> its span
    names: dict[str, str]  # platform group -> its name
    places: dict[str, str]  # force code -> its name

    @property
    def real(self) -> bool:
        return self.build.get("returns") == "real"

    def quote(self, name: str, row: object, column: str, kind: str = "percent") -> Markup:
        """A cell of table ``name`` as the page shows it, with its source."""
        value = self.tables[name].loc[row, column]
        text = {"percent": fmt_percent, "count": fmt_count, "points": fmt_points}.get(kind, str)(
            value
        )
        return cite(self.sources[name], row, column, value, text, kind)

    def setting(self, key: str) -> Markup:
        """A value of build.csv, with its source."""
        table = self.tables["build"]
        return self.quote("build", table.index[table["key"] == key][0], "value", "text")

    def qualified(self, text: Markup, real: bool | None = None) -> Markup:
        """``text`` as a finding on real returns (the build's, unless ``real`` says), else as a
        check of the method."""
        real = self.real if real is None else real
        return text[:1].upper() + text[1:] if real else CHECK + text


def shares(headline: pd.DataFrame, group: str) -> pd.DataFrame:
    """The headline rows of ``group``'s share of the instances with a known platform."""
    return headline[
        (headline["platform_group"] == group)
        & (headline["unit"] == "percent")
        & (headline["denominator"] == "all_known")
    ]


def leader(b: Build) -> dict | None:
    """Whatever leads the build: the owner group, unless one platform holds more than it."""
    owner = b.build.get("owner_group", "")
    own = shares(b.tables["headline"], owner)
    platforms = b.tables.get("platforms")
    top = platforms.index[0] if platforms is not None and len(platforms) else None
    owner_leads = not own.empty and (
        top is None or number(platforms.loc[top, "share"]) <= number(own["computed"].iloc[0])
    )
    if owner_leads:
        group, name, share = owner, b.names.get(owner, owner), b.headline[f"{owner}_of_all_known"]
    elif top is not None:
        group, name = platforms.loc[top, "platform"], platforms.loc[top, "name"]
        share = b.quote("platforms", top, "share")
    else:
        return None
    published = shares(b.tables["headline"], group)
    published = published[published["as_published"] != ""]
    return {"group": group, "name": name, "share": share, "published": published.index[:1]}


def title(b: Build) -> Markup:
    """The page's h1: the build's main finding in words. On real returns, what leads them; on
    others, what leads as the release published it (its own words), else a check of the
    method."""
    lead, period = leader(b), b.build.get("period", "")
    if lead is None:
        return Markup("Police returns on the platforms of online child sexual offences, {}").format(
            period
        )
    share, tail = lead["share"], Markup(" in police returns, {}").format(period)
    if not b.real and len(lead["published"]):
        share = b.quote("headline", lead["published"][0], "as_published", "text")
        tail = Markup(", as the release for {} put it").format(period)
    elif not b.real:
        tail = Markup(", {} ({})").format(period, METHOD_CHECK)
    return Markup("{}: {} of the instances with a known platform{}").format(
        lead["name"], share, tail
    )


def release_point(b: Build) -> Markup | None:
    """Which published figures the release's own other figures contradict."""
    checks = b.tables.get("release_checks")
    if checks is None or checks.empty:
        return None
    wrong = checks.index[checks["agrees"] == "False"]
    if not len(wrong):
        return Markup("The release's {} figures checked agree with each other.").format(len(checks))
    said = [
        Markup("'{}'{}: {}").format(
            b.quote("release_checks", i, "as_published", "text"),
            "" if checks.loc[i, "geography"] == "national" else f" ({checks.loc[i, 'area']})",
            b.quote("release_checks", i, "finding", "text"),
        )
        for i in wrong[:3]
    ]
    return Markup(
        "The release's own figures contradict {} of the {} published figures checked. {}"
    ).format(len(wrong), len(checks), Markup(" ").join(said))


def real_point(b: Build) -> Markup | None:
    """How the release's figures fare against the figures of real returns alone."""
    judged = []
    for name in ("headline", "regional"):
        table = b.tables.get(name)
        if table is not None and "verdict" in table:
            judged += [(name, i) for i in table.index[table["verdict"].isin(JUDGED)]]
    published = sum(
        (b.tables[n]["as_published"] != "").sum() for n in ("headline", "regional") if n in b.tables
    )
    if not published:
        return None
    if not judged:
        return Markup(
            "No published figure could be set beside real returns alone: every comparison of "
            "the release with these returns is {}."
        ).format(METHOD_CHECK)
    verdicts = [b.tables[n].loc[i, "verdict"] for n, i in judged]
    counts = ", ".join(f"{verdicts.count(v)} '{v}'" for v in JUDGED if v in verdicts)
    said = []
    for n, i in judged:
        row = b.tables[n].loc[i]
        if row["verdict"] != JUDGED[0] and len(said) < 2:
            area = row.get("area", b.build.get("place", ""))
            said.append(
                Markup("'{}' ({}): {} from the returns, {}").format(
                    b.quote(n, i, "as_published", "text"),
                    b.places.get(area, area),
                    b.quote(n, i, "computed", row["unit"]),
                    b.quote(n, i, "verdict", "text"),
                )
            )
    whose = (
        Markup("the returns")
        if b.real
        else Markup("the real returns ({} of {} forces)").format(
            b.setting("returns_real"), b.setting("forces_with_data")
        )
    )
    return Markup("Against {}, {} published figures could be checked: {}.{}").format(
        whose, len(judged), counts, Markup("").join(Markup(" {}.").format(s) for s in said)
    )


def leader_point(b: Build) -> Markup | None:
    """The owner group's share and the largest platforms, with the range withheld counts allow."""
    headline, owner = b.tables["headline"], b.build.get("owner_group", "")
    own = shares(headline, owner)
    parts = []
    if not own.empty:
        row = own.index[0]
        over = own.loc[row, "forces_counted"]
        where = (
            Markup(" over the {} forces whose returns itemise it").format(over)
            if over != b.build.get("forces_with_data")
            else ""
        )
        parts.append(
            Markup(
                "{} held {} of the instances with a known platform{} ({} to {} as the withheld "
                "counts allow)"
            ).format(
                b.names.get(owner, owner),
                b.headline[f"{owner}_of_all_known"],
                where,
                b.quote("headline", row, "withheld_lowest"),
                b.quote("headline", row, "withheld_highest"),
            )
        )
    platforms = b.tables.get("platforms")
    if platforms is not None and len(platforms) > 1:
        first, second = platforms.index[:2]
        parts.append(
            Markup("the largest platform was {} ({}), ahead of {} ({})").format(
                platforms.loc[first, "name"],
                b.quote("platforms", first, "share"),
                platforms.loc[second, "name"],
                b.quote("platforms", second, "share"),
            )
        )
    return b.qualified(Markup("; ").join(parts) + ".") if parts else None


def waves_point(b: Build) -> Markup | None:
    """What changed between the first and the latest wave, for the owner group, like for like
    where some forces have data in every wave; and what the release said of the change."""
    waves = b.tables.get("waves")
    if waves is None or waves["wave"].nunique() < 2:
        return None
    basis = "like for like" if (waves["basis"] == "like for like").any() else "all forces"
    rows = waves[(waves["group"] == b.build.get("owner_group")) & (waves["basis"] == basis)]
    rows = rows.sort_values("period_start")
    if len(rows) < 2:
        return None
    first, last = rows.index[0], rows.index[-1]
    said = Markup("the share of {} went from {} ({}) to {} ({}){}.").format(
        waves.loc[last, "label"],
        b.quote("waves", first, "share"),
        waves.loc[first, "period"],
        b.quote("waves", last, "share"),
        waves.loc[last, "period"],
        ", over the forces with data in every wave" if basis == "like for like" else "",
    )
    text = b.qualified(said, set(rows["returns"]) == {"real"})
    statements = b.tables.get("wave_statements")
    for i in [] if statements is None else statements.index[:1]:
        text += Markup(" The release's '{}': its published figures give {}% ({}).").format(
            b.quote("wave_statements", i, "as_published", "text"),
            b.quote("wave_statements", i, "change_published", "points"),
            b.quote("wave_statements", i, "verdict_published", "text"),
        )
    return text


def coverage_point(b: Build) -> Markup:
    """How many forces answered, and how many instances had no platform recorded."""
    text = Markup("{} of the {} forces asked sent counts by platform").format(
        b.headline.get("forces_count", b.build.get("forces_with_data", "")),
        b.setting("forces_asked"),
    )
    if "unknown_count" in b.headline:
        text += Markup("; {} instances had no platform recorded and are in no share{}").format(
            b.headline["unknown_count"], "" if b.real else f" ({METHOD_CHECK})"
        )
    return text + "."


def main_points(b: Build) -> list[Markup]:
    """The main points, what is real first."""
    points = (release_point, real_point, leader_point, waves_point, coverage_point)
    return [p for p in (point(b) for point in points) if p]


# --- What you should know about each figure -------------------------------------------------


def platform_shares_note(b: Build, data: pd.DataFrame) -> Markup:
    return b.qualified(
        Markup(
            "shares of the instances with a known platform; each line is the {:.0%} interval "
            "between forces: how much a share depends on which forces answered."
        ).format(CONFIDENCE)
    )


def waves_note(b: Build, data: pd.DataFrame) -> str:
    if (data["basis"] == "like for like").any():
        return "Only the like-for-like dots compare the same forces: those with data in every wave."
    return "No force has data in every wave, so each wave covers other forces."


def regions_note(b: Build, data: pd.DataFrame) -> Markup:
    real = int((data["returns"] == "real").sum())
    return Markup("Regions whose returns are all real get a verdict ({} of {}){}.").format(
        real, len(data), "" if real == len(data) else f"; the others are {METHOD_CHECK}"
    )


#: The figures of the findings page, by the name in their file's stem (after its number), in
#: the order shown, each with the note beside it.
FIGURE_NOTES = {
    "platform-shares": platform_shares_note,
    "waves": waves_note,
    "regions": regions_note,
}
