"""How a headline number on the report page maps to its row of the headline table (shared by
the report test and the browser test)."""

from __future__ import annotations

import pandas as pd


def expected(headline: pd.DataFrame, key: str) -> tuple[float, str]:
    """The computed value of the measure a page span names (``data-measure``), and its unit."""
    if key.endswith("_count"):
        group = key.removesuffix("_count")
        rows = headline[
            (headline["unit"] == "count")
            & (headline["platform_group"] == ("" if group == "forces" else group))
        ]
    else:
        group, denominator = key.split("_of_")
        rows = headline[
            (headline["unit"] == "percent")
            & (headline["platform_group"] == group)
            & (headline["denominator"] == denominator)
        ]
    assert len(rows), f"the page shows {key}, which the headline table does not have"
    return float(rows["computed"].iloc[0]), rows["unit"].iloc[0]
