"""The README's generated blocks: markers, and the sources table built from data/raw/published."""

from __future__ import annotations

import pandas as pd

from src.helpers import RAW, ROOT
from src.report import readme, run


def test_sources_block_lists_every_source_of_every_published_file():
    block = run.readme_sources(RAW / "published")
    for path in sorted((RAW / "published").glob("*.csv")):
        for title in pd.read_csv(path, dtype=str, keep_default_na=False)["source_title"]:
            assert title in block, f"{path.name}: source '{title}' missing from the README block"


def test_the_committed_readme_has_every_generated_block():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("findings", "variants", "sources", "benchmark"):
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
