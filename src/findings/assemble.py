"""The findings of one build: every table and sentence, from the inputs and the parameters.

:func:`build` selects the instances, sums them by platform group and assembles the tables of
:mod:`src.findings.national`, :mod:`src.findings.areas`, :mod:`src.findings.published` and
:mod:`src.findings.series` (the published series, national, by area and by platform),
the sentences of :mod:`src.findings.text`, and the build's own parameters (``build.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from src.data.reference import Reference
from src.errors import InputError
from src.findings.areas import per_force_table, regional_table
from src.findings.intervals import uncertainty
from src.findings.national import (
    headline_table,
    leave_one_out_table,
    uncertainty_table,
    whatsapp_table,
    withheld_table,
)
from src.findings.params import Inputs, Params, check_exclude_forces, unknown_reporters
from src.findings.published import compare_published, consistency_table, published_for_wave
from src.findings.series import platform_series_table, series_by_area_table, series_table
from src.findings.shares import (
    NAMED_PLATFORMS,
    OwnerGroup,
    apply_withheld,
    as_of_date,
    force_groups,
    owner_group,
    select_instances,
    wide,
)
from src.findings.text import groups_text, period_text, platform_names, reader_text
from src.findings.waves import compare_waves
from src.vocab import OWNER_GROUP


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


def build(inputs: Inputs, params: Params) -> Findings:
    """Every table and sentence of the findings for ``params``."""
    params = params.for_inputs(inputs)
    ref = inputs.reference
    wave = ref.wave(params.wave)
    check_exclude_forces(params, inputs.coverage, ref.forces)
    as_of = as_of_date(params.owner_as_of, wave["end"])
    owned = owner_group(ref.ownership, as_of)
    unknown_platforms = tuple(ref.platforms.loc[ref.platforms["kind"] == "unknown", "platform"])

    selected = select_instances(
        inputs.instances,
        params.wave,
        params.offence_groups,
        params.exclude_forces,
        known_forces=set(ref.forces["force"]),
    )
    treated = apply_withheld(selected, params.withheld_treatment)
    included = sorted(set(treated["force"]))
    unknown_reported = unknown_reporters(inputs.coverage, params.wave, included)
    groups = force_groups(treated, owned.platforms, included, unknown_platforms)
    coverage = coverage_summary(inputs.coverage, params, included)
    context = build_context(inputs, params, owned, coverage, included)
    simulated = context["simulated"]
    published = published_for_wave(inputs.published, wave)

    comparison = compare_published(published, groups, ref.forces, coverage["forces_with_data"])
    unc = uncertainty(groups, unknown_reported=unknown_reported)
    tables = {
        "headline": headline_table(groups, comparison, published),
        "published_consistency": consistency_table(published),
        "uncertainty": uncertainty_table(unc, owned.platforms),
        "withheld": withheld_table(groups),
        "series": series_table(inputs.series),
        "whatsapp": whatsapp_table(unc, inputs.context, simulated),
        "coverage": coverage["table"],
    }
    exact_comparison = comparison.copy()
    forces_table, audit, column_groups = per_force_table(
        groups, comparison, ref.forces, owned.platforms, unknown_reported
    )
    tables["forces"] = forces_table
    tables["forces_audit"] = audit
    tables["leave_one_out"] = leave_one_out_table(groups, forces_table, column_groups)
    tables["regional"] = regional_table(comparison, tables["published_consistency"])
    tables.update(compare_waves(inputs, params, OWNER_GROUP))
    names = platform_names(owned.platforms, ref.platforms)
    text = reader_text(context, tables, unc, coverage, inputs.context, names)
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
    )


def build_context(
    inputs: Inputs,
    params: Params,
    owned: OwnerGroup,
    coverage: dict,
    included: list[str],
) -> dict:
    """What a reader (and a chart's subtitle) needs to know about this build."""
    ref = inputs.reference
    wave = ref.wave(params.wave)
    rows = inputs.coverage[
        inputs.coverage["force"].isin(included) & (inputs.coverage["wave"] == params.wave)
    ]
    national = inputs.published[inputs.published["geography"] == "national"]
    place = national["area"].iloc[0] if len(national) else "England, Wales and the Channel Islands"
    return {
        "wave": params.wave,
        "period_start": wave["start"],
        "period_end": wave["end"],
        "period": period_text(wave["start"], wave["end"]),
        "place": place,
        "offence_groups": groups_text(params.offence_groups),
        "owner": owned.owner,
        "owner_name": owned.owner_name,
        "owner_as_of": owned.as_of,
        "owned_platforms": ", ".join(owned.platforms),
        "withheld_treatment": params.withheld_treatment,
        "exclude_forces": ", ".join(params.exclude_forces),
        "forces_with_data": coverage["forces_with_data"],
        "forces_asked": coverage["forces_asked"],
        "simulated": bool(rows["provenance"].eq("simulated").any()),
        "like_for_like": like_for_like(params, ref),
    }


def like_for_like(params: Params, ref: Reference) -> bool:
    """True when the build covers what the release covered (both offence groups, every force)."""
    return (
        set(params.offence_groups) >= set(ref.offence_groups["offence_group"])
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
    columns = [*named, OWNER_GROUP, "other", "all_known"]
    table = wide(findings.groups)[columns]
    table.loc["total"] = table.sum()
    forces = findings.tables["forces"]
    names = dict(zip(forces["force"], forces["force_name"], strict=True)) | {"total": "All forces"}
    out = table.reset_index(names="force")
    out.insert(1, "force_name", out["force"].map(names))
    out.columns.name = None
    return out
