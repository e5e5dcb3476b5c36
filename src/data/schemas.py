"""pandera schemas for every table in data/processed/, and one way to check a table.

Every table is checked with ``lazy=True`` before it is written, so a failure lists every failing
row at once (column, check, value, row) instead of stopping at the first. The column lists here
are the data dictionary in ``data/processed/README.md``: keep the two in step.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.backends.pandas.register import register_pandas_backends

from src.errors import InputError
from src.vocab import ACTION_LABELS, OUTCOMES, QUESTIONS_ANSWERED

# pandera sets up its pandas checks on the first validation, importing its modules then (about
# half a second); done here, at import, it is counted with the other imports, and every
# validation costs only its own checks.
register_pandas_backends(f"{pd.DataFrame.__module__}.{pd.DataFrame.__qualname__}")

PERIOD_ID = r"^\d{4}-\d{2}_\d{4}-\d{2}$"  # first month, last month (periods.csv)
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
MAX_FAILURES_SHOWN = 30


def _text(*checks: pa.Check, nullable: bool = False, **kwargs) -> pa.Column:
    """A text column; non-empty unless ``nullable`` (empty text is allowed then)."""
    if not nullable:
        checks = (pa.Check.str_length(min_value=1), *checks)
    return pa.Column(str, list(checks), nullable=False, **kwargs)


def _date() -> pa.Column:
    return pa.Column(str, pa.Check.str_matches(ISO_DATE), nullable=False)


def _count(nullable: bool = False) -> pa.Column:
    return pa.Column("Int64", pa.Check.ge(0), nullable=nullable)


def _count_within_bounds(df: pd.DataFrame) -> pd.Series:
    """Withheld rows have no count; other rows have count == lower == upper."""
    withheld = df["withheld"]
    exact = (df["count"] == df["lower"]) & (df["count"] == df["upper"])
    return (withheld & df["count"].isna()) | (~withheld & exact.fillna(False))


def _ordered(low: str, high: str, error: str) -> pa.Check:
    """A check that ``low`` is at most ``high`` in every row."""
    return pa.Check(lambda d: d[low] <= d[high], error=error)


def _table(name: str, columns: dict, checks=(), unique=None) -> pa.DataFrameSchema:
    """A processed table's schema: exactly ``columns``, in that order."""
    return pa.DataFrameSchema(
        columns, checks=list(checks), unique=unique, strict=True, ordered=True, name=name
    )


INSTANCES = _table(
    "instances",
    {
        "wave": _text(),
        "force": _text(),
        "period_start": _date(),
        "period_end": _date(),
        "period": _text(pa.Check.str_matches(PERIOD_ID)),
        "offence_group": _text(),
        "raw_label": _text(),
        "platform": _text(),
        "count": _count(nullable=True),
        "lower": _count(),
        "upper": _count(),
        "withheld": pa.Column(bool),
        "source_file": _text(),
        "source_place": _text(),
        "table": _text(),
        "block": _text(),
    },
    checks=[
        _ordered("lower", "upper", "lower <= upper"),
        pa.Check(_count_within_bounds, error="count empty when withheld, else = lower = upper"),
        _ordered("period_start", "period_end", "period_start <= period_end"),
    ],
    unique=["source_file", "source_place", "offence_group", "platform"],
)


COVERAGE = _table(
    "coverage",
    {
        "wave": _text(),
        "force": _text(),
        "outcome": _text(pa.Check.isin(OUTCOMES)),
        "questions_answered": _text(pa.Check.isin(QUESTIONS_ANSWERED)),
        "period_start": _text(nullable=True),
        "period_end": _text(nullable=True),
        "provenance": _text(),
        "files_read": _count(),
        "rows": _count(),
        "withheld_cells": _count(),
        "known_lower": _count(),
        "known_upper": _count(),
        "unknown_lower": _count(),
        "unknown_upper": _count(),
        "unknown_reported": pa.Column(bool),
    },
    checks=[
        _ordered("known_lower", "known_upper", "known lower <= upper"),
        _ordered("unknown_lower", "unknown_upper", "unknown lower <= upper"),
        pa.Check(
            lambda d: ~d["unknown_reported"] | (d["files_read"] > 0),
            error="unknown_reported only for a force whose files were read",
        ),
    ],
    unique=["wave", "force"],
)

RECONCILIATION = _table(
    "reconciliation",
    {
        "wave": _text(),
        "force": _text(),
        "source_file": _text(),
        "table": _text(),
        "block": _text(),
        "offence_group": _text(nullable=True),
        "period_start": _text(nullable=True),
        "period_end": _text(nullable=True),
        "unit": _text(pa.Check.isin(["instances", "records"])),
        "total_source": _text(
            pa.Check.isin(
                [
                    "printed total",
                    "printed total, without withheld cells",
                    "printed total, withheld cells unknown",
                    "sum of rows",
                    "records in file",
                ]
            )
        ),
        "total_place": _text(nullable=True),
        "total_lower": _count(),
        "total_upper": _count(),
        "mapped_lower": _count(),
        "mapped_upper": _count(),
        "not_itemised_lower": _count(),
        "not_itemised_upper": _count(),
        "unknown_lower": _count(),
        "unknown_upper": _count(),
        "unknown_reported": pa.Column(bool),
        "excluded_lower": _count(),
        "excluded_upper": _count(),
        "excluded_reasons": _text(nullable=True),
        "withheld_cells": _count(),
        "withheld_lower": _count(),
        "withheld_upper": _count(),
        "excluded_withheld_cells": _count(),
        "excluded_withheld_lower": _count(),
        "excluded_withheld_upper": _count(),
        "unexplained": pa.Column("Int64", pa.Check.eq(0), nullable=False),
    },
    checks=[
        pa.Check(
            lambda d: d["unknown_reported"] | (d["unknown_upper"] == 0),
            error="unknown instances only in a table that reports them (unknown_reported)",
        ),
        pa.Check(
            lambda d: d["not_itemised_upper"] <= d["mapped_upper"],
            error="what is not itemised is part of what is mapped",
        ),
    ],
    unique=["source_file", "table", "block"],
)

CLEANING_LOG = _table(
    "cleaning_log",
    {
        "wave": _text(),
        "force": _text(),
        "source_file": _text(),
        "source_place": _text(),
        "action": _text(pa.Check.isin(list(ACTION_LABELS))),
        "detail": _text(),
        "offence_group": _text(nullable=True),
        "rows": _count(),
        "count_lower": _count(),
        "count_upper": _count(),
    },
    checks=[_ordered("count_lower", "count_upper", "lower <= upper")],
)

RECORDS = _table(
    "records",
    {
        "wave": _text(),
        "force": _text(),
        "source_file": _text(),
        "line": pa.Column("Int64", pa.Check.ge(1)),
        "crime_ref": _text(),
        "date": _date(),
        "period": _text(pa.Check.str_matches(f"{PERIOD_ID[:-1]}|^$"), nullable=True),
        "offence_code": _text(),
        "offence_group": _text(),
        "platforms": _text(),
        "status": _text(pa.Check.isin(["counted", "duplicate", "outside wave"])),
    },
    unique=["source_file", "line"],
)

PROCESSED_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "instances": INSTANCES,
    "coverage": COVERAGE,
    "reconciliation": RECONCILIATION,
    "cleaning_log": CLEANING_LOG,
    "records": RECORDS,
}


def describe_failures(failures: pd.DataFrame, row_offset: int, limit: int = MAX_FAILURES_SHOWN):
    """One line per failing value, ``row N, column 'c': check (value 'v')`` (``row_offset``:
    2 for a CSV with a header); a check of whole rows is shown once per row."""
    if "schema_context" in failures.columns:
        whole_rows = failures["schema_context"].eq("DataFrameSchema") & failures["index"].notna()
        repeated = whole_rows & failures.duplicated(["index", "check"])
        failures = failures[~repeated].copy()
        failures.loc[whole_rows[~repeated], "column"] = None
    lines = []
    for case in failures.head(limit).itertuples(index=False):
        index = case.index
        row = f"row {int(index) + row_offset}" if pd.notna(index) else "whole table"
        column = (
            f"column '{case.column}'"
            if pd.notna(case.column)
            else ("the row" if pd.notna(index) else "table")
        )
        value = "" if pd.isna(case.failure_case) else f" (value '{case.failure_case}')"
        lines.append(f"{row}, {column}: fails {case.check}{value}")
    if len(failures) > limit:
        lines.append(f"... and {len(failures) - limit} more")
    return lines


def validate(
    df: pd.DataFrame, schema: pa.DataFrameSchema, file: str, fix: str, row_offset: int = 2
) -> pd.DataFrame:
    """Check ``df`` against ``schema`` with every failure gathered; raise one InputError."""
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as errors:
        failures = errors.failure_cases
        rows = failures["index"].dropna()
        place = "rows " + ", ".join(str(int(i) + row_offset) for i in sorted(set(rows))[:20])
        problem = (
            f"{len(failures)} value(s) fail the '{schema.name}' checks:\n    "
            + "\n    ".join(describe_failures(failures, row_offset))
        )
        raise InputError(file, place if len(rows) else "", problem, fix) from None


def validate_processed(tables: dict[str, pd.DataFrame], processed_dir) -> None:
    """Check every processed table before anything is written (all failures at once)."""
    for name, df in tables.items():
        validate(
            df,
            PROCESSED_SCHEMAS[name],
            f"{processed_dir}/{name}.csv",
            "this table is built by src/clean.py: the failing rows show which input slipped past "
            "a check; fix that input (or the check) and run again",
        )
