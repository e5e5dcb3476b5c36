"""The findings of one build: every table and sentence, from the inputs and the parameters.

:func:`build` selects the instances, sums them by platform group and assembles the tables of
:mod:`src.findings.national`, :mod:`src.findings.areas`, :mod:`src.findings.published` and
:mod:`src.findings.series` (the published series, national, by area and by platform),
the sentences of :mod:`src.findings.text`, and the build's own parameters (``build.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from src.data.names import group_names, lookup, owner_name_on, place_name
from src.data.reference import Reference
from src.data.tables import Descriptions
from src.errors import InputError
from src.findings.areas import force_shares_table, per_force_table, regional_table
from src.findings.composition import composition_table
from src.findings.convention import Convention, convention_for
from src.findings.display import Shown, styled
from src.findings.exact import (
    at_best_estimates,
    cells_at_best,
    exact_bounds,
    exact_uncertainty,
    force_shares,
)
from src.findings.exact import exact_comparison as with_exact_ranges
from src.findings.intervals import uncertainty
from src.findings.lineage import lineage_table
from src.findings.national import (
    headline_table,
    leave_one_out_table,
    uncertainty_table,
    whatsapp_table,
    withheld_table,
)
from src.findings.params import Inputs, Params, check_exclude_forces, unknown_reporters
from src.findings.platforms import largest_sentence, platform_table
from src.findings.published import compare_published, consistency_table, published_for_wave
from src.findings.selfcheck import release_checks
from src.findings.series import platform_series_table, series_by_area_table, series_table
from src.findings.shares import (
    NAMED_PLATFORMS,
    OwnerGroup,
    as_of_date,
    force_groups,
    group_rules,
    itemising,
    owner_group,
    select_instances,
    treat,
    wide,
)
from src.findings.text import (
    Release,
    groups_text,
    period_text,
    platform_names,
    published_source_line,
    reader_text,
    returns_kind,
    returns_source,
    returns_words,
    source_line,
)
from src.findings.waves import compare_waves
from src.vocab import OUTCOMES_WITH_DATA


@dataclass
class Findings:
    params: Params
    context: dict
    tables: dict[str, pd.DataFrame]
    text: dict[str, str]
    groups: pd.DataFrame
    #: Every published figure against the exact computed value (before disclosure control of
    #: the force rows): for checks, never published as it is.
    comparison: pd.DataFrame
    #: Who publishes the workbook and the date of this edition, as read with the inputs.
    publication: object = None
    #: The published series by area and by platform (``series_by_area``, ``platform_series``):
    #: written as CSV beside :attr:`tables`, but not yet in the workbook nor shown by
    #: :func:`~src.findings.display.styled`, which have no layout for them.
    published_series: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Each platform group's name as on the build's owner date (groups.csv, owners.csv,
    #: platforms.csv), in the order of the groups; then each other column of the per-force
    #: table named as its platform (:func:`column_names`).
    names: dict[str, str] = field(default_factory=dict)
    #: Every output table's description (``data/reference/tables.yaml``).
    descriptions: Descriptions | None = None

    def styled(self, table: pd.DataFrame, name: str, caption: str | None = None) -> Shown:
        """``table`` as the notebook shows it: each column as table ``name``'s description
        says, its platform groups by this build's names."""
        return styled(table, self.descriptions.table(name), caption, self.names)


def build(inputs: Inputs, params: Params) -> Findings:
    """Every table and sentence of the findings for ``params``."""
    params = params.for_inputs(inputs)
    ref = inputs.reference
    wave = ref.wave(params.wave)
    check_exclude_forces(params, inputs.coverage, ref.forces)
    as_of = as_of_date(params.owner_as_of, wave["end"])
    owned = owner_group(ref.ownership, as_of, ref.owners, owner_group_slug(ref))
    names = group_names(ref.groups, ref.platforms, owner_name_on(ref.owners, owned.owner, as_of))

    selected = select_instances(
        inputs.instances,
        params.wave,
        params.offence_groups,
        params.exclude_forces,
        known_forces=set(ref.forces["force"]),
        group_parts=ref.offence_group_parts(),
    )
    convention = convention_for(
        params.withheld_treatment, inputs.releases, inputs.conventions, params.wave
    )
    treated = treat(selected, inputs.reconciliation, convention)
    included = sorted(set(treated["force"]))
    unknown_reported = unknown_reporters(inputs.coverage, params.wave, included)
    published = published_for_wave(inputs.published, wave)
    rules = group_rules(
        ref.groups, ref.platforms, owned.platforms, extra_groups(treated, published, ref)
    )
    exact = exact_bounds(selected, inputs.reconciliation, rules, included)
    groups = force_groups(treated, rules, included)
    coverage = coverage_summary(inputs.coverage, params, included)
    context = build_context(inputs, params, owned, coverage, included, published, convention)
    # Every withheld cell of the build, those of instances with no platform recorded among them.
    context["withheld_cells"] = int(
        groups.loc[groups["group"].isin(["all_known", "unknown"]), "withheld_cells"].sum()
    )

    in_wave = inputs.coverage[inputs.coverage["wave"] == params.wave]
    comparison = compare_published(
        published,
        groups,
        ref.forces,
        coverage["forces_with_data"],
        days=wave_days(wave),
        provenance=lookup(in_wave, "force", "provenance"),
    )
    comparison = with_exact_ranges(comparison, exact, ref.forces, days=wave_days(wave))
    # The forces asked that sent no platform counts (a force this build leaves out on purpose
    # is not one of them).
    missing = int((~in_wave["outcome"].isin(OUTCOMES_WITH_DATA)).sum())
    unc = exact_uncertainty(
        uncertainty(groups, unknown_reported=unknown_reported, missing=missing), exact
    )
    tables = {
        "headline": headline_table(
            groups,
            comparison,
            published,
            names,
            exact,
            lookup(ref.forces, "force", "name"),
        ),
        "published_consistency": consistency_table(published),
        "release_checks": release_checks(published),
        "uncertainty": uncertainty_table(unc, owned.platforms, owned.group, names),
        "withheld": withheld_table(groups, names, exact),
        "series": series_table(inputs.series),
        "whatsapp": whatsapp_table(
            unc,
            inputs.context,
            context.pop("returns_source"),
            ref.words["tipoffs"],
            owned.group,
            names,
            (wave["start"], wave["end"]),
        ),
        "coverage": coverage["table"],
    }
    exact_comparison = comparison.copy()
    # The per-force table gives each force's counts as its return best gives them (each
    # withheld cell at its best estimate, within its exact range), not the convention's.
    forces_table, audit, _ = per_force_table(
        groups,
        comparison,
        ref.forces,
        cells_at_best(treated, exact),
        rules,
        ref.groups,
        owned.group,
        unknown_reported,
    )
    tables["forces"] = forces_table
    tables["lineage"] = lineage_table(treated, exact, rules, groups, tables["headline"])
    tables["forces_audit"] = audit
    tables["force_shares"] = force_shares_table(
        force_shares(exact, itemising(groups, owned.group), owned.group), ref.forces
    )
    tables["leave_one_out"] = leave_one_out_table(
        at_best_estimates(groups, exact), lookup(ref.forces, "force", "name"), owned.group, names
    )
    # A row per force says its own return's provenance; a total row, the build's.
    of_force = lookup(in_wave, "force", "provenance")
    for name in ("forces", "forces_audit", "force_shares", "leave_one_out", "lineage"):
        if "force" in tables[name]:
            tables[name]["returns"] = tables[name]["force"].map(of_force).fillna(context["returns"])
    tables["regional"] = regional_table(comparison, tables["published_consistency"])
    tables.update(compare_waves(inputs, params, owned.group))
    combined = set(ref.platforms.loc[ref.platforms["kind"] == "combined", "platform"])
    owned_names = platform_names(
        tuple(p for p in owned.platforms if p not in combined), ref.platforms
    )
    tables["platforms"] = platform_table(
        treated, ref.platforms, owned.platforms, rules, exact=exact
    )
    text = reader_text(context, tables, unc, coverage, inputs.context, owned_names)
    text["largest"] = largest_sentence(tables["platforms"])
    top = tables["platforms"]["platform"].iloc[0] if len(tables["platforms"]) else ""
    tables["composition"] = composition_table(
        treated,
        groups,
        rules,
        owned.group,
        names,
        dict(zip(ref.platforms["platform"], ref.platforms["display_name"], strict=True)),
        top,
    )
    tables["caveats"] = pd.DataFrame(
        [{"caveat": k, "text": v} for k, v in text.items() if k.startswith("caveat_")]
    )
    tables["intervals"] = pd.DataFrame(
        [
            {"interval": k.removeprefix("interval_"), "meaning": v}
            for k, v in text.items()
            if k.startswith("interval_")
        ]
    )
    context["headline"] = text["headline"]
    tables["build"] = pd.DataFrame([{"key": k, "value": str(v)} for k, v in context.items()])
    return Findings(
        params=params,
        context=context,
        tables=tables,
        text=text,
        groups=groups,
        comparison=exact_comparison,
        publication=inputs.publication,
        published_series={
            "series_by_area": series_by_area_table(inputs.series, ref.forces),
            "platform_series": platform_series_table(getattr(inputs, "platforms", None)),
        },
        names={**names, **column_names(forces_table, names, ref.platforms)},
        descriptions=inputs.descriptions,
    )


def column_names(table: pd.DataFrame, names: dict[str, str], platforms: pd.DataFrame) -> dict:
    """The names of the per-force table's columns that are a platform rather than a group of
    groups.csv (a combined column a return printed, what partial returns did not itemise), as
    platforms.csv names them, for the tables that head their columns by name."""
    shown = dict(zip(platforms["platform"], platforms["display_name"], strict=True))
    return {c: shown[c] for c in table.columns if c not in names and c in shown}


def extra_groups(treated: pd.DataFrame, published: pd.DataFrame, ref: Reference) -> list[str]:
    """The platforms a build counts as groups of their own beyond groups.csv's: each platform
    a published figure of the wave is about, and the build's largest named platform."""
    named = set(ref.platforms.loc[ref.platforms["kind"].isin(["app", "service"]), "platform"])
    about = [p for p in published.get("platform_group", []) if p in named]
    counts = treated[treated["platform"].isin(named)].groupby("platform")["value"].sum()
    largest = (
        [str(counts.sort_values(ascending=False, kind="stable").index[0])] if len(counts) else []
    )
    return sorted(set(about) | set(largest))


def owner_group_slug(ref: Reference) -> str:
    """The owner group of the findings: the group of kind ``owner`` in ``groups.csv``."""
    return str(ref.groups.loc[ref.groups["kind"] == "owner", "group"].iloc[0])


def build_forces(coverage: pd.DataFrame, params: Params) -> list[str]:
    """The forces a build is about: those asked in its wave (a force left out by the build's
    parameters is still of its place: the caveats and notes say it is left out)."""
    rows = coverage[coverage["wave"] == params.wave]
    return sorted(set(rows["force"]))


def releases_compared(inputs: Inputs, published: pd.DataFrame, wave: str) -> list[Release]:
    """The releases a build compares with: the rows of ``inputs.releases`` (releases.csv:
    ``release``, ``published``, ``publisher``, ``wave`` ...) whose wave is the build's, when the
    inputs have them; until then, one unnamed release for each date the build's published
    figures (``published``, this wave's) give as their national sources' date."""
    releases = getattr(inputs, "releases", None)
    if releases is not None:
        rows = releases[releases["wave"] == wave]
        return [Release(str(r.publisher), str(r.published)) for r in rows.itertuples()]
    national = published[published["geography"] == "national"]
    dates = national["source_date"] if "source_date" in national else pd.Series(dtype=str)
    return [Release("", day) for day in sorted({d for d in dates if d})[:1]]


def all_publishers(inputs: Inputs) -> list[str]:
    """Who published every release the inputs name (``inputs.releases``), for the charts drawn
    from published figures only; none named until the releases are read."""
    releases = getattr(inputs, "releases", None)
    return [] if releases is None else sorted(set(releases["publisher"]) - {""})


def tipoff_words(inputs: Inputs, owned: OwnerGroup) -> dict[str, str]:
    """Figure 5's words: the platform compared with its share of tip-offs (``words.yaml``) by
    slug and name, and its owner's short name as on the date of the tip-off figure's source
    (as on the build's owner date when the figure is missing)."""
    ref = inputs.reference
    comparison = ref.words["tipoffs"]
    platform = comparison["platform"]
    shown = dict(zip(ref.platforms["platform"], ref.platforms["display_name"], strict=True))
    figure = inputs.context[inputs.context["figure_id"] == comparison["context_figure"]]
    day = str(figure["source_date"].iloc[0]) if len(figure) else ""
    company = owner_name_on(ref.owners, owned.owner, day)["short_name"] if day else owned.short_name
    return {
        "tipoff_platform": platform,
        "tipoff_platform_name": shown.get(platform, platform),
        "tipoff_company": company,
    }


def wave_days(wave: pd.Series) -> int:
    """The number of days of a wave, first and last included (for a count "a day")."""
    start = pd.Timestamp(wave["start"])
    return int((pd.Timestamp(wave["end"]) - start).days) + 1


def build_context(
    inputs: Inputs,
    params: Params,
    owned: OwnerGroup,
    coverage: dict,
    included: list[str],
    published: pd.DataFrame,
    convention: Convention | None = None,
) -> dict:
    """What a reader (and a chart's subtitle and source line) needs to know about this build:
    the period, the place (:func:`~src.data.names.place_name`, from the build's forces),
    the owner and its group named as on ``owner_as_of``, and where its figures come from.
    ``returns_source`` is for the tables and leaves the context before ``build.csv``."""
    ref = inputs.reference
    wave = ref.wave(params.wave)
    rows = inputs.coverage[
        inputs.coverage["force"].isin(included) & (inputs.coverage["wave"] == params.wave)
    ]
    words = ref.words
    releases = releases_compared(inputs, published, params.wave)
    by_force = rows.set_index("force")["provenance"].sort_index()
    force_names = lookup(ref.forces, "force", "name")
    return {
        "wave": params.wave,
        "period_start": wave["start"],
        "period_end": wave["end"],
        "period": period_text(wave["start"], wave["end"]),
        "place": place_name(ref.forces, ref.places, build_forces(inputs.coverage, params)),
        "offence_groups": groups_text(
            params.offence_groups,
            lookup(ref.offence_groups, "offence_group", "name"),
        ),
        "owner": owned.owner,
        "owner_name": owned.owner_name,
        "owner_short_name": owned.short_name,
        "owner_as_of": owned.as_of,
        "owner_group": owned.group,
        "owner_group_name": owned.group_name,
        "owner_group_adjective": owned.group_adjective,
        "owned_platforms": ", ".join(owned.platforms),
        "withheld_treatment": convention.treatment if convention else params.withheld_treatment,
        "counting_convention": convention.describe() if convention else "",
        "convention_release": convention.release if convention else "",
        "exclude_forces": ", ".join(params.exclude_forces),
        "forces_with_data": coverage["forces_with_data"],
        "forces_asked": coverage["forces_asked"],
        "simulated": bool(rows["provenance"].eq("simulated").any()),
        "returns": returns_kind(rows["provenance"]),
        "returns_real": int(rows["provenance"].eq("real").sum()),
        "returns_simulated": int(rows["provenance"].eq("simulated").sum()),
        "returns_sentence": returns_words(words, "sentence", by_force, force_names),
        "badge": returns_words(words, "badge", by_force),
        "like_for_like": like_for_like(params, ref),
        "source_line": source_line(words, rows["provenance"], releases),
        "source_published": published_source_line(words, all_publishers(inputs)),
        **tipoff_words(inputs, owned),
        "returns_source": returns_source(words, rows["provenance"]),
    }


def like_for_like(params: Params, ref: Reference) -> bool:
    """True when the build covers what the wave's request asked (every offence group it asked
    about, every force)."""
    return (
        set(params.offence_groups) >= set(ref.offence_groups_of(params.wave))
        and not params.exclude_forces
    )


def coverage_summary(coverage: pd.DataFrame, params: Params, included: list[str]) -> dict:
    """How many forces were asked and how many gave platform counts for this build."""
    rows = coverage[coverage["wave"] == params.wave].copy()
    if rows.empty:
        raise InputError(
            "data/processed/coverage.csv",
            "column 'wave'",
            f"no forces listed for wave '{params.wave}'",
            "rerun notebooks/10-clean.ipynb",
        )
    rows["in_build"] = rows["force"].isin(included)
    rows["excluded_by_parameter"] = rows["force"].isin(params.exclude_forces)
    table = (
        rows.groupby("outcome")
        .agg(forces=("force", "size"), in_build=("in_build", "sum"))
        .reset_index()
        .sort_values(["forces", "outcome"], ascending=[False, True], ignore_index=True)
    )
    total = pd.DataFrame(
        [
            {
                "outcome": "all forces asked",
                "forces": len(rows),
                "in_build": int(rows["in_build"].sum()),
            }
        ]
    )
    return {
        "forces_asked": len(rows),
        "forces_with_data": len(included),
        "table": pd.concat([table, total], ignore_index=True),
    }


def headline_parts(findings: Findings) -> pd.DataFrame:
    """The parts of the headline count: each force's known-platform instances by platform group
    (at the build's treatment of withheld cells), and a last row ``total`` over every force.

    The named platforms the owner group held on the build's date add up to ``facebook_owned``,
    which with ``other`` adds up to ``all_known``; the total row is the headline table's count
    of each group (and its ``all_known`` is the headline's number of known instances).
    """
    owned = findings.context["owned_platforms"].split(", ")
    named = [p for p in NAMED_PLATFORMS if p in owned]
    columns = [*named, findings.context["owner_group"], "other", "all_known"]
    table = wide(findings.groups)[columns]
    table.loc["total"] = table.sum()
    forces = findings.tables["forces"]
    names = dict(zip(forces["force"], forces["force_name"], strict=True)) | {"total": "All forces"}
    out = table.reset_index(names="force")
    out.insert(1, "force_name", out["force"].map(names))
    out.columns.name = None
    return out
