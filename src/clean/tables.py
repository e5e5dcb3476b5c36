"""Cleaning the tables of a wave's returns: their cells -> instances, reconciliation and log rows.

:func:`clean_tables` takes every table of a wave at once (:class:`TableCells`: where it comes
from and its cells as read) and, in one pass over all their cells, parses the counts
(:mod:`src.clean.counts`), maps labels through ``platform_labels.csv``, places periods in the
wave's periods (:mod:`src.clean.periods`) and sets aside total rows, excluded labels and rows
outside the wave with their reason. Only what is truly one table's is then done table by
table, on plain rows: :func:`reconcile_table` checks every printed total (or the sum of its
rows) against what was counted plus what was excluded (any unexplained difference stops the
run), and the cleaning log names what was done to each cell. :func:`clean_table` is the same
for a single table.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from src.clean.classify import UNKNOWN
from src.clean.context import Context, Parts, log_row
from src.clean.counts import check_ceiling_by, parse_counts_by
from src.clean.periods import assign_period, period_problem
from src.clean.readers import CELL_COLUMNS
from src.clean.specs import FileSpec, Table
from src.data.reference import normalise_labels
from src.errors import InputError, visible
from src.helpers import rel
from src.vocab import NOT_ITEMISED, OUTSIDE_WAVE, TOTAL_ROW


def _table_name(file: FileSpec, index: int, table: Table) -> str:
    where = table.where
    if file.format == "xlsx":
        at = f"sheet '{where.sheet}', header row {where.header_row}"
    elif file.format == "pdf":
        at = f"page {where.page}, table {where.table}"
    else:
        at = f"header line {where.header_row}"
    return f"table {index + 1}: {at}"


@dataclass(frozen=True)
class TableCells:
    """One table of a return as read: the file it is in, its spec, its position among the
    file's tables and its cells (tuples in the order of :data:`src.clean.readers.CELL_COLUMNS`)."""

    ctx: Context
    table: Table
    index: int
    cells: list[tuple]

    @property
    def name(self) -> str:
        return _table_name(self.ctx.file, self.index, self.table)


def _reasons(cells: pd.DataFrame, tables: list[TableCells]) -> pd.Series:
    """Each cell's role: 'total', an exclusion reason, or '' (to be counted if in the wave)."""
    listed = [  # (table, label as the spec lists it, its reason or TOTAL_ROW)
        (t, label, reason)
        for t, read in enumerate(tables)
        for label, reason in [
            *read.table.exclude_labels.items(),
            *((label, TOTAL_ROW) for label in read.table.total_labels),
        ]
    ]
    norms = normalise_labels(pd.Series([label for _, label, _ in listed], dtype="str"))
    roles: dict[str, str] = {}  # a total label counts as a total, whatever else lists it
    totals: set[str] = set()
    for (t, _, reason), norm in zip(listed, norms, strict=True):
        key = f"{t}\x1f{norm}"
        if reason == TOTAL_ROW:
            totals.add(key)
        else:
            roles[key] = reason
    key = cells["t"].astype(str) + "\x1f" + cells["norm_label"]
    reason = key.map(lambda k: roles.get(k, ""))
    reason = reason.where(~cells["outside"], OUTSIDE_WAVE)
    return reason.where(~key.isin(list(totals)), TOTAL_ROW)


def _check_labels(cells: pd.DataFrame, tables: list[TableCells], lookup: dict[str, str]) -> None:
    """Every counted cell has a label, and every label is in platform_labels.csv."""
    blank = cells["norm_label"] == ""
    if blank.any():
        cell = cells[blank].iloc[0]
        raise InputError(
            tables[cell["t"]].ctx.shown,
            cell["label_place"],
            f"a count ('{cell['value']}' at {cell['source_place']}) has no label",
            "check where.header_row / last_row and label_column in the spec",
        )
    unknown = cells[~cells["norm_label"].isin(list(lookup))]
    if len(unknown):
        row = unknown.iloc[0]
        ctx = tables[row["t"]].ctx
        same = unknown[unknown["t"] == row["t"]]
        others = sorted(set(same["label"]) - {row["label"]})
        lookup_file = rel(ctx.reference.directory / "platform_labels.csv")
        hidden = visible(row["label"]) != row["label"]
        raise InputError(
            ctx.shown,
            row["label_place"],
            f"the label '{visible(row['label'])}' (normalised '{visible(row['norm_label'])}') is "
            f"not in {lookup_file}"
            + (
                " (it holds a character that looks like another or like nothing, shown as its "
                "code point: retype the label without it, or list it as printed)"
                if hidden
                else ""
            )
            + (f"; nor are: {', '.join(repr(visible(o)) for o in others)}" if others else ""),
            f"add a row '{row['norm_label']},<platform>,<note>' to {lookup_file} (the platform "
            f"from platforms.csv), or, if it is not a platform, list it under exclude_labels "
            f"in {ctx.spec.source} with the reason",
        )


def _check_duplicates(cells: pd.DataFrame, tables: list[TableCells]) -> None:
    key = ["t", "is_total", "offence_group", "period_start", "period_end", "norm_label"]
    repeated = cells[cells.duplicated(key, keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        same = repeated[(repeated[key] == first[key]).all(axis=1)]
        raise InputError(
            tables[first["t"]].ctx.shown,
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
    excluded_withheld = [0, 0, 0]  # cells, lower, upper
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
            if key == "excluded":
                excluded_withheld[0] += 1
                excluded_withheld[1] += cell["lower"]
                excluded_withheld[2] += cell["upper"]
    out = {
        f"{k}_{side}": v[i] for k, v in sums.items() for i, side in enumerate(("lower", "upper"))
    }
    out["not_itemised_lower"] = out["not_itemised_upper"] = 0
    out["excluded_reasons"] = "; ".join(
        f"{r}: {s} in {n} cell(s)" for r, (s, n) in sorted(reasons.items())
    )
    out["withheld_cells"] = withheld
    for name, value in zip(("cells", "lower", "upper"), excluded_withheld, strict=True):
        out[f"excluded_withheld_{name}"] = value
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


def _not_itemised(head: dict, sums: dict, low: int, high: int, table_name: str) -> dict | None:
    """The cell of what a printed total counts beyond the rows of a partial return: the total
    less the rows (a range when the rows hold withheld cells), platform :data:`NOT_ITEMISED`,
    placed at the total's cell; None when the rows account for the whole total. The block's
    sums take it in as a counted cell (a withheld one when it is a range)."""
    lower = max(0, head["lower"] - high)
    upper = head["upper"] - low
    if upper <= 0 or upper < lower:
        return None
    exact = lower == upper
    cell = {
        **head,
        "label": f"not itemised: {head['label']} less the rows itemised",
        "platform": NOT_ITEMISED,
        "count": lower if exact else pd.NA,
        "lower": lower,
        "upper": upper,
        "withheld": not exact,
        "reason": "",
        "is_total": False,
        "table_name": table_name,
    }
    for side, value in (("lower", lower), ("upper", upper)):
        sums[f"mapped_{side}"] += value
        sums[f"not_itemised_{side}"] = value
        if not exact:
            sums[f"withheld_{side}"] += value
    sums["withheld_cells"] += 0 if exact else 1
    return cell


#: How a block's printed total is recorded when the spec says it does not count the withheld
#: cells, or that whether it does is not known: a total that constrains them in neither case
#: (the exact ranges and the counting convention use only totals that count them).
TOTAL_WITHOUT_WITHHELD = {
    "no": "printed total, without withheld cells",
    "unknown": "printed total, withheld cells unknown",
}


def reconcile_table(
    cells: list[dict],
    ctx: Context,
    table_name: str,
    partial: bool = False,
    withheld_in_totals: str = "yes",
) -> tuple[list[dict], list[str], list[dict]]:
    """One reconciliation row per block: a printed total and the rows it covers, or the rows
    of one offence group and period where no total is printed; the block of each cell (in the
    order of ``cells``), so that a counted cell can be traced to the total that covers it; and
    the not-itemised cells of a ``partial`` table (one per block whose printed total counts
    more than its rows: :func:`_not_itemised`).

    ``cells`` are one table's cleaned cells as rows. With withheld cells the rows give a range;
    the total is explained when it lies in that range. A total that leaves the withheld cells
    out (``withheld_in_totals`` ``no``) is explained by the rows with those cells at 0; one of
    which that is not known (``unknown``), by either. Any unexplained difference stops the run.
    """
    out, extra = [], []
    block_of = [""] * len(cells)
    records = [{**c, "_index": i} for i, c in enumerate(cells)]
    for source, head, parts in _blocks(records):
        sums = _block_totals(parts)
        low = sums["mapped_lower"] + sums["unknown_lower"] + sums["excluded_lower"]
        high = sums["mapped_upper"] + sums["unknown_upper"] + sums["excluded_upper"]
        block = f"{head['offence_group']}, {head['period_start']} to {head['period_end']}"
        if source == "printed total":
            total_lower, total_upper, place = head["lower"], head["upper"], head["source_place"]
            if partial and head["lower"] > low:
                cell = _not_itemised(head, sums, low, high, table_name)
                if cell is not None:
                    extra.append({**cell, "block": block})
                    low += cell["lower"]
                    high += cell["upper"]
        else:
            total_lower, total_upper, place = low, high, ""
        if source == "printed total" and withheld_in_totals != "yes":
            source = TOTAL_WITHOUT_WITHHELD[withheld_in_totals]
            # Without the withheld cells the rows add to their printed cells alone.
            shown = low - sums["withheld_lower"]
            if withheld_in_totals == "no":
                low = high = shown
            else:
                low = min(low, shown)
        unexplained = 0
        if total_lower > high:
            unexplained = total_lower - high
        elif total_upper < low:
            unexplained = total_upper - low
        for c in parts:
            block_of[c["_index"]] = block
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
                "wave": ctx.spec.wave,
                "force": ctx.spec.force,
                "source_file": ctx.source_file,
                "table": table_name,
                "block": block,
                "offence_group": head["offence_group"],
                "period_start": head["period_start"],
                "period_end": head["period_end"],
                "unit": "instances",
                "total_source": source,
                "total_place": place,
                "total_lower": total_lower,
                "total_upper": total_upper,
                **sums,
                "unexplained": unexplained,
            }
        )
    return out, block_of, extra


def reports_unknown(cells: list[dict], lookup: dict[str, str]) -> bool:
    """Whether the table prints a count of instances whose platform was not recorded: a row
    whose label reads as ``unknown`` (counted, or set aside only for lying outside the wave).

    This is a fact about the table, not about each block: a long table that leaves out the
    platforms with no instances need not print the row in every period. A table without such a
    row gives no count of them at all, which is not a count of zero.
    """
    return any(
        c["reason"] in ("", OUTSIDE_WAVE) and lookup.get(c["norm_label"]) == UNKNOWN for c in cells
    )


def _range(lower: int, upper: int) -> str:
    return f"{lower}" if lower == upper else f"{lower} to {upper}"


def _table_log(cells: list[dict], ctx: Context, table_name: str, index: int) -> list[dict]:
    """Cleaning-log rows for a table: label mappings (with the counts they moved), withheld
    cells, and every excluded cell with its reason."""
    actions = {TOTAL_ROW: "exclude_total_row", OUTSIDE_WAVE: "exclude_outside_wave"}
    rows = []
    mapped: dict[tuple, list[dict]] = {}
    for cell in cells:
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
            rows.append(log_row(ctx, order, action="withheld_cell", detail=detail, **common))
        if cell["reason"]:
            detail = (
                f"'{cell['label']}' ({cell['period_start']} to {cell['period_end']}): "
                f"{cell['reason']}"
                + (": reconciled against, not counted" if cell["reason"] == TOTAL_ROW else "")
            )
            action = actions.get(cell["reason"], "exclude_label")
            rows.append(log_row(ctx, order, action=action, detail=detail, **common))
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
            log_row(
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
    return rows


def _not_itemised_log(cell: dict, read: TableCells) -> dict:
    """The cleaning-log row of what a partial table's printed total does not itemise."""
    shown = _range(cell["lower"], cell["upper"])
    return log_row(
        read.ctx,
        (read.index, cell["row"], cell["column"]),
        source_place=cell["source_place"],
        action="not_itemised",
        detail=(
            f"the printed total counts {shown} instance(s) beyond the rows itemised, "
            f"{read.name}: kept as '{NOT_ITEMISED}', in the known total and on no platform"
        ),
        offence_group=cell["offence_group"],
        rows=1,
        count_lower=cell["lower"],
        count_upper=cell["upper"],
    )


def _empty_table(read: TableCells) -> InputError:
    return InputError(
        read.ctx.shown,
        read.name.split(": ", 1)[1],
        "the table has a header but no rows",
        "check where.header_row and last_row in the spec",
    )


def _parsed_cells(tables: list[TableCells]) -> pd.DataFrame:
    """Every cell of ``tables`` in one frame (``t``: its table's position in ``tables``), its
    count parsed, its period placed and its role set; every check of a cell made."""
    for read in tables:
        if not read.cells:
            raise _empty_table(read)
    cells = pd.DataFrame(
        [cell + (t,) for t, read in enumerate(tables) for cell in read.cells],
        columns=[*CELL_COLUMNS, "t"],
    ).astype({"row": "int64", "column": "int64"})
    files = {t: read.ctx.shown for t, read in enumerate(tables)}
    markers = {t: read.ctx.file.withheld for t, read in enumerate(tables)}
    cells["norm_label"] = normalise_labels(cells["label"])
    parsed = parse_counts_by(cells["value"], cells["t"], markers, files, cells["source_place"])
    check_ceiling_by(parsed, tables[0].ctx.limits, cells["t"], files, cells["source_place"])
    cells = cells.join(parsed)
    ctx = tables[0].ctx  # every table of a wave has the same wave and periods
    period, outside = assign_period(
        cells["period_start"], cells["period_end"], ctx.wave, ctx.periods
    )
    cells["period"], cells["outside"] = period, outside
    cells["reason"] = _reasons(cells, tables)
    cells["is_total"] = cells["reason"] == TOTAL_ROW
    counted = cells["reason"] == ""
    problem = counted & cells["period"].isna()
    if problem.any():
        row = cells[problem].iloc[0]
        text, fix = period_problem(row["period_start"], row["period_end"], ctx.wave, ctx.periods)
        raise InputError(files[row["t"]], row["source_place"], text, fix)
    lookup = ctx.reference.label_lookup
    own = _own_labels(cells, tables, set(ctx.reference.platforms["platform"]))
    _check_labels(cells[counted & own.isna()], tables, lookup)
    _check_duplicates(cells, tables)
    cells["platform"] = own.fillna(cells["norm_label"].map(lookup)).where(counted, "")
    return cells


def _own_labels(cells: pd.DataFrame, tables: list[TableCells], platforms: set[str]) -> pd.Series:
    """Each cell's platform as its table's spec reads the label (``labels``: a column whose
    scope differs from the label's usual meaning), or NA where the spec says nothing."""
    pairs = {}
    for t, read in enumerate(tables):
        names = list(read.table.labels)
        for label, norm in zip(names, normalise_labels(pd.Series(names, dtype="str")), strict=True):
            platform = read.table.labels[label]
            if platform not in platforms:
                raise InputError(
                    read.ctx.spec.source,
                    f"key 'labels' ('{label}')",
                    f"'{platform}' is not a platform of data/reference/platforms.csv",
                    "use a platform slug from platforms.csv (or add the platform there)",
                )
            pairs[f"{t}\x1f{norm}"] = platform
    if not pairs:
        return pd.Series(pd.NA, index=cells.index, dtype=object)
    key = cells["t"].astype(str) + "\x1f" + cells["norm_label"]
    return key.map(pairs).astype(object)


INSTANCE_COLUMNS = {  # instances.csv's column <- the cell's
    "period_start": "period_start",
    "period_end": "period_end",
    "period": "period",
    "offence_group": "offence_group",
    "raw_label": "label",
    "platform": "platform",
    "count": "count",
    "lower": "lower",
    "upper": "upper",
    "withheld": "withheld",
    "source_place": "source_place",
}


def clean_tables(tables: list[TableCells]) -> Parts:
    """Clean the cells of every table of a wave into instances, log and reconciliation rows.

    The cells of all the tables are parsed, mapped and checked together; each table is then
    reconciled and logged on its own rows. A problem stops the run at the first cell (in the
    order of ``tables``) that has it.
    """
    parts = Parts()
    if not tables:
        return parts
    cells = _parsed_cells(tables)
    rows = cells.to_dict("records")
    by_table: list[list[dict]] = [[] for _ in tables]
    for row in rows:
        by_table[row["t"]].append(row)
    lookup = tables[0].ctx.reference.label_lookup
    reconciliation, log, blocks = [], [], []
    partial = []  # (table, cell) of what a partial table's printed totals do not itemise
    for t, (read, table_rows) in enumerate(zip(tables, by_table, strict=True)):
        recon, block_of, extra = reconcile_table(
            table_rows,
            read.ctx,
            read.name,
            read.table.not_itemised,
            read.table.totals_include_withheld,
        )
        reported = reports_unknown(table_rows, lookup)
        reconciliation += [{**r, "unknown_reported": reported} for r in recon]
        log += _table_log(table_rows, read.ctx, read.name, read.index)
        log += [_not_itemised_log(cell, read) for cell in extra]
        blocks += block_of
        partial += [(t, cell) for cell in extra]
    counted = (cells["reason"] == "").to_numpy()
    kept = cells[counted]
    blocks = [b for b, keep in zip(blocks, counted, strict=True) if keep]
    if partial:
        added = pd.DataFrame([{**cell, "t": t} for t, cell in partial])
        kept = pd.concat([kept, added[[c for c in kept.columns if c in added]]], ignore_index=True)
        blocks += [cell["block"] for _, cell in partial]
    origin = pd.DataFrame(  # each kept cell's table: where it comes from
        [(r.ctx.spec.wave, r.ctx.spec.force, r.ctx.source_file, r.name, r.index) for r in tables],
        columns=["wave", "force", "source_file", "table", "_table"],
    ).iloc[kept["t"].to_numpy()]
    instances = pd.DataFrame(
        {
            **{c: origin[c].to_numpy() for c in ("wave", "force")},
            **{out: kept[name].reset_index(drop=True) for out, name in INSTANCE_COLUMNS.items()},
            **{c: origin[c].to_numpy() for c in ("source_file", "table")},
            "block": blocks,
            "_table": origin["_table"].to_numpy(),
            "_row": kept["row"].to_numpy(),
            "_col": kept["column"].to_numpy(),
        }
    )
    parts.instances.append(instances)
    parts.reconciliation.append(pd.DataFrame(reconciliation))
    parts.log.append(pd.DataFrame(log))
    return parts
