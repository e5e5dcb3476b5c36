"""What a build takes: the parameters a researcher varies and the inputs read from files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from src.data.reference import Reference
from src.findings.shares import normalise_treatment


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
            withheld_treatment=normalise_treatment(withheld_treatment),
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
