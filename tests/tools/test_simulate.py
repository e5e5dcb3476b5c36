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
    shutil.copy(RAW / "README.md", raw / "README.md")
    # The published files' rows are add_return.py's (their periods as given there), not the
    # generator's: they are there before it runs.
    manifest = read(RAW / "MANIFEST.csv")
    published = manifest[manifest["path"].str.startswith("published/")]
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


def test_the_2018_19_wave_hits_the_december_2019_release(sim_2018):
    """The release's figures, stated by hand: 9,259 known; WhatsApp 299 (3%); Instagram 22%
    and Facebook or Messenger 19% of the known (the counts nearest those shares: 2,037 and
    1,759); East of England 877 known, of which Facebook or Messenger 162, Instagram 288 and
    WhatsApp 32 (482, 55%); 32 forces with data."""
    truth = sim_2018.truth.counts
    known = truth[truth["platform"] != "unknown"]
    by = known.groupby("platform")["count"].sum()
    assert int(by.sum()) == 9259
    assert (int(by["instagram"]), int(by["facebook_messenger"]), int(by["whatsapp"])) == (
        2037,
        1759,
        299,
    )
    owned = int(by["instagram"] + by["facebook_messenger"] + by["whatsapp"])
    assert 4000 < owned < 9259 / 2  # "just over 4,000", "nearly half"
    east = known[
        known["force"].isin(
            ["bedfordshire", "cambridgeshire", "essex", "hertfordshire", "norfolk", "suffolk"]
        )
    ]
    east_by = east.groupby("platform")["count"].sum()
    assert int(east_by.sum()) == 877
    assert (
        int(east_by["facebook_messenger"]),
        int(east_by["instagram"]),
        int(east_by["whatsapp"]),
    ) == (162, 288, 32)
    assert truth["force"].nunique() == 32
    assert set(truth["period"]) == {"2018-04_2019-03"}
    shares = sim_2018.shares.set_index("figure_id")
    assert round(shares.loc["national_instagram_share", "midpoint"]) == 22
    assert round(shares.loc["national_facebook_messenger_share", "midpoint"]) == 19
    assert round(shares.loc["national_whatsapp_share", "midpoint"]) == 3
    assert round(shares.loc["region_east_of_england_facebook_owned_share", "midpoint"]) == 55
    assert shares.loc["national_facebook_owned_share", "midpoint"] < 50
    outcomes = sim_2018.outcomes
    assert len(outcomes) == 45 and set(outcomes["provenance"]) == {"simulated"}
    assert outcomes.loc[outcomes["force"] == "cambridgeshire", "outcome"].item() == "data"


def test_the_regenerated_manifest_verifies(regenerated):
    raw, _, _ = regenerated
    manifest = verify_raw(raw)
    assert (
        manifest["path"].str.startswith("published/") == (manifest["provenance"] == "real")
    ).all()


# --- targets --------------------------------------------------------------------------------


def _value(release: pd.DataFrame, **where) -> int:
    rows = release
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, where
    return int(rows["value"].iloc[0])


def test_true_counts_hit_the_published_counts_exactly(sim, release, forces):
    """Every exact count of the release about the wave alone: nationally, in every release
    region (Yorkshire among them), and for every force printed (the five South West rows, and
    West Yorkshire's known total alone)."""
    release = release[release["compares_with"] == ""]
    truth = sim.truth.counts
    known = truth[truth["platform"] != "unknown"]
    named = {"instagram", "facebook_messenger", "whatsapp"}
    national = dict(geography="national", unit="count", comparison="exact")
    for platform in sorted(named):
        expected = _value(release, platform_group=platform, **national)
        assert known.loc[known["platform"] == platform, "count"].sum() == expected
    other = _value(release, platform_group="other", **national)
    assert known.loc[~known["platform"].isin(named), "count"].sum() == other
    region_of = dict(zip(forces["force"], forces["release_region"], strict=True))
    by_region = known.groupby(known["force"].map(region_of))["count"].sum()
    for region in sorted(set(region_of.values()) - {""}):
        expected = _value(
            release, geography="region", area=region, platform_group="all_known", unit="count"
        )
        assert by_region[region] == expected, region
    force_rows = release[(release["geography"] == "force") & (release["unit"] == "count")]
    for force, rows in force_rows.groupby("area"):
        mine = known[known["force"] == force]
        by = dict(zip(rows["platform_group"], rows["value"].astype(int), strict=True))
        assert mine["count"].sum() == by["all_known"], force
        if "instagram" in by:
            assert mine.loc[mine["platform"] == "instagram", "count"].sum() == by["instagram"]
        if "facebook_column" in by:
            facebook_column = mine["platform"].isin(["facebook_messenger", "whatsapp"])
            assert mine.loc[facebook_column, "count"].sum() == by["facebook_column"], force
    assert set(force_rows["area"]) >= {"west-yorkshire", "dorset"}
    drawn = sim.targets[sim.targets["drawn"]]
    assert (drawn["true"] == drawn["published"]).all()


def test_yorkshire_and_west_yorkshire_as_the_opinion_piece_printed_them(sim):
    """Yorkshire 1,798 known (Humberside and South Yorkshire sent no data, so North and West
    Yorkshire hold it all), West Yorkshire 1,334 of them, more than half on the owner group's
    apps (with every withheld cell at its midpoint too)."""
    truth = sim.truth.counts
    known = truth[truth["platform"] != "unknown"]
    by_force = known.groupby("force")["count"].sum()
    assert "humberside" not in by_force and "south-yorkshire" not in by_force
    assert by_force["west-yorkshire"] == 1334
    assert by_force["north-yorkshire"] == 1798 - 1334
    west = known[known["force"] == "west-yorkshire"]
    owned = west.loc[west["platform"].isin(["instagram", "facebook_messenger", "whatsapp"])]
    assert owned["count"].sum() > 1334 / 2
    share = sim.shares.set_index("figure_id").loc["force_west_yorkshire_facebook_owned_share"]
    assert share["true"] > 50 and share["midpoint"] > 50


def test_the_stated_national_total_lies_within_the_written_returns(sim):
    """The release's 9,477 is not the sum of its four platform counts (9,435), which the true
    counts follow; the withheld cells of the written returns still allow it."""
    stated = sim.targets.set_index("target").loc["national known (stated)"]
    assert (stated["published"], stated["true"], bool(stated["drawn"])) == (9477, 9435, False)
    assert stated["lower"] <= 9477 <= stated["upper"]


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
    target nor a percentage the returns are checked against."""
    assert "national_instagram_change_on_previous_year" not in set(sim.shares["figure_id"])
    assert not sim.targets["target"].str.contains("change").any()


def test_regional_facebook_owned_counts_are_nearest_the_published_share(sim, release):
    for row in sim.targets[sim.targets["target"].str.endswith("Facebook-owned")].itertuples():
        region = row.target.removesuffix(" Facebook-owned")
        known = _value(release, geography="region", area=region, platform_group="all_known")
        share = _value(release, geography="region", area=region, platform_group="facebook_owned")
        if region == "South West":  # fixed by the five force rows instead
            continue
        best = min(range(known + 1), key=lambda n: abs(n / known - share / 100))
        assert row.true == best, region


def test_written_returns_bracket_every_target(sim):
    targets = sim.targets
    # National: four platforms and the stated total; five regions' totals, four regions'
    # owner-group counts and the South West's two columns; five South West force rows of
    # three, and West Yorkshire's total.
    assert len(targets) == 4 + 1 + 5 + 4 + 2 + 3 * 5 + 1
    assert (targets["printed_true"] == targets["true"]).all()
    assert (targets["lower"] <= targets["published"]).all()
    assert (targets["published"] <= targets["upper"]).all()
    assert (targets["lower"] < targets["upper"]).any(), "some cells must be withheld"


def _share_from_published_parts(figure_id: str, release: pd.DataFrame) -> float | None:
    """The share implied by the published counts, where they give one."""
    national = release[(release["geography"] == "national") & (release["unit"] == "count")]
    parts = national[
        national["platform_group"].isin(["instagram", "facebook_messenger", "whatsapp", "other"])
    ]
    value = dict(zip(parts["platform_group"], parts["value"].astype(int), strict=True))
    total = sum(value.values())
    facebook = value["instagram"] + value["facebook_messenger"] + value["whatsapp"]
    south_west = release[(release["geography"] == "region") & (release["area"] == "South West")]
    sw = dict(
        zip(
            south_west.loc[south_west["unit"] == "count", "platform_group"],
            south_west.loc[south_west["unit"] == "count", "value"].astype(int),
            strict=True,
        )
    )
    implied = {
        "national_facebook_owned_share": 100 * facebook / total,
        "national_facebook_messenger_share": 100 * value["facebook_messenger"] / total,
        "national_instagram_share": 100 * value["instagram"] / total,
        "national_whatsapp_share_of_facebook_owned": 100 * value["whatsapp"] / facebook,
        "region_south_west_facebook_owned_share": 100
        * (sw["instagram"] + sw["facebook_column"])
        / sw["all_known"],
    }
    return implied.get(figure_id)


def test_midpoint_treatment_reproduces_the_published_percentages(sim, release):
    """With every withheld cell at the middle of its range, each published percentage reads
    as the true counts give it: the published value, or, where the published counts themselves
    imply another, that one (a published inconsistency, kept for the findings)."""
    shares = sim.shares.set_index("figure_id")
    percent = release[(release["unit"] == "percent") & (release["compares_with"] == "")]
    assert set(shares.index) == set(percent["figure_id"])
    for row in percent.itertuples(index=False):
        got = shares.loc[row.figure_id]
        expected = _share_from_published_parts(row.figure_id, release)
        if expected is not None:
            assert got["true"] == pytest.approx(expected)
        if row.comparison == "rounded":
            wanted = round(expected) if expected is not None else float(row.value)
            assert round(got["true"]) == wanted, row.figure_id
            assert round(got["midpoint"]) == wanted, row.figure_id
        elif row.comparison == "more_than":
            assert got["true"] > float(row.value) and got["midpoint"] > float(row.value)
        else:  # approx_one_in: "one in N"
            assert round(100 / got["midpoint"]) == round(100 / got["true"])
    # The two published shares that the published counts contradict are still contradicted.
    mismatched = {
        r.figure_id
        for r in percent.itertuples(index=False)
        if r.comparison == "rounded"
        and round(_share_from_published_parts(r.figure_id, release) or float(r.value))
        != float(r.value)
    }
    assert mismatched == {"national_facebook_owned_share", "region_south_west_facebook_owned_share"}


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
    assert pages_used >= {1, 2}, "one letter should put a table on its second page"


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
