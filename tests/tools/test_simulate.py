"""The simulated corpus: it regenerates byte for byte, hits every published target, and looks
like what forces send."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pdfplumber
import pytest
import yaml

from simulation.generate import (
    WAVE,
    load_keywords,
    outcome_markers,
    simulate_records,
    simulate_wave,
    truth_csv,
    write_corpus,
)
from simulation.waves import CONFIGS
from src.data.manifest import files_on_disk, read_manifest, update_manifest, verify_raw
from src.errors import InputError
from src.helpers import RAW, REFERENCE
from src.vocab import OUTCOMES, OUTCOMES_WITH_DATA

SPECS = REFERENCE / "specs"
#: The waves the generator regenerates by default: those it is configured for whose release is
#: here (WAVE, its default, among them).
WAVES = [w for w, c in CONFIGS.items() if (RAW / "published" / c.release_file).is_file()]


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def normalise(label: str) -> str:
    return re.sub(r"\s+", " ", label).strip().lower()


def real_answers(wave: str) -> pd.DataFrame:
    """The rows of a wave's committed outcomes.csv whose answers are real."""
    outcomes = read(RAW / "waves" / wave / "outcomes.csv")
    return outcomes[outcomes["provenance"] == "real"]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """The corpus regenerated from scratch into a temporary folder, beside the real published
    figures, README and real answers (their files, specs, manifest and outcomes rows), which
    the generator reads and keeps."""
    root = tmp_path_factory.mktemp("corpus")
    raw, specs = root / "raw", root / "specs"
    shutil.copytree(RAW / "published", raw / "published")
    if (RAW / "simulation-study").is_dir():  # written by --study, not by the corpus
        shutil.copytree(RAW / "simulation-study", raw / "simulation-study")
    shutil.copy(RAW / "README.md", raw / "README.md")
    # The published files' rows are add_return.py's (their periods as given there), not the
    # generator's: they are there before it runs, as are the real answers'.
    manifest = read(RAW / "MANIFEST.csv")
    published = manifest["path"].str.startswith(("published/", "simulation-study/"))
    real = manifest["path"].str.startswith("waves/") & (manifest["provenance"] == "real")
    for path in manifest.loc[real, "path"]:
        (raw / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(RAW / path, raw / path)
    for wave in WAVES:
        rows = real_answers(wave)
        if rows.empty:
            continue
        rows.to_csv(raw / "waves" / wave / "outcomes.csv", index=False, lineterminator="\n")
        for force in rows["force"]:
            spec = SPECS / wave / f"{force}.yaml"
            if spec.is_file():
                (specs / wave).mkdir(parents=True, exist_ok=True)
                shutil.copy(spec, specs / wave / spec.name)
    manifest[published | real].to_csv(raw / "MANIFEST.csv", index=False, lineterminator="\n")
    sims = write_corpus(raw, specs, REFERENCE)
    return raw, specs, sims


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> dict:
    """Each wave as the generator draws it for every force, before real answers take the
    place of some (nothing written)."""
    root = tmp_path_factory.mktemp("drawn")
    return {w: simulate_wave(w, root / "raw", root / "specs", write=False) for w in WAVES}


@pytest.fixture(scope="module")
def sim(drawn):
    return drawn[WAVE]


@pytest.fixture(scope="module")
def release() -> pd.DataFrame:
    return read(RAW / "published" / CONFIGS[WAVE].release_file)


@pytest.fixture(scope="module")
def forces() -> pd.DataFrame:
    return read(REFERENCE / "forces.csv")


@pytest.fixture(scope="module")
def specs(sim) -> dict[str, dict]:
    """The reading specs of the default wave's draw, by force."""
    return {Path(p).stem: yaml.safe_load(text) for p, text in sim.specs.items()}


def drawn_file(sim, path: str) -> bytes:
    """A file of the draw, by its path under the wave's folder (as its spec names it)."""
    return sim.files[f"waves/{sim.wave.wave}/{path}"]


# --- regeneration ---------------------------------------------------------------------------


def test_regenerating_reproduces_every_committed_byte(regenerated):
    raw, specs, sims = regenerated
    assert list(sims) == WAVES
    committed = files_on_disk(RAW) + ["MANIFEST.csv", "README.md"]
    produced = files_on_disk(raw) + ["MANIFEST.csv", "README.md"]
    assert sorted(produced) == sorted(committed)
    for path in committed:
        assert (raw / path).read_bytes() == (RAW / path).read_bytes(), path
    for wave in WAVES:
        spec_files = sorted(p.name for p in (SPECS / wave).glob("*.yaml"))
        assert sorted(p.name for p in (specs / wave).glob("*.yaml")) == spec_files
        for name in spec_files:
            assert (specs / wave / name).read_bytes() == (SPECS / wave / name).read_bytes(), name


def test_regenerating_one_wave_leaves_the_other_waves_byte_for_byte(tmp_path):
    """Each wave has its own seed: regenerating one wave alone, over a copy of the committed
    corpus, changes none of the other waves' files (nor its own)."""
    raw, specs = tmp_path / "raw", tmp_path / "specs"
    shutil.copytree(RAW, raw)
    shutil.copytree(SPECS, specs)
    one = WAVES[-1]
    sims = write_corpus(raw, specs, REFERENCE, waves=[one])
    assert list(sims) == [one]
    for path in files_on_disk(RAW) + ["MANIFEST.csv", "README.md"]:
        assert (raw / path).read_bytes() == (RAW / path).read_bytes(), path
    for other in WAVES[:-1]:
        assert sims[one].seed != CONFIGS[other].seed


def test_the_regenerated_manifest_verifies(regenerated):
    raw, _, _ = regenerated
    manifest = verify_raw(raw)
    committed = read_manifest(RAW)
    # Real: the published figures and the real answers, as committed; the rest simulated,
    # but an outcomes file whose rows differ.
    real = set(committed.loc[committed["provenance"] == "real", "path"])
    assert set(manifest.loc[manifest["provenance"] == "real", "path"]) == real
    assert {p for p in real if not p.startswith("waves/")} == {
        p for p in manifest["path"] if p.startswith("published/")
    }
    mixed = manifest[manifest["provenance"] == "mixed"]
    assert set(mixed["content"]) <= {"outcomes"}
    assert set(mixed["wave"]) == {w for w in WAVES if len(real_answers(w))}


# --- targets --------------------------------------------------------------------------------


def test_a_figure_the_generator_cannot_meet_stops_it_naming_the_figure(tmp_path):
    """A figure for a force that sent no data in the wave (by the wave's configuration), or of
    a kind the generator does not draw to (a region's count on other platforms), is an
    InputError naming it, before any file is written."""
    release = read(RAW / "published" / CONFIGS[WAVE].release_file)
    known = release[
        (release["platform_group"] == "all_known")
        & (release["unit"] == "count")
        & (release["comparison"] == "exact")
    ]
    silent = sorted(CONFIGS[WAVE].no_data)[0]
    row = known.iloc[[0]].copy()
    row[["figure_id", "geography", "area", "forces"]] = [
        f"force_{silent}_known_instances",
        "force",
        silent,
        "",
    ]
    bad = tmp_path / "silent.csv"
    pd.concat([release, row]).to_csv(bad, index=False)
    with pytest.raises(InputError, match=f"force_{silent}_known_instances") as error:
        simulate_wave(WAVE, tmp_path / "raw", tmp_path / "specs", published_csv=bad)
    assert f"{silent} sent no data" in error.value.problem
    other = known[known["geography"] == "region"].iloc[[0]].copy()
    other["figure_id"], other["platform_group"] = "region_other_count", "other"
    unknown = tmp_path / "other.csv"
    pd.concat([release, other]).to_csv(unknown, index=False)
    with pytest.raises(InputError, match="region_other_count"):
        simulate_wave(WAVE, tmp_path / "raw", tmp_path / "specs", published_csv=unknown)
    assert not (tmp_path / "raw").exists()


@pytest.mark.parametrize("wave", WAVES)
def test_a_statement_across_two_waves_is_no_target(drawn, wave):
    """A figure that compares two waves (a change on the previous year) is neither a count
    target nor a figure the returns are checked against."""
    sim = drawn[wave]
    release = read(RAW / "published" / CONFIGS[wave].release_file)
    across = set(release.loc[release["compares_with"] != "", "figure_id"])
    assert not across & set(sim.shares["figure_id"])
    assert not across & set(sim.convention["figure_id"])
    assert not sim.targets["target"].str.contains("change").any()


# --- the declared counting convention, recomputed from the drawn cells ----------------------
#
# Under the convention (data/raw/published/releases.csv) a withheld cell counts as the middle
# of its range rounded down, and a block's known instances are its printed total less its
# unknown and excluded cells. The helpers below read a wave's truth file (simulated-truth.csv,
# as the generator writes it for the forces it draws) with pandas alone and use its printed,
# lower and upper columns (not its true values).


def truth_of(sim) -> pd.DataFrame:
    """The truth file of a draw, every force drawn in it."""
    frame = pd.read_csv(
        io.BytesIO(truth_csv(sim.ledger, sim.wave.wave)), dtype=str, keep_default_na=False
    )
    for column in ("lower", "upper", "true"):
        frame[column] = frame[column].astype(int)
    return frame


def in_wave(frame: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    return frame[(frame["period_start"] >= start) & (frame["period_end"] <= end)]


def counted(frame: pd.DataFrame) -> pd.Series:
    """Each cell's value under the convention: as printed, or (lower + upper) // 2."""
    withheld = frame["lower"] != frame["upper"]
    printed = pd.to_numeric(frame["printed"].where(~withheld, "0")).astype(int)
    return printed.where(~withheld, (frame["lower"] + frame["upper"]) // 2)


def known_and_platforms(frame: pd.DataFrame) -> tuple[int, dict[str, int]]:
    """(instances with a known platform, count by platform) of the cells in ``frame``."""
    frame = frame.assign(value=counted(frame))
    known = 0
    for _, block in frame.groupby(["source_file", "period_start", "period_end", "offence_group"]):
        total = block[block["kind"] == "total"]
        if len(total):
            assert len(total) == 1
            others = block["kind"].isin(["unknown", "excluded"])
            known += int(total["printed"].iloc[0]) - int(block.loc[others, "value"].sum())
        else:
            known += int(block.loc[block["kind"] == "platform", "value"].sum())
    platforms = frame[frame["kind"] == "platform"].groupby("platform")["value"].sum()
    return known, {p: int(n) for p, n in platforms.items()}


def group_platforms(group: str, start: str, end: str) -> set[str] | None:
    """The platforms of a release's platform group over a wave (None: every known platform),
    from the reference tables alone."""
    groups = read(REFERENCE / "groups.csv").set_index("group")
    platforms = read(REFERENCE / "platforms.csv").set_index("platform")
    kind = groups.loc[group, "kind"]
    if kind == "all":
        return None
    if kind == "platform":
        return {group}
    if kind == "printed":
        named = set(groups.loc[group, "platforms"].split(";"))
        return named | {p for n in named for p in platforms.loc[n, "includes"].split(";") if p}
    owner_group = groups.index[groups["kind"] == "owner"][0]
    owners = read(REFERENCE / "owners.csv")
    owner = owners.loc[owners["group"] == owner_group, "owner"].iloc[0]
    ownership = read(REFERENCE / "ownership.csv")
    held = ownership[
        (ownership["owner"] == owner)
        & (ownership["owned_from"] <= start)
        & ((ownership["owned_to"] == "") | (ownership["owned_to"] >= end))
    ]
    if kind == "owner":
        return set(held["platform"])
    assert kind == "rest", group
    named = set(platforms.index[~platforms["kind"].isin(["unknown", "not_itemised", "remainder"])])
    return named - set(held["platform"])


@pytest.mark.parametrize("wave", WAVES)
def test_the_draw_gives_every_count_its_release_publishes(drawn, wave, forces):
    """Drawn for every force, the printed cells give each count of the wave's release (its
    configured targets) under the declared convention: its exact counts exactly, more than its
    'more than' counts; and as many forces with data as the release says its figures cover."""
    sim = drawn[wave]
    release = read(RAW / "published" / CONFIGS[wave].release_file)
    waves = read(REFERENCE / "waves.csv").set_index("wave")
    start, end = waves.loc[wave, "start"], waves.loc[wave, "end"]
    cells = in_wave(truth_of(sim), start, end)
    regions = dict(zip(forces["force"], forces["release_region"], strict=True))
    counts = release[
        (release["unit"] == "count")
        & (release["platform_group"] != "")
        & release["comparison"].isin(["exact", "more_than", "over"])
    ]
    assert len(counts)
    for figure in counts.itertuples(index=False):
        scope = figure.scope.split(";")
        rows = cells[cells["offence_group"].isin(scope)]
        if figure.geography == "region":
            rows = rows[rows["force"].map(regions) == figure.area]
        elif figure.geography == "force":
            rows = rows[rows["force"] == figure.area]
        known, by = known_and_platforms(rows)
        platforms = group_platforms(figure.platform_group, start, end)
        value = known if platforms is None else sum(by.get(p, 0) for p in platforms)
        if figure.comparison == "exact":
            assert value == int(figure.value), figure.figure_id
        else:
            assert value > float(figure.value), figure.figure_id
        if figure.geography == "national" and figure.forces.isdigit():
            assert cells["force"].nunique() == int(figure.forces), figure.figure_id


@pytest.mark.parametrize("wave", WAVES)
def test_the_committed_truth_is_the_draw_s_for_the_simulated_returns(drawn, wave):
    """The committed truth file holds the draw's cells of the forces whose returns are
    simulated, and nothing of a force whose answer is real."""
    committed = read(RAW / "waves" / wave / "simulated-truth.csv")
    drawn_truth = truth_of(drawn[wave]).astype(str)
    real = set(real_answers(wave)["force"])
    assert not set(committed["force"]) & real
    kept = drawn_truth[~drawn_truth["force"].isin(real)].reset_index(drop=True)
    pd.testing.assert_frame_equal(committed, kept[committed.columns])


@pytest.mark.parametrize("wave", WAVES)
def test_the_truth_file_agrees_with_its_own_printed_cells(drawn, wave):
    """Every withheld cell's true count lies in its marker's range; every other cell's is what
    is printed; every printed total is the sum of its block's true counts."""
    truth = truth_of(drawn[wave])
    withheld = truth["lower"] != truth["upper"]
    assert withheld.sum() > 100
    held = truth[withheld]
    assert ((held["lower"] <= held["true"]) & (held["true"] <= held["upper"])).all()
    assert not held["printed"].str.fullmatch(r"\d+").any()
    assert set(held["lower"]) <= {0, 1} and set(held["upper"]) == {4}
    shown = truth[~withheld]
    assert (shown["printed"] == shown["true"].astype(str)).all()
    assert (shown["lower"] == shown["true"]).all()
    block = ["source_file", "period_start", "period_end", "offence_group"]
    sums = truth[truth["kind"] != "total"].groupby(block)["true"].sum()
    totals = truth[truth["kind"] == "total"].set_index(block)["true"]
    assert len(totals) > 50
    assert (totals == sums.reindex(totals.index)).all()
    # The withheld cells of blocks with a total hold, on average, a little more than 2.
    has_total = truth.set_index(block).index.isin(totals.index)
    in_blocks = truth[withheld & has_total]
    assert 2 < in_blocks["true"].mean() < 3


@pytest.mark.parametrize("wave", WAVES)
def test_the_truth_file_prints_what_the_returns_print(drawn, wave):
    """Each CSV and workbook cell named in the truth file holds what the file says was
    printed there (read with the csv module and openpyxl, by the place the truth names)."""
    sim = drawn[wave]
    truth = truth_of(sim)
    specs_by_file = {
        f"waves/{wave}/{f['path']}": f
        for text in sim.specs.values()
        for f in yaml.safe_load(text)["files"]
    }
    checked = 0
    for source, cells in truth.groupby("source_file"):
        spec = specs_by_file[source]
        data = sim.files[source]
        if spec["format"] == "csv":
            text = data.decode(spec["encoding"])
            lines = list(csv.reader(io.StringIO(text), delimiter=spec["delimiter"]))
            for place, printed in zip(cells["source_place"], cells["printed"], strict=True):
                line, column = re.fullmatch(r"line (\d+), column '(.*)'", place).groups()
                header = next(row for row in reversed(lines[: int(line) - 1]) if column in row)
                assert lines[int(line) - 1][header.index(column)] == printed, place
                checked += 1
        elif spec["format"] == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(data))
            for place, printed in zip(cells["source_place"], cells["printed"], strict=True):
                sheet, row, column = re.fullmatch(
                    r"sheet '(.*)', row (\d+), column ([A-Z])", place
                ).groups()
                assert str(book[sheet][f"{column}{row}"].value) == printed, place
                checked += 1
    assert checked > len(truth) / 2


@pytest.mark.parametrize("wave", WAVES)
def test_the_truth_file_is_registered_and_no_spec_reads_it(wave):
    manifest = read_manifest(RAW)
    row = manifest[manifest["path"] == f"waves/{wave}/simulated-truth.csv"]
    assert list(row["content"]) == ["simulated truth"]
    assert list(row["provenance"]) == ["simulated"] and list(row["force"]) == [""]
    for spec in (SPECS / wave).glob("*.yaml"):
        assert "simulated-truth" not in spec.read_text("utf-8"), spec.name


# --- outcomes -------------------------------------------------------------------------------


@pytest.mark.parametrize("wave", WAVES)
def test_outcomes_cover_every_force_and_the_draw_has_the_release_s_forces(drawn, forces, wave):
    """Every force asked has an outcome; the draw gives data for as many forces as the release
    says provided data (its V figure), leaves out the forces the wave's configuration says sent
    none, and has one force answer Q1 only and one a quarter past the wave; the committed
    outcomes are the draw's for every force whose answer is simulated."""
    config, sim = CONFIGS[wave], drawn[wave]
    committed = read(RAW / "waves" / wave / "outcomes.csv")
    assert sorted(committed["force"]) == sorted(forces["force"])
    assert set(committed["outcome"]) <= set(OUTCOMES)
    assert set(committed["provenance"]) <= {"real", "simulated"}
    outcomes = sim.outcomes
    assert sorted(outcomes["force"]) == sorted(forces["force"])
    with_data = outcomes[outcomes["outcome"].isin(OUTCOMES_WITH_DATA)]
    release = read(RAW / "published" / config.release_file)
    stated = release[
        (release["measure"] == "police forces that provided data") & (release["flag"] == "V")
    ]
    assert list(stated["value"].astype(int)) == [len(with_data)]
    assert set(outcomes["force"]) - set(with_data["force"]) == set(config.no_data)
    partial = outcomes[outcomes["outcome"] == "partial"]
    assert list(partial["force"]) == [config.partial]
    assert list(partial["questions_answered"]) == ["q1"]
    assert (
        outcomes.loc[~outcomes["outcome"].isin(OUTCOMES_WITH_DATA), "questions_answered"] == "none"
    ).all()
    late = outcomes[outcomes["period_end"] > sim.wave.end.isoformat()]
    assert list(late["force"]) == [config.quarterly]
    # The draw itself writes only simulated answers (real ones are kept beside it).
    assert outcomes["provenance"].eq("simulated").all()
    simulated = committed[committed["provenance"] == "simulated"].reset_index(drop=True)
    mine = outcomes[outcomes["force"].isin(simulated["force"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(simulated, mine[simulated.columns].astype(str))


@pytest.mark.parametrize("wave", WAVES)
def test_files_match_outcomes(wave):
    wave_dir = RAW / "waves" / wave
    outcomes = read(wave_dir / "outcomes.csv").set_index("force")
    manifest = read_manifest(RAW)
    wave_rows = manifest[manifest["wave"] == wave]
    for force, row in outcomes.iterrows():
        files = wave_rows[wave_rows["force"] == force]
        if row["outcome"] == "no_response":
            assert not (wave_dir / force).exists(), force
            assert row["request_ref"] == "" and row["date_answered"] == ""
        elif row["outcome"] in ("data", "partial"):
            assert set(files["content"]) <= {"return", "records"} and len(files), force
            assert (SPECS / wave / f"{force}.yaml").is_file(), force
        else:
            assert set(files["content"]) <= {"refusal"}, force
        # A real answer's file may be another's transcription of it (a news report's table):
        # it need not carry the request's reference.
        blank = {""} if row["provenance"] == "real" else set()
        assert set(files["request_ref"]) <= {row["request_ref"]} | blank, force
        assert set(files["outcome"]) <= {row["outcome"]}
    letters = wave_rows[wave_rows["content"] == "refusal"]
    assert {"pdf", "txt"} <= set(letters["format"])


@pytest.mark.parametrize("wave", WAVES)
def test_readme_outcomes_table_lists_every_force(forces, wave):
    """Each wave's outcomes block lists every force asked with its outcome and provenance, as
    its outcomes.csv says, and how many answered with data, real and simulated."""
    text = (RAW / "README.md").read_text("utf-8")
    start, end = outcome_markers(wave)
    block = text[text.index(start) : text.index(end)]
    assert "| Provenance |" in block
    outcomes = read(RAW / "waves" / wave / "outcomes.csv")
    lines = {
        line.split("(`")[1].split("`)")[0]: line for line in block.splitlines() if "(`" in line
    }
    assert sorted(lines) == sorted(forces["force"])
    for row in outcomes.itertuples(index=False):
        cells = [c.strip() for c in lines[row.force].split("|")]
        assert cells[2] == row.outcome and cells[7] == row.provenance, row.force
    with_data = outcomes[outcomes["outcome"].isin(OUTCOMES_WITH_DATA)]
    kinds = with_data["provenance"].value_counts()
    said = ", ".join(f"{kinds[k]} {k}" for k in ("real", "simulated") if k in kinds)
    assert f"{len(outcomes)} forces asked; {len(with_data)} answered with data ({said})." in block


# --- what the returns look like -------------------------------------------------------------


def test_returns_come_in_the_formats_and_encodings_forces_use(sim, specs):
    files = [f for spec in specs.values() for f in spec["files"]]
    formats = [f["format"] for f in files]
    assert formats.count("pdf") >= 2 and formats.count("records") >= 2
    assert {"csv", "xlsx"} <= set(formats)
    csv_files = [f for f in files if f["format"] in ("csv", "records")]
    assert {"utf-8", "utf-8-sig", "cp1252"} <= {f["encoding"] for f in csv_files}
    assert ";" in {f["delimiter"] for f in csv_files}
    layouts = {t["layout"] for f in files for t in f.get("tables", [])}
    assert layouts == {"wide", "long"}
    for f in csv_files:
        data = drawn_file(sim, f["path"])
        assert data.startswith(b"\xef\xbb\xbf") == (f["encoding"] == "utf-8-sig"), f["path"]
        if f["encoding"] == "cp1252":
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
            assert "–" in data.decode("cp1252")
    markers = {(m, tuple(b)) for f in files for m, b in f.get("withheld", {}).items()}
    assert {"<5", "*", "1-4", "fewer than five"} <= {m for m, _ in markers}
    assert {(1, 4), (0, 4)} <= {b for _, b in markers}


def test_workbooks_have_title_rows_a_merged_header_a_totals_row_and_a_sheet_per_half(sim, specs):
    books = [f for s in specs.values() for f in s["files"] if f["format"] == "xlsx"]
    assert books
    for f in books:
        book = openpyxl.load_workbook(io.BytesIO(drawn_file(sim, f["path"])))
        assert [t["where"]["sheet"] for t in f["tables"]] == book.sheetnames
        assert len(book.sheetnames) == 2
        for table in f["tables"]:
            sheet = book[table["where"]["sheet"]]
            header = table["where"]["header_row"]
            assert header > 1 and sheet.cell(1, 1).value  # title rows above the header
            assert any(r.min_row == header - 1 for r in sheet.merged_cells.ranges)
            last = table["where"]["last_row"]
            assert sheet.cell(last, 1).value in table["total_labels"]
            assert sheet.cell(last + 2, 1).value  # notes under the table


def test_pdf_tables_come_back_from_pdfplumber_where_the_spec_says(sim, specs):
    ledger = sim.ledger
    letters = [f for s in specs.values() for f in s["files"] if f["format"] == "pdf"]
    pages_used = set()
    for f in letters:
        with pdfplumber.open(io.BytesIO(drawn_file(sim, f["path"]))) as pdf:
            for table in f["tables"]:
                where = table["where"]
                pages_used.add(where["page"])
                rows = pdf.pages[where["page"] - 1].extract_tables()[where["table"] - 1]
                assert rows[0][0] == table["label_column"]
                assert rows[0][1:] == list(table["offence_columns"])
                period = tuple(table["period"])
                cells = ledger[
                    (ledger["file"] == f["path"]) & (ledger["period_start"] == period[0])
                ]
                for group, column in zip(
                    table["offence_columns"].values(), range(1, 3), strict=False
                ):
                    printed = cells.loc[cells["offence_group"] == group, "printed"].tolist()
                    assert [r[column] for r in rows[1:]] == printed
    # Every letter's tables were found on the pages its spec names (the seeded letters of this
    # corpus happen to fit on one page each; a table on a second page is read in
    # tests/clean/test_readers.py).
    assert pages_used


def test_every_printed_label_maps_to_its_platform(sim):
    labels = read(REFERENCE / "platform_labels.csv")
    lookup = dict(zip(labels["label"], labels["platform"], strict=True))
    tables = sim.ledger[~sim.ledger["file"].isin(_record_files(sim))]
    printed = tables[tables["kind"].isin(["platform", "unknown"])]
    for label, key in set(zip(printed["label"], printed["key"], strict=True)):
        assert lookup.get(normalise(label)) == key, label
    raw_labels = set(printed["label"])
    assert {"Insta", "FB Messenger", "Whats App", "Facebook/Messenger"} <= raw_labels
    assert any(label != label.strip() for label in raw_labels), "some labels have trailing spaces"
    assert any(label.isupper() for label in raw_labels)
    excluded = tables.loc[tables["kind"] == "excluded", "label"]
    assert not excluded.map(normalise).isin(set(lookup)).any()


def _record_files(sim) -> set[str]:
    """Record-level extracts, as paths under the wave folder (as the ledger names them)."""
    return {p.split(f"{WAVE}/", 1)[1] for p, m in sim.meta.items() if m["content"] == "records"}


def test_record_extracts_classify_to_the_true_instances(sim, specs):
    keywords = load_keywords()
    periods = read(REFERENCE / "periods.csv")
    periods = [
        (dt.date.fromisoformat(p.start), dt.date.fromisoformat(p.end))
        for p in periods[periods["wave"] == WAVE].itertuples(index=False)
    ]
    start, end = sim.wave.start, sim.wave.end
    extracts = [f for s in specs.values() for f in s["files"] if f["format"] == "records"]
    assert len(extracts) >= 2
    for f in extracts:
        text = drawn_file(sim, f["path"]).decode(f["encoding"])
        rows = list(csv.DictReader(io.StringIO(text), delimiter=f["delimiter"]))
        cols = f["columns"]
        ids = [r[cols["id"]] for r in rows]
        assert len(ids) > len(set(ids)), "some records are exported twice"
        dates = [dt.datetime.strptime(r[cols["date"]], f["date_format"]).date() for r in rows]
        assert [d for d in dates if not start <= d <= end], "some records fall outside the wave"
        seen, counts, two_apps, no_app = set(), {}, 0, 0
        codes = read(REFERENCE / "offence_codes.csv")
        groups = f.get("offence_values") or dict(
            zip(codes["code"], codes["offence_group"], strict=True)
        )
        for row, day in zip(rows, dates, strict=True):
            if row[cols["id"]] in seen or not start <= day <= end:
                continue
            seen.add(row[cols["id"]])
            found = {p for pattern, p in keywords if pattern.search(row[cols["text"]])}
            two_apps += len(found) > 1
            no_app += not found
            (period,) = [first for first, last in periods if first <= day <= last]
            group = groups[row[cols["offence"]]]
            for platform in found or {"unknown"}:
                key = (period, group, platform)
                counts[key] = counts.get(key, 0) + 1
        assert two_apps > 0 and no_app > 0
        cells = sim.ledger[sim.ledger["file"] == f["path"]]
        expected = {
            (pd.Timestamp(r.period_start).date(), r.offence_group, r.key): r.true
            for r in cells.itertuples()
            if r.true
        }
        assert counts == expected, f["path"]


@pytest.mark.parametrize("wave", WAVES)
def test_quarterly_return_has_a_quarter_outside_the_wave(drawn, wave):
    """The force the wave's configuration has answer by quarter, and only it, prints five
    quarters: the wave's four and one after it."""
    sim = drawn[wave]
    quarterly = {
        Path(path).stem: t
        for path, text in sim.specs.items()
        for f in yaml.safe_load(text)["files"]
        for t in f.get("tables", [])
        if len(t.get("period_values") or {}) == 5
    }
    assert list(quarterly) == [CONFIGS[wave].quarterly]
    periods = sorted(tuple(p) for p in quarterly[CONFIGS[wave].quarterly]["period_values"].values())
    assert periods[-1][0] > sim.wave.end
    assert periods[3][1] == sim.wave.end


def test_specs_load_in_the_cleaning_step():
    from src.clean.run import load_specs
    from src.data.reference import load_reference

    reference = load_reference()
    wave_dir = RAW / "waves" / WAVE
    loaded = load_specs(WAVE, SPECS / WAVE, wave_dir, reference.forces, reference.offence_groups)
    outcomes = read(wave_dir / "outcomes.csv")
    assert [s.force for s in loaded] == sorted(
        outcomes.loc[outcomes["outcome"].isin(["data", "partial"]), "force"]
    )


# --- reuse for bigger corpora ---------------------------------------------------------------


def test_simulate_wave_writes_another_wave_into_any_folder(tmp_path):
    raw, specs = tmp_path / "raw", tmp_path / "specs"
    sim = simulate_wave("2021-10_2022-09", raw, specs, seed=11, scale=1.2)
    assert sim.targets["drawn"].all()
    assert (sim.targets["true"] == sim.targets["published"]).all()
    assert (sim.targets["lower"] <= sim.targets["published"]).all()
    assert (sim.targets["published"] <= sim.targets["upper"]).all()
    assert sim.wave.start == dt.date(2021, 10, 1) and sim.wave.end == dt.date(2022, 9, 30)
    with_data = sim.outcomes["outcome"].isin(OUTCOMES_WITH_DATA)
    assert len(list((specs / "2021-10_2022-09").glob("*.yaml"))) == with_data.sum() > 0
    manifest = verify_raw(raw)
    assert manifest["path"].str.startswith("waves/2021-10_2022-09/").all()


def test_simulate_records_writes_the_rows_asked_for(tmp_path):
    path = tmp_path / "big extract.csv"
    spec = simulate_records(2000, seed=3, path=path)
    text = path.read_bytes().decode(spec["encoding"])
    rows = list(csv.DictReader(io.StringIO(text), delimiter=spec["delimiter"]))
    assert len(rows) == 2000
    assert set(spec["columns"].values()) <= set(rows[0])
    texts = pd.Series([r[spec["columns"]["text"]] for r in rows])
    assert texts.nunique() > 50
    keywords = load_keywords()
    found = texts.map(lambda t: len({p for pattern, p in keywords if pattern.search(t)}))
    assert 0.2 < (found == 0).mean() < 0.4
    assert 0.02 < (found == 2).mean() < 0.1
    assert found.max() == 2
    again = tmp_path / "again.csv"
    simulate_records(2000, seed=3, path=again)
    assert again.read_bytes() == path.read_bytes()


def test_regeneration_keeps_real_answers_and_their_files_untouched(tmp_path):
    """A force whose answer has become real (its row of outcomes.csv says so, and its file is
    listed as real) keeps it when the wave is regenerated: its file, its spec and its outcomes
    row stay as they are; its simulated files and truth rows go; every other file is as it
    was; and the outcomes file is listed as mixed."""
    raw, specs = tmp_path / "raw", tmp_path / "specs"
    shutil.copytree(RAW, raw)
    shutil.copytree(SPECS, specs)
    outcomes_path = raw / "waves" / WAVE / "outcomes.csv"
    outcomes = read(outcomes_path)
    simulated = outcomes[
        (outcomes["provenance"] == "simulated") & outcomes["outcome"].isin(OUTCOMES_WITH_DATA)
    ]
    force = simulated["force"].iloc[0]
    manifest = read_manifest(raw)
    old = list(manifest.loc[(manifest["wave"] == WAVE) & (manifest["force"] == force), "path"])
    assert old
    reply = raw / "waves" / WAVE / force / "Real reply.csv"
    reply.write_bytes(b"Platform,Count\nInstagram,12\n")
    rel = reply.relative_to(raw).as_posix()
    meta = {"wave": WAVE, "force": force, "format": "csv", "content": "return"}
    update_manifest(raw, {rel: meta | {"outcome": "data", "provenance": "real"}})
    spec = specs / WAVE / f"{force}.yaml"
    spec.write_text(f"# the reading spec of {force}'s real reply\n", encoding="utf-8")
    outcomes.loc[outcomes["force"] == force, ["provenance", "note"]] = ["real", "REAL: received"]
    outcomes.to_csv(outcomes_path, index=False, lineterminator="\n")
    before = {p: (raw / p).read_bytes() for p in files_on_disk(raw)}
    spec_before = spec.read_bytes()

    write_corpus(raw, specs, REFERENCE, waves=[WAVE])

    after = {p: (raw / p).read_bytes() for p in files_on_disk(raw)}
    assert after[rel] == before[rel] and spec.read_bytes() == spec_before
    regenerated = read(outcomes_path)
    assert regenerated.equals(outcomes)
    # What was simulated of the force is gone, with its rows; nothing else changed but the
    # truth file, which no longer holds the force.
    assert not set(old) & set(after)
    truth = f"waves/{WAVE}/simulated-truth.csv"
    assert force not in set(read(raw / truth)["force"])
    assert set(read(raw / truth)["force"]) == set(read(RAW / truth)["force"]) - {force}
    assert {p for p in after if after[p] != before.get(p)} == {truth}
    assert set(after) == set(before) - set(old)
    listed = verify_raw(raw).set_index("path")
    assert listed.loc[rel, "provenance"] == "real"
    assert listed.loc[f"waves/{WAVE}/outcomes.csv", "provenance"] == "mixed"
    assert not set(old) & set(listed.index)


def test_forces_seed_streams_do_not_depend_on_order():
    from simulation.generate import force_rng

    a = force_rng(1, "dorset", "truth").integers(1000, size=5)
    b = force_rng(1, "dorset", "truth").integers(1000, size=5)
    c = force_rng(1, "wiltshire", "truth").integers(1000, size=5)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
