"""Cleaning a record-level extract: one row per crime -> records, instances and log rows.

:func:`clean_records` checks each record's crime reference, date and offence code, sets aside
duplicated records and records dated outside the wave, classifies each crime's free text into
platforms (:mod:`src.clean.classify`) and counts instances by the wave's period and offence group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from src.clean import classify
from src.clean.classify import UNKNOWN
from src.clean.context import NO_ORDER, Context, Parts, log_row
from src.clean.periods import period_of_day
from src.errors import InputError
from src.vocab import DUPLICATE_RECORD, OUTSIDE_WAVE


def _lines(lines: pd.Series, limit: int = 10) -> str:
    shown = ", ".join(str(n) for n in lines.head(limit))
    return (
        f"line {shown}"
        if len(lines) == 1
        else f"lines {shown}" + (" ..." if len(lines) > limit else "")
    )


def _record_offences(records: pd.DataFrame, ctx: Context) -> pd.Series:
    lookup = ctx.file.offence_values or ctx.reference.offence_code_lookup
    where = "the spec's offence_values" if ctx.file.offence_values else "offence_codes.csv"
    groups = records["offence"].map(lookup)
    missing = groups.isna()
    if missing.any():
        bad = records.loc[missing, "offence"]
        raise InputError(
            ctx.shown,
            f"{_lines(records.loc[missing, 'line'])}, column '{ctx.file.columns.offence}'",
            f"offence code(s) not in {where}: " + ", ".join(sorted(map(repr, set(bad)))[:10]),
            f"add the code(s) to {where} with their offence group",
        )
    return groups


def _record_dates(records: pd.DataFrame, ctx: Context) -> pd.Series:
    dates = pd.to_datetime(records["date"], format=ctx.file.date_format, errors="coerce")
    bad = dates.isna()
    if bad.any():
        first = records.loc[bad].iloc[0]
        raise InputError(
            ctx.shown,
            f"{_lines(records.loc[bad, 'line'])}, column '{ctx.file.columns.date}'",
            f"'{first['date']}' is not a date in the spec's format '{ctx.file.date_format}' "
            f"({int(bad.sum())} such record(s))",
            "correct date_format in the spec (Python strptime codes, e.g. %d/%m/%Y)",
        )
    return dates.dt.strftime("%Y-%m-%d")


def clean_records(records: pd.DataFrame, ctx: Context) -> Parts:
    """Clean a record-level extract: classify each crime's text into platforms and count.

    Each record is read once: a crime reference seen before in the extract is a duplicate
    (excluded, first one kept); a record dated outside the wave is excluded; every other record
    counts once for each platform its text names (``unknown`` if none).
    """
    columns = ctx.file.columns
    blank = records["id"] == ""
    if blank.any():
        raise InputError(
            ctx.shown,
            f"{_lines(records.loc[blank, 'line'])}, column '{columns.id}'",
            "record(s) without a crime reference, so duplicates cannot be found",
            "check columns.id in the spec; ask the force for the missing references",
        )
    dates = _record_dates(records, ctx)
    groups = _record_offences(records, ctx)
    wave = ctx.wave
    duplicate = records["id"].duplicated(keep="first").to_numpy()
    outside = (~duplicate) & ((dates < wave["start"]) | (dates > wave["end"])).to_numpy()
    counted = ~duplicate & ~outside
    period = period_of_day(dates, ctx.periods).where(~outside, None)
    platforms, found = classify.classify(records["text"], ctx.reference.contact_keywords)
    status = np.select([duplicate, outside], ["duplicate", "outside wave"], default="counted")
    table = pd.DataFrame(
        {
            "wave": ctx.spec.wave,
            "force": ctx.spec.force,
            "source_file": ctx.source_file,
            "line": records["line"].astype("Int64"),
            "crime_ref": records["id"],
            "date": dates,
            "period": period,
            "offence_code": records["offence"],
            "offence_group": groups,
            "platforms": platforms,
            "status": status,
        }
    )
    parts = Parts(records=[table])
    kept = found[counted]
    keys = pd.DataFrame(
        {"period": period[counted].to_numpy(), "offence_group": groups[counted].to_numpy()}
    )
    sums = kept.reset_index(drop=True).groupby([keys["period"], keys["offence_group"]]).sum()
    bounds = ctx.periods.set_index("period")
    rows = []
    for (p, group), counts in sums.iterrows():
        start, end = bounds.at[p, "start"], bounds.at[p, "end"]
        for platform, n in counts[counts > 0].items():
            rows.append(
                {
                    "wave": ctx.spec.wave,
                    "force": ctx.spec.force,
                    "period_start": start,
                    "period_end": end,
                    "period": p,
                    "offence_group": group,
                    "raw_label": f"'{columns.text}' naming "
                    + ("no platform" if platform == UNKNOWN else platform),
                    "platform": platform,
                    "count": int(n),
                    "lower": int(n),
                    "upper": int(n),
                    "withheld": False,
                    "source_file": ctx.source_file,
                    "source_place": f"column '{columns.text}' of the records dated {start} to "
                    f"{end} (each record's line is in records.csv)",
                    "table": "records",
                    "block": "all records",
                    **NO_ORDER,
                }
            )
    instances = pd.DataFrame(rows)
    if len(instances):
        instances = instances.astype({"count": "Int64", "lower": "Int64", "upper": "Int64"})
    parts.instances.append(instances)
    n_platforms = kept.sum(axis=1).to_numpy()
    known = ~kept[UNKNOWN].to_numpy() if UNKNOWN in kept else np.ones(len(kept), dtype=bool)
    n_instances = int(n_platforms.sum())
    log = [
        log_row(
            ctx,
            source_place=f"column '{columns.text}', {counted.sum()} record(s)",
            action="classify_records",
            detail=f"{int(counted.sum())} record(s) classified with contact_keywords.csv: "
            f"{int((known & (n_platforms == 1)).sum())} named one platform, "
            f"{int((n_platforms > 1).sum())} named two or more (counted once for each), "
            f"{int((~known).sum())} named none (unknown); {n_instances} instance(s)",
            offence_group="",
            rows=int(counted.sum()),
            count_lower=n_instances,
            count_upper=n_instances,
        )
    ]
    for mask, action, reason in (
        (
            duplicate,
            "exclude_duplicate_record",
            "repeat a crime reference read earlier in the file (the first is counted)",
        ),
        (outside, "exclude_outside_wave", f"are dated {OUTSIDE_WAVE}"),
    ):
        if mask.any():
            log.append(
                log_row(
                    ctx,
                    source_place=_lines(records.loc[mask, "line"]),
                    action=action,
                    detail=f"{int(mask.sum())} record(s) {reason}; status in records.csv",
                    offence_group="",
                    rows=int(mask.sum()),
                    count_lower=int(mask.sum()),
                    count_upper=int(mask.sum()),
                )
            )
    parts.log.append(pd.DataFrame(log))
    n_known = int(known.sum())
    reasons = [
        f"{DUPLICATE_RECORD}: {int(duplicate.sum())} record(s)" if duplicate.any() else "",
        f"{OUTSIDE_WAVE}: {int(outside.sum())} record(s)" if outside.any() else "",
    ]
    excluded = int(duplicate.sum() + outside.sum())
    total = len(records)
    parts.reconciliation.append(
        pd.DataFrame(
            [
                {
                    "wave": ctx.spec.wave,
                    "force": ctx.spec.force,
                    "source_file": ctx.source_file,
                    "table": "records",
                    "block": "all records",
                    "offence_group": "",
                    "period_start": str(ctx.wave["start"]),
                    "period_end": str(ctx.wave["end"]),
                    "unit": "records",
                    "total_source": "records in file",
                    "total_place": "",
                    "total_lower": total,
                    "total_upper": total,
                    "mapped_lower": n_known,
                    "mapped_upper": n_known,
                    "unknown_lower": len(kept) - n_known,
                    "unknown_upper": len(kept) - n_known,
                    # every record is classified: one naming no platform counts as unknown
                    "unknown_reported": True,
                    "excluded_lower": excluded,
                    "excluded_upper": excluded,
                    "excluded_reasons": "; ".join(r for r in reasons if r),
                    "withheld_cells": 0,
                    "withheld_lower": 0,
                    "withheld_upper": 0,
                    "excluded_withheld_cells": 0,
                    "excluded_withheld_lower": 0,
                    "excluded_withheld_upper": 0,
                    "unexplained": total - len(kept) - excluded,
                }
            ]
        )
    )
    return parts
