"""Every data file of every committed build says which returns it was computed from: the
per-force returns committed here are simulated, so each table and chart data file computed from
them ends with the column ``returns`` = simulated; the files of published figures only have no
such column. (A build from real returns says ``real``: tests/pipeline/test_generated_wave.py.)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from src.helpers import ROOT

#: Files of published figures only (the series and the release's own figures), and the build's
#: key-value table.
PUBLISHED_ONLY = {
    "build.csv",
    "series.csv",
    "series_by_area.csv",
    "platform_series.csv",
    "published_consistency.csv",
    "4-sexual-communication-series.csv",
    "6-platform-shares-over-time.csv",
    "7-sexual-communication-series-by-area.csv",
}

BUILDS = sorted({p.parent.parent for p in (ROOT / "reports").glob("**/tables/build.csv")}, key=str)


@pytest.mark.parametrize("build", BUILDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_data_file_computed_from_the_returns_ends_with_their_provenance(build: Path):
    files = sorted((build / "tables").glob("*.csv")) + sorted((build / "figures").glob("*.csv"))
    assert len(files) > 15
    for path in files:
        data = pd.read_csv(path, dtype=str, keep_default_na=False)
        if path.name in PUBLISHED_ONLY:
            assert "returns" not in data.columns, path.name
            continue
        assert data.columns[-1] == "returns", path.name
        assert set(data["returns"]) == {"simulated"}, path.name


def test_the_committed_returns_are_all_simulated():
    # The label above is only right if every return is simulated: the coverage table says so.
    coverage = pd.read_csv(ROOT / "data" / "processed" / "coverage.csv", dtype=str)
    assert set(coverage["provenance"]) == {"simulated"}
