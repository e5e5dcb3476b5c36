"""Generated blocks of README.md: the findings, the variants, the sources and the tables.

The README's prose is written by hand; the numbers in it are not. Each generated block sits
between ``<!-- name:start -->`` and ``<!-- name:end -->`` markers and is rewritten by
``scripts/update_readme.py`` (run by ``make``) from the computed tables and the published
figures, so no number in the README is typed in.

The blocks are built here from tables already read (:mod:`src.report.run` reads them and
writes README.md).
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from src.data.tables import Descriptions
from src.helpers import replace_block
from src.vocab import joined

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


def sources_block(published: dict[str, pd.DataFrame]) -> str:
    """A table of every source behind the published figures, with its date and what it gave.
    ``published`` is each file of data/raw/published/ by file name, in file-name order; the
    list of releases gives each release's own title, link and date."""
    frames = []
    for name, table in published.items():
        df = table.copy()
        if "source_title" not in df.columns:
            df = df.rename(
                columns={"title": "source_title", "url": "source_url", "published": "source_date"}
            ).assign(flag="V")
        df["file"] = name
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
    value = pd.to_numeric(value, errors="coerce")
    if pd.isna(value):
        return "not available"
    if unit == "percent":
        return f"{value:.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _holds(row: pd.Series) -> str:
    """The verdict on a published figure, as the headline table gives it."""
    if row["figure_id"] == "" or pd.isna(row["figure_id"]):
        return ""
    return str(row.get("verdict", "")) or (
        "holds" if str(row["holds"]) == "True" else "does not hold"
    )


def _notes(rows: pd.DataFrame) -> list[str]:
    """The notes under the headline table: a sentence several rows' notes share, once, first;
    then each row's own sentences after its measure."""
    noted = rows[rows["note"].map(lambda n: isinstance(n, str) and n.strip() != "")]
    split = [re.split(r"(?<=\.)\s+", n.strip()) for n in noted["note"]]
    seen = Counter(s for parts in split for s in set(parts))
    shared = [s for s in dict.fromkeys(s for parts in split for s in parts) if seen[s] > 1]
    own = [
        f"{measure[:1].upper()}{measure[1:]}: {' '.join(s for s in parts if seen[s] == 1)}"
        for measure, parts in zip(noted["measure"], split, strict=True)
        if any(seen[s] == 1 for s in parts)
    ]
    return shared + own


def build_values(build: pd.DataFrame) -> dict[str, str]:
    """build.csv as ``{key: value}``."""
    return dict(zip(build["key"], build["value"], strict=True))


def headline_rows(headline: pd.DataFrame) -> pd.DataFrame:
    """The national headline measures, one row each, as the README shows them. ``headline``
    is headline.csv read with numbers as numbers and ``figure_id`` as text."""
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


def counting_sentence(build: dict[str, str]) -> str:
    """How the computed values count the withheld small counts: the release's declared
    convention (``data/reference/conventions.csv``), or the treatment of a build without one."""
    if build.get("counting_convention"):
        return (
            f"Computed values follow the counting convention declared for the release "
            f"({build['convention_release']}): {build['counting_convention']}."
        )
    treatment = build.get("withheld_treatment", "midpoint").replace("_", " ")
    return f"Computed values take each withheld small count at the {treatment} of its range."


def findings_block(
    build: dict[str, str],
    headline: pd.DataFrame,
    words: list[str],
    figure: tuple[str, str] | None = None,
) -> str:
    """The findings: the findings page's title and main points (``words``, what is real first),
    then each headline measure beside the published figure. ``figure`` is the main figure's
    alt text and its path from the repository root, if built."""
    lines = [
        f"**{words[0]}**",
        "",
        *(f"- {point}" for point in words[1:]),
        "",
        f"{build['place']}, {build['period']}; {build['offence_groups']}. "
        f"{counting_sentence(build)} The best estimate puts each withheld count where the "
        "printed totals allow; the range is every value they allow.",
        "",
        "| Measure | As the release would count | Best estimate | Range the printed totals "
        "allow | Published | Verdict |",
        "|---|---|---|---|---|---|",
    ]
    rows = headline_rows(headline)
    for _, row in rows.iterrows():
        unit = row["unit"]
        spread = (
            f"{_number(row['withheld_lowest'], unit)} to {_number(row['withheld_highest'], unit)}"
        )
        published = "" if pd.isna(row["as_published"]) else f"{row['as_published']}"
        best = _number(row.get("best_estimate", row["computed"]), unit)
        lines.append(
            f"| {row['measure']} | {_number(row['computed'], unit)} | {best} | {spread} | "
            f"{published} | {_holds(row)} |"
        )
    lines += [""] + [f"- {note}" for note in _notes(rows)]
    if figure is not None:
        alt, link = figure
        alt = alt.strip().replace("\n", " ")
        lines += ["", f"![{alt}]({link})"]
    return "\n".join(lines)


def variants_block(
    builds: dict[str, tuple[dict[str, str], pd.DataFrame]], figures: dict[str, str]
) -> str:
    """The default build beside each variant, on the headline measures. ``builds`` is each
    build's ``(build values, headline table)``, the default first; ``figures`` each variant's
    figures folder (from the repository root)."""
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
    per_build = {name: headline_rows(headline) for name, (_, headline) in builds.items()}
    for i, row in per_build["default"].iterrows():
        cells = [_number(per_build[name].loc[i, "computed"], row["unit"]) for name in names]
        lines.append(f"| {row['measure']} | " + " | ".join(cells) + " |")
    forces = [values["forces_with_data"] for values, _ in builds.values()]
    groups = [values["offence_groups"] for values, _ in builds.values()]
    lines.append("| forces in the build | " + " | ".join(forces) + " |")
    lines.append("| offences | " + " | ".join(groups) + " |")
    lines.append("")
    for name in names[1:]:
        lines.append(f"- `{name}`: `params/variants/{name}.yaml`; figures in `{figures[name]}/`.")
    return "\n".join(lines)


def waves_block(waves: pd.DataFrame, statements: pd.DataFrame, folders: dict[str, str]) -> str:
    """Every wave side by side, from the default build's ``waves.csv`` (numbers as numbers) and
    ``wave_statements.csv``, each wave in its own words (its returns, its offences, its groups'
    names); ``folders`` is each other wave's build folder by wave id."""
    order = waves.sort_values(["period_start", "wave"]).drop_duplicates("wave")
    ids = list(order["wave"])
    first = order.set_index("wave")
    lines = [
        "Each wave with returns, at the default parameters: each group's share of the "
        "instances with a known platform, over the forces whose returns give its count in "
        "each wave, and over the forces with data in every wave (like for like, when there "
        "are any). The forces answering differ between waves.",
        "",
        "| Measure | " + " | ".join(first.loc[w, "wave_label"] for w in ids) + " |",
        "|---|" + "---|" * len(ids),
        "| Returns | " + " | ".join(_returns_words(first.loc[w]) for w in ids) + " |",
        "| Offences | " + " | ".join(str(first.loc[w, "scope"]) for w in ids) + " |",
    ]
    for basis, rows in waves.groupby("basis", sort=False):
        for group, by_group in rows.groupby("group", sort=False):
            by = by_group.set_index("wave")
            if group == "all_known":
                name, column, unit = "Instances with a known platform", "count", "count"
                cells = [_number(by.loc[w, column], unit) if w in by.index else "" for w in ids]
                forces = [str(int(by.loc[w, "forces"])) if w in by.index else "" for w in ids]
                lines.append(f"| Forces with data ({basis}) | " + " | ".join(forces) + " |")
            else:
                label = " / ".join(dict.fromkeys(by_group["label"].astype(str)))
                name, column, unit = label[:1].upper() + label[1:], "share", "percent"
                cells = [_number(by.loc[w, column], unit) if w in by.index else "" for w in ids]
            lines.append(f"| {name} ({basis}) | " + " | ".join(cells) + " |")
    lines.append("")
    for _, row in statements.iterrows():
        lines.append(f"- {row['note']}")
    for wave, folder in folders.items():
        lines.append(f"- Wave `{wave}` is built in `{folder}/` (its tables and figures).")
    return "\n".join(lines)


def _returns_words(row: pd.Series) -> str:
    """A wave's returns in a cell: real, simulated, or how many real."""
    if str(row.get("returns")) == "mixed":
        return (
            f"{int(row['real_returns'])} of {int(row['forces_with_data'])} real, the rest simulated"
        )
    return str(row.get("returns", ""))


def returns_block(coverage: pd.DataFrame, forces: pd.DataFrame, waves: pd.DataFrame) -> str:
    """What the returns of every wave are, from ``coverage.csv`` (each force's provenance):
    for each wave, how many forces sent counts, how many of their returns are real (and
    whose), how many simulated. The same words head the README and the data READMEs."""
    names = dict(zip(forces["force"], forces["name"], strict=True))
    labels = {
        w.wave: f"{pd.Timestamp(w.start):%B %Y} to {pd.Timestamp(w.end):%B %Y}"
        for w in waves.itertuples(index=False)
    }
    with_data = coverage[pd.to_numeric(coverage["files_read"], errors="coerce").fillna(0) > 0]
    lines = []
    for wave in [
        w for w in waves.sort_values(["start", "wave"])["wave"] if w in set(coverage["wave"])
    ]:
        rows = with_data[with_data["wave"] == wave]
        real = sorted(names.get(f, f) for f in rows.loc[rows["provenance"] == "real", "force"])
        simulated = int((rows["provenance"] == "simulated").sum())
        head = f"- **{labels.get(wave, wave)}** (`{wave}`): {len(rows)} forces' returns, "
        if not real:
            lines.append(head + "all simulated.")
        elif not simulated:
            lines.append(head + "all real.")
        else:
            lines.append(head + f"{len(real)} real ({joined(real)}) and {simulated} simulated.")
    return "\n".join(lines)


def update(readme_text: str, blocks: dict[str, str]) -> str:
    """``readme_text`` with each named block's content replaced."""
    for name, content in blocks.items():
        readme_text = replace_block(readme_text, name, content)
    return readme_text


def tables_block(descriptions: Descriptions) -> str:
    """What every CSV of a build's ``tables/`` holds, column by column, from
    ``data/reference/tables.yaml``: a legend of the kinds, then each table (folded)."""
    lines = ["| Kind | What the column holds |", "|---|---|"]
    lines += [f"| {name} | {kind.meaning} |" for name, kind in descriptions.kinds.items()]
    for name, table in descriptions.tables.items():
        if not table.csv:
            continue
        lines += ["", f"<details><summary><code>{name}.csv</code>: {table.title}</summary>", ""]
        lines += ["| Column | Heading | Kind |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.heading} | {c.kind} |" for c in table.columns.values()]
        if other := table.each_other_column:
            each = {"group": "platform group", "wave": "wave"}[other.is_]
            lines.append(f"| one per {each} | its name | {other.kind} |")
        lines += ["", "</details>"]
    return "\n".join(lines)
