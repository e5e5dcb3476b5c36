"""The simulated corpus: it regenerates byte for byte, hits every published target, and looks
like what forces send."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil

import numpy as np
import openpyxl
import pandas as pd
import pdfplumber
import pytest
import yaml

from simulation.generate import WAVE, load_keywords, simulate_records, simulate_wave, write_corpus
from src.data.manifest import files_on_disk, read_manifest, verify_raw
from src.errors import InputError
from src.helpers import RAW, REFERENCE

SPECS = REFERENCE / "specs"
WAVE_DIR = RAW / "waves" / WAVE
WAVE_2018 = "2018-04_2019-03"


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def normalise(label: str) -> str:
    return re.sub(r"\s+", " ", label).strip().lower()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """The corpus regenerated from scratch into a temporary folder, beside the real published
    figures and README (which the generator reads and updates)."""
    root = tmp_path_factory.mktemp("corpus")
    raw, specs = root / "raw", root / "specs"
    shutil.copytree(RAW / "published", raw / "published")
    if (RAW / "simulation-study").is_dir():  # written by --study, not by the corpus
        shutil.copytree(RAW / "simulation-study", raw / "simulation-study")
    shutil.copy(RAW / "README.md", raw / "README.md")
    # The published files' rows are add_return.py's (their periods as given there), not the
    # generator's: they are there before it runs.
    manifest = read(RAW / "MANIFEST.csv")
    published = manifest[manifest["path"].str.startswith(("published/", "simulation-study/"))]
    published.to_csv(raw / "MANIFEST.csv", index=False, lineterminator="\n")
    sims = write_corpus(raw, specs, REFERENCE)
    return raw, specs, sims


@pytest.fixture(scope="module")
def sim(regenerated):
    return regenerated[2][WAVE]


@pytest.fixture(scope="module")
def sim_2018(regenerated):
    return regenerated[2][WAVE_2018]


@pytest.fixture(scope="module")
def release() -> pd.DataFrame:
    return read(RAW / "published" / "release_2021_03.csv")


@pytest.fixture(scope="module")
def forces() -> pd.DataFrame:
    return read(REFERENCE / "forces.csv")


@pytest.fixture(scope="module")
def specs() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in (SPECS / WAVE).glob("*.yaml")}


# --- regeneration ---------------------------------------------------------------------------


def test_regenerating_reproduces_every_committed_byte(regenerated):
    raw, specs, _ = regenerated
    committed = files_on_disk(RAW) + ["MANIFEST.csv", "README.md"]
    produced = files_on_disk(raw) + ["MANIFEST.csv", "README.md"]
    assert sorted(produced) == sorted(committed)
    for path in committed:
        assert (raw / path).read_bytes() == (RAW / path).read_bytes(), path
    for wave in (WAVE, WAVE_2018):
        spec_files = sorted(p.name for p in (SPECS / wave).glob("*.yaml"))
        assert sorted(p.name for p in (specs / wave).glob("*.yaml")) == spec_files
        for name in spec_files:
            assert (specs / wave / name).read_bytes() == (SPECS / wave / name).read_bytes(), name


def test_regenerating_one_wave_leaves_the_other_wave_byte_for_byte(tmp_path):
    """Each wave has its own seed: regenerating the 2018/19 wave alone, over a copy of the
    committed corpus, changes none of the 2019/20 wave's files (nor its own)."""
    raw, specs = tmp_path / "raw", tmp_path / "specs"
    shutil.copytree(RAW, raw)
    shutil.copytree(SPECS, specs)
    sims = write_corpus(raw, specs, REFERENCE, waves=[WAVE_2018])
    assert list(sims) == [WAVE_2018]
    for path in files_on_disk(RAW) + ["MANIFEST.csv", "README.md"]:
        assert (raw / path).read_bytes() == (RAW / path).read_bytes(), path
    assert sims[WAVE_2018].seed != regenerated_seed(WAVE)


def regenerated_seed(wave: str) -> int:
    from simulation.waves import CONFIGS

    return CONFIGS[wave].seed


def test_the_regenerated_manifest_verifies(regenerated):
    raw, _, _ = regenerated
    manifest = verify_raw(raw)
    assert (
        manifest["path"].str.startswith("published/") == (manifest["provenance"] == "real")
    ).all()


# --- targets --------------------------------------------------------------------------------


def test_a_figure_the_generator_cannot_meet_stops_it_naming_the_figure(tmp_path):
    """A figure for a force that sent no data in the wave (Humberside, in 2019/20), or of a
    kind the generator does not draw to, is an InputError naming it, before any file is
    written."""
    release = read(RAW / "published" / "release_2021_03.csv")
    row = release[release["figure_id"] == "force_west_yorkshire_known_instances"].copy()
    row["figure_id"], row["area"] = "force_humberside_known_instances", "humberside"
    bad = tmp_path / "humberside.csv"
    pd.concat([release, row]).to_csv(bad, index=False)
    with pytest.raises(InputError, match="force_humberside_known_instances") as error:
        simulate_wave(WAVE, tmp_path / "raw", tmp_path / "specs", published_csv=bad)
    assert "humberside sent no data" in error.value.problem
    other = release[release["figure_id"] == "region_yorkshire_known_instances"].copy()
    other["figure_id"], other["platform_group"] = "region_yorkshire_other_count", "other"
    unknown = tmp_path / "other.csv"
    pd.concat([release, other]).to_csv(unknown, index=False)
    with pytest.raises(InputError, match="region_yorkshire_other_count"):
        simulate_wave(WAVE, tmp_path / "raw", tmp_path / "specs", published_csv=unknown)
    assert not (tmp_path / "raw").exists()


def test_a_statement_across_two_waves_is_no_target(sim):
    """The Instagram change on the previous year compares two waves: it is neither a count
    target nor a figure the returns are checked against."""
    assert "national_instagram_change_on_previous_year" not in set(sim.shares["figure_id"])
    assert "national_instagram_change_on_previous_year" not in set(sim.convention["figure_id"])
    assert not sim.targets["target"].str.contains("change").any()


# --- the declared counting convention, recomputed from the committed files -----------------
#
# Under the convention (data/raw/published/releases.csv) a withheld cell counts as the middle
# of its range rounded down, and a block's known instances are its printed total less its
# unknown and excluded cells. The helpers below read the committed simulated-truth.csv with
# pandas alone and use its printed, lower and upper columns (not its true values).


def truth_file(wave: str) -> pd.DataFrame:
    frame = read(RAW / "waves" / wave / "simulated-truth.csv")
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


def area(frame: pd.DataFrame, forces: pd.DataFrame, region: str) -> pd.DataFrame:
    members = forces.loc[forces["release_region"] == region, "force"]
    return frame[frame["force"].isin(members)]


def owned(by: dict[str, int]) -> int:
    return sum(by.get(p, 0) for p in ("instagram", "facebook_messenger", "whatsapp"))


def published_value(release: pd.DataFrame, figure_id: str) -> float:
    return float(release.loc[release["figure_id"] == figure_id, "value"].item())


def test_the_2019_20_printed_cells_give_the_march_2021_national_figures(release):
    """9,477 known (from the printed totals), Instagram 3,212, Facebook or Messenger 1,191,
    WhatsApp 568 and 4,464 on other platforms (from the printed cells): 42 instances that
    the totals count and the cells do not attribute."""
    cells = in_wave(truth_file(WAVE), "2019-10-01", "2020-09-30")
    known, by = known_and_platforms(cells)
    named = {"instagram", "facebook_messenger", "whatsapp"}
    other = sum(n for p, n in by.items() if p not in named)
    assert (known, by["instagram"], by["facebook_messenger"], by["whatsapp"], other) == (
        9477,
        3212,
        1191,
        568,
        4464,
    )
    for figure, value in [
        ("national_known_instances", known),
        ("national_instagram_count", by["instagram"]),
        ("national_facebook_messenger_count", by["facebook_messenger"]),
        ("national_whatsapp_count", by["whatsapp"]),
        ("national_other_count", other),
    ]:
        assert published_value(release, figure) == value, figure
    assert known - sum(by.values()) == 42
    # The published shares: 13% on Facebook or Messenger, 52% on the owner group's apps,
    # Instagram over a third (3,212 / 9,477 is 33.9%); "one in ten" of the owner group's on
    # WhatsApp is the release's own slip (568 / 4,971 is one in 8.75), left as it falls.
    assert round(100 * 1191 / known, 2) == 12.57 and 12.55 <= 100 * 1191 / known <= 13.45
    assert round(100 * owned(by) / known, 2) == 52.45
    assert by["instagram"] > known / 3
    assert round(owned(by) / by["whatsapp"]) == 9


def test_the_2019_20_regions_and_forces_match_the_release(release, forces):
    """Every regional and force count of the release, and its regional shares to the whole
    per cent (at least 0.05 points from a rounding boundary), from the printed cells; the
    South West's printed columns give 555 / 1,092 = 50.8%, the release's own slip."""
    cells = in_wave(truth_file(WAVE), "2019-10-01", "2020-09-30")
    expected = {
        "North West": (1993, 52),
        "East of England": (1075, 48),
        "West Midlands region": (1532, 40),
        "Yorkshire": (1798, None),
        "South West": (1092, None),
    }
    for region, (total, share) in expected.items():
        known, by = known_and_platforms(area(cells, forces, region))
        assert known == total, region
        if share is not None:
            assert abs(100 * owned(by) / known - share) <= 0.45, region
    known, by = known_and_platforms(area(cells, forces, "South West"))
    facebook_column = by["facebook_messenger"] + by["whatsapp"]
    assert (by["instagram"], facebook_column) == (145, 410)
    assert round(100 * owned(by) / known, 1) == 50.8
    rows = release[(release["geography"] == "force") & (release["unit"] == "count")]
    assert set(rows["area"]) == {
        "avon-and-somerset",
        "devon-and-cornwall",
        "dorset",
        "gloucestershire",
        "wiltshire",
        "west-yorkshire",
    }
    for force, published in rows.groupby("area"):
        want = dict(zip(published["platform_group"], published["value"].astype(int), strict=True))
        known, by = known_and_platforms(cells[cells["force"] == force])
        got = {
            "all_known": known,
            "instagram": by.get("instagram", 0),
            "facebook_column": by.get("facebook_messenger", 0) + by.get("whatsapp", 0),
        }
        assert {g: got[g] for g in want} == want, force
    known, by = known_and_platforms(cells[cells["force"] == "west-yorkshire"])
    assert known == 1334 and 100 * owned(by) / known > 50.05  # "more than half"


def test_the_2018_19_printed_cells_give_the_december_2019_figures(release, forces):
    """9,259 known, WhatsApp 299 (3%); Instagram 22% and Facebook or Messenger 19% to the
    whole per cent; the owner group's "nearly half" (45% to under 50%), "just over 4,000"
    and "11 times a day" (over 365 days); the East of England's 877, 162, 288 and 32."""
    cells = in_wave(truth_file(WAVE_2018), "2018-04-01", "2019-03-31")
    known, by = known_and_platforms(cells)
    assert (known, by["whatsapp"]) == (9259, 299)
    assert published_value(release_2018(), "national_known_instances") == known
    for platform, share in (("instagram", 22), ("facebook_messenger", 19), ("whatsapp", 3)):
        assert abs(100 * by[platform] / known - share) <= 0.45, platform
    group = owned(by)
    assert 45.05 <= 100 * group / known <= 49.95
    assert group > 4000
    assert 10.55 <= group / 365 <= 11.45
    east, east_by = known_and_platforms(area(cells, forces, "East of England"))
    assert (east, east_by["facebook_messenger"], east_by["instagram"], east_by["whatsapp"]) == (
        877,
        162,
        288,
        32,
    )
    assert truth_file(WAVE_2018)["force"].nunique() == 32


def release_2018() -> pd.DataFrame:
    return read(RAW / "published" / "release_2019_12.csv")


@pytest.mark.parametrize("wave", [WAVE, WAVE_2018])
def test_the_truth_file_agrees_with_its_own_printed_cells(wave):
    """Every withheld cell's true count lies in its marker's range; every other cell's is what
    is printed; every printed total is the sum of its block's true counts."""
    truth = truth_file(wave)
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


@pytest.mark.parametrize("wave", [WAVE, WAVE_2018])
def test_the_truth_file_prints_what_the_returns_print(wave):
    """Each CSV and workbook cell named in the truth file holds what the file says was
    printed there (read with the csv module and openpyxl, by the place the truth names)."""
    truth = truth_file(wave)
    specs_by_file = {
        f"waves/{wave}/{f['path']}": f
        for p in (SPECS / wave).glob("*.yaml")
        for f in yaml.safe_load(p.read_text("utf-8"))["files"]
    }
    checked = 0
    for source, cells in truth.groupby("source_file"):
        spec = specs_by_file[source]
        path = RAW / source
        if spec["format"] == "csv":
            text = path.read_bytes().decode(spec["encoding"])
            lines = list(csv.reader(io.StringIO(text), delimiter=spec["delimiter"]))
            for place, printed in zip(cells["source_place"], cells["printed"], strict=True):
                line, column = re.fullmatch(r"line (\d+), column '(.*)'", place).groups()
                header = next(row for row in reversed(lines[: int(line) - 1]) if column in row)
                assert lines[int(line) - 1][header.index(column)] == printed, place
                checked += 1
        elif spec["format"] == "xlsx":
            book = openpyxl.load_workbook(path)
            for place, printed in zip(cells["source_place"], cells["printed"], strict=True):
                sheet, row, column = re.fullmatch(
                    r"sheet '(.*)', row (\d+), column ([A-Z])", place
                ).groups()
                assert str(book[sheet][f"{column}{row}"].value) == printed, place
                checked += 1
    assert checked > len(truth) / 2


@pytest.mark.parametrize("wave", [WAVE, WAVE_2018])
def test_the_truth_file_is_registered_and_no_spec_reads_it(wave):
    manifest = read_manifest(RAW)
    row = manifest[manifest["path"] == f"waves/{wave}/simulated-truth.csv"]
    assert list(row["content"]) == ["simulated truth"]
    assert list(row["provenance"]) == ["simulated"] and list(row["force"]) == [""]
    for spec in (SPECS / wave).glob("*.yaml"):
        assert "simulated-truth" not in spec.read_text("utf-8"), spec.name


# --- outcomes -------------------------------------------------------------------------------


def test_outcomes_cover_every_force_and_35_have_data(forces, release):
    outcomes = read(WAVE_DIR / "outcomes.csv")
    assert sorted(outcomes["force"]) == sorted(forces["force"])
    with_data = outcomes[outcomes["outcome"].isin(["data", "partial"])]
    published = release[
        (release["measure"] == "police forces that provided data") & (release["flag"] == "V")
    ]
    assert len(with_data) == int(published["value"].iloc[0]) == 35
    regional = set(forces.loc[forces["release_region"] != "", "force"])
    # Every force of a release region answered, but Humberside and South Yorkshire (no
    # platform flag): the Yorkshire total is North and West Yorkshire's.
    assert regional - set(with_data["force"]) == {"humberside", "south-yorkshire"}
    assert set(outcomes["outcome"]) == {
        "data",
        "partial",
        "refused_cost_s12",
        "no_platform_flag",
        "no_response",
        "refused_other",
    }
    partial = outcomes[outcomes["outcome"] == "partial"]
    assert list(partial["questions_answered"]) == ["q1"]
    assert (
        outcomes.loc[~outcomes["outcome"].isin(["data", "partial"]), "questions_answered"] == "none"
    ).all()
    assert (outcomes["period_end"] > "2020-09-30").sum() == 1
    assert set(outcomes["provenance"]) == {"simulated"}


def test_files_match_outcomes(forces):
    outcomes = read(WAVE_DIR / "outcomes.csv").set_index("force")
    manifest = read_manifest(RAW)
    wave_rows = manifest[manifest["wave"] == WAVE]
    for force, row in outcomes.iterrows():
        files = wave_rows[wave_rows["force"] == force]
        if row["outcome"] == "no_response":
            assert not (WAVE_DIR / force).exists(), force
            assert row["request_ref"] == "" and row["date_answered"] == ""
        elif row["outcome"] in ("data", "partial"):
            assert set(files["content"]) <= {"return", "records"} and len(files), force
            assert (SPECS / WAVE / f"{force}.yaml").is_file(), force
        else:
            assert set(files["content"]) <= {"refusal"}, force
        assert set(files["request_ref"]) <= {row["request_ref"]}
        assert set(files["outcome"]) <= {row["outcome"]}
    letters = wave_rows[wave_rows["content"] == "refusal"]
    assert {"pdf", "txt"} <= set(letters["format"])


def test_readme_outcomes_table_lists_every_force(forces):
    text = (RAW / "README.md").read_text("utf-8")
    block = text[text.index("<!-- outcomes:start -->") : text.index("<!-- outcomes:end -->")]
    for force in forces["force"]:
        assert f"(`{force}`)" in block
    assert "SIMULATED" in text


# --- what the returns look like -------------------------------------------------------------


def test_returns_come_in_the_formats_and_encodings_forces_use(specs):
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
        data = (WAVE_DIR / f["path"]).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") == (f["encoding"] == "utf-8-sig"), f["path"]
        if f["encoding"] == "cp1252":
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
            assert "–" in data.decode("cp1252")
    markers = {(m, tuple(b)) for f in files for m, b in f.get("withheld", {}).items()}
    assert {"<5", "*", "1-4", "fewer than five"} <= {m for m, _ in markers}
    assert {(1, 4), (0, 4)} <= {b for _, b in markers}


def test_workbooks_have_title_rows_a_merged_header_a_totals_row_and_a_sheet_per_half(specs):
    books = [f for s in specs.values() for f in s["files"] if f["format"] == "xlsx"]
    assert books
    for f in books:
        book = openpyxl.load_workbook(WAVE_DIR / f["path"])
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
        with pdfplumber.open(WAVE_DIR / f["path"]) as pdf:
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
    extracts = [f for s in specs.values() for f in s["files"] if f["format"] == "records"]
    assert len(extracts) >= 2
    for f in extracts:
        text = (WAVE_DIR / f["path"]).read_bytes().decode(f["encoding"])
        rows = list(csv.DictReader(io.StringIO(text), delimiter=f["delimiter"]))
        cols = f["columns"]
        ids = [r[cols["id"]] for r in rows]
        assert len(ids) > len(set(ids)), "some records are exported twice"
        dates = [dt.datetime.strptime(r[cols["date"]], f["date_format"]).date() for r in rows]
        outside = [d for d in dates if not dt.date(2019, 10, 1) <= d <= dt.date(2020, 9, 30)]
        assert outside, "some records fall outside the wave"
        seen, counts, two_apps, no_app = set(), {}, 0, 0
        codes = read(REFERENCE / "offence_codes.csv")
        groups = f.get("offence_values") or dict(
            zip(codes["code"], codes["offence_group"], strict=True)
        )
        for row, day in zip(rows, dates, strict=True):
            if row[cols["id"]] in seen or day not in _wave_days():
                continue
            seen.add(row[cols["id"]])
            found = {p for pattern, p in keywords if pattern.search(row[cols["text"]])}
            two_apps += len(found) > 1
            no_app += not found
            half = "H1" if day <= dt.date(2020, 3, 31) else "H2"
            group = groups[row[cols["offence"]]]
            for platform in found or {"unknown"}:
                key = (half, group, platform)
                counts[key] = counts.get(key, 0) + 1
        assert two_apps > 0 and no_app > 0
        cells = sim.ledger[sim.ledger["file"] == f["path"]]
        expected = {
            ("H1" if r.period_start.month == 10 else "H2", r.offence_group, r.key): r.true
            for r in cells.itertuples()
            if r.true
        }
        assert counts == expected, f["path"]


def _wave_days() -> set[dt.date]:
    start = dt.date(2019, 10, 1)
    return {start + dt.timedelta(days=k) for k in range(366)}


def test_quarterly_return_has_a_quarter_outside_the_wave(specs):
    quarterly = [
        t
        for s in specs.values()
        for f in s["files"]
        for t in f.get("tables", [])
        if len(t.get("period_values", {})) == 5
    ]
    assert len(quarterly) == 1
    periods = sorted(tuple(p) for p in quarterly[0]["period_values"].values())
    assert periods[-1][0] > dt.date(2020, 9, 30)
    assert periods[3][1] == dt.date(2020, 9, 30)


def test_specs_load_in_the_cleaning_step():
    from src.clean.run import load_specs
    from src.data.reference import load_reference

    reference = load_reference()
    loaded = load_specs(WAVE, SPECS / WAVE, WAVE_DIR, reference.forces, reference.offence_groups)
    outcomes = read(WAVE_DIR / "outcomes.csv")
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
    assert len(list((specs / "2021-10_2022-09").glob("*.yaml"))) == 35
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


def test_a_real_return_in_the_manifest_stops_regeneration(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    manifest = read(raw / "MANIFEST.csv")
    first = manifest.index[manifest["content"] == "return"][0]
    manifest.loc[first, "provenance"] = "real"
    manifest.to_csv(raw / "MANIFEST.csv", index=False)
    before = {p: (raw / p).read_bytes() for p in files_on_disk(raw)}
    with pytest.raises(RuntimeError, match="real returns"):
        write_corpus(raw, tmp_path / "specs", REFERENCE)
    assert {p: (raw / p).read_bytes() for p in files_on_disk(raw)} == before


def test_forces_seed_streams_do_not_depend_on_order():
    from simulation.generate import force_rng

    a = force_rng(1, "dorset", "truth").integers(1000, size=5)
    b = force_rng(1, "dorset", "truth").integers(1000, size=5)
    c = force_rng(1, "wiltshire", "truth").integers(1000, size=5)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
