"""The tables behind the findings as one accessible spreadsheet, made with ``gptables`` (the
Analysis Function's package for spreadsheets that follow its guidance, "Releasing statistics in
spreadsheets": a cover sheet, a contents sheet, a notes sheet, one table per sheet with a title,
a subtitle and a source).

Every number is stored as a number. A cell with no number holds the GSS shorthand, explained on
the cover and under each table that uses it: ``[c]`` (confidential: withheld by disclosure
control, :data:`src.sdc.REDACTED`), ``[x]`` (not available) or ``[z]`` (not applicable). Units
are in the column headings (gptables' ``units``), one unit per column, so a table whose rows mix
counts and percentages is split into one sheet of each. Cells hold names, not slugs.

:func:`findings_workbook` lays out a build's tables (:data:`LAYOUTS`); :func:`workbook_bytes`
renders sheets in memory with fixed document properties, so the same tables give the same bytes;
:mod:`src.findings.run` writes them. Publisher, contact and date: ``publication.yaml``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from dataclasses import dataclass, field

import gptables as gpt
import numpy as np
import pandas as pd

from src import sdc
from src.data.tables import ROW_UNITS, Column, Descriptions, Table
from src.findings.areas import cell_columns
from src.findings.assemble import Findings
from src.findings.display import words
from src.findings.publication import Publication
from src.vocab import OUTCOME_LABELS, capitalised

#: Text cells stay text: a published wording that starts with '=' is never a formula, nor an
#: address a link.
TEXT_IS_TEXT = {"strings_to_formulas": False, "strings_to_urls": False}
#: The "created" property when no publication date is given (any fixed date keeps the bytes).
CREATED = dt.datetime(2000, 1, 1, 0, 0, 0)

#: The GSS shorthand for a cell with no number, and what each means.
CONFIDENTIAL = sdc.REDACTED
NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
#: The one row of a sheet whose table has no rows in this build.
EMPTY_ROW = "None in this build"
SHORTHAND = {
    CONFIDENTIAL: "confidential: withheld by disclosure control",
    NOT_AVAILABLE: "not available",
    NOT_APPLICABLE: "not applicable",
}


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a table and what a reader needs to read it.

    ``table`` is as the reader sees it (headings and cells); ``units`` maps a heading to its
    unit, shown in the heading. ``notes`` are keys of the workbook's notes (see
    :func:`workbook_bytes`); each is referenced from the title so that the notes sheet lists it.
    ``formats`` give a column (by its heading) a format (its numbers', ``num_format``). A
    column with longer cells than :data:`WRAP_WIDTH` characters is that wide, its cells wrapped.
    """

    name: str
    table: pd.DataFrame
    title: str
    subtitles: list[str] = field(default_factory=list)
    source: str = ""
    notes: list[str] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)
    formats: list[dict] = field(default_factory=list)


def _table_name(sheet_name: str) -> str:
    """A table name Excel accepts and that does not look like a cell reference."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", sheet_name).strip("_").lower()
    return f"table_{name}"


def _is_blank(value) -> bool:
    if isinstance(value, str):
        return value == ""
    return value is None or bool(pd.isna(value))


def _cell(value):
    """A value as a cell: numbers as numbers, true/false as yes/no."""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return value


def as_cells(df: pd.DataFrame, blank: str = NOT_AVAILABLE) -> pd.DataFrame:
    """A table as cells: numbers kept as numbers, true/false as yes/no, an empty cell as the
    shorthand ``blank``; the headings as they are."""
    cells = {c: [blank if _is_blank(v) else _cell(v) for v in df[c]] for c in df.columns}
    return pd.DataFrame(cells, index=df.index, columns=df.columns, dtype=object)


def legend(tables: list[pd.DataFrame]) -> list[str]:
    """What each shorthand used in ``tables`` means, in the order of :data:`SHORTHAND`."""
    used = {v for t in tables for v in t.to_numpy().ravel() if isinstance(v, str)}
    return [f"{code} = {meaning}" for code, meaning in SHORTHAND.items() if code in used]


def workbook_bytes(
    sheets: list[Sheet],
    notes: dict[str, str],
    cover_title: str,
    cover_intro: list[str],
    about: list[str] | None = None,
    contact: list[str] | None = None,
    properties: dict[str, str] | None = None,
    created: dt.datetime = CREATED,
) -> bytes:
    """The workbook as bytes: a cover, contents, notes, then one sheet per table.

    ``properties`` are the document properties (title, subject, author, keywords, comments);
    ``created`` is fixed (never the time of the build), so the same sheets give the same bytes.
    """
    used = [key for sheet in sheets for key in sheet.notes]
    unused = sorted(set(notes) - set(used))
    if unused:
        raise ValueError(f"notes not referenced by any sheet: {unused}")
    gptables = {}
    for sheet in sheets:
        refs = "".join(f"$${key}$$" for key in sheet.notes)
        table = as_cells(sheet.table)
        if table.empty:
            # A table with no rows in this build (no published figure to compare, say) keeps
            # its sheet and headings, with one row saying so.
            table = pd.DataFrame(
                [[EMPTY_ROW, *[NOT_APPLICABLE] * (len(table.columns) - 1)]],
                columns=table.columns,
            )
        gptables[sheet.name] = gpt.GPTable(
            table=table,
            table_name=_table_name(sheet.name),
            title=f"{sheet.title}{refs}",
            subtitles=list(sheet.subtitles),
            instructions="This worksheet contains one table. Some cells may refer to notes, "
            "which are on the Notes sheet.",
            source=sheet.source or None,
            units=dict(sheet.units) or None,
            legend=legend([table]),
            additional_formatting=[
                {
                    "column": {
                        "columns": [f["column"]],
                        "format": f["format"],
                        "include_names": False,
                    }
                }
                for f in sheet.formats
            ],
        )
    ordered = list(dict.fromkeys(used))
    notes_table = pd.DataFrame(
        {"Note reference": ordered, "Note text": [notes[key] for key in ordered]}
    )
    cover = gpt.Cover(
        title=cover_title,
        intro=list(cover_intro),
        about=list(about) if about else None,
        contact=list(contact) if contact else None,
    )
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # Any warning about our content (a note not referenced, a table name Excel could
        # misread) is an error; pandas' notices about gptables' own code are not ours to fix.
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", DeprecationWarning)
        workbook = gpt.produce_workbook(
            filename=buffer,
            sheets=gptables,
            cover=cover,
            notes_table=notes_table,
            workbook_options=TEXT_IS_TEXT,
        )
        workbook.set_properties({**(properties or {}), "created": created})
        for sheet in sheets:
            # A column of long text wraps (as every cell does) at a readable width, not at
            # the width of its longest cell.
            worksheet = workbook.get_worksheet_by_name(sheet.name)
            for j, column in enumerate(sheet.table.columns):
                if max((len(str(v)) for v in sheet.table[column]), default=0) > WRAP_WIDTH:
                    worksheet.set_column(j, j, WRAP_WIDTH)
        workbook.get_worksheet_by_name("Notes").set_column(1, 1, WRAP_WIDTH)  # the notes' text
        workbook.close()
    return buffer.getvalue()


# --- The findings' tables as sheets ----------------------------------------------------------

#: The shorthand of each ``blank`` of tables.yaml.
BLANKS = {"z": NOT_APPLICABLE, "x": NOT_AVAILABLE, "c": CONFIDENTIAL}
#: The per-force table's count columns that are not platform groups.
FORCE_COLUMN_GROUPS = {"other_platforms": "other"}
#: The build's keys whose values are slugs: left out of its sheet, as their names are rows.
SLUG_KEYS = ("owner", "owner_group", "tipoff_platform")
#: A column with longer cells is this wide (in characters), its cells wrapped.
WRAP_WIDTH = 60
UNIT_TITLES = {"count": "counts", "percent": "shares"}


def _group_name(value: str, names: dict[str, str]) -> str:
    """A platform group's name as a heading or cell (``names``: the build's), else ``value``."""
    group = FORCE_COLUMN_GROUPS.get(value, value)
    return capitalised(names[group]) if group in names else value


def _not_reported(audit: pd.DataFrame | None, table: pd.DataFrame, owner: str) -> frozenset:
    """The (force, column) cells of the per-force ``table`` that the force did not report, and
    its blank totals (a return that gives no such total: a total is never withheld)."""
    cells = {*cell_columns(table, owner), "force", "force_name", "release_region", "returns"}
    blank = {(f, c) for c in set(table) - cells for f in table.loc[table[c].isna(), "force"]}
    if audit is None or audit.empty:
        return frozenset(blank)
    rows = audit[audit["reason"] == sdc.NOT_REPORTED]
    return frozenset(blank) | frozenset(zip(rows["force"], rows["column"], strict=True))


def _blank(column: Column, row: pd.Series, not_reported: frozenset) -> str:
    """What an empty cell of ``column`` holds on ``row``: a withheld count is ``[c]``, unless
    the force did not report it (``[x]``); a figure missing on a force's row was withheld."""
    if column.blank == "force_rows":
        return CONFIDENTIAL if row.get("geography") == "force" else NOT_AVAILABLE
    if column.blank == "c" and (row.get("force"), column.name) in not_reported:
        return NOT_AVAILABLE
    return BLANKS[column.blank]


def row_kind(kind: str, unit: str) -> str:
    """The kind of a column on a sheet of rows of ``unit``: a figure in the row's unit is a
    count or a percent, and a difference of percentages is in points."""
    if kind == "unit":
        return unit
    if kind == "unit_difference":
        return "points" if unit == "percent" else "count"
    return kind


def sheet_columns(table: pd.DataFrame, description: Table, unit: str, names: dict) -> list:
    """The columns a sheet shows, each with its heading: those of ``table`` described for the
    sheet (and for rows of ``unit``), any shown last after the others."""
    columns = []
    for name in table.columns:
        column = description.column(name, _group_name(name, names))
        if column.sheet is not False and column.rows in ("", unit):
            columns.append(column)
    return sorted(columns, key=lambda c: c.sheet == "last")


def sheet_table(
    table: pd.DataFrame,
    columns: list[Column],
    force_names: dict[str, str],
    names: dict[str, str],
    not_reported: frozenset = frozenset(),
) -> pd.DataFrame:
    """A findings table as a sheet shows it: its headings and cells, names for codes
    (``names``: the platform groups')."""
    namers = {
        "group": lambda v: _group_name(v, names),
        "force": lambda v: force_names.get(v, v),
        "outcome": lambda v: OUTCOME_LABELS.get(v, v[:1].upper() + v[1:]),
        "words": words,
    }
    out = {}
    for column in columns:
        name = namers.get(column.kind, lambda v: v)
        cells = []
        for _, row in table.iterrows():
            value = row[column.name]
            if _is_blank(value):
                cells.append(_blank(column, row, not_reported))
            elif isinstance(value, str):
                cells.append(name(value))
            else:
                cells.append(_cell(value))
        out[column.heading] = cells
    return pd.DataFrame(out, dtype=object)


def _build_rows(
    table: pd.DataFrame, force_names: dict[str, str], names: dict[str, str]
) -> pd.DataFrame:
    """The build's parameters with names: the owner group's platforms and the forces left
    out by name, true/false as yes/no, and the slugs of :data:`SLUG_KEYS` left out (their
    names are rows)."""
    out = table[~table["key"].isin(SLUG_KEYS)].copy()
    values = []
    for key, value in zip(out["key"], out["value"], strict=True):
        items = [v for v in str(value).split(", ") if v]
        if key == "owned_platforms":
            value = ", ".join(_group_name(v, names) for v in items)
        elif key == "exclude_forces":
            value = ", ".join(force_names.get(v, v) for v in items) or "none"
        elif value in ("True", "False"):
            value = "yes" if value == "True" else "no"
        elif str(value).isdigit():
            value = int(value)
        values.append(value)
    out["value"] = values
    return out


def _formats(cells: pd.DataFrame, columns: list[Column], unit: str, kinds: dict) -> list[dict]:
    """Each column's number format (a column of counts with a half in it shows one decimal
    place)."""
    formats = []
    for column in columns:
        values = cells[column.heading]
        kind = kinds.get(row_kind(column.kind, unit))
        number_format = kind.format if kind else ""
        numbers = [v for v in values if isinstance(v, float)]
        if number_format == "#,##0" and any(not v.is_integer() for v in numbers):
            number_format = "#,##0.0"
        if number_format:
            formats.append({"column": column.heading, "format": {"num_format": number_format}})
    return formats


def findings_sheets(
    findings: Findings, descriptions: Descriptions
) -> tuple[list[Sheet], dict[str, str]]:
    """The sheets of a build's tables (each described in ``descriptions``) and the notes they
    refer to."""
    ctx = findings.context
    forces = findings.tables.get("forces", pd.DataFrame(columns=["force", "force_name"]))
    force_names = dict(zip(forces["force"], forces["force_name"], strict=True))
    notes = {
        "instances": findings.text["caveat_instances"],
        "known": findings.text["caveat_known_subset"],
        "coverage": findings.text["caveat_coverage"],
        "withheld": findings.text["caveat_withheld"],
        "sdc": sdc.RULE_TEXT,
        "flag": "Source check: V means the published figure was read in the cited source; U "
        "means it is uncertain (conflicting or not confirmed).",
    }
    if ctx["simulated"]:
        notes["simulated"] = findings.text["caveat_simulated"]
    words_of = {**ctx, "threshold": sdc.REDACTION_THRESHOLD, "base": sdc.ROUNDING_BASE}
    sheets = []
    for name, description in descriptions.tables.items():
        if not description.sheet or name not in findings.tables:
            continue
        for unit in ROW_UNITS if description.split else ("",):
            table = findings.tables[name]
            table = table[table["unit"] == unit] if unit else table
            if unit and table.empty:
                continue
            not_reported = frozenset()
            if name == "forces":
                audit = findings.tables.get("forces_audit")
                not_reported = _not_reported(audit, table, ctx["owner_group"])
            if name == "build":
                table = _build_rows(table, force_names, findings.names)
            table = table.reset_index(drop=True)
            columns = sheet_columns(table, description, unit, findings.names)
            cells = sheet_table(table, columns, force_names, findings.names, not_reported)
            kinds = descriptions.kinds
            units = {c.heading: kinds[row_kind(c.kind, unit)].unit for c in columns}
            keys = [*description.notes]
            if ctx["simulated"] and description.source == "returns":
                keys.append("simulated")
            title = description.title.format(**words_of)
            sheets.append(
                Sheet(
                    name=(
                        f"{description.sheet} {UNIT_TITLES[unit]}" if unit else description.sheet
                    )[:31],
                    table=cells,
                    title=f"{title}: {UNIT_TITLES[unit]}" if unit else title,
                    subtitles=[description.subtitle.format(**words_of)],
                    source=descriptions.sources[description.source].format(**words_of),
                    notes=keys,
                    units={h: u for h, u in units.items() if u},
                    formats=_formats(cells, columns, unit, kinds),
                )
            )
    used = {key for sheet in sheets for key in sheet.notes}
    return sheets, {k: v for k, v in notes.items() if k in used}


def findings_workbook(
    findings: Findings, descriptions: Descriptions, publication: Publication | None = None
) -> bytes:
    """The tables as an accessible spreadsheet (gptables), its cover saying what it is, its
    period, what its returns are, its date and contact (``publication.yaml``)."""
    ctx = findings.context
    sheets, notes = findings_sheets(findings, descriptions)
    title = "Which apps? Police FOI returns on online child sexual offences: findings"
    intro = [
        "The tables behind the findings: police forces' answers to Freedom of Information "
        "(FOI) requests on the apps and platforms used in online child sexual offences and "
        "child abuse image offences, the figures computed from them, and the comparison with "
        "every published figure.",
        f"Period: {ctx['period']}. Coverage: {ctx['place']}; {ctx['offence_groups']}; "
        f"{ctx['forces_with_data']} of the {ctx['forces_asked']} police forces asked sent "
        "platform counts.",
    ]
    if ctx["simulated"]:
        intro.append(f"Warning: {findings.text['caveat_simulated']}")
    intro += [
        findings.text["headline"],
        "Each table is on its own sheet, listed on the Contents sheet; notes are on the "
        "Notes sheet.",
    ]
    about = [
        *(
            [f"Published: {publication.published.day} {publication.published:%B %Y}."]
            if publication
            else []
        ),
        "Numbers are stored as numbers. A cell with no number holds a shorthand:",
        *(f"{code} = {meaning}" for code, meaning in SHORTHAND.items()),
        f"{CONFIDENTIAL} cells follow the disclosure control rule: {sdc.RULE_TEXT}",
    ]
    properties = {
        "title": title,
        "subject": f"{ctx['place']}, {ctx['period']}: {ctx['offence_groups']}",
        "comments": " ".join(intro[2:4] if ctx["simulated"] else intro[2:3]),
    }
    created = CREATED
    contact = None
    if publication:
        properties["author"] = publication.publisher
        properties["keywords"] = ", ".join(publication.keywords)
        created = dt.datetime.combine(publication.published, dt.time())
        contact = [publication.publisher, *publication.contact]
    return workbook_bytes(sheets, notes, title, intro, about, contact, properties, created)
