"""A wave nobody here has seen builds with data alone: in a copy of the project, a wave with
one annual period, no published figures, Snapchat leading, no unknown-platform rows and the
forces of one region only (tests/pipeline/generated_wave.py) is added beside the committed
waves, and `make` builds it, as the latest wave, into every table, figure and the report.

The expected numbers are worked by hand from the counts in generated_wave.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import generated_wave as gw
import pandas as pd
import pytest

from src.helpers import ROOT

VENV = ROOT / ".venv"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    if not (VENV / ".installed").is_file():
        pytest.skip("the project's .venv is not set up: run `make setup`")
    root = tmp_path_factory.mktemp("next-year")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            (root / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / os.fsdecode(name))
    gw.write_wave(root)
    done = subprocess.run(
        ["make", "--no-print-directory", f"VENV={VENV}", "-o", f"{VENV}/.installed"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return root


def table(project: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(project / "reports" / "tables" / f"{name}.csv", keep_default_na=False)


def build(project: Path) -> dict[str, str]:
    rows = table(project, "build")
    return dict(zip(rows["key"], rows["value"], strict=True))


def test_the_new_wave_is_the_default_build_with_its_place_period_and_source(project):
    info = build(project)
    assert info["wave"] == gw.WAVE
    assert info["period"] == "April 2030 to March 2031"
    assert info["place"] == gw.REGION
    assert info["forces_with_data"] == "5"
    # Real returns and no release: the source line names neither simulation nor a release.
    assert info["source_line"] == "Source: police force returns to Freedom of Information requests."
    assert info["simulated"] == "False"
    # The owner is named as on the wave's last day, after its rename.
    assert info["owner_name"] == "Meta Platforms, Inc."
    assert info["owner_group_name"] == "Meta-owned apps"
    # The older waves still build into their own folders.
    assert (project / "reports" / "waves" / "2019-10_2020-09" / "tables" / "build.csv").is_file()


def test_the_numbers_are_those_of_the_returns(project):
    # Snapchat: 80 + 40 + 80 + 50 + 100 = 350 of 500 known instances; Facebook or Messenger
    # (5 + 10) and WhatsApp (5 + 10) tie at 15 and are ranked by name.
    assert gw.known_total() == 500
    platforms = table(project, "platforms")
    top = platforms.iloc[0]
    assert (top["name"], top["count"], top["share"]) == ("Snapchat", 350.0, 70.0)
    assert list(platforms["name"]) == [
        "Snapchat",
        "Instagram",
        "TikTok",
        "Facebook or Messenger",
        "WhatsApp",
    ]
    # No force printed a row for unknown platforms: reported by none, not zero.
    coverage = pd.read_csv(project / "data" / "processed" / "coverage.csv", dtype=str)
    rows = coverage[coverage["wave"] == gw.WAVE]
    assert set(rows["unknown_reported"]) == {"False"}


def test_no_published_figures_are_compared_and_the_report_says_so(project):
    assert table(project, "headline")["figure_id"].eq("").all()
    page = (project / "reports" / "report.html").read_text(encoding="utf-8")
    assert 'id="published-none"' in page
    assert (
        "simulated" not in (project / "reports" / "figures" / "9-largest-platforms.txt").read_text()
    )
    assert not (project / "reports" / "figures" / "3-regions.svg").exists()


def test_titles_and_alt_text_name_the_leading_platform(project):
    figures = project / "reports" / "figures"
    alt = (figures / "9-largest-platforms.txt").read_text(encoding="utf-8")
    assert alt.startswith("Bar chart of the 5 largest named platforms")
    assert "Snapchat 70.0%" in alt
    svg = (figures / "9-largest-platforms.svg").read_text(encoding="utf-8")
    assert "Snapchat was the largest platform" in svg
    assert "Meta-owned apps" in svg


def test_every_data_file_from_real_returns_says_real_and_none_says_simulated(project):
    # The new wave's returns are real (no simulated return in its manifest): each table and
    # chart data file computed from them ends with returns = real, and no CSV or source line
    # calls anything simulated.
    files = sorted((project / "reports" / "tables").glob("*.csv"))
    files += sorted((project / "reports" / "figures").glob("*.csv"))
    labelled = 0
    for path in files:
        data = pd.read_csv(path, dtype=str, keep_default_na=False)
        text = path.read_text(encoding="utf-8").lower()
        if path.name == "build.csv":  # its key "simulated" says False
            text = text.replace("\nsimulated,false\n", "\n")
        assert "simulated" not in text, path.name
        if "returns" in data.columns:
            assert data.columns[-1] == "returns", path.name
            assert set(data["returns"]) <= {"real"}, path.name
            labelled += 1
    assert labelled >= 10
    assert table(project, "headline")["returns"].eq("real").all()
