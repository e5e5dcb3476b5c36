"""End to end on a copy of the corpus: raw returns -> clean -> findings, with nothing typed in.

Removing one force's return, or changing one count in a return, must change what the findings
say by exactly what that return held.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from fixtures import corpus as fixture_corpus

from src import findings
from src.clean import run as clean
from src.data.manifest import read_manifest
from src.findings.intervals import uncertainty
from src.findings.params import unknown_reporters
from src.findings.text import known_subset_sentence
from src.helpers import RAW, REFERENCE, load_yaml, sha256_file
from src.vocab import NOT_ITEMISED

#: The wave a default build builds: the latest with data.
WAVE = findings.Params().for_inputs(findings.load_inputs()).wave
#: The releases of the fixture corpus's wave, as the list of releases names them.
_RELEASES = pd.read_csv(RAW / "published" / "releases.csv", dtype=str, keep_default_na=False)
RELEASES = list(_RELEASES.loc[_RELEASES["wave"] == fixture_corpus.WAVE, "file"])


@pytest.fixture
def corpus(tmp_path) -> tuple[Path, Path, Path]:
    raw, reference, processed = tmp_path / "raw", tmp_path / "reference", tmp_path / "processed"
    shutil.copytree(RAW, raw)
    shutil.copytree(REFERENCE, reference)
    return raw, reference, processed


def _known_total(result: findings.Findings) -> float:
    headline = result.tables["headline"]
    row = headline[
        headline["platform_group"].eq("all_known") & headline["denominator"].fillna("").eq("")
    ]
    return float(row["computed"].iloc[0])


def _baseline(raw: Path, reference: Path, processed: Path) -> findings.Findings:
    clean.run_clean(raw, reference, processed)
    inputs = findings.load_inputs(processed, raw / "published", reference)
    return findings.build(inputs, findings.Params())


def _remove_return(raw: Path, reference: Path, force: str) -> None:
    """What a researcher does when a force withdraws its answer: files, manifest rows, spec
    and the outcome all change together."""
    wave_dir = raw / "waves" / WAVE
    shutil.rmtree(wave_dir / force)
    (reference / "specs" / WAVE / f"{force}.yaml").unlink()
    manifest = pd.read_csv(raw / "MANIFEST.csv", dtype=str, keep_default_na=False)
    in_wave = manifest["path"].str.startswith(f"waves/{WAVE}/")
    manifest = manifest[
        ~(manifest["force"].eq(force) & in_wave) | manifest["content"].eq("outcomes")
    ]
    outcomes = pd.read_csv(wave_dir / "outcomes.csv", dtype=str, keep_default_na=False)
    at = outcomes["force"].eq(force)
    outcomes.loc[at, ["outcome", "questions_answered"]] = ["no_response", "none"]
    outcomes.loc[at, ["date_answered", "period_start", "period_end", "note"]] = ""
    outcomes.to_csv(wave_dir / "outcomes.csv", index=False, lineterminator="\n")
    _rehash(raw, manifest, f"waves/{WAVE}/outcomes.csv")


def _rehash(raw: Path, manifest: pd.DataFrame, path: str) -> None:
    at = manifest["path"].eq(path)
    manifest.loc[at, "sha256"] = sha256_file(raw / path)
    manifest.loc[at, "bytes"] = str((raw / path).stat().st_size)
    manifest.to_csv(raw / "MANIFEST.csv", index=False, lineterminator="\n")


def test_removing_one_forces_return_changes_the_findings_by_what_it_held(corpus):
    raw, reference, processed = corpus
    before = _baseline(raw, reference, processed)
    instances = pd.read_csv(processed / "instances.csv")
    instances = instances[instances["wave"].eq(WAVE)]
    # A force no published figure of an area is about (its region's or its own), so that no
    # regional or force figure depends on it.
    forces = pd.read_csv(reference / "forces.csv", dtype=str, keep_default_na=False)
    releases = _RELEASES.loc[_RELEASES["wave"] == WAVE, "file"]
    figures = [
        pd.read_csv(raw / "published" / f, dtype=str, keep_default_na=False) for f in releases
    ]
    areas = {a for f in figures for a in f.loc[f["geography"].isin(["region", "force"]), "area"]}
    outside = set(forces.loc[~forces["release_region"].isin(areas - {""}), "force"]) - areas
    force = sorted(outside & set(instances["force"]))[0]
    assert force in set(instances["force"])
    # What the force held: its known instances in the build before (under the convention,
    # from its printed totals), which the national total must lose with its return.
    groups = before.groups
    held = float(
        groups.loc[groups["force"].eq(force) & groups["group"].eq("all_known"), "value"].sum()
    )
    assert held > 0

    _remove_return(raw, reference, force)
    result = clean.run_clean(raw, reference, processed)
    after = findings.build(
        findings.load_inputs(processed, raw / "published", reference), findings.Params()
    )

    n = before.context["forces_with_data"]
    assert after.context["forces_with_data"] == n - 1
    assert f"{n - 1} of the" in after.text["caveat_coverage"]
    coverage = result.coverage[result.coverage["wave"].eq(WAVE)]
    assert coverage.set_index("force").loc[force, "outcome"] == "no_response"
    assert _known_total(after) == pytest.approx(_known_total(before) - held)


def _add(lines: list[str], place: str, delimiter: str, amount: int) -> None:
    """Add ``amount`` to the CSV cell at ``place`` ("line N, column 'NAME'")."""
    line_part, column_part = place.split(", column ", 1)
    line_no = int(line_part.removeprefix("line "))
    column = column_part.strip("'")
    header = next(row.split(delimiter) for row in lines if column in row.split(delimiter))
    fields = lines[line_no - 1].split(delimiter)
    at = header.index(column)
    fields[at] = str(int(fields[at]) + amount)
    lines[line_no - 1] = delimiter.join(fields)


def test_changing_one_count_in_a_return_moves_the_total_by_that_much(corpus):
    """A corrected return (a count and the force's printed total both up by 100) moves the
    national total by 100; the manifest is updated as for any replaced return."""
    raw, reference, processed = corpus
    before = _baseline(raw, reference, processed)
    instances = pd.read_csv(processed / "instances.csv", dtype={"count": "Int64"})
    instances = instances[instances["wave"].eq(WAVE)]
    reconciliation = pd.read_csv(processed / "reconciliation.csv", keep_default_na=False)
    # A count a return prints on a platform (not what a partial return's total leaves
    # unitemised, which is placed at the total's own cell).
    cells = instances[
        instances["source_file"].str.endswith(".csv")
        & ~instances["withheld"]
        & ~instances["platform"].isin(["unknown", NOT_ITEMISED])
        & instances["source_place"].str.startswith("line ")
    ].sort_values(["source_file", "source_place"])
    cell = cells.iloc[0]
    block = f"{cell['offence_group']}, {cell['period_start']} to {cell['period_end']}"
    total = reconciliation[
        reconciliation["source_file"].eq(cell["source_file"]) & reconciliation["block"].eq(block)
    ]["total_place"].iloc[0]

    path = raw / cell["source_file"]
    spec = load_yaml(reference / "specs" / WAVE / f"{cell['force']}.yaml")
    file = next(f for f in spec["files"] if f"waves/{WAVE}/{f['path']}" == cell["source_file"])
    encoding, delimiter = file.get("encoding", "utf-8"), file.get("delimiter", ",")
    lines = path.read_bytes().decode(encoding).split("\n")
    _add(lines, cell["source_place"], delimiter, 100)
    if total:
        _add(lines, total, delimiter, 100)
    path.write_bytes("\n".join(lines).encode(encoding))
    _rehash(raw, read_manifest(raw), cell["source_file"])

    clean.run_clean(raw, reference, processed)
    after = findings.build(
        findings.load_inputs(processed, raw / "published", reference), findings.Params()
    )
    assert _known_total(after) == pytest.approx(_known_total(before) + 100)


# --- A corpus in which no force reports an unknown-platform count ------------------------------


def _no_unknown_corpus(root: Path) -> tuple[findings.Inputs, findings.Findings]:
    """The fixture corpus's variant with no row of instances whose platform was not recorded,
    cleaned and built. Its forces span regions of one force each, so only the release's national
    figures are compared (a region's exact total would publish its one force's cells)."""
    paths = fixture_corpus.build_corpus(root, unknown_rows=False)
    for name in ("publication.yaml", "forces.csv", "conventions.csv"):
        shutil.copy(REFERENCE / name, paths["reference"] / name)
    published = root / "published"
    shutil.copytree(RAW / "published", published)
    for name in RELEASES:
        release = pd.read_csv(published / name, dtype=str, keep_default_na=False)
        release[release["geography"].eq("national") & release["compares_with"].eq("")].to_csv(
            published / name, index=False, lineterminator="\n"
        )
    # The fixture's waves.csv has the corpus's wave only: so has the list of releases.
    releases = pd.read_csv(published / "releases.csv", dtype=str, keep_default_na=False)
    releases = releases[releases["file"].isin(RELEASES)]
    releases.to_csv(published / "releases.csv", index=False, lineterminator="\n")
    conventions_file = paths["reference"] / "conventions.csv"
    conventions = pd.read_csv(conventions_file, dtype=str, keep_default_na=False)
    conventions[conventions["release"].isin(releases["release"])].to_csv(
        conventions_file, index=False, lineterminator="\n"
    )
    clean.run_clean(paths["raw"], paths["reference"], paths["processed"])
    inputs = findings.load_inputs(paths["processed"], published, paths["reference"])
    return inputs, findings.build(inputs, findings.Params())


def test_a_corpus_without_unknown_counts_builds_and_says_they_were_not_reported(tmp_path):
    inputs, result = _no_unknown_corpus(tmp_path)
    forces = sorted(set(result.groups["force"]))
    assert inputs.coverage["unknown_reported"].eq("False").all()
    # the per-force table is built (disclosure control no longer runs out of cells to hide)
    table = result.tables["forces"]
    assert sorted(table["force"]) == forces
    assert not result.tables["forces_audit"]["recoverable"].any()
    # a figure not provided is counted as such
    coverage = result.tables["coverage"].set_index("outcome")
    assert coverage.loc["not_provided", "forces"] == 1

    # What the build says once it is given which forces reported an unknown count
    # (coverage.csv's unknown_reported, read by unknown_reporters).
    reported = unknown_reporters(inputs.coverage, WAVE, forces)
    assert reported == []
    unc = uncertainty(result.groups, n_resamples=99, unknown_reported=reported)
    fb = unc[(unc["group"] == "facebook_owned") & (unc["denominator"] == "all_known")].iloc[0]
    assert pd.isna(fb["unknown_bound_low"]) and pd.isna(fb["unknown_bound_high"])
    assert pd.isna(fb["known_share"]) and fb["unknown_forces"] == 0
    caveat = known_subset_sentence(fb, len(forces), {})
    assert "not available" in caveat and "100.0%" not in caveat
    # ... and so its per-force table has no column of them, and every total is the known one.
    assert "unknown" not in table.columns
    assert (table["total"] == table["all_known"]).all()
