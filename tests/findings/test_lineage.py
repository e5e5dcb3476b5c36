"""lineage.csv: every headline number traced to the returns' cells in three steps.

A behaviour test on a small build made here, and a data check of every build on disk, whose
expectations come from the build's own headline.csv, data/processed/ and data/raw/."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from synthetic_instances import WAVE, rows, rules

from src.findings import convention, shares
from src.findings.exact import exact_bounds
from src.findings.lineage import lineage_table
from src.helpers import PROCESSED, RAW, REFERENCE, ROOT

KEY = ["measure", "platform_group", "denominator", "unit"]


def _block(force: str) -> dict:
    return {
        "wave": WAVE,
        "force": force,
        "source_file": f"{force}/return.csv",
        "table": "table 1",
        "block": "online_sexual",
    }


def test_a_printed_total_beyond_its_cells_is_a_part_and_every_chain_adds_up():
    # Force a prints Instagram 30 and 20 of no known platform, withholds WhatsApp and Snapchat
    # (1 to 4 each) and prints a total of 56, so the withheld cells add up to 6. Counted at the
    # middle of their ranges rounded down (2 each), the total counts 56 - 50 - 4 = 2 beyond
    # them; at their best estimates they take the 6 (3 each), and nothing is beyond them.
    # Force b itemises no owner platform: 7 not itemised, Snapchat 4, one cell of 0.
    a = rows(
        [
            ("a", "instagram", 30),
            ("a", "whatsapp", (1, 4)),
            ("a", "snapchat", (1, 4)),
            ("a", "unknown", 20),
        ]
    )
    b = rows([("b", "not_itemised", 7), ("b", "snapchat", 4), ("b", "snapchat", 0)])
    selected = pd.concat([a.assign(**_block("a")), b.assign(**_block("b"))], ignore_index=True)
    selected["source_place"] = [f"row {i + 2}" for i in range(len(selected))]
    block = {"total_source": "printed total", "total_place": "row 9", "total_lower": 56}
    block |= {"total_upper": 56, "mapped_lower": 32, "mapped_upper": 38, "unknown_lower": 20}
    block |= {"unknown_upper": 20, "excluded_lower": 0, "excluded_upper": 0}
    block |= {"withheld_cells": 2, "withheld_lower": 2, "withheld_upper": 8}
    block |= {f"excluded_withheld_{c}": 0 for c in ("cells", "lower", "upper")}
    totals = pd.DataFrame([{**_block("a"), **block}])
    release = convention.Convention("middle_rounded_down", "printed_totals", "r")
    treated = shares.treat(selected, totals, release)
    exact = exact_bounds(selected, totals, rules(), ["a", "b"])
    groups = shares.force_groups(treated, rules(), ["a", "b"])
    headline = pd.DataFrame(
        [
            ("forces", "", "", "count"),
            ("known", "all_known", "", "count"),
            ("owned", "facebook_owned", "", "count"),
            ("owned share", "facebook_owned", "all_known", "percent"),
            ("owned share", "facebook_owned", "all_known", "percent"),  # two published figures
        ],
        columns=KEY,
    )
    out = lineage_table(treated, exact, rules(), groups, headline)
    by = {m: out[out["measure"] == m] for m in out["measure"]}

    known = by["known"]
    assert (known["computed"].sum(), known["best_estimate"].sum()) == (47, 47)
    beyond = known[known["part"].str.contains("printed total")]
    assert beyond[["force", "computed", "best_estimate", "source_place"]].values.tolist() == [
        ["a", 2, 0, "row 9"]
    ]
    withheld = known[known["part"].str.contains("withheld")]
    assert withheld["computed"].tolist() == [2, 2]
    assert withheld["best_estimate"].tolist() == pytest.approx([3, 3])
    zero = selected["source_place"].iloc[-1]
    assert zero not in set(known["source_place"])  # a cell of 0 adds nothing
    assert len(by["forces"]) == 2 and by["forces"]["computed"].sum() == 2
    assert set(by["forces"]["source_file"]) == {"a/return.csv", "b/return.csv"}

    owned = by["owned"]
    assert set(owned["force"]) == {"a"}  # b's return does not give the owner group's count
    assert owned["computed"].sum() == 32 and owned["best_estimate"].sum() == pytest.approx(33)

    share = by["owned share"].set_index("part")
    assert list(share.index) == ["numerator", "denominator"]
    assert share["count_of"].tolist() == ["facebook_owned", "all_known"]
    assert share["computed"].tolist() == [32, 36]
    assert share["best_estimate"].tolist() == pytest.approx([33, 36])
    assert share["forces_left_out"].tolist() == ["", "b"]


# --- Every build on disk -------------------------------------------------------------------------

LINEAGES = sorted((ROOT / "reports").glob("**/tables/lineage.csv"), key=str)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _places(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _close(value: float, printed: str, slack: float = 0.0) -> bool:
    """``value`` rounds to ``printed`` (within half its last decimal place), give or take
    ``slack`` (what rounding the parts it adds up can move it by)."""
    return abs(value - float(printed)) <= 0.5 * 10 ** -_places(printed) + slack + 1e-9


@pytest.fixture(scope="module")
def raw_places():
    instances = _read(PROCESSED / "instances.csv")
    totals = _read(PROCESSED / "reconciliation.csv")
    platforms = _read(REFERENCE / "platforms.csv")
    return (
        instances,
        set(zip(totals["source_file"], totals["total_place"], strict=True)),
        set(platforms.loc[platforms["kind"] == "remainder", "platform"]),
    )


def test_there_is_a_lineage_beside_every_headline():
    headlines = sorted((ROOT / "reports").glob("**/tables/headline.csv"), key=str)
    assert headlines and [p.parent for p in headlines] == [p.parent for p in LINEAGES]


@pytest.mark.parametrize("path", LINEAGES, ids=lambda p: str(p.parent.relative_to(ROOT)))
def test_every_headline_number_is_the_sum_of_its_parts(path: Path):
    lineage = _read(path)
    headline = _read(path.parent / "headline.csv").drop_duplicates(KEY)
    # Each part's best estimate is written rounded; a sum of n of them can move n times that.
    step = 0.5 * 10 ** -max(_places(v) for v in lineage["best_estimate"])
    for column in ("computed", "best_estimate"):
        lineage[column] = lineage[column].astype(float)
    keys = lineage[KEY].drop_duplicates()
    assert sorted(map(tuple, keys.values)) == sorted(map(tuple, headline[KEY].values))
    counts = lineage[lineage["unit"] == "count"]
    forces = set(counts.loc[counts["platform_group"] == "", "force"])  # the build's forces
    for _, row in headline.iterrows():
        rows = lineage[(lineage[KEY] == row[KEY]).all(axis=1)]
        if row["unit"] == "count":
            assert rows["computed"].sum() == float(row["computed"]), row["measure"]
            best = rows["best_estimate"].sum()
            assert _close(best, row["best_estimate"], len(rows) * step), row["measure"]
            continue
        parts = rows.set_index("part")
        assert sorted(parts.index) == ["denominator", "numerator"], row["measure"]
        for part in parts.itertuples():
            # Its count's rows in this file, without the forces the share leaves out.
            chain = counts[(counts["platform_group"] == part.count_of)]
            left_out = set(part.forces_left_out.split("; ")) - {""}
            assert len(chain) and left_out <= forces, (row["measure"], part.Index)
            mine = chain[~chain["force"].isin(left_out)]
            assert math.isclose(mine["computed"].sum(), part.computed), row["measure"]
            best = mine["best_estimate"].sum()
            assert math.isclose(best, part.best_estimate, abs_tol=(len(mine) + 1) * step)
        for column in ("computed", "best_estimate"):
            share = 100 * parts.at["numerator", column] / parts.at["denominator", column]
            assert _close(share, row[column]), (row["measure"], column)


@pytest.mark.parametrize("path", LINEAGES, ids=lambda p: str(p.parent.relative_to(ROOT)))
def test_every_part_is_read_from_a_raw_file_and_place(path: Path, raw_places):
    cells, totals, remainder = raw_places
    lineage = _read(path)
    parts = lineage[lineage["unit"] == "count"]
    assert len(parts)
    for files in parts["source_file"]:
        assert files and all((RAW / f).is_file() for f in files.split("; ")), files
    placed = parts[parts["source_place"] != ""]
    for row in placed.itertuples():
        pair = (row.source_file, row.source_place)
        if row.platform in remainder:  # what a printed total counts beyond its cells
            assert pair in totals, pair
            continue
        # The cell of instances.csv read there (a record-level return's place is a column
        # of its records: its platform and offence group tell its cells apart).
        assert pair in set(zip(cells["source_file"], cells["source_place"], strict=True)), pair
        found = cells[
            (cells["source_file"] == row.source_file)
            & (cells["source_place"] == row.source_place)
            & (cells["platform"] == row.platform)
            & (cells["offence_group"] == row.offence_group)
        ]
        assert len(found) == 1, pair
        cell = found.iloc[0]
        low, high = float(cell["lower"]), float(cell["upper"])
        assert low <= float(row.best_estimate) <= high, pair
        if cell["withheld"] != "True":
            assert float(row.computed) == float(row.best_estimate) == float(cell["count"]), pair
