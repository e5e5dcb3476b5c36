"""Step 20's orchestrator: the only module of :mod:`src.findings` that touches files.

:func:`load_inputs` reads the processed tables (``data/processed/``), the published figures
(``data/raw/published/``) and the reference tables (``data/reference/``); :func:`write_tables`
writes every table of a build as CSV and one accessible spreadsheet (``reports/tables/``).
Everything in between (:func:`src.findings.assemble.build`) takes and returns values.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from src.data.reference import load_reference, read_reference_yaml
from src.data.tables import Table, load_descriptions
from src.errors import InputError
from src.findings.assemble import Findings
from src.findings.convention import check_conventions
from src.findings.params import Inputs
from src.findings.publication import Publication, publication_from
from src.findings.releases import FIGURE_COLUMNS, check_release_figures, check_releases
from src.findings.series import (
    PLATFORM_FILE_COLUMNS,
    SERIES_FILE_COLUMNS,
    SeriesInputs,
    check_platforms,
    check_series,
    require_columns,
)
from src.findings.workbook import findings_workbook
from src.helpers import PROCESSED, RAW, REFERENCE, csv_text, rel, write_many

PUBLISHED = RAW / "published"
#: The list of releases; each names the file of its figures, in the same folder.
RELEASES_FILE = "releases.csv"
SERIES_FILE = "sexual_communication_series.csv"
PLATFORMS_FILE = "sexual_communication_platforms.csv"
CONTEXT_FILE = "context.csv"
#: Who publishes the workbook, a contact, and the date of this edition (set by hand).
PUBLICATION_FILE = "publication.yaml"


# --- Reading -----------------------------------------------------------------------------------


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(
            rel(path),
            "",
            "the file is missing",
            "run `make` (processed tables come from notebooks/10-clean.ipynb; published "
            "figures are in git)",
        )
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def load_inputs(
    processed_dir: Path = PROCESSED,
    published_dir: Path = PUBLISHED,
    reference_dir: Path = REFERENCE,
) -> Inputs:
    """Read the processed tables, the published figures and the reference tables; the
    published series are checked (:func:`src.findings.series.check_series` and
    :func:`~src.findings.series.check_platforms`) before anything is computed."""
    reference = load_reference(reference_dir)
    files = [
        Path(processed_dir) / "instances.csv",
        Path(processed_dir) / "coverage.csv",
        Path(published_dir) / RELEASES_FILE,
        Path(published_dir) / SERIES_FILE,
        Path(published_dir) / PLATFORMS_FILE,
        Path(published_dir) / CONTEXT_FILE,
        Path(processed_dir) / "reconciliation.csv",
        Path(reference_dir) / "conventions.csv",
    ]
    instances, coverage, releases, series, platforms, context, reconciliation, conventions = (
        _read(p) for p in files
    )
    check_conventions(conventions, releases, rel(files[7]))
    published, release_files = read_release_figures(
        releases, Path(published_dir), set(reference.waves["wave"]), rel(files[2])
    )
    require_columns(series, SERIES_FILE_COLUMNS, rel(files[3]))
    require_columns(platforms, PLATFORM_FILE_COLUMNS, rel(files[4]))
    series["offences"] = _numbers(series["offences"], files[3], "offences")
    for column in ("value", "count", "known"):
        platforms[column] = _numbers(platforms[column], files[4], column)
    context["value"] = _numbers(context["value"], files[5], "value")
    check_series(series, reference.forces, rel(files[3]))
    check_platforms(
        platforms, reference.forces, set(reference.platforms["platform"]), rel(files[4])
    )
    return SeriesInputs(
        instances=instances,
        coverage=coverage,
        reference=reference,
        published=published,
        series=series,
        context=context,
        files=[*files, *release_files, Path(reference_dir)],
        publication=read_publication(Path(reference_dir)),
        releases=releases,
        platforms=platforms,
        reconciliation=reconciliation,
        conventions=conventions,
        descriptions=load_descriptions(reference_dir),
    )


def read_release_figures(
    releases: pd.DataFrame, folder: Path, waves: set[str], releases_path: str
) -> tuple[pd.DataFrame, list[Path]]:
    """Every release's figures, one table (each row keeps its ``release`` and ``wave``), and
    the files read; each file is checked against its row of ``releases.csv``."""
    check_releases(releases, waves, releases_path)
    tables, paths = [], []
    for _, release in releases.sort_values("release").iterrows():
        path = folder / release["file"]
        figures = _read(path)
        check_release_figures(figures, release, rel(path), waves)
        figures["value"] = _numbers(figures["value"], path, "value")
        figures = figures[FIGURE_COLUMNS].copy()
        # Where each figure was read, for messages about it.
        figures["source_file"] = rel(path)
        figures["source_row"] = figures.index + 2
        tables.append(figures)
        paths.append(path)
    if not tables:
        columns = [*FIGURE_COLUMNS, "source_file", "source_row"]
        return pd.DataFrame({c: pd.Series(dtype=str) for c in columns}), paths
    return pd.concat(tables, ignore_index=True), paths


def read_publication(reference_dir: Path = REFERENCE) -> Publication:
    """``data/reference/publication.yaml``, checked."""
    path = Path(reference_dir) / PUBLICATION_FILE
    data = read_reference_yaml(path, "names the workbook's publisher, contact and date")
    return publication_from(data, rel(path))


def _numbers(column: pd.Series, path: Path, name: str) -> pd.Series:
    values = pd.to_numeric(column, errors="coerce")
    bad = values.isna() & (column.str.strip() != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            rel(path),
            f"row {row + 2}, column '{name}'",
            f"'{column.iloc[row]}' is not a number",
            "write the number without commas or words (the wording goes in as_published)",
        )
    return values.astype(float)


# --- Writing -----------------------------------------------------------------------------------


def write_tables(
    findings: Findings, tables_dir: Path | str, reference_dir: Path = REFERENCE
) -> list[Path]:
    """Every table as ``<name>.csv`` (the published series by area and by platform among them)
    and the tables of :attr:`~src.findings.assemble.Findings.tables` in ``findings.xlsx``, all
    or none; each as ``data/reference/tables.yaml`` describes it."""
    tables_dir = Path(tables_dir)
    descriptions = findings.descriptions or load_descriptions(reference_dir)
    every = {
        **{
            name: labelled(t, descriptions.table(name), findings.context["returns"])
            for name, t in findings.tables.items()
        },
        **findings.published_series,
    }
    files: dict[Path, str | bytes] = {
        tables_dir / f"{name}.csv": csv_text(table) for name, table in every.items()
    }
    files[tables_dir / "findings.xlsx"] = findings_workbook(
        findings, descriptions, findings.publication
    )
    write_many(files)
    return sorted(files)


def labelled(table: pd.DataFrame, description: Table, returns: str) -> pd.DataFrame:
    """A table as its CSV holds it: one computed from the returns (described with a column
    ``returns``) ends with that column, which says whether they were real, simulated or mixed
    (:func:`~src.findings.text.returns_kind`): the build's, or, for a table of several waves
    that labels each row with its own wave's, that; one of published figures only is left as
    it is."""
    if "returns" not in description.columns:
        return table
    if "returns" in table:  # rows of several waves, each labelled with its own
        return table[[c for c in table.columns if c != "returns"] + ["returns"]]
    return table.assign(returns=returns)
