"""Every data file of every committed build says which returns it was computed from, as the
data say they are: each table and chart data file computed from the returns ends with the
column ``returns``, which is ``real``, ``simulated`` or ``mixed`` by the provenance
(``data/processed/coverage.csv``) of the returns of the build's forces, or, in a table of every
wave side by side, of each row's own wave; the files of published figures only have no such
column. The expectations are worked out here from coverage.csv and each build's own forces."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from src.helpers import PROCESSED, ROOT
from src.vocab import JUDGED

#: Files of published figures only (the series and the release's own figures), and the build's
#: key-value table; a figure's file by its name after its number.
PUBLISHED_ONLY = {
    "build.csv",
    "series.csv",
    "series_by_area.csv",
    "platform_series.csv",
    "published_consistency.csv",
    "release_checks.csv",
    "sexual-communication-series.csv",
    "platform-shares-over-time.csv",
    "sexual-communication-series-by-area.csv",
}

BUILDS = sorted({p.parent.parent for p in (ROOT / "reports").glob("**/tables/build.csv")}, key=str)


def kind(provenances) -> str:
    """What a set of returns is, by their provenances: all real, all simulated, or mixed."""
    values = set(provenances)
    assert values and values <= {"real", "simulated"}, values
    return values.pop() if len(values) == 1 else "mixed"


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def coverage():
    return _read(PROCESSED / "coverage.csv")


def build_forces(build: Path) -> tuple[str, list[str]]:
    """A build's wave (build.csv) and forces (the rows of its per-force table)."""
    info = _read(build / "tables" / "build.csv").set_index("key")["value"]
    forces = _read(build / "tables" / "forces.csv")["force"]
    return info["wave"], sorted(set(forces) - {"total"})


def provenance_of(coverage: pd.DataFrame, wave: str, forces) -> pd.Series:
    rows = coverage[(coverage["wave"] == wave) & coverage["force"].isin(list(forces))]
    assert len(rows) == len(set(forces)), (wave, sorted(set(forces) - set(rows["force"])))
    return rows["provenance"]


@pytest.mark.parametrize("build", BUILDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_build_says_what_its_returns_are(build: Path, coverage):
    wave, forces = build_forces(build)
    provenance = provenance_of(coverage, wave, forces)
    info = _read(build / "tables" / "build.csv").set_index("key")["value"]
    assert info["returns"] == kind(provenance)
    assert int(info["returns_real"]) == int(provenance.eq("real").sum())
    assert int(info["returns_simulated"]) == int(provenance.eq("simulated").sum())
    # The badge every chart carries is blank exactly when every return is real.
    assert (info["badge"] == "") == (kind(provenance) == "real")


@pytest.mark.parametrize("build", BUILDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_data_file_computed_from_the_returns_ends_with_their_provenance(build: Path, coverage):
    wave, forces = build_forces(build)
    expected = kind(provenance_of(coverage, wave, forces))
    # Each wave's forces in this build's comparison of waves, and the provenance of each.
    by_wave = _read(build / "tables" / "wave_forces.csv")
    waves = [c for c in by_wave.columns if c not in ("force", "like_for_like", "returns")]
    of_wave = {}
    for w in waves:
        answered = by_wave.loc[by_wave[w] != "", ["force", w]]
        truth = provenance_of(coverage, w, answered["force"])
        assert sorted(answered[w]) == sorted(truth), w
        of_wave[w] = kind(truth)
    files = sorted((build / "tables").glob("*.csv")) + sorted((build / "figures").glob("*.csv"))
    assert len(files) > 15
    for path in files:
        data = _read(path)
        if re.sub(r"^\d+-", "", path.name) in PUBLISHED_ONLY:
            assert "returns" not in data.columns, path.name
            continue
        assert data.columns[-1] == "returns", path.name
        if "verdict" in data.columns and "as_published" in data.columns:
            # Each figure compared with the release says the returns it was computed from (its
            # area's forces that itemise it); none where it could not be computed. A figure
            # computed from any simulated return is never a verdict on the release.
            assert set(data["returns"]) <= {"real", "simulated", "mixed", ""}, path.name
            compared = data[data["verdict"].isin(JUDGED)]
            assert compared["returns"].eq("real").all(), path.name
            method = data["verdict"] == "a check of the method, on simulated returns"
            assert data.loc[method, "returns"].isin(["simulated", "mixed"]).all(), path.name
        elif "force" in data.columns and not {"wave", *of_wave} & set(data.columns):
            # A row per force: its own return's provenance (a total row, the build's).
            of_force = coverage[coverage["wave"] == wave].set_index("force")["provenance"]
            assert set(data["force"]) - set(of_force.index) <= {"total"}, path.name
            rows = [of_force.get(f, expected) for f in data["force"]]
            assert data["returns"].tolist() == rows, path.name
        elif "wave" in data.columns:  # rows of several waves: each its own wave's returns
            rows = [
                of_wave[w] if of_wave[w] == of_wave[c or w] else "mixed"
                for w, c in zip(data["wave"], data.get("compares_with", data["wave"]), strict=True)
            ]
            assert data["returns"].tolist() == rows, path.name
        else:  # a table with no rows (no release to compare with, say) has nothing to label
            assert set(data["returns"]) == ({expected} if len(data) else set()), path.name
