"""Tests for src/figures/run.py: the tables read as written, and each figure's files written
deterministically, all together, and only when they change.
"""

from __future__ import annotations

import struct

import matplotlib.pyplot as plt
import pytest
from figure_tables import BADGE, WORDS, shares_table

from src.errors import InputError
from src.figures import rendering, run, shares


def test_read_tables_reads_every_csv_by_name_with_rows_numbered_from_zero(tmp_path):
    (tmp_path / "whatsapp.csv").write_text("measure,share\npolice,11.7\ntip-offs,1.3\n")
    (tmp_path / "build.csv").write_text("key,value\nsimulated,True\n")
    (tmp_path / "notes.txt").write_text("not a table\n")
    tables = run.read_tables(tmp_path)
    assert sorted(tables) == ["build", "whatsapp"]
    assert list(tables["whatsapp"].index) == [0, 1]
    assert list(tables["whatsapp"]["measure"]) == ["police", "tip-offs"]


def test_save_figure_is_deterministic_600_pixels_and_complete(tmp_path):
    def draw():
        fig, data, alt = shares.platform_shares(
            shares_table(), "Share of known instances", BADGE, words=WORDS
        )
        return fig, data, alt

    fig, data, alt = draw()
    paths = run.save_figure(fig, tmp_path / "shares", data, alt)
    assert [p.name for p in paths] == [
        "shares-print.png",
        "shares.csv",
        "shares.pdf",
        "shares.png",
        "shares.svg",
        "shares.txt",
    ]
    first = {p.name.removeprefix("shares"): p.read_bytes() for p in paths}
    mtimes = {p: p.stat().st_mtime_ns for p in paths}
    plt.close(fig)
    fig, data, alt = draw()
    run.save_figure(fig, tmp_path / "shares", data, alt)
    assert {p.name.removeprefix("shares"): p.read_bytes() for p in paths} == first
    assert {p: p.stat().st_mtime_ns for p in paths} == mtimes  # unchanged files not rewritten
    width, height = struct.unpack(">II", first[".png"][16:24])
    assert width == 600
    # The copy for print: the same drawing at 200 dots per inch, rasterised from the same SVG.
    assert struct.unpack(">II", first["-print.png"][16:24]) == (1200, 2 * height)
    assert first["-print.png"] == rendering.svg_to_png(first[".svg"], 200)
    assert first[".png"] == rendering.svg_to_png(first[".svg"], 100)
    assert b"CreationDate" not in first[".pdf"]
    assert b"<dc:date>" not in first[".svg"]
    assert first[".txt"].decode().startswith("Two stacked columns")
    header = first[".csv"].decode().splitlines()[0].split(",")
    assert header[-3:] == ["interval_drawn", "source_table", "source_row"]
    assert "returns" not in header  # only a chart computed from the returns says what they are
    run.save_figure(fig, tmp_path / "computed", data, alt, returns="mixed")
    lines = (tmp_path / "computed.csv").read_text().splitlines()
    assert lines[0].split(",")[-1] == "returns"
    assert {row.rsplit(",", 1)[1] for row in lines[1:]} == {"mixed"}
    # Rows that carry their own returns (a chart of every wave, each its wave's) keep them.
    own = ["real"] + ["simulated"] * (len(data) - 1)
    run.save_figure(fig, tmp_path / "waves", data.assign(returns=own), alt, returns="mixed")
    lines = (tmp_path / "waves.csv").read_text().splitlines()
    assert lines[0].split(",")[-1] == "returns"
    assert [row.rsplit(",", 1)[1] for row in lines[1:]] == own


def test_a_build_without_tables_stops_with_the_step_to_run_first(tmp_path):
    with pytest.raises(InputError, match="step 20 has not been run") as caught:
        run.read_tables(tmp_path / "tables")
    assert "20-findings" in caught.value.fix
