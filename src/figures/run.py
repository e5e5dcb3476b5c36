"""The orchestrator of step 30 and the only module of it that touches files: it reads the
tables of step 20 from ``<output_dir>/tables/``, writes each chart as ``<stem>.svg``,
``.png`` (100 dots per inch, for screens), ``-print.png`` (200 dots per inch, for print),
``.pdf``, ``.csv`` (the data behind it) and ``.txt`` (its alt text), and shows the saved SVG in
the notebook.

:func:`save_figure` writes SVG, both PNGs and PDF byte-deterministically, with the data behind
the chart as CSV and its alt text as a text file; :func:`discard_figure` removes them when a
build has no data for the chart.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from src.errors import InputError
from src.figures.rendering import SUFFIXES, render
from src.helpers import csv_text, rel, write_many


def read_tables(tables_dir: Path | str) -> dict[str, pd.DataFrame]:
    """The CSV tables notebook 20 wrote, by name, each with its default index: it numbers the
    data rows from 0, which the ``*_input`` functions turn into each row's ``source_row``.
    A folder without the build's tables (``build.csv``) stops with the step to run first.
    """
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


def save_figure(
    fig, stem: Path | str, data: pd.DataFrame, alt_text: str, returns: str | None = None
) -> list[Path]:
    """Write ``<stem>.svg``, ``.png``, ``-print.png`` (the PNG at 200 dots per inch, for
    print), ``.pdf``, ``.csv`` (the data behind the chart) and ``.txt`` (its alt text), all or
    none, leaving unchanged files untouched. Returns the paths written, sorted.

    ``returns`` is given for a chart computed from the returns (the build's ``returns``: real,
    simulated or mixed): its data file then ends with that column, as the tables do; rows that
    carry their own (a chart of every wave, each row its own wave's returns) keep them. A chart
    of published figures only has none.
    """
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
    return sorted(files)


def discard_figure(stem: Path | str) -> list[Path]:
    """Remove the files :func:`save_figure` writes for ``stem``, where an earlier build left
    them (a chart this build has no data for must not linger from the last). Returns the paths
    removed, sorted."""
    stem = Path(stem)
    paths = [stem.with_name(stem.name + suffix) for suffix in SUFFIXES]
    paths += [stem.with_suffix(".csv"), stem.with_suffix(".txt")]
    removed = sorted(p for p in paths if p.is_file())
    for path in removed:
        path.unlink()
    return removed


def show(fig, stem: Path | str) -> None:
    """Close ``fig`` and show the SVG that :func:`save_figure` wrote for it, ``<stem>.svg``.

    The notebook then shows the published figure itself, and matplotlib does not draw the
    figure a second time for the notebook (its inline backend would, as a PNG). Outside a
    notebook, IPython's ``display`` prints a one-line description instead.
    """
    from IPython.display import SVG, display  # only the notebooks display anything

    plt.close(fig)
    display(SVG(filename=str(Path(stem).with_suffix(".svg"))))
