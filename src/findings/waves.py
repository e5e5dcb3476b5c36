"""Every wave side by side: each measure per wave, over all the forces that gave data in it
and over the forces that gave data in every wave compared (like for like), and the published
statements that compare one wave with another (``compares_with`` in a release's figures).

:func:`wave_groups` sums one wave's instances by platform group exactly as a build of that wave
does; :func:`waves_table` sets the waves side by side; :func:`wave_statements` judges each
statement against the returns of both waves and against both waves' published figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from src.findings.convention import convention_for
from src.findings.params import Inputs, Params
from src.findings.published import _target, _text, statement_holds
from src.findings.shares import (
    as_of_date,
    force_groups,
    owner_group,
    select_instances,
    share,
    totals,
    treat,
)
from src.findings.text import period_text
from src.vocab import COUNT_PLACES, PERCENT_PLACES

#: The two bases of the comparison: every force with data in the wave, and the forces with
#: data in every wave compared.
ALL_FORCES = "all forces"
LIKE_FOR_LIKE = "like for like"
#: The groups the table shows for each wave, after the owner group's own platforms.
TOTAL_GROUP = "all_known"


@dataclass(frozen=True)
class Wave:
    """One wave's instances by force and platform group, at a build's parameters."""

    wave: str
    start: str
    end: str
    groups: pd.DataFrame
    owner_group: str
    owned: tuple[str, ...]

    @property
    def forces(self) -> list[str]:
        return sorted(set(self.groups["force"]))


def waves_with_data(inputs: Inputs) -> list[str]:
    """The waves of ``waves.csv`` that have instances in ``instances.csv``, oldest first."""
    waves = inputs.reference.waves.sort_values(["start", "wave"])
    present = set(inputs.instances["wave"])
    return [w for w in waves["wave"] if w in present]


def wave_groups(inputs: Inputs, params: Params, wave_id: str, owner_group_id: str) -> Wave:
    """One wave's instances summed by force and platform group with ``params``' offence
    groups, treatment of withheld cells and excluded forces, the owner group taken on the
    wave's last day (or ``params.owner_as_of``)."""
    ref = inputs.reference
    wave = ref.wave(wave_id)
    owned = owner_group(
        ref.ownership, as_of_date(params.owner_as_of, wave["end"]), ref.owners, owner_group_id
    )
    unknown = tuple(ref.platforms.loc[ref.platforms["kind"] == "unknown", "platform"])
    selected = select_instances(
        inputs.instances,
        wave_id,
        params.offence_groups,
        [f for f in params.exclude_forces if f in set(inputs.instances["force"])],
        known_forces=set(ref.forces["force"]),
    )
    convention = convention_for(
        params.withheld_treatment, inputs.releases, inputs.conventions, wave_id
    )
    treated = treat(selected, inputs.reconciliation, convention)
    included = sorted(set(treated["force"]))
    groups = force_groups(treated, owned.platforms, included, unknown)
    return Wave(wave_id, wave["start"], wave["end"], groups, owner_group_id, owned.platforms)


def like_for_like_forces(waves: list[Wave]) -> list[str]:
    """The forces with data in every one of ``waves``."""
    if not waves:
        return []
    common = set(waves[0].forces)
    for wave in waves[1:]:
        common &= set(wave.forces)
    return sorted(common)


def _groups_shown(waves: list[Wave]) -> list[str]:
    """The owner group, then every platform it held in any wave (in order of first holding),
    then the known instances outside it and all known instances."""
    owner = waves[-1].owner_group
    owned = list(dict.fromkeys(p for w in waves for p in w.owned))
    return [owner, *owned, "other", TOTAL_GROUP]


def waves_table(waves: list[Wave], names: dict[str, str] | None = None) -> pd.DataFrame:
    """Each wave, each basis (:data:`ALL_FORCES`, :data:`LIKE_FOR_LIKE`) and each group: the
    forces counted, the instances, the known instances and the group's share of them (with
    its range over the withheld cells), each group with its ``label`` from ``names`` (its id
    when none). Like for like is left out when there is one wave."""
    names = names or {}
    common = like_for_like_forces(waves)
    bases = [(ALL_FORCES, None)]
    if len(waves) > 1:
        bases.append((LIKE_FOR_LIKE, common))
    rows = []
    for basis, chosen in bases:
        for wave in waves:
            forces = wave.forces if chosen is None else chosen
            tot = totals(wave.groups, forces)
            for group in _groups_shown(waves):
                present = group in tot.index
                item = share(tot, group, TOTAL_GROUP) if present else None
                rows.append(
                    {
                        "wave": wave.wave,
                        "period": period_text(wave.start, wave.end),
                        "period_start": wave.start,
                        "period_end": wave.end,
                        "basis": basis,
                        "forces": len(forces),
                        "group": group,
                        "label": names.get(group, group),
                        "count": float(tot.loc[group, "value"]) if present else math.nan,
                        "known": float(tot.loc[TOTAL_GROUP, "value"])
                        if TOTAL_GROUP in tot.index
                        else math.nan,
                        "share": 100 * item.value if item else math.nan,
                        "share_lowest": 100 * item.lowest if item else math.nan,
                        "share_highest": 100 * item.highest if item else math.nan,
                    }
                )
    table = pd.DataFrame(rows, columns=WAVES_COLUMNS)
    for column, places in (("count", COUNT_PLACES), ("known", COUNT_PLACES)):
        table[column] = table[column].round(places)
    for column in ("share", "share_lowest", "share_highest"):
        table[column] = table[column].round(PERCENT_PLACES)
    return table


WAVES_COLUMNS = [
    "wave",
    "period",
    "period_start",
    "period_end",
    "basis",
    "forces",
    "group",
    "label",
    "count",
    "known",
    "share",
    "share_lowest",
    "share_highest",
]


def wave_forces(waves: list[Wave]) -> pd.DataFrame:
    """Every force with data in any wave: in which waves, and whether it is like for like."""
    common = set(like_for_like_forces(waves))
    forces = sorted({f for w in waves for f in w.forces})
    rows = []
    for force in forces:
        row = {"force": force}
        for wave in waves:
            row[wave.wave] = force in wave.forces
        row["like_for_like"] = force in common
        rows.append(row)
    return pd.DataFrame(rows, columns=["force", *[w.wave for w in waves], "like_for_like"])


def change(now: float, before: float) -> float:
    """The percentage change from ``before`` to ``now`` (NaN without a base)."""
    if not (math.isfinite(now) and math.isfinite(before)) or before == 0:
        return math.nan
    return 100 * (now / before - 1)


def published_value(published: pd.DataFrame, wave: str, group: str) -> tuple[float, str]:
    """A wave's national published count for ``group``: the count itself, else its share of
    the published known instances applied to them (as a reader would work it out), with how
    it was got."""
    rows = published[(published["wave"] == wave) & (published["geography"] == "national")]
    rows = rows[rows["compares_with"].fillna("").str.strip() == ""]
    exact = rows[(rows["unit"] == "count") & (rows["comparison"] == "exact")]
    counts = dict(zip(exact["platform_group"], exact["value"].astype(float), strict=False))
    if group in counts:
        return counts[group], "the published count"
    shares = rows[
        (rows["unit"] == "percent")
        & (rows["platform_group"] == group)
        & (rows["denominator"] == TOTAL_GROUP)
    ]
    if len(shares) and TOTAL_GROUP in counts:
        value = float(shares["value"].iloc[0]) / 100 * counts[TOTAL_GROUP]
        return value, (
            f"{shares['as_published'].iloc[0]} of the published {counts[TOTAL_GROUP]:,.0f}"
        )
    return math.nan, "not published"


def _verdict(comparison: str, value: float, published: float, precision) -> str:
    if not math.isfinite(value):
        return "not available"
    if statement_holds(comparison, value, published, precision, "percent_change"):
        return "holds"
    if comparison == "rounded" and value > published:
        return "does not hold as rounded; holds as 'at least'"
    return "does not hold"


def wave_statements(
    published: pd.DataFrame, waves: dict[str, Wave], like_for_like: list[str]
) -> pd.DataFrame:
    """Each published statement comparing two waves (``unit`` ``percent_change``), against the
    change the returns give (all forces of each wave, and like for like) and the change the
    two waves' published figures give."""
    statements = published[published["compares_with"].fillna("").str.strip() != ""]
    rows = []
    for _, row in statements.iterrows():
        now, before = waves.get(row["wave"]), waves.get(row["compares_with"])
        group = row["platform_group"]
        precision = None if _text(row["precision"]) == "" else int(float(row["precision"]))
        target = float(row["value"])
        results = {}
        for basis, forces in (("all_forces", None), ("like_for_like", like_for_like)):
            if now is None or before is None:
                results[basis] = math.nan
                continue
            a = totals(now.groups, forces if forces is not None else now.forces)
            b = totals(before.groups, forces if forces is not None else before.forces)
            va = float(a.loc[group, "value"]) if group in a.index else math.nan
            vb = float(b.loc[group, "value"]) if group in b.index else math.nan
            results[basis] = change(va, vb)
        pub_now, how_now = published_value(published, row["wave"], group)
        pub_before, how_before = published_value(published, row["compares_with"], group)
        results["published"] = change(pub_now, pub_before)
        out = {
            "figure_id": row["figure_id"],
            "release": row["release"],
            "wave": row["wave"],
            "compares_with": row["compares_with"],
            "platform_group": group,
            "as_published": row["as_published"],
            "published": target,
            "comparison": row["comparison"],
            "precision": precision,
        }
        for basis in ("all_forces", "like_for_like", "published"):
            value = results[basis]
            out[f"change_{basis}"] = value
            out[f"verdict_{basis}"] = _verdict(row["comparison"], value, target, precision)
        out["published_now"] = pub_now
        out["published_now_from"] = how_now
        out["published_before"] = pub_before
        out["published_before_from"] = how_before
        out["note"] = statement_note(out)
        rows.append(out)
    table = pd.DataFrame(rows, columns=STATEMENT_COLUMNS)
    for column in ("change_all_forces", "change_like_for_like", "change_published"):
        table[column] = table[column].astype(float).round(PERCENT_PLACES)
    for column in ("published_now", "published_before"):
        table[column] = table[column].astype(float).round(COUNT_PLACES)
    return table


STATEMENT_COLUMNS = [
    "figure_id",
    "release",
    "wave",
    "compares_with",
    "platform_group",
    "as_published",
    "published",
    "comparison",
    "precision",
    "change_all_forces",
    "verdict_all_forces",
    "change_like_for_like",
    "verdict_like_for_like",
    "change_published",
    "verdict_published",
    "published_now",
    "published_now_from",
    "published_before",
    "published_before_from",
    "note",
]


def statement_note(row: dict) -> str:
    """One sentence on what the statement fits."""

    def pct(v: float) -> str:
        return "not available" if not math.isfinite(v) else f"{v:+.0f}%"

    parts = [
        f"the published figures of both waves give {pct(row['change_published'])} "
        f"({row['verdict_published']})",
        f"the returns of all forces give {pct(row['change_all_forces'])} "
        f"({row['verdict_all_forces']})",
        f"the forces with data in both waves give {pct(row['change_like_for_like'])} "
        f"({row['verdict_like_for_like']})",
    ]
    rule = ""
    if row["comparison"] == "rounded":
        low, high, _ = _target("rounded", row["published"], row["precision"], "percent")
        rule = (
            f" Read as rounded to {_places(row['precision'] or 0)}, it stands for a change of "
            f"{low:.0f}% to under {high:.0f}%."
        )
    return f"'{row['as_published']}': " + "; ".join(parts) + "." + rule


def _places(precision: int) -> str:
    if precision < 0:
        return f"the nearest {10**-precision:,}"
    return f"{precision} decimal places" if precision else "a whole number"


def compare_waves(
    inputs: Inputs, params: Params, owner_group_id: str, names: dict[str, str] | None = None
) -> dict[str, pd.DataFrame]:
    """The tables ``waves`` (every wave with data side by side) and ``wave_statements`` (the
    published statements comparing two waves), at ``params``."""
    waves = [wave_groups(inputs, params, w, owner_group_id) for w in waves_with_data(inputs)]
    common = like_for_like_forces(waves)
    return {
        "waves": waves_table(waves, names),
        "wave_forces": wave_forces(waves),
        "wave_statements": wave_statements(inputs.published, {w.wave: w for w in waves}, common),
    }
