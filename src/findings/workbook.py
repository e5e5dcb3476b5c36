"""The tables behind the findings as one accessible spreadsheet, made with ``gptables``
(the Analysis Function's package for spreadsheets that follow its accessibility guidance: a
cover sheet, a contents sheet, a notes sheet, one table per sheet with a title and source).

:func:`findings_workbook` lays out the sheets of a build's tables (titles, notes, source);
:func:`workbook_bytes` renders them in memory, and :mod:`src.findings.run` writes the bytes. The
"created" property is fixed so that the same tables give the same bytes.
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
from src.findings.assemble import Findings

#: The fixed "created" property: the date of the release the tables reproduce.
CREATED = dt.datetime(2021, 3, 26, 0, 0, 0)

#: Shown in a cell with no value, and explained in the notes (Analysis Function convention).
MISSING = "[x]"


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a table and what a reader needs to read it.

    ``notes`` are keys of the workbook's notes (see :func:`workbook_bytes`); each is referenced
    from the title so that the notes sheet lists it.
    """

    name: str
    table: pd.DataFrame
    title: str
    subtitles: list[str] = field(default_factory=list)
    source: str = ""
    notes: list[str] = field(default_factory=list)


def _table_name(sheet_name: str) -> str:
    """A table name Excel accepts and that does not look like a cell reference."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", sheet_name).strip("_").lower()
    return f"table_{name}"


def for_spreadsheet(df: pd.DataFrame) -> pd.DataFrame:
    """Missing values as ``[x]``, true/false as yes/no, column names as a reader writes them."""
    out = df.copy()
    for column in out.columns:
        values = out[column]
        present = values.dropna()
        if len(present) and present.map(lambda v: isinstance(v, (bool, np.bool_))).all():
            out[column] = values.map({True: "yes", False: "no"}).astype(object)
        out[column] = out[column].astype(object).where(out[column].notna(), MISSING)
        out[column] = out[column].map(lambda v: MISSING if isinstance(v, str) and v == "" else v)
    out.columns = [str(c).replace("_", " ").capitalize() for c in out.columns]
    return out


def workbook_bytes(
    sheets: list[Sheet],
    notes: dict[str, str],
    cover_title: str,
    cover_intro: list[str],
) -> bytes:
    """The workbook as bytes: a cover, contents, notes, then one sheet per table."""
    used = [key for sheet in sheets for key in sheet.notes]
    unused = sorted(set(notes) - set(used))
    if unused:
        raise ValueError(f"notes not referenced by any sheet: {unused}")
    gptables = {}
    for sheet in sheets:
        refs = "".join(f"$${key}$$" for key in sheet.notes)
        gptables[sheet.name] = gpt.GPTable(
            table=for_spreadsheet(sheet.table),
            table_name=_table_name(sheet.name),
            title=f"{sheet.title}{refs}",
            subtitles=list(sheet.subtitles),
            instructions="This worksheet contains one table. Some cells may refer to notes, "
            "which are on the Notes sheet.",
            source=sheet.source or None,
        )
    ordered = list(dict.fromkeys(used))
    notes_table = pd.DataFrame(
        {"Note reference": ordered, "Note text": [notes[key] for key in ordered]}
    )
    cover = gpt.Cover(title=cover_title, intro=list(cover_intro))
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
        )
        workbook.set_properties({"created": CREATED})
        workbook.close()
    return buffer.getvalue()


TABLE_TITLES = {
    "headline": "Headline figures against the published figures",
    "regional": "Regional and South West force figures against the published figures",
    "published_consistency": "Published percentages against the published counts they come from",
    "uncertainty": "Intervals for each headline share",
    "intervals": "What each interval means",
    "withheld": "Sensitivity to small counts withheld by forces",
    "leave_one_out": "Each headline share without each force in turn",
    "forces": "Instances by force and platform, after disclosure control",
    "forces_audit": "Audit: what can be worked out about each redacted cell",
    "coverage": "Forces asked and their answers",
    "series": "Sexual communication with a child: offences recorded, as published",
    "whatsapp": "WhatsApp: police-recorded share against its share of tip-offs",
    "caveats": "Caveats",
    "build": "Parameters of this build",
}


def findings_workbook(findings: Findings) -> bytes:
    """The tables as an accessible spreadsheet (gptables)."""
    ctx = findings.context
    subtitle = f"{ctx['place']}, {ctx['period']}; {ctx['offence_groups']}."
    notes = {
        "instances": findings.text["caveat_instances"],
        "known": findings.text["caveat_known_subset"],
        "coverage": findings.text["caveat_coverage"],
        "sdc": sdc.RULE_TEXT,
        "missing": f"{sdc.REDACTED} marks a redacted count; [x] marks a value that is not available.",
    }
    if ctx["simulated"]:
        notes["simulated"] = findings.text["caveat_simulated"]
    source = (
        "Source: police force returns to FOI requests"
        + (" (simulated)" if ctx["simulated"] else "")
        + "; published figures as reported (see data/raw/published)."
    )
    sheets = []
    for name, title in TABLE_TITLES.items():
        if name not in findings.tables:
            continue
        table = findings.tables[name]
        if name == "forces":
            table = pd.concat(
                [
                    table[["force", "force_name", "release_region"]],
                    sdc.display(table.drop(columns=["force", "force_name", "release_region"])),
                ],
                axis=1,
            )
        keys = ["missing"]
        if name in ("headline", "regional", "uncertainty", "withheld", "leave_one_out", "forces"):
            keys = ["instances", "known", "coverage", "missing"]
        if name in ("forces", "forces_audit", "regional", "leave_one_out"):
            keys.append("sdc")
        if ctx["simulated"] and name not in ("series", "published_consistency", "build"):
            keys.append("simulated")
        sheets.append(
            Sheet(
                name=name.replace("_", " ").capitalize()[:31],
                table=table,
                title=title,
                subtitles=[subtitle],
                source=source,
                notes=list(dict.fromkeys(keys)),
            )
        )
    return workbook_bytes(
        sheets,
        notes,
        cover_title="Which apps? Police FOI returns on online child sexual offences: findings",
        cover_intro=[
            findings.text["headline"],
            "Each table is on its own sheet; notes are on the Notes sheet.",
        ],
    )
