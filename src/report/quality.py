"""The quality statement: the facts each quality dimension of official statistics rests on
(relevance; accuracy and reliability; timeliness and punctuality; accessibility and clarity;
coherence and comparability), computed from the tables the report reads, and the revisions log
(``data/reference/revisions.csv``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

#: The dimensions in the order the statement gives them, with their headings.
DIMENSIONS = (
    ("relevance", "Relevance"),
    ("accuracy", "Accuracy and reliability"),
    ("timeliness", "Timeliness and punctuality"),
    ("accessibility", "Accessibility and clarity"),
    ("coherence", "Coherence and comparability"),
)


def days_between(start: str, end: str) -> int | None:
    """Whole days from ``start`` to ``end`` (ISO dates); None when either is missing."""
    try:
        return (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days
    except (TypeError, ValueError):
        return None


def release_of(releases: pd.DataFrame, wave: str) -> pd.Series | None:
    """The latest release of ``wave`` (None when no release reported it)."""
    own = releases[releases["wave"] == wave].sort_values("release")
    return None if own.empty else own.iloc[-1]


def revisions_table(revisions: pd.DataFrame) -> pd.DataFrame:
    """The revisions log, newest first."""
    columns = ["date", "edition", "kind", "what_changed", "why", "figures_affected"]
    return revisions[columns].iloc[::-1].reset_index(drop=True)


def timeliness(build: dict[str, str], releases: pd.DataFrame) -> dict[str, str]:
    """How long after its period the wave's release came out."""
    release = release_of(releases, build.get("wave", ""))
    if release is None:
        return {"release_date": "", "lag_days": ""}
    lag = days_between(build.get("period_end", ""), release["published"])
    return {"release_date": release["published"], "lag_days": "" if lag is None else str(lag)}


#: How the study's treatments and measures are named on the page.
STUDY_TREATMENTS = {
    "convention": "the release's convention",
    "minimum": "every withheld cell at its minimum",
    "midpoint": "every withheld cell at its midpoint",
    "maximum": "every withheld cell at its maximum",
    "marker_range": "range from the markers alone",
    "exact_range": "range from the printed totals",
}
STUDY_MEASURES = {"known": "instances with a known platform", "owner_share": "owner group's share"}
