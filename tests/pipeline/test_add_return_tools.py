"""scripts/add_return.py as the README documents it for what is not one force's file: a wave's
outcomes.csv is recorded with its provenance taken from its rows, and a force's return is
withdrawn (its files, reading spec and manifest rows go; its outcome says why), after which the
cleaning runs and the force has no counts."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures import corpus

from scripts import add_return
from src.clean import run as clean
from src.data.manifest import read_manifest


@pytest.fixture
def root(tmp_path):
    corpus.build_corpus(tmp_path)
    return tmp_path


def _add(root, *argv: str) -> int:
    return add_return.main(
        [*argv, "--raw-dir", str(root / "raw"), "--reference-dir", str(root / "reference")]
    )


def _outcomes(root) -> pd.DataFrame:
    return pd.read_csv(
        root / "raw" / "waves" / corpus.WAVE / "outcomes.csv", dtype=str, keep_default_na=False
    )


def test_outcomes_are_recorded_with_the_provenance_of_their_rows(root, capsys):
    path = f"waves/{corpus.WAVE}/outcomes.csv"
    table = _outcomes(root)
    table.loc[table.index[0], "provenance"] = "real"
    (root / "raw" / path).write_text(table.to_csv(index=False, lineterminator="\n"))
    assert _add(root, path, "--content", "outcomes") == 0
    row = read_manifest(root / "raw").set_index("path").loc[path]
    expected = "mixed" if set(table["provenance"]) == {"real", "simulated"} else "real"
    assert row["provenance"] == expected
    assert "(mixed)" in capsys.readouterr().out or expected == "real"


def test_outcomes_need_no_force_and_refuse_one(root, capsys):
    path = f"waves/{corpus.WAVE}/outcomes.csv"
    before = (root / "raw" / "MANIFEST.csv").read_bytes()
    assert _add(root, path, "--content", "outcomes", "--force", "dorset") == 2
    assert "no force or outcome of its own" in capsys.readouterr().err
    assert (root / "raw" / "MANIFEST.csv").read_bytes() == before


def test_a_withdrawn_return_leaves_no_file_spec_or_row_and_says_why(root, capsys):
    manifest = read_manifest(root / "raw")
    force = "dorset"
    files = manifest.loc[(manifest["force"] == force), "path"].tolist()
    assert files, "the corpus has a return to withdraw"
    assert _add(root, "-", "--withdraw", corpus.WAVE, force, "--note", "Not provided.") == 0
    after = read_manifest(root / "raw")
    assert not (after["force"] == force).any()
    assert not any((root / "raw" / f).exists() for f in files)
    assert not (root / "reference" / "specs" / corpus.WAVE / f"{force}.yaml").exists()
    row = _outcomes(root).set_index("force").loc[force]
    assert (row["outcome"], row["provenance"], row["note"]) == (
        "not_provided",
        "real",
        "Not provided.",
    )
    result = clean.run_clean(root / "raw", root / "reference", root / "processed")
    assert force not in set(result.instances["force"])
    coverage = result.coverage.set_index("force")
    assert coverage.loc[force, "outcome"] == "not_provided"


def test_withdrawing_refuses_an_outcome_with_counts_and_changes_nothing(root, capsys):
    before = (root / "raw" / "MANIFEST.csv").read_bytes()
    assert _add(root, "-", "--withdraw", corpus.WAVE, "dorset", "--outcome", "data") == 2
    assert "without counts" in capsys.readouterr().err
    assert (root / "raw" / "MANIFEST.csv").read_bytes() == before
