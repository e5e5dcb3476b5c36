"""Tables the report works out itself from the processed tables: sums over the reconciliation,
the cleaning log and the labels read."""

from __future__ import annotations

import pandas as pd

from src.vocab import ACTION_LABELS


def ints(df: pd.DataFrame, columns) -> pd.DataFrame:
    """``df`` with ``columns`` as whole numbers (empty or unreadable cells as 0)."""
    out = df.copy()
    for c in columns:
        out[c] = pd.to_numeric(out[c], errors="coerce").fillna(0).astype(int)
    return out


def reconciliation_totals(rec: pd.DataFrame) -> pd.DataFrame:
    """Totals over every block of every return, by unit (instances or records)."""
    cols = [
        f"{what}_{end}"
        for what in ("total", "mapped", "unknown", "excluded")
        for end in ("lower", "upper")
    ] + ["withheld_cells", "unexplained"]
    data = ints(rec, cols)
    out = data.groupby("unit", sort=True)[cols].sum().reset_index()
    out.insert(1, "blocks", data.groupby("unit", sort=True).size().to_numpy())
    return out


def cleaning_summary(log: pd.DataFrame, group_names: dict[str, str]) -> pd.DataFrame:
    """Decisions and the instances they moved, by action and offence group (named as
    ``group_names``: offence_groups.csv), all forces."""
    data = ints(log, ["rows", "count_lower", "count_upper"])
    data["action_name"] = data["action"].map(ACTION_LABELS).fillna(data["action"])
    data["offence_group"] = data["offence_group"].map(group_names).fillna(data["offence_group"])
    out = (
        data.groupby(["action_name", "offence_group"], sort=True)
        .agg(
            forces=("force", "nunique"),
            decisions=("rows", "size"),
            rows=("rows", "sum"),
            instances_low=("count_lower", "sum"),
            instances_high=("count_upper", "sum"),
        )
        .reset_index()
        .rename(columns={"action_name": "decision"})
    )
    return out


def cleaning_by_force(log: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    data = ints(log, ["rows", "count_lower", "count_upper"])
    data["force_name"] = data["force"].map(names).fillna(data["force"])
    data["action_name"] = data["action"].map(ACTION_LABELS).fillna(data["action"])
    out = (
        data.groupby(["force_name", "action_name"], sort=True)
        .agg(
            decisions=("rows", "size"),
            instances_low=("count_lower", "sum"),
            instances_high=("count_upper", "sum"),
        )
        .reset_index()
        .rename(columns={"force_name": "force", "action_name": "decision"})
    )
    return out


def withheld_conventions(log: pd.DataFrame) -> pd.DataFrame:
    """How withheld cells were printed and read, as the cleaning log records each one."""
    data = log[log["action"] == "withheld_cell"]
    out = (
        data.groupby("detail", sort=True)
        .agg(forces=("force", "nunique"), cells=("force", "size"))
        .reset_index()
        .rename(columns={"detail": "convention"})
    )
    return out


def label_summary(instances: pd.DataFrame) -> pd.DataFrame:
    """Each printed label (as written) and its platform: forces, cells and instances."""
    data = ints(instances, ["lower", "upper"])
    out = (
        data.groupby(["raw_label", "platform"], sort=True)
        .agg(
            forces=("force", "nunique"),
            cells=("force", "size"),
            instances_low=("lower", "sum"),
            instances_high=("upper", "sum"),
        )
        .reset_index()
        .rename(columns={"raw_label": "label_as_printed"})
    )
    return out.sort_values(["platform", "label_as_printed"], ignore_index=True)
