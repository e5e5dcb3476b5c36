"""The cleaning step: raw returns -> one tidy, checked table of instances, with every count
accounted for.

``run_clean()`` is what ``notebooks/10-clean.ipynb`` calls. In order, it

1. checks every file under ``data/raw`` against ``MANIFEST.csv`` (``src.manifest.verify_raw``);
2. loads and checks the reference tables and each wave's reading specs;
3. reads every table and record-level extract by its spec (:mod:`src.readers`), and cleans it:
   counts parsed (withheld markers -> the force's own [lower, upper]), labels mapped through
   ``platform_labels.csv``, periods placed in the wave's halves, record texts classified
   (:mod:`src.classify`), total rows, excluded labels, rows outside the wave and duplicated
   records set aside with their reason;
4. reconciles every table: its printed total (or the sum of its rows) must equal what was
   counted plus what was excluded with a reason; any unexplained difference stops the run;
5. checks every output table (:mod:`src.schemas`) and writes them all, or none, to
   ``data/processed/``.

Any problem raises :class:`src.errors.InputError` naming the file, the place and the fix, before
anything is written. Nothing is ever written under ``data/raw``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from src.clean import classify, readers
from src.clean.specs import FileSpec, Spec, Table, load_specs
from src.data.manifest import MANIFEST, read_manifest, verify_raw
from src.data.reference import Reference, load_reference, normalise_labels
from src.data.schemas import PROCESSED_SCHEMAS, validate, validate_processed
from src.errors import InputError
from src.helpers import PROCESSED, RAW, REFERENCE, csv_text, rel, write_many
from src.vocab import (
    DUPLICATE_RECORD,
    OUTCOMES,
    OUTCOMES_WITH_DATA,
    OUTSIDE_WAVE,
    QUESTIONS_ANSWERED,
    TOTAL_ROW,
)

UNKNOWN = classify.UNKNOWN
ORDER = ("_table", "_row", "_col")  # position in the return, for sorting; never written
NO_ORDER = dict.fromkeys(ORDER, 0)
TABLE_FORMATS = ("csv", "xlsx", "pdf")

_WHOLE = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)$")
_NEGATIVE = re.compile(r"^[-\u2212]\s*[\d,]+(\.\d+)?$")
_DECIMAL = re.compile(r"^\d[\d,]*\.\d+$")
_MARKER_LIKE = re.compile(
    r"^(<|>|&lt;|\u2264|\*|\[|\(|fewer|less|under|below|x$|c$|n/?a$|-$|\u2013$|redact|withh|"
    r"suppress|s\.?\s?40|\d+\s*(-|\u2013|to)\s*\d+$)",
    re.IGNORECASE,
)

OUTCOMES_SCHEMA = pa.DataFrameSchema(
    {
        "force": pa.Column(str, pa.Check.str_length(min_value=1), unique=True),
        "outcome": pa.Column(
            str,
            pa.Check.isin(OUTCOMES),
        ),
        "questions_answered": pa.Column(str, pa.Check.isin(QUESTIONS_ANSWERED)),
        "period_start": pa.Column(str, pa.Check.str_matches(r"^(\d{4}-\d{2}-\d{2})?$")),
        "period_end": pa.Column(str, pa.Check.str_matches(r"^(\d{4}-\d{2}-\d{2})?$")),
        "provenance": pa.Column(str, pa.Check.isin(["real", "simulated"])),
    },
    name="outcomes",
)


@dataclass
class CleanResult:
    """The processed tables of one run (see data/processed/README.md)."""

    instances: pd.DataFrame
    coverage: pd.DataFrame
    reconciliation: pd.DataFrame
    cleaning_log: pd.DataFrame
    records: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in PROCESSED_SCHEMAS}


@dataclass
class _Parts:
    """What cleaning one file produces, before the tables are put together."""

    instances: list[pd.DataFrame] = field(default_factory=list)
    log: list[pd.DataFrame] = field(default_factory=list)
    reconciliation: list[pd.DataFrame] = field(default_factory=list)
    records: list[pd.DataFrame] = field(default_factory=list)

    def extend(self, other: _Parts) -> None:
        self.instances += other.instances
        self.log += other.log
        self.reconciliation += other.reconciliation
        self.records += other.records


@dataclass(frozen=True)
class _Context:
    """Everything the cleaning of one file needs to know about where it comes from."""

    wave: pd.Series  # the row of waves.csv
    spec: Spec
    file: FileSpec
    source_file: str  # relative to data/raw, as in MANIFEST.csv
    shown: str  # the path as messages show it
    reference: Reference


# --- Counts ------------------------------------------------------------------------------------


def _bad_count(text: str, markers: dict) -> tuple[str, str]:
    """Why ``text`` is not a count, and what to do about it."""
    declared = ", ".join(f"'{m}'" for m in markers) or "none"
    if text == "":
        return (
            "the count cell is empty: a blank is neither a zero nor a withheld count",
            "ask the force what the blank means; until then the return cannot be read",
        )
    if _NEGATIVE.match(text):
        return (
            f"negative count '{text}'",
            "a count cannot be negative: check the return with the force",
        )
    if _DECIMAL.match(text):
        return (f"'{text}' is not a whole number", "counts are whole numbers: check the return")
    if _MARKER_LIKE.match(text):
        return (
            f"'{text}' looks like a withheld-cell marker, but the spec does not declare it "
            f"(declared: {declared})",
            f"add it to 'withheld' in the spec with the bounds the force's convention gives, "
            f'e.g. withheld: {{"{text}": [1, 4]}}',
        )
    return (
        f"'{text}' is not a number (declared withheld markers: {declared})",
        "check the spec points at the count columns; if this is a marker, declare it in 'withheld'",
    )


def parse_counts(
    values: pd.Series, markers: dict[str, tuple[int, int]], file: str, places: pd.Series
) -> pd.DataFrame:
    """Counts from cell text: ``count`` (empty when withheld), ``lower``, ``upper``, ``withheld``.

    Whole numbers, with or without thousands commas ("1,234"), are counts. A marker the spec
    declares (``withheld``) is a withheld count with the force's own bounds. Anything else (a
    blank, a negative, a decimal, an undeclared marker, text) stops the run at the first such
    cell, saying how many more there are.
    """
    text = values.fillna("").astype(str).str.strip()
    whole = text.str.match(_WHOLE.pattern)
    marker = text.isin(list(markers))
    bad = ~(whole | marker)
    if bad.any():
        first = bad.idxmax()
        problem, fix = _bad_count(text[first], markers)
        more = int(bad.sum()) - 1
        raise InputError(
            file,
            places[first],
            problem + (f" ({more} more such cell(s) in this table)" if more else ""),
            fix,
        )
    count = pd.to_numeric(text.where(whole).str.replace(",", "", regex=False)).astype("Int64")
    bounds = {m: b for m, b in markers.items()}
    lower = text.map(lambda t: bounds[t][0] if t in bounds else np.nan)
    upper = text.map(lambda t: bounds[t][1] if t in bounds else np.nan)
    return pd.DataFrame(
        {
            "count": count,
            "lower": count.fillna(lower.astype("Int64")).astype("Int64"),
            "upper": count.fillna(upper.astype("Int64")).astype("Int64"),
            "withheld": marker.to_numpy(dtype=bool),
        },
        index=values.index,
    )


# --- Periods -----------------------------------------------------------------------------------


def assign_half(starts: pd.Series, ends: pd.Series, wave: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(half, outside) for each period: ``H1``/``H2`` inside the wave; outside the wave entirely.

    Returns a third state, ``None`` with ``outside`` False, for a period that straddles the
    wave's boundary or both halves: the caller reports it.
    """
    outside = (ends < wave["start"]) | (starts > wave["end"])
    h1 = (starts >= wave["h1_start"]) & (ends <= wave["h1_end"])
    h2 = (starts >= wave["h2_start"]) & (ends <= wave["h2_end"])
    half = pd.Series(np.select([h1, h2], ["H1", "H2"], default=""), index=starts.index)
    return half.where(~outside & (h1 | h2), None), outside


def _period_problem(start: str, end: str, wave: pd.Series) -> tuple[str, str]:
    if start < wave["start"] or end > wave["end"]:
        return (
            f"the period {start} to {end} straddles the wave's boundary "
            f"({wave['start']} to {wave['end']}): part of this count is outside the wave",
            "check the period in the spec; if the force's period really differs, the count "
            "cannot be split: ask the force for figures by the wave's half-years",
        )
    return (
        f"the period {start} to {end} spans both halves of the wave "
        f"({wave['h1_start']} to {wave['h1_end']} and {wave['h2_start']} to {wave['h2_end']})",
        "check the period in the spec; the instances table needs each count in one half",
    )


# --- Tables ------------------------------------------------------------------------------------


def _table_name(file: FileSpec, index: int, table: Table) -> str:
    where = table.where
    if file.format == "xlsx":
        at = f"sheet '{where.sheet}', header row {where.header_row}"
    elif file.format == "pdf":
        at = f"page {where.page}, table {where.table}"
    else:
        at = f"header line {where.header_row}"
    return f"table {index + 1}: {at}"


def _classify_rows(cells: pd.DataFrame, table: Table) -> pd.Series:
    """Each cell's role: 'total', an exclusion reason, or '' (to be counted if in the wave)."""
    norm = cells["norm_label"]
    totals = set(normalise_labels(pd.Series(table.total_labels, dtype="str")))
    excluded = dict(
        zip(
            normalise_labels(pd.Series(list(table.exclude_labels), dtype="str")),
            table.exclude_labels.values(),
            strict=True,
        )
    )
    reason = norm.map(lambda label: excluded.get(label, ""))
    reason = reason.where(~cells["outside"], OUTSIDE_WAVE)
    return reason.where(~norm.isin(totals), TOTAL_ROW)


def _check_labels(cells: pd.DataFrame, ctx: _Context, lookup: dict[str, str]) -> None:
    for i in cells.index:
        if cells.at[i, "norm_label"] == "":
            raise InputError(
                ctx.shown,
                cells.at[i, "label_place"],
                f"a count ('{cells.at[i, 'value']}' at {cells.at[i, 'source_place']}) has no label",
                "check where.header_row / last_row and label_column in the spec",
            )
    unknown = cells[~cells["norm_label"].isin(list(lookup))]
    if len(unknown):
        row = unknown.iloc[0]
        others = sorted(set(unknown["label"]) - {row["label"]})
        lookup_file = rel(ctx.reference.directory / "platform_labels.csv")
        raise InputError(
            ctx.shown,
            row["label_place"],
            f"the label '{row['label']}' (normalised '{row['norm_label']}') is not in "
            f"{lookup_file}" + (f"; nor are: {', '.join(map(repr, others))}" if others else ""),
            f"add a row '{row['norm_label']},<platform>,<note>' to {lookup_file} (the platform "
            f"from platforms.csv), or, if it is not a platform, list it under exclude_labels "
            f"in {ctx.spec.source} with the reason",
        )


def _check_duplicates(cells: pd.DataFrame, ctx: _Context) -> None:
    key = ["is_total", "offence_group", "period_start", "period_end", "norm_label"]
    repeated = cells[cells.duplicated(key, keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        same = repeated[(repeated[key] == first[key]).all(axis=1)]
        raise InputError(
            ctx.shown,
            same["source_place"].iloc[1],
            f"the row '{first['label']}' ({first['offence_group']}, {first['period_start']} to "
            f"{first['period_end']}) appears more than once in this table, at "
            + " and ".join(same["source_place"]),
            "a count must appear once: ask the force which figure is right (or correct the "
            "spec if it maps two columns or periods to the same one)",
        )


def _block_totals(parts: list[dict]) -> dict:
    """Counted (known, unknown), excluded and withheld sums of the cells of one block."""
    sums = dict.fromkeys(
        ["mapped", "unknown", "excluded", "withheld"], None
    )  # each a [lower, upper] pair
    for key in sums:
        sums[key] = [0, 0]
    reasons: dict[str, list[int]] = {}
    withheld = 0
    for cell in parts:
        if cell["reason"]:
            key = "excluded"
            reason = reasons.setdefault(cell["reason"], [0, 0])
            reason[0] += cell["lower"]
            reason[1] += 1
        else:
            key = "unknown" if cell["platform"] == UNKNOWN else "mapped"
        sums[key][0] += cell["lower"]
        sums[key][1] += cell["upper"]
        if cell["withheld"]:
            withheld += 1
            sums["withheld"][0] += cell["lower"]
            sums["withheld"][1] += cell["upper"]
    out = {
        f"{k}_{side}": v[i] for k, v in sums.items() for i, side in enumerate(("lower", "upper"))
    }
    out["excluded_reasons"] = "; ".join(
        f"{r}: {s} in {n} cell(s)" for r, (s, n) in sorted(reasons.items())
    )
    out["withheld_cells"] = withheld
    return out


def _blocks(cells: list[dict]) -> list[tuple[str, dict, list[dict]]]:
    """(total source, the total's cell or the block's first cell, the cells it covers).

    A printed total covers the cells of its offence group whose period lies within its own;
    the other cells are grouped by offence group and period, each group summed.
    """
    body = [c for c in cells if not c["is_total"]]
    covered: set[int] = set()
    blocks = []
    for total in (c for c in cells if c["is_total"]):
        inside = [
            i
            for i, c in enumerate(body)
            if c["offence_group"] == total["offence_group"]
            and c["period_start"] >= total["period_start"]
            and c["period_end"] <= total["period_end"]
        ]
        covered.update(inside)
        blocks.append(("printed total", total, [body[i] for i in inside]))
    rest: dict[tuple, list[dict]] = {}
    for i, c in enumerate(body):
        if i not in covered:
            rest.setdefault((c["offence_group"], c["period_start"], c["period_end"]), []).append(c)
    blocks += [("sum of rows", parts[0], parts) for _, parts in sorted(rest.items())]
    return blocks


def reconcile_table(cells: pd.DataFrame, ctx: _Context, table_name: str) -> pd.DataFrame:
    """One reconciliation row per block: a printed total and the rows it covers, or the rows
    of one offence group and period where no total is printed.

    With withheld cells the rows give a range; the total is explained when it lies in that
    range. Any unexplained difference stops the run.
    """
    out = []
    for source, head, parts in _blocks(cells.to_dict("records")):
        sums = _block_totals(parts)
        low = sums["mapped_lower"] + sums["unknown_lower"] + sums["excluded_lower"]
        high = sums["mapped_upper"] + sums["unknown_upper"] + sums["excluded_upper"]
        if source == "printed total":
            total_lower, total_upper, place = head["lower"], head["upper"], head["source_place"]
        else:
            total_lower, total_upper, place = low, high, ""
        unexplained = 0
        if total_lower > high:
            unexplained = total_lower - high
        elif total_upper < low:
            unexplained = total_upper - low
        block = f"{head['offence_group']}, {head['period_start']} to {head['period_end']}"
        if unexplained:
            counted = _range(
                sums["mapped_lower"] + sums["unknown_lower"],
                sums["mapped_upper"] + sums["unknown_upper"],
            )
            raise InputError(
                ctx.shown,
                place,
                f"the printed total ({_range(total_lower, total_upper)}) for {block} does not "
                f"match its rows ({_range(low, high)}: counted {counted}, excluded "
                f"{_range(sums['excluded_lower'], sums['excluded_upper'])}); "
                f"{abs(unexplained)} instance(s) unexplained",
                "check the spec (total_labels, exclude_labels, periods, offence columns, "
                "withheld bounds) against the return; if the force's own total is wrong, ask "
                "the force which figures are right",
            )
        out.append(
            {
                "table": table_name,
                "block": block,
                "unit": "instances",
                "total_source": source,
                "total_place": place,
                "total_lower": total_lower,
                "total_upper": total_upper,
                **sums,
                "unexplained": unexplained,
            }
        )
    return pd.DataFrame(out)


def _range(lower: int, upper: int) -> str:
    return f"{lower}" if lower == upper else f"{lower} to {upper}"


def _log(ctx: _Context, order=(0, 0, 0), **columns) -> dict:
    return {
        "wave": ctx.spec.wave,
        "force": ctx.spec.force,
        "source_file": ctx.source_file,
        **columns,
        **dict(zip(ORDER, order, strict=True)),
    }


def _table_log(cells: pd.DataFrame, ctx: _Context, table_name: str, index: int) -> pd.DataFrame:
    """Cleaning-log rows for a table: label mappings (with the counts they moved), withheld
    cells, and every excluded cell with its reason."""
    actions = {TOTAL_ROW: "exclude_total_row", OUTSIDE_WAVE: "exclude_outside_wave"}
    rows = []
    mapped: dict[tuple, list[dict]] = {}
    for cell in cells.to_dict("records"):
        order = (index, cell["row"], cell["column"])
        common = {
            "source_place": cell["source_place"],
            "offence_group": cell["offence_group"],
            "rows": 1,
            "count_lower": cell["lower"],
            "count_upper": cell["upper"],
        }
        if cell["withheld"]:
            detail = (
                f"'{cell['value']}' read as {cell['lower']} to {cell['upper']}, the force's "
                "convention as its spec declares it"
            )
            rows.append(_log(ctx, order, action="withheld_cell", detail=detail, **common))
        if cell["reason"]:
            detail = (
                f"'{cell['label']}' ({cell['period_start']} to {cell['period_end']}): "
                f"{cell['reason']}"
                + (": reconciled against, not counted" if cell["reason"] == TOTAL_ROW else "")
            )
            action = actions.get(cell["reason"], "exclude_label")
            rows.append(_log(ctx, order, action=action, detail=detail, **common))
        else:
            key = (cell["label"], cell["platform"], cell["offence_group"])
            mapped.setdefault(key, []).append(cell)
    for (label, platform, group), group_cells in mapped.items():
        first = group_cells[0]
        places = "; ".join(dict.fromkeys(c["label_place"] for c in group_cells))
        detail = (
            f"'{label}' -> {platform} (platform_labels.csv: '{first['norm_label']}'), {table_name}"
        )
        rows.append(
            _log(
                ctx,
                (index, first["row"], first["column"]),
                source_place=places,
                action="map_label",
                detail=detail,
                offence_group=group,
                rows=len(group_cells),
                count_lower=sum(c["lower"] for c in group_cells),
                count_upper=sum(c["upper"] for c in group_cells),
            )
        )
    return pd.DataFrame(rows)


def clean_table(cells: pd.DataFrame, table: Table, ctx: _Context, index: int) -> _Parts:
    """Clean the cells of one table into instances, log rows and reconciliation rows."""
    table_name = _table_name(ctx.file, index, table)
    if cells.empty:
        raise InputError(
            ctx.shown,
            table_name.split(": ", 1)[1],
            "the table has a header but no rows",
            "check where.header_row and last_row in the spec",
        )
    cells = cells.copy()
    cells["norm_label"] = normalise_labels(cells["label"])
    cells = cells.join(
        parse_counts(cells["value"], ctx.file.withheld, ctx.shown, cells["source_place"])
    )
    half, outside = assign_half(cells["period_start"], cells["period_end"], ctx.wave)
    cells["half"], cells["outside"] = half, outside
    cells["reason"] = _classify_rows(cells, table)
    cells["is_total"] = cells["reason"] == TOTAL_ROW
    counted = cells["reason"] == ""
    problem = counted & cells["half"].isna()
    if problem.any():
        row = cells[problem].iloc[0]
        text, fix = _period_problem(row["period_start"], row["period_end"], ctx.wave)
        raise InputError(ctx.shown, row["source_place"], text, fix)
    lookup = ctx.reference.label_lookup
    _check_labels(cells[counted], ctx, lookup)
    _check_duplicates(cells, ctx)
    cells["platform"] = cells["norm_label"].map(lookup).where(counted, "")
    parts = _Parts()
    recon = reconcile_table(cells, ctx, table_name)
    recon.insert(0, "source_file", ctx.source_file)
    recon.insert(0, "force", ctx.spec.force)
    recon.insert(0, "wave", ctx.spec.wave)
    parts.reconciliation.append(recon)
    parts.log.append(_table_log(cells, ctx, table_name, index))
    kept = cells[counted]
    parts.instances.append(
        pd.DataFrame(
            {
                "wave": ctx.spec.wave,
                "force": ctx.spec.force,
                "period_start": kept["period_start"],
                "period_end": kept["period_end"],
                "half": kept["half"],
                "offence_group": kept["offence_group"],
                "raw_label": kept["label"],
                "platform": kept["platform"],
                "count": kept["count"],
                "lower": kept["lower"],
                "upper": kept["upper"],
                "withheld": kept["withheld"],
                "source_file": ctx.source_file,
                "source_place": kept["source_place"],
                "_table": index,
                "_row": kept["row"],
                "_col": kept["column"],
            }
        )
    )
    return parts


# --- Record-level extracts ---------------------------------------------------------------------


def _lines(lines: pd.Series, limit: int = 10) -> str:
    shown = ", ".join(str(n) for n in lines.head(limit))
    return (
        f"line {shown}"
        if len(lines) == 1
        else f"lines {shown}" + (" ..." if len(lines) > limit else "")
    )


def _record_offences(records: pd.DataFrame, ctx: _Context) -> pd.Series:
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


def _record_dates(records: pd.DataFrame, ctx: _Context) -> pd.Series:
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


def clean_records(records: pd.DataFrame, ctx: _Context) -> _Parts:
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
    half = np.where(dates <= wave["h1_end"], "H1", "H2")
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
            "half": pd.Series(half, index=records.index).where(~outside, None),
            "offence_code": records["offence"],
            "offence_group": groups,
            "platforms": platforms,
            "status": status,
        }
    )
    parts = _Parts(records=[table])
    kept = found[counted]
    keys = pd.DataFrame({"half": half[counted], "offence_group": groups[counted].to_numpy()})
    sums = kept.reset_index(drop=True).groupby([keys["half"], keys["offence_group"]]).sum()
    rows = []
    for (h, group), counts in sums.iterrows():
        start, end = wave[f"{h.lower()}_start"], wave[f"{h.lower()}_end"]
        for platform, n in counts[counts > 0].items():
            rows.append(
                {
                    "wave": ctx.spec.wave,
                    "force": ctx.spec.force,
                    "period_start": start,
                    "period_end": end,
                    "half": h,
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
        _log(
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
                _log(
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
                    "unit": "records",
                    "total_source": "records in file",
                    "total_place": "",
                    "total_lower": total,
                    "total_upper": total,
                    "mapped_lower": n_known,
                    "mapped_upper": n_known,
                    "unknown_lower": len(kept) - n_known,
                    "unknown_upper": len(kept) - n_known,
                    "excluded_lower": excluded,
                    "excluded_upper": excluded,
                    "excluded_reasons": "; ".join(r for r in reasons if r),
                    "withheld_cells": 0,
                    "withheld_lower": 0,
                    "withheld_upper": 0,
                    "unexplained": total - len(kept) - excluded,
                }
            ]
        )
    )
    return parts


# --- A wave ------------------------------------------------------------------------------------


def read_outcomes(path: Path, reference: Reference) -> pd.DataFrame:
    """outcomes.csv of a wave, checked: one row per force asked, each force in forces.csv."""
    if not path.is_file():
        raise InputError(
            rel(path), "", "the wave has no outcomes.csv", "add one row per force asked"
        )
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    df = validate(df, OUTCOMES_SCHEMA, rel(path), "correct the rows named (see data/raw/README.md)")
    unknown = df[~df["force"].isin(reference.forces["force"])]
    if len(unknown):
        raise InputError(
            rel(path),
            f"row {unknown.index[0] + 2}, column 'force'",
            f"force '{unknown['force'].iloc[0]}' is not in data/reference/forces.csv",
            "use the force's slug from forces.csv (or add the force there)",
        )
    return df


def _read_manifest(raw_dir: Path) -> pd.DataFrame | None:
    """The manifest, if there is one (``run_clean`` has already verified it)."""
    return read_manifest(raw_dir) if (raw_dir / MANIFEST).is_file() else None


def _check_specs_cover(
    specs: list[Spec],
    outcomes: pd.DataFrame,
    manifest: pd.DataFrame | None,
    outcomes_file: str,
    wave: str,
    manifest_file: str = MANIFEST,
) -> None:
    """Every force with data has a spec, every spec's force sent data, and every return or
    extract in the manifest is read by the spec of its own force."""
    with_data = set(outcomes.loc[outcomes["outcome"].isin(OUTCOMES_WITH_DATA), "force"])
    for spec in specs:
        if spec.force not in with_data:
            row = outcomes[outcomes["force"] == spec.force]
            said = f"outcome '{row['outcome'].iloc[0]}'" if len(row) else "no row"
            raise InputError(
                spec.source,
                "key 'force'",
                f"a spec for '{spec.force}', but outcomes.csv gives it {said}",
                f"set the force's outcome in {outcomes_file} to data or partial, or remove the spec",
            )
    missing = sorted(with_data - {s.force for s in specs})
    if missing:
        raise InputError(
            outcomes_file,
            f"force '{missing[0]}'",
            f"the force sent data but has no reading spec (also: {', '.join(missing[1:]) or 'none'})",
            f"write data/reference/specs/{wave}/{missing[0]}.yaml",
        )
    if manifest is None:
        return
    read = {f"waves/{wave}/{f.path}": s for s in specs for f in s.files}
    returns = manifest[(manifest["wave"] == wave) & manifest["content"].isin(["return", "records"])]
    for i, row in returns.iterrows():
        spec = read.get(row["path"])
        if spec is None:
            raise InputError(
                manifest_file,
                f"row {i + 2} ('{row['path']}')",
                "a return in the manifest is not read by any spec, so its counts would be lost",
                f"add it to data/reference/specs/{wave}/{row['force']}.yaml",
            )
        if row["force"] != spec.force:
            raise InputError(
                spec.source,
                f"file '{row['path']}'",
                f"the manifest gives this file to force '{row['force']}'",
                "move the file entry to that force's spec, or correct the manifest",
            )


def _check_questions(instances: pd.DataFrame, outcomes: pd.DataFrame, ref: Reference, file: str):
    """A force counted for an offence group must have answered that question."""
    groups = ref.offence_groups
    if "question" not in groups.columns:
        return
    question = dict(zip(groups["offence_group"], groups["question"], strict=True))
    answered = dict(zip(outcomes["force"], outcomes["questions_answered"], strict=True))
    for (force, group), _ in instances.groupby(["force", "offence_group"]):
        said = answered.get(force, "")
        q = str(question.get(group, "")).lower()
        if said == "none" or (said in ("q1", "q2") and q and said != q):
            raise InputError(
                file,
                f"force '{force}', column 'questions_answered'",
                f"says '{said}' but the force's return has counts for {group} ({q.upper()})",
                "correct questions_answered, or the spec's offence columns",
            )


def _check_overlaps(instances: pd.DataFrame, raw_dir: Path) -> None:
    """The same label, offence group and overlapping period in two tables counts twice."""
    rows = instances.assign(
        norm=normalise_labels(instances["raw_label"]),
        table=instances["source_file"] + "|" + instances["_table"].astype(str),
    )
    pairs = rows.merge(rows, on=["force", "offence_group", "norm"], suffixes=("", "_b"))
    clash = pairs[
        (pairs["table"] < pairs["table_b"])
        & (pairs["period_start"] <= pairs["period_end_b"])
        & (pairs["period_start_b"] <= pairs["period_end"])
    ]
    if len(clash):
        c = clash.iloc[0]
        raise InputError(
            rel(raw_dir / c["source_file"]),
            c["source_place"],
            f"'{c['raw_label']}' ({c['offence_group']}, {c['period_start']} to "
            f"{c['period_end']}) is also counted at {c['source_file_b']}, {c['source_place_b']}: "
            "the same instances would be counted twice",
            "read only one of the two tables (remove the other from the spec, with a note why)",
        )


def clean_wave(wave: str, raw_dir: Path | str, reference: Reference) -> CleanResult:
    """Clean every return of one wave (without writing anything)."""
    raw_dir = Path(raw_dir)
    wave_row = reference.wave(wave)
    wave_dir = raw_dir / "waves" / wave
    outcomes_path = wave_dir / "outcomes.csv"
    outcomes = read_outcomes(outcomes_path, reference)
    specs = load_specs(
        wave,
        reference.directory / "specs" / wave,
        wave_dir,
        reference.forces,
        reference.offence_groups,
    )
    _check_specs_cover(
        specs, outcomes, _read_manifest(raw_dir), rel(outcomes_path), wave, rel(raw_dir / MANIFEST)
    )
    parts = _Parts()
    for spec in specs:
        for file in spec.files:
            path = wave_dir / file.path
            ctx = _Context(
                wave=wave_row,
                spec=spec,
                file=file,
                source_file=f"waves/{wave}/{file.path}",
                shown=rel(path),
                reference=reference,
            )
            if file.format == "records":
                parts.extend(clean_records(readers.read_records(path, file), ctx))
                continue
            for i, (table, cells) in enumerate(
                zip(file.tables, readers.read_tables(path, file, spec.source), strict=True)
            ):
                parts.extend(clean_table(cells, table, ctx, i))
    instances = _concat(parts.instances, "instances")
    if len(instances):
        _check_overlaps(instances, raw_dir)
        _check_questions(instances, outcomes, reference, rel(outcomes_path))
    instances = _sorted(instances, ["wave", "force", "source_file"])
    return CleanResult(
        instances=instances,
        coverage=coverage(wave, outcomes, instances, specs),
        reconciliation=_sorted(
            _concat(parts.reconciliation, "reconciliation"),
            ["wave", "force", "source_file", "table", "block"],
        ),
        cleaning_log=_sorted(_concat(parts.log, "cleaning_log"), ["wave", "force", "source_file"]),
        records=_sorted(
            _concat(parts.records, "records"), ["wave", "force", "source_file", "line"]
        ),
    )


def coverage(wave: str, outcomes: pd.DataFrame, instances: pd.DataFrame, specs: list[Spec]):
    """One row per force asked: its outcome and what it contributed, known and unknown."""
    files = {s.force: len(s.files) for s in specs}
    known = instances["platform"] != UNKNOWN
    rows = []
    for o in outcomes.itertuples():
        mine = instances["force"] == o.force
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
                "rows": int(mine.sum()),
                "withheld_cells": int(instances.loc[mine, "withheld"].sum()),
                "known_lower": int(instances.loc[mine & known, "lower"].sum()),
                "known_upper": int(instances.loc[mine & known, "upper"].sum()),
                "unknown_lower": int(instances.loc[mine & ~known, "lower"].sum()),
                "unknown_upper": int(instances.loc[mine & ~known, "upper"].sum()),
            }
        )
    table = pd.DataFrame(rows, columns=list(PROCESSED_SCHEMAS["coverage"].columns))
    return _sorted(table, ["wave", "force"])


def _concat(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    """The frames as one table with its schema's columns and types (plus any order columns)."""
    columns = list(PROCESSED_SCHEMAS[name].columns)
    frames = [f for f in frames if len(f)]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    order = [c for c in ORDER if c in table.columns]
    return _typed(table[columns + order], name)


def _typed(table: pd.DataFrame, name: str) -> pd.DataFrame:
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


def _sorted(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sorted by ``keys``, then by position in the return (table, row, column), then by every
    column, so that the order never depends on the order of reading; order columns dropped."""
    order = [c for c in ORDER if c in table.columns]
    head = keys[:3] + order if order else keys
    rest = [c for c in table.columns if c not in head and c not in ORDER]
    table = table.sort_values(head + rest, kind="mergesort")
    return table.drop(columns=order).reset_index(drop=True)


def combine(results: list[CleanResult]) -> CleanResult:
    """The tables of several waves as one result."""
    tables = {
        name: pd.concat([getattr(r, name) for r in results], ignore_index=True)
        if results
        else _typed(pd.DataFrame(columns=list(schema.columns)), name)
        for name, schema in PROCESSED_SCHEMAS.items()
    }
    return CleanResult(**tables)


def waves_present(raw_dir: Path, reference: Reference) -> list[str]:
    """The waves of waves.csv that have a folder of returns under ``raw_dir/waves``."""
    return [w for w in reference.waves["wave"] if (raw_dir / "waves" / w).is_dir()]


def run_clean(
    raw_dir: Path | str = RAW,
    reference_dir: Path | str = REFERENCE,
    processed_dir: Path | str = PROCESSED,
    write: bool = True,
) -> CleanResult:
    """Verify, read, clean, reconcile and check every wave; then write data/processed/*.csv.

    Returns the tables (``.instances``, ``.coverage``, ``.reconciliation``, ``.cleaning_log``,
    ``.records``). Every output is written together or not at all, and only after every check
    has passed, so a failed run leaves the previous outputs byte-for-byte as they were.
    """
    raw_dir, processed_dir = Path(raw_dir), Path(processed_dir)
    verify_raw(raw_dir)  # the manifest check comes first, always
    reference = load_reference(reference_dir)
    waves = waves_present(raw_dir, reference)
    if not waves:
        raise InputError(
            rel(raw_dir / "waves"),
            "",
            "no wave folder to clean (none of waves.csv's waves is there)",
            "add the returns under data/raw/waves/<wave>/",
        )
    result = combine([clean_wave(wave, raw_dir, reference) for wave in waves])
    tables = result.tables()
    validate_processed(tables, rel(processed_dir))
    if write:
        write_many({processed_dir / f"{name}.csv": csv_text(df) for name, df in tables.items()})
    return result
