"""Generated blocks of README.md: the findings, the variants and the sources.

The README's prose is written by hand; the numbers in it are not. Each generated block sits
between ``<!-- name:start -->`` and ``<!-- name:end -->`` markers and is rewritten by
``scripts/update_readme.py`` (run by ``make``) from the computed tables and the published
figures, so no number in the README is typed in.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from src.helpers import RAW


def replace_block(text: str, name: str, content: str) -> str:
    """Replace the body of the block ``name`` in ``text``; the markers must exist exactly once."""
    pattern = re.compile(
        rf"(<!-- {re.escape(name)}:start -->\n).*?(\n<!-- {re.escape(name)}:end -->)", re.S
    )
    found = len(pattern.findall(text))
    if found != 1:
        raise ValueError(f"README block '{name}': expected one pair of markers, found {found}")
    return pattern.sub(lambda m: m.group(1) + content.strip("\n") + m.group(2), text)


def _markdown_link(title: str, url: str) -> str:
    urls = [u.strip() for u in str(url).split(";") if u.strip()]
    if len(urls) == 1 and urls[0].startswith("http"):
        return f"[{title}]({urls[0]})"
    return f"{title} ({'; '.join(urls)})" if urls else title


def sources_block(published_dir: Path = RAW / "published") -> str:
    """A table of every source behind the published figures, with its date and what it gave."""
    frames = []
    for path in sorted(Path(published_dir).glob("*.csv")):
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df["file"] = path.name
        frames.append(df[["source_title", "source_url", "source_date", "flag", "file"]])
    sources = pd.concat(frames, ignore_index=True)
    grouped = (
        sources.groupby(["source_title", "source_url", "source_date"], sort=True)
        .agg(figures=("file", "size"), files=("file", lambda s: ", ".join(sorted(set(s)))))
        .reset_index()
    )
    # Dated sources in date order, then the undated ones.
    grouped = grouped.assign(_undated=grouped["source_date"].eq("")).sort_values(
        ["_undated", "source_date", "source_title"], kind="stable"
    )
    lines = [
        "Every published figure the analysis uses is transcribed, with its source, in "
        "`data/raw/published/`. The sources:",
        "",
        "| Source | Date | Figures | File |",
        "|---|---|---|---|",
    ]
    for row in grouped.itertuples(index=False):
        date = row.source_date or "undated"
        link = _markdown_link(row.source_title, row.source_url)
        lines.append(f"| {link} | {date} | {row.figures} | `{row.files}` |")
    return "\n".join(lines)


def update(readme_text: str, blocks: dict[str, str]) -> str:
    for name, content in blocks.items():
        readme_text = replace_block(readme_text, name, content)
    return readme_text
