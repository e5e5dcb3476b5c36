"""Whether a published figure and a computed one are about the same forces: the forces a
figure says it covers, and why a computed figure is not comparable with it (the release covered
other forces, or not every return of its area itemises the figure)."""

from __future__ import annotations

import pandas as pd


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
