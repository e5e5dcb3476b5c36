"""The descriptions of the output tables, ``data/reference/tables.yaml``, read and checked: each
table's title, subtitle, notes and sheet, and each column's heading and kind. The notebook, the
spreadsheet, the report and the dictionary of columns (docs/tables.md) take their words here.

:func:`descriptions_from` checks the file's content (a bad entry is an :class:`InputError`
naming the file, the table, the column and the key); :func:`load_descriptions` reads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from src.data.reference import read_reference_yaml
from src.errors import InputError
from src.helpers import REFERENCE, rel

FILE = "tables.yaml"
#: The units of a table's rows (its ``unit`` column), each with a sheet of its own.
ROW_UNITS = ("count", "percent")
Words = Annotated[str, StringConstraints(pattern=r"\S")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Kind(_Model):
    """How a kind of column is shown: its unit in a spreadsheet heading, its number format."""

    meaning: str = ""
    unit: str = ""
    format: str = ""


class Column(_Model):
    """A column: its heading, kind and, in the spreadsheet, what an empty cell holds
    (``blank``: not applicable, not available, withheld, or withheld on a force's row), the
    unit of the rows it is shown on (``rows``) and whether it is shown (``sheet``: yes, no or
    ``last``, after the others)."""

    name: str = ""
    heading: Words
    kind: str = "text"
    blank: Literal["z", "x", "c", "force_rows"] = "z"
    rows: Literal["", "count", "percent"] = ""
    sheet: bool | Literal["last"] = True


class Other(_Model):
    """Each column the data names: a platform group or a wave."""

    is_: Literal["group", "wave"] = Field("group", alias="is")
    kind: str = "text"
    blank: Literal["z", "x", "c", "force_rows"] = "z"


class Table(_Model):
    """A table: its words, its sheet (``""``: none) and its columns."""

    name: str = ""
    title: Words
    subtitle: str = ""
    source: str = ""
    sheet: str = ""
    split: bool = False
    notes: tuple[str, ...] = ()
    csv: bool = True
    columns: dict[str, Column]
    each_other_column: Other | None = None

    @model_validator(mode="before")
    @classmethod
    def _named(cls, data):
        if isinstance(data, dict) and isinstance(data.get("columns"), dict):
            columns = {
                k: {**v, "name": k} if isinstance(v, dict) else v
                for k, v in data["columns"].items()
            }
            data = {**data, "columns": columns}
        return data

    @model_validator(mode="after")
    def _headed_once(self):
        headings = [c.heading for c in self.columns.values()]
        twice = sorted({h for h in headings if headings.count(h) > 1})
        if twice:
            raise ValueError(f"two columns are headed {twice[0]!r}: give each its own heading")
        return self

    def column(self, name: str, heading: str = "") -> Column:
        """The description of column ``name``; one the data names takes ``heading``."""
        if name in self.columns:
            return self.columns[name]
        if self.each_other_column is None:
            raise KeyError(f"table {self.name!r} has no column {name!r} in {FILE}")
        other = self.each_other_column
        return Column(name=name, heading=heading or name, kind=other.kind, blank=other.blank)


class Descriptions(_Model):
    kinds: dict[str, Kind]
    sources: dict[str, str]
    tables: dict[str, Table]

    @model_validator(mode="before")
    @classmethod
    def _named(cls, data):
        if isinstance(data, dict) and isinstance(data.get("tables"), dict):
            tables = {
                k: {**v, "name": k} if isinstance(v, dict) else v for k, v in data["tables"].items()
            }
            data = {**data, "tables": tables}
        return data

    def table(self, name: str) -> Table:
        if name not in self.tables:
            raise KeyError(f"no table {name!r} in {FILE}; the tables are {sorted(self.tables)}")
        return self.tables[name]


#: How a place in the file is named in a message.
PLACES = {"tables": "table", "columns": "column", "kinds": "kind", "sources": "source"}


def _place(loc: tuple) -> str:
    parts, items = [], list(loc)
    while items:
        item = items.pop(0)
        if item in PLACES and items:
            parts.append(f"{PLACES[item]} '{items.pop(0)}'")
        else:
            parts.append(f"key '{item}'")
    return ", ".join(parts)


def descriptions_from(data, file: str = f"data/reference/{FILE}") -> Descriptions:
    """The descriptions in ``data`` (the parsed file), checked."""
    fix = "correct it: the top of the file says what each key may hold"
    try:
        descriptions = Descriptions.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        raise InputError(file, _place(first["loc"]), first["msg"], fix) from None
    for table in descriptions.tables.values():
        if table.source not in ("", *descriptions.sources):
            place = _place(("tables", table.name, "source"))
            raise InputError(file, place, f"no source {table.source!r}", fix)
        others = [table.each_other_column] if table.each_other_column else []
        for column in [*table.columns.values(), *others]:
            if column.kind not in descriptions.kinds:
                where = (
                    ("columns", column.name)
                    if isinstance(column, Column)
                    else ("each_other_column",)
                )
                place = _place(("tables", table.name, *where, "kind"))
                raise InputError(file, place, f"no kind {column.kind!r}", fix)
    return descriptions


def load_descriptions(reference_dir: Path | str = REFERENCE) -> Descriptions:
    """``data/reference/tables.yaml``, read (as plain YAML data) and checked."""
    path = Path(reference_dir) / FILE
    data = read_reference_yaml(path, "describes every output table")
    return descriptions_from(data, rel(path))
