"""The releases whose figures a build is compared with: ``releases.csv`` lists each release
(its date, publisher, title, the wave it reports and the file of its figures), and each
figures file states, row by row, the release and the wave it belongs to.

:func:`check_releases` checks the list; :func:`check_release_figures` checks one figures file
against its row of the list. The reading of the files is :func:`src.findings.run.load_inputs`'s.
"""

from __future__ import annotations

import re

import pandas as pd

from src.errors import InputError

#: The columns of ``releases.csv``.
RELEASE_COLUMNS = [
    "release",
    "published",
    "publisher",
    "title",
    "url",
    "wave",
    "file",
    "note",
]
#: The columns every figures file of a release has (it may have more).
FIGURE_COLUMNS = [
    "release",
    "wave",
    "compares_with",
    "figure_id",
    "measure",
    "geography",
    "area",
    "forces",
    "scope",
    "platform_group",
    "denominator",
    "value",
    "unit",
    "as_published",
    "comparison",
    "precision",
    "period_start",
    "period_end",
    "flag",
    "source_title",
    "source_url",
    "source_date",
    "note",
]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FILE = re.compile(r"^[A-Za-z0-9_.-]+\.csv$")


def _missing(table: pd.DataFrame, columns: list[str], path: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(
            path,
            "header row",
            f"column(s) {', '.join(missing)} missing",
            f"the file needs the columns {', '.join(columns)} (see data/raw/README.md)",
        )


def check_releases(releases: pd.DataFrame, waves: set[str], path: str) -> None:
    """Stop with an InputError naming the row and column of the first problem in
    ``releases.csv``: a missing column, an empty or repeated release id, a date not written
    YYYY-MM-DD, a wave not in ``waves.csv``, or a figures file named with a folder or not as
    a CSV."""
    _missing(releases, RELEASE_COLUMNS, path)
    for i, row in releases.reset_index(drop=True).iterrows():
        place = f"row {i + 2} (release '{row['release']}')"
        if not str(row["release"]).strip():
            raise InputError(
                path,
                f"row {i + 2}, column 'release'",
                "no release id",
                "give each release an id, e.g. its year and month: 2021_03",
            )
        if not _DATE.match(str(row["published"]).strip()):
            raise InputError(
                path,
                f"{place}, column 'published'",
                f"'{row['published']}' is not a date written YYYY-MM-DD",
                "write the day the release was published, e.g. 2021-03-26",
            )
        if row["wave"] not in waves:
            raise InputError(
                path,
                f"{place}, column 'wave'",
                f"wave '{row['wave']}' is not in data/reference/waves.csv",
                "name the wave whose returns the release reports, as waves.csv "
                "spells it (or add the wave there)",
            )
        if not _FILE.match(str(row["file"]).strip()):
            raise InputError(
                path,
                f"{place}, column 'file'",
                f"'{row['file']}' is not the name of a CSV file in this folder",
                "give the figures file's name only, e.g. release_2021_03.csv",
            )
    repeated = releases["release"][releases["release"].duplicated()]
    if len(repeated):
        raise InputError(
            path,
            "column 'release'",
            f"release '{repeated.iloc[0]}' is listed twice",
            "list each release once",
        )


def check_release_figures(
    figures: pd.DataFrame, release: pd.Series, path: str, waves: set[str]
) -> None:
    """Stop with an InputError if a figures file lacks a column, or a row says another
    release or wave than its row of ``releases.csv``, or compares with an unknown wave."""
    if "forces" not in figures.columns:  # optional: which forces (or how many) it covers
        figures["forces"] = ""
    _missing(figures, FIGURE_COLUMNS, path)
    coverage = figures["forces"].fillna("").str.strip()
    odd = coverage[(coverage != "") & ~coverage.str.fullmatch(r"\d+|[a-z0-9-]+(;[a-z0-9-]+)*")]
    if len(odd):
        i = int(odd.index[0])
        raise InputError(
            path,
            f"row {i + 2} ({figures.at[odd.index[0], 'figure_id']}), column 'forces'",
            f"'{odd.iloc[0]}' is neither a number of forces nor force slugs separated by ';'",
            "write how many forces the figure covers (35), the forces (a;b;c), or leave it empty",
        )
    for column in ("release", "wave"):
        wrong = figures[figures[column] != release[column]]
        if len(wrong):
            i = int(wrong.index[0])
            raise InputError(
                path,
                f"row {i + 2} ({wrong.iloc[0]['figure_id']}), column '{column}'",
                f"'{wrong.iloc[0][column]}' is not this file's {column} "
                f"('{release[column]}', as releases.csv says)",
                f"write {release[column]}, or move the row to the file of its own release",
            )
    other = figures["compares_with"].fillna("").str.strip()
    unknown = figures[(other != "") & ~other.isin(waves)]
    if len(unknown):
        i = int(unknown.index[0])
        raise InputError(
            path,
            f"row {i + 2} ({unknown.iloc[0]['figure_id']}), column 'compares_with'",
            f"wave '{unknown.iloc[0]['compares_with']}' is not in data/reference/waves.csv",
            "leave it empty, or name the wave the statement compares this one with",
        )
