"""What a build takes: the parameters a researcher varies and the inputs read from files, and
the checks of the parameters against those inputs (:func:`check_exclude_forces`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from src.data.reference import Reference
from src.data.tables import Descriptions
from src.errors import InputError
from src.findings.shares import normalise_treatment
from src.vocab import OUTCOMES_WITH_DATA

if TYPE_CHECKING:
    from src.findings.publication import Publication


@dataclass(frozen=True)
class Params:
    """What a researcher varies (see the parameters cell of notebook 20)."""

    #: The wave to build; None for the latest wave with data (:func:`latest_wave`).
    wave: str | None = None
    #: The offence groups to count; None for those the wave's request asked about (waves.csv).
    offence_groups: tuple[str, ...] | None = None
    owner_as_of: str | None = None
    #: ``release``: the counting convention declared for the wave's release (releases.csv).
    withheld_treatment: str = "release"
    exclude_forces: tuple[str, ...] = ()

    @classmethod
    def of(cls, wave, offence_groups, owner_as_of, withheld_treatment, exclude_forces) -> Params:
        """From notebook parameters (lists become tuples; dates from YAML become text)."""
        if isinstance(offence_groups, str):
            offence_groups = [offence_groups] if offence_groups.strip() else None
        if isinstance(exclude_forces, str):
            exclude_forces = [exclude_forces] if exclude_forces else []
        as_of = None if owner_as_of is None else str(owner_as_of)
        return cls(
            wave=None if wave is None or str(wave).strip() in ("", "None") else str(wave),
            offence_groups=None if offence_groups is None else tuple(offence_groups),
            owner_as_of=as_of,
            withheld_treatment=normalise_treatment(withheld_treatment),
            exclude_forces=tuple(sorted(exclude_forces or [])),
        )

    def as_dict(self) -> dict:
        return {
            "wave": self.wave,
            "offence_groups": None if self.offence_groups is None else list(self.offence_groups),
            "owner_as_of": self.owner_as_of,
            "withheld_treatment": self.withheld_treatment,
            "exclude_forces": list(self.exclude_forces),
        }

    def for_inputs(self, inputs: Inputs) -> Params:
        """These parameters with the wave named (the latest wave with data when none is) and
        its offence groups (those its request asked about when none are)."""
        wave = self.wave or latest_wave(inputs.reference.waves, inputs.instances)
        groups = self.offence_groups or inputs.reference.offence_groups_of(wave)
        return replace(self, wave=wave, offence_groups=tuple(groups))


def latest_wave(waves: pd.DataFrame, instances: pd.DataFrame) -> str:
    """The wave of ``waves.csv`` that ends last among those with instances; an InputError if
    no wave has any."""
    present = waves[waves["wave"].isin(set(instances["wave"]))]
    if present.empty:
        raise InputError(
            "data/processed/instances.csv",
            "column 'wave'",
            "no instances for any wave of data/reference/waves.csv",
            "add a wave's returns under data/raw/waves/<wave>/ with their manifest rows and "
            "specs, then rerun notebooks/10-clean.ipynb (`make`)",
        )
    return str(present.sort_values(["end", "start", "wave"]).iloc[-1]["wave"])


@dataclass
class Inputs:
    instances: pd.DataFrame
    coverage: pd.DataFrame
    reference: Reference
    published: pd.DataFrame
    series: pd.DataFrame
    context: pd.DataFrame
    files: list[Path] = field(default_factory=list)
    #: Who publishes the workbook and the date of this edition (``publication.yaml``).
    publication: Publication | None = None
    #: The releases (``data/raw/published/releases.csv``): each one's date, publisher, title,
    #: the wave it reports and its figures file (read into :attr:`published`).
    releases: pd.DataFrame | None = None
    #: ``data/processed/reconciliation.csv``: each block's printed total, which bounds the sum
    #: of its withheld cells (:mod:`src.findings.exact`); None: no totals, marker ranges only.
    reconciliation: pd.DataFrame | None = None
    #: How each release is taken to have counted (``data/reference/conventions.csv``).
    conventions: pd.DataFrame | None = None
    #: Every output table's description (``data/reference/tables.yaml``).
    descriptions: Descriptions | None = None


def excludable_forces(coverage: pd.DataFrame, wave: str) -> list[str]:
    """The forces a build of ``wave`` can leave out: those whose answer holds counts
    (``coverage.csv``'s outcome is one of :data:`~src.vocab.OUTCOMES_WITH_DATA`), sorted."""
    rows = coverage[(coverage["wave"] == wave) & coverage["outcome"].isin(OUTCOMES_WITH_DATA)]
    return sorted(set(rows["force"]))


def unknown_reporters(coverage: pd.DataFrame, wave: str, forces) -> list[str]:
    """The forces among ``forces`` whose returns for ``wave`` report a count of instances whose
    platform was not recorded (``coverage.csv``'s ``unknown_reported``), sorted.

    The bounds over unknown platforms are taken over these forces only: another force gave no
    such count, and a count not reported is not a zero.
    """
    if "unknown_reported" not in coverage.columns:
        raise InputError(
            "data/processed/coverage.csv",
            "header row",
            "no column 'unknown_reported' (whether each force reported a count of instances "
            "whose platform was not recorded): the table was made by an older cleaning step",
            "rerun notebooks/10-clean.ipynb (`make`)",
        )
    rows = coverage[(coverage["wave"] == wave) & coverage["force"].isin(list(forces))]
    flags = rows["unknown_reported"].astype(str).str.strip().str.lower()
    bad = ~flags.isin(["true", "false"])
    if bad.any():
        row = rows[bad].iloc[0]
        raise InputError(
            "data/processed/coverage.csv",
            f"force '{row['force']}', column 'unknown_reported'",
            f"'{row['unknown_reported']}' is not True or False",
            "rerun notebooks/10-clean.ipynb (`make`)",
        )
    return sorted(rows.loc[flags.eq("true"), "force"])


def check_exclude_forces(params: Params, coverage: pd.DataFrame, forces: pd.DataFrame) -> None:
    """Stop with an :class:`~src.errors.InputError` if ``params.exclude_forces`` names anything
    but a force that sent data for the build's wave: leaving out a force that sent nothing (or
    a misspelt one) would change nothing, and the build would say it left it out.

    ``coverage`` is ``coverage.csv``; ``forces`` is the reference table of forces.
    """
    allowed = excludable_forces(coverage, params.wave)
    bad = [force for force in params.exclude_forces if force not in allowed]
    if not bad and allowed and set(allowed) <= set(params.exclude_forces):
        raise InputError(
            "parameters",
            "exclude_forces",
            f"it leaves out every force that sent platform counts in wave {params.wave} "
            f"({len(allowed)}), so nothing is left to count",
            "remove at least one force from exclude_forces in the parameters file",
        )
    if not bad:
        return
    known = set(forces["force"])
    in_wave = coverage[coverage["wave"] == params.wave]
    outcomes = dict(zip(in_wave["force"], in_wave["outcome"], strict=True))
    reasons = []
    for force in bad:
        if force not in known:
            reasons.append(f"'{force}' is not a force (data/reference/forces.csv)")
        elif force not in outcomes:
            reasons.append(f"'{force}' was not asked in wave {params.wave}")
        else:
            reasons.append(
                f"'{force}' sent no platform counts in wave {params.wave} (its outcome in "
                f"data/processed/coverage.csv is '{outcomes[force]}')"
            )
    can = ", ".join(allowed) if allowed else "none (no force sent counts in this wave)"
    raise InputError(
        "parameters",
        "exclude_forces",
        "only a force that sent platform counts can be left out: " + "; ".join(reasons),
        "edit exclude_forces in the parameters file (params/variants/<name>.yaml, or the "
        "parameters cell of notebooks/20-findings.ipynb): remove "
        + ", ".join(f"'{force}'" for force in bad)
        + f". The forces that can be left out of wave {params.wave} are: {can}",
    )
