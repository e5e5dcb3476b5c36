"""Provenance files: deterministic, complete, checked against the manifest, and sensitive to
any change in a raw input."""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib import metadata
from pathlib import Path

import pytest

from src import provenance
from src.data.manifest import COLUMNS
from src.errors import InputError
from src.helpers import ROOT

RETURN = "waves/a-wave/dorset/return.csv"
REFUSAL = "waves/a-wave/essex/refusal.txt"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_manifest(root: Path, paths: list[str], newline: str = "\n", bom: str = "") -> None:
    lines = [",".join(COLUMNS)]
    for path in paths:
        file = root / "data" / "raw" / path
        row = dict.fromkeys(COLUMNS, "")
        row |= {"path": path, "format": file.suffix[1:], "content": "return"}
        row |= {"provenance": "simulated", "bytes": str(file.stat().st_size), "sha256": _sha(file)}
        lines.append(",".join(row[c] for c in COLUMNS))
    text = bom + newline.join(lines) + newline
    (root / "data" / "raw" / "MANIFEST.csv").write_bytes(text.encode("utf-8"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project: two raw files with a manifest, one reference file, one output folder."""
    shutil.copy(ROOT / "requirements.in", tmp_path / "requirements.in")
    raw = tmp_path / "data" / "raw"
    (raw / RETURN).parent.mkdir(parents=True)
    (raw / REFUSAL).parent.mkdir(parents=True)
    (raw / RETURN).write_text("Platform,Count\nInstagram,12\n")
    (raw / REFUSAL).write_text("Refused under section 12.\n")
    _write_manifest(tmp_path, [RETURN, REFUSAL])
    (tmp_path / "data" / "reference").mkdir(parents=True)
    (tmp_path / "data" / "reference" / "platforms.csv").write_text("platform\ninstagram\n")
    out = tmp_path / "data" / "processed"
    out.mkdir(parents=True)
    (out / "instances.csv").write_text("force,count\ndorset,12\n")
    return tmp_path


def _write(project: Path, **parameters) -> dict:
    path = provenance.write_provenance(
        project / "data" / "processed",
        "10-clean",
        {"wave": "a-wave", **parameters},
        ["data/raw", "data/reference"],
        root=project,
    )
    return json.loads(path.read_text())


def test_rebuild_writes_the_same_bytes(project):
    _write(project)
    first = (project / "data" / "processed" / "PROVENANCE.json").read_bytes()
    _write(project)
    second = (project / "data" / "processed" / "PROVENANCE.json").read_bytes()
    assert first == second
    text = first.decode()
    assert text == provenance.provenance_text(json.loads(text))  # keys sorted, one format
    assert str(project) not in text  # no absolute paths, so another clone writes the same


def test_every_raw_input_is_listed_with_its_hash(project):
    record = _write(project)
    raw = {e["path"]: e for e in record["inputs"]["raw"]}
    expected = {f"data/raw/{p}" for p in (RETURN, REFUSAL)} | {"data/raw/MANIFEST.csv"}
    assert set(raw) == expected
    for path, entry in raw.items():
        assert entry["sha256"] == _sha(project / path)
    assert raw[f"data/raw/{RETURN}"]["provenance"] == "simulated"
    assert record["simulated_raw_inputs"] == 2
    assert [e["path"] for e in record["inputs"]["reference"]] == ["data/reference/platforms.csv"]
    assert record["outputs"] == [
        {
            "path": "data/processed/instances.csv",
            "sha256": _sha(project / "data/processed/instances.csv"),
        }
    ]


def test_a_changed_raw_file_changes_the_provenance(project):
    before = _write(project)
    (project / "data" / "raw" / RETURN).write_text("Platform,Count\nInstagram,13\n")
    _write_manifest(project, [RETURN, REFUSAL])  # a new version, as received, is re-listed
    after = _write(project)
    assert before != after
    changed = {e["path"] for e in after["inputs"]["raw"] if e not in before["inputs"]["raw"]}
    assert changed == {f"data/raw/{RETURN}", "data/raw/MANIFEST.csv"}


def test_a_raw_file_that_disagrees_with_the_manifest_stops_the_run(project):
    (project / "data" / "raw" / RETURN).write_text("edited by hand\n")
    with pytest.raises(InputError, match="manifest says") as caught:
        _write(project)
    assert RETURN in caught.value.place
    assert "restore" in caught.value.fix


def test_a_raw_file_missing_from_the_manifest_stops_the_run(project):
    (project / "data" / "raw" / "waves" / "stray.csv").write_text("x\n")
    with pytest.raises(InputError, match="not listed in the manifest"):
        _write(project)


def test_a_missing_input_is_an_error(project):
    with pytest.raises(InputError, match="does not exist"):
        provenance.write_provenance(
            project / "reports", "report", {}, ["data/processed/nothing.csv"], root=project
        )


def test_parameters_and_versions_are_recorded(project):
    record = _write(project, seed=20210326, thresholds=(5, 7), out=Path("reports/tables"))
    assert record["parameters"] == {
        "out": "reports/tables",
        "seed": 20210326,
        "thresholds": [5, 7],
        "wave": "a-wave",
    }
    packages = record["environment"]["packages"]
    assert packages["pandas"] == metadata.version("pandas")  # imported by this test's process
    assert "not installed" not in packages.values()
    assert "ruff" not in packages  # a tool of the project, never imported by a step
    assert record["environment"]["python"] == "3.11"  # as pinned: no patch release


def test_a_changed_parameter_changes_the_provenance(project):
    assert _write(project, seed=1) != _write(project, seed=2)


def test_a_later_step_points_at_the_provenance_of_what_it_read(project):
    _write(project)
    tables = project / "reports" / "tables"
    tables.mkdir(parents=True)
    (tables / "headline.csv").write_text("measure,value\nshare,0.5\n")
    record = json.loads(
        provenance.write_provenance(
            tables, "20-findings", {}, ["data/processed/instances.csv"], root=project
        ).read_text()
    )
    assert record["inputs"]["raw"] == []
    assert [e["path"] for e in record["inputs"]["derived"]] == ["data/processed/instances.csv"]
    upstream = project / "data" / "processed" / "PROVENANCE.json"
    assert record["upstream"] == [
        {"path": "data/processed/PROVENANCE.json", "sha256": _sha(upstream)}
    ]


def _committed_provenance() -> list[Path]:
    return sorted(
        p
        for p in [*(ROOT / "data").rglob(provenance.FILENAME), *(ROOT / "reports").rglob("*.json")]
        if p.name == provenance.FILENAME
    )


@pytest.mark.parametrize("path", _committed_provenance(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_built_provenance_files_are_current(path):
    """Each PROVENANCE.json in the repository matches the files on disk right now."""
    record = json.loads(path.read_text())
    for group in record["inputs"].values():
        for entry in group:
            assert _sha(ROOT / entry["path"]) == entry["sha256"], entry["path"]
    for entry in record["outputs"] + record["upstream"]:
        assert _sha(ROOT / entry["path"]) == entry["sha256"], entry["path"]
    listed = {e["path"] for e in record["outputs"]}
    on_disk = {
        p.relative_to(ROOT).as_posix()
        for p in path.parent.iterdir()
        if p.is_file()
        and p.name not in (provenance.FILENAME, provenance.DOCUMENTATION)
        and not p.name.startswith(".")
    }
    assert listed == on_disk


def test_a_manifest_saved_by_a_spreadsheet_reads_the_same(project):
    """A byte-order mark and CRLF line ends (as Excel saves a CSV) change nothing recorded but
    the manifest's own hash."""

    def entries(record: dict) -> list[dict]:
        return [e for e in record["inputs"]["raw"] if e["path"] != "data/raw/MANIFEST.csv"]

    before = _write(project)
    _write_manifest(project, [RETURN, REFUSAL], newline="\r\n", bom="\ufeff")
    after = _write(project)
    assert entries(after) == entries(before)
    assert after["simulated_raw_inputs"] == before["simulated_raw_inputs"] == 2


def test_only_the_packages_a_process_imported_are_recorded(project):
    versions = provenance.package_versions(project, used={"pandas", "pyyaml"})
    assert versions == {"pandas": metadata.version("pandas"), "pyyaml": metadata.version("pyyaml")}
    assert provenance.package_versions(project, used=set()) == {}


def test_the_loaded_distributions_follow_the_imports():
    import yaml  # noqa: F401  (PyYAML is loaded in this process)

    loaded = provenance.loaded_distributions()
    assert "pyyaml" in loaded and "pandas" in loaded
    assert "ruff" not in loaded


def test_the_pins_of_the_checks_are_never_recorded(project):
    (project / "requirements.in").write_text(
        "# Analysis\npandas==1\n# pandas' note, not a heading\npyyaml==1\n"
        "# Checks\npytest==1\n# Checking screenshots\npillow==1\n# Notebooks\nipykernel==1\n"
    )
    used = {"pandas", "pyyaml", "pytest", "pillow", "ipykernel"}
    assert set(provenance.package_versions(project, used=used)) == {"pandas", "pyyaml", "ipykernel"}
