"""The README's generated blocks: markers, and the sources table built from data/raw/published."""

from __future__ import annotations

import pandas as pd

from src.data.tables import descriptions_from, load_descriptions
from src.helpers import RAW, ROOT
from src.report import readme, run


def test_sources_block_lists_every_source_of_every_published_file():
    block = run.readme_sources(RAW / "published")
    for path in sorted((RAW / "published").glob("*.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        # The list of releases names each release in its own words (title, url, published).
        for title in table["source_title" if "source_title" in table else "title"]:
            assert title in block, f"{path.name}: source '{title}' missing from the README block"


def test_the_committed_readmes_have_every_generated_block():
    for path, names in (
        (ROOT / "README.md", ("returns", "findings", "waves", "variants")),
        (RAW / "README.md", ("returns", "sources")),
    ):
        text = path.read_text(encoding="utf-8")
        for name in names:
            assert text.count(f"<!-- {name}:start -->") == 1, f"{path.name}: {name}"
            assert text.count(f"<!-- {name}:end -->") == 1, f"{path.name}: {name}"


def test_committed_readme_blocks_are_what_the_tables_give():
    """The README's numbers are regenerated, never edited: its blocks equal a fresh rendering."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.update(text, {"findings": run.readme_findings()}) == text
    assert readme.update(text, {"variants": run.readme_variants()}) == text
    assert readme.update(text, run.readme_blocks()) == text
    raw = (RAW / "README.md").read_text(encoding="utf-8")
    assert readme.update(raw, {"sources": run.readme_sources()}) == raw


def test_findings_block_states_each_headline_number_from_the_headline_table(tmp_path):
    tables = ROOT / "reports" / "tables"
    rows = readme.headline_rows(run.read_headline(tables / "headline.csv"))
    assert list(rows["platform_group"]) == [g for g, _ in readme.HEADLINE]
    block = run.readme_findings(tables)
    for _, row in rows.iterrows():
        assert readme._number(row["computed"], row["unit"]) in block

    # A changed table changes the block.
    copy = tmp_path / "tables"
    copy.mkdir()
    for path in tables.glob("*.csv"):
        (copy / path.name).write_bytes(path.read_bytes())
    headline = pd.read_csv(copy / "headline.csv", dtype=str, keep_default_na=False)
    # The row the block quotes first: its measure's first row, as headline_rows picks it
    # (figure_id is blank when nothing was published about the wave).
    shown = rows.iloc[0]
    first = headline.index[
        headline["platform_group"].eq(shown["platform_group"])
        & headline["denominator"].eq("" if pd.isna(shown["denominator"]) else shown["denominator"])
        & ~headline["figure_id"].str.endswith("_more_than")
    ][0]
    headline.loc[first, "computed"] = "123456"
    headline.to_csv(copy / "headline.csv", index=False)
    assert "123,456" in run.readme_findings(copy)


def test_waves_block_sets_every_wave_side_by_side():
    rows = []
    for wave, label, start, forces, share, known, real, returns, scope in (
        ("w1", "Year one", "2018-04-01", 3, 40.0, 200.0, 0, "simulated", "images"),
        ("w2", "Year two", "2019-04-01", 4, 55.5, 300.0, 1, "mixed", "images and grooming"),
    ):
        common = {
            "wave": wave,
            "wave_label": label,
            "period_start": start,
            "scope": scope,
            "basis": "all forces",
            "forces_with_data": forces,
            "forces": forces,
            "real_returns": real,
            "returns": returns,
        }
        rows.append(common | {"group": "snapchat", "label": "Snapchat", "share": share, "count": 1})
        rows.append(common | {"group": "all_known", "label": "All", "share": 100.0, "count": known})
    statements = pd.DataFrame([{"note": "'twice as many': it holds."}])
    # given in an order other than the waves' own: the block sets them in time order
    block = readme.waves_block(pd.DataFrame(rows[::-1]), statements, {"w1": "reports/waves/w1"})
    assert "| Measure | Year one | Year two |" in block
    assert "| Returns | simulated | 1 of 4 real, the rest simulated |" in block
    assert "| Offences | images | images and grooming |" in block
    assert "| Forces with data (all forces) | 3 | 4 |" in block
    assert "| Snapchat (all forces) | 40.0% | 55.5% |" in block
    assert "| Instances with a known platform (all forces) | 200 | 300 |" in block
    assert "- 'twice as many': it holds." in block
    assert "- Wave `w1` is built in `reports/waves/w1/` (its tables and figures)." in block
    assert "nan" not in block.lower()


def test_a_group_a_wave_does_not_itemise_is_not_available_there():
    rows = []
    for wave, share in (("w1", float("nan")), ("w2", 20.0)):
        rows.append(
            {
                "wave": wave,
                "wave_label": wave.upper(),
                "period_start": f"201{wave[1]}-01-01",
                "scope": "images",
                "basis": "all forces",
                "forces_with_data": 2,
                "forces": 2,
                "real_returns": 2,
                "returns": "real",
                "group": "snapchat",
                "label": "Snapchat",
                "share": share,
                "count": 1,
            }
        )
    block = readme.waves_block(pd.DataFrame(rows), pd.DataFrame(columns=["note"]), {})
    assert "| Returns | real | real |" in block
    assert "| Snapchat (all forces) | not available | 20.0% |" in block


def test_returns_block_says_what_each_wave_s_returns_are():
    forces = pd.DataFrame({"force": ["a", "b", "c"], "name": ["A Police", "B Police", "C Police"]})
    waves = pd.DataFrame(
        {"wave": ["w2", "w1", "w3"], "start": ["2020-01-01", "2019-01-01", "2021-01-01"]}
        | {"end": ["2020-12-31", "2019-12-31", "2021-12-31"]}
    )
    coverage = pd.DataFrame(
        [
            ("w1", "a", 1, "simulated"),
            ("w1", "b", 1, "simulated"),
            ("w1", "c", 0, "real"),  # a real answer without counts: no return
            ("w2", "a", 1, "real"),
            ("w2", "b", 2, "simulated"),
            ("w2", "c", 1, "real"),
            ("w3", "a", 1, "real"),
        ],
        columns=["wave", "force", "files_read", "provenance"],
    )
    assert readme.returns_block(coverage, forces, waves).splitlines() == [
        "- **January 2019 to December 2019** (`w1`): 2 forces' returns, all simulated.",
        "- **January 2020 to December 2020** (`w2`): 3 forces' returns, 2 real (A Police and "
        "C Police) and 1 simulated.",
        "- **January 2021 to December 2021** (`w3`): 1 forces' returns, all real.",
    ]


def test_a_sentence_several_notes_share_is_said_once_and_each_rest_after_its_measure():
    rows = pd.DataFrame(
        {
            "measure": ["instances", "WhatsApp share", "quiet"],
            "note": ["Shared. Own of the first.", "Own of the second. Shared.", None],
        }
    )
    assert readme._notes(rows) == [
        "Shared.",
        "Instances: Own of the first.",
        "WhatsApp share: Own of the second.",
    ]


def test_the_tables_dictionary_lists_every_column_of_every_csv_table():
    data = {
        "kinds": {"text": {"meaning": "words"}, "count": {"meaning": "a number of things"}},
        "sources": {},
        "tables": {
            "counts": {
                "title": "Counts by area",
                "columns": {"area": {"heading": "Area"}, "n": {"heading": "N", "kind": "count"}},
                "each_other_column": {"is": "wave", "kind": "count"},
            },
            "shown": {"title": "Shown only", "csv": False, "columns": {"x": {"heading": "X"}}},
        },
    }
    block = readme.tables_block(descriptions_from(data))
    assert "| count | a number of things |" in block
    assert "<code>counts.csv</code>: Counts by area" in block
    assert "| `area` | Area | text |" in block and "| `n` | N | count |" in block
    assert "| one per wave | its name | count |" in block
    assert "shown.csv" not in block


def test_the_committed_tables_dictionary_is_what_tables_yaml_gives():
    text = run.TABLES_DOC.read_text(encoding="utf-8")
    block = readme.tables_block(load_descriptions())
    assert readme.update(text, {"tables": block}) == text
