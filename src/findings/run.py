"""Assemble the findings: every table notebook 20 publishes, from the processed data and the
published figures, for one set of parameters.

:func:`load_inputs` reads the files; :func:`build` computes every table and the sentences a
reader sees; :func:`write_tables` writes the tables as CSV and one accessible spreadsheet.
The notebooks call these and show the results; tests call :func:`build` directly.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from src import sdc
from src.data.reference import Reference, load_reference
from src.errors import InputError
from src.findings import stats
from src.findings.workbook import Sheet, workbook_bytes
from src.helpers import PROCESSED, RAW, REFERENCE, csv_text, rel, write_many
from src.vocab import COUNT_PLACES, GROUP_NAMES, LOO_PLACES, OFFENCE_GROUP_NAMES, PERCENT_PLACES

PUBLISHED = RAW / "published"
RELEASE_FILE = "release_2021_03.csv"
SERIES_FILE = "sexual_communication_series.csv"
CONTEXT_FILE = "context.csv"

#: The measures of the headline table, in order: (platform group, denominator, unit).
HEADLINE_MEASURES = (
    ("", "", "count"),
    ("all_known", "", "count"),
    ("facebook_owned", "", "count"),
    ("instagram", "", "count"),
    ("facebook_messenger", "", "count"),
    ("whatsapp", "", "count"),
    ("other", "", "count"),
    ("unknown", "", "count"),
    ("facebook_owned", "all_known", "percent"),
    ("instagram", "all_known", "percent"),
    ("facebook_messenger", "all_known", "percent"),
    ("whatsapp", "all_known", "percent"),
    ("whatsapp", "facebook_owned", "percent"),
    ("other", "all_known", "percent"),
)

#: The disjoint columns of the per-force table we publish (after disclosure control).
FORCE_COLUMNS = ("instagram", "facebook_messenger", "whatsapp", "other_platforms", "unknown")


# --- Parameters and inputs ------------------------------------------------------------------


@dataclass(frozen=True)
class Params:
    """What a researcher varies (see the parameters cell of notebook 20)."""

    wave: str = "2019-10_2020-09"
    offence_groups: tuple[str, ...] = ("online_sexual", "indecent_images")
    owner_as_of: str | None = None
    withheld_treatment: str = "midpoint"
    exclude_forces: tuple[str, ...] = ()

    @classmethod
    def of(cls, wave, offence_groups, owner_as_of, withheld_treatment, exclude_forces) -> Params:
        """From notebook parameters (lists become tuples; dates from YAML become text)."""
        if isinstance(offence_groups, str):
            offence_groups = [offence_groups]
        if isinstance(exclude_forces, str):
            exclude_forces = [exclude_forces] if exclude_forces else []
        as_of = None if owner_as_of is None else str(owner_as_of)
        return cls(
            wave=str(wave),
            offence_groups=tuple(offence_groups),
            owner_as_of=as_of,
            withheld_treatment=stats.normalise_treatment(withheld_treatment),
            exclude_forces=tuple(sorted(exclude_forces or [])),
        )

    def as_dict(self) -> dict:
        return {
            "wave": self.wave,
            "offence_groups": list(self.offence_groups),
            "owner_as_of": self.owner_as_of,
            "withheld_treatment": self.withheld_treatment,
            "exclude_forces": list(self.exclude_forces),
        }


@dataclass
class Inputs:
    instances: pd.DataFrame
    coverage: pd.DataFrame
    reference: Reference
    published: pd.DataFrame
    series: pd.DataFrame
    context: pd.DataFrame
    files: list[Path] = field(default_factory=list)


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(
            rel(path),
            "",
            "the file is missing",
            "run `make` (processed tables come from notebooks/10-clean.ipynb; published "
            "figures are in git)",
        )
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def load_inputs(
    processed_dir: Path = PROCESSED,
    published_dir: Path = PUBLISHED,
    reference_dir: Path = REFERENCE,
) -> Inputs:
    """Read the processed tables, the published figures and the reference tables."""
    files = [
        Path(processed_dir) / "instances.csv",
        Path(processed_dir) / "coverage.csv",
        Path(published_dir) / RELEASE_FILE,
        Path(published_dir) / SERIES_FILE,
        Path(published_dir) / CONTEXT_FILE,
    ]
    instances, coverage, published, series, context = (_read(p) for p in files)
    published["value"] = _numbers(published["value"], files[2], "value")
    series["offences"] = _numbers(series["offences"], files[3], "offences")
    context["value"] = _numbers(context["value"], files[4], "value")
    return Inputs(
        instances=instances,
        coverage=coverage,
        reference=load_reference(reference_dir),
        published=published,
        series=series,
        context=context,
        files=[*files, Path(reference_dir)],
    )


def _numbers(column: pd.Series, path: Path, name: str) -> pd.Series:
    values = pd.to_numeric(column, errors="coerce")
    bad = values.isna() & (column.str.strip() != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            rel(path),
            f"row {row + 2}, column '{name}'",
            f"'{column.iloc[row]}' is not a number",
            "write the number without commas or words (the wording goes in as_published)",
        )
    return values.astype(float)


# --- Text for readers -----------------------------------------------------------------------


def month_year(day: str) -> str:
    return dt.date.fromisoformat(day).strftime("%B %Y")


def period_text(start: str, end: str) -> str:
    return f"{month_year(start)} to {month_year(end)}"


def groups_text(offence_groups) -> str:
    names = [OFFENCE_GROUP_NAMES.get(g, g.replace("_", " ")) for g in offence_groups]
    return " and ".join(names)


def pct(value: float, places: int = 1) -> str:
    return "not available" if not _finite(value) else f"{value:.{places}f}%"


def _finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


# --- The build ------------------------------------------------------------------------------


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


def build(inputs: Inputs, params: Params) -> Findings:
    """Every table and sentence of the findings for ``params``."""
    ref = inputs.reference
    wave = ref.wave(params.wave)
    as_of = stats.as_of_date(params.owner_as_of, wave["end"])
    owned = stats.owner_group(ref.ownership, as_of)
    unknown_platforms = tuple(ref.platforms.loc[ref.platforms["kind"] == "unknown", "platform"])

    selected = stats.select_instances(
        inputs.instances,
        params.wave,
        params.offence_groups,
        params.exclude_forces,
        known_forces=set(ref.forces["force"]),
    )
    treated = stats.apply_withheld(selected, params.withheld_treatment)
    included = sorted(set(treated["force"]))
    groups = stats.force_groups(treated, owned.platforms, included, unknown_platforms)
    coverage = coverage_summary(inputs.coverage, params, included)
    context = build_context(inputs, params, owned, coverage, included)
    simulated = context["simulated"]
    published = published_for_wave(inputs.published, wave)

    comparison = stats.compare_published(
        published, groups, ref.forces, coverage["forces_with_data"]
    )
    unc = stats.uncertainty(groups)
    tables = {
        "headline": headline_table(groups, comparison, published),
        "published_consistency": consistency_table(published),
        "uncertainty": uncertainty_table(unc),
        "withheld": withheld_table(groups),
        "series": series_table(inputs.series),
        "whatsapp": whatsapp_table(unc, inputs.context, simulated),
        "coverage": coverage["table"],
    }
    exact_comparison = comparison.copy()
    forces_table, audit, column_groups = per_force_table(
        groups, comparison, ref.forces, owned.platforms
    )
    tables["forces"] = forces_table
    tables["forces_audit"] = audit
    tables["leave_one_out"] = leave_one_out_table(groups, forces_table, column_groups)
    tables["regional"] = regional_table(comparison, tables["published_consistency"])
    text = reader_text(context, tables, unc, coverage, inputs.context)
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
    )


def build_context(
    inputs: Inputs,
    params: Params,
    owned: stats.OwnerGroup,
    coverage: dict,
    included: list[str],
) -> dict:
    """What a reader (and a chart's subtitle) needs to know about this build."""
    ref = inputs.reference
    wave = ref.wave(params.wave)
    names = dict(zip(ref.platforms["platform"], ref.platforms["display_name"], strict=True))
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
        "owned_platforms": ", ".join(names.get(p, p) for p in owned.platforms),
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


def published_for_wave(published: pd.DataFrame, wave: pd.Series) -> pd.DataFrame:
    """The published figures about this wave's period (none for another wave)."""
    inside = (published["period_start"] >= wave["start"]) & (published["period_end"] <= wave["end"])
    return published[inside].reset_index(drop=True)


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


# --- Tables ---------------------------------------------------------------------------------


def measure_name(group: str, denominator: str, unit: str) -> str:
    if not group:
        return "police forces with platform counts"
    if unit == "count":
        if group == "all_known":
            return "instances with a known platform"
        return f"instances on {GROUP_NAMES[group]}"
    return f"{GROUP_NAMES[group]} as a share of {_denominator_name(denominator)}"


def _denominator_name(denominator: str) -> str:
    if denominator == "all_known":
        return "instances with a known platform"
    return f"instances on {GROUP_NAMES[denominator]}"


def headline_table(
    groups: pd.DataFrame, comparison: pd.DataFrame, published: pd.DataFrame
) -> pd.DataFrame:
    """National figures: every headline measure, computed, with its withheld-cell range, beside
    each published statement about it (a measure with no published figure appears once).
    """
    national = comparison[comparison["geography"] == "national"]
    denominators = stats.implied_shares(published).set_index("figure_id")
    tot = stats.totals(groups)
    rows = []
    for group, denominator, unit in HEADLINE_MEASURES:
        value, low, high = _national_value(groups, tot, group, denominator, unit)
        matches = national[
            (national["platform_group"] == group)
            & (national["denominator"] == denominator)
            & (national["unit"] == unit)
        ]
        base = {
            "measure": measure_name(group, denominator, unit),
            "platform_group": group,
            "denominator": denominator,
            "unit": unit,
            "computed": value,
            "withheld_lowest": low,
            "withheld_highest": high,
        }
        if matches.empty:
            rows.append({**base, "note": "No published figure."})
            continue
        for _, match in matches.iterrows():
            row = {
                **base,
                "figure_id": match["figure_id"],
                "published": match["published"],
                "as_published": match["as_published"],
                "comparison": match["comparison"],
                "difference": match["difference"],
                "holds": match["holds"],
                "holds_if_truncated": match["holds_if_truncated"],
                "holds_over_withheld_range": match["holds_over_withheld_range"],
                "flag": match["flag"],
                "note": match["note"],
            }
            if match["figure_id"] in denominators.index:
                d = denominators.loc[match["figure_id"]]
                row["published_share_of_stated_total"] = d["share_of_stated_total"]
                row["published_share_of_sum_of_parts"] = d["share_of_sum_of_parts"]
                row["published_fits"] = d["fits"]
                row["note"] = f"{row['note']} {consistency_sentence(d)}"
            elif group == "all_known" and match["comparison"] != "exact":
                row["note"] = f"{row['note']} {total_sentence(published, match)}"
            rows.append(row)
    columns = [
        "measure",
        "platform_group",
        "denominator",
        "unit",
        "computed",
        "withheld_lowest",
        "withheld_highest",
        "figure_id",
        "published",
        "as_published",
        "comparison",
        "difference",
        "holds",
        "holds_if_truncated",
        "holds_over_withheld_range",
        "published_share_of_stated_total",
        "published_share_of_sum_of_parts",
        "published_fits",
        "flag",
        "note",
    ]
    table = pd.DataFrame(rows).reindex(columns=columns)
    return _rounded(
        table,
        [
            "computed",
            "withheld_lowest",
            "withheld_highest",
            "difference",
            "published_share_of_stated_total",
            "published_share_of_sum_of_parts",
        ],
    )


def _national_value(groups, tot, group, denominator, unit):
    if not group:
        n = float(len(set(groups["force"])))
        return n, n, n
    if unit == "percent":
        item = stats.share(tot, group, denominator)
        return 100 * item.value, 100 * item.lowest, 100 * item.highest
    row = tot.loc[group]
    return float(row["value"]), float(row["value_min"]), float(row["value_max"])


def _rounded(table: pd.DataFrame, columns: list[str], unit_column: str = "unit") -> pd.DataFrame:
    """Round percentages to PERCENT_PLACES and counts to COUNT_PLACES, row by row."""
    out = table.copy()
    places = np.where(out[unit_column] == "percent", PERCENT_PLACES, COUNT_PLACES)
    for column in columns:
        if column in out:
            values = pd.to_numeric(out[column], errors="coerce").astype(float)
            out[column] = [
                round(v, int(p)) if _finite(v) else np.nan
                for v, p in zip(values, places, strict=True)
            ]
    return out


def consistency_table(published: pd.DataFrame) -> pd.DataFrame:
    """Each published percentage against the published counts it should come from."""
    table = stats.implied_shares(published)
    for column in ("share_of_stated_total", "share_of_sum_of_parts"):
        table[column] = table[column].round(PERCENT_PLACES)
    return table


def consistency_sentence(row: pd.Series) -> str:
    """What the published counts of the same area say about a published percentage."""
    stated, parts = row["share_of_stated_total"], row["share_of_sum_of_parts"]
    if not _finite(stated):
        return ""
    text = (
        f"The published counts give {stated:.2f}% of the stated total ({row['stated_total']:,.0f})"
    )
    if _finite(parts) and row["denominator"] == "all_known":
        text += f" and {parts:.2f}% of the sum of the parts ({row['sum_of_parts']:,.0f})"
    return f"{text}: the published statement {row['fits']}."


def total_sentence(published: pd.DataFrame, match: pd.Series) -> str:
    """Whether a loose statement about the national total ("more than 9,470") fits the stated
    total and the sum of the published platform counts."""
    counts = stats.published_counts(published, "national", match["area"])
    if "stated_total" not in counts or "sum_of_parts" not in counts:
        return ""
    verdicts = []
    for name, label in (
        ("stated_total", "the stated total"),
        ("sum_of_parts", "the sum of the parts"),
    ):
        ok = stats.statement_holds(match["comparison"], counts[name], match["published"])
        verdicts.append(f"{label} ({counts[name]:,.0f}) {'fits' if ok else 'does not fit'} it")
    return f"Of the published figures, {verdicts[0]}; {verdicts[1]}."


def _share_label(group: str, denominator: str) -> str:
    if denominator == "all_known":
        return GROUP_NAMES[group]
    return f"{GROUP_NAMES[group]} (of {GROUP_NAMES[denominator]})"


def uncertainty_table(unc: pd.DataFrame) -> pd.DataFrame:
    """The intervals for each headline share, in percent."""
    out = unc.copy()
    out.insert(
        0,
        "share_of",
        [_share_label(g, d) for g, d in zip(out["group"], out["denominator"], strict=True)],
    )
    percent_columns = [
        "share",
        "withheld_lowest",
        "withheld_highest",
        "wilson_low",
        "wilson_high",
        "bootstrap_low",
        "bootstrap_high",
        "unknown_bound_low",
        "unknown_bound_high",
        "known_share",
    ]
    for column in percent_columns:
        out[column] = (100 * out[column]).round(PERCENT_PLACES)
    out["count"] = out["count"].round(COUNT_PLACES)
    out["total"] = out["total"].round(COUNT_PLACES)
    return out


def withheld_table(groups: pd.DataFrame) -> pd.DataFrame:
    """Each headline share with withheld cells at the chosen treatment, its extremes, and every
    withheld cell at its minimum, midpoint and maximum; whether the rounded figure changes.
    """
    tot = stats.totals(groups)
    scenarios = stats.treatment_scenarios(groups).set_index(["group", "denominator"])
    rows = []
    for item in stats.shares(tot):
        scenario = scenarios.loc[(item.group, item.denominator)]
        lowest, highest = 100 * item.lowest, 100 * item.highest
        rows.append(
            {
                "share_of": _share_label(item.group, item.denominator),
                "group": item.group,
                "denominator": item.denominator,
                "default": 100 * item.value,
                "lowest": lowest,
                "highest": highest,
                "all_withheld_at_minimum": 100 * scenario["all_minimum"],
                "all_withheld_at_midpoint": 100 * scenario["all_midpoint"],
                "all_withheld_at_maximum": 100 * scenario["all_maximum"],
                "withheld_cells": int(tot.loc[item.denominator, "withheld_cells"]),
                "withheld_instances_at_most": float(
                    tot.loc[item.denominator, "value_max"] - tot.loc[item.denominator, "value_min"]
                ),
                "whole_percent_changes": bool(
                    stats.round_half_up(lowest, 0) != stats.round_half_up(highest, 0)
                ),
            }
        )
    table = pd.DataFrame(rows)
    for column in (
        "default",
        "lowest",
        "highest",
        "all_withheld_at_minimum",
        "all_withheld_at_midpoint",
        "all_withheld_at_maximum",
    ):
        table[column] = table[column].round(PERCENT_PLACES)
    return table


def leave_one_out_table(
    groups: pd.DataFrame, forces_table: pd.DataFrame, column_groups: dict[str, list[str]]
) -> pd.DataFrame:
    """Each headline share without each force, and the change in percentage points; forces in
    order of how far they move the Facebook-owned share.

    The national totals are the computed ones; each force's own counts are those of the
    published per-force table (rounded, redacted cells counting nothing), so the table adds
    nothing to what a reader could work out from the per-force table. The approximation moves a
    share by well under a tenth of a point, hence one decimal place.
    """
    shown = forces_table.set_index("force")
    table = pd.DataFrame(
        {
            group: shown[columns].astype("Float64").fillna(0).sum(axis=1).astype(float)
            for group, columns in column_groups.items()
        }
    )
    whole = stats.totals(groups)["value"]
    loo = stats.leave_one_out(table=table, whole=whole)
    loo["share_of"] = [
        _share_label(g, d) for g, d in zip(loo["group"], loo["denominator"], strict=True)
    ]
    loo["share_without"] = (100 * loo["share_without"]).round(LOO_PLACES)
    loo["change_points"] = (100 * loo["change"]).round(LOO_PLACES)
    names = forces_table.set_index("force")["force_name"]
    loo["force_name"] = loo["force"].map(names)
    key = stats.share_label("facebook_owned", "all_known")
    order = (
        loo[(loo["group"] + "_of_" + loo["denominator"]) == key]
        .assign(size=lambda d: d["change"].abs())
        .sort_values(["size", "force"], ascending=[False, True])["force"]
        .tolist()
    )
    loo["order"] = loo["force"].map({f: i for i, f in enumerate(order)})
    pair_order = {pair: i for i, pair in enumerate(stats.HEADLINE_SHARES)}
    loo["pair"] = [
        pair_order[(g, d)] for g, d in zip(loo["group"], loo["denominator"], strict=True)
    ]
    loo = loo.sort_values(["order", "pair"], ignore_index=True)
    columns = [
        "force",
        "force_name",
        "share_of",
        "group",
        "denominator",
        "share_without",
        "change_points",
    ]
    return loo[columns]


def series_table(series: pd.DataFrame) -> pd.DataFrame:
    """The published national series, marked annual (about twelve months) or not."""
    out = series.copy()
    start = pd.to_datetime(out["period_start"])
    end = pd.to_datetime(out["period_end"])
    days = (end - start).dt.days + 1
    out["annual"] = days.between(360, 370)
    out["forces_responding"] = pd.to_numeric(out["forces_responding"], errors="coerce").astype(
        "Int64"
    )
    columns = [
        "period_label",
        "period_start",
        "period_end",
        "annual",
        "offences",
        "forces_responding",
        "forces_note",
        "flag",
        "source_title",
        "source_url",
        "note",
    ]
    return out.sort_values(["period_start", "period_end"], ignore_index=True)[columns]


def whatsapp_table(unc: pd.DataFrame, context: pd.DataFrame, simulated: bool) -> pd.DataFrame:
    """WhatsApp's share of Facebook-owned instances (computed) and of Facebook's tip-offs to the
    NCA (as stated in the release), for figure 5.
    """
    row = unc[(unc["group"] == "whatsapp") & (unc["denominator"] == "facebook_owned")].iloc[0]
    tip = context[context["figure_id"] == "nca_whatsapp_tipoff_share"]
    if tip.empty:
        raise InputError(
            "data/raw/published/context.csv",
            "figure_id 'nca_whatsapp_tipoff_share'",
            "the WhatsApp tip-off figure is missing",
            "restore the row from git",
        )
    tip = tip.iloc[0]
    return pd.DataFrame(
        [
            {
                "measure": "Share of police-recorded instances on Facebook-owned apps",
                "share": round(100 * row["share"], PERCENT_PLACES),
                "low": round(100 * row["bootstrap_low"], PERCENT_PLACES),
                "high": round(100 * row["bootstrap_high"], PERCENT_PLACES),
                "flag": "",
                "source": "police force returns" + (" (simulated)" if simulated else ""),
            },
            {
                "measure": "Share of Facebook's child-abuse tip-offs to the NCA (previous year)",
                "share": float(tip["value"]),
                "low": np.nan,
                "high": np.nan,
                "flag": tip["flag"],
                "source": f"{tip['source_title']} ({tip['source_url']})",
            },
        ]
    )


def regional_table(comparison: pd.DataFrame, consistency: pd.DataFrame) -> pd.DataFrame:
    """Regional and force figures beside their published values, and, for a published
    percentage, the share the published counts of the same area give. Force rows are made safe
    in :func:`per_force_table` first (their computed values may be rounded or redacted).
    """
    rows = comparison[comparison["geography"].isin(["region", "force"])].copy()
    implied = consistency.set_index("figure_id")
    rows["published_counts_share"] = rows["figure_id"].map(implied["share_of_stated_total"])
    rows["published_counts_fit"] = rows["figure_id"].map(implied["fits"])
    for i in rows.index:
        if rows.at[i, "figure_id"] in implied.index:
            sentence = consistency_sentence(implied.loc[rows.at[i, "figure_id"]])
            if sentence:
                rows.at[i, "note"] = f"{rows.at[i, 'note']} {sentence}"
    rows["geography_order"] = rows["geography"].map({"region": 0, "force": 1})
    rows = rows.sort_values(
        ["geography_order", "area", "unit", "platform_group"], ignore_index=True
    )
    columns = [
        "figure_id",
        "geography",
        "area",
        "platform_group",
        "denominator",
        "unit",
        "forces_in_build",
        "computed",
        "computed_lowest",
        "computed_highest",
        "published",
        "as_published",
        "comparison",
        "difference",
        "holds",
        "holds_if_truncated",
        "holds_over_withheld_range",
        "published_counts_share",
        "published_counts_fit",
        "flag",
        "note",
    ]
    if "disclosure_control" in rows:
        columns.append("disclosure_control")
    return _rounded(
        rows[columns],
        ["computed", "computed_lowest", "computed_highest", "difference", "published_counts_share"],
    )


def per_force_table(
    groups: pd.DataFrame,
    comparison: pd.DataFrame,
    forces_ref: pd.DataFrame,
    owned_platforms: tuple[str, ...],
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[str]]]:
    """The per-force counts we publish, after disclosure control, and the audit showing no
    redacted cell can be worked out from everything else we (or the release) publish.

    Also makes the force rows of the comparison safe: a computed force figure is shown as it is
    only when it equals the published one (so it is already public); otherwise rounded to 5, or
    redacted.

    Returns (the published table with totals, the audit, the columns making up each group).
    """
    table = stats.wide(groups)
    cells = pd.DataFrame(index=table.index)
    for platform in stats.NAMED_PLATFORMS:
        cells[platform] = table[platform]
    cells["other_platforms"] = table["all_known"] - table[list(stats.NAMED_PLATFORMS)].sum(axis=1)
    cells["unknown"] = table["unknown"]
    whole = sdc.whole_instances(cells[list(FORCE_COLUMNS)])

    owned_named = [p for p in stats.NAMED_PLATFORMS if p in owned_platforms]
    known = ["instagram", "facebook_messenger", "whatsapp", "other_platforms"]
    column_groups = {c: [c] for c in FORCE_COLUMNS}
    column_groups |= {
        "facebook_owned": owned_named,
        "all_known": known,
        "other": [c for c in known if c not in owned_named],
        "facebook_column": [p for p in owned_named if p != "instagram"],
        "all": list(FORCE_COLUMNS),
    }
    column_groups = {k: v for k, v in column_groups.items() if v}
    row_groups = {"national": list(whole.index)}
    regional = comparison[comparison["geography"] == "region"]
    for area in sorted(set(regional["area"])):
        members = stats.area_forces("region", area, forces_ref, list(whole.index)) or []
        if members:
            row_groups[f"region {area}"] = members
    extra = _published_force_facts(whole, comparison, column_groups)
    shown, audit = sdc.protect(whole, row_groups, column_groups, extra)

    published_table = sdc.with_totals(
        shown,
        {
            "facebook_owned": owned_named,
            "all_known": known,
            "total": list(FORCE_COLUMNS),
        },
    )
    names = forces_ref.set_index("force")["name"]
    regions = forces_ref.set_index("force")["release_region"]
    out = published_table.reset_index(names="force")
    out.insert(1, "force_name", out["force"].map(names))
    out.insert(2, "release_region", out["force"].map(regions))
    audit = audit.rename(columns={"row": "force"})

    # Force rows of the regional comparison.
    force_rows = comparison["geography"] == "force"
    comparison["disclosure_control"] = ""
    for i in comparison.index[force_rows]:
        value = comparison.at[i, "computed"]
        if not _finite(value):
            continue
        if comparison.at[i, "holds"]:
            comparison.at[i, "disclosure_control"] = (
                "shown as computed: equals the published figure"
            )
            continue
        safe = sdc.apply_rule(pd.DataFrame({"v": [round(value)]}))["v"].iloc[0]
        comparison.at[i, "computed"] = float(safe) if not pd.isna(safe) else np.nan
        comparison.at[i, "difference"] = (
            float(safe) - comparison.at[i, "published"] if not pd.isna(safe) else np.nan
        )
        comparison.at[i, "disclosure_control"] = (
            "redacted (7 or fewer)" if pd.isna(safe) else "rounded to the nearest 5"
        )
        published_text = comparison.at[i, "as_published"]
        comparison.at[i, "note"] = (
            f"The computed value is 7 or fewer (redacted) and does not equal the published "
            f"{published_text}."
            if pd.isna(safe)
            else f"{float(safe):,.0f} (rounded to the nearest 5) against the published "
            f"{published_text}: the computed value differs."
        )
        for column in ("computed_lowest", "computed_highest"):
            comparison.at[i, column] = np.nan
    return out, audit, column_groups


def _published_force_facts(whole, comparison, column_groups) -> list[sdc.KnownTotal]:
    """Force counts the release published that equal ours: a reader knows them exactly."""
    facts = []
    rows = comparison[(comparison["geography"] == "force") & (comparison["unit"] == "count")]
    for _, row in rows.iterrows():
        if row["holds"] and row["area"] in whole.index and row["platform_group"] in column_groups:
            cols = column_groups[row["platform_group"]]
            value = float(whole.loc[row["area"], cols].sum())
            facts.append(
                sdc.KnownTotal(
                    f"published {row['figure_id']}",
                    tuple((row["area"], c) for c in cols),
                    value,
                    value,
                )
            )
    return facts


# --- Sentences for readers ------------------------------------------------------------------


def reader_text(context, tables, unc, coverage, context_figures) -> dict[str, str]:
    """The sentences the notebooks print and the caveats table holds, all from the numbers."""
    headline = tables["headline"]
    fb = unc[(unc["group"] == "facebook_owned") & (unc["denominator"] == "all_known")].iloc[0]
    known = fb["total"]
    tot_known = float(
        headline.loc[
            headline["platform_group"].eq("all_known") & headline["unit"].eq("count"), "computed"
        ].iloc[0]
    )
    unknown = float(
        headline.loc[
            headline["platform_group"].eq("unknown") & headline["unit"].eq("count"), "computed"
        ].iloc[0]
    )
    n, asked = coverage["forces_with_data"], coverage["forces_asked"]
    year_removed = _context_value(context_figures, "prc_accreditation_removed_year")
    flag_year = _context_value(context_figures, "online_flag_mandatory_year")
    withheld = tables["withheld"]
    cells = int(withheld["withheld_cells"].max()) if len(withheld) else 0
    text = {
        "headline": (
            f"Across {n} forces, {pct(100 * fb['share'])} of the {known:,.0f} instances with a "
            f"known platform were on apps owned by {context['owner_name'].split(' (')[0]} "
            f"({context['owned_platforms']}), {context['period']}."
        ),
        "caveat_instances": (
            "These are instances, not offences: a force counts an offence once for each platform "
            "recorded against it, so one offence can appear more than once, and the number of "
            "offences is not known from these returns."
        ),
        "caveat_known_subset": (
            f"Shares are of the instances with a known platform: {tot_known:,.0f} of "
            f"{tot_known + unknown:,.0f} ({pct(100 * fb['known_share'])}). Were every unrecorded "
            f"platform Facebook-owned, the Facebook-owned share would be "
            f"{pct(100 * fb['unknown_bound_high'])}; were none, {pct(100 * fb['unknown_bound_low'])}."
        ),
        "caveat_coverage": (
            f"Coverage: {n} of the {asked} forces asked are in this build, with platform counts "
            f"for {context['offence_groups']}"
            + (
                f" ({context['exclude_forces']} left out by the build's parameters)"
                if context["exclude_forces"]
                else ""
            )
            + ". The others refused, could not search by platform, or did not reply, so these "
            "are not national totals."
        ),
        "caveat_official_statistics": (
            "Police recorded crime is published as official statistics, not accredited official "
            f"statistics: the Office for Statistics Regulation removed the accreditation in "
            f"{year_removed:.0f} over doubts about the quality and consistency of recording, "
            "which also differs between forces. Counts reflect police activity and recording as "
            "much as offending."
            if _finite(year_removed)
            else "Police recorded crime is not accredited official statistics."
        ),
        "caveat_online_flag": (
            f"Forces have had to return counts of crimes flagged as online only since {flag_year:.0f}, "
            "and the flag was reported to be underused; which platform is recorded depends on "
            "each force's systems."
            if _finite(flag_year)
            else "How each force records the platform differs."
        ),
        "caveat_withheld": (
            f"Forces withheld {cells} small counts as ranges (for example 'fewer than 5'); they "
            f"are counted at the {context['withheld_treatment']} of each range here, and every "
            "figure is also given with all of them at the ends of their ranges."
        ),
    }
    if context["simulated"]:
        text["caveat_simulated"] = (
            "The per-force returns in this build are simulated: generated to reproduce the "
            "published totals, not received from the forces. The published figures are real; "
            "any per-force pattern here is an artefact of the simulation."
        )
    if not context["like_for_like"]:
        text["caveat_variant"] = (
            f"This build differs from the release ({context['offence_groups']}"
            + (f"; without {context['exclude_forces']}" if context["exclude_forces"] else "")
            + "), so it is not expected to reproduce the published figures."
        )
    text["interval_wilson"] = (
        f"The Wilson interval (for example {pct(100 * fb['wilson_low'])} to "
        f"{pct(100 * fb['wilson_high'])} for the Facebook-owned share) treats every instance as "
        "an independent draw. Instances within a force share its recording practice, so it "
        "understates the uncertainty; read it as a lower limit on it."
    )
    text["interval_bootstrap"] = (
        f"The cluster bootstrap ({pct(100 * fb['bootstrap_low'])} to "
        f"{pct(100 * fb['bootstrap_high'])}) resamples whole forces. The forces are not a random "
        f"sample: {n} of the {asked} asked gave data, nearly the whole population, so the "
        "interval does not measure sampling error. It shows how much the share depends on which "
        "forces answered and on how differently they record."
    )
    text["interval_withheld"] = (
        f"The withheld-cell range ({pct(100 * fb['withheld_lowest'], 2)} to "
        f"{pct(100 * fb['withheld_highest'], 2)}) is not a statistical interval: it is every "
        "value the share could take if the small counts forces withheld were at either end of "
        "their ranges."
    )
    text["interval_unknown"] = (
        f"The bounds over unknown platforms ({pct(100 * fb['unknown_bound_low'])} to "
        f"{pct(100 * fb['unknown_bound_high'])}) make no assumption about the instances whose "
        "platform was not recorded."
    )
    return text


def _context_value(context: pd.DataFrame, figure_id: str) -> float:
    match = context.loc[context["figure_id"] == figure_id, "value"]
    return float(match.iloc[0]) if len(match) else math.nan


# --- Writing --------------------------------------------------------------------------------

TABLE_TITLES = {
    "headline": "Headline figures against the published figures",
    "regional": "Regional and South West force figures against the published figures",
    "published_consistency": "Published percentages against the published counts they come from",
    "uncertainty": "Intervals for each headline share",
    "intervals": "What each interval means",
    "withheld": "Sensitivity to small counts withheld by forces",
    "leave_one_out": "Each headline share without each force in turn",
    "forces": "Instances by force and platform, after disclosure control",
    "forces_audit": "Audit: what can be worked out about each redacted cell",
    "coverage": "Forces asked and their answers",
    "series": "Sexual communication with a child: offences recorded, as published",
    "whatsapp": "WhatsApp: police-recorded share against its share of tip-offs",
    "caveats": "Caveats",
    "build": "Parameters of this build",
}


def write_tables(findings: Findings, tables_dir: Path | str) -> list[Path]:
    """Every table as ``<name>.csv`` and all of them in ``findings.xlsx``, all or none."""
    tables_dir = Path(tables_dir)
    files: dict[Path, str | bytes] = {
        tables_dir / f"{name}.csv": csv_text(table) for name, table in findings.tables.items()
    }
    files[tables_dir / "findings.xlsx"] = workbook(findings)
    write_many(files)
    return sorted(files)


def workbook(findings: Findings) -> bytes:
    """The tables as an accessible spreadsheet (gptables)."""
    ctx = findings.context
    subtitle = f"{ctx['place']}, {ctx['period']}; {ctx['offence_groups']}."
    notes = {
        "instances": findings.text["caveat_instances"],
        "known": findings.text["caveat_known_subset"],
        "coverage": findings.text["caveat_coverage"],
        "sdc": sdc.RULE_TEXT,
        "missing": f"{sdc.REDACTED} marks a redacted count; [x] marks a value that is not available.",
    }
    if ctx["simulated"]:
        notes["simulated"] = findings.text["caveat_simulated"]
    source = (
        "Source: police force returns to FOI requests"
        + (" (simulated)" if ctx["simulated"] else "")
        + "; published figures as reported (see data/raw/published)."
    )
    sheets = []
    for name, title in TABLE_TITLES.items():
        if name not in findings.tables:
            continue
        table = findings.tables[name]
        if name == "forces":
            table = pd.concat(
                [
                    table[["force", "force_name", "release_region"]],
                    sdc.display(table.drop(columns=["force", "force_name", "release_region"])),
                ],
                axis=1,
            )
        keys = ["missing"]
        if name in ("headline", "regional", "uncertainty", "withheld", "leave_one_out", "forces"):
            keys = ["instances", "known", "coverage", "missing"]
        if name in ("forces", "forces_audit", "regional", "leave_one_out"):
            keys.append("sdc")
        if ctx["simulated"] and name not in ("series", "published_consistency", "build"):
            keys.append("simulated")
        sheets.append(
            Sheet(
                name=name.replace("_", " ").capitalize()[:31],
                table=table,
                title=title,
                subtitles=[subtitle],
                source=source,
                notes=list(dict.fromkeys(keys)),
            )
        )
    return workbook_bytes(
        sheets,
        notes,
        cover_title="Which apps? Police FOI returns on online child sexual offences: findings",
        cover_intro=[
            findings.text["headline"],
            "Each table is on its own sheet; notes are on the Notes sheet.",
        ],
    )
