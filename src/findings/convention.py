"""How a release counted: the counting convention declared for it in ``releases.csv``, and the
instances of a build counted that way.

A release adds up the cells the forces printed; it does not say how it counted a withheld cell
("<5") or whether it took a force's known total from the force's printed totals or from the
cells. ``data/reference/conventions.csv`` declares both for each release of ``releases.csv``
(:data:`RULES`, :data:`KNOWN_FROM`): an assumption of ours, kept with our other readings of
the data (not with what was published), so that a build can be compared with a release on
the release's own terms. The marker-only treatments (minimum, midpoint, maximum) and the exact
bounds are the sensitivity analyses beside it.

Under ``known_total_from = printed_totals`` a block whose return prints a total contributes the
total less its unknown-platform and excluded cells (each counted by the rule) to the known
instances, while its platform cells contribute by the rule: the difference, which the cells do
not attribute to any platform, is one row of platform :data:`REMAINDER` per block
(:func:`remainder_rows`). It counts among the instances with a known platform and in no
platform group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from src.errors import InputError

#: The platform of the rows that carry a block's remainder (platforms.csv kind ``remainder``).
REMAINDER = "withheld_remainder"

#: How a withheld cell may be counted: each a function of its range (lower, upper).
RULES = {
    "minimum": lambda lo, hi: lo,
    "midpoint": lambda lo, hi: (lo + hi) / 2,
    "middle_rounded_down": lambda lo, hi: np.floor((lo + hi) / 2),
    "maximum": lambda lo, hi: hi,
}

#: Where a force's known total may come from.
KNOWN_FROM = ("cells", "printed_totals")

#: The release's convention, for a build whose treatment is ``release``.
FROM_RELEASE = "release"


@dataclass(frozen=True)
class Convention:
    """How withheld cells are counted and where known totals come from; ``release`` names
    the release that declares it (empty when the build chose a treatment itself)."""

    withheld_counted_as: str
    known_total_from: str = "cells"
    release: str = ""

    @property
    def treatment(self) -> str:
        return self.withheld_counted_as

    def describe(self) -> str:
        """In words, for the build table and the report."""
        rule = self.withheld_counted_as.replace("_", " ")
        source = (
            "each force's known total from its printed totals"
            if self.known_total_from == "printed_totals"
            else "each force's known total as the sum of its cells"
        )
        return f"withheld cells counted at the {rule} of their range; {source}"


def check_conventions(conventions: pd.DataFrame, releases: pd.DataFrame, path: str) -> None:
    """One row per release of ``releases``, each with a rule of :data:`RULES` and a source of
    :data:`KNOWN_FROM`."""
    for column, allowed in (("withheld_counted_as", RULES), ("known_total_from", KNOWN_FROM)):
        if column not in conventions.columns:
            raise InputError(
                path,
                f"column '{column}'",
                "the column is missing: each release's row declares how it counted",
                f"add the column with one of: {', '.join(allowed)}",
            )
        for i, value in enumerate(conventions[column]):
            if value not in allowed:
                raise InputError(
                    path,
                    f"row {i + 2}, column '{column}'",
                    f"'{value}' is not one of: {', '.join(allowed)}",
                    "declare how the release counted (the methods describe each choice)",
                )
    missing = sorted(set(releases["release"]) - set(conventions.get("release", [])))
    extra = sorted(set(conventions.get("release", [])) - set(releases["release"]))
    if missing or extra:
        raise InputError(
            path,
            "column 'release'",
            (f"no row for release(s) {', '.join(missing)}" if missing else "")
            + ("; " if missing and extra else "")
            + (f"release(s) {', '.join(extra)} are not in releases.csv" if extra else ""),
            "give each release of data/raw/published/releases.csv one row, and no other",
        )


def convention_for(
    treatment: str, releases: pd.DataFrame, conventions: pd.DataFrame, wave: str
) -> Convention:
    """The convention of a build: the one its wave's release declares when the treatment is
    ``release`` (the marker midpoint, cells only, when the wave has no release), else the
    treatment chosen, applied to the cells alone."""
    if treatment != FROM_RELEASE:
        return Convention(treatment)
    own = releases[releases["wave"] == wave].sort_values("release")
    if own.empty:
        return Convention("midpoint")
    release = own["release"].iloc[-1]
    row = conventions.set_index("release").loc[release]
    return Convention(row["withheld_counted_as"], row["known_total_from"], release)


def withheld_value(lower: pd.Series, upper: pd.Series, rule: str) -> pd.Series:
    """Each withheld cell counted by ``rule``."""
    return RULES[rule](lower.astype(float), upper.astype(float))


def remainder_rows(
    selected: pd.DataFrame, reconciliation: pd.DataFrame, convention: Convention
) -> pd.DataFrame:
    """One row per block with a printed total that covers a selected cell: what the total
    counts beyond the block's cells counted by the rule (``value``; its marker-only range is
    0, since the cells' own ranges carry it). Empty unless the convention takes known totals
    from printed totals.

    A block's excluded withheld cells share its return's marker, so each is counted by the
    rule at the mean of their range."""
    columns = [*selected.columns, "value", "value_min", "value_max"]
    if convention.known_total_from != "printed_totals" or selected.empty:
        return pd.DataFrame(columns=columns)
    rule = RULES[convention.withheld_counted_as]
    key = ["wave", "force", "source_file", "table", "block"]
    recon = reconciliation[reconciliation["total_source"] == "printed total"]
    numbers = recon.filter(regex="_(lower|upper|cells)$").apply(pd.to_numeric).astype(float)
    recon = pd.concat([recon[[*key, "total_place"]], numbers], axis=1).set_index(key)
    withheld = selected["withheld"].astype(str).str.lower() == "true"
    counted = rule(
        pd.to_numeric(selected["lower"]).astype(float),
        pd.to_numeric(selected["upper"]).astype(float),
    ).where(withheld, 0.0)
    cells = selected.assign(_counted=counted).groupby(key, sort=True)
    blocks = cells.head(1).set_index(key).join(cells["_counted"].sum().rename("_sum"))
    b = blocks.join(recon[recon.columns.difference(blocks.columns)], how="inner").sort_index()
    n = b["excluded_withheld_cells"]
    each = n.where(n > 0, 1.0)
    excluded = (
        n * rule(b["excluded_withheld_lower"] / each, b["excluded_withheld_upper"] / each)
    ).where(n > 0, 0.0)
    printed = b["mapped_lower"] + b["unknown_lower"] + b["excluded_lower"]
    printed -= b["withheld_lower"]  # the block's cells that were not withheld
    remainder = rule(b["total_lower"], b["total_upper"]) - printed - b["_sum"] - excluded
    b = b[remainder != 0].reset_index()
    remainder = remainder[remainder != 0].to_numpy()
    out = b[list(selected.columns)].assign(
        raw_label="the printed total at " + b["total_place"],
        platform=REMAINDER,
        count=remainder,
        lower=remainder,
        upper=remainder,
        withheld=False,
        source_place=b["total_place"],
        value=remainder,
        value_min=0.0,
        value_max=0.0,
    )
    return out.reindex(columns=columns)
