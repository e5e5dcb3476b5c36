"""Reading specs: how each force's files are read, checked on load (pydantic).

One YAML file per force per wave, ``data/reference/specs/<wave>/<force>.yaml``; the format is in
docs/architecture.md. :func:`parse_spec` checks one spec's YAML text against the models below
and :func:`check_specs` checks a wave's specs against the reference data; each raises
:class:`src.errors.InputError` naming the spec file and the key (as pydantic locates it,
``files[0].tables[1].where.sheet``), what is wrong and how to fix it. The orchestrator
(:mod:`src.clean.run`, ``load_specs``) reads the files and checks their paths in the raw folder.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from src.errors import InputError
from src.helpers import check_yaml

FORMATS = ("csv", "xlsx", "pdf", "records")
Period = tuple[dt.date, dt.date]
PositiveInt = Annotated[int, Field(ge=1)]
_NUMBER = re.compile(r"^[+-]?[\d,]+(\.\d+)?$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_period(period: Period | None) -> Period | None:
    if period is not None and period[0] > period[1]:
        raise ValueError(f"period starts ({period[0]}) after it ends ({period[1]})")
    return period


class Where(_Model):
    """Where a table is: sheet (xlsx), page and table (pdf), header row (1-based), last row."""

    sheet: str | None = None
    page: PositiveInt | None = None
    table: PositiveInt | None = None
    header_row: PositiveInt = 1
    last_row: PositiveInt | None = Field(
        default=None, description="last row of the table body (inclusive), when notes follow it"
    )
    hidden: bool = Field(
        default=False,
        description="the sheet is hidden in the workbook and is still the one to read",
    )

    @model_validator(mode="after")
    def _rows_in_order(self):
        if self.last_row is not None and self.last_row <= self.header_row:
            raise ValueError("last_row must come after header_row")
        return self


class LongColumns(_Model):
    """Column names of a long table: one row per label (x offence x period)."""

    label: str
    count: str
    offence: str | None = None
    period: str | None = None


class Table(_Model):
    """One table in a file, read either wide (a column per offence group) or long."""

    where: Where = Where()
    layout: Literal["wide", "long"]
    label_column: str | None = None
    offence_columns: dict[str, str] | None = None
    columns: LongColumns | None = None
    offence_group: str | None = Field(
        default=None, description="the offence group of every row, for a long table without one"
    )
    offence_values: dict[str, str] | None = None
    period: Period | None = None
    period_values: dict[str, Period] | None = None
    total_labels: list[str] = []
    exclude_labels: dict[str, str] = {}
    labels: dict[str, str] = Field(
        default={},
        description="label as printed -> platform, for this table only (before platform_labels.csv)",
    )
    not_itemised: bool = Field(
        default=False,
        description="the printed totals count instances the rows do not itemise (a partial return)",
    )
    totals_include_withheld: Literal["yes", "no", "unknown"] = Field(
        default="yes",
        description="whether the printed totals count the withheld cells: 'no' for a total "
        "taken before suppression or with them as zero; 'unknown' when the return does not say",
    )
    note: str | None = None

    @field_validator("period")
    @classmethod
    def _period(cls, period):
        return _check_period(period)

    @field_validator("period_values")
    @classmethod
    def _periods(cls, values):
        for period in (values or {}).values():
            _check_period(period)
        return values

    @model_validator(mode="after")
    def _partial_needs_totals(self):
        if self.not_itemised and not self.total_labels:
            raise ValueError(
                "not_itemised needs total_labels: what the rows do not itemise is the printed "
                "total less the rows"
            )
        return self

    @model_validator(mode="after")
    def _layout_keys(self):
        if self.layout == "wide":
            missing = [
                k for k in ("label_column", "offence_columns", "period") if getattr(self, k) is None
            ]
            if missing:
                raise ValueError(f"a wide table needs {', '.join(missing)}")
            if self.columns is not None:
                raise ValueError("'columns' is for long tables; a wide table uses label_column")
            if not self.offence_columns:
                raise ValueError("offence_columns must name at least one column")
        else:
            if self.columns is None:
                raise ValueError("a long table needs 'columns' (label, count, offence, period)")
            if (self.columns.offence is None) == (self.offence_group is None):
                raise ValueError(
                    "a long table needs either columns.offence (with offence_values) "
                    "or offence_group, not both"
                )
            if self.columns.offence is not None and not self.offence_values:
                raise ValueError("columns.offence needs offence_values (printed value -> group)")
            if (self.columns.period is None) == (self.period is None):
                raise ValueError(
                    "a long table needs either columns.period (with period_values) "
                    "or period, not both"
                )
            if self.columns.period is not None and not self.period_values:
                raise ValueError("columns.period needs period_values (printed value -> period)")
        return self

    def offence_groups(self) -> set[str]:
        """Every offence group the spec names for this table."""
        return (
            set((self.offence_columns or {}).values())
            | set((self.offence_values or {}).values())
            | ({self.offence_group} if self.offence_group else set())
        )


class RecordColumns(_Model):
    """Column names of a record-level extract (one row per crime)."""

    id: str
    date: str
    offence: str
    text: str


class FileSpec(_Model):
    """How one file is read."""

    path: str
    format: Literal["csv", "xlsx", "pdf", "records"]
    encoding: str | None = None
    delimiter: str | None = None
    withheld: dict[str, tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]]] = {}
    note: str | None = None
    tables: list[Table] = []
    columns: RecordColumns | None = None
    date_format: str | None = None
    offence_values: dict[str, str] | None = Field(
        default=None, description="records only: printed offence -> group (else offence_codes.csv)"
    )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, encoding):
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise ValueError(f"'{encoding}' is not an encoding Python knows") from None
        return encoding

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, delimiter):
        if delimiter is not None and len(delimiter) != 1:
            raise ValueError("the delimiter must be one character, e.g. ',', ';' or '\\t'")
        return delimiter

    @field_validator("withheld")
    @classmethod
    def _markers(cls, withheld):
        for marker, (lower, upper) in withheld.items():
            if not marker.strip():
                raise ValueError("a withheld marker must be printed text, not blank")
            if marker != marker.strip():
                raise ValueError(f"marker '{marker}' has spaces around it: write it trimmed")
            if _NUMBER.match(marker):
                raise ValueError(f"marker '{marker}' is a number, not a withheld-cell marker")
            if lower > upper:
                raise ValueError(f"marker '{marker}': lower bound {lower} above upper {upper}")
        return withheld

    @model_validator(mode="after")
    def _format_keys(self):
        if self.format == "records":
            if self.columns is None or self.date_format is None:
                raise ValueError(
                    "a records file needs 'columns' (id, date, offence, text) and 'date_format'"
                )
            if self.tables:
                raise ValueError("a records file has no 'tables'")
        else:
            if not self.tables:
                raise ValueError(f"a {self.format} file needs at least one entry in 'tables'")
            if self.columns is not None or self.date_format is not None or self.offence_values:
                raise ValueError(
                    "'columns', 'date_format' and 'offence_values' are for records files"
                )
        if self.format in ("xlsx", "pdf") and (self.encoding or self.delimiter):
            raise ValueError("'encoding' and 'delimiter' are for csv and records files")
        for i, table in enumerate(self.tables):
            where = table.where
            if self.format == "xlsx" and not where.sheet:
                raise ValueError(f"tables[{i}].where needs 'sheet' (the sheet's name as shown)")
            if self.format == "pdf" and (where.page is None or where.table is None):
                raise ValueError(f"tables[{i}].where needs 'page' and 'table' (1-based)")
            if self.format != "xlsx" and where.sheet:
                raise ValueError(f"tables[{i}].where has 'sheet' but the file is {self.format}")
            if self.format != "pdf" and (where.page or where.table):
                raise ValueError(
                    f"tables[{i}].where has 'page'/'table' but the file is {self.format}"
                )
        return self

    @property
    def text_encoding(self) -> str:
        return self.encoding or "utf-8"

    @property
    def text_delimiter(self) -> str:
        return self.delimiter or ","


class Spec(_Model):
    """One force's reading spec for one wave."""

    force: str
    wave: str
    files: list[FileSpec] = Field(min_length=1)
    note: str | None = None
    # Set by parse_spec: the spec file, as messages show it.
    source: str = Field(default="", exclude=True)


def _location(loc: tuple) -> str:
    parts = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def _from_validation_error(file: str, error: ValidationError) -> InputError:
    problems = []
    for e in error.errors():
        got = e.get("input")
        shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
        problems.append(f"key '{_location(e['loc'])}': {e['msg']}{shown}")
    first = _location(error.errors()[0]["loc"])
    return InputError(
        file,
        f"key '{first}'",
        "the spec is not valid:\n    " + "\n    ".join(problems),
        "correct the key(s) named; the spec format is in docs/architecture.md (Reading specs)",
    )


def _load_yaml(text: str):
    """``yaml.safe_load``, parsed by libyaml when PyYAML has it (several times faster); a text
    libyaml refuses is parsed again by PyYAML's own parser, so that the error it reports reads
    the same on every machine."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            return yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def parse_spec(text: str, file: str) -> Spec:
    """Check one spec's YAML ``text`` for its shape (not yet against the reference data).

    ``file`` is the spec's path as messages show it; it becomes the spec's ``source``.
    """
    check_yaml(text, file)
    try:
        data = _load_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(
            file, place, f"not valid YAML: {error.problem}", "correct the YAML syntax"
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            file,
            "",
            "the spec is empty or not a mapping",
            "start it with force:, wave:, files:",
        )
    try:
        spec = Spec.model_validate(data)
    except ValidationError as error:
        raise _from_validation_error(file, error) from None
    return spec.model_copy(update={"source": file})


def _check_reference(spec: Spec, wave: str, forces: set[str], groups: set[str] | None) -> None:
    source = spec.source
    if spec.force not in forces:
        raise InputError(
            source,
            "key 'force'",
            f"force '{spec.force}' is not in data/reference/forces.csv",
            "use the force's slug from forces.csv (or add the force there)",
        )
    if Path(source).stem != spec.force:
        raise InputError(
            source,
            "key 'force'",
            f"the spec says force '{spec.force}' but its file is named '{Path(source).name}'",
            f"name the file {spec.force}.yaml or correct the force",
        )
    if spec.wave != wave:
        raise InputError(
            source,
            "key 'wave'",
            f"wave '{spec.wave}' in a spec under the folder for wave '{wave}'",
            "correct the wave or move the spec to its wave's folder",
        )
    if groups is None:
        return
    for i, file in enumerate(spec.files):
        named = {
            (f"files[{i}].tables[{j}]", g)
            for j, t in enumerate(file.tables)
            for g in t.offence_groups()
        } | {(f"files[{i}].offence_values", g) for g in (file.offence_values or {}).values()}
        for key, group in sorted(named):
            if group not in groups:
                raise InputError(
                    source,
                    f"key '{key}'",
                    f"offence group '{group}' is not in data/reference/offence_groups.csv",
                    f"use one of: {', '.join(sorted(groups))}",
                )


def check_specs(
    specs: list[Spec],
    wave: str,
    forces: pd.DataFrame | Iterable[str],
    offence_groups: pd.DataFrame | Iterable[str] | None = None,
) -> None:
    """Check a wave's specs against the reference data: the force is in forces.csv and matches
    the spec's file name; the wave; every offence group named (when ``offence_groups`` is given).

    ``forces`` (and, if given, ``offence_groups``) are the reference tables or their ids.
    """
    if isinstance(forces, pd.DataFrame):
        forces = forces["force"]
    if isinstance(offence_groups, pd.DataFrame):
        offence_groups = offence_groups["offence_group"]
    force_ids = set(forces)
    groups = set(offence_groups) if offence_groups is not None else None
    for spec in specs:
        _check_reference(spec, wave, force_ids, groups)
