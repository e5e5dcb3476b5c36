"""Cleaning a record-level extract: one row per crime -> records, instances and log rows.

:func:`clean_extract` reads an extract a batch at a time (:class:`src.clean.extracts.Extract`),
so that memory is bounded by the batch, not by the records. It checks each record's crime
reference, date and offence code, sets aside duplicated records and records dated outside the
wave, classifies each crime's free text into platforms (:mod:`src.clean.classify`, each distinct
text matched once) and counts instances by the wave's period and offence group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from src.clean import classify
from src.clean.classify import UNKNOWN
from src.clean.context import NO_ORDER, Context, Parts, log_row
from src.clean.extracts import Extract
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


def _spread(values, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """``values[codes]`` as a text column, taken by pyarrow (no Python object per record)."""
    return pd.Series(pd.array(list(values), dtype="str").take(codes), index=index)


def _record_offences(records: pd.DataFrame, ctx: Context) -> pd.Series:
    """Each record's offence group, each distinct offence code looked up once."""
    lookup = ctx.file.offence_values or ctx.reference.offence_code_lookup
    where = "the spec's offence_values" if ctx.file.offence_values else "offence_codes.csv"
    codes, distinct = pd.factorize(records["offence"], sort=False)
    groups = pd.Series(distinct, dtype=object).map(lookup)
    missing = groups.isna().to_numpy()[codes]
    if missing.any():
        bad = records.loc[missing, "offence"]
        raise InputError(
            ctx.shown,
            f"{_lines(records.loc[missing, 'line'])}, column '{ctx.file.columns.offence}'",
            f"offence code(s) not in {where}: " + ", ".join(sorted(map(repr, set(bad)))[:10]),
            f"add the code(s) to {where} with their offence group",
        )
    return _spread(groups, codes, records.index)


def _record_dates(records: pd.DataFrame, ctx: Context) -> tuple[np.ndarray, list[str]]:
    """Each record's date, as (codes, the distinct dates as ISO text): each distinct date as
    printed is parsed once."""
    codes, distinct = pd.factorize(records["date"], sort=False)
    parsed = pd.to_datetime(pd.Series(distinct), format=ctx.file.date_format, errors="coerce")
    bad = parsed.isna().to_numpy()[codes] if len(codes) else np.zeros(0, dtype=bool)
    if bad.any():
        first = records.loc[bad].iloc[0]
        raise InputError(
            ctx.shown,
            f"{_lines(records.loc[bad, 'line'])}, column '{ctx.file.columns.date}'",
            f"'{first['date']}' is not a date in the spec's format '{ctx.file.date_format}' "
            f"({int(bad.sum())} such record(s))",
            "correct date_format in the spec (Python strptime codes, e.g. %d/%m/%Y)",
        )
    return codes, list(parsed.dt.strftime("%Y-%m-%d"))


STATUS = ["counted", "duplicate", "outside wave"]


@dataclass
class _Tally:
    """What the batches of one extract add up to, kept as each batch is cleaned."""

    records: int = 0
    counted: int = 0
    known: int = 0
    one_platform: int = 0
    several: int = 0
    instances: int = 0
    sums: dict = field(default_factory=dict)  # (period, offence group) -> platform -> count
    excluded: dict = field(default_factory=dict)  # action -> [records, first lines]


LINES_SHOWN = 10  # lines a log row names before it says "..."


def _clean_batch(records, duplicate, ctx: Context, classifier, tally: _Tally) -> pd.DataFrame:
    """Clean one batch of an extract's records; add what it counts to ``tally``; its rows of
    records.csv."""
    columns = ctx.file.columns
    blank = records["id"] == ""
    if blank.any():
        raise InputError(
            ctx.shown,
            f"{_lines(records.loc[blank, 'line'])}, column '{columns.id}'",
            "record(s) without a crime reference, so duplicates cannot be found",
            "check columns.id in the spec; ask the force for the missing references",
        )
    day, days = _record_dates(records, ctx)
    groups = _record_offences(records, ctx)
    wave, index = ctx.wave, records.index
    iso = pd.Series(days, dtype=object)
    beyond = ((iso < wave["start"]) | (iso > wave["end"])).to_numpy(dtype=bool)
    outside = (~duplicate) & beyond[day]
    counted = ~duplicate & ~outside
    # a day outside the wave is in none of its periods
    period = _spread(period_of_day(iso, ctx.periods).fillna(""), day, index)
    platforms, found = classifier(records["text"])
    status = np.select([duplicate, outside], [1, 2], default=0)
    kept = found[counted]
    keys = pd.DataFrame(
        {"period": period[counted].to_numpy(), "offence_group": groups[counted].to_numpy()}
    )
    sums = kept.reset_index(drop=True).groupby([keys["period"], keys["offence_group"]]).sum()
    for key, counts in sums.iterrows():
        mine = tally.sums.setdefault(key, {})
        for platform, n in counts[counts > 0].items():
            mine[platform] = mine.get(platform, 0) + int(n)
    n_platforms = kept.sum(axis=1).to_numpy()
    known = ~kept[UNKNOWN].to_numpy() if UNKNOWN in kept else np.ones(len(kept), dtype=bool)
    tally.records += len(records)
    tally.counted += int(counted.sum())
    tally.known += int(known.sum())
    tally.one_platform += int((known & (n_platforms == 1)).sum())
    tally.several += int((n_platforms > 1).sum())
    tally.instances += int(n_platforms.sum())
    for mask, action in (
        (duplicate, "exclude_duplicate_record"),
        (outside, "exclude_outside_wave"),
    ):
        if mask.any():
            seen = tally.excluded.setdefault(action, [0, []])
            seen[0] += int(mask.sum())
            seen[1] += records.loc[mask, "line"].head(LINES_SHOWN + 1).tolist()
            seen[1] = seen[1][: LINES_SHOWN + 1]
    same = np.zeros(len(records), dtype=np.int64)
    return pd.DataFrame(
        {
            "wave": _spread([ctx.spec.wave], same, index),
            "force": _spread([ctx.spec.force], same, index),
            "source_file": _spread([ctx.source_file], same, index),
            "line": records["line"].astype("Int64"),
            "crime_ref": records["id"],
            "date": _spread(days, day, index),
            "period": period,
            "offence_code": records["offence"],
            "offence_group": groups,
            "platforms": platforms,
            "status": _spread(STATUS, status, index),
        }
    )


def clean_extract(
    extract: Extract,
    ctx: Context,
    write: Callable[[pd.DataFrame], None] = lambda rows: None,
    classifier: classify.Classifier | None = None,
) -> Parts:
    """Clean a record-level extract, a batch at a time: classify each crime's text into
    platforms and count.

    Each record is read once: a crime reference seen before in the extract is a duplicate
    (excluded, first one kept); a record dated outside the wave is excluded; every other record
    counts once for each platform its text names (``unknown`` if none). Each batch's rows of
    records.csv are handed to ``write`` as they are made, so memory is bounded by a batch.
    A ``classifier`` shared by the extracts of a run matches each distinct text once for all.
    """
    tally = _Tally()
    classifier = classifier or classify.Classifier(ctx.reference.contact_keywords)
    for records, duplicate in extract.batches():
        write(_clean_batch(records, duplicate, ctx, classifier, tally))
    return _extract_parts(ctx, tally)


def _extract_parts(ctx: Context, tally: _Tally) -> Parts:
    """The instances, log and reconciliation rows of a cleaned extract."""
    columns = ctx.file.columns
    bounds = ctx.periods.set_index("period")
    rows = []
    for (p, group), counts in sorted(tally.sums.items()):
        start, end = bounds.at[p, "start"], bounds.at[p, "end"]
        for platform, n in sorted(counts.items()):
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
    parts = Parts()
    instances = pd.DataFrame(rows)
    if len(instances):
        instances = instances.astype({"count": "Int64", "lower": "Int64", "upper": "Int64"})
    parts.instances.append(instances)
    unknown = tally.counted - tally.known
    log = [
        log_row(
            ctx,
            source_place=f"column '{columns.text}', {tally.counted} record(s)",
            action="classify_records",
            detail=f"{tally.counted} record(s) classified with contact_keywords.csv: "
            f"{tally.one_platform} named one platform, "
            f"{tally.several} named two or more (counted once for each), "
            f"{unknown} named none (unknown); {tally.instances} instance(s)",
            offence_group="",
            rows=tally.counted,
            count_lower=tally.instances,
            count_upper=tally.instances,
        )
    ]
    reasons = {
        "exclude_duplicate_record": (
            DUPLICATE_RECORD,
            "repeat a crime reference read earlier in the file (the first is counted)",
        ),
        "exclude_outside_wave": (OUTSIDE_WAVE, f"are dated {OUTSIDE_WAVE}"),
    }
    excluded, stated = 0, []
    for action, (reason, says) in reasons.items():
        if action not in tally.excluded:
            continue
        n, lines = tally.excluded[action]
        excluded += n
        stated.append(f"{reason}: {n} record(s)")
        log.append(
            log_row(
                ctx,
                source_place=_lines(pd.Series(lines), LINES_SHOWN),
                action=action,
                detail=f"{n} record(s) {says}; status in records.csv",
                offence_group="",
                rows=n,
                count_lower=n,
                count_upper=n,
            )
        )
    parts.log.append(pd.DataFrame(log))
    total = tally.records
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
                    "mapped_lower": tally.known,
                    "mapped_upper": tally.known,
                    "not_itemised_lower": 0,
                    "not_itemised_upper": 0,
                    "unknown_lower": unknown,
                    "unknown_upper": unknown,
                    # every record is classified: one naming no platform counts as unknown
                    "unknown_reported": True,
                    "excluded_lower": excluded,
                    "excluded_upper": excluded,
                    "excluded_reasons": "; ".join(stated),
                    "withheld_cells": 0,
                    "withheld_lower": 0,
                    "withheld_upper": 0,
                    "excluded_withheld_cells": 0,
                    "excluded_withheld_lower": 0,
                    "excluded_withheld_upper": 0,
                    "unexplained": total - tally.counted - excluded,
                }
            ]
        )
    )
    return parts
