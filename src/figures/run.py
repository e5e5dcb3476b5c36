"""The orchestrator of step 30 and the only module of it that touches files: it reads the
tables of step 20, saves each chart's files (numbered in the order the charts appear) and shows
the saved SVG in the notebook.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from src.errors import InputError
from src.figures.rendering import SUFFIXES, render
from src.helpers import csv_text, rel, write_many


def read_tables(tables_dir: Path | str) -> dict[str, pd.DataFrame]:
    """The CSV tables step 20 wrote, by name, each indexed from 0 by data row (each row's
    ``source_row`` to come); a folder without ``build.csv`` stops with the step to run first."""
    if not (Path(tables_dir) / "build.csv").is_file():
        raise InputError(
            rel(tables_dir),
            "",
            "this build has no tables (no build.csv): step 20 has not been run for it",
            "run notebooks/20-findings.ipynb with the same output_dir first (make does)",
        )
    return {
        p.stem: pd.read_csv(p, keep_default_na=True) for p in sorted(Path(tables_dir).glob("*.csv"))
    }


def figure_stem(figures_dir: Path | str, saved: list[Path], name: str) -> Path:
    """Where the next chart's files go: ``<n>-<name>``, ``n`` one more than the charts in
    ``saved`` (what :func:`save_figure` returned so far), so the numbers follow the charts drawn."""
    return Path(figures_dir) / f"{1 + sum(p.suffix == '.svg' for p in saved)}-{name}"


def _numbered(stem: Path) -> list[Path]:
    """Every file of the chart of ``stem``'s name (its number aside), whatever its number."""
    name = re.sub(r"^\d+-", "", stem.name)
    ends = "|".join(re.escape(end) for end in (*SUFFIXES, ".csv", ".txt"))
    pattern = re.compile(rf"\d+-{re.escape(name)}({ends})")
    return sorted(p for p in stem.parent.glob(f"*-{name}*") if pattern.fullmatch(p.name))


def save_figure(
    fig, stem: Path | str, data: pd.DataFrame, alt_text: str, returns: str | None = None
) -> list[Path]:
    """Write ``<stem>`` as SVG, PNG, print PNG and PDF with its data (``.csv``) and alt text
    (``.txt``), all or none, and remove the chart's files of another number; returns the paths
    written, sorted. ``returns`` (of a chart drawn from the returns) ends the data, unless its
    rows carry their own."""
    stem = Path(stem)
    own = data["returns"].to_numpy() if "returns" in data.columns else None
    data = data.drop(columns="returns", errors="ignore")
    if returns:
        data = data.assign(returns=returns if own is None else own)
    files: dict[Path, str | bytes] = {
        stem.with_name(stem.name + suffix): content for suffix, content in render(fig).items()
    }
    files[stem.with_suffix(".csv")] = csv_text(data)
    files[stem.with_suffix(".txt")] = alt_text.strip() + "\n"
    write_many(files)
    for path in set(_numbered(stem)) - set(files):
        path.unlink()
    return sorted(files)


def discard_figure(stem: Path | str) -> list[Path]:
    """Remove the files an earlier build saved for the chart of ``stem``'s name, whatever their
    number (a chart this build has no data for must not linger). Returns them, sorted."""
    removed = _numbered(Path(stem))
    for path in removed:
        path.unlink()
    return removed


def show(fig, stem: Path | str) -> None:
    """Close ``fig`` and show the SVG :func:`save_figure` wrote for it: the notebook shows the
    published file, and matplotlib does not draw the figure again."""
    from IPython.display import SVG, display  # only the notebooks display anything

    plt.close(fig)
    display(SVG(filename=str(Path(stem).with_suffix(".svg"))))
