"""Checks of a wave that need no files: its outcomes table, its specs against its outcomes and
manifest, and the instances against the questions answered and against each other.

Each takes the tables already read (the orchestrator, :mod:`src.clean.run`, reads them) and
raises :class:`src.errors.InputError` naming the file, the place and the fix.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from src.clean.specs import Spec
from src.data.manifest import MANIFEST
from src.data.reference import Reference, normalise_labels
from src.data.schemas import validate
from src.errors import InputError
from src.helpers import rel
from src.vocab import OUTCOMES, OUTCOMES_WITH_DATA, PROVENANCES, QUESTIONS_ANSWERED

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


#: The columns of outcomes.csv (docs/architecture.md); those the cleaning uses must be there.
OUTCOME_COLUMNS = (
    "force",
    "request_ref",
    "date_requested",
    "date_answered",
    "outcome",
    "questions_answered",
    "period_start",
    "period_end",
    "provenance",
    "note",
)
REQUIRED_OUTCOME_COLUMNS = tuple(OUTCOMES_SCHEMA.columns)
_DATE_OR_EMPTY = r"(\d{4}-\d{2}-\d{2})?"


def parse_outcomes(data: bytes, file: str) -> pd.DataFrame:
    """outcomes.csv's bytes as a table of text, or an InputError saying in our words why not:
    not UTF-8, empty, or a line with more or fewer fields than the header."""
    fix = "save it as a UTF-8 CSV with one row per force asked (see data/raw/README.md)"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            file, f"line {line}", f"is not UTF-8 text (byte {error.start + 1})", fix
        ) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise InputError(file, "", f"is not a valid CSV ({error})", fix) from None
    lines = [(n, row) for n, row in enumerate(rows, start=1) if row]
    if not lines:
        raise InputError(file, "whole file", "the file is empty", fix)
    width = len(lines[0][1])
    for n, row in lines[1:]:
        if len(row) != width:
            raise InputError(
                file,
                f"row {n}",
                f"the row has {len(row)} field(s) but the header has {width}",
                'quote any value holding a comma ("like, this"), and give every row every column',
            )
    body = lines[1:]
    return pd.DataFrame(
        [r for _, r in body], columns=lines[0][1], index=[n - 2 for n, _ in body], dtype=str
    )


def _outcome_rules() -> list[tuple[str, object, str, str]]:
    """(column, test giving the rows whose text passes, what is wrong, what to write)."""

    def is_date(text: pd.Series) -> pd.Series:
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        return (text == "") | (text.str.fullmatch(_DATE_OR_EMPTY) & parsed.notna())

    def one_of(values) -> str:
        return f"one of: {', '.join(values)}"

    dates = "a real date as YYYY-MM-DD, or leave it empty"
    return [
        ("force", lambda t: t != "", "is empty", "the force's slug from forces.csv"),
        ("outcome", lambda t: t.isin(OUTCOMES), "is not an outcome", one_of(OUTCOMES)),
        (
            "questions_answered",
            lambda t: t.isin(QUESTIONS_ANSWERED),
            "is not one of the answers allowed",
            one_of(QUESTIONS_ANSWERED),
        ),
        ("period_start", is_date, "is not a date", dates),
        ("period_end", is_date, "is not a date", dates),
        ("provenance", lambda t: t.isin(PROVENANCES), "is not a provenance", one_of(PROVENANCES)),
    ]


def check_outcomes(df: pd.DataFrame, reference: Reference, file: str) -> pd.DataFrame:
    """outcomes.csv of a wave (as read), checked: one row per force asked, each force in
    forces.csv, each value one the column allows; ``file`` is the path as messages show it.

    Every problem is said in our words: the row (counting the header as row 1), the column,
    the value and the values allowed."""
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in REQUIRED_OUTCOME_COLUMNS if c not in df.columns]
    if missing:
        shown = ", ".join(f"'{c}'" for c in df.columns) or "(nothing)"
        raise InputError(
            file,
            "row 1 (header)",
            f"missing column(s) {', '.join(missing)}; the header has: {shown}",
            f"the columns are: {', '.join(OUTCOME_COLUMNS)} (docs/architecture.md)",
        )
    doubled = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if doubled:
        raise InputError(
            file,
            "row 1 (header)",
            f"the column(s) {', '.join(map(repr, doubled))} appear more than once",
            "keep one column of each name",
        )
    for column, passes, problem, allowed in _outcome_rules():
        text = df[column].fillna("").astype(str)
        bad = ~passes(text).fillna(False).astype(bool)
        if bad.any():
            i = bad.idxmax()
            more = int(bad.sum()) - 1
            raise InputError(
                file,
                f"row {i + 2}, column '{column}'",
                (f"'{text[i]}' {problem}" if text[i] else f"the {column} is empty")
                + (f" ({more} more row(s) like it)" if more else ""),
                f"write {allowed}",
            )
    repeated = df[df["force"].duplicated(keep=False)]
    if len(repeated):
        force = repeated["force"].iloc[0]
        rows = [str(i + 2) for i in repeated.index[repeated["force"] == force]]
        raise InputError(
            file,
            f"rows {', '.join(rows)}, column 'force'",
            f"the force '{force}' has more than one row",
            "keep one row per force asked (its answer to this wave's request)",
        )
    df = validate(df, OUTCOMES_SCHEMA, file, "correct the rows named (see data/raw/README.md)")
    unknown = df[~df["force"].isin(reference.forces["force"])]
    if len(unknown):
        raise InputError(
            file,
            f"row {unknown.index[0] + 2}, column 'force'",
            f"force '{unknown['force'].iloc[0]}' is not in data/reference/forces.csv",
            "use the force's slug from forces.csv (or add the force there)",
        )
    return df


def check_specs_cover(
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


def check_questions(instances: pd.DataFrame, outcomes: pd.DataFrame, ref: Reference, file: str):
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


def check_periods(instances: pd.DataFrame, outcomes: pd.DataFrame, wave, file: str) -> None:
    """A force's counted table rows cover every day of the wave in the period outcomes.csv says
    it answered for (a period its spec dates outside the wave is set aside, which would drop
    that part of the return in silence). ``wave`` has the wave's ``start`` and ``end``. Rows
    counted from records are dated by the records, which may leave a period without any."""
    tables = instances[instances["table"] != "records"]
    for o in outcomes[outcomes["period_start"] != ""].itertuples():
        spans = tables.loc[tables["force"] == o.force, ["period_start", "period_end"]]
        first, last = max(o.period_start, wave["start"]), min(o.period_end, wave["end"])
        day = dt.date.fromisoformat(first)
        for start, end in sorted(set(map(tuple, spans.to_numpy()))):
            if dt.date.fromisoformat(start) <= day:
                day = max(day, dt.date.fromisoformat(end) + dt.timedelta(days=1))
        if len(spans) and day.isoformat() <= last:
            raise InputError(
                file,
                f"force '{o.force}', columns 'period_start' and 'period_end'",
                f"say it answered for {o.period_start} to {o.period_end}, but its counted rows "
                f"cover nothing from {day.isoformat()} (rows dated outside the wave are set "
                "aside: data/processed/cleaning_log.csv lists them)",
                "check the periods in the force's reading spec (period, period_values); if the "
                "force answered for less, correct its period in outcomes.csv",
            )


def check_overlaps(instances: pd.DataFrame, raw_dir: Path) -> None:
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
