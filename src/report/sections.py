"""The sections' tables: the findings tables and the processed tables laid out as the page
shows them (which columns, captions and notes; a findings table's headings and kinds are those
of data/reference/tables.yaml)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from src import sdc
from src.data.names import lookup
from src.report.derived import (
    cleaning_by_force,
    cleaning_summary,
    label_summary,
    reconciliation_totals,
    withheld_conventions,
)
from src.report.html import Col, derived_table, described, html_table
from src.report.numbers import REDACTED, measure_key
from src.report.prose import group_names
from src.vocab import CONFIDENCE, OUTCOME_LABELS, QUESTION_LABELS, capitalised

if TYPE_CHECKING:
    from src.report.run import Inputs, Paths

#: The findings tables the report is built around; any other table in reports/tables/ is
#: shown in full in an appendix, so nothing computed is left out.
FINDINGS_TABLES = (
    "headline",
    "uncertainty",
    "intervals",
    "published_consistency",
    "release_checks",
    "regional",
    "withheld",
    "leave_one_out",
    "coverage",
    "forces",
    "forces_audit",
    "series",
    "platform_series",
    "waves",
    "wave_statements",
    "platforms",
    "whatsapp",
    "caveats",
    "build",
)


def described_columns(
    inputs: Inputs, table: str, *columns: str, wide=(), header: str = "", labels=None
) -> list[Col]:
    """The ``columns`` of ``table`` as tables.yaml describes them (the first heads each row,
    unless ``header`` names another; a code is shown through its kind's ``labels``)."""
    description = inputs.descriptions.table(table)
    return [
        described(description.column(c), c == (header or columns[0]), c in wide, labels)
        for c in columns
    ]


def findings_tables(inputs: Inputs, paths: Paths) -> dict[str, dict]:
    """The findings tables as the report lays them out, each column headed and shown as
    ``data/reference/tables.yaml`` describes it."""
    t = inputs.tables
    src = {name: paths.name(paths.tables / f"{name}.csv") for name in t}
    force_names = dict(
        zip(inputs.reference["forces"]["force"], inputs.reference["forces"]["name"], strict=True)
    )
    build = dict(zip(t["build"]["key"], t["build"]["value"], strict=True))
    names = group_names(inputs.reference, build)
    owner, adjective = build.get("owner_group", ""), build.get("owner_group_adjective", "")
    outcomes = OUTCOME_LABELS | {"all forces asked": "All forces asked"}
    labels = {"group": names, "force": force_names, "outcome": outcomes}

    def cols(table: str, *columns: str, **options) -> list[Col]:
        return described_columns(inputs, table, *columns, labels=labels, **options)

    out = {}
    headline = t["headline"]
    first = ~headline.apply(measure_key, axis=1).duplicated()
    out["headline"] = html_table(
        headline,
        cols("headline", "measure", "computed", "withheld_lowest", "withheld_highest"),
        "table-headline",
        "National figures from the returns",
        src["headline"],
        "The lowest and highest the printed totals allow: the smallest and largest values the "
        "small counts forces withheld can give, with every printed total of their returns met. "
        "Percentages are of instances with a known platform unless the measure says otherwise.",
        rows=headline.index[first],
    )
    out["statements"] = html_table(
        headline,
        cols(
            "headline",
            *("as_published", "measure", "computed", "verdict", "holds_over_withheld_range"),
            *("published_fits", "flag", "note"),
            wide=("measure", "published_fits", "note"),
        ),
        "table-statements",
        "Each published national statement against the returns",
        src["headline"],
        "Flag V: read in the cited source; U: uncertain (conflicting or unconfirmed).",
        rows=headline.index[headline["figure_id"] != ""],
    )
    out["regional"] = html_table(
        t["regional"],
        cols(
            "regional",
            *("as_published", "area", "platform_group", "computed", "verdict"),
            *("holds_over_withheld_range", "disclosure_control", "flag", "note"),
            wide=("disclosure_control", "note"),
        ),
        "table-regional",
        "Regional and force figures beside each published statement",
        src["regional"],
        "A force figure is shown as computed only where it equals the published one; otherwise "
        "it is rounded or redacted by the output rule (see Methods).",
    )
    out["release_checks"] = html_table(
        t["release_checks"],
        cols("release_checks", "as_published", "area", "agrees", "finding", wide=("finding",)),
        "table-release-checks",
        "The release against its own figures",
        src["release_checks"],
        "Published figures only: these findings hold whatever the returns are.",
    )
    out["consistency"] = html_table(
        t["published_consistency"],
        cols(
            "published_consistency",
            *("as_published", "area", "platform_group", "published_count", "stated_total"),
            *("share_of_stated_total", "holds_with_stated_total", "sum_of_parts"),
            *("share_of_sum_of_parts", "holds_with_sum_of_parts", "fits"),
            wide=("fits",),
        ),
        "table-consistency",
        "Each published percentage against the totals the published counts imply",
        src["published_consistency"],
        "Published figures only: this checks the release against itself, not against the returns.",
    )
    out["uncertainty"] = html_table(
        t["uncertainty"],
        cols(
            "uncertainty",
            *("share_of", "share", "bootstrap_low", "bootstrap_high", "wilson_low"),
            *("wilson_high", "withheld_lowest", "withheld_highest", "unknown_bound_low"),
            *("unknown_bound_high", "nonresponse_low", "nonresponse_high", "count", "total"),
        ),
        "table-uncertainty",
        f"Intervals ({CONFIDENCE:.0%}) and bounds for each headline share",
        src["uncertainty"],
    )
    out["intervals"] = html_table(
        t["intervals"],
        cols("intervals", "interval", "meaning", wide=("meaning",)),
        "table-intervals",
        "What each interval and bound means",
        src["intervals"],
    )
    out["withheld"] = html_table(
        t["withheld"],
        cols(
            "withheld",
            *("share_of", "default", "lowest", "highest", "all_withheld_at_minimum"),
            *("all_withheld_at_midpoint", "all_withheld_at_maximum", "withheld_cells"),
            *("withheld_instances_at_most", "whole_percent_changes"),
        ),
        "table-withheld",
        "Each headline share with the withheld small counts at either end of their ranges",
        src["withheld"],
    )
    loo = t["leave_one_out"]
    fb = loo.index[(loo["group"] == owner) & (loo["denominator"] == "all_known")]
    out["leave_one_out"] = html_table(
        loo,
        cols("leave_one_out", "force_name", "share_without", "change_points"),
        "table-leave-one-out",
        f"The {adjective} share with each force left out in turn",
        src["leave_one_out"],
        "Largest changes first; the change is in percentage points. The full table, for every "
        "headline share, is reports/tables/leave_one_out.csv.",
        rows=fb,
    )
    out["coverage_summary"] = html_table(
        t["coverage"],
        cols("coverage", "outcome", "forces", "in_build"),
        "table-coverage-summary",
        "Forces asked, by what they sent",
        src["coverage"],
    )
    forces = inputs.descriptions.table("forces")
    counts = [c for c in t["forces"].columns if c not in ("force", "force_name", "release_region")]
    out["forces"] = html_table(
        t["forces"],
        cols("forces", "force_name", "release_region")
        + [
            Col(c, forces.column(c, capitalised(names.get(c, c))).heading, "redacted")
            for c in counts
            if c != "returns"
        ],
        "table-forces",
        "Instances by force and platform, after disclosure control",
        src["forces"],
        f"{sdc.RULE_TEXT} {REDACTED} marks a redacted count.",
    )
    out["forces_audit"] = html_table(
        t["forces_audit"],
        cols("forces_audit", *(c for c in t["forces_audit"].columns if c != "returns")),
        "table-forces-audit",
        "Audit: the range each redacted cell could take, given everything published",
        src["forces_audit"],
        "A redacted cell is flagged if its range is one value, excludes zero or is narrower "
        f"than 0 to {sdc.REDACTION_THRESHOLD}; one hidden only to protect another, if its range "
        "is one value. None may be flagged.",
    )
    out["series"] = html_table(
        t["series"],
        cols(
            "series",
            *("period_label", "offences", "forces_responding", "annual", "forces_note"),
            *("flag", "source_title"),
            wide=("forces_note", "source_title"),
        ),
        "table-series",
        "Sexual communication with a child: offences recorded, as published each year",
        src["series"],
        "Each year's figure is as that year's release printed it; the forces answering differ "
        "between years, so the series is not like-for-like.",
    )
    out["platforms"] = html_table(
        t["platforms"],
        cols(
            "platforms",
            *("rank", "name", "in_owner_group", "count", "share", "share_lowest"),
            *("share_highest", "forces"),
            header="name",
        ),
        "table-platforms",
        "The largest named platforms",
        src["platforms"],
        "Low and high: the share with the small counts forces withheld at the ends of their "
        "ranges. Categories such as online gaming are not ranked.",
    )
    out["platform_series"] = html_table(
        t["platform_series"],
        cols(
            "platform_series",
            *("period_label", "area", "name_as_printed", "as_published", "value", "flag"),
            *("source_title", "note"),
            wide=("source_title", "note"),
        ),
        "table-platform-series",
        "Sexual communication with a child: the platforms each year's release named",
        src["platform_series"],
        "Shares of the offences whose platform was known, as each release printed them; a share "
        "printed in words or as approximate is read as a number and flagged U.",
    )
    out["whatsapp"] = html_table(
        t["whatsapp"],
        cols("whatsapp", "measure", "share", "low", "high", "flag", "source", wide=("source",)),
        "table-whatsapp",
        f"{build.get('tipoff_platform_name', '')}: share of police-recorded {adjective} "
        f"instances and of {build.get('tipoff_company', '')}'s tip-offs to the NCA",
        src["whatsapp"],
    )
    out["build"] = html_table(
        t["build"],
        cols("build", "key", "value"),
        "table-build",
        "Parameters of this build",
        src["build"],
    )
    extra = [n for n in t if n not in FINDINGS_TABLES]
    out["appendix"] = [
        html_table(
            t[n],
            cols(n, *(c for c in t[n].columns if c != "returns")),
            f"table-{n.replace('_', '-')}",
            inputs.descriptions.table(n).title,
            src[n],
        )
        for n in extra
        if 0 < len(t[n]) <= LINKED_ROWS
    ]
    # A table with no rows in this build (e.g. series_by_area while no per-area series is
    # published) is named, not drawn as a table of headings alone; one too long to read on a
    # page (lineage.csv, a row per cell of every return) is linked with its number of rows.
    out["appendix_empty"] = [src[n] for n in extra if not len(t[n])]
    out["appendix_linked"] = [
        {"source": src[n], "href": paths.link(paths.tables / f"{n}.csv"), "rows": len(t[n])}
        for n in extra
        if len(t[n]) > LINKED_ROWS
    ]
    return out


#: More rows than a reader reads on a page: such a table is linked, not drawn.
LINKED_ROWS = 500


def processed_tables(inputs: Inputs, paths: Paths) -> dict[str, dict]:
    """Coverage, reconciliation and the cleaning log from data/processed/."""
    p = inputs.processed
    src = {name: paths.name(paths.processed / f"{name}.csv") for name in p}
    names = inputs.reference["forces"].set_index("force")["name"]
    force_names = names.to_dict()
    out = {}
    out["coverage"] = html_table(
        p["coverage"],
        [
            Col("force", "Force", "code", header=True, labels=force_names),
            Col("outcome", "Outcome", "code", labels=OUTCOME_LABELS),
            Col("questions_answered", "Questions answered", "code", labels=QUESTION_LABELS),
            Col("period_start", "From"),
            Col("period_end", "To"),
            Col("provenance", "Return"),
            Col("files_read", "Files read", "int"),
            Col("withheld_cells", "Withheld cells", "int"),
            Col("known_lower", "Known platform (low)", "sdc"),
            Col("known_upper", "Known platform (high)", "sdc"),
            Col("unknown_lower", "Not known (low)", "sdc"),
            Col("unknown_upper", "Not known (high)", "sdc"),
        ],
        "table-coverage",
        "Every force asked: what it sent and what was read from it",
        src["coverage"],
        "Low and high differ where a force withheld small counts. Instance counts per force are "
        "shown after the output rule (see Methods).",
    )
    out["reconciliation"] = html_table(
        p["reconciliation"],
        [
            Col("force", "Force", "code", header=True, labels=force_names),
            Col("source_file", "File (under data/raw)", "path"),
            Col("table", "Table"),
            Col("block", "Block"),
            Col("total_source", "Total from"),
            Col("total_lower", "Total (low)", "sdc"),
            Col("total_upper", "Total (high)", "sdc"),
            Col("mapped_lower", "Known platform (low)", "sdc"),
            Col("mapped_upper", "Known platform (high)", "sdc"),
            Col("unknown_lower", "Not known (low)", "sdc"),
            Col("unknown_upper", "Not known (high)", "sdc"),
            Col("excluded_lower", "Left out (low)", "sdc"),
            Col("excluded_upper", "Left out (high)", "sdc"),
            Col("withheld_cells", "Withheld cells", "int"),
            Col("unexplained", "Unexplained", "int"),
        ],
        "table-reconciliation",
        "Every table of every return: its total against what was read from it",
        src["reconciliation"],
        "Counts per file are shown after the output rule; the exact counts, which restate the "
        "forces' own disclosures, are in data/processed/reconciliation.csv.",
        full=True,
    )
    out["reconciliation_totals"] = derived_table(
        reconciliation_totals(p["reconciliation"]),
        "table-reconciliation-totals",
        "All returns together: totals against what was read",
        f"Sums over every row of {src['reconciliation']}.",
    )
    out["cleaning_actions"] = derived_table(
        cleaning_summary(
            p["cleaning_log"],
            lookup(inputs.reference["offence_groups"], "offence_group", "name"),
        ),
        "table-cleaning-actions",
        "Cleaning decisions, all forces together, with the instances each kind moved",
        f"Sums over {src['cleaning_log']} by action and offence group.",
    )
    out["cleaning_forces"] = derived_table(
        cleaning_by_force(p["cleaning_log"], names),
        "table-cleaning-forces",
        "Cleaning decisions by force, with the instances they moved (after the output rule)",
        f"Sums over {src['cleaning_log']} by force and action.",
        sdc_columns=("instances_low", "instances_high"),
    )
    out["conventions"] = derived_table(
        withheld_conventions(p["cleaning_log"]),
        "table-conventions",
        "How forces printed withheld small counts, and how each was read",
        f"From the withheld-cell decisions in {src['cleaning_log']}.",
    )
    out["labels"] = derived_table(
        label_summary(p["instances"]),
        "table-labels",
        "Every label as printed in a return, and the platform it was read as",
        f"From {src['instances']}; labels are listed in data/reference/platform_labels.csv.",
        sdc_columns=("instances_low", "instances_high"),
    )
    return out


def waves_tables(inputs: Inputs, paths: Paths) -> dict:
    """Every wave side by side (``waves.csv``), the statements across waves
    (``wave_statements.csv``) and each other wave's build, with its main numbers and a link."""
    t = inputs.tables
    src = {n: paths.name(paths.tables / f"{n}.csv") for n in ("waves", "wave_statements")}
    out = {
        "waves": html_table(
            t["waves"],
            described_columns(
                inputs,
                "waves",
                *("period", "basis", "forces", "label", "count", "known", "share"),
                *("share_lowest", "share_highest"),
            ),
            "table-waves",
            "Every wave side by side: each group's share over all forces and like for like",
            src["waves"],
            "Like for like: the forces with data in every wave. Low and high: the share's range "
            "over the small counts forces withheld.",
        ),
        "wave_statements": html_table(
            t["wave_statements"],
            described_columns(
                inputs,
                "wave_statements",
                *("as_published", "change_published", "change_published_lowest"),
                *("change_published_highest", "verdict_published", "change_all_forces"),
                *("change_like_for_like", "note"),
                wide=("note",),
            ),
            "table-wave-statements",
            "Published statements that compare two waves, against both waves",
            src["wave_statements"],
            "Each change is the later wave's count against the earlier one's, in per cent.",
        ),
    }
    others = []
    for wave, tables in inputs.other_waves.items():
        build = dict(zip(tables["build"]["key"], tables["build"]["value"], strict=True))
        folder = paths.tables.parent / "waves" / wave
        others.append(
            {
                "wave": wave,
                "period": build.get("period", ""),
                "forces": build.get("forces_with_data", ""),
                "source_line": build.get("source_line", ""),
                "tables": paths.link(folder / "tables"),
                "figures": paths.link(folder / "figures"),
                "workbook": paths.link(folder / "tables" / "findings.xlsx"),
            }
        )
    out["other_waves"] = others
    return out
