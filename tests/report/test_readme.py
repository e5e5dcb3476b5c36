"""The README's generated blocks: markers, and the sources table built from data/raw/published."""

from __future__ import annotations

import pandas as pd

from src.helpers import RAW, ROOT
from src.report import readme, run


def test_sources_block_lists_every_source_of_every_published_file():
    block = run.readme_sources(RAW / "published")
    for path in sorted((RAW / "published").glob("*.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        # The list of releases names each release in its own words (title, url, published).
        for title in table["source_title" if "source_title" in table else "title"]:
            assert title in block, f"{path.name}: source '{title}' missing from the README block"


def test_the_committed_readme_has_every_generated_block():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("findings", "waves", "variants", "sources", "benchmark"):
        assert text.count(f"<!-- {name}:start -->") == 1
        assert text.count(f"<!-- {name}:end -->") == 1


def test_committed_readme_blocks_are_what_the_tables_give():
    """The README's numbers are regenerated, never edited: its blocks equal a fresh rendering."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.update(text, {"findings": run.readme_findings()}) == text
    assert readme.update(text, {"variants": run.readme_variants()}) == text
    assert readme.update(text, {"sources": run.readme_sources()}) == text
    assert readme.update(text, run.readme_blocks()) == text


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
    first = headline.index[headline["figure_id"].eq(rows.iloc[0]["figure_id"])][0]
    headline.loc[first, "computed"] = "123456"
    headline.to_csv(copy / "headline.csv", index=False)
    assert "123,456" in run.readme_findings(copy)


def test_waves_block_sets_every_wave_side_by_side():
    rows = []
    for period, start, forces, share, known in (
        ("Year one", "2018-04-01", 3, 40.0, 200.0),
        ("Year two", "2019-04-01", 4, 55.5, 300.0),
    ):
        common = {"period": period, "period_start": start, "basis": "all forces", "forces": forces}
        rows.append(common | {"group": "snapchat", "label": "Snapchat", "share": share, "count": 1})
        rows.append(common | {"group": "all_known", "label": "All", "share": 100.0, "count": known})
    statements = pd.DataFrame([{"note": "'twice as many': it holds."}])
    block = readme.waves_block(pd.DataFrame(rows), statements, {"w1": "reports/waves/w1"})
    assert "| Measure | Year one | Year two |" in block
    assert "| Forces with data (all forces) | 3 | 4 |" in block
    assert "| Snapchat (all forces) | 40.0% | 55.5% |" in block
    assert "| Instances with a known platform (all forces) | 200 | 300 |" in block
    assert "- 'twice as many': it holds." in block
    assert "- Wave `w1` is built in `reports/waves/w1/` (its tables and figures)." in block
