"""The processed tables put together: typed by their schemas, in a fixed order, waves combined.

:class:`CleanResult` holds the tables of a run; :func:`concat` joins the pieces of one table,
:func:`in_order` sorts it so that the order never depends on the order of reading,
:func:`coverage` builds the coverage table and :func:`combine` joins several waves.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from src.clean.classify import UNKNOWN
from src.clean.context import ORDER
from src.clean.specs import Spec
from src.data.schemas import PROCESSED_SCHEMAS, validate
from src.helpers import csv_rows, csv_text, read_csv_text


@dataclass
class CleanResult:
    """The processed tables of one run (see data/processed/README.md).

    ``records`` (one row per record of every extract) is written as it is made, so it may be
    far larger than the others: it is read from ``records_file`` only when asked for.
    """

    instances: pd.DataFrame
    coverage: pd.DataFrame
    reconciliation: pd.DataFrame
    cleaning_log: pd.DataFrame
    records_file: Path | None = None
    record_rows: int = 0
    _records: pd.DataFrame | None = None

    @property
    def records(self) -> pd.DataFrame:
        if self._records is None:
            if self.records_file is None:
                self._records = typed(
                    pd.DataFrame(columns=list(PROCESSED_SCHEMAS["records"].columns)), "records"
                )
            else:
                self._records = typed(read_csv_text(self.records_file), "records")
        return self._records

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in PROCESSED_SCHEMAS}

    def held(self) -> dict[str, pd.DataFrame]:
        """Every table but ``records``: those held in memory."""
        return {name: getattr(self, name) for name in PROCESSED_SCHEMAS if name != "records"}


class RecordsOut:
    """``records.csv``, written as it is made, with bounded memory.

    Each extract's rows go, a batch at a time, to a part file of its own in ``folder``, each
    batch typed and checked against the table's schema first; :meth:`assemble` puts the parts
    together in the table's order (by wave, force and file; each part is in line order).
    """

    def __init__(self, folder: Path, shown: str):
        self.folder, self.shown = Path(folder), shown
        self.parts: dict[tuple[str, str, str], Path] = {}
        self.rows = 0

    def writer(self, wave: str, force: str, source_file: str) -> Callable[[pd.DataFrame], None]:
        """A function that appends a batch of one extract's rows to its part."""
        path = self.folder / f"part-{len(self.parts)}.csv"
        self.parts[(wave, force, source_file)] = path
        path.write_bytes(b"")

        def write(rows: pd.DataFrame) -> None:
            rows = typed(rows, "records")
            validate(
                rows,
                PROCESSED_SCHEMAS["records"],
                self.shown,
                "this table is built by src/clean: the failing rows show which input slipped "
                "past a check; fix that input (or the check) and run again",
                row_offset=self.rows + 2,
            )
            with open(path, "ab") as handle:
                handle.write(csv_rows(rows))
            self.rows += len(rows)

        return write

    def assemble(self) -> Path:
        """The whole table, header first, in one file of ``folder``."""
        target = self.folder / "records.csv"
        header = csv_text(pd.DataFrame(columns=list(PROCESSED_SCHEMAS["records"].columns)))
        with open(target, "wb") as out:
            out.write(header.encode("utf-8"))
            for key in sorted(self.parts):
                with open(self.parts[key], "rb") as part:
                    shutil.copyfileobj(part, out, 1 << 24)
        return target


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
