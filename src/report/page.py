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
from src.report.points import FIGURE_NOTES, Build, main_points, title
from src.report.prose import (
    group_names,
    headline_numbers,
    published_totals,
    withheld_known_cells,
)
from src.report.sections import findings_tables, processed_tables, waves_tables
from src.vocab import CONFIDENCE

if TYPE_CHECKING:
    from src.report.run import Inputs, Paths

# --- Figures, sources and provenance --------------------------------------------------------


def figure_name(stem: str) -> str:
    """A figure's name without its number (``1-platform-shares`` -> ``platform-shares``)."""
    return re.sub(r"^\d+[-_ ]*", "", stem)


def figure_title(stem: str, names: dict[str, str] | None = None) -> str:
    """A heading for a figure from its file name (``1-platform-shares`` -> ``Platform shares``),
    with platform names written as in platforms.csv (a slug becomes its display name)."""
    words = figure_name(stem).replace("_", " ").replace("-", " ").split()
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
        digits = re.match(r"\d+", fig["stem"])
        i = int(digits.group()) if digits else i
        out.append(
            {
                "number": i,
                "name": figure_name(fig["stem"]),
                "data": data,
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
    named = {"source_date": "date", "source_title": "title", "source_url": "url"}
    table = pd.concat(
        [pd.DataFrame(columns=list(named))]
        + [
            df.reindex(columns=list(named), fill_value="").assign(file=n)
            for n, df in published.items()
        ]
    ).rename(columns=named)
    out = (
        table[table["title"] != ""]
        .groupby(["date", "title", "url"], sort=True)["file"]
        .agg(lambda f: ", ".join(sorted(set(f))))
        .reset_index()
        .to_dict("records")
    )
    for source in out:
        source["links"] = source_links(source["url"])
        source["one_link"] = len(source["links"]) == 1 and source["links"][0]["text"] == (
            source["url"].strip()
        )
    return out


def provenance_table(inputs: Inputs) -> dict:
    """What each output folder's PROVENANCE.json records, one row a folder."""
    rows = [
        {
            "folder_path": folder,
            "step": record.get("step", ""),
            "raw_inputs": len(record.get("inputs", {}).get("raw", [])),
            "of_which_simulated": record.get("simulated_raw_inputs", 0),
            "reference_files": len(record.get("inputs", {}).get("reference", [])),
            "outputs": len(record.get("outputs", [])),
        }
        for folder, record in sorted(inputs.provenance.items())
    ]
    frame = pd.DataFrame(rows).astype(str)
    return html_table(
        frame, generic_columns(frame), "table-provenance", "Provenance of each output folder", None
    )


#: How the study's treatments and measures are named in the annex.
STUDY_TREATMENTS = {
    "convention": "the release's convention",
    "minimum": "every withheld cell at its minimum",
    "midpoint": "every withheld cell at its midpoint",
    "maximum": "every withheld cell at its maximum",
    "marker_range": "the range from the markers alone",
    "exact_range": "the range from the printed totals",
    "wilson_95": "the 95% Wilson interval",
    "bootstrap_95": "the 95% bootstrap interval over forces",
}
STUDY_MEASURES = {
    "known": "count of instances with a known platform",
    "owner_share": "owner group's share",
}
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


# --- The pages ------------------------------------------------------------------------------

#: The findings page's comparison with the release: each national figure it published.
COMPARISON_COLUMNS = [
    Col("as_published", "As published", header=True),
    Col("measure", "Measure", wide=True),
    Col("computed", "From the returns", "unit"),
    Col("verdict", "Verdict", "verdict"),
]


def common(inputs: Inputs, paths: Paths) -> dict:
    """What both pages show: the build, its headline numbers, edition and links."""
    t = inputs.tables
    build = dict(zip(t["build"]["key"], t["build"]["value"], strict=True))
    return {
        "build": build,
        "simulated": build.get("simulated", "False") == "True"
        or inputs.processed["coverage"]["provenance"].eq("simulated").any(),
        "headline": headline_numbers(t["headline"], paths.name(paths.tables / "headline.csv")),
        "edition": inputs.reference["revisions"].iloc[-1].to_dict(),
        "report_link": paths.link(paths.out),
        "annex_link": paths.link(paths.annex),
    }


def findings_context(inputs: Inputs, paths: Paths) -> dict:
    """Everything the findings page shows."""
    ctx = common(inputs, paths)
    t = inputs.tables
    forces = inputs.reference["forces"]
    b = Build(
        t,
        ctx["build"],
        {name: paths.name(paths.tables / f"{name}.csv") for name in t},
        ctx["headline"],
        group_names(inputs.reference, ctx["build"]),
        dict(zip(forces["force"], forces["name"], strict=True)),
    )
    headline = t["headline"]
    figures = {f["name"]: f for f in figures_for_page(inputs, paths)}
    return ctx | {
        "title": title(b),
        "main_points": main_points(b),
        "comparison": html_table(
            headline,
            COMPARISON_COLUMNS,
            "table-comparison",
            "Each national figure the release published, against the returns",
            b.sources["headline"],
            rows=headline.index[headline["figure_id"] != ""],
        ),
        "figures": sorted(  # in the order of their numbers, as in the annex
            (
                figures[name] | {"note": note(b, figures[name]["data"])}
                for name, note in FIGURE_NOTES.items()
                if name in figures
            ),
            key=lambda figure: figure["number"],
        ),
    }


def annex_context(inputs: Inputs, paths: Paths) -> dict:
    """Everything the technical annex shows."""
    ctx = common(inputs, paths)
    t, build = inputs.tables, ctx["build"]
    waves = inputs.reference["waves"].set_index("wave")
    wave = waves.loc[build["wave"]] if build.get("wave") in waves.index else None
    coverage = inputs.processed["coverage"]
    coverage = coverage[coverage["wave"] == build.get("wave", coverage["wave"].iloc[0])]
    withheld = ints(coverage, ["withheld_cells"])["withheld_cells"]
    owner = build.get("owner_group", "")
    conventions = inputs.reference["conventions"].to_dict("records")
    boot = t["uncertainty"][t["uncertainty"]["group"] == owner].head(1).to_dict("records")
    return ctx | {
        "title": "Which apps? Police FOI returns on online child sexual offences: technical annex",
        "request_summary": wave["request_summary"] if wave is not None else "",
        "request_note": wave["note"] if wave is not None else "",
        "confidence": f"{CONFIDENCE:.0%}",
        "tables": findings_tables(inputs, paths) | processed_tables(inputs, paths),
        "waves": waves_tables(inputs, paths),
        "caveats": t["caveats"].to_dict("records"),
        "caveats_source": paths.name(paths.tables / "caveats.csv"),
        "owner_key": f"{owner}_of_all_known",
        "bootstrap": boot[0] if boot else None,
        "interval_text": dict(
            zip(t["intervals"]["interval"], t["intervals"]["meaning"], strict=True)
        ),
        "figures": figures_for_page(inputs, paths),
        "sources": sources(inputs.published),
        "sdc_rule": sdc.RULE_TEXT,
        "forces_asked": len(coverage),
        "withheld_cells": int(withheld.sum()),
        "withheld_known_cells": withheld_known_cells(t["withheld"]),
        "forces_withholding": int((withheld > 0).sum()),
        "denominator": published_totals(t["published_consistency"]),
        "releases": inputs.published.get("releases", pd.DataFrame()).to_dict("records"),
        "convention": next(
            (c for c in conventions if c["release"] == build.get("convention_release")), {}
        ),
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
            [
                Col("verdict", "Verdict", "verdict", header=True),
                Col("meaning", "Meaning", wide=True),
            ],
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
        "revisions": html_table(
            inputs.reference["revisions"].iloc[::-1],
            generic_columns(inputs.reference["revisions"]),
            "table-revisions",
            "Revisions log, newest first",
            None,
        ),
        "provenance": provenance_table(inputs) if inputs.provenance else None,
        "links": {
            "processed": paths.link(paths.processed),
            "tables": paths.link(paths.tables),
            "workbook": paths.link(paths.tables / "findings.xlsx"),
            "notebooks": paths.link(paths.root / "notebooks" / "executed"),
        },
    }


def render(template: jinja2.Template, ctx: dict) -> str:
    """The page as text, with every line end ``\\n`` and no trailing spaces."""
    html = template.render(**ctx)
    return "\n".join(line.rstrip() for line in html.splitlines()) + "\n"
