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
from collections.abc import Callable
from dataclasses import dataclass, field

import gptables as gpt
import numpy as np
import pandas as pd

from src import sdc
from src.findings.areas import cell_columns
from src.findings.assemble import Findings
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
X = NOT_AVAILABLE

COUNT = "count"
PERCENT = "%"
POINTS = "percentage points"


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a table and what a reader needs to read it.

    ``table`` is as the reader sees it (headings and cells); ``units`` maps a heading to its
    unit, shown in the heading. ``notes`` are keys of the workbook's notes (see
    :func:`workbook_bytes`); each is referenced from the title so that the notes sheet lists it.
    """

    name: str
    table: pd.DataFrame
    title: str
    subtitles: list[str] = field(default_factory=list)
    source: str = ""
    notes: list[str] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)


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
        workbook.close()
    return buffer.getvalue()


# --- The findings' tables as sheets ----------------------------------------------------------

Blank = str | Callable[[pd.Series], str]


@dataclass(frozen=True)
class Col:
    """One column of a findings table as a sheet shows it.

    ``names`` says how its cells are named for a reader: ``group`` (a platform group),
    ``force``, ``outcome``, ``words`` (a rule's slug as words) or ``""`` (as it is). ``blank``
    is the shorthand for an empty cell, or a function of the row that gives it.
    """

    column: str
    heading: str
    unit: str = ""
    blank: Blank = NOT_APPLICABLE
    names: str = ""


def _withheld_on_force_rows(row: pd.Series) -> str:
    """A force row's computed figure is missing only when disclosure control withheld it."""
    return CONFIDENTIAL if row.get("geography") == "force" else NOT_AVAILABLE


def _comparison_columns(unit: str, computed_blank: Blank, share: bool, region: bool):
    """The columns of a table of computed figures against published ones, for one unit."""
    prefix = "computed" if region else "withheld"
    low, high = f"{prefix}_lowest", f"{prefix}_highest"
    # No difference without a published figure, nor on a force row whose figure is withheld.
    difference = _withheld_on_force_rows if region else NOT_APPLICABLE
    cols = [
        Col("computed", "As the release would count", unit, computed_blank),
        *([] if region else [Col("best_estimate", "Best estimate", unit, computed_blank)]),
        Col(low, "Lowest the printed totals allow", unit, computed_blank),
        Col(high, "Highest the printed totals allow", unit, computed_blank),
        Col("figure_id", "Published figure (id)", blank=NOT_AVAILABLE),
        Col("published", "Published", unit, NOT_AVAILABLE),
        Col("as_published", "As published", blank=NOT_AVAILABLE),
        Col("comparison", "How the published figure is read", names="words"),
        Col("difference", "Computed minus published", POINTS if share else unit, difference),
        Col("verdict", "Verdict (on real returns only)"),
    ]
    if share:
        cols.append(Col("holds_if_truncated", "Holds if truncated rather than rounded"))
    cols.append(
        Col("holds_over_withheld_range", "Holds over every value the withheld counts allow")
    )
    if share and region:
        cols += [
            Col("published_counts_share", "Share the published counts give", PERCENT, X),
            Col("published_counts_fit", "What the published counts give"),
        ]
    elif share:
        cols += [
            Col("published_share_of_stated_total", "Published counts' share of the total", PERCENT),
            Col("published_share_of_sum_of_parts", "Published counts' share of their sum", PERCENT),
            Col("published_fits", "Which total the published figure fits"),
        ]
    cols += [Col("flag", "Source check (V or U)"), Col("note", "Note")]
    if region:
        cols.append(Col("disclosure_control", "Disclosure control"))
    return cols


def _headline(share: bool) -> list[Col]:
    lead = [Col("measure", "Measure"), Col("platform_group", "Platform group", names="group")]
    if share:
        lead.append(Col("denominator", "Share of", names="group"))
    return lead + _comparison_columns(PERCENT if share else COUNT, NOT_AVAILABLE, share, False)


def _regional(share: bool) -> list[Col]:
    lead = [Col("figure_id", "Published figure (id)"), Col("geography", "Geography")]
    lead += [Col("area", "Area", names="force"), Col("platform_group", "Group", names="group")]
    if share:
        lead.append(Col("denominator", "Share of", names="group"))
    lead.append(Col("forces_in_build", "Forces in this build", COUNT))
    cols = _comparison_columns(PERCENT if share else COUNT, _withheld_on_force_rows, share, True)
    return lead + [c for c in cols if c.column != "figure_id"]


SHARE_COLUMNS = [Col("share_of", "Platform group"), Col("denominator", "Share of", names="group")]

# fmt: off
#: Each findings table as one or more sheets: (table, sheet name, rows of which unit, columns).
LAYOUTS: list[tuple[str, str, str, list[Col]]] = [
    ("headline", "Headline counts", "count", _headline(share=False)),
    ("headline", "Headline shares", "percent", _headline(share=True)),
    ("regional", "Regional counts", "count", _regional(share=False)),
    ("regional", "Regional shares", "percent", _regional(share=True)),
    ("published_consistency", "Published consistency", "", [
        Col("figure_id", "Published figure (id)"), Col("geography", "Geography"),
        Col("area", "Area", names="force"), Col("as_published", "As published"),
        Col("platform_group", "Platform group", names="group"),
        Col("denominator", "Share of", names="group"),
        Col("published_count", "Published count", COUNT, X),
        Col("stated_total", "Stated total", COUNT, X),
        Col("share_of_stated_total", "Share of the stated total", PERCENT, X),
        Col("holds_with_stated_total", "Holds with the stated total", blank=X),
        Col("sum_of_parts", "Sum of the published parts", COUNT, X),
        Col("share_of_sum_of_parts", "Share of the sum of the parts", PERCENT, X),
        Col("holds_with_sum_of_parts", "Holds with the sum of the parts", blank=X),
        Col("fits", "Which total the published figure fits"),
    ]),
    ("uncertainty", "Uncertainty", "", [
        *SHARE_COLUMNS, Col("count", "Instances", COUNT),
        Col("total", "Instances in the denominator", COUNT), Col("share", "Share", PERCENT),
        Col("withheld_lowest", "Lowest the printed totals allow", PERCENT),
        Col("withheld_highest", "Highest the printed totals allow", PERCENT),
        Col("wilson_low", "Wilson interval, low", PERCENT),
        Col("wilson_high", "Wilson interval, high", PERCENT),
        Col("bootstrap_low", "Bootstrap interval, low", PERCENT),
        Col("bootstrap_high", "Bootstrap interval, high", PERCENT),
        Col("bootstrap_method", "Bootstrap method"),
        Col("bootstrap_resamples", "Bootstrap resamples", COUNT),
        Col("bootstrap_seed", "Bootstrap seed"), Col("forces", "Forces", COUNT),
        Col("unknown_bound_low", "Lowest if unknown platforms were known", PERCENT),
        Col("unknown_bound_high", "Highest if unknown platforms were known", PERCENT),
        Col("known_share", "Instances with a known platform", PERCENT),
        Col("in_owner_group", "In the owner group"),
        Col("unknown_forces", "Forces reporting an unknown-platform count", COUNT, X),
        Col("unknown_not_reported", "Forces that reported none", blank=NOT_APPLICABLE),
        Col("unknown_known", "Known instances of the forces reporting one", COUNT, X),
        Col("unknown_instances", "Unknown-platform instances they reported", COUNT, X),
    ]),
    ("intervals", "Intervals", "", [
        Col("interval", "Interval", names="words"), Col("meaning", "Meaning"),
    ]),
    ("withheld", "Withheld", "", [
        *SHARE_COLUMNS, Col("default", "Share at this build's treatment", PERCENT),
        Col("lowest", "Lowest share", PERCENT), Col("highest", "Highest share", PERCENT),
        Col("all_withheld_at_minimum", "Every withheld count at its minimum", PERCENT),
        Col("all_withheld_at_midpoint", "Every withheld count at its midpoint", PERCENT),
        Col("all_withheld_at_maximum", "Every withheld count at its maximum", PERCENT),
        Col("withheld_cells", "Withheld cells", COUNT),
        Col("withheld_instances_at_most", "Withheld instances, at most", COUNT),
        Col("whole_percent_changes", "Whole percentage changes"),
    ]),
    ("leave_one_out", "Leave one out", "", [
        Col("force_name", "Force left out"), *SHARE_COLUMNS,
        Col("share_without", "Share without this force", PERCENT),
        Col("change_points", "Change", POINTS),
    ]),
    ("forces", "Forces", "", []),  # columns from the table: see _force_columns
    ("forces_audit", "Forces audit", "", [
        Col("force", "Force", names="force"), Col("column", "Platform group", names="group"),
        Col("reason", "Why withheld"), Col("lowest", "Lowest value it could take", COUNT),
        Col("highest", "Highest value it could take", COUNT),
        Col("recoverable", "Can be worked out"),
    ]),
    ("coverage", "Coverage", "", [
        Col("outcome", "Answer", names="outcome"), Col("forces", "Forces asked", COUNT),
        Col("in_build", "Forces in this build", COUNT),
    ]),
    ("series", "Series", "", [
        Col("period_label", "Period"), Col("period_start", "Start"), Col("period_end", "End"),
        Col("annual", "Annual figure"), Col("offences", "Offences recorded", COUNT),
        Col("forces_responding", "Forces responding", COUNT, X),
        Col("forces_note", "Forces (as published)"), Col("flag", "Source check (V or U)"),
        Col("source_title", "Source"), Col("source_url", "Source address"),
        Col("note", "Note"),
    ]),
    ("whatsapp", "Tip-offs", "", [
        Col("measure", "Measure"), Col("share", "Share", PERCENT),
        Col("low", "Interval, low", PERCENT), Col("high", "Interval, high", PERCENT),
        Col("flag", "Source check (V or U)"), Col("source", "Source"),
    ]),
    ("caveats", "Caveats", "", [
        Col("caveat", "Subject", names="words"), Col("text", "Caveat"),
    ]),
    ("build", "Build", "", [Col("key", "Item", names="words"), Col("value", "Value")]),
]
# fmt: on

#: The per-force table's count columns that are not platform groups.
FORCE_COLUMN_GROUPS = {"other_platforms": "other"}


def _group_name(value: str, names: dict[str, str]) -> str:
    """A platform group's name as a heading or cell (``names``: the build's), else ``value``."""
    group = FORCE_COLUMN_GROUPS.get(value, value)
    return capitalised(names[group]) if group in names else value


def _force_columns(
    table: pd.DataFrame, names: dict[str, str], not_reported: frozenset = frozenset()
) -> list[Col]:
    """The per-force table: each force by name, each count column by its group's name; a count
    withheld by disclosure control is ``[c]``, one the force did not report (``not_reported``:
    its (force, column) pairs, from the audit) is ``[x]``; each force's return, as it came."""
    counts = [c for c in table.columns if c not in ("force", "force_name", "release_region")]
    returns = [Col("returns", "Return (real or simulated)")] if "returns" in counts else []
    counts = [c for c in counts if c != "returns"]

    def blank(column: str):
        def shorthand(row) -> str:
            return NOT_AVAILABLE if (row["force"], column) in not_reported else CONFIDENTIAL

        return shorthand

    return [
        Col("force_name", "Force"),
        Col("release_region", "Region in the release"),
        *(
            Col(c, "Total" if c == "total" else _group_name(c, names), COUNT, blank(c))
            for c in counts
        ),
        *returns,
    ]


def _not_reported(audit: pd.DataFrame | None, table: pd.DataFrame, owner: str) -> frozenset:
    """The (force, column) cells of the per-force ``table`` that the force did not report, and
    its blank totals (a return that gives no such total: a total is never withheld)."""
    cells = {*cell_columns(table, owner), "force", "force_name", "release_region", "returns"}
    blank = {(f, c) for c in set(table) - cells for f in table.loc[table[c].isna(), "force"]}
    if audit is None or audit.empty:
        return frozenset(blank)
    rows = audit[audit["reason"] == sdc.NOT_REPORTED]
    return frozenset(blank) | frozenset(zip(rows["force"], rows["column"], strict=True))


def _words(value: str) -> str:
    text = re.sub(r"^(caveat|interval)_", "", value).replace("_", " ")
    return text[:1].upper() + text[1:]


def sheet_table(
    table: pd.DataFrame,
    columns: list[Col],
    force_names: dict[str, str],
    names: dict[str, str],
) -> tuple[pd.DataFrame, dict[str, str]]:
    """A findings table as a sheet shows it: its headings, cells and units (``names``: the
    platform groups' names)."""
    namers = {
        "group": lambda v: _group_name(v, names),
        "force": lambda v: force_names.get(v, v),
        "outcome": lambda v: OUTCOME_LABELS.get(v, v[:1].upper() + v[1:]),
        "words": _words,
        "": lambda v: v,
    }
    out = {}
    for col in columns:
        name = namers[col.names]
        cells = []
        for _, row in table.iterrows():
            value = row[col.column]
            if _is_blank(value):
                cells.append(col.blank(row) if callable(col.blank) else col.blank)
            elif isinstance(value, str):
                cells.append(name(value))
            else:
                cells.append(_cell(value))
        out[col.heading] = cells
    units = {col.heading: col.unit for col in columns if col.unit}
    return pd.DataFrame(out, dtype=object), units


#: The build's keys whose values are slugs: left out of its sheet, as their names are rows.
SLUG_KEYS = ("owner", "owner_group", "tipoff_platform")


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


def _subtitles(name: str, ctx: dict) -> list[str]:
    """A subtitle that fits the table: what it covers and where its figures come from."""
    wave = f"{ctx['place']}, {ctx['period']}; {ctx['offence_groups']}"
    returns = "computed from the police forces' returns to FOI requests"
    fits = {
        "headline": f"{wave}. National figures {returns}, against the published figures.",
        "regional": f"{wave}. Regional and force figures {returns}, against the published "
        "figures; force figures after disclosure control.",
        "published_consistency": "The published percentages against the shares the published "
        "counts of the same area give: published figures only, not the returns.",
        "uncertainty": f"{wave}. Shares {returns}, with their intervals.",
        "intervals": "What each interval of the Uncertainty sheet means, for this build.",
        "withheld": f"{wave}. Shares {returns}, with every withheld count at its lowest, "
        "middle and highest value.",
        "leave_one_out": f"{wave}. Shares {returns}, each without one force, from the "
        "returns' counts before disclosure control (each withheld cell at its best estimate).",
        "forces": f"{wave}. Instances {returns}, by force and platform group, each withheld "
        f"count at its best estimate, after disclosure control: counts of {sdc.REDACTION_THRESHOLD} or fewer withheld, others "
        f"rounded to the nearest {sdc.ROUNDING_BASE}, totals the sums of the rounded cells.",
        "forces_audit": f"{wave}. Each withheld per-force count: the values it could take given "
        "everything published beside it.",
        "coverage": f"{ctx['place']}, {ctx['period']}: the police forces asked, what each "
        "answered, and how many are in this build.",
        "series": "Offences of sexual communication with a child recorded by the police, as "
        "published by the sources named on each row: published national figures, not "
        "computed from this wave's returns.",
        "whatsapp": f"{wave}. {ctx.get('tipoff_platform_name', '')}'s share {returns}, "
        "against its share of tip-offs as published.",
        "caveats": f"{wave}. What limits the figures of this build.",
        "build": "The parameters of this build of the findings and what they select.",
    }
    return [fits[name]]


#: The notes each table's sheet refers to (the simulated-returns note is added when it applies).
TABLE_NOTES = {
    "headline": ["instances", "known", "coverage", "flag"],
    "regional": ["instances", "known", "coverage", "sdc", "flag"],
    "uncertainty": ["instances", "known", "coverage"],
    "withheld": ["instances", "known", "coverage", "withheld"],
    "leave_one_out": ["instances", "known", "coverage", "sdc"],
    "forces": ["instances", "known", "coverage", "sdc"],
    "forces_audit": ["sdc"],
    "series": ["flag"],
    "whatsapp": ["flag"],
}
#: Tables not computed from the returns: no note that the returns are simulated.
PUBLISHED_ONLY = ("series", "published_consistency", "release_checks", "build")

TABLE_TITLES = {
    "headline": "Headline figures against the published figures",
    "regional": "Regional and South West force figures against the published figures",
    "published_consistency": "Published percentages against the published counts they come from",
    "uncertainty": "Intervals for each headline share",
    "intervals": "What each interval means",
    "withheld": "Sensitivity to small counts withheld by forces",
    "leave_one_out": "Each headline share without each force in turn",
    "forces": "Instances by force and platform group, after disclosure control",
    "forces_audit": "Audit: what can be worked out about each withheld cell",
    "coverage": "Forces asked and their answers",
    "series": "Sexual communication with a child: offences recorded, as published",
    "whatsapp": "{platform}: police-recorded share against its share of tip-offs",
    "caveats": "Caveats",
    "build": "Parameters of this build",
}
UNIT_TITLES = {"count": "counts", "percent": "shares"}


def findings_sheets(findings: Findings) -> tuple[list[Sheet], dict[str, str]]:
    """The sheets of a build's tables and the notes they refer to."""
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
    sources = {
        "returns": ctx["source_line"],
        "published": "Source: published figures as reported, each row naming its source (see "
        "data/raw/published).",
        "build": "Source: this build's parameters (params/variants) and the reference tables.",
    }
    sheets = []
    for name, sheet_name, unit, columns in LAYOUTS:
        if name not in findings.tables:
            continue
        table = findings.tables[name]
        if unit:
            table = table[table["unit"] == unit]
            if table.empty:
                continue
        if name == "forces":
            audit = findings.tables.get("forces_audit")
            blank = _not_reported(audit, table, ctx["owner_group"])
            columns = _force_columns(table, findings.names, blank)
        if name == "build":
            table = _build_rows(table, force_names, findings.names)
        cells, units = sheet_table(
            table.reset_index(drop=True), columns, force_names, findings.names
        )
        keys = [*TABLE_NOTES.get(name, [])]
        if ctx["simulated"] and name not in PUBLISHED_ONLY:
            keys.append("simulated")
        title = TABLE_TITLES[name].format(platform=ctx.get("tipoff_platform_name", ""))
        if unit:
            title = f"{title}: {UNIT_TITLES[unit]}"
        sheets.append(
            Sheet(
                name=sheet_name[:31],
                table=cells,
                title=title,
                subtitles=_subtitles(name, ctx),
                source=sources[
                    "published"
                    if name in ("series", "published_consistency")
                    else "build"
                    if name == "build"
                    else "returns"
                ],
                notes=keys,
                units=units,
            )
        )
    used = {key for sheet in sheets for key in sheet.notes}
    return sheets, {k: v for k, v in notes.items() if k in used}


def findings_workbook(findings: Findings, publication: Publication | None = None) -> bytes:
    """The tables as an accessible spreadsheet (gptables), its cover saying what it is, its
    period, what its returns are, its date and contact (``publication.yaml``)."""
    ctx = findings.context
    sheets, notes = findings_sheets(findings)
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
