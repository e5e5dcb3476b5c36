"""The processed tables put together: typed by their schemas, in a fixed order, waves combined.

:class:`CleanResult` holds the tables of a run; :func:`concat` joins the pieces of one table,
:func:`in_order` sorts it so that the order never depends on the order of reading,
:func:`coverage` builds the coverage table and :func:`combine` joins several waves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from src.clean.classify import UNKNOWN
from src.clean.context import ORDER
from src.clean.specs import Spec
from src.data.schemas import PROCESSED_SCHEMAS


@dataclass
class CleanResult:
    """The processed tables of one run (see data/processed/README.md).

    ``records`` (one row per record of every extract) is written as it is made, so it may be
    far larger than the others: ``record_rows`` counts its rows, and the table itself is read
    (by ``load_records``, which the orchestrator gives) only when asked for.
    """

    instances: pd.DataFrame
    coverage: pd.DataFrame
    reconciliation: pd.DataFrame
    cleaning_log: pd.DataFrame
    record_rows: int = 0
    load_records: Callable[[], pd.DataFrame] | None = field(default=None, repr=False)
    _records: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def records(self) -> pd.DataFrame:
        if self._records is None:
            empty = pd.DataFrame(columns=list(PROCESSED_SCHEMAS["records"].columns))
            self._records = self.load_records() if self.load_records else typed(empty, "records")
        return self._records

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in PROCESSED_SCHEMAS}

    def held(self) -> dict[str, pd.DataFrame]:
        """Every table but ``records``: those held in memory."""
        return {name: getattr(self, name) for name in PROCESSED_SCHEMAS if name != "records"}


def unknown_reported(reconciliation: pd.DataFrame) -> dict[str, bool]:
    """Per force: whether every table and extract it sent reports a count of instances whose
    platform was not recorded (``reconciliation.csv``'s ``unknown_reported`` on all its rows).

    A force with a table that gives no such count is not counted as reporting one: its unknown
    count would be short by whatever that table left out, and a missing count is not a zero.
    """
    if reconciliation.empty:
        return {}
    flags = reconciliation["unknown_reported"].astype(bool)
    return {str(f): bool(v) for f, v in flags.groupby(reconciliation["force"]).all().items()}


def coverage(
    wave: str,
    outcomes: pd.DataFrame,
    instances: pd.DataFrame,
    specs: list[Spec],
    reconciliation: pd.DataFrame,
):
    """One row per force asked: its outcome and what it contributed, known and unknown, and
    whether its return reports a count of instances whose platform was not recorded."""
    files = {s.force: len(s.files) for s in specs}
    reported = unknown_reported(reconciliation)
    known = instances["platform"] != UNKNOWN
    sums = (
        pd.DataFrame(  # each force's instances, by whether the platform is known
            {
                "rows": 1,
                "withheld_cells": instances["withheld"].astype(int),
                **{
                    f"{side}_{end}": instances[end].where(known if side == "known" else ~known, 0)
                    for side in ("known", "unknown")
                    for end in ("lower", "upper")
                },
            }
        )
        .groupby(instances["force"].to_numpy())
        .sum()
    )
    rows = []
    for o in outcomes.itertuples():
        mine = sums.loc[o.force] if o.force in sums.index else None
        rows.append(
            {
                "wave": wave,
                "force": o.force,
                "outcome": o.outcome,
                "questions_answered": o.questions_answered,
                "period_start": o.period_start,
                "period_end": o.period_end,
                "provenance": o.provenance,
                "files_read": files.get(o.force, 0),
                **{c: 0 if mine is None else int(mine[c]) for c in sums.columns},
                "unknown_reported": reported.get(o.force, False),
            }
        )
    table = pd.DataFrame(rows, columns=list(PROCESSED_SCHEMAS["coverage"].columns))
    return in_order(table, ["wave", "force"])


def concat(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    """The frames as one table with its schema's columns and types (plus any order columns)."""
    columns = list(PROCESSED_SCHEMAS[name].columns)
    frames = [f for f in frames if len(f)]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    order = [c for c in ORDER if c in table.columns]
    return typed(table[columns + order], name)


def typed(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """Give every column its schema's type (so that empty tables and CSVs type alike)."""
    out = table.copy()
    for column, spec in PROCESSED_SCHEMAS[name].columns.items():
        dtype = str(spec.dtype)
        if dtype in ("bool", "Int64"):
            out[column] = out[column].astype(dtype)
        else:
            out[column] = out[column].fillna("").astype("str")
    for column in ORDER:
        if column in out.columns:
            out[column] = out[column].fillna(0).astype("int64")
    return out


def in_order(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sorted by ``keys``, then by position in the return (table, row, column), then by every
    column, so that the order never depends on the order of reading; order columns dropped."""
    order = [c for c in ORDER if c in table.columns]
    head = keys[:3] + order if order else keys
    rest = [c for c in table.columns if c not in head and c not in ORDER]
    table = table.sort_values(head + rest, kind="mergesort")
    return table.drop(columns=order).reset_index(drop=True)


def combine(results: list[CleanResult]) -> CleanResult:
    """The tables of several waves as one result (``records`` aside: see :class:`RecordsOut`)."""
    tables = {
        name: pd.concat([getattr(r, name) for r in results], ignore_index=True)
        if results
        else typed(pd.DataFrame(columns=list(schema.columns)), name)
        for name, schema in PROCESSED_SCHEMAS.items()
        if name != "records"
    }
    return CleanResult(**tables)
