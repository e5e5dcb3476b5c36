"""What the cleaning of one file knows (:class:`Context`) and produces (:class:`Parts`).

Shared by the cleaning of tables (:mod:`src.clean.tables`) and of record-level extracts
(:mod:`src.clean.records`): the file's origin, the pieces of the output tables, the order
columns (a cell's position in the return, for sorting, never written) and cleaning-log rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from src.clean.counts import Limits
from src.clean.specs import FileSpec, Spec
from src.data.reference import Reference

ORDER = ("_table", "_row", "_col")  # position in the return, for sorting; never written
NO_ORDER = dict.fromkeys(ORDER, 0)


@dataclass
class Parts:
    """What cleaning one file produces, before the tables are put together."""

    instances: list[pd.DataFrame] = field(default_factory=list)
    log: list[pd.DataFrame] = field(default_factory=list)
    reconciliation: list[pd.DataFrame] = field(default_factory=list)

    def extend(self, other: Parts) -> None:
        self.instances += other.instances
        self.log += other.log
        self.reconciliation += other.reconciliation


@dataclass(frozen=True)
class Context:
    """Everything the cleaning of one file needs to know about where it comes from."""

    wave: pd.Series  # the row of waves.csv
    periods: pd.DataFrame  # the wave's rows of periods.csv, in order
    spec: Spec
    file: FileSpec
    source_file: str  # relative to data/raw, as in MANIFEST.csv
    shown: str  # the path as messages show it
    reference: Reference
    limits: Limits  # plausibility limits (data/reference/limits.csv)


def log_row(ctx: Context, order=(0, 0, 0), **columns) -> dict:
    """A cleaning-log row of the file ``ctx`` describes, at position ``order`` in the return."""
    return {
        "wave": ctx.spec.wave,
        "force": ctx.spec.force,
        "source_file": ctx.source_file,
        **columns,
        **dict(zip(ORDER, order, strict=True)),
    }
