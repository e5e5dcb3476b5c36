"""Which instances a build counts, and their sums and shares by platform group.

Everything here works on the tidy ``data/processed/instances.csv`` (one row per source row and
offence group, with ``count`` empty and ``lower``/``upper`` given when a force withheld a small
number). The steps are:

1. :func:`select_instances` keeps one wave, some offence groups, and drops excluded forces.
2. :func:`apply_withheld` fills each withheld cell by the chosen treatment (minimum, midpoint
   or maximum of its range) and keeps each row's minimum and maximum beside it.
3. :func:`force_groups` sums the rows into platform groups per force (the owner group's
   platforms come from ``ownership.csv`` as of a date, its names from ``owners.csv``:
   :func:`owner_group`).
4. :func:`totals` and :func:`share` turn those sums into shares, with their extremes over every
   withheld cell.

Shares are proportions (0 to 1) here; the tables show them as percentages, because the
published figures are percentages.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from src.data.names import owner_name_on
from src.data.reference import owner_on
from src.errors import InputError
from src.findings.convention import (
    FROM_RELEASE,
    REMAINDER,
    RULES,
    Convention,
    remainder_rows,
    withheld_value,
)
from src.vocab import PLATFORM_GROUPS

# --- Platform groups -------------------------------------------------------------------------

GROUPS = PLATFORM_GROUPS


#: The headline shares: (platform group, denominator group).
HEADLINE_SHARES = (
    ("facebook_owned", "all_known"),
    ("instagram", "all_known"),
    ("facebook_messenger", "all_known"),
    ("whatsapp", "all_known"),
    ("whatsapp", "facebook_owned"),
    ("other", "all_known"),
)


#: The platforms named as their own group; every platform is also in ``all_known`` (or
#: ``unknown``) and, depending on its owner on the day, in ``facebook_owned`` or ``other``.
NAMED_PLATFORMS = ("instagram", "facebook_messenger", "whatsapp")


TREATMENTS = {
    "minimum": "minimum",
    "min": "minimum",
    "midpoint": "midpoint",
    "mid": "midpoint",
    "maximum": "maximum",
    "max": "maximum",
    "middle_rounded_down": "middle_rounded_down",
    FROM_RELEASE: FROM_RELEASE,
}


def share_label(group: str, denominator: str) -> str:
    """A short name for a share, e.g. ``facebook_owned_of_all_known``."""
    return f"{group}_of_{denominator}"


# --- Selecting and treating the instances ----------------------------------------------------


def normalise_treatment(treatment: str) -> str:
    """``release`` (the counting convention the wave's release is declared to follow),
    ``minimum``, ``midpoint``, ``maximum`` (``min``/``mid``/``max`` are accepted too) or
    ``middle_rounded_down``."""
    key = str(treatment).strip().lower()
    if key not in TREATMENTS:
        raise InputError(
            "parameters",
            "withheld_treatment",
            f"'{treatment}' is not a treatment of withheld cells",
            "use one of: release, minimum, midpoint, maximum, middle_rounded_down",
        )
    return TREATMENTS[key]


def _as_bool(column: pd.Series) -> pd.Series:
    if column.dtype == bool:
        return column
    return column.astype(str).str.strip().str.lower().isin(["true", "1", "yes"])


def select_instances(
    instances: pd.DataFrame,
    wave: str,
    offence_groups: list[str] | tuple[str, ...],
    exclude_forces: list[str] | tuple[str, ...] = (),
    known_forces: set[str] | None = None,
    group_parts: dict[str, tuple[str, ...]] | None = None,
) -> pd.DataFrame:
    """The rows of one wave and the chosen offence groups, without the excluded forces.

    A row of a group that covers several groups together (``group_parts``, from
    offence_groups.csv's ``includes``: a return that did not split them) is kept when every
    group it covers is chosen, and left out otherwise: it cannot be split.

    An excluded force or an offence group that is not in the data is a parameter error (most
    likely a typo), so it stops the run rather than silently changing nothing.
    """
    present_groups = set(instances["offence_group"])
    unknown_groups = sorted(set(offence_groups) - present_groups)
    if unknown_groups or not offence_groups:
        raise InputError(
            "parameters",
            "offence_groups",
            f"no instances for offence group(s) {unknown_groups or '(none given)'}",
            f"use offence groups found in instances.csv: {sorted(present_groups)}",
        )
    forces = known_forces if known_forces is not None else set(instances["force"])
    unknown_forces = sorted(set(exclude_forces) - set(forces))
    if unknown_forces:
        raise InputError(
            "parameters",
            "exclude_forces",
            f"unknown force(s) {unknown_forces}",
            "use force ids from data/reference/forces.csv",
        )
    chosen = set(offence_groups)
    together = [g for g, parts in (group_parts or {}).items() if len(parts) > 1 and set(parts) <= chosen]
    keep = (
        (instances["wave"] == wave)
        & instances["offence_group"].isin([*chosen, *together])
        & ~instances["force"].isin(list(exclude_forces))
    )
    if not (instances["wave"] == wave).any():
        raise InputError(
            "parameters",
            "wave",
            f"no instances for wave '{wave}'",
            f"use a wave found in instances.csv: {sorted(set(instances['wave']))}",
        )
    return instances.loc[keep].reset_index(drop=True)


def apply_withheld(instances: pd.DataFrame, treatment: str = "midpoint") -> pd.DataFrame:
    """Add ``value`` (the count, or the withheld cell filled by ``treatment``, a rule of
    :data:`src.findings.convention.RULES`), and ``value_min`` and ``value_max`` (the count, or
    the ends of the withheld range), as floats.
    """
    treatment = normalise_treatment(treatment)
    if treatment not in RULES:
        raise ValueError(f"'{treatment}' names no rule: resolve it with convention_for first")
    out = instances.copy()
    withheld = _as_bool(out["withheld"])
    count = pd.to_numeric(out["count"], errors="coerce").astype(float)
    lower = pd.to_numeric(out["lower"], errors="coerce").astype(float)
    upper = pd.to_numeric(out["upper"], errors="coerce").astype(float)
    bad = (withheld & (lower.isna() | upper.isna() | (lower > upper))) | (~withheld & count.isna())
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            "data/processed/instances.csv",
            f"row {row + 2}",
            "a withheld row needs lower <= upper, and any other row needs a count",
            "rerun notebooks/10-clean.ipynb; if it persists, fix the reading spec of "
            f"{out['source_file'].iloc[row] if 'source_file' in out else 'that return'}",
        )
    low = count.where(~withheld, lower)
    high = count.where(~withheld, upper)
    out["value"] = count.where(~withheld, withheld_value(lower, upper, treatment))
    out["value_min"] = low
    out["value_max"] = high
    out["withheld"] = withheld
    return out


def treat(
    selected: pd.DataFrame, reconciliation: pd.DataFrame, convention: Convention
) -> pd.DataFrame:
    """The selected instances counted by ``convention``: each withheld cell by its rule, and,
    when known totals come from printed totals, each block's remainder as a row of its own
    (:func:`src.findings.convention.remainder_rows`)."""
    treated = apply_withheld(selected, convention.withheld_counted_as)
    extra = remainder_rows(selected, reconciliation, convention)
    if extra.empty:
        return treated
    extra = extra.astype({c: treated[c].dtype for c in ("value", "value_min", "value_max")})
    return pd.concat([treated, extra], ignore_index=True)


# --- Ownership -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerGroup:
    """The platforms one owner held on a date, and its names that day (``owners.csv``): the
    owner's (``owner_name``, ``short_name``) and its group's (``group``, the slug;
    ``group_name``, e.g. "... apps"; ``group_adjective``, e.g. "...-owned")."""

    owner: str
    owner_name: str
    as_of: str
    platforms: tuple[str, ...]
    group: str = ""
    group_name: str = ""
    group_adjective: str = ""
    short_name: str = ""


def as_of_date(owner_as_of, wave_end: str) -> str:
    """The date ownership is taken on: ``owner_as_of``, or the wave's last day when it is None."""
    if owner_as_of is None or str(owner_as_of).strip() in ("", "None"):
        return str(wave_end)
    try:
        return dt.date.fromisoformat(str(owner_as_of)[:10]).isoformat()
    except ValueError:
        raise InputError(
            "parameters",
            "owner_as_of",
            f"'{owner_as_of}' is not a date",
            "give a date as YYYY-MM-DD (quoted in YAML), or None for the wave's last day",
        ) from None


def owner_group(
    ownership: pd.DataFrame, as_of: str, owners: pd.DataFrame, group: str
) -> OwnerGroup:
    """The owner group ``group`` on ``as_of``: the owner whose name that day belongs to it
    (``owners.csv``), the platforms it owned that day (``ownership.csv``) and its names that
    day (:func:`~src.data.names.owner_name_on`), so that a renamed owner still counts
    and is named as it was on the day."""
    candidates = sorted(set(owners.loc[owners["group"] == group, "owner"]))
    if len(candidates) != 1:
        raise InputError(
            "data/reference/owners.csv",
            f"column 'group', value '{group}'",
            f"the owner group must have one owner, not {len(candidates)}",
            "name one owner with this group in owners.csv",
        )
    (owner,) = candidates
    named = owner_name_on(owners, owner, as_of)
    platforms = sorted(
        p for p in set(ownership["platform"]) if owner_on(p, as_of, ownership) == owner
    )
    if not platforms:
        raise InputError(
            "data/reference/ownership.csv",
            f"owner '{owner}'",
            f"no platform owned on {as_of}",
            "add an ownership row covering that date, or choose another owner_as_of",
        )
    return OwnerGroup(
        owner=owner,
        owner_name=named["name"],
        as_of=as_of,
        platforms=tuple(platforms),
        group=group,
        group_name=named["group_name"],
        group_adjective=named["group_adjective"],
        short_name=named["short_name"],
    )


# --- Sums by platform group ------------------------------------------------------------------


def force_groups(
    treated: pd.DataFrame,
    owned: tuple[str, ...],
    forces: list[str] | None = None,
    unknown_platforms: tuple[str, ...] = ("unknown",),
) -> pd.DataFrame:
    """One row per force and platform group: ``value``, ``value_min``, ``value_max`` and
    ``withheld_cells`` (how many withheld cells went into it).

    ``owned`` is the owner group's platforms on the day; ``forces`` lists every force that
    should appear (those with no rows get zeros), by default every force in ``treated``.
    """
    cols = ["value", "value_min", "value_max", "withheld_cells"]
    data = treated.assign(withheld_cells=_as_bool(treated["withheld"]).astype(int))
    platform = data["platform"]
    known = ~platform.isin(list(unknown_platforms))
    masks = {
        "all_known": known,
        "facebook_owned": known & platform.isin(list(owned)),
        "instagram": platform == "instagram",
        "facebook_messenger": platform == "facebook_messenger",
        "whatsapp": platform == "whatsapp",
        "other": known & ~platform.isin([*owned, REMAINDER]),
        "facebook_column": known & platform.isin([p for p in owned if p != "instagram"]),
        "unknown": ~known,
    }
    all_forces = sorted(set(forces) if forces is not None else set(data["force"]))
    pieces = []
    for group in GROUPS:
        summed = data.loc[masks[group]].groupby("force")[cols].sum()
        summed = summed.reindex(all_forces, fill_value=0).astype(float)
        summed["withheld_cells"] = summed["withheld_cells"].astype(int)
        pieces.append(summed.assign(group=group).reset_index(names="force"))
    out = pd.concat(pieces, ignore_index=True)
    return out[["force", "group", *cols]].sort_values(["force", "group"], ignore_index=True)


def totals(groups: pd.DataFrame, forces: list[str] | None = None) -> pd.DataFrame:
    """Sums over forces (all, or those in ``forces``), indexed by platform group."""
    data = groups if forces is None else groups[groups["force"].isin(forces)]
    out = data.groupby("group")[["value", "value_min", "value_max", "withheld_cells"]].sum()
    return out.reindex(list(GROUPS), fill_value=0)


def wide(groups: pd.DataFrame, column: str = "value") -> pd.DataFrame:
    """Force by platform group, one column per group."""
    table = groups.pivot(index="force", columns="group", values=column)
    return table.reindex(columns=list(GROUPS)).fillna(0)


# --- Shares ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """A share at the chosen treatment, and its extremes over every withheld cell."""

    group: str
    denominator: str
    count: float
    total: float
    value: float
    lowest: float
    highest: float


def ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


def share(tot: pd.DataFrame, group: str, denominator: str) -> Share:
    """``group`` as a share of ``denominator`` (a group that contains it).

    The extremes hold the group's own withheld cells at one end of their ranges and the rest of
    the denominator's at the other end: the share (a + x) / (N + x) rises with the group's own
    cells and falls with everyone else's, so these two corners bound every possible value.
    """
    g, d = tot.loc[group], tot.loc[denominator]
    rest_min, rest_max = d["value_min"] - g["value_min"], d["value_max"] - g["value_max"]
    return Share(
        group=group,
        denominator=denominator,
        count=float(g["value"]),
        total=float(d["value"]),
        value=ratio(g["value"], d["value"]),
        lowest=ratio(g["value_min"], g["value_min"] + rest_max),
        highest=ratio(g["value_max"], g["value_max"] + rest_min),
    )


def shares(tot: pd.DataFrame, pairs=HEADLINE_SHARES) -> list[Share]:
    return [share(tot, g, d) for g, d in pairs]


def treatment_scenarios(groups: pd.DataFrame, pairs=HEADLINE_SHARES) -> pd.DataFrame:
    """Each share with every withheld cell at its minimum, its midpoint and its maximum."""
    tot = totals(groups)
    rows = []
    for group, denominator in pairs:
        row = {"group": group, "denominator": denominator}
        for name, column in (("minimum", "value_min"), ("maximum", "value_max")):
            row[f"all_{name}"] = ratio(tot.loc[group, column], tot.loc[denominator, column])
        mid = (tot["value_min"] + tot["value_max"]) / 2
        row["all_midpoint"] = ratio(mid[group], mid[denominator])
        rows.append(row)
    return pd.DataFrame(rows)
