"""The page: everything the template shows (its context), the figures, sources and provenance
as the page lists them, and the rendering of the template."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import jinja2
import pandas as pd

from src import sdc
from src.report.derived import ints
from src.report.html import Col, data_uri, generic_columns, html_table, source_links
from src.report.numbers import REDACTED
from src.report.points import main_points
from src.report.prose import (
    group_names,
    headline_numbers,
    interval_numbers,
    listed,
    loo_largest_change,
    outcomes_sentence,
    owned_platforms,
    platform_lines,
    published_totals,
    withheld_known_cells,
)
from src.report.quality import (
    STUDY_MEASURES,
    STUDY_TREATMENTS,
    revisions_table,
    study_sentences,
    timeliness,
)
from src.report.sections import findings_tables, processed_tables, waves_tables
from src.vocab import CONFIDENCE

if TYPE_CHECKING:
    from src.report.run import Inputs, Paths

# --- Figures, sources and provenance --------------------------------------------------------


def figure_title(stem: str, names: dict[str, str] | None = None) -> str:
    """A heading for a figure from its file name (``1-platform-shares`` -> ``Platform shares``),
    with platform names written as in platforms.csv (a slug becomes its display name)."""
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
                "src": data_uri(fig["image_bytes"], fig["mime"]),
                "alt": fig["alt"],
                "full_size": [
                    {"format": f.suffix[1:].upper(), "href": paths.link(f)}
                    for f in fig["full_size"]
                ],
                "folder": paths.name(paths.figures) + "/",
                "data_name": paths.name(fig["data_path"]),
                "data_link": paths.link(fig["data_path"]),
                "data_uri": data_uri(fig["data_bytes"], "text/csv;charset=utf-8"),
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
    """Every source the published figures cite, once, in order of date then title, with its
    links (one per site it names)."""
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
    out = grouped.to_dict("records")
    for source in out:
        source["links"] = source_links(source["url"])
        source["one_link"] = len(source["links"]) == 1 and source["links"][0]["text"] == (
            source["url"].strip()
        )
    return out


PROVENANCE_COLUMNS = [
    Col("folder", "Folder", "path", header=True),
    Col("step", "Step"),
    Col("raw", "Raw inputs", "int"),
    Col("simulated", "Of which simulated", "int"),
    Col("reference", "Reference files", "int"),
    Col("outputs", "Outputs", "int"),
]


def provenance_table(inputs: Inputs) -> dict:
    """What each output folder's PROVENANCE.json records, one row a folder."""
    rows = []
    for folder, record in sorted(inputs.provenance.items()):
        raw = record.get("inputs", {}).get("raw", [])
        rows.append(
            {
                "folder": folder,
                "step": record.get("step", ""),
                "raw": str(len(raw)),
                "simulated": str(record.get("simulated_raw_inputs", 0)),
                "reference": str(len(record.get("inputs", {}).get("reference", []))),
                "outputs": str(len(record.get("outputs", []))),
            }
        )
    frame = pd.DataFrame(rows, columns=[c.name for c in PROVENANCE_COLUMNS])
    return html_table(
        frame, PROVENANCE_COLUMNS, "table-provenance", "Provenance of each output folder", None
    )


def environment(inputs: Inputs) -> dict:
    """Python and the packages that made the outputs, as the provenance of the folders the
    report reads records them (every package any of them names, with every version seen)."""
    pythons: set[str] = set()
    packages: dict[str, set[str]] = {}
    for record in inputs.provenance.values():
        env = record.get("environment", {})
        if env.get("python"):
            pythons.add(str(env["python"]))
        for name, version in env.get("packages", {}).items():
            packages.setdefault(name, set()).add(str(version))
    if not pythons and not packages:
        return {}
    return {
        "python": " or ".join(sorted(pythons)),
        "packages": {n: " or ".join(sorted(v)) for n, v in sorted(packages.items())},
    }


REVISION_COLUMNS = [
    Col("date", "Date", "text"),
    Col("edition", "Edition", "text"),
    Col("kind", "Kind", "text"),
    Col("what_changed", "What changed", "text"),
    Col("why", "Why", "text"),
    Col("figures_affected", "Figures affected", "text"),
]


STUDY_COLUMNS = [
    Col("measure", "Measure", "code", labels=STUDY_MEASURES),
    Col("treatment", "Treatment", "code", labels=STUDY_TREATMENTS),
    Col("target", "Measured against"),
    Col("mean_target", "Its mean", "number"),
    Col("sd_target", "Its standard deviation", "number"),
    Col("mean_error", "Bias (mean error)", "number"),
    Col("bias_mc_error", "Bias: Monte Carlo error", "number"),
    Col("mean_abs_error", "Mean absolute error", "number"),
    Col("mean_width", "Mean width", "number"),
    Col("coverage", "Coverage", "number"),
    Col("coverage_mc_error", "Coverage: Monte Carlo error", "number"),
]


def conventions_row(conventions: pd.DataFrame, build: dict[str, str]) -> dict[str, str]:
    """The counting convention of this build's release, as conventions.csv declares it (empty
    when the build compares with no release)."""
    own = conventions[conventions["release"] == build.get("convention_release", "")]
    return {} if own.empty else own.iloc[0].to_dict()


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
    withheld = ints(coverage, ["withheld_cells"])["withheld_cells"]
    lines = platform_lines(t["uncertainty"], build, group_names(inputs.reference, build))
    return {
        "title": "Which apps? Police FOI returns on online child sexual offences: methodology "
        "report",
        "simulated": simulated,
        "build": build,
        "request_summary": wave["request_summary"] if wave is not None else "",
        "request_note": wave["note"] if wave is not None else "",
        "headline": headline_numbers(t["headline"]),
        "main_points": main_points(
            t["headline"],
            build,
            len(coverage),
            published_totals(t["published_consistency"]),
            group_names(inputs.reference, build),
            t.get("release_checks"),
            t.get("regional"),
        ),
        "intervals": interval_numbers(t["uncertainty"]),
        "confidence": f"{CONFIDENCE:.0%}",
        "headline_source": paths.name(paths.tables / "headline.csv"),
        "tables": findings_tables(inputs, paths) | processed_tables(inputs, paths),
        "waves": waves_tables(inputs, paths),
        "caveats": t["caveats"].to_dict("records"),
        "caveats_source": paths.name(paths.tables / "caveats.csv"),
        "loo_max": loo_largest_change(t["leave_one_out"], build.get("owner_group", "")),
        "owner_key": f"{build.get('owner_group', '')}_of_all_known",
        "platform_lines": lines,
        "parts_names": listed([line["name"] for line in lines]) if lines else "",
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
        "quality": timeliness(build, inputs.published.get("releases", pd.DataFrame())),
        "convention": conventions_row(inputs.reference["conventions"], build),
        "readings": html_table(
            inputs.reference["readings"],
            [
                Col("examples", "Published words", header=True),
                Col("comparison", "Read as"),
                Col("reading", "Rule", wide=True),
                Col("tolerance", "Tolerance", "number"),
            ],
            "table-readings",
            "How published words are read: one rule for each kind of wording",
            "data/reference/readings.csv",
        ),
        "verdicts": html_table(
            inputs.reference["verdicts"],
            [Col("verdict", "Verdict", header=True), Col("meaning", "Meaning", wide=True)],
            "table-verdicts",
            "The verdicts a published figure can get",
            "data/reference/verdicts.csv",
        ),
        "study": None
        if inputs.study is None
        else html_table(
            inputs.study,
            STUDY_COLUMNS,
            "table-study",
            f"Simulation study: {inputs.study['draws'].iloc[0]} seeded draws of this wave's "
            "simulated returns, each with its own truth",
            paths.name(paths.study / f"{build.get('wave', '')}.csv"),
        ),
        "study_text": [] if inputs.study is None else study_sentences(inputs.study),
        "edition": inputs.reference["revisions"].iloc[-1].to_dict(),
        "revisions": html_table(
            revisions_table(inputs.reference["revisions"]),
            REVISION_COLUMNS,
            "table-revisions",
            "Revisions log, newest first",
            None,
        ),
        "provenance": provenance_table(inputs) if inputs.provenance else None,
        "environment": environment(inputs),
        "links": {
            "processed": paths.link(paths.processed),
            "tables": paths.link(paths.tables),
            "figures": paths.link(paths.figures),
            "workbook": paths.link(paths.tables / "findings.xlsx"),
            "notebooks": paths.link(paths.root / "notebooks" / "executed"),
        },
    }


def render(template: jinja2.Template, ctx: dict) -> str:
    """The page as text, with every line end ``\\n`` and no trailing spaces."""
    html = template.render(**ctx)
    return "\n".join(line.rstrip() for line in html.splitlines()) + "\n"
