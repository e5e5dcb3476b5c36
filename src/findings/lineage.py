"""Where each headline number comes from: ``lineage.csv``, its parts down to the returns' cells.

Each measure of ``headline.csv`` has its rows here, under the same key (``measure``,
``platform_group``, ``denominator``, ``unit``). A count's rows are its parts, which add up to
its ``computed`` (the release's convention) and its ``best_estimate`` (every withheld cell at
its best estimate): each cell of a return it counts, with the file and place it was read from
(as ``instances.csv`` gives them), and, under a convention that takes known totals from the
printed totals, what each printed total counts beyond its cells (the total's own place, as
``reconciliation.csv`` gives it; at the best estimates the withheld cells carry it, so 0). The
number of forces has one row per force. A share has two rows (force ``total``), its numerator
and denominator, each pointing to the count whose rows hold its cells (``count_of``) and naming the forces of
that count the share leaves out (``forces_left_out``): the share is 100 × numerator ÷
denominator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from src.findings.convention import REMAINDER
from src.findings.exact import ExactBounds, cells_at_best
from src.findings.shares import GroupRules, itemising, membership

KEY = ["measure", "platform_group", "denominator", "unit"]
COLUMNS = [
    *KEY,
    "part",
    "force",
    "platform",
    "offence_group",
    "computed",
    "best_estimate",
    "source_file",
    "source_place",
    "count_of",
    "forces_left_out",
]
#: What a row is a part of its measure.
CELL, WITHHELD, BEYOND, FORCE = (
    "cell",
    "withheld cell",
    "printed total beyond its cells",
    "force with platform counts",
)
#: Decimal places of a part's best estimate (a withheld cell's can be any fraction).
PLACES = 6


def lineage_table(
    treated: pd.DataFrame,
    exact: ExactBounds,
    rules: GroupRules,
    groups: pd.DataFrame,
    headline: pd.DataFrame,
) -> pd.DataFrame:
    """The rows of ``lineage.csv`` for every measure of ``headline``.

    ``treated``: the build's counted rows (:func:`~src.findings.shares.treat`: each cell with
    its ``value`` by the convention, then what each printed total counts beyond its cells);
    ``exact``: their best estimates (:func:`~src.findings.exact.exact_bounds`); ``rules``:
    which groups each row counts in; ``groups``: the force-by-group sums
    (:func:`~src.findings.shares.force_groups`), which say the forces each measure counts.
    """
    best = cells_at_best(treated, exact)["value"].reindex(treated.index, fill_value=0.0)
    cells, member = treated.assign(best=best), membership(treated, rules)
    every = sorted(set(groups["force"]))
    parts = []
    for key in headline[KEY].fillna("").drop_duplicates().to_dict("records"):
        group, denominator = key["platform_group"], key["denominator"]
        forces = itemising(groups, group, denominator) if group else every
        if not group:
            rows = force_rows(cells, forces)
        elif key["unit"] == "count":
            rows = count_rows(cells[(member[group] == 1) & cells["force"].isin(forces)])
        else:
            rows = share_rows(cells, member, groups, group, denominator, forces)
        parts.append(rows.assign(**key))
    out = pd.concat(parts, ignore_index=True).reindex(columns=COLUMNS)
    return out.fillna({c: "" for c in COLUMNS if c not in ("computed", "best_estimate")})


def count_rows(cells: pd.DataFrame) -> pd.DataFrame:
    """A count's parts: each of ``cells`` that is not 0 both ways, force by force."""
    mine = cells[(cells["value"] != 0) | (cells["best"] != 0)].sort_values("force", kind="stable")
    withheld = mine["withheld"].astype(str).str.lower() == "true"
    part = np.where(mine["platform"] == REMAINDER, BEYOND, np.where(withheld, WITHHELD, CELL))
    return pd.DataFrame(
        {
            "part": part,
            "force": mine["force"],
            "platform": mine["platform"],
            "offence_group": mine["offence_group"],
            "computed": mine["value"],
            "best_estimate": mine["best"].round(PLACES),
            "source_file": mine["source_file"],
            "source_place": mine["source_place"],
        }
    )


def force_rows(cells: pd.DataFrame, forces: list[str]) -> pd.DataFrame:
    """The number of forces: one row per force, naming the files its counts were read from."""
    files = cells.groupby("force")["source_file"].agg(lambda f: "; ".join(sorted(set(f))))
    return pd.DataFrame(
        {"part": FORCE, "force": forces, "computed": 1.0, "best_estimate": 1.0}
    ).assign(source_file=lambda t: t["force"].map(files))


def share_rows(
    cells: pd.DataFrame,
    member: pd.DataFrame,
    groups: pd.DataFrame,
    group: str,
    denominator: str,
    forces: list[str],
) -> pd.DataFrame:
    """A share's numerator and denominator over ``forces``, each pointing to its count."""
    rows = []
    for part, of in (("numerator", group), ("denominator", denominator)):
        mine = cells[(member[of] == 1) & cells["force"].isin(forces)]
        rows.append(
            {
                "part": part,
                "force": "total",
                "computed": float(mine["value"].sum()),
                "best_estimate": round(float(mine["best"].sum()), PLACES),
                "count_of": of,
                "forces_left_out": "; ".join(sorted(set(itemising(groups, of)) - set(forces))),
            }
        )
    return pd.DataFrame(rows)
