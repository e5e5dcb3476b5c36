"""Tests for src/figures/style.py: the fonts every machine has, and text wrapped to fit."""

from __future__ import annotations

import logging
import math

import matplotlib
import matplotlib.pyplot as plt

from src.figures import style


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


def test_log_ticks_take_the_densest_steps_whose_labels_fit():
    # 16 to 375 over 5 inches: every step (20, 30, ... 90, 100, 200, 300) crowds 90 and 100.
    assert style.log_ticks(16, 375, 4.95, 11) == [20, 50, 100, 200]
    assert style.log_ticks(40, 70, 4.95, 11) == [40, 50, 60, 70]
    # Seven decades: only every second power of ten leaves room between its labels.
    ticks = style.log_ticks(0.8, 1.25e7, 4.95, 11)
    assert ticks == [1, 100, 10_000, 1_000_000]


def test_log_tick_labels_leave_room_between_them():
    low, high, length = 4.0, 25_000.0, 4.95
    ticks = style.log_ticks(low, high, length, 11)
    span = math.log10(high) - math.log10(low)
    at = [length * (math.log10(t) - math.log10(low)) / span for t in ticks]
    half = [style.text_width_in(style.count_text(t), 11) / 2 for t in ticks]
    gaps = [at[i + 1] - at[i] - half[i] - half[i + 1] for i in range(len(ticks) - 1)]
    assert len(ticks) >= 4 and min(gaps) >= style.TICK_GAP_IN


def test_spaced_labels_label_every_slot_when_they_fit_and_every_other_when_not():
    assert style.spaced_labels(["2017/18", "year to April 2019"], 0.62, 9) == [
        "2017/18",
        "year to\nApril\n2019",
    ]
    labels = [f"{y}/{(y + 1) % 100:02d}" for y in range(2010, 2025)]
    spaced = style.spaced_labels(labels, 0.33, 9)
    assert spaced[::2] == labels[::2] and set(spaced[1::2]) == {""}
