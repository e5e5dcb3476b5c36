"""Generated blocks of README.md: the findings, the variants and the sources.

The README's prose is written by hand; the numbers in it are not. Each generated block sits
between ``<!-- name:start -->`` and ``<!-- name:end -->`` markers and is rewritten by
``scripts/update_readme.py`` (run by ``make``) from the computed tables and the published
figures, so no number in the README is typed in.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from src.helpers import RAW, REPORTS, ROOT, replace_block, write_text

# The figure the README shows (reports/figures/<stem>.png, with its alt text in <stem>.txt).
MAIN_FIGURE = "1-platform-shares"

# The national measures the README states, in this order (figure ids of the published file;
# measures with no published figure are picked by platform group and denominator).
HEADLINE = [
    ("all_known", ""),
    ("facebook_owned", "all_known"),
    ("instagram", "all_known"),
    ("facebook_messenger", "all_known"),
    ("whatsapp", "facebook_owned"),
]


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


def _number(value: float, unit: str) -> str:
    if pd.isna(value):
        return ""
    if unit == "percent":
        return f"{value:.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _holds(row: pd.Series) -> str:
    if row["figure_id"] == "" or pd.isna(row["figure_id"]):
        return ""
    if str(row["holds"]) == "True":
        return "yes"
    if str(row["holds_if_truncated"]) == "True":
        return "only if truncated, not rounded"
    return "no"


def _build(tables: Path) -> dict[str, str]:
    build = pd.read_csv(tables / "build.csv", dtype=str, keep_default_na=False)
    return dict(zip(build["key"], build["value"], strict=True))


def headline_rows(tables: Path) -> pd.DataFrame:
    """The national headline measures, one row each, as the README shows them."""
    headline = pd.read_csv(tables / "headline.csv", dtype={"figure_id": str}, keep_default_na=False)
    headline = headline.replace("", pd.NA)
    rows = []
    for group, denominator in HEADLINE:
        pick = headline[
            headline["platform_group"].eq(group)
            & headline["denominator"].fillna("").eq(denominator)
            & ~headline["figure_id"].fillna("").str.endswith("_more_than")
        ]
        rows.append(pick.iloc[0])
    return pd.DataFrame(rows).reset_index(drop=True)


def findings_block(tables: Path = REPORTS / "tables") -> str:
    """The findings as numbers: each headline measure beside the published figure."""
    build = _build(tables)
    lines = [
        f"{build['place']}, {build['period']}; {build['offence_groups']}. "
        f"{build['forces_with_data']} of the {build['forces_asked']} forces asked sent platform "
        "counts. Computed values take each withheld small count at the middle of its range; "
        "the range is every value the withheld counts allow.",
        "",
        "| Measure | Computed | Range over withheld counts | Published | Published figure holds? |",
        "|---|---|---|---|---|",
    ]
    for _, row in headline_rows(tables).iterrows():
        unit = row["unit"]
        spread = (
            f"{_number(row['withheld_lowest'], unit)} to {_number(row['withheld_highest'], unit)}"
        )
        published = "" if pd.isna(row["as_published"]) else f"{row['as_published']}"
        lines.append(
            f"| {row['measure']} | {_number(row['computed'], unit)} | {spread} | {published} | "
            f"{_holds(row)} |"
        )
    lines += [""] + [f"- {note}" for note in headline_rows(tables)["note"] if isinstance(note, str)]
    if build.get("simulated") == "True":
        lines += ["", "_Computed from the simulated per-force returns (see above)._"]
    figure = tables.parent / "figures" / f"{MAIN_FIGURE}.png"
    if figure.is_file():
        alt = (figure.with_suffix(".txt")).read_text(encoding="utf-8").strip().replace("\n", " ")
        lines += ["", f"![{alt}]({figure.relative_to(ROOT).as_posix()})"]
    return "\n".join(lines)


def variants_block(reports: Path = REPORTS) -> str:
    """The default build beside each variant in reports/variants/, on the headline measures."""
    builds = {"default": reports / "tables"}
    for folder in sorted((reports / "variants").glob("*/tables")):
        builds[folder.parent.name] = folder
    names = list(builds)
    lines = [
        "Each variant is the same notebooks with other parameters "
        "(`params/variants/<name>.yaml`), built by `make` into `reports/variants/<name>/` "
        "without touching the default. Build your own with "
        "`make variant PARAMS=params/<name>.yaml`.",
        "",
        "| Measure | " + " | ".join(f"`{name}`" for name in names) + " |",
        "|---|" + "---|" * len(names),
    ]
    per_build = {name: headline_rows(path) for name, path in builds.items()}
    for i, row in per_build["default"].iterrows():
        cells = [_number(per_build[name].loc[i, "computed"], row["unit"]) for name in names]
        lines.append(f"| {row['measure']} | " + " | ".join(cells) + " |")
    forces = [_build(path)["forces_with_data"] for path in builds.values()]
    groups = [_build(path)["offence_groups"] for path in builds.values()]
    lines.append("| forces in the build | " + " | ".join(forces) + " |")
    lines.append("| offences | " + " | ".join(groups) + " |")
    lines.append("")
    for name in names[1:]:
        lines.append(
            f"- `{name}`: `params/variants/{name}.yaml`; figures in "
            f"`{(builds[name].parent / 'figures').relative_to(ROOT).as_posix()}/`."
        )
    return "\n".join(lines)


def update(readme_text: str, blocks: dict[str, str]) -> str:
    for name, content in blocks.items():
        readme_text = replace_block(readme_text, name, content)
    return readme_text


def update_readme(path: Path = ROOT / "README.md") -> Path:
    """Rewrite the README's generated blocks (findings, variants, sources) from the tables."""
    blocks = {
        "findings": findings_block(),
        "variants": variants_block(),
        "sources": sources_block(),
    }
    return write_text(path, update(path.read_text(encoding="utf-8"), blocks))
