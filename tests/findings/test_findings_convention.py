"""Tests for src/findings/convention.py: a release's declared counting convention applied to a
small return worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from synthetic_instances import WAVE, rules

from src.errors import InputError
from src.findings import convention, shares

KEY = {
    "wave": WAVE,
    "force": "a",
    "source_file": "a/return.csv",
    "table": "table 1: header line 1",
    "block": "online_sexual, 2019-10-01 to 2020-03-31",
}


def _cells(spec, **key):
    out = []
    for i, (platform, value) in enumerate(spec):
        withheld = isinstance(value, tuple)
        low, high = value if withheld else (value, value)
        out.append(
            {
                **KEY,
                **key,
                "period_start": "2019-10-01",
                "period_end": "2020-03-31",
                "period": "2019-10_2020-03",
                "offence_group": "online_sexual",
                "raw_label": platform,
                "platform": platform,
                "count": "" if withheld else str(value),
                "lower": str(low),
                "upper": str(high),
                "withheld": str(withheld),
                "source_place": f"row {i + 2}",
            }
        )
    return pd.DataFrame(out)


def _block(total, mapped, unknown, excluded, withheld, excluded_withheld, **key):
    """A reconciliation row; each of mapped .. excluded_withheld a (lower, upper) pair, and
    withheld and excluded_withheld also a number of cells."""
    row = {**KEY, **key, "total_source": "printed total" if total else "sum of rows"}
    row["total_place"] = "row 9" if total else ""
    row["total_lower"] = row["total_upper"] = total or mapped[0] + unknown[0] + excluded[0]
    for name, (low, high) in (("mapped", mapped), ("unknown", unknown), ("excluded", excluded)):
        row[f"{name}_lower"], row[f"{name}_upper"] = low, high
    row["withheld_cells"], row["withheld_lower"], row["withheld_upper"] = withheld
    (
        row["excluded_withheld_cells"],
        row["excluded_withheld_lower"],
        row["excluded_withheld_upper"],
    ) = excluded_withheld
    return row


# One block, printed total 60: Instagram 30, WhatsApp and Snapchat withheld (1 to 4 each),
# 20 with no platform, and an excluded row ("Telephone") withheld too. The withheld cells sum to
# 60 - 30 - 20 = 10. By hand, with each withheld cell at 2 (the middle of 1 to 4, rounded
# down): known = 60 - 20 - 2 = 38; Instagram 30, WhatsApp 2, Snapchat 2; the printed total
# counts 38 - 34 = 4 known instances the cells do not attribute.
CELLS = [("instagram", 30), ("whatsapp", (1, 4)), ("snapchat", (1, 4)), ("unknown", 20)]
BLOCK = _block(60, (32, 38), (20, 20), (1, 4), (3, 3, 12), (1, 1, 4))
RELEASE = convention.Convention("middle_rounded_down", "printed_totals", "2021_03")


def _groups(cells, blocks, conv):
    treated = shares.treat(cells, pd.DataFrame(blocks), conv)
    table = shares.force_groups(treated, rules())
    return table.set_index("group")["value"]


def test_known_instances_come_from_the_printed_total():
    groups = _groups(_cells(CELLS), [BLOCK], RELEASE)
    assert groups["all_known"] == 38
    assert groups["instagram"] == 30
    assert groups["whatsapp"] == 2
    assert groups["facebook_owned"] == 32
    # Snapchat only: the remainder is in no platform group
    assert groups["other"] == 2
    assert groups["unknown"] == 20


def test_the_remainder_is_one_row_of_its_own_platform():
    treated = shares.treat(_cells(CELLS), pd.DataFrame([BLOCK]), RELEASE)
    rest = treated[treated["platform"] == convention.REMAINDER]
    assert len(rest) == 1
    assert rest["value"].iloc[0] == 4
    assert rest["source_place"].iloc[0] == "row 9"
    assert (rest["value_min"].iloc[0], rest["value_max"].iloc[0]) == (0, 0)


def test_a_block_without_a_printed_total_adds_nothing():
    block = _block(None, (32, 38), (20, 20), (1, 4), (3, 3, 12), (1, 1, 4))
    groups = _groups(_cells(CELLS), [block], RELEASE)
    assert groups["all_known"] == 34


def test_the_cells_alone_when_the_convention_says_so():
    cells_only = convention.Convention("middle_rounded_down", "cells")
    assert _groups(_cells(CELLS), [BLOCK], cells_only)["all_known"] == 34
    midpoint = convention.Convention("midpoint")
    assert _groups(_cells(CELLS), [BLOCK], midpoint)["all_known"] == 35


def test_a_remainder_can_be_negative():
    # Total 55: the withheld cells sum to 5, less than the 6 the rule counts them at.
    block = {**BLOCK, "total_lower": 55, "total_upper": 55}
    groups = _groups(_cells(CELLS), [block], RELEASE)
    assert groups["all_known"] == 55 - 20 - 2
    assert groups["instagram"] + groups["other"] + groups["whatsapp"] == 34


def test_the_rule_rounds_the_middle_down():
    lower, upper = pd.Series([1, 0, 1]), pd.Series([4, 4, 9])
    assert convention.withheld_value(lower, upper, "middle_rounded_down").tolist() == [2, 2, 5]


RELEASES = pd.DataFrame({"release": ["2021_03"], "wave": [WAVE]})
ANOTHER_WAVE = "wave-with-no-release"
CONVENTIONS = pd.DataFrame(
    {
        "release": ["2021_03"],
        "withheld_counted_as": ["middle_rounded_down"],
        "known_total_from": ["printed_totals"],
        "note": [""],
    }
)


def test_a_build_takes_its_release_convention():
    conv = convention.convention_for("release", RELEASES, CONVENTIONS, WAVE)
    assert conv == RELEASE
    assert convention.convention_for("release", RELEASES, CONVENTIONS, ANOTHER_WAVE) == (
        convention.Convention("midpoint")
    )
    assert convention.convention_for("maximum", RELEASES, CONVENTIONS, WAVE).known_total_from == (
        "cells"
    )


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"withheld_counted_as": ["zero"]}, "'zero' is not one of"),
        ({"known_total_from": ["forces"]}, "'forces' is not one of"),
        ({"release": ["2019_12"]}, "no row for release"),
    ],
)
def test_a_bad_convention_file_is_named(change, match):
    with pytest.raises(InputError, match=match) as error:
        convention.check_conventions(CONVENTIONS.assign(**change), RELEASES, "conventions.csv")
    assert error.value.file == "conventions.csv"
