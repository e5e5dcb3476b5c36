"""Tests for src/figures/style.py: the fonts every machine has, and text wrapped to fit."""

from __future__ import annotations

import logging

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from src.figures import style  # noqa: E402


@pytest.fixture(autouse=True)
def house_style():
    style.use_style()
    yield
    plt.close("all")


def test_style_uses_installed_fonts_without_warnings(caplog):
    caplog.set_level(logging.WARNING, logger="matplotlib")
    fig, ax = plt.subplots()
    ax.set_title("A title")
    fig.canvas.draw()
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    assert matplotlib.rcParams["svg.hashsalt"] == style.SVG_HASHSALT


def test_wrap_keeps_lines_within_the_width():
    text = "Facebook-owned apps were used in 52% of instances where the platform was known"
    lines = style.wrap(text, 3.0, 13, "bold")
    assert len(lines) > 1
    assert " ".join(lines) == text
    assert all(style.text_width_in(line, 13, "bold") <= 3.0 for line in lines)
