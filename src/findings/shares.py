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
    in_wave = instances[instances["wave"] == wave]
    present_groups = set(in_wave["offence_group"])
    covered = present_groups | {
        part for g in present_groups for part in (group_parts or {}).get(g, (g,))
    }
    unknown_groups = sorted(set(offence_groups) - covered)
    if (unknown_groups and len(in_wave)) or not offence_groups:
        raise InputError(
            "parameters",
            "offence_groups",
            f"no instances of wave '{wave}' for offence group(s) "
            f"{', '.join(unknown_groups) or '(none given)'}",
            f"use offence groups the wave's returns count: {', '.join(sorted(covered))} (or "
            "None, for those its request asked about)",
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
    together = [
        g for g, parts in (group_parts or {}).items() if len(parts) > 1 and set(parts) <= chosen
    ]
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

#: The kinds of platform (platforms.csv) that are a known platform, or a column of several.
NAMED_KINDS = ("app", "service", "category", "combined")


@dataclass(frozen=True)
class GroupRules:
    """Which platforms each platform group holds, and whether a return settles a group.

    ``members``: each group's base platforms (a combined column, such as a 'Facebook' column
    that holds Facebook, Messenger and WhatsApp, counts by its parts: ``parts``); ``universe``
    every known base platform; the rows of ``unknown`` platforms count in ``unknown`` only, of
    ``remainder`` (what printed totals count beyond their cells) in ``all_known`` only, and of
    ``not_itemised`` (what a partial return's total counts beyond the rows it itemises) in
    ``all_known`` and in every group that holds every platform the return did not itemise.
    """

    order: tuple[str, ...]
    members: dict[str, frozenset]
    parts: dict[str, tuple[str, ...]]
    universe: frozenset
    unknown: frozenset = frozenset({"unknown"})
    remainder: frozenset = frozenset({REMAINDER})
    not_itemised: frozenset = frozenset({"not_itemised"})

    def base(self, platforms) -> frozenset:
        """The base platforms of ``platforms`` (each combined column by its parts)."""
        return frozenset(p for platform in platforms for p in self.parts.get(platform, (platform,)))

    def settles(self, group: str, platforms) -> bool:
        """Whether a force whose rows name ``platforms`` gives ``group``'s count: each row lies
        wholly in the group or wholly outside it, and so does what it does not itemise."""
        if group in ("all_known", "unknown"):
            return True
        return self.settles_set(self.members[group], platforms)

    def settles_set(self, members: frozenset, platforms) -> bool:
        """:meth:`settles` for the group of the base platforms ``members``."""
        named = [p for p in platforms if p in self.parts]
        for platform in named:
            base = self.base([platform])
            if not (base <= members or not (base & members)):
                return False
        if not set(platforms) & self.not_itemised:
            return True
        rest = self.universe - self.base(named)
        return rest <= members or not (rest & members)


def group_rules(
    groups: pd.DataFrame,
    platforms: pd.DataFrame,
    owned: tuple[str, ...],
    extra: list[str] | tuple[str, ...] = (),
) -> GroupRules:
    """The rules of :class:`GroupRules` from groups.csv (each group's kind, and ``platforms``
    for a group of kind ``printed``), platforms.csv (kinds and ``includes``) and the owner
    group's platforms on the build's date; ``extra`` adds a group of one platform for each
    platform named (a published figure about it, or the largest platform)."""
    kinds = dict(zip(platforms["platform"], platforms["kind"], strict=True))
    parts = {
        row.platform: tuple(p for p in str(getattr(row, "includes", "")).split(";") if p)
        or (row.platform,)
        for row in platforms.itertuples(index=False)
        if row.kind in NAMED_KINDS
    }
    universe = frozenset(p for p, k in kinds.items() if k in NAMED_KINDS and k != "combined")

    def base(names) -> frozenset:
        return frozenset(p for name in names for p in parts.get(name, (name,)))

    owner = base(owned)
    members: dict[str, frozenset] = {}
    for row in groups.itertuples(index=False):
        listed = [p for p in str(getattr(row, "platforms", "") or "").split(";") if p]
        members[row.group] = {
            "all": universe,
            "owner": owner,
            "platform": base([row.group]),
            "rest": universe - owner,
            "printed": base(listed),
            "unknown": frozenset(),
        }[row.kind]
    order = list(members)
    for platform in extra:
        if platform not in members and platform in parts:
            members[platform] = base([platform])
            order.append(platform)
    return GroupRules(
        order=tuple(order),
        members=members,
        parts=parts,
        universe=universe,
        unknown=frozenset(p for p, k in kinds.items() if k == "unknown") or frozenset({"unknown"}),
        remainder=frozenset(p for p, k in kinds.items() if k == "remainder")
        or frozenset({REMAINDER}),
        not_itemised=frozenset(p for p, k in kinds.items() if k == "not_itemised")
        or frozenset({"not_itemised"}),
    )


def membership(rows: pd.DataFrame, rules: GroupRules) -> pd.DataFrame:
    """For each row (``force``, ``platform``), 1 in each group it counts in, 0 elsewhere.

    A row of a named platform (or a combined column) counts in each group that holds all its
    parts; a not-itemised row counts in ``all_known`` and in each group that holds every
    platform its force's rows do not name (:meth:`GroupRules.settles`)."""
    platform = rows["platform"].astype(str)
    out = pd.DataFrame(0, index=rows.index, columns=list(rules.order), dtype=int)
    unknown = platform.isin(list(rules.unknown))
    out.loc[~unknown, "all_known"] = 1
    if "unknown" in out:
        out.loc[unknown, "unknown"] = 1
    named = platform.isin(list(rules.parts))
    for p in sorted(set(platform[named])):
        base = rules.base([p])
        rows_p = named & (platform == p)
        for group in rules.order:
            if group not in ("all_known", "unknown") and base and base <= rules.members[group]:
                out.loc[rows_p, group] = 1
    partial = platform.isin(list(rules.not_itemised))
    if partial.any():
        forces = rows["force"].astype(str)
        for force in sorted(set(forces[partial])):
            itemised = rules.base(set(platform[(forces == force) & named]))
            rest = rules.universe - itemised
            these = partial & (forces == force)
            for group in rules.order:
                if group not in ("all_known", "unknown") and rest and rest <= rules.members[group]:
                    out.loc[these, group] = 1
    return out


def settled(rows: pd.DataFrame, rules: GroupRules, forces) -> pd.DataFrame:
    """One row per force (of ``forces``) and group: ``itemised``, whether the force's rows give
    the group's count (:meth:`GroupRules.settles`); a force with no rows settles every group."""
    named = {
        force: set(part["platform"].astype(str))
        for force, part in rows.groupby(rows["force"].astype(str), sort=True)
    }
    return pd.DataFrame(
        [
            {"force": f, "group": g, "itemised": rules.settles(g, named.get(f, set()))}
            for f in forces
            for g in rules.order
        ]
    )


def force_groups(
    treated: pd.DataFrame,
    rules: GroupRules,
    forces: list[str] | None = None,
) -> pd.DataFrame:
    """One row per force and platform group: ``value``, ``value_min``, ``value_max``,
    ``withheld_cells`` (how many withheld cells went into it) and ``itemised`` (whether the
    force's return gives the group's count: a partial return that does not itemise a group's
    platforms does not, and its value there is only what it itemises).

    ``rules`` says which platforms each group holds (:func:`group_rules`); ``forces`` lists
    every force that should appear (those with no rows get zeros), by default every force in
    ``treated``.
    """
    cols = ["value", "value_min", "value_max", "withheld_cells"]
    data = treated.assign(withheld_cells=_as_bool(treated["withheld"]).astype(int))
    member = membership(data, rules)
    all_forces = sorted(set(forces) if forces is not None else set(data["force"]))
    pieces = []
    for group in rules.order:
        summed = data.loc[member[group] == 1].groupby("force")[cols].sum()
        summed = summed.reindex(all_forces, fill_value=0).astype(float)
        summed["withheld_cells"] = summed["withheld_cells"].astype(int)
        pieces.append(summed.assign(group=group).reset_index(names="force"))
    out = pd.concat(pieces, ignore_index=True)
    out = out.merge(settled(data, rules, all_forces), on=["force", "group"], how="left")
    order = {g: i for i, g in enumerate(rules.order)}
    out = out.sort_values(
        ["force", "group"], key=lambda c: c.map(order) if c.name == "group" else c
    )
    return out[["force", "group", *cols, "itemised"]].reset_index(drop=True)


def itemising(groups: pd.DataFrame, *names: str, forces=None) -> list[str]:
    """The forces (of ``forces``, default every force of ``groups``) whose returns give the
    count of every group of ``names`` (blank names are skipped), sorted."""
    chosen = set(groups["force"]) if forces is None else set(forces)
    rows = groups[groups["force"].isin(chosen) & groups["group"].isin([n for n in names if n])]
    if "itemised" not in rows or rows.empty:
        return sorted(chosen)
    ok = rows.groupby("force")["itemised"].all()
    return sorted(f for f in chosen if ok.get(f, True))


def group_order(groups: pd.DataFrame) -> list[str]:
    """The groups of a force-by-group table, in the order it lists them."""
    return list(dict.fromkeys([*GROUPS, *groups["group"]]))


def totals(groups: pd.DataFrame, forces: list[str] | None = None) -> pd.DataFrame:
    """Sums over forces (all, or those in ``forces``), indexed by platform group."""
    data = groups if forces is None else groups[groups["force"].isin(forces)]
    out = data.groupby("group")[["value", "value_min", "value_max", "withheld_cells"]].sum()
    return out.reindex(group_order(groups), fill_value=0)


def wide(groups: pd.DataFrame, column: str = "value") -> pd.DataFrame:
    """Force by platform group, one column per group."""
    table = groups.pivot(index="force", columns="group", values=column)
    return table.reindex(columns=group_order(groups)).fillna(0)


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
