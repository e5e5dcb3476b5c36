"""Whether a published figure and a computed one can be compared, and what the comparison says:
the forces a figure says it covers, why a computed figure is not comparable with it (the release
covered other forces, or not every return of its area itemises the figure), and its verdict,
which on returns any of which is simulated is a check of the method, never of the release."""

from __future__ import annotations

import math

import pandas as pd

from src.vocab import (
    AS_ROUNDED,
    DOES_NOT_HOLD,
    HOLDS,
    IN_PART,
    METHOD_CHECK,
    NOT_COMPARABLE,
    OWN_DISAGREE,
)


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def not_comparable_note(geography: str, area: str) -> str:
    """Why a published figure about an area with no force in the build has no computed value."""
    missing = f"the force '{area}' is not" if geography == "force" else f"no force of {area} is"
    return f"Not comparable: {missing} in this build, so the returns give no value for it."


def release_coverage(text) -> int | set[str] | None:
    """A published figure's ``forces``: how many forces it covers, which ones, or None when the
    release did not say (taken to be the build's forces of its area)."""
    text = _text(text)
    if not text:
        return None
    return int(text) if text.isdigit() else {f.strip() for f in text.split(";") if f.strip()}


def coverage_problem(
    members: list[str], counted: list[str], covered, names: dict[str, str] | None = None
) -> str:
    """Why a computed figure is not comparable with a published one, or '' when it is:
    ``members`` are the build's forces of the figure's area, ``counted`` those whose returns
    give the figure's count (:func:`~src.findings.shares.itemising`), ``covered`` the
    release's coverage (:func:`release_coverage`)."""
    names = names or {}
    if isinstance(covered, int) and covered != len(members):
        return (
            f"Not comparable: the release covered {covered:,} forces and this build has "
            f"returns from {len(members):,} of its area."
        )
    if isinstance(covered, set) and covered != set(members):
        missing = sorted(covered - set(members))
        extra = sorted(set(members) - covered)
        said = []
        if missing:
            said.append("no return from " + ", ".join(names.get(f, f) for f in missing))
        if extra:
            said.append("returns from " + ", ".join(names.get(f, f) for f in extra) + " besides")
        return (
            f"Not comparable: the release covered {len(covered):,} forces; this build has "
            + " and ".join(said)
            + "."
        )
    if len(counted) < len(members):
        left = sorted(set(members) - set(counted))
        return (
            f"Not comparable: {len(counted):,} of {len(members):,} forces' returns itemise it "
            f"({', '.join(names.get(f, f) for f in left)} do{'es' if len(left) == 1 else ''} "
            "not)."
        )
    return ""


def verdict(
    holds,
    own: str,
    comparable: bool,
    simulated: bool = False,
    over_range: str = "",
    truncated=None,
) -> str:
    """A figure's verdict in words. On real returns, how far it holds (:data:`JUDGED`: at the
    figure and over its whole range ``over_range``; over part of it; only if the release
    truncated); what the release's own figures say of it is said by its checks against itself.
    On returns any of which is simulated, that, when they contradict it; else
    :data:`METHOD_CHECK`."""
    if not comparable:
        return NOT_COMPARABLE
    if simulated:
        return OWN_DISAGREE if own == "disagree" else METHOD_CHECK
    if holds is None or (isinstance(holds, float) and math.isnan(holds)):
        return "not judged"
    if holds and over_range in ("", "throughout"):
        return HOLDS
    if over_range == "in part" or holds:
        return IN_PART
    return AS_ROUNDED if truncated else DOES_NOT_HOLD


def as_read(rows: pd.DataFrame) -> pd.DataFrame:
    """Comparison rows as a reader is shown them: where any return behind a figure is simulated,
    no "holds" is shown, and the note says why it is not comparable (if it is not) and that it is
    a check of the method, instead of whether the statement holds; the verdict (what the
    release's own figures say, a check of the method, or not comparable) is kept."""
    out = rows.copy()
    if "returns" in out:
        method = out["returns"].fillna("") != "real"
    elif "verdict" in out:
        method = out["verdict"] == METHOD_CHECK
    else:
        method = pd.Series(False, index=out.index)
    for column in ("holds", "holds_if_truncated", "holds_over_withheld_range"):
        if column in out:
            out[column] = out[column].astype(object).where(~method, pd.NA)
    if "note" in out:
        said = (
            "Computed from returns of which some or all are simulated, drawn to agree with the "
            "release: a check of the method, not of the release."
        )
        why = out["coverage_note"].fillna("") if "coverage_note" in out else ""
        out.loc[method, "note"] = (
            (why + " " + said).str.strip()[method] if "coverage_note" in out else said
        )
    return out.drop(columns="coverage_note", errors="ignore")
