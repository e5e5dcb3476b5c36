"""Tests for src/findings/workbook.py, the accessible workbook made with gptables, and for its
writing by src/findings/run.py: numbers stored as numbers, the GSS shorthand only where a value
is withheld or missing, units in the headings, names in the cells, a cover with the period, the
simulated-returns warning, the publication date and a contact, and fixed document properties."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

from src import findings, sdc
from src.data.tables import load_descriptions
from src.errors import InputError
from src.findings import publication as pub
from src.findings import workbook as tables
from src.findings.areas import cell_columns
from src.findings.workbook import Sheet
from src.helpers import PROCESSED, REFERENCE, load_yaml
from src.vocab import OUTCOME_LABELS, PLATFORM_GROUPS

NOTES = {"simulated": "Per-force returns are simulated.", "other": "Another note."}
SHORTHAND = {"[c]", "[x]", "[z]"}


def sheets():
    df = pd.DataFrame({"Area": ["North", "South"], "Share": [52.4, np.nan], "Holds": [True, False]})
    return [
        Sheet(
            "Headline",
            df,
            "Headline figures",
            ["England and Wales"],
            "Source: us",
            ["simulated"],
            {"Share": "%"},
        ),
        Sheet("Regions", df, "By region", [], "", ["simulated", "other"]),
    ]


def rows(book, name):
    return [list(r) for r in book[name].iter_rows(values_only=True)]


def table_rows(sheet) -> tuple[list[str], list[list]]:
    """The heading and body of the one table on a sheet (gptables marks it as an Excel table)."""
    (ref,) = [t.ref for t in sheet.tables.values()]
    cells = [[c.value for c in row] for row in sheet[ref]]
    return cells[0], cells[1:]


def test_workbook_is_byte_identical_and_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        first = tables.workbook_bytes(sheets(), NOTES, "Title", ["Intro"])
        second = tables.workbook_bytes(sheets(), NOTES, "Title", ["Intro"])
    assert first == second


def test_workbook_has_cover_contents_notes_and_one_table_per_sheet():
    book = openpyxl.load_workbook(
        io.BytesIO(tables.workbook_bytes(sheets(), NOTES, "Title", ["Intro"]))
    )
    assert book.sheetnames == ["Cover", "Contents", "Notes", "Headline", "Regions"]
    assert book.properties.created == tables.CREATED
    values = rows(book, "Headline")
    assert values[0][0].startswith("Headline figures")
    header, body = table_rows(book["Headline"])
    assert header == ["Area", "Share\n(%)", "Holds"]  # the unit in the heading
    assert body == [["North", 52.4, "yes"], ["South", "[x]", "no"]]
    assert isinstance(body[0][1], float)
    # The shorthand used on a sheet is explained on it, and no other.
    legend = [r[0] for r in values if r[0] and r[0].startswith("[")]
    assert legend == ["[x] = not available"]
    notes = rows(book, "Notes")
    assert [r[1] for r in notes[-2:]] == [NOTES["simulated"], NOTES["other"]]


def test_document_properties_and_cover_parts_are_written():
    created = dt.datetime(2030, 1, 2)
    data = tables.workbook_bytes(
        sheets(),
        NOTES,
        "Title",
        ["Intro"],
        about=["About line"],
        contact=["Us", "Write to us"],
        properties={"title": "T", "subject": "S", "author": "A", "keywords": "K", "comments": "C"},
        created=created,
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    p = book.properties
    assert (p.title, p.subject, p.creator, p.keywords, p.description) == ("T", "S", "A", "K", "C")
    assert p.created == created
    cover = [r[0] for r in rows(book, "Cover")]
    assert cover[cover.index("Contact") + 1 :] == ["Us", "Write to us"]
    assert "About line" in cover


def test_a_note_no_sheet_refers_to_is_refused():
    with pytest.raises(ValueError, match="not referenced"):
        tables.workbook_bytes(sheets(), {**NOTES, "extra": "unused"}, "Title", ["Intro"])


# --- Publication details ---------------------------------------------------------------------

GOOD = {"publisher": "Us", "contact": "Write to us", "published": dt.date(2030, 1, 2)}


def test_publication_details_are_read():
    got = pub.publication_from({**GOOD, "keywords": ["a", "b"]}, "pub.yaml")
    assert got == pub.Publication("Us", ("Write to us",), dt.date(2030, 1, 2), ("a", "b"))
    assert pub.publication_from({**GOOD, "published": "2030-01-02"}, "f").published == dt.date(
        2030, 1, 2
    )


@pytest.mark.parametrize(
    ("data", "place"),
    [
        ({k: v for k, v in GOOD.items() if k != "contact"}, "top level"),
        ({**GOOD, "contcat": "x"}, "top level"),
        ({**GOOD, "published": "2 January 2030"}, "key 'published'"),
        ({**GOOD, "contact": []}, "key 'contact'"),
        ({**GOOD, "publisher": " "}, "key 'publisher'"),
        (["not", "a", "mapping"], ""),
    ],
)
def test_bad_publication_details_are_refused(data, place):
    with pytest.raises(InputError) as error:
        pub.publication_from(data, "data/reference/publication.yaml")
    assert error.value.file == "data/reference/publication.yaml"
    assert error.value.place == place


def test_the_repository_publication_file_is_valid():
    data = load_yaml(REFERENCE / "publication.yaml")
    got = pub.publication_from(data, "data/reference/publication.yaml")
    assert got.contact and got.keywords


# --- The findings' workbook, from the real processed data -------------------------------------

real = pytest.mark.skipif(
    not (PROCESSED / "instances.csv").is_file(),
    reason="data/processed not built yet (run make)",
)


@pytest.fixture(scope="module")
def build():
    return findings.build(findings.load_inputs(), findings.Params())


@pytest.fixture(scope="module")
def publication():
    data = load_yaml(REFERENCE / "publication.yaml")
    return data, pub.publication_from(data, "data/reference/publication.yaml")


@pytest.fixture(scope="module")
def descriptions():
    return load_descriptions()


@pytest.fixture(scope="module")
def book(build, publication, descriptions):
    data = tables.findings_workbook(build, descriptions, publication[1])
    assert data == tables.findings_workbook(build, descriptions, publication[1])  # byte for byte
    return openpyxl.load_workbook(io.BytesIO(data))


TABLE_SHEETS = lambda book: [n for n in book.sheetnames if n not in ("Cover", "Contents", "Notes")]  # noqa: E731


@real
def test_numbers_are_numbers_and_shorthand_only_where_there_is_no_number(book):
    units = ("(count)", "(%)", "(percentage points)")
    for name in TABLE_SHEETS(book):
        header, body = table_rows(book[name])
        for j, heading in enumerate(header):
            for row in body:
                value = row[j]
                assert value is not None and value != "", (name, heading)  # no empty cell
                if heading.endswith(units):
                    assert isinstance(value, (int, float)) or value in SHORTHAND, (name, heading)
                assert value not in ("[REDACTED]", "nan", "None"), (name, heading)


def test_numbers_take_their_format_and_long_text_wraps_at_a_readable_width():
    df = pd.DataFrame({"Instances": [6, 2.5], "Share": [52.5, 7.0], "Note": ["a" * 300, "b"]})
    formats = [
        {"column": "Instances", "format": {"num_format": "#,##0"}},
        {"column": "Share", "format": {"num_format": "0.0"}},
    ]
    sheet = Sheet("Counts", df, "Counts", ["Sub"], "", ["other"], {"Share": "%"}, formats)
    notes = {"other": NOTES["other"]}
    book = openpyxl.load_workbook(io.BytesIO(tables.workbook_bytes([sheet], notes, "T", ["I"])))
    (ref,) = [t.ref for t in book["Counts"].tables.values()]
    cells = list(book["Counts"][ref])
    assert [c.number_format for c in cells[1]] == ["#,##0", "0.0", "General"]
    assert cells[1][2].alignment.wrap_text
    assert book["Counts"].column_dimensions["C"].width <= 61


@real
def test_count_cells_show_thousands_and_share_cells_one_decimal_place(book):
    for name in TABLE_SHEETS(book):
        (ref,) = [t.ref for t in book[name].tables.values()]
        heading, *body = list(book[name][ref])
        for j, cell in enumerate(heading):
            numbers = [row[j] for row in body if isinstance(row[j].value, (int, float))]
            halves = any(not float(c.value).is_integer() for c in numbers)
            if cell.value.endswith("\n(count)"):
                want = {"#,##0.0"} if halves else {"#,##0"}
            elif cell.value.endswith(("\n(%)", "\n(percentage points)")):
                want = {"0.0"}
            else:
                continue
            assert {c.number_format for c in numbers} <= want, (name, cell.value)
    # No column of a table or of the notes is wider than a readable line of text.
    for name in [*TABLE_SHEETS(book), "Notes"]:
        widths = [d.width for d in book[name].column_dimensions.values()]
        assert max(widths) <= 61, name


@real
def test_every_heading_with_numbers_names_its_unit(book):
    for name in TABLE_SHEETS(book):
        header, body = table_rows(book[name])
        for j, heading in enumerate(header):
            numbers = [r[j] for r in body if isinstance(r[j], float)]
            if numbers and name != "Build":
                assert "\n(" in heading, (name, heading)


def label(build, group: str) -> str:
    """A platform group's heading: the build's name for it, capitalised."""
    name = build.names[group]
    return name[:1].upper() + name[1:]


@real
def test_forces_sheet_withholds_exactly_the_redacted_cells(book, build):
    forces = build.tables["forces"].set_index("force")
    audit = build.tables["forces_audit"]
    names = forces["force_name"]
    header, body = table_rows(book["Forces"])
    assert header[0] == "Force"
    by_heading = {h.split("\n")[0]: j for j, h in enumerate(header)}
    shown = {code: set() for code in ("[c]", "[x]")}
    for r in body:
        for h, j in by_heading.items():
            if r[j] in shown:
                shown[r[j]].add((r[0], h))
    expected = {"[c]": set(), "[x]": set()}
    for force, column, reason in zip(audit["force"], audit["column"], audit["reason"], strict=True):
        group = "other" if column == "other_platforms" else column
        code = "[x]" if reason == sdc.NOT_REPORTED else "[c]"
        expected[code].add((names[force], label(build, group)))
    # A blank total (one a partial return does not give) is not reported either: the totals
    # add the published cells, so disclosure control never withholds one.
    cells = set(cell_columns(build.tables["forces"], build.context["owner_group"]))
    for column in forces.columns[2:]:
        if column not in cells:
            for force in forces.index[forces[column].isna()]:
                heading = "Total" if column == "total" else label(build, column)
                expected["[x]"].add((names[force], heading))
    assert shown == expected  # withheld cells [c]; counts a force did not report [x]
    assert len(body) == len(forces)
    for force, row in zip(forces.index, body, strict=True):
        assert row[0] == names[force]
        for column in ("instagram", "total"):
            heading = "Total" if column == "total" else label(build, column)
            value = forces.loc[force, column]
            cell = row[by_heading[heading]]
            blank = "[x]" if (names[force], heading) in expected["[x]"] else "[c]"
            assert cell == (blank if pd.isna(value) else int(value)), (force, column)


@real
def test_headline_published_is_not_available_only_where_nothing_was_published(book, build):
    counts = build.tables["headline"]
    counts = counts[counts["unit"] == "count"]
    header, body = table_rows(book["Headline counts"])
    j = header.index("Published\n(count)")
    got = [r[j] for r in body]
    want = ["[x]" if pd.isna(v) else v for v in counts["published"]]
    assert got == want


@real
def test_cells_hold_names_not_slugs(book, build):
    slugs = set(PLATFORM_GROUPS) | set(OUTCOME_LABELS) | set(build.tables["forces"]["force"])
    slugs |= {"other_platforms", "facebook_inc"} | set(build.tables["forces"].columns[3:])
    for name in TABLE_SHEETS(book):
        header, body = table_rows(book[name])
        assert not {h.split("\n")[0] for h in header} & slugs, name
        for row in body:
            for value in row:
                assert value not in slugs, (name, value)


@real
def test_cover_says_what_period_simulation_date_and_contact(book, build, publication):
    data, _ = publication
    cover = [r[0] for r in rows(book, "Cover")]
    text = "\n".join(cover)
    assert build.context["period"] in text
    # The warning is there exactly when some of the build's returns are simulated.
    warning = build.text.get("caveat_simulated")
    assert bool(warning) == build.context["simulated"]
    assert warning is None or warning in text
    day = data["published"]
    assert f"{day.day} {day:%B %Y}" in text
    assert cover[cover.index("Contact") + 1 :] == [data["publisher"], *data["contact"]]
    for code in SHORTHAND:
        assert any(line.startswith(f"{code} = ") for line in cover), code
    p = book.properties
    assert p.created == dt.datetime.combine(day, dt.time())
    assert p.creator == data["publisher"]
    assert p.keywords == ", ".join(data["keywords"])
    assert p.title and p.subject and p.description


def with_returns(build, simulated: bool):
    """The build as if some of its returns were simulated (with a warning), or none were."""
    warning = build.text.get("caveat_simulated") or "Some returns are simulated (a test's words)."
    return dataclasses.replace(
        build,
        context={**build.context, "simulated": simulated},
        text={**build.text, "caveat_simulated": warning},
    )


def workbook_text(build, publication) -> tuple[openpyxl.Workbook, str]:
    data = tables.findings_workbook(build, load_descriptions(), publication[1])
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book, "\n".join(str(r[0]) for name in book.sheetnames for r in rows(book, name))


@real
def test_no_simulation_warning_when_the_returns_are_real(build, publication):
    real_build = with_returns(build, simulated=False)
    _, text = workbook_text(real_build, publication)
    assert real_build.text["caveat_simulated"] not in text
    assert "(simulated)" not in text
    _, text = workbook_text(with_returns(build, simulated=True), publication)
    assert real_build.text["caveat_simulated"] in text


@real
def test_each_table_has_its_own_subtitle_and_the_series_is_marked_published(build, publication):
    build = with_returns(build, simulated=True)
    book, _ = workbook_text(build, publication)
    ctx = build.context
    wave = f"{ctx['place']}, {ctx['period']}"
    subtitles = {name: rows(book, name)[1][0] for name in TABLE_SHEETS(book)}
    # A table split into counts and shares keeps one subtitle for both sheets; no other shares.
    split = [n for n in subtitles if n.endswith(" counts") and f"{n[:-7]} shares" in subtitles]
    assert "Headline counts" in split
    for name in split:
        assert subtitles[name] == subtitles[f"{name[:-7]} shares"], name
    assert len(set(subtitles.values())) == len(subtitles) - len(split)
    assert not subtitles["Series"].startswith(wave)
    assert "published" in subtitles["Series"] and "not computed" in subtitles["Series"]
    assert subtitles["Forces"].startswith(wave)
    assert "$$" not in "".join(subtitles.values())
    # The series is published data: no note that the returns are simulated.
    notes = {r[1]: r[0] for r in rows(book, "Notes")[3:]}
    simulated = notes[build.text["caveat_simulated"]]
    assert f"[note {simulated}]" not in rows(book, "Series")[0][0]
    assert f"[note {simulated}]" in rows(book, "Forces")[0][0]


@real
def test_redacted_shorthand_is_the_gss_confidential_mark(book):
    assert sdc.REDACTED == "[c]"
    assert any("[c]" in (r[0] or "") for r in rows(book, "Forces"))
