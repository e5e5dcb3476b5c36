"""Tables as the template draws them: columns and their kinds, cells formatted for a reader
and tagged with their source value, and figures as data URIs."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup, escape

from src.data.tables import Column
from src.errors import InputError
from src.report.numbers import (
    MISSING,
    REDACTED,
    fmt_bool,
    fmt_count,
    fmt_number,
    fmt_percent,
    fmt_points,
    number,
    safe_count,
)
from src.vocab import AS_ROUNDED, DOES_NOT_HOLD, HOLDS, IN_PART, OWN_DISAGREE

#: The tone of each verdict's badge (its colour, beside its words); any other is neutral.
TONES = {
    HOLDS: "good",
    AS_ROUNDED: "part",
    IN_PART: "part",
    DOES_NOT_HOLD: "bad",
    OWN_DISAGREE: "bad",
}

#: A cited site given without its scheme (``daventryexpress.co.uk``).
BARE_SITE = re.compile(r"^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)


def source_links(field: str) -> list[dict]:
    """The links of a source field (``source_url``): one per site, for a field that names
    several separated by ``;``; a site given without its scheme is linked over https. A part
    that is neither a URL nor a site is left out."""
    links = []
    for part in (p.strip() for p in str(field).split(";")):
        if re.fullmatch(r"https?://[^\s;]+", part):
            links.append({"href": part, "text": part})
        elif BARE_SITE.match(part):
            links.append({"href": f"https://{part}", "text": part})
    return links


@dataclass(frozen=True)
class Col:
    """A column of a rendered table: its CSV name, heading and kind.

    Kinds: ``text``; ``code`` (a code shown through ``labels``); ``bool``; ``count``;
    ``percent``; ``points`` (percentage points, signed); ``unit`` (count or percent by the
    row's ``unit`` column); ``sdc`` (a count below national level, after the output rule);
    ``number`` (any other number, as many decimals as given up to two);
    ``redacted`` (a count already made safe by the findings, empty where it was redacted);
    ``int``; ``verdict`` (a verdict, drawn as a badge of its tone); ``url`` (a link to each site named, separated by ``;``); ``path`` (a file name,
    which may wrap after each separator).
    """

    name: str
    label: str
    kind: str = "text"
    header: bool = False
    labels: dict[str, str] | None = None
    wide: bool = False


#: A table with this many columns or more may take the window's whole width.
FULL_WIDTH_COLUMNS = 13
#: A text column of a table the report has no layout for is given room (``wide``) when a
#: value is longer than this.
LONG_TEXT = 60

NUMERIC = {"count", "number", "percent", "points", "unit", "sdc", "int", "redacted"}


def _cell(col: Col, value: str, row: pd.Series) -> dict:
    kind = col.kind
    if kind == "unit":
        unit = row.get("unit", "count")
        text = fmt_percent(value) if unit == "percent" else fmt_count(value)
        kind = "percent" if unit == "percent" else "count"
    elif kind in ("count", "int"):
        text = fmt_count(value)
    elif kind == "number":
        text = fmt_number(value)
    elif kind == "percent":
        text = fmt_percent(value)
    elif kind == "redacted":
        text = REDACTED if value == "" else fmt_count(value)
    elif kind == "points":
        text = fmt_points(value)
    elif kind == "sdc":
        text = safe_count(value)
    elif kind == "bool":
        text = fmt_bool(value)
    elif kind == "code":
        text = (col.labels or {}).get(value, value) or MISSING
    else:
        text = value
    return {
        "text": text,
        "value": value,
        "kind": kind,
        "column": col.name,
        "header": col.header,
        "numeric": col.kind in NUMERIC,
        "wide": col.wide,
        "label": col.label,
        "links": _links(value) if col.kind == "url" else [],
        "tone": TONES.get(value, "none") if kind == "verdict" else "",
    }


def _links(value: str) -> list[dict]:
    """A url cell's links: one per site it names, when every part of it is a site."""
    parts = [p for p in value.split(";") if p.strip()]
    links = source_links(value)
    return links if parts and len(links) == len(parts) else []


def html_table(
    df: pd.DataFrame,
    columns: list[Col],
    table_id: str,
    caption: str,
    source: str | None,
    note: str = "",
    rows: pd.Index | None = None,
    full: bool | None = None,
) -> dict:
    """A table as the template draws it. ``source`` is the CSV the cells come from (each cell
    then carries its row and column), or None for a table derived here. A ``full`` table (by
    default, one of ``FULL_WIDTH_COLUMNS`` columns or more) may take the window's whole width
    rather than the text column's."""
    missing = [c.name for c in columns if c.name not in df.columns]
    if missing:
        raise InputError(
            source or table_id,
            "header",
            f"column(s) {', '.join(missing)} missing",
            "the report reads the tables as notebooks 10 and 20 write them: rebuild with `make`"
            " (or update src/report.py if a table's columns changed on purpose)",
        )
    data = df if rows is None else df.loc[rows]
    body = []
    for index, row in data.iterrows():
        body.append(
            {
                "index": int(index) if source else None,
                "cells": [_cell(c, str(row[c.name]), row) for c in columns],
            }
        )
    return {
        "id": table_id,
        "caption": caption,
        "source": source,
        "note": note,
        "derived": False,
        "full": len(columns) >= FULL_WIDTH_COLUMNS if full is None else full,
        "columns": [{"label": c.label, "numeric": c.kind in NUMERIC} for c in columns],
        "rows": body,
    }


#: The report's kind for each kind of column of ``data/reference/tables.yaml`` that it shows
#: its own way (a code through its labels); any other kind is the report's of the same name.
KINDS = {"group": "code", "force": "code", "outcome": "code", "words": "text", "id": "int"}


def described(column: Column, header: bool = False, wide: bool = False, labels=None) -> Col:
    """A column as ``tables.yaml`` describes it: its heading, and its kind as the report's
    (a code shown through ``labels``, by kind of code)."""
    kind = KINDS.get(column.kind, column.kind)
    shown = (labels or {}).get(column.kind) if kind == "code" else None
    return Col(column.name, column.heading, kind, header, shown, wide=wide)


def generic_columns(df: pd.DataFrame) -> list[Col]:
    """Columns of a table the report has no layout for: true/false as yes/no, numbers as
    numbers, ``*_url`` as links, file and table names (``*_file``, ``*_table``, ``*path``) as
    paths, the rest as text (given room when it is long); the first column heads each row.
    The column ``returns`` (real or simulated, the same on every row) is left to the page's
    own notice."""
    cols = []
    for i, name in enumerate(c for c in df.columns if c != "returns"):
        values = [v for v in df[name] if v != ""]
        kind = "text"
        if values and set(values) <= {"True", "False"}:
            kind = "bool"
        elif values and all(number(v) is not None for v in values):
            kind = "number"
        elif name == "url" or name.endswith("_url"):
            kind = "url"
        elif name.endswith(("_file", "_table", "path")):
            kind = "path"
        wide = kind == "text" and max(map(len, values), default=0) > LONG_TEXT
        cols.append(Col(name, name.replace("_", " ").capitalize(), kind, i == 0, wide=wide))
    return cols


def derived_table(
    df: pd.DataFrame, table_id: str, caption: str, note: str, sdc_columns: tuple = ()
) -> dict:
    """A table computed here from a processed table (sums), numbers as counts."""
    cols = []
    for i, name in enumerate(df.columns):
        kind = "text"
        if name in sdc_columns:
            kind = "sdc"
        elif pd.api.types.is_numeric_dtype(df[name]):
            kind = "count"
        cols.append(Col(name, name.replace("_", " ").capitalize(), kind, i == 0))
    text = df.astype(object).where(df.notna(), "").astype(str)
    table = html_table(text, cols, table_id, caption, None, note)
    table["derived"] = True
    return table


#: Where a displayed file name may wrap: after each of these characters.
SEPARATORS = re.compile(r"([/_.\-])(?=.)")


def wbr(text: object) -> Markup:
    """``text`` escaped for HTML with a ``<wbr>`` after each ``/``, ``_``, ``-`` and ``.``
    (except at the end), so that a long file name wraps at its separators, never mid-word."""
    return Markup(SEPARATORS.sub(r"\1<wbr>", str(escape(str(text)))))


def cite(source: str, row: object, column: str, value: str, text: str, kind: str) -> Markup:
    """A number or phrase quoted in prose, with the table, row and column it is read from."""
    return Markup(
        '<span class="cited" data-source="{}" data-row="{}" data-column="{}" data-kind="{}" '
        'data-value="{}">{}</span>'
    ).format(source, row, column, kind, value, text)


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
