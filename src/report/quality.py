"""The quality statement: the facts each quality dimension of official statistics rests on
(relevance; accuracy and reliability; timeliness and punctuality; accessibility and clarity;
coherence and comparability), computed from the tables the report reads, and the revisions log
(``data/reference/revisions.csv``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd


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


#: How the study's treatments, measures and targets are named on the page.
STUDY_TREATMENTS = {
    "convention": "the release's convention",
    "minimum": "every withheld cell at its minimum",
    "midpoint": "every withheld cell at its midpoint",
    "maximum": "every withheld cell at its maximum",
    "marker_range": "the range from the markers alone",
    "exact_range": "the range from the printed totals",
    "wilson_95": "the 95% Wilson interval",
    "bootstrap_95": "the 95% bootstrap interval over forces",
}
STUDY_MEASURES = {
    "known": "count of instances with a known platform",
    "owner_share": "owner group's share",
}
#: What a coverage is measured against, in the order the page gives them.
STUDY_TARGETS = {"expected share": "the expected", "realised truth": "the draw's true"}


def _covered(row: pd.Series) -> str:
    """'71% (± 3.2)': a coverage and its Monte Carlo error, in per cent."""
    return f"{100 * float(row['coverage']):.0f}% (± {100 * float(row['coverage_mc_error']):.1f})"


def _bias(row: pd.Series) -> str:
    """'+0.09 (± 0.01)': a bias and its Monte Carlo error (a share's in points)."""
    places = 2 if row["measure"] == "owner_share" else 1
    bias, mc = float(row["mean_error"]), float(row["bias_mc_error"])
    return f"{bias:+,.{places}f} (± {mc:,.{places}f})"


def study_sentences(study: pd.DataFrame) -> list[str]:
    """What the simulation study's table says, in words: how often each interval and range held
    its target, and each point treatment's bias, each with its Monte Carlo error."""
    order = list(STUDY_TARGETS)
    cover = study[study["coverage"] != ""].sort_values(
        "target", key=lambda t: t.map(order.index), kind="stable"
    )
    held = [
        f"{STUDY_TREATMENTS.get(r['treatment'], r['treatment'])} held {STUDY_TARGETS[r['target']]}"
        f" {STUDY_MEASURES.get(r['measure'], r['measure'])} in {_covered(r)} of draws"
        for _, r in cover.iterrows()
    ]
    biases = []
    for measure, rows in study[study["mean_error"] != ""].groupby("measure", sort=False):
        unit = " (percentage points)" if measure == "owner_share" else ""
        parts = [
            f"{STUDY_TREATMENTS.get(r['treatment'], r['treatment'])} {_bias(r)}"
            for _, r in rows.iterrows()
        ]
        biases.append(f"on the {STUDY_MEASURES.get(measure, measure)}{unit}, " + ", ".join(parts))
    draws = study["draws"].iloc[0]
    return [
        f"Over {draws} simulated draws whose truth varies, " + "; ".join(held) + ".",
        "Each treatment's bias (its mean error, ± its Monte Carlo error): "
        + "; ".join(biases)
        + ".",
    ]
