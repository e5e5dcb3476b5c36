"""Tests for src/figures/shares.py (figure 1): the owner group drawn as a column made of its
parts beside the rest of the known instances, which parts go where (the data's ``part_of``,
never display names), which bars carry intervals, that the parts add to their column, and what
the chart, its badge and its alt text say.
"""

from __future__ import annotations

import matplotlib
import pytest
from figure_tables import BADGE, WORDS, shares_table

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
        shares_table(), "Share of known instances", BADGE, words=WORDS
    )
    owner, rest = columns(fig).values()
    # The owner's column: Instagram, then Facebook or Messenger, then WhatsApp, stacked.
    assert [(b, h) for b, h, _ in owner] == [(0, 40.1), (40.1, 14.2), (54.3, 7.4)]
    # The rest's: other platforms, then what partial returns did not itemise.
    assert [(b, h) for b, h, _ in rest] == [(0, 33.3), (33.3, 4.5)]
    # With the part in neither column (withheld cells), the columns make up every instance.
    assert owner[-1][0] + owner[-1][1] + sum(h for _, h, _ in rest) + 0.5 == pytest.approx(100)
    palette = style.colours()
    shades = [
        matplotlib.colors.to_rgba(palette[n]) for n in ("dark_blue", "turquoise", "dark_pink")
    ]
    assert [c for _, _, c in owner] == shades
    assert [c for _, _, c in rest] == shades[:2]
    ticks = [" ".join(t.get_text().split()) for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["Facebook-owned apps", "Other apps and platforms"]
    assert list(data["part_of"]) == ["", "", *["facebook_owned"] * 3, "other", "other", ""]


def test_only_the_columns_totals_carry_intervals():
    fig, data, _ = shares.platform_shares(
        shares_table(), "Share of known instances", BADGE, words=WORDS
    )
    centres = list(columns(fig))
    drawn = []
    for container in fig.axes[0].containers:
        if isinstance(container, matplotlib.container.ErrorbarContainer):
            (segment,) = container.lines[2][0].get_segments()
            drawn.append(tuple(round(v, 6) for v in (*segment[0], segment[1][1])))
    assert drawn == [(centres[0], 58.0, 65.0), (centres[1], 35.0, 42.0)]
    assert list(data["interval_drawn"]) == [True, True, *[False] * 6]


def test_parts_go_where_the_data_puts_them_whatever_their_labels():
    table = shares_table()
    table["label"] = [
        "Meta's apps",
        "Rest",
        "Insta",
        "Facebook and Messenger",
        "WhatsApp (Meta)",
        "Others",
        "Unsplit",
        "Held back",
    ]
    # Facebook and Messenger, not owned here: the data stacks it in the rest's column.
    table.loc[3, "part_of"] = "other"
    table.loc[0, ["share", "bootstrap_low", "bootstrap_high"]] = [47.5, 44.0, 51.0]
    table.loc[1, ["share", "bootstrap_low", "bootstrap_high"]] = [52.0, 49.0, 55.0]
    fig, data, alt = shares.platform_shares(table, "Share of known instances", BADGE, words=WORDS)
    owner, rest = columns(fig).values()
    assert [(b, h) for b, h, _ in owner] == [(0, 40.1), (40.1, 7.4)]
    # Stacked in the table's order: Facebook and Messenger comes before the other parts.
    assert [(b, h) for b, h, _ in rest] == [(0, 14.2), (14.2, 33.3), (47.5, 4.5)]
    assert list(data["part_of"]) == ["", "", "facebook_owned", "other", "facebook_owned"] + [
        "other",
        "other",
        "",
    ]
    assert "Meta's apps 47.5% (95% interval 44.0% to 51.0%), of which Insta 40.1% and " in alt
    assert "Rest 52.0% (95% interval 49.0% to 55.0%), of which Facebook and Messenger 14.2%, " in (
        alt
    )
    words = texts(fig)
    assert "Insta 40.1%" in words and "Facebook and Messenger 14.2%" in words
    # The part in neither column, with its sign (what the totals count beyond the cells, net).
    assert "Held back: +0.5% of known instances, in neither column." in words


def test_the_chart_states_the_finding_and_its_alt_text_what_is_drawn():
    fig, data, alt = shares.platform_shares(
        shares_table(), "Share of known instances", BADGE, words=WORDS
    )
    words = texts(fig)
    assert "Facebook-owned apps were used in 62% of instances" in words  # 61.7 rounds to 62
    for label in ("61.7%", "37.8%", "Instagram 40.1%", "WhatsApp 7.4%"):
        assert label in words
    assert BADGE in words
    assert fig.axes[0].get_legend() is None
    assert alt.startswith("Two stacked columns")
    assert (
        "Facebook-owned apps 61.7% (95% interval 58.0% to 65.0%), of which Instagram 40.1%, "
        "Facebook or Messenger 14.2% and WhatsApp 7.4%; Other apps and platforms 37.8% "
        "(95% interval 35.0% to 42.0%), of which Other apps and platforms 33.3% and Not "
        "itemised by the return 4.5%." in alt
    )
    assert alt.endswith(f"{BADGE}.")
    assert list(data.columns[-4:]) == ["is_platform", "interval_drawn"] + [
        "source_table",
        "source_row",
    ]
    assert list(data["source_row"]) == [2, 7, 2, 3, 4, 5, 6, 7]


def test_a_chart_of_real_returns_has_no_badge():
    fig, _, alt = shares.platform_shares(
        shares_table(), "Share of known instances", "", words=WORDS
    )
    assert BADGE not in texts(fig)
    assert alt.endswith(
        "(95% interval 35.0% to 42.0%), of which Other apps and platforms "
        "33.3% and Not itemised by the return 4.5%."
    )


def test_parts_must_add_to_their_column_within_rounding():
    table = shares_table()
    # Three parts and the column, each rounded: 0.2 points apart is within rounding ...
    table.loc[0, "share"] = 61.9
    fig, _, _ = shares.platform_shares(table, "Share", BADGE, words=WORDS)
    # ... but a part larger than that is a fault in the tables, more or less.
    for share in (55.0, 30.0):
        table.loc[2, "share"] = share
        with pytest.raises(RuntimeError, match="more apart than rounding allows"):
            shares.platform_shares(table, "Share", BADGE, words=WORDS)


def test_a_missing_column_row_is_an_input_error():
    table = shares_table()
    without = table.drop(index=1)  # the rest's total, whose parts remain
    with pytest.raises(InputError, match="group other"):
        shares.platform_shares(without, "Share", BADGE, words=WORDS)


def test_the_title_names_the_larger_column_whatever_it_is():
    from figure_tables import META_WORDS

    table = shares_table()
    table["share"] = [30.0, 69.5, 20.0, 6.0, 4.0, 60.0, 9.5, 0.5]
    table["bootstrap_low"] = table["share"] - 2
    table["bootstrap_high"] = table["share"] + 2
    table["label"] = ["Meta-owned apps", "Other apps and platforms", "Pics", "Chat", "Calls"] + [
        "Other apps and platforms",
        "Not itemised",
        "Withheld",
    ]
    fig, _, alt = shares.platform_shares(table, "Share", "", words=META_WORDS)
    title = fig.texts[0].get_text().replace("\n", " ")
    assert (
        title
        == "Other apps and platforms were used in 70% of instances where the platform was known"
    )
    notes = fig.texts[2].get_text().replace("\n", " ")
    assert META_WORDS.source_line in notes
    assert "Meta-owned apps 30.0%" in alt


def test_the_title_names_a_platform_that_leads_the_owner_group():
    from figure_tables import META_WORDS

    table = shares_table()
    # A platform of the rest, drawn as a part of its own, larger than the whole owner group.
    table["share"] = [30.0, 69.5, 20.0, 6.0, 4.0, 35.0, 34.5, 0.5]
    table.loc[5, ["group", "label", "is_platform"]] = ["chatly", "Chatly", True]
    table["bootstrap_low"] = table["share"] - 2
    table["bootstrap_high"] = table["share"] + 2
    table.loc[0, "label"] = "Meta-owned apps"
    fig, _, _ = shares.platform_shares(table, "Share", "", words=META_WORDS)
    title = fig.texts[0].get_text().replace("\n", " ")
    assert title == (
        "Chatly led, in 35% of instances where the platform was known; Meta-owned apps had 30%"
    )
