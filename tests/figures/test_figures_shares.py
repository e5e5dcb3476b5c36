"""Tests for src/figures/shares.py (figure 1): the owner group drawn as a column made of its
parts beside the rest of the known instances, which parts go where (from the data, never from
display names), which bars carry intervals, and what the chart and its alt text say.
"""

from __future__ import annotations

import matplotlib
import pytest
from figure_tables import WORDS, shares_table

from src.errors import InputError
from src.figures import shares, style


def texts(fig) -> str:
    found = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return " ".join(" ".join(found).split())


def columns(fig) -> dict[float, list[tuple[float, float, tuple]]]:
    """Each drawn column by where it stands: its segments bottom to top (bottom, height,
    colour)."""
    out: dict[float, list[tuple[float, float, tuple]]] = {}
    for bar in fig.axes[0].patches:
        centre = round(bar.get_x() + bar.get_width() / 2, 6)
        out.setdefault(centre, []).append(
            (round(bar.get_y(), 6), round(bar.get_height(), 6), tuple(bar.get_facecolor()))
        )
    return {x: sorted(segments) for x, segments in sorted(out.items())}


def test_the_owner_group_is_one_column_made_of_its_parts_beside_the_rest():
    fig, data, _ = shares.platform_shares(
        shares_table(), "Share of known instances", True, words=WORDS
    )
    owner, rest = columns(fig).values()
    # The owner's column: Instagram, then Facebook or Messenger, then WhatsApp, stacked.
    assert [(b, h) for b, h, _ in owner] == [(0, 40.1), (40.1, 14.2), (54.3, 7.4)]
    assert [(b, h) for b, h, _ in rest] == [(0, 38.3)]
    assert owner[-1][0] + owner[-1][1] + rest[0][1] == pytest.approx(100)
    palette = style.colours()
    assert [c for _, _, c in owner] == [
        matplotlib.colors.to_rgba(palette[name]) for name in ("dark_blue", "turquoise", "dark_pink")
    ]
    assert rest[0][2] == matplotlib.colors.to_rgba(palette["grey"])
    ticks = [" ".join(t.get_text().split()) for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["Facebook-owned apps", "Other apps and platforms"]
    assert list(data["part_of"]) == ["", "facebook_owned", "facebook_owned", "facebook_owned", ""]


def test_only_the_columns_totals_carry_intervals():
    fig, data, _ = shares.platform_shares(
        shares_table(), "Share of known instances", True, words=WORDS
    )
    centres = list(columns(fig))
    drawn = []
    for container in fig.axes[0].containers:
        if isinstance(container, matplotlib.container.ErrorbarContainer):
            (segment,) = container.lines[2][0].get_segments()
            drawn.append(tuple(round(v, 6) for v in (*segment[0], segment[1][1])))
    assert drawn == [(centres[0], 58.0, 65.0), (centres[1], 35.0, 42.0)]
    assert list(data["interval_drawn"]) == [True, False, False, False, True]


def test_parts_go_where_the_data_puts_them_whatever_their_labels():
    table = shares_table()
    table["label"] = ["Meta's apps", "Insta", "Facebook and Messenger", "WhatsApp (Meta)", "Rest"]
    table["in_owner_group"] = [True, True, False, True, False]
    fig, data, alt = shares.platform_shares(table, "Share of known instances", True, words=WORDS)
    owner, rest = columns(fig).values()
    grey = matplotlib.colors.to_rgba(style.colours()["grey"])
    # Instagram and WhatsApp in the owner's column, and the share no listed part holds in grey.
    assert [(b, h) for b, h, _ in owner] == [(0, 40.1), (40.1, 7.4), (47.5, 14.2)]
    assert owner[-1][2] == grey and owner[0][2] != grey
    # Facebook and Messenger, not owned here, is stacked in the rest's column.
    assert [(b, h) for b, h, _ in rest] == [(0, 14.2), (14.2, 24.1)]
    assert list(data["part_of"]) == ["", "facebook_owned", "other", "facebook_owned", ""]
    assert "Meta's apps 61.7% (95% interval 58.0% to 65.0%), of which Insta 40.1% and " in alt
    assert "Rest 38.3% (95% interval 35.0% to 42.0%), of which Facebook and Messenger 14.2%" in alt
    words = texts(fig)
    assert "Insta 40.1%" in words and "Facebook and Messenger 14.2%" in words


def test_the_chart_states_the_finding_and_its_alt_text_what_is_drawn():
    fig, data, alt = shares.platform_shares(
        shares_table(), "Share of known instances", True, words=WORDS
    )
    words = texts(fig)
    assert "Facebook-owned apps were used in 62% of instances" in words  # 61.7 rounds to 62
    for label in ("61.7%", "38.3%", "Instagram 40.1%", "WhatsApp 7.4%"):
        assert label in words
    assert style.SIMULATED_LABEL in words
    assert fig.axes[0].get_legend() is None
    assert alt.startswith("Two stacked columns")
    assert (
        "Facebook-owned apps 61.7% (95% interval 58.0% to 65.0%), of which Instagram 40.1%, "
        "Facebook or Messenger 14.2% and WhatsApp 7.4%; Other apps and platforms 38.3% "
        "(95% interval 35.0% to 42.0%)." in alt
    )
    assert alt.endswith(f"{style.SIMULATED_LABEL}.")
    assert list(data.columns[-4:]) == ["part_of", "interval_drawn", "source_table", "source_row"]
    assert list(data["source_row"]) == [2, 3, 4, 5, 7]


def test_parts_adding_to_more_than_their_group_stop_the_chart():
    table = shares_table()
    table.loc[table["group"] == "instagram", "share"] = 55.0
    with pytest.raises(InputError, match="more than the group's own share"):
        shares.platform_shares(table, "Share of known instances", True, words=WORDS)


def test_a_missing_column_row_is_an_input_error():
    table = shares_table()
    with pytest.raises(InputError, match="group other"):
        shares.platform_shares(table[table["group"] != "other"], "Share", True, words=WORDS)


def test_the_title_names_the_larger_column_whatever_it_is():
    from figure_tables import META_WORDS

    table = shares_table()
    table["share"] = [30.0, 20.0, 6.0, 4.0, 70.0]
    table["bootstrap_low"] = table["share"] - 2
    table["bootstrap_high"] = table["share"] + 2
    table["label"] = ["Meta-owned apps", "Pics", "Chat", "Calls", "Other apps and platforms"]
    fig, _, alt = shares.platform_shares(table, "Share", False, words=META_WORDS)
    title = fig.texts[0].get_text().replace("\n", " ")
    assert (
        title
        == "Other apps and platforms were used in 70% of instances where the platform was known"
    )
    notes = fig.texts[2].get_text().replace("\n", " ")
    assert META_WORDS.source_line in notes
    assert "Meta-owned apps 30.0%" in alt
