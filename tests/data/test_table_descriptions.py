"""data/reference/tables.yaml, the one description of the output tables: its loader
(src/data/tables.py) refuses a bad entry with a message naming the file, the table and the key,
and every CSV of every build's tables folder, and each of its columns, is described."""

from __future__ import annotations

import copy
import csv

import pytest

from src.data.tables import descriptions_from, load_descriptions
from src.errors import InputError
from src.helpers import REFERENCE, REPORTS

GOOD = {
    "kinds": {"text": {"meaning": "words"}, "count": {"unit": "count", "format": "#,##0"}},
    "sources": {"returns": "Source: the returns."},
    "tables": {
        "counts": {
            "title": "Counts",
            "source": "returns",
            "sheet": "Counts",
            "notes": ["instances"],
            "columns": {
                "force": {"heading": "Force"},
                "count": {"heading": "Instances", "kind": "count", "blank": "x"},
                "id": {"heading": "Id", "sheet": "last"},
            },
            "each_other_column": {"is": "wave", "kind": "text"},
        }
    },
}


def with_change(change) -> dict:
    data = copy.deepcopy(GOOD)
    change(data["tables"]["counts"])
    return data


def test_a_good_description_is_read():
    table = descriptions_from(GOOD).table("counts")
    assert [c.heading for c in table.columns.values()] == ["Force", "Instances", "Id"]
    assert table.column("count").kind == "count" and table.column("count").blank == "x"
    assert table.column("id").sheet == "last" and table.column("force").sheet is True
    # A column the data names takes its description from each_other_column.
    wave = table.column("2020-01_2020-12", "2020")
    assert (wave.heading, wave.kind) == ("2020", "text")
    assert table.each_other_column.is_ == "wave" and table.csv and table.notes == ("instances",)


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (lambda t: t["columns"]["count"].update(kind="counts"), "column 'count', key 'kind'"),
        (lambda t: t["columns"]["count"].update(blank="y"), "column 'count', key 'blank'"),
        (lambda t: t["columns"]["count"].update(rows="share"), "column 'count', key 'rows'"),
        (lambda t: t["columns"]["count"].update(sheet="first"), "column 'count', key 'sheet'"),
        (lambda t: t["columns"]["count"].update(heading=""), "column 'count', key 'heading'"),
        (lambda t: t["columns"]["count"].update(units="n"), "column 'count', key 'units'"),
        (lambda t: t["columns"]["count"].pop("heading"), "column 'count', key 'heading'"),
        (lambda t: t["columns"].update(count="Instances"), "column 'count'"),
        (lambda t: t["columns"]["id"].update(heading="Force"), "table 'counts'"),
        (lambda t: t.update(source="elsewhere"), "table 'counts', key 'source'"),
        (lambda t: t.update(notes="instances"), "table 'counts', key 'notes'"),
        (lambda t: t.update(subtitel="x"), "table 'counts', key 'subtitel'"),
        (lambda t: t.pop("title"), "table 'counts'"),
        (lambda t: t["each_other_column"].update(is_="x"), "key 'each_other_column', key 'is_'"),
        (
            lambda t: t["each_other_column"].update({"is": "force"}),
            "key 'each_other_column', key 'is'",
        ),
    ],
)
def test_a_bad_entry_is_refused_naming_the_file_table_and_key(change, place):
    with pytest.raises(InputError) as error:
        descriptions_from(with_change(change), "data/reference/tables.yaml")
    assert error.value.file == "data/reference/tables.yaml"
    assert place in error.value.place
    assert "table 'counts'" in error.value.place


def test_a_missing_section_and_bad_yaml_are_refused(tmp_path):
    with pytest.raises(InputError, match="Field required") as error:
        descriptions_from({k: v for k, v in GOOD.items() if k != "kinds"})
    assert error.value.place == "key 'kinds'"
    with pytest.raises(InputError, match="the file is missing"):
        load_descriptions(tmp_path)
    (tmp_path / "tables.yaml").write_text("tables: {counts: [\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML") as error:
        load_descriptions(tmp_path)
    assert error.value.file.endswith("tables.yaml")
    # Plain data only: a Python object tag is refused, never built.
    (tmp_path / "tables.yaml").write_text("kinds: !!python/object:os.system {}\n", "utf-8")
    with pytest.raises(InputError, match="YAML tags are not allowed"):
        load_descriptions(tmp_path)


# --- The repository's own tables -------------------------------------------------------------


def table_folders() -> list:
    return sorted(
        [REPORTS / "tables", *REPORTS.glob("waves/*/tables"), *REPORTS.glob("variants/*/tables")]
    )


def header(path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def reference_column(name: str) -> set[str]:
    with open(REFERENCE / name, encoding="utf-8", newline="") as handle:
        return {row[0] for i, row in enumerate(csv.reader(handle)) if i}


def test_every_csv_of_every_build_and_each_of_its_columns_is_described():
    descriptions = load_descriptions()
    named = {
        "group": reference_column("groups.csv") | reference_column("platforms.csv"),
        "wave": reference_column("waves.csv"),
    }
    files = [p for folder in table_folders() for p in sorted(folder.glob("*.csv"))]
    if not files:
        pytest.skip("no build yet (run make)")
    seen: dict[str, set[str]] = {}
    for path in files:
        name = path.stem
        assert name in descriptions.tables, f"{path}: no description in tables.yaml"
        table = descriptions.tables[name]
        assert table.csv, name
        other = table.each_other_column
        for column in header(path):
            seen.setdefault(name, set()).add(column)
            if column not in table.columns:
                assert other is not None, f"{path}: column '{column}' is not described"
                assert column in named[other.is_], f"{path}: '{column}' is no {other.is_}"
    # And nothing is described that no build writes.
    for name, table in descriptions.tables.items():
        if table.csv:
            assert name in seen, f"tables.yaml describes {name}.csv, which no build writes"
            stale = set(table.columns) - seen[name]
            assert not stale, f"tables.yaml describes columns {stale} that no {name}.csv has"


def test_every_sheet_source_and_note_of_the_file_is_one_the_code_can_fill():
    descriptions = load_descriptions()
    for name, table in descriptions.tables.items():
        if table.sheet:
            assert table.subtitle and table.source, name
        # A title or subtitle is filled with the build's words: no other braces.
        for text in (table.title, table.subtitle):
            text.format(
                place="", period="", offence_groups="", tipoff_platform_name="", threshold=1, base=5
            )
