"""The sections' tables: the findings tables and the processed tables laid out as the page
shows them (which columns, their headings and kinds, captions and notes)."""

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
from src.report.html import Col, derived_table, generic_columns, html_table
from src.report.numbers import REDACTED, measure_key
from src.report.prose import group_names
from src.vocab import (
    CONFIDENCE,
    LOO_PLACES,
    OUTCOME_LABELS,
    QUESTION_LABELS,
)

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


def findings_tables(inputs: Inputs, paths: Paths) -> dict[str, dict]:
    """The findings tables as the report lays them out."""
    t = inputs.tables
    src = {name: paths.name(paths.tables / f"{name}.csv") for name in t}
    force_names = dict(
        zip(inputs.reference["forces"]["force"], inputs.reference["forces"]["name"], strict=True)
    )
    build = dict(zip(t["build"]["key"], t["build"]["value"], strict=True))
    names = group_names(inputs.reference, build)
    owner, adjective = build.get("owner_group", ""), build.get("owner_group_adjective", "")
    out = {}
    headline = t["headline"]
    first = ~headline.apply(measure_key, axis=1).duplicated()
    out["headline"] = html_table(
        headline,
        [
            Col("measure", "Measure", header=True),
            Col("computed", "From the returns", "unit"),
            Col("withheld_lowest", "Lowest possible", "unit"),
            Col("withheld_highest", "Highest possible", "unit"),
        ],
        "table-headline",
        "National figures from the returns",
        src["headline"],
        "Lowest and highest possible: the smallest and largest values the small counts forces "
        "withheld can give, with every printed total of their returns met. Percentages are of instances with a known platform unless the measure "
        "says otherwise.",
        rows=headline.index[first],
    )
    out["statements"] = html_table(
        headline,
        [
            Col("as_published", "As published", header=True),
            Col("measure", "Measure", wide=True),
            Col("computed", "From the returns", "unit"),
            Col("verdict", "Verdict"),
            Col("holds_over_withheld_range", "Holds over every value the withheld counts allow"),
            Col("published_fits", "Denominator it fits", wide=True),
            Col("flag", "Flag"),
            Col("note", "Note", wide=True),
        ],
        "table-statements",
        "Each published national statement against the returns",
        src["headline"],
        "Flag V: read in the cited source; U: uncertain (conflicting or unconfirmed).",
        rows=headline.index[headline["figure_id"] != ""],
    )
    out["regional"] = html_table(
        t["regional"],
        [
            Col("as_published", "As published", header=True),
            Col("area", "Area", "code", labels=force_names),
            Col("platform_group", "Platforms", "code", labels=names),
            Col("computed", "From the returns", "unit"),
            Col("verdict", "Verdict"),
            Col("holds_over_withheld_range", "Holds over every value the withheld counts allow"),
            Col("disclosure_control", "Disclosure control", wide=True),
            Col("flag", "Flag"),
            Col("note", "Note", wide=True),
        ],
        "table-regional",
        "Regional and force figures beside each published statement",
        src["regional"],
        "A force figure is shown as computed only where it equals the published one; otherwise "
        "it is rounded or redacted by the output rule (see Methods).",
    )
    out["release_checks"] = html_table(
        t["release_checks"],
        [
            Col("as_published", "As published", header=True),
            Col("area", "Area", "code", labels=force_names),
            Col("agrees", "Agrees with the release's other figures", "bool"),
            Col("finding", "What the release's own figures say", wide=True),
        ],
        "table-release-checks",
        "The release against its own figures",
        src["release_checks"],
        "Published figures only: these findings hold whatever the returns are.",
    )
    out["consistency"] = html_table(
        t["published_consistency"],
        [
            Col("as_published", "As published", header=True),
            Col("area", "Area", "code", labels=force_names),
            Col("platform_group", "Platforms", "code", labels=names),
            Col("published_count", "Published count", "count"),
            Col("stated_total", "Stated total", "count"),
            Col("share_of_stated_total", "Share of stated total", "percent"),
            Col("holds_with_stated_total", "Holds", "bool"),
            Col("sum_of_parts", "Sum of published parts", "count"),
            Col("share_of_sum_of_parts", "Share of sum of parts", "percent"),
            Col("holds_with_sum_of_parts", "Holds", "bool"),
            Col("fits", "Fits", wide=True),
        ],
        "table-consistency",
        "Each published percentage against the totals the published counts imply",
        src["published_consistency"],
        "Published figures only: this checks the release against itself, not against the returns.",
    )
    out["uncertainty"] = html_table(
        t["uncertainty"],
        [
            Col("share_of", "Share", header=True),
            Col("share", "Share", "percent"),
            Col("bootstrap_low", "Between-force bootstrap low", "percent"),
            Col("bootstrap_high", "Between-force bootstrap high", "percent"),
            Col("wilson_low", "Wilson low (ignores clustering)", "percent"),
            Col("wilson_high", "Wilson high (ignores clustering)", "percent"),
            Col("withheld_lowest", "Lowest the printed totals allow", "percent"),
            Col("withheld_highest", "Highest the printed totals allow", "percent"),
            Col("unknown_bound_low", "Unknown-platform bound low", "percent"),
            Col("unknown_bound_high", "Unknown-platform bound high", "percent"),
            Col("nonresponse_low", "Non-response bound low (assumed)", "percent"),
            Col("nonresponse_high", "Non-response bound high (assumed)", "percent"),
            Col("count", "Instances", "count"),
            Col("total", "Of", "count"),
        ],
        "table-uncertainty",
        f"Intervals ({CONFIDENCE:.0%}) and bounds for each headline share",
        src["uncertainty"],
    )
    out["intervals"] = html_table(
        t["intervals"],
        [Col("interval", "Interval", header=True), Col("meaning", "What it means", wide=True)],
        "table-intervals",
        "What each interval and bound means",
        src["intervals"],
    )
    out["withheld"] = html_table(
        t["withheld"],
        [
            Col("share_of", "Share", header=True),
            Col("default", "As reported", "percent"),
            Col("lowest", "Lowest", "percent"),
            Col("highest", "Highest", "percent"),
            Col("all_withheld_at_minimum", "All at minimum", "percent"),
            Col("all_withheld_at_midpoint", "All at midpoint", "percent"),
            Col("all_withheld_at_maximum", "All at maximum", "percent"),
            Col("withheld_cells", "Withheld cells", "int"),
            Col("withheld_instances_at_most", "Instances they could add", "count"),
            Col("whole_percent_changes", "Whole percentage changes", "bool"),
        ],
        "table-withheld",
        "Each headline share with the withheld small counts at either end of their ranges",
        src["withheld"],
    )
    loo = t["leave_one_out"]
    fb = loo.index[(loo["group"] == owner) & (loo["denominator"] == "all_known")]
    out["leave_one_out"] = html_table(
        loo,
        [
            Col("force_name", "Force left out", header=True),
            Col("share_without", f"{adjective} share without it", "percent", places=LOO_PLACES),
            Col("change_points", "Change (percentage points)", "points"),
        ],
        "table-leave-one-out",
        f"The {adjective} share with each force left out in turn",
        src["leave_one_out"],
        "Largest changes first. The full table, for every headline share, is "
        "reports/tables/leave_one_out.csv.",
        rows=fb,
    )
    out["coverage_summary"] = html_table(
        t["coverage"],
        [
            Col(
                "outcome",
                "Outcome",
                "code",
                True,
                OUTCOME_LABELS | {"all forces asked": "All forces asked"},
            ),
            Col("forces", "Forces", "int"),
            Col("in_build", "In this build", "int"),
        ],
        "table-coverage-summary",
        "Forces asked, by what they sent",
        src["coverage"],
    )
    force_cols = [
        c
        for c in t["forces"].columns
        if c not in ("force", "force_name", "release_region", "returns")
    ]
    out["forces"] = html_table(
        t["forces"],
        [Col("force_name", "Force", header=True), Col("release_region", "Region")]
        + [Col(c, c.replace("_", " ").capitalize(), "redacted") for c in force_cols],
        "table-forces",
        "Instances by force and platform, after disclosure control",
        src["forces"],
        f"{sdc.RULE_TEXT} {REDACTED} marks a redacted count.",
    )
    out["forces_audit"] = html_table(
        t["forces_audit"],
        generic_columns(t["forces_audit"]),
        "table-forces-audit",
        "Audit: the range each redacted cell could take, given everything published",
        src["forces_audit"],
        "A redacted cell is flagged if its range is one value, excludes zero or is narrower "
        f"than 0 to {sdc.REDACTION_THRESHOLD}; one hidden only to protect another, if its range "
        "is one value. None may be flagged.",
    )
    out["series"] = html_table(
        t["series"],
        [
            Col("period_label", "Period", header=True),
            Col("offences", "Offences recorded", "count"),
            Col("forces_responding", "Forces responding", "count"),
            Col("annual", "About twelve months", "bool"),
            Col("forces_note", "Forces", wide=True),
            Col("flag", "Flag"),
            Col("source_title", "Source", wide=True),
        ],
        "table-series",
        "Sexual communication with a child: offences recorded, as published each year",
        src["series"],
        "Each year's figure is as that year's release printed it; the forces answering differ "
        "between years, so the series is not like-for-like.",
    )
    out["platforms"] = html_table(
        t["platforms"],
        [
            Col("rank", "Rank", "int"),
            Col("name", "Platform", header=True),
            Col("in_owner_group", "In the owner group", "bool"),
            Col("count", "Instances", "count"),
            Col("share", "Share of known (%)", "percent"),
            Col("share_lowest", "Low (withheld)", "percent"),
            Col("share_highest", "High (withheld)", "percent"),
            Col("forces", "Forces recording it", "int"),
        ],
        "table-platforms",
        "The largest named platforms",
        src["platforms"],
        "Low and high: the share with the small counts forces withheld at the ends of their "
        "ranges. Categories such as online gaming are not ranked.",
    )
    out["platform_series"] = html_table(
        t["platform_series"],
        [
            Col("period_label", "Period", header=True),
            Col("area", "Area"),
            Col("name_as_printed", "Platform, as printed"),
            Col("as_published", "As published"),
            Col("value", "Read as (%)", "number"),
            Col("flag", "Flag"),
            Col("source_title", "Source", wide=True),
            Col("note", "Note", wide=True),
        ],
        "table-platform-series",
        "Sexual communication with a child: the platforms each year's release named",
        src["platform_series"],
        "Shares of the offences whose platform was known, as each release printed them; a share "
        "printed in words or as approximate is read as a number and flagged U.",
    )
    out["whatsapp"] = html_table(
        t["whatsapp"],
        [
            Col("measure", "Measure", header=True),
            Col("share", "Share", "percent"),
            Col("low", "Interval low", "percent"),
            Col("high", "Interval high", "percent"),
            Col("flag", "Flag"),
            Col("source", "Source", wide=True),
        ],
        "table-whatsapp",
        f"{build.get('tipoff_platform_name', '')}: share of police-recorded {adjective} "
        f"instances and of {build.get('tipoff_company', '')}'s tip-offs to the NCA",
        src["whatsapp"],
    )
    out["build"] = html_table(
        t["build"],
        [Col("key", "Parameter", header=True), Col("value", "Value")],
        "table-build",
        "Parameters of this build",
        src["build"],
    )
    extra = [n for n in t if n not in FINDINGS_TABLES]
    out["appendix"] = [
        html_table(
            t[n],
            generic_columns(t[n]),
            f"table-{n.replace('_', '-')}",
            f"Table {n.replace('_', ' ')}",
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
            [
                Col("period", "Wave", header=True),
                Col("basis", "Forces counted"),
                Col("forces", "Forces", "int"),
                Col("label", "Platform group"),
                Col("count", "Instances", "count"),
                Col("known", "Known platform", "count"),
                Col("share", "Share of known (%)", "percent"),
                Col("share_lowest", "Low (withheld)", "percent"),
                Col("share_highest", "High (withheld)", "percent"),
            ],
            "table-waves",
            "Every wave side by side: each group's share over all forces and like for like",
            src["waves"],
            "Like for like: the forces with data in every wave. Low and high: the share's range "
            "over the small counts forces withheld.",
        ),
        "wave_statements": html_table(
            t["wave_statements"],
            [
                Col("as_published", "Published statement", header=True),
                Col("change_published", "Published figures (%)", "number"),
                Col("change_published_lowest", "Low", "number"),
                Col("change_published_highest", "High", "number"),
                Col("verdict_published", "Verdict"),
                Col("change_all_forces", "All forces (%)", "number"),
                Col("change_like_for_like", "Like for like (%)", "number"),
                Col("note", "What it fits", wide=True),
            ],
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
