"""Data a researcher adds builds with data alone, and says exactly what it is: in a copy of the
project, every scenario of tests/pipeline/scenarios.py is added as the README says (no code
changed), and one `make` builds them all:

(a) a real partial return in place of a simulated one in a committed wave;
(b) a new latest wave where Snapchat leads and the owner group does not;
(c) a wave of another offence scope, nine months long, with Kik and phone calls;
(d) a one-force wave with small counts;
(e) a second request over the same year as a committed wave (its id is not its period);
(f) waves with no force in common (so no force is in every wave).

Expectations come from the scenarios' own numbers and from the copy's own data, never from the
repository's committed waves.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import scenarios as sc

from src.helpers import ROOT

VENV = ROOT / ".venv"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, tuple[str, str]]:
    if not (VENV / ".installed").is_file():
        pytest.skip("the project's .venv is not set up: run `make setup`")
    root = tmp_path_factory.mktemp("researcher")
    # Every file of the working tree git does not ignore: a researcher's own data too.
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            (root / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / os.fsdecode(name))
    replaced = sc.write_all(root)
    # The copy uses this checkout's environment under its own name, .venv, as a researcher's
    # would be: no path of ours (which may hold a space) is handed to make.
    (root / ".venv").symlink_to(VENV, target_is_directory=True)
    done = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return root, replaced


def build_of(root: Path, folder: str = "") -> dict[str, str]:
    tables = root / "reports" / folder / "tables" if folder else root / "reports" / "tables"
    rows = pd.read_csv(tables / "build.csv", dtype=str, keep_default_na=False)
    return dict(zip(rows["key"], rows["value"], strict=True))


def table(root: Path, name: str, folder: str = "") -> pd.DataFrame:
    tables = root / "reports" / folder / "tables" if folder else root / "reports" / "tables"
    return pd.read_csv(tables / f"{name}.csv", dtype=str, keep_default_na=False)


def test_every_added_wave_is_built_in_its_own_folder_with_its_words(project):
    root, _ = project
    assert build_of(root)["wave"] == sc.LATEST.wave  # the latest wave is the default build
    for wave in sc.WAVES[:-1]:
        info = build_of(root, f"waves/{wave.wave}")
        assert info["wave"] == wave.wave
        assert info["period"] == wave.label
        assert info["forces_with_data"] == str(len(wave.returns))
        assert info["returns"] == "real"
        assert info["badge"] == ""


def test_a_wave_of_another_scope_is_named_by_its_own_offence_groups(project):
    root, _ = project
    info = build_of(root, f"waves/{sc.GROOMING_2017.wave}")
    assert info["offence_groups"] == sc.NEW_GROUP[2]
    known = table(root, "headline", f"waves/{sc.GROOMING_2017.wave}")
    known = known[(known["platform_group"] == "all_known") & (known["unit"] == "count")]
    # Every printed count, and one withheld cell at the middle of 1 to 4 (no release declares
    # another way of counting for this wave).
    assert float(known["computed"].iloc[0]) == sc.GROOMING_2017.count() + 2.5
    # Phone calls, a platform added as data, are counted and named.
    platforms = table(root, "platforms", f"waves/{sc.GROOMING_2017.wave}")
    assert sc.NEW_PLATFORM[1] in set(platforms["name"])


def test_the_leading_platform_leads_every_headline(project):
    root, _ = project
    snapchat = sc.LATEST.count("Snapchat")
    share = 100 * snapchat / sc.LATEST.count()
    info = build_of(root)
    assert info["headline"].startswith(f"Snapchat was the largest platform, with {share:.1f}%")
    figure = (root / "reports" / "figures" / "1-platform-shares.svg").read_text(encoding="utf-8")
    assert "Snapchat led" in figure
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- findings:start -->\n")[1]
    report = (root / "reports" / "report.html").read_text(encoding="utf-8")
    assert report.split("<h1>")[1].startswith("Snapchat: ")  # the findings page's title
    assert block.startswith("**Snapchat: ")  # the README opens its findings with the same
    assert table(root, "platforms")["name"].iloc[0] == "Snapchat"


def test_every_cross_wave_row_says_its_own_waves_returns_scope_and_names(project):
    root, _ = project
    waves = table(root, "waves")
    coverage = pd.read_csv(root / "data" / "processed" / "coverage.csv", dtype=str)
    counted = coverage[pd.to_numeric(coverage["files_read"]) > 0]
    for wave, rows in waves.groupby("wave"):
        kinds = set(counted.loc[counted["wave"] == wave, "provenance"])
        expected = kinds.pop() if len(kinds) == 1 else "mixed"
        assert set(rows["returns"]) == {expected}, wave
    owner = waves[waves["group"] == build_of(root)["owner_group"]]
    names = dict(zip(owner["wave"], owner["label"], strict=False))
    assert names[sc.LATEST.wave] == "Meta-owned apps"  # after the owner's rename
    assert names[sc.ONE_FORCE.wave] == "Facebook-owned apps"  # before it
    scope = waves.drop_duplicates("wave").set_index("wave")["same_scope"]
    assert scope[sc.GROOMING_2017.wave] == "False" and scope[sc.LATEST.wave] == "True"
    # Two requests over one year are told apart by their words, not only their ids.
    labels = waves.drop_duplicates("wave")["wave_label"]
    assert labels.is_unique


def test_no_force_in_every_wave_means_no_like_for_like_rows(project):
    root, _ = project
    waves = table(root, "waves")
    assert set(waves["basis"]) == {"all forces"}
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert (
        "(like for like)" not in readme.split("<!-- waves:start -->")[1].split("<!-- waves:end")[0]
    )


def test_a_one_force_wave_of_small_counts_is_protected_not_crashed(project):
    root, _ = project
    forces = table(root, "forces", f"waves/{sc.ONE_FORCE.wave}")
    cells = forces.iloc[0][["instagram", "whatsapp"]]
    # Every small count is withheld ([c] in the workbook, empty here); nothing prints 0 for it.
    assert (cells == "").all()


def test_a_real_partial_return_is_counted_as_partial_and_said(project):
    root, (wave, force) = project
    instances = pd.read_csv(root / "data" / "processed" / "instances.csv", dtype=str)
    mine = instances[(instances["wave"] == wave) & (instances["force"] == force)]
    itemised = sum(n for label, n in sc.PARTIAL.items() if label != "total")
    rest = mine[mine["platform"] == "not_itemised"]
    assert rest["count"].astype(int).tolist() == [sc.PARTIAL["total"] - itemised]
    coverage = pd.read_csv(root / "data" / "processed" / "coverage.csv", dtype=str)
    in_wave = coverage[(coverage["wave"] == wave) & (pd.to_numeric(coverage["files_read"]) > 0)]
    real = int((in_wave["provenance"] == "real").sum())
    folder = "" if wave == sc.LATEST.wave else f"waves/{wave}"
    info = build_of(root, folder)
    assert info["returns"] == "mixed" and info["returns_real"] == str(real)
    assert f"{real} of {len(in_wave)}" in info["badge"]
    # Its owner group figures leave it out (it does not itemise Facebook or Messenger, nor
    # WhatsApp), its Snapchat and Instagram figures keep it.
    headline = table(root, "headline", folder)
    owner = headline[
        (headline["platform_group"] == info["owner_group"]) & (headline["unit"] == "percent")
    ]
    assert int(owner["forces_counted"].iloc[0]) < len(in_wave)


def test_no_reader_facing_file_says_nan_or_none(project):
    root, _ = project
    # A value printed as Python writes a missing one ("nan", "None" in a cell), never a word.
    bad = re.compile(r"\bnan\b|nan%|>\s*None\s*<|\"None\"|: None\b")
    pages = [root / "reports" / "report.html", root / "reports" / "annex.html"]
    for path in [*(root / "reports").rglob("*.txt"), *pages]:
        assert not bad.search(path.read_text(encoding="utf-8")), path
    for path in (root / "reports").rglob("*.svg"):
        assert "nan%" not in path.read_text(encoding="utf-8"), path
