"""Every wave side by side: each measure per wave, over all the forces that gave data in it
and over the forces that gave data in every wave compared (like for like), and the published
statements that compare one wave with another (``compares_with`` in a release's figures).

:func:`wave_groups` sums one wave's instances by platform group exactly as a build of that wave
does; :func:`waves_table` sets the waves side by side; :func:`wave_statements` judges each
statement against the returns of both waves and against both waves' published figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from src.data.names import group_names, lookup, owner_name_on
from src.findings.convention import convention_for
from src.findings.coverage import verdict
from src.findings.exact import ExactBounds, exact_bounds
from src.findings.params import Inputs, Params
from src.findings.published import _target, _text, holds_over_range, statement_holds
from src.findings.shares import (
    as_of_date,
    force_groups,
    group_rules,
    itemising,
    owner_group,
    select_instances,
    share,
    totals,
    treat,
)
from src.findings.text import groups_text, period_text, returns_kind
from src.vocab import COUNT_PLACES, PERCENT_PLACES

#: The two bases of the comparison: every force with data in the wave, and the forces with
#: data in every wave compared.
ALL_FORCES = "all forces"
LIKE_FOR_LIKE = "like for like"
#: The groups the table shows for each wave, after the owner group's own platforms.
TOTAL_GROUP = "all_known"


@dataclass(frozen=True)
class Wave:
    """One wave's instances by force and platform group, at a build's parameters, with what a
    reader needs to know of that wave itself: the provenance of its returns (``returns``:
    real, simulated or mixed; ``real`` of ``forces`` real), each group's name as on its own
    date (``names``), the offence groups it is counted in (``scope``, named ``scope_name``)
    and whether they are the build's (``same_scope``)."""

    wave: str
    start: str
    end: str
    groups: pd.DataFrame
    owner_group: str
    owned: tuple[str, ...]
    returns: str = ""
    real: int = 0
    names: dict = field(default_factory=dict)
    scope: tuple[str, ...] = ()
    scope_name: str = ""
    same_scope: bool = True
    #: The exact ranges of its counts and shares (:func:`~src.findings.exact.exact_bounds`).
    exact: ExactBounds | None = None

    @property
    def forces(self) -> list[str]:
        return sorted(set(self.groups["force"]))


def waves_with_data(inputs: Inputs) -> list[str]:
    """The waves of ``waves.csv`` that have instances in ``instances.csv``, oldest first."""
    waves = inputs.reference.waves.sort_values(["start", "end", "wave"])
    present = set(inputs.instances["wave"])
    return [w for w in waves["wave"] if w in present]


def wave_scope(ref, params: Params, wave_id: str) -> tuple[str, ...]:
    """The offence groups a wave is counted in beside a build: those of the build's that the
    wave's request asked about, or, when it asked about none of them, its own."""
    own = ref.offence_groups_of(wave_id)
    chosen = params.offence_groups or own
    return tuple(g for g in chosen if g in own) or own


def wave_groups(inputs: Inputs, params: Params, wave_id: str, owner_group_id: str) -> Wave:
    """One wave's instances summed by force and platform group in the offence groups it shares
    with the build (:func:`wave_scope`), with ``params``' treatment of withheld cells and
    excluded forces, the owner group taken on the wave's last day (or ``params.owner_as_of``)
    and named as on that day."""
    ref = inputs.reference
    wave = ref.wave(wave_id)
    owned = owner_group(
        ref.ownership, as_of_date(params.owner_as_of, wave["end"]), ref.owners, owner_group_id
    )
    scope = wave_scope(ref, params, wave_id)
    selected = select_instances(
        inputs.instances,
        wave_id,
        scope,
        [f for f in params.exclude_forces if f in set(inputs.instances["force"])],
        known_forces=set(ref.forces["force"]),
        group_parts=ref.offence_group_parts(),
    )
    convention = convention_for(
        params.withheld_treatment, inputs.releases, inputs.conventions, wave_id
    )
    treated = treat(selected, inputs.reconciliation, convention)
    included = sorted(set(treated["force"]))
    rules = group_rules(ref.groups, ref.platforms, owned.platforms)
    groups = force_groups(treated, rules, included)
    rows = inputs.coverage[
        (inputs.coverage["wave"] == wave_id) & inputs.coverage["force"].isin(included)
    ]
    offence_names = lookup(ref.offence_groups, "offence_group", "name")
    return Wave(
        wave_id,
        wave["start"],
        wave["end"],
        groups,
        owner_group_id,
        owned.platforms,
        returns=returns_kind(rows["provenance"]),
        real=int(rows["provenance"].eq("real").sum()),
        names=group_names(
            ref.groups, ref.platforms, owner_name_on(ref.owners, owned.owner, owned.as_of)
        ),
        scope=scope,
        scope_name=groups_text(scope, offence_names),
        same_scope=set(scope) == set(params.offence_groups or scope),
        exact=exact_bounds(selected, inputs.reconciliation, rules, included),
    )


def like_for_like_forces(waves: list[Wave]) -> list[str]:
    """The forces with data in every one of ``waves``."""
    if not waves:
        return []
    common = set(waves[0].forces)
    for wave in waves[1:]:
        common &= set(wave.forces)
    return sorted(common)


def _groups_shown(groups: pd.DataFrame) -> list[str]:
    """The groups each wave is shown by: groups.csv's owner group, its platforms of their own,
    the rest of the known instances and every known instance (not a printed column, nor the
    unknown platform)."""
    kinds = ("owner", "platform", "rest", "all")
    return [g for g, k in zip(groups["group"], groups["kind"], strict=True) if k in kinds]


def wave_labels(waves: list[Wave]) -> dict[str, str]:
    """Each wave as a reader names it: its period, with its offence groups when two waves
    share a period (two requests over the same year), and its id if they still do."""
    first = {w.wave: period_text(w.start, w.end) for w in waves}
    counts = pd.Series(list(first.values())).value_counts()
    labels = {
        w.wave: first[w.wave] if counts[first[w.wave]] == 1 else f"{first[w.wave]} ({w.scope_name})"
        for w in waves
    }
    repeated = pd.Series(list(labels.values())).value_counts()
    return {k: v if repeated[v] == 1 else f"{v} [{k}]" for k, v in labels.items()}


def waves_table(waves: list[Wave], shown: list[str]) -> pd.DataFrame:
    """Each wave, each basis (:data:`ALL_FORCES`, and :data:`LIKE_FOR_LIKE` when several waves
    share any force) and each group of ``shown``: the forces whose returns give the group's
    count (``forces``), its instances, their known instances and its share of them (with its
    range over the withheld cells). Every row carries its own wave's words: the group's name as
    on the wave's date (``label``), the provenance of its returns (``returns``, ``real_returns``
    of ``forces_with_data``), its offence groups (``scope``) and whether they are the build's
    (``same_scope``)."""
    common = like_for_like_forces(waves)
    bases = [(ALL_FORCES, None)]
    if len(waves) > 1 and common:
        bases.append((LIKE_FOR_LIKE, common))
    labels = wave_labels(waves)
    rows = []
    for basis, chosen in bases:
        for wave in waves:
            among = wave.forces if chosen is None else chosen
            for group in shown:
                counted = itemising(wave.groups, group, TOTAL_GROUP, forces=among)
                tot = totals(wave.groups, counted)
                present = group in tot.index and bool(counted)
                item = share(tot, group, TOTAL_GROUP) if present else None
                low, high = (item.lowest, item.highest) if item else (math.nan, math.nan)
                if item and wave.exact is not None:  # one range per number: the exact one
                    low, high = wave.exact.share_range(counted, group, TOTAL_GROUP)
                rows.append(
                    {
                        "wave": wave.wave,
                        "wave_label": labels[wave.wave],
                        "period": period_text(wave.start, wave.end),
                        "period_start": wave.start,
                        "period_end": wave.end,
                        "scope": wave.scope_name,
                        "same_scope": wave.same_scope,
                        "basis": basis,
                        "forces_with_data": len(among),
                        "forces": len(counted),
                        "group": group,
                        "label": wave.names.get(group, group),
                        "count": float(tot.loc[group, "value"]) if present else math.nan,
                        "known": float(tot.loc[TOTAL_GROUP, "value"]) if present else math.nan,
                        "share": 100 * item.value if item else math.nan,
                        "share_lowest": 100 * low,
                        "share_highest": 100 * high,
                        "real_returns": wave.real,
                        "returns": wave.returns,
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
    "wave_label",
    "period",
    "period_start",
    "period_end",
    "scope",
    "same_scope",
    "basis",
    "forces_with_data",
    "forces",
    "group",
    "label",
    "count",
    "known",
    "share",
    "share_lowest",
    "share_highest",
    "real_returns",
    "returns",
]


def wave_forces(waves: list[Wave], provenance: pd.DataFrame) -> pd.DataFrame:
    """Every force with data in any wave: in each wave, the provenance of its return there
    (``real`` or ``simulated``; blank for no data), and whether it is like for like.
    ``provenance`` is ``coverage.csv`` (``wave``, ``force``, ``provenance``)."""
    common = set(like_for_like_forces(waves))
    kind = provenance.set_index(["wave", "force"])["provenance"].to_dict()
    forces = sorted({f for w in waves for f in w.forces})
    rows = []
    for force in forces:
        row = {"force": force}
        for wave in waves:
            row[wave.wave] = kind.get((wave.wave, force), "") if force in wave.forces else ""
        row["like_for_like"] = force in common
        rows.append(row)
    return pd.DataFrame(rows, columns=["force", *[w.wave for w in waves], "like_for_like"])


def change(now: float, before: float) -> float:
    """The percentage change from ``before`` to ``now`` (NaN without a base)."""
    if not (math.isfinite(now) and math.isfinite(before)) or before == 0:
        return math.nan
    return 100 * (now / before - 1)


def published_value(published: pd.DataFrame, wave: str, group: str) -> tuple[float, ...]:
    """A wave's national published count for ``group`` with the range its wording allows
    (value, lowest, highest), and how it was got: the count itself, else its share of the
    published known instances applied to them, as a reader would work it out, over every
    share the share's rounding allows (``data/reference/readings.csv``)."""
    rows = published[(published["wave"] == wave) & (published["geography"] == "national")]
    rows = rows[rows["compares_with"].fillna("").str.strip() == ""]
    exact = rows[(rows["unit"] == "count") & (rows["comparison"] == "exact")]
    counts = dict(zip(exact["platform_group"], exact["value"].astype(float), strict=False))
    if group in counts:
        return counts[group], counts[group], counts[group], "the published count"
    shares = rows[
        (rows["unit"] == "percent")
        & (rows["platform_group"] == group)
        & (rows["denominator"] == TOTAL_GROUP)
    ]
    if len(shares) and TOTAL_GROUP in counts:
        row, total = shares.iloc[0], counts[TOTAL_GROUP]
        precision = None if _text(row["precision"]) == "" else int(float(row["precision"]))
        low, high, _ = _target(row["comparison"], float(row["value"]), precision, "percent")
        how = f"{row['as_published']} of the published {total:,.0f}"
        return float(row["value"]) / 100 * total, low / 100 * total, high / 100 * total, how
    return math.nan, math.nan, math.nan, "not published"


def _judged(row: pd.Series, value: float, low: float, high: float, real: bool) -> str:
    """The graded verdict on a published change (:func:`~src.findings.coverage.verdict`), over
    the range of changes its inputs allow; on any simulated return, a check of the method."""
    if not math.isfinite(value):
        return "not available"
    target = float(row["value"])
    precision = None if _text(row["precision"]) == "" else int(float(row["precision"]))
    comparison = row["comparison"]
    holds = statement_holds(comparison, value, target, precision, "percent_change")
    over = holds_over_range(comparison, low, high, target, precision, "percent_change")
    # A rounded change the figures exceed holds read as 'at least'.
    at_least = comparison == "rounded" and value > target
    return verdict(holds, "", True, simulated=not real, over_range=over, truncated=at_least)


def _change_range(now: tuple, before: tuple) -> tuple[float, float, float]:
    """The change from ``before`` to ``now`` (each value, lowest, highest): at the values, and
    its lowest and highest over both ranges."""
    return change(now[0], before[0]), change(now[1], before[2]), change(now[2], before[1])


def wave_statements(
    published: pd.DataFrame, waves: dict[str, Wave], like_for_like: list[str]
) -> pd.DataFrame:
    """Each published statement comparing two waves (``unit`` ``percent_change``), against the
    change the returns give (all forces of each wave, and like for like) and the change the
    two waves' published figures give, each over the range its inputs allow (the withheld
    cells; the rounding of a published share) and judged by its graded verdict; a change
    computed from any simulated return is a check of the method."""
    statements = published[published["compares_with"].fillna("").str.strip() != ""]
    rows = []
    for _, row in statements.iterrows():
        now, before = waves.get(row["wave"]), waves.get(row["compares_with"])
        group = row["platform_group"]
        precision = None if _text(row["precision"]) == "" else int(float(row["precision"]))
        real = all(w is not None and w.returns == "real" for w in (now, before))
        out = {
            "figure_id": row["figure_id"],
            "release": row["release"],
            "wave": row["wave"],
            "compares_with": row["compares_with"],
            "platform_group": group,
            "as_published": row["as_published"],
            "published": float(row["value"]),
            "comparison": row["comparison"],
            "precision": precision,
        }
        for basis, forces in (("all_forces", None), ("like_for_like", like_for_like)):
            values = (math.nan,) * 3
            if now is not None and before is not None:
                among_a = now.forces if forces is None else forces
                among_b = before.forces if forces is None else forces
                counted_a = itemising(now.groups, group, forces=among_a)
                counted_b = itemising(before.groups, group, forces=among_b)
                if forces is not None:  # like for like: the same forces, itemising it in both
                    counted_a = counted_b = sorted(set(counted_a) & set(counted_b))
                a, b = (
                    _counts(now.groups, counted_a, group),
                    _counts(before.groups, counted_b, group),
                )
                values = _change_range(a, b)
            out[f"change_{basis}"] = values[0]
            out[f"verdict_{basis}"] = _judged(row, *values, real)
        pub_now = published_value(published, row["wave"], group)
        pub_before = published_value(published, row["compares_with"], group)
        values = _change_range(pub_now[:3], pub_before[:3])
        out["change_published"] = values[0]
        out["change_published_lowest"], out["change_published_highest"] = values[1:]
        out["verdict_published"] = _judged(row, *values, True)
        out["published_now"], out["published_now_from"] = pub_now[0], pub_now[3]
        out["published_before"], out["published_before_from"] = pub_before[0], pub_before[3]
        out["note"] = statement_note(out)
        kinds = {w.returns for w in (now, before) if w is not None}
        out["returns"] = kinds.pop() if len(kinds) == 1 else "mixed"
        rows.append(out)
    table = pd.DataFrame(rows, columns=STATEMENT_COLUMNS)
    for column in STATEMENT_COLUMNS:
        if column.startswith("change_"):
            table[column] = table[column].astype(float).round(PERCENT_PLACES)
    for column in ("published_now", "published_before"):
        table[column] = table[column].astype(float).round(COUNT_PLACES)
    return table


def _counts(groups: pd.DataFrame, forces: list[str], group: str) -> tuple[float, float, float]:
    """``group``'s count over ``forces``: value, lowest, highest (NaN where none give it)."""
    tot = totals(groups, forces)
    if group not in tot.index:
        return (math.nan,) * 3
    row = tot.loc[group]
    return float(row["value"]), float(row["value_min"]), float(row["value_max"])


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
    "change_published_lowest",
    "change_published_highest",
    "verdict_published",
    "published_now",
    "published_now_from",
    "published_before",
    "published_before_from",
    "note",
    "returns",
]


def statement_note(row: dict) -> str:
    """One sentence on what the statement fits."""

    def pct(v: float) -> str:
        return "not available" if not math.isfinite(v) else f"{v:+.0f}%"

    low, high = row["change_published_lowest"], row["change_published_highest"]
    spread = f", {pct(low)} to {pct(high)} as their rounding allows" if low != high else ""
    parts = [
        f"the published figures of both waves give {pct(row['change_published'])}"
        f"{spread} ({row['verdict_published']})",
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


def compare_waves(inputs: Inputs, params: Params, owner_group_id: str) -> dict[str, pd.DataFrame]:
    """The tables ``waves`` (every wave with data side by side, each in its own words),
    ``wave_forces`` and ``wave_statements`` (the published statements comparing two waves),
    at ``params``."""
    waves = [wave_groups(inputs, params, w, owner_group_id) for w in waves_with_data(inputs)]
    common = like_for_like_forces(waves)
    return {
        "waves": waves_table(waves, _groups_shown(inputs.reference.groups)),
        "wave_forces": wave_forces(waves, inputs.coverage),
        "wave_statements": wave_statements(inputs.published, {w.wave: w for w in waves}, common),
    }
