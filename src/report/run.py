"""The methodology report: one self-contained HTML page a reviewer reads in a browser.

Every number on the page is read from a computed table: the processed tables in
``data/processed/`` and the findings in ``reports/tables/`` (and the figures' own data and alt
text in ``reports/figures/``). Nothing is typed in. The page is rendered with a Jinja2 template
(``src/templates/report.html.j2``) and written through :func:`src.helpers.write_text`, so a
rebuild from the same tables writes the same bytes and leaves the file untouched.

How the tables reach the page, so that a test can check every cell against its source:

- a table copied from a CSV carries ``data-source`` (the CSV's path) and each of its cells
  ``data-row`` (0-based data row of the CSV), ``data-column`` and ``data-value`` (the CSV text);
- a count below the national level (per force, per file, per label) is shown after the output
  disclosure rule of :mod:`src.sdc` and marked ``data-kind="sdc"``;
- each headline number is a ``<span class="headline" data-measure="...">`` whose measure key is
  :func:`measure_key` of its row of ``reports/tables/headline.csv``.

Figures are inlined as data URIs (SVG, or PNG when there is no SVG), with their alt text as the
``alt`` attribute and as a caption, and their data as a table and a download link.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pandas as pd

from src import sdc
from src.errors import InputError
from src.helpers import PROCESSED, RAW, REFERENCE, REPORTS, ROOT, write_text
from src.provenance import FILENAME as PROVENANCE_FILE
from src.vocab import (
    ACTION_LABELS,
    CONFIDENCE,
    COUNT_PLACES,
    GROUP_NAMES,
    LOO_PLACES,
    OFFENCE_GROUP_NAMES,
    OUTCOME_CLAUSES,
    OUTCOME_LABELS,
    PERCENT_PLACES,
    QUESTION_LABELS,
)

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "report.html.j2"

#: Text shown in a cell with no value (Analysis Function convention) and for a redacted count.
MISSING = "[x]"
REDACTED = sdc.REDACTED

# --- Inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paths:
    """Where the report reads from and writes to (tests point these at copies)."""

    processed: Path = PROCESSED
    tables: Path = REPORTS / "tables"
    figures: Path = REPORTS / "figures"
    published: Path = RAW / "published"
    reference: Path = REFERENCE
    out: Path = REPORTS / "report.html"
    root: Path = ROOT

    def name(self, path: Path) -> str:
        """``path`` as a reader finds it in the repository (relative to the root)."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def link(self, path: Path) -> str:
        """A relative link from the report to ``path``."""
        return Path(os.path.relpath(Path(path).resolve(), self.out.parent.resolve())).as_posix()


def read_table(path: Path) -> pd.DataFrame:
    """A CSV as text, exactly as written (no guessing of types or missing values)."""
    if not Path(path).is_file():
        raise InputError(
            str(path),
            "",
            "a table the report needs is missing",
            "run `make` (data/processed/ comes from notebooks/10-clean.ipynb, reports/tables/ "
            "from notebooks/20-findings.ipynb, reports/figures/ from notebooks/30-figures.ipynb)",
        )
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@dataclass
class Inputs:
    processed: dict[str, pd.DataFrame]
    tables: dict[str, pd.DataFrame]
    published: dict[str, pd.DataFrame]
    reference: dict[str, pd.DataFrame]
    figures: list[dict]
    provenance: dict[str, dict]
    files: list[Path] = field(default_factory=list)


PROCESSED_TABLES = ("coverage", "reconciliation", "cleaning_log", "instances")
REFERENCE_TABLES = ("forces", "waves", "platforms")
#: The findings tables the report is built around; any other table in reports/tables/ is
#: shown in full in an appendix, so nothing computed is left out.
FINDINGS_TABLES = (
    "headline",
    "uncertainty",
    "intervals",
    "published_consistency",
    "regional",
    "withheld",
    "leave_one_out",
    "coverage",
    "forces",
    "forces_audit",
    "series",
    "whatsapp",
    "caveats",
    "build",
)


def load(paths: Paths) -> Inputs:
    """Read every table, figure and provenance file the report shows."""
    files: list[Path] = []

    def read(path: Path) -> pd.DataFrame:
        files.append(path)
        return read_table(path)

    processed = {n: read(paths.processed / f"{n}.csv") for n in PROCESSED_TABLES}
    tables = {n: read(paths.tables / f"{n}.csv") for n in FINDINGS_TABLES}
    for extra in sorted(paths.tables.glob("*.csv")):
        if extra.stem not in tables:
            tables[extra.stem] = read(extra)
    published = {p.stem: read(p) for p in sorted(paths.published.glob("*.csv"))}
    reference = {n: read(paths.reference / f"{n}.csv") for n in REFERENCE_TABLES}
    figures = load_figures(paths, files)
    provenance = {}
    for folder in (paths.processed, paths.tables, paths.figures):
        path = folder / PROVENANCE_FILE
        if path.is_file():
            files.append(path)
            provenance[paths.name(folder)] = json.loads(path.read_text(encoding="utf-8"))
    return Inputs(processed, tables, published, reference, figures, provenance, files)


def load_figures(paths: Paths, files: list[Path]) -> list[dict]:
    """Each figure in ``reports/figures``: its image (SVG, else PNG), alt text and data."""
    stems = sorted(
        {p.stem for p in paths.figures.glob("*.svg")}
        | {p.stem for p in paths.figures.glob("*.png")}
    )
    figures = []
    for stem in stems:
        image = paths.figures / f"{stem}.svg"
        mime = "image/svg+xml"
        if not image.is_file():
            image, mime = paths.figures / f"{stem}.png", "image/png"
        alt_path, data_path = paths.figures / f"{stem}.txt", paths.figures / f"{stem}.csv"
        for needed, what in ((alt_path, "alt text"), (data_path, "data")):
            if not needed.is_file():
                raise InputError(
                    paths.name(needed),
                    "",
                    f"figure '{stem}' has no {what}",
                    "every figure is saved with src.charts.save_figure, which writes its data "
                    "(.csv) and alt text (.txt): rerun notebooks/30-figures.ipynb",
                )
        alt = alt_path.read_text(encoding="utf-8").strip()
        if not alt:
            raise InputError(
                paths.name(alt_path),
                "",
                f"figure '{stem}' has empty alt text",
                "describe the chart and its main numbers in the .txt file's generator",
            )
        files.extend([image, alt_path, data_path])
        figures.append(
            {
                "stem": stem,
                "image": image,
                "mime": mime,
                "alt": alt,
                "data_path": data_path,
                "data": read_table(data_path),
            }
        )
    return figures


# --- Formatting numbers ---------------------------------------------------------------------


def number(text: str) -> float | None:
    """A CSV cell as a number, or None when it is empty or not a number."""
    try:
        value = float(str(text).replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def fmt_count(text: str) -> str:
    """A count with thousands separators: whole numbers as they are, others (a sum that holds
    withheld cells at their midpoints) to ``COUNT_PLACES`` decimals."""
    value = number(text)
    if value is None:
        return MISSING
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.{COUNT_PLACES}f}"


def fmt_number(text: str, most: int = 2) -> str:
    """A number from a table the report has no layout for: as many decimals as the table gives,
    up to ``most``, with thousands separators."""
    value = number(text)
    if value is None:
        return MISSING
    if float(value).is_integer():
        return f"{value:,.0f}"
    given = len(str(text).split(".", 1)[1]) if "." in str(text) else 0
    return f"{value:,.{min(given, most)}f}"


def fmt_percent(text: str, places: int = PERCENT_PLACES) -> str:
    value = number(text)
    return MISSING if value is None else f"{value:.{places}f}%"


def fmt_points(text: str, places: int = LOO_PLACES) -> str:
    """A change in percentage points, signed; a change that rounds to nothing as plain zero."""
    value = number(text)
    if value is None:
        return MISSING
    if round(value, places) == 0:
        return f"{0:.{places}f}"
    return f"{value:+.{places}f}"


def fmt_bool(text: str) -> str:
    key = str(text).strip().lower()
    return {"true": "yes", "false": "no", "1": "yes", "0": "no"}.get(key, text or "")


def safe_count(text: str) -> str:
    """A count below the national level, after the output rule: 7 or fewer redacted, others
    rounded to the nearest 5 (:mod:`src.sdc`)."""
    value = number(text)
    if value is None:
        return MISSING
    whole = math.floor(value + 0.5)
    if whole <= sdc.REDACTION_THRESHOLD:
        return REDACTED
    return f"{sdc.round_to_base(whole):,}"


def measure_key(row: pd.Series) -> str:
    """The key of a headline measure: ``<group>_count`` or ``<group>_of_<denominator>``; the
    number of forces (no platform group) is ``forces_count``."""
    group = row["platform_group"] or "forces"
    return f"{group}_count" if row["unit"] == "count" else f"{group}_of_{row['denominator']}"


# --- Tables for the template ----------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """A column of a rendered table: its CSV name, heading and kind.

    Kinds: ``text``; ``code`` (a code shown through ``labels``); ``bool``; ``count``;
    ``percent``; ``points`` (percentage points, signed); ``unit`` (count or percent by the
    row's ``unit`` column); ``sdc`` (a count below national level, after the output rule);
    ``number`` (any other number, as many decimals as given up to two);
    ``redacted`` (a count already made safe by the findings, empty where it was redacted);
    ``int``; ``url`` (a link). ``places`` overrides the decimal places of a percentage.
    """

    name: str
    label: str
    kind: str = "text"
    header: bool = False
    labels: dict[str, str] | None = None
    places: int | None = None
    wide: bool = False


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
        text = fmt_percent(value, PERCENT_PLACES if col.places is None else col.places)
    elif kind == "redacted":
        text = REDACTED if value == "" else fmt_count(value)
    elif kind == "points":
        text = fmt_points(value)
    elif kind == "sdc":
        text = safe_count(value)
    elif kind == "bool":
        text = fmt_bool(value)
    elif kind == "code":
        text = (col.labels or {}).get(value, value)
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
        "url": value if col.kind == "url" and value.startswith("http") else "",
    }


def html_table(
    df: pd.DataFrame,
    columns: list[Col],
    table_id: str,
    caption: str,
    source: str | None,
    note: str = "",
    rows: pd.Index | None = None,
) -> dict:
    """A table as the template draws it. ``source`` is the CSV the cells come from (each cell
    then carries its row and column), or None for a table derived here."""
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
        "columns": [{"label": c.label, "numeric": c.kind in NUMERIC} for c in columns],
        "rows": body,
    }


def generic_columns(df: pd.DataFrame) -> list[Col]:
    """Columns of a table the report has no layout for: true/false as yes/no, numbers as
    numbers, the rest as text; the first column heads each row."""
    cols = []
    for i, name in enumerate(df.columns):
        values = [v for v in df[name] if v != ""]
        kind = "text"
        if values and set(values) <= {"True", "False"}:
            kind = "bool"
        elif values and all(number(v) is not None for v in values):
            kind = "number"
        cols.append(Col(name, name.replace("_", " ").capitalize(), kind, i == 0))
    return cols


# --- Sections -------------------------------------------------------------------------------


def headline_numbers(headline: pd.DataFrame) -> dict[str, dict]:
    """Each headline measure (first row of each) as ``{key: {text, value}}`` for the prose."""
    out = {}
    for _, row in headline.iterrows():
        key = measure_key(row)
        if key in out:
            continue
        text = (
            fmt_percent(row["computed"]) if row["unit"] == "percent" else fmt_count(row["computed"])
        )
        out[key] = {"key": key, "text": text, "value": row["computed"], "measure": row["measure"]}
    return out


def interval_numbers(uncertainty: pd.DataFrame) -> dict[str, dict]:
    """Each share's intervals, formatted, keyed like the headline measures."""
    out = {}
    for _, row in uncertainty.iterrows():
        key = f"{row['group']}_of_{row['denominator']}"
        out[key] = {
            c: fmt_percent(row[c])
            for c in (
                "share",
                "bootstrap_low",
                "bootstrap_high",
                "wilson_low",
                "wilson_high",
                "withheld_lowest",
                "withheld_highest",
                "unknown_bound_low",
                "unknown_bound_high",
                "known_share",
            )
        } | {
            "share_of": row["share_of"],
            "bootstrap_method": row["bootstrap_method"],
            "bootstrap_resamples": fmt_count(row["bootstrap_resamples"]),
            "bootstrap_seed": row["bootstrap_seed"],
            "forces": row["forces"],
        }
    return out


def published_totals(consistency: pd.DataFrame) -> dict[str, str]:
    """The two national totals the published figures imply, and the gap between them."""
    national = consistency[consistency["geography"] == "national"]
    stated = {number(v) for v in national["stated_total"]} - {None}
    parts = {number(v) for v in national["sum_of_parts"]} - {None}
    if len(stated) != 1 or len(parts) != 1:
        raise InputError(
            "reports/tables/published_consistency.csv",
            "national rows, columns stated_total and sum_of_parts",
            "expected one stated total and one sum of the published parts",
            "rebuild the findings with `make`",
        )
    (total,), (part,) = stated, parts
    return {
        "stated_total": fmt_count(str(total)),
        "sum_of_parts": fmt_count(str(part)),
        "gap": fmt_count(str(total - part)),
    }


def owned_platforms(slugs: str, reference: dict[str, pd.DataFrame]) -> str:
    """'facebook_messenger, instagram' as readers name them: 'Facebook or Messenger and Instagram'."""
    names = dict(
        zip(reference["platforms"]["platform"], reference["platforms"]["display_name"], strict=True)
    )
    shown = [names.get(s.strip(), s.strip()) for s in slugs.split(",") if s.strip()]
    if len(shown) < 2:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def outcomes_sentence(coverage: pd.DataFrame) -> str:
    """'Of the N forces asked, a sent platform counts, b did not respond and c ...'."""
    counts = coverage["outcome"].value_counts()
    order = sorted(counts.index, key=lambda o: (-counts[o], o))
    parts = [f"{counts[o]} {OUTCOME_CLAUSES.get(o, o.replace('_', ' '))}" for o in order]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Of the {len(coverage)} forces asked, {listed}."


def withheld_known_cells(withheld: pd.DataFrame) -> str:
    """Withheld cells among the instances with a known platform (the shares' denominator)."""
    rows = withheld[withheld["denominator"] == "all_known"]
    return fmt_count(rows["withheld_cells"].iloc[0]) if len(rows) else MISSING


def loo_largest_change(loo: pd.DataFrame) -> str:
    """The largest change (either way) in the Facebook-owned share when one force is left out."""
    rows = loo[(loo["group"] == "facebook_owned") & (loo["denominator"] == "all_known")]
    changes = [abs(v) for v in (number(x) for x in rows["change_points"]) if v is not None]
    return f"{max(changes):.{LOO_PLACES}f}" if changes else MISSING


def findings_tables(inputs: Inputs, paths: Paths) -> dict[str, dict]:
    """The findings tables as the report lays them out."""
    t = inputs.tables
    src = {name: paths.name(paths.tables / f"{name}.csv") for name in t}
    force_names = dict(
        zip(inputs.reference["forces"]["force"], inputs.reference["forces"]["name"], strict=True)
    )
    out = {}
    headline = t["headline"]
    first = ~headline.apply(measure_key, axis=1).duplicated()
    out["headline"] = html_table(
        headline,
        [
            Col("measure", "Measure", header=True),
            Col("computed", "From the returns", "unit"),
            Col("withheld_lowest", "Lowest possible", "unit"),
            Col("withheld_highest", "Highest possible", "unit"),
        ],
        "table-headline",
        "National figures from the returns",
        src["headline"],
        "Lowest and highest possible: with the small counts forces withheld at the ends of "
        "their ranges. Percentages are of instances with a known platform unless the measure "
        "says otherwise.",
        rows=headline.index[first],
    )
    out["statements"] = html_table(
        headline,
        [
            Col("as_published", "As published", header=True),
            Col("measure", "Measure", wide=True),
            Col("computed", "From the returns", "unit"),
            Col("holds", "Holds", "bool"),
            Col("holds_over_withheld_range", "Holds over the withheld range"),
            Col("published_fits", "Denominator it fits", wide=True),
            Col("flag", "Flag"),
            Col("note", "Note", wide=True),
        ],
        "table-statements",
        "Each published national statement against the returns",
        src["headline"],
        "Flag V: read in the cited source; U: uncertain (conflicting or unconfirmed).",
        rows=headline.index[headline["figure_id"] != ""],
    )
    out["regional"] = html_table(
        t["regional"],
        [
            Col("as_published", "As published", header=True),
            Col("area", "Area", "code", labels=force_names),
            Col("platform_group", "Platforms", "code", labels=dict(GROUP_NAMES)),
            Col("computed", "From the returns", "unit"),
            Col("holds", "Holds", "bool"),
            Col("holds_over_withheld_range", "Holds over the withheld range"),
            Col("disclosure_control", "Disclosure control", wide=True),
            Col("flag", "Flag"),
            Col("note", "Note", wide=True),
        ],
        "table-regional",
        "Regional and force figures beside each published statement",
        src["regional"],
        "A force figure is shown as computed only where it equals the published one; otherwise "
        "it is rounded or redacted by the output rule (see Methods).",
    )
    out["consistency"] = html_table(
        t["published_consistency"],
        [
            Col("as_published", "As published", header=True),
            Col("area", "Area", "code", labels=force_names),
            Col("platform_group", "Platforms", "code", labels=dict(GROUP_NAMES)),
            Col("published_count", "Published count", "count"),
            Col("stated_total", "Stated total", "count"),
            Col("share_of_stated_total", "Share of stated total", "percent"),
            Col("holds_with_stated_total", "Holds", "bool"),
            Col("sum_of_parts", "Sum of published parts", "count"),
            Col("share_of_sum_of_parts", "Share of sum of parts", "percent"),
            Col("holds_with_sum_of_parts", "Holds", "bool"),
            Col("fits", "Fits", wide=True),
        ],
        "table-consistency",
        "Each published percentage against the totals the published counts imply",
        src["published_consistency"],
        "Published figures only: this checks the release against itself, not against the returns.",
    )
    out["uncertainty"] = html_table(
        t["uncertainty"],
        [
            Col("share_of", "Share", header=True),
            Col("share", "Share", "percent"),
            Col("bootstrap_low", "Bootstrap low", "percent"),
            Col("bootstrap_high", "Bootstrap high", "percent"),
            Col("wilson_low", "Wilson low", "percent"),
            Col("wilson_high", "Wilson high", "percent"),
            Col("withheld_lowest", "Withheld lowest", "percent"),
            Col("withheld_highest", "Withheld highest", "percent"),
            Col("unknown_bound_low", "Unknown-platform bound low", "percent"),
            Col("unknown_bound_high", "Unknown-platform bound high", "percent"),
            Col("count", "Instances", "count"),
            Col("total", "Of", "count"),
        ],
        "table-uncertainty",
        f"Intervals ({CONFIDENCE:.0%}) and bounds for each headline share",
        src["uncertainty"],
    )
    out["intervals"] = html_table(
        t["intervals"],
        [Col("interval", "Interval", header=True), Col("meaning", "What it means", wide=True)],
        "table-intervals",
        "What each interval and bound means",
        src["intervals"],
    )
    out["withheld"] = html_table(
        t["withheld"],
        [
            Col("share_of", "Share", header=True),
            Col("default", "As reported", "percent"),
            Col("lowest", "Lowest", "percent"),
            Col("highest", "Highest", "percent"),
            Col("all_withheld_at_minimum", "All at minimum", "percent"),
            Col("all_withheld_at_midpoint", "All at midpoint", "percent"),
            Col("all_withheld_at_maximum", "All at maximum", "percent"),
            Col("withheld_cells", "Withheld cells", "int"),
            Col("withheld_instances_at_most", "Instances they could add", "count"),
            Col("whole_percent_changes", "Whole percentage changes", "bool"),
        ],
        "table-withheld",
        "Each headline share with the withheld small counts at either end of their ranges",
        src["withheld"],
    )
    loo = t["leave_one_out"]
    fb = loo.index[(loo["group"] == "facebook_owned") & (loo["denominator"] == "all_known")]
    out["leave_one_out"] = html_table(
        loo,
        [
            Col("force_name", "Force left out", header=True),
            Col("share_without", "Facebook-owned share without it", "percent", places=LOO_PLACES),
            Col("change_points", "Change (percentage points)", "points"),
        ],
        "table-leave-one-out",
        "The Facebook-owned share with each force left out in turn",
        src["leave_one_out"],
        "Largest changes first. The full table, for every headline share, is "
        "reports/tables/leave_one_out.csv.",
        rows=fb,
    )
    out["coverage_summary"] = html_table(
        t["coverage"],
        [
            Col(
                "outcome",
                "Outcome",
                "code",
                True,
                OUTCOME_LABELS | {"all forces asked": "All forces asked"},
            ),
            Col("forces", "Forces", "int"),
            Col("in_build", "In this build", "int"),
        ],
        "table-coverage-summary",
        "Forces asked, by what they sent",
        src["coverage"],
    )
    force_cols = [
        c for c in t["forces"].columns if c not in ("force", "force_name", "release_region")
    ]
    out["forces"] = html_table(
        t["forces"],
        [Col("force_name", "Force", header=True), Col("release_region", "Region")]
        + [Col(c, c.replace("_", " ").capitalize(), "redacted") for c in force_cols],
        "table-forces",
        "Instances by force and platform, after disclosure control",
        src["forces"],
        f"{sdc.RULE_TEXT} {REDACTED} marks a redacted count.",
    )
    out["forces_audit"] = html_table(
        t["forces_audit"],
        generic_columns(t["forces_audit"]),
        "table-forces-audit",
        "Audit: the range each redacted cell could take, given everything published",
        src["forces_audit"],
        "No redacted cell may have its lowest and highest possible values equal.",
    )
    out["series"] = html_table(
        t["series"],
        [
            Col("period_label", "Period", header=True),
            Col("offences", "Offences recorded", "count"),
            Col("forces_responding", "Forces responding", "count"),
            Col("annual", "About twelve months", "bool"),
            Col("forces_note", "Forces", wide=True),
            Col("flag", "Flag"),
            Col("source_title", "Source", wide=True),
        ],
        "table-series",
        "Sexual communication with a child: offences recorded, as published each year",
        src["series"],
        "Each year's figure is as that year's release printed it; the forces answering differ "
        "between years, so the series is not like-for-like.",
    )
    out["whatsapp"] = html_table(
        t["whatsapp"],
        [
            Col("measure", "Measure", header=True),
            Col("share", "Share", "percent"),
            Col("low", "Interval low", "percent"),
            Col("high", "Interval high", "percent"),
            Col("flag", "Flag"),
            Col("source", "Source", wide=True),
        ],
        "table-whatsapp",
        "WhatsApp: share of police-recorded Facebook-owned instances and of Facebook's "
        "tip-offs to the NCA",
        src["whatsapp"],
    )
    out["build"] = html_table(
        t["build"],
        [Col("key", "Parameter", header=True), Col("value", "Value")],
        "table-build",
        "Parameters of this build",
        src["build"],
    )
    extra = [n for n in t if n not in FINDINGS_TABLES]
    out["appendix"] = [
        html_table(
            t[n],
            generic_columns(t[n]),
            f"table-{n.replace('_', '-')}",
            f"Table {n.replace('_', ' ')}",
            src[n],
        )
        for n in extra
    ]
    return out


def processed_tables(inputs: Inputs, paths: Paths) -> dict[str, dict]:
    """Coverage, reconciliation and the cleaning log from data/processed/."""
    p = inputs.processed
    src = {name: paths.name(paths.processed / f"{name}.csv") for name in p}
    names = inputs.reference["forces"].set_index("force")["name"]
    force_names = names.to_dict()
    out = {}
    out["coverage"] = html_table(
        p["coverage"],
        [
            Col("force", "Force", "code", header=True, labels=force_names),
            Col("outcome", "Outcome", "code", labels=OUTCOME_LABELS),
            Col("questions_answered", "Questions answered", "code", labels=QUESTION_LABELS),
            Col("period_start", "From"),
            Col("period_end", "To"),
            Col("provenance", "Return"),
            Col("files_read", "Files read", "int"),
            Col("withheld_cells", "Withheld cells", "int"),
            Col("known_lower", "Known platform (low)", "sdc"),
            Col("known_upper", "Known platform (high)", "sdc"),
            Col("unknown_lower", "Not known (low)", "sdc"),
            Col("unknown_upper", "Not known (high)", "sdc"),
        ],
        "table-coverage",
        "Every force asked: what it sent and what was read from it",
        src["coverage"],
        "Low and high differ where a force withheld small counts. Instance counts per force are "
        "shown after the output rule (see Methods).",
    )
    out["reconciliation"] = html_table(
        p["reconciliation"],
        [
            Col("force", "Force", "code", header=True, labels=force_names),
            Col("source_file", "File (under data/raw)", wide=True),
            Col("table", "Table"),
            Col("block", "Block"),
            Col("total_source", "Total from"),
            Col("total_lower", "Total (low)", "sdc"),
            Col("total_upper", "Total (high)", "sdc"),
            Col("mapped_lower", "Known platform (low)", "sdc"),
            Col("mapped_upper", "Known platform (high)", "sdc"),
            Col("unknown_lower", "Not known (low)", "sdc"),
            Col("unknown_upper", "Not known (high)", "sdc"),
            Col("excluded_lower", "Left out (low)", "sdc"),
            Col("excluded_upper", "Left out (high)", "sdc"),
            Col("withheld_cells", "Withheld cells", "int"),
            Col("unexplained", "Unexplained", "int"),
        ],
        "table-reconciliation",
        "Every table of every return: its total against what was read from it",
        src["reconciliation"],
        "Counts per file are shown after the output rule; the exact counts, which restate the "
        "forces' own disclosures, are in data/processed/reconciliation.csv.",
    )
    out["reconciliation_totals"] = derived_table(
        reconciliation_totals(p["reconciliation"]),
        "table-reconciliation-totals",
        "All returns together: totals against what was read",
        f"Sums over every row of {src['reconciliation']}.",
    )
    out["cleaning_actions"] = derived_table(
        cleaning_summary(p["cleaning_log"]),
        "table-cleaning-actions",
        "Cleaning decisions, all forces together, with the instances each kind moved",
        f"Sums over {src['cleaning_log']} by action and offence group.",
    )
    out["cleaning_forces"] = derived_table(
        cleaning_by_force(p["cleaning_log"], names),
        "table-cleaning-forces",
        "Cleaning decisions by force, with the instances they moved (after the output rule)",
        f"Sums over {src['cleaning_log']} by force and action.",
        sdc_columns=("instances_low", "instances_high"),
    )
    out["conventions"] = derived_table(
        withheld_conventions(p["cleaning_log"]),
        "table-conventions",
        "How forces printed withheld small counts, and how each was read",
        f"From the withheld-cell decisions in {src['cleaning_log']}.",
    )
    out["labels"] = derived_table(
        label_summary(p["instances"]),
        "table-labels",
        "Every label as printed in a return, and the platform it was read as",
        f"From {src['instances']}; labels are listed in data/reference/platform_labels.csv.",
        sdc_columns=("instances_low", "instances_high"),
    )
    return out


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


def _ints(df: pd.DataFrame, columns) -> pd.DataFrame:
    out = df.copy()
    for c in columns:
        out[c] = pd.to_numeric(out[c], errors="coerce").fillna(0).astype(int)
    return out


def reconciliation_totals(rec: pd.DataFrame) -> pd.DataFrame:
    """Totals over every block of every return, by unit (instances or records)."""
    cols = [
        f"{what}_{end}"
        for what in ("total", "mapped", "unknown", "excluded")
        for end in ("lower", "upper")
    ] + ["withheld_cells", "unexplained"]
    data = _ints(rec, cols)
    out = data.groupby("unit", sort=True)[cols].sum().reset_index()
    out.insert(1, "blocks", data.groupby("unit", sort=True).size().to_numpy())
    return out


def cleaning_summary(log: pd.DataFrame) -> pd.DataFrame:
    """Decisions and the instances they moved, by action and offence group, all forces."""
    data = _ints(log, ["rows", "count_lower", "count_upper"])
    data["action_name"] = data["action"].map(ACTION_LABELS).fillna(data["action"])
    data["offence_group"] = (
        data["offence_group"].map(OFFENCE_GROUP_NAMES).fillna(data["offence_group"])
    )
    out = (
        data.groupby(["action_name", "offence_group"], sort=True)
        .agg(
            forces=("force", "nunique"),
            decisions=("rows", "size"),
            rows=("rows", "sum"),
            instances_low=("count_lower", "sum"),
            instances_high=("count_upper", "sum"),
        )
        .reset_index()
        .rename(columns={"action_name": "decision"})
    )
    return out


def cleaning_by_force(log: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    data = _ints(log, ["rows", "count_lower", "count_upper"])
    data["force_name"] = data["force"].map(names).fillna(data["force"])
    data["action_name"] = data["action"].map(ACTION_LABELS).fillna(data["action"])
    out = (
        data.groupby(["force_name", "action_name"], sort=True)
        .agg(
            decisions=("rows", "size"),
            instances_low=("count_lower", "sum"),
            instances_high=("count_upper", "sum"),
        )
        .reset_index()
        .rename(columns={"force_name": "force", "action_name": "decision"})
    )
    return out


def withheld_conventions(log: pd.DataFrame) -> pd.DataFrame:
    """How withheld cells were printed and read, as the cleaning log records each one."""
    data = log[log["action"] == "withheld_cell"]
    out = (
        data.groupby("detail", sort=True)
        .agg(forces=("force", "nunique"), cells=("force", "size"))
        .reset_index()
        .rename(columns={"detail": "convention"})
    )
    return out


def label_summary(instances: pd.DataFrame) -> pd.DataFrame:
    """Each printed label (as written) and its platform: forces, cells and instances."""
    data = _ints(instances, ["lower", "upper"])
    out = (
        data.groupby(["raw_label", "platform"], sort=True)
        .agg(
            forces=("force", "nunique"),
            cells=("force", "size"),
            instances_low=("lower", "sum"),
            instances_high=("upper", "sum"),
        )
        .reset_index()
        .rename(columns={"raw_label": "label_as_printed"})
    )
    return out.sort_values(["platform", "label_as_printed"], ignore_index=True)


# --- Figures, sources and provenance --------------------------------------------------------


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def figure_title(stem: str, names: dict[str, str] | None = None) -> str:
    """A heading for a figure from its file name (``1-platform-shares`` -> ``Platform shares``),
    with platform names written as in platforms.csv (``whatsapp`` -> ``WhatsApp``)."""
    words = re.sub(r"^\d+[-_ ]*", "", stem).replace("_", " ").replace("-", " ").split()
    words = [(names or {}).get(w, w) for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def figures_for_page(inputs: Inputs, paths: Paths) -> list[dict]:
    platforms = inputs.reference["platforms"]
    names = dict(zip(platforms["platform"], platforms["display_name"], strict=True))
    names = {k: v for k, v in names.items() if " " not in v}
    out = []
    for i, fig in enumerate(inputs.figures, start=1):
        data = fig["data"]
        out.append(
            {
                "number": i,
                "id": f"figure-{fig['stem']}",
                "title": figure_title(fig["stem"], names),
                "src": data_uri(fig["image"].read_bytes(), fig["mime"]),
                "alt": fig["alt"],
                "data_name": paths.name(fig["data_path"]),
                "data_link": paths.link(fig["data_path"]),
                "data_uri": data_uri(fig["data_path"].read_bytes(), "text/csv;charset=utf-8"),
                "download": fig["data_path"].name,
                "table": html_table(
                    data,
                    generic_columns(data),
                    f"figure-data-{fig['stem']}",
                    f"Data for figure {i}",
                    paths.name(fig["data_path"]),
                ),
            }
        )
    return out


def sources(published: dict[str, pd.DataFrame]) -> list[dict]:
    """Every source the published figures cite, once, in order of date then title."""
    rows = []
    for name, df in published.items():
        for _, row in df.iterrows():
            rows.append(
                {
                    "title": row.get("source_title", ""),
                    "url": row.get("source_url", ""),
                    "date": row.get("source_date", ""),
                    "file": name,
                }
            )
    table = pd.DataFrame(rows, columns=["title", "url", "date", "file"])
    table = table[table["title"] != ""]
    grouped = (
        table.groupby(["date", "title", "url"], sort=True)["file"]
        .agg(lambda f: ", ".join(sorted(set(f))))
        .reset_index()
    )
    return grouped.to_dict("records")


def provenance_rows(inputs: Inputs) -> list[dict]:
    rows = []
    for folder, record in sorted(inputs.provenance.items()):
        raw = record.get("inputs", {}).get("raw", [])
        rows.append(
            {
                "folder": folder,
                "step": record.get("step", ""),
                "raw": len(raw),
                "simulated": record.get("simulated_raw_inputs", 0),
                "reference": len(record.get("inputs", {}).get("reference", [])),
                "outputs": len(record.get("outputs", [])),
            }
        )
    return rows


def environment(inputs: Inputs) -> dict:
    """Python and package versions as the findings' provenance records them."""
    for record in inputs.provenance.values():
        if "environment" in record:
            return record["environment"]
    return {}


# --- The page -------------------------------------------------------------------------------


def context(inputs: Inputs, paths: Paths) -> dict:
    """Everything the template shows."""
    t = inputs.tables
    build = dict(zip(t["build"]["key"], t["build"]["value"], strict=True))
    simulated = build.get("simulated", "False") == "True" or (
        inputs.processed["coverage"]["provenance"].eq("simulated").any()
    )
    waves = inputs.reference["waves"].set_index("wave")
    wave = waves.loc[build["wave"]] if build.get("wave") in waves.index else None
    coverage = inputs.processed["coverage"]
    coverage = coverage[coverage["wave"] == build.get("wave", coverage["wave"].iloc[0])]
    withheld = _ints(coverage, ["withheld_cells"])["withheld_cells"]
    return {
        "title": "Which apps? Police FOI returns on online child sexual offences: methodology "
        "report",
        "simulated": simulated,
        "build": build,
        "request_summary": wave["request_summary"] if wave is not None else "",
        "request_note": wave["note"] if wave is not None else "",
        "headline": headline_numbers(t["headline"]),
        "intervals": interval_numbers(t["uncertainty"]),
        "confidence": f"{CONFIDENCE:.0%}",
        "headline_source": paths.name(paths.tables / "headline.csv"),
        "tables": findings_tables(inputs, paths) | processed_tables(inputs, paths),
        "caveats": t["caveats"].to_dict("records"),
        "caveats_source": paths.name(paths.tables / "caveats.csv"),
        "loo_max": loo_largest_change(t["leave_one_out"]),
        "interval_text": dict(
            zip(t["intervals"]["interval"], t["intervals"]["meaning"], strict=True)
        ),
        "figures": figures_for_page(inputs, paths),
        "sources": sources(inputs.published),
        "sdc_rule": sdc.RULE_TEXT,
        "sdc_threshold": sdc.REDACTION_THRESHOLD,
        "sdc_base": sdc.ROUNDING_BASE,
        "redacted": REDACTED,
        "forces_asked": len(coverage),
        "outcomes_sentence": outcomes_sentence(coverage),
        "owned_platforms": owned_platforms(build.get("owned_platforms", ""), inputs.reference),
        "withheld_cells": int(withheld.sum()),
        "withheld_known_cells": withheld_known_cells(t["withheld"]),
        "forces_withholding": int((withheld > 0).sum()),
        "denominator": published_totals(t["published_consistency"]),
        "provenance": provenance_rows(inputs),
        "environment": environment(inputs),
        "links": {
            "processed": paths.link(paths.processed),
            "tables": paths.link(paths.tables),
            "figures": paths.link(paths.figures),
            "workbook": paths.link(paths.tables / "findings.xlsx"),
            "notebooks": paths.link(paths.root / "notebooks" / "executed"),
        },
    }


def environment_for_template() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render(ctx: dict) -> str:
    """The page as text, with every line end ``\\n`` and no trailing spaces."""
    html = environment_for_template().get_template(TEMPLATE).render(**ctx)
    return "\n".join(line.rstrip() for line in html.splitlines()) + "\n"


def build_report(paths: Paths | None = None) -> tuple[Path, list[Path]]:
    """Read every table, render the page and write it (only if its bytes changed). Returns
    the page's path and every file it was built from (for its provenance)."""
    paths = paths or Paths()
    inputs = load(paths)
    out = write_text(paths.out, render(context(inputs, paths)))
    return out, sorted(set(inputs.files) | {TEMPLATES / TEMPLATE})
