"""Hostile input that the broken-returns corpus (tests/pipeline/broken/cases.yaml) cannot
express as one entry: each must stop the cleaning with one InputError naming the real problem,
the file and the place, and leave the previous outputs byte for byte as they were; or, for
scripts/add_return.py, refuse with exit code 2 and leave the manifest untouched."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from fixtures import corpus

from scripts import add_return
from src.clean import run as clean
from src.data.manifest import MAKE_UNSAFE, make_safe, make_unsafe
from src.errors import InputError

DORSET = corpus.DORSET_FILE
CHESHIRE = corpus.CHESHIRE_FILE


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """The good corpus and its processed outputs, built once and copied for each test."""
    root = tmp_path_factory.mktemp("good")
    paths = corpus.build_corpus(root)
    clean.run_clean(paths["raw"], paths["reference"], paths["processed"])
    return root


@pytest.fixture
def root(good, tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(good, target)
    return target


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _stops(root: Path) -> InputError:
    """Run the cleaning on ``root``; it must stop with an InputError and write nothing."""
    processed = root / "processed"
    before = _tree(processed)
    assert before, "the good corpus has outputs to protect"
    with pytest.raises(InputError) as caught:
        clean.run_clean(root / "raw", root / "reference", processed)
    assert _tree(processed) == before
    assert caught.value.fix and "How to fix" in caught.value.message
    return caught.value


def _wave(root: Path) -> Path:
    return root / "raw" / "waves" / corpus.WAVE


# --- XLSX: refused before openpyxl reads a byte ------------------------------------------------


@pytest.mark.parametrize(
    "part, edits",
    [
        (
            "xl/worksheets/sheet1.xml",
            [
                [
                    'standalone="yes"?>',
                    'standalone="yes"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
                ]
            ],
        ),
        (
            "xl/sharedStrings.xml",
            [
                [
                    'standalone="yes"?>',
                    'standalone="yes"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
                ],
                ["<t>Instagram</t>", "<t>&x;</t>"],
            ],
        ),
    ],
    ids=["entity-expansion", "external-entity"],
)
def test_a_dtd_is_refused_before_openpyxl_parses_the_workbook(root, monkeypatch, part, edits):
    import openpyxl

    corpus.edit_xlsx_part(_wave(root) / CHESHIRE, part, edits)
    corpus.refresh_manifest(root / "raw")

    def must_not_be_called(*args, **kwargs):
        raise AssertionError("openpyxl was given a workbook that declares a DTD")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_be_called)
    error = _stops(root)
    assert error.file.endswith(CHESHIRE)
    assert error.place == f"part '{part}'"
    assert "declares a DTD/entity" in error.problem
    assert "which a spreadsheet never needs; refused for safety" in error.problem


def test_the_sizes_come_from_the_archive_directory_without_decompressing(root, monkeypatch):
    """A zip bomb is refused from the sizes its directory states: nothing is decompressed."""
    corpus.pad_xlsx_part(_wave(root) / CHESHIRE, "xl/worksheets/sheet1.xml", 60)
    corpus.refresh_manifest(root / "raw")

    def must_not_be_called(*args, **kwargs):
        raise AssertionError("a part was decompressed before the sizes were checked")

    monkeypatch.setattr(zipfile.ZipFile, "read", must_not_be_called)
    monkeypatch.setattr(zipfile.ZipFile, "open", must_not_be_called)
    error = _stops(root)
    assert error.place == "whole file"
    assert "expands to 60.0 MiB, above the limit of 50.0 MiB" in error.problem


def test_a_workbook_of_thousands_of_parts_is_refused(root):
    path = _wave(root) / CHESHIRE
    with zipfile.ZipFile(path, "a") as archive:
        for i in range(2001):
            archive.writestr(zipfile.ZipInfo(f"xl/filler/{i}.xml", (2020, 1, 1, 0, 0, 0)), "")
    corpus.refresh_manifest(root / "raw")
    error = _stops(root)
    assert error.file.endswith(CHESHIRE)
    assert "holds 2,012 parts, above the limit of 2,000" in error.problem


# --- PDF: refused with its real cause ----------------------------------------------------------


def test_a_password_protected_pdf_stops_the_cleaning_saying_so(root, monkeypatch):
    from fpdf import FPDF

    dated = FPDF.set_creation_date

    def with_a_password(pdf, *args, **kwargs):
        dated(pdf, *args, **kwargs)
        pdf.set_encryption(owner_password="owner", user_password="user")

    monkeypatch.setattr(FPDF, "set_creation_date", with_a_password)
    corpus.write_jersey(_wave(root) / corpus.JERSEY_FILE)
    corpus.refresh_manifest(root / "raw")
    error = _stops(root)
    assert error.file.endswith(corpus.JERSEY_FILE)
    assert "password-protected" in error.problem and "corrupt" not in error.problem
    assert "ask the force for an unprotected copy" in error.fix


def test_a_pdf_decompression_bomb_stops_the_cleaning(root):
    import zlib

    path = _wave(root) / corpus.JERSEY_FILE
    body = zlib.compress(b" " * (60 * 1024 * 1024), 9)
    head = f"\n99 0 obj\n<< /Length {len(body)} /Filter /FlateDecode >>\nstream\n".encode()
    path.write_bytes(path.read_bytes() + head + body + b"\nendstream\nendobj\n")
    corpus.refresh_manifest(root / "raw")
    error = _stops(root)
    assert error.file.endswith(corpus.JERSEY_FILE)
    assert "expands to more than 50.0 MiB" in error.problem


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ("note: !!python/object/apply:os.system [echo]\n", "YAML tags are not allowed"),
        ("x0: &a [x, x]\nx1: [*a, *a]\n", "YAML anchors and aliases (&, *) are not allowed"),
    ],
    ids=["python-tag", "alias"],
)
def test_a_reading_spec_with_a_tag_or_an_alias_stops_the_cleaning(root, extra, problem):
    spec = root / "reference" / "specs" / corpus.WAVE / "dorset.yaml"
    lines = spec.read_text(encoding="utf-8").count("\n")
    spec.write_text(spec.read_text(encoding="utf-8") + extra, encoding="utf-8")
    error = _stops(root)
    assert error.file.endswith("dorset.yaml")
    assert error.place == f"line {lines + 1}"
    assert error.problem.startswith(problem)


def test_a_spreadsheet_lock_file_and_a_hidden_file_beside_a_return_change_nothing(root):
    """Excel's ~$name.xlsx beside an open workbook, and a hidden file: not returns."""
    processed = root / "processed"
    before = _tree(processed)
    (_wave(root) / "cheshire" / ("~$" + Path(CHESHIRE).name)).write_bytes(b"\x00lock")
    (_wave(root) / "dorset" / ".DS_Store").write_bytes(b"\x00")
    clean.run_clean(root / "raw", root / "reference", processed)
    assert _tree(processed) == before


# --- data/raw: what may be in it, and what make can name ---------------------------------------


def test_a_symlinked_folder_is_refused_by_its_own_name(root):
    wave = _wave(root)
    outside = root / "elsewhere" / "dorset"
    outside.parent.mkdir()
    (wave / "dorset").rename(outside)
    (wave / "dorset").symlink_to(outside, target_is_directory=True)
    error = _stops(root)
    assert error.file.endswith(f"waves/{corpus.WAVE}/dorset")
    assert "is a symbolic link" in error.problem
    assert "elsewhere/dorset" in error.problem
    assert "raw files must be regular files, as received" in error.problem


def test_a_named_pipe_is_refused_not_read(root):
    os.mkfifo(_wave(root) / "dorset" / "pipe.csv")
    error = _stops(root)
    assert error.file.endswith("dorset/pipe.csv")
    assert error.place == "file type"
    assert "not a regular file" in error.problem


# Every character make cannot use, with the space (which the Makefile escapes) as a control.
UNSAFE_CHARACTERS = [":", "#", "%", "$", "*", "?", "[", "]", ";", "=", "\\", "|", "\t", "\n"]


@pytest.mark.parametrize("character", UNSAFE_CHARACTERS, ids=[repr(c) for c in UNSAFE_CHARACTERS])
def test_a_name_make_cannot_use_is_refused_with_the_rename(root, character):
    wave = _wave(root)
    bad = f"dorset/PUB{character}123 platforms.csv"
    (wave / DORSET).rename(wave / bad)
    corpus.refresh_manifest(root / "raw")
    error = _stops(root)
    assert error.file.endswith(bad)
    assert error.place == "file name"
    assert f"holds {character!r}" in error.problem
    assert "make cannot use in a list of files" in error.problem
    assert f"rename it to 'waves/{corpus.WAVE}/dorset/PUB-123 platforms.csv'" in error.fix


@pytest.mark.parametrize(
    "name",
    ["Response (1).xlsx", "a & b.csv", "O'Neill, reply.pdf", "~draft+final@2020!.txt", "x y"],
)
def test_names_make_can_use_are_accepted(name):
    assert make_unsafe(name) == ""
    assert make_safe(name) == name


def _make_accepts(folder: Path, name: str) -> bool:
    """Whether make, given ``name`` as a prerequisite (spaces escaped as the Makefile escapes
    them), finds that very file, and sees it change."""
    folder.mkdir()
    (folder / name).write_text("x")
    (folder / "out").write_text("")
    os.utime(folder / name, (100, 100))
    os.utime(folder / "out", (200, 200))
    escaped = name.replace(" ", "\\ ")
    (folder / "Makefile").write_text(f"out: {escaped}\n\ttouch out\n", encoding="utf-8")
    run = ["make", "-q", "-C", str(folder), "out"]
    up_to_date = subprocess.run(run, capture_output=True).returncode == 0
    os.utime(folder / name, (300, 300))  # now newer than out
    sees_change = subprocess.run(run, capture_output=True).returncode == 1
    return up_to_date and sees_change


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_set_of_unsafe_characters_agrees_with_make(tmp_path):
    """Every printable character make trips on is refused; every one refused is one make
    cannot take (or takes only as a pattern or wildcard, which finds the file by luck)."""
    patterns = set("%*?[]\\")  # make reads these as a pattern, a wildcard or an escape
    for i, character in enumerate(chr(c) for c in range(32, 127)):
        name = f"a{character}b x.txt"
        if character == "/":
            continue
        accepted = _make_accepts(tmp_path / str(i), name)
        if not accepted:
            assert make_unsafe(name), f"make cannot use {character!r}, but it is not refused"
        elif make_unsafe(name):
            assert character in patterns, f"{character!r} is refused, but make takes it"
    assert _make_accepts(tmp_path / "space", "a b x.txt")
    assert not _make_accepts(tmp_path / "member", "letter (1)")
    assert make_unsafe("letter (1)") == "ends in '(...)'"
    assert not MAKE_UNSAFE.search("a b (1).txt")


# --- scripts/add_return.py: nothing recorded that the cleaning would refuse --------------------


def _add(root: Path, path: str, *options: str) -> int:
    return add_return.main(
        [
            path,
            *options,
            "--raw-dir",
            str(root / "raw"),
            "--reference-dir",
            str(root / "reference"),
        ]
    )


def _new_return(root: Path, name: str = "FOI 9 reply.csv") -> str:
    target = _wave(root) / "dorset" / name
    target.write_text("App;Count\nInstagram;3\n", encoding="utf-8")
    return f"waves/{corpus.WAVE}/dorset/{name}"


def _refused(root: Path, capsys, argv: list[str], *words: str) -> None:
    manifest = root / "raw" / "MANIFEST.csv"
    before = manifest.read_bytes()
    assert _add(root, *argv) == 2
    err = capsys.readouterr().err
    for text in words:
        assert text in err, err
    assert "How to fix" in err
    assert manifest.read_bytes() == before


def test_add_return_records_a_good_file(root, capsys):
    path = _new_return(root)
    assert _add(root, path, "--force", "dorset", "--outcome", "data") == 0
    text = (root / "raw" / "MANIFEST.csv").read_text(encoding="utf-8")
    assert f"{path},{corpus.WAVE},dorset," in text


@pytest.mark.parametrize(
    "path, words",
    [
        ("../../../../../etc/passwd", ["outside data/raw"]),
        ("/etc/passwd", ["outside data/raw"]),
        (f"waves/{corpus.WAVE}/dorset/../../../../x.csv", ["outside data/raw"]),
        (f"waves/{corpus.WAVE}/dorset/nothing.csv", ["there is no such file"]),
        (f"waves/{corpus.WAVE}/dorset", ["is a folder, not a file"]),
    ],
    ids=["dot-dot", "absolute", "dot-dot-inside", "missing", "folder"],
)
def test_add_return_refuses_a_path_outside_or_missing(root, capsys, path, words):
    _refused(root, capsys, [path, "--force", "dorset"], *words)


def test_add_return_refuses_a_symlink(root, capsys):
    path = _new_return(root, "link.csv")
    target = root / "elsewhere.csv"
    (root / "raw" / path).rename(target)
    (root / "raw" / path).symlink_to(target)
    _refused(root, capsys, [path, "--force", "dorset"], "link.csv", "is a symbolic link")


def test_add_return_refuses_a_file_inside_a_symlinked_folder(root, capsys):
    (_wave(root) / "dorset").rename(root / "dorset-elsewhere")
    (_wave(root) / "dorset").symlink_to(root / "dorset-elsewhere", target_is_directory=True)
    path = f"waves/{corpus.WAVE}/dorset/{Path(DORSET).name}"
    _refused(root, capsys, [path, "--force", "dorset"], f"{corpus.WAVE}/dorset,", "symbolic link")


def test_add_return_refuses_a_name_make_cannot_use(root, capsys):
    path = _new_return(root, "FOI: 9 | reply.csv")
    _refused(
        root,
        capsys,
        [path, "--force", "dorset"],
        "holds ':', '|'",
        f"rename it to 'waves/{corpus.WAVE}/dorset/FOI- 9 - reply.csv'",
    )


@pytest.mark.parametrize(
    "options, words",
    [
        (["--force", "dorset-police"], ["the force 'dorset-police' is not in", "forces.csv"]),
        (["--force", "cheshire"], ["in the folder of force 'dorset', not of 'cheshire'"]),
        (["--force", "dorset", "--outcome", "yes"], ["'yes' is not an outcome", "no_response"]),
        (["--force", "dorset", "--wave", "2030-10_2031-09"], ["the wave '2030-10_2031-09'"]),
    ],
    ids=["unknown-force", "force-of-another-folder", "unknown-outcome", "unknown-wave"],
)
def test_add_return_refuses_an_unknown_force_outcome_or_wave(root, capsys, options, words):
    _refused(root, capsys, [_new_return(root), *options], *words)


def test_add_return_refuses_a_format_the_manifest_cannot_record(root, capsys):
    path = _new_return(root, "reply.docx")
    _refused(root, capsys, [path, "--force", "dorset"], "'.docx' is not a format")


def test_add_return_refuses_from_the_command_line_with_exit_code_2(root):
    import sys

    from src.helpers import ROOT

    manifest = root / "raw" / "MANIFEST.csv"
    before = manifest.read_bytes()
    command = [sys.executable, "scripts/add_return.py", "/etc/passwd", "--force", "dorset"]
    command += ["--raw-dir", str(root / "raw"), "--reference-dir", str(root / "reference")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2
    assert "/etc/passwd, path: is outside data/raw" in done.stderr
    assert "Traceback" not in done.stderr
    assert manifest.read_bytes() == before


# --- scripts/add_return.py: published figures files --------------------------------------------


def _new_published(root: Path, name: str = "release_2030_01.csv", folder: str = "published") -> str:
    target = root / "raw" / folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("figure_id,value\nnational_known_instances,10\n", encoding="utf-8")
    return f"{folder}/{name}"


def test_add_return_records_a_published_file_with_its_wave(root):
    path = _new_published(root)
    options = ["--content", "published", "--wave", corpus.WAVE]
    options += ["--period-start", "2019-10-01", "--period-end", "2020-09-30"]
    assert _add(root, path, *options) == 0
    text = (root / "raw" / "MANIFEST.csv").read_text(encoding="utf-8")
    assert f"{path},{corpus.WAVE},,,,,csv,published,,2019-10-01,2020-09-30,real," in text


def test_add_return_records_a_published_file_of_no_wave(root):
    path = _new_published(root, "context_more.csv")
    assert _add(root, path, "--content", "published") == 0
    text = (root / "raw" / "MANIFEST.csv").read_text(encoding="utf-8")
    assert f"{path},,,,,,csv,published,,,,real," in text


@pytest.mark.parametrize(
    "where, options, words",
    [
        ("waves", ["--wave", corpus.WAVE], ["must lie directly under data/raw/published/"]),
        ("published", ["--wave", "2030-10_2031-09"], ["the wave '2030-10_2031-09' is not in"]),
        ("published", ["--force", "dorset"], ["has no force or outcome", "leave out --force"]),
        ("published", ["--outcome", "data"], ["has no force or outcome"]),
    ],
    ids=["not-under-published", "unknown-wave", "with-a-force", "with-an-outcome"],
)
def test_add_return_refuses_a_published_file_it_cannot_record(root, capsys, where, options, words):
    path = _new_published(
        root, folder="published" if where == "published" else f"waves/{corpus.WAVE}"
    )
    _refused(root, capsys, [path, "--content", "published", *options], *words)


def test_add_return_refuses_a_return_outside_the_waves(root, capsys):
    path = _new_published(root, "reply.csv")
    _refused(root, capsys, [path, "--force", "dorset"], "must lie under waves/<wave>/<force>/")


def test_add_return_refuses_a_return_without_a_force(root, capsys):
    _refused(root, capsys, [_new_return(root)], "no force given", "--force")
