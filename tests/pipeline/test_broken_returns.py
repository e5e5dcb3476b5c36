"""Every broken return in tests/pipeline/broken/cases.yaml stops the run with a clear error, and leaves
the previous outputs exactly as they were."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from fixtures import corpus

from src.clean import run as clean
from src.data.manifest import manifest_text, read_manifest
from src.errors import InputError
from src.helpers import load_yaml

CASES = load_yaml(Path(__file__).parent / "broken" / "cases.yaml")
FAULTS = {
    "unknown label",
    "non-numeric count",
    "negative count",
    "total that does not add up",
    "duplicated rows",
    "missing header",
    "empty file",
    "truncated xlsx",
    "pdf without table",
    "wrong encoding declared",
    "period outside the wave",
    "force not in reference",
    "return listed twice",
    "missing sheet",
    "undeclared withheld marker",
}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """The good corpus and its processed outputs, built once and copied for each case."""
    root = tmp_path_factory.mktemp("good")
    paths = corpus.build_corpus(root)
    clean.run_clean(paths["raw"], paths["reference"], paths["processed"])
    return root


def _set(tree, dotted: str, value) -> None:
    keys = dotted.split(".")
    for key in keys[:-1]:
        tree = tree[int(key)] if isinstance(tree, list) else tree[key]
    last = keys[-1]
    if isinstance(tree, list):
        tree[int(last)] = value
    else:
        tree[last] = value


def _spec_path(reference: Path, force: str) -> Path:
    return reference / "specs" / corpus.WAVE / f"{force}.yaml"


def apply_fault(action: dict, raw: Path, reference: Path) -> None:
    """Introduce one fault into a copy of the good corpus."""
    ((kind, args),) = action.items()
    wave = raw / "waves" / corpus.WAVE
    if kind == "manifest_row":  # a row for a path that is not a file under raw/
        corpus.refresh_manifest(raw)
        manifest = read_manifest(raw)
        row = {**manifest.iloc[0].to_dict(), "path": args["path"]}
        text = manifest_text([*manifest.to_dict("records"), row])
        (raw / "MANIFEST.csv").write_text(text, encoding="utf-8")
        return
    if kind == "replace":
        path = wave / args["file"]
        encoding = "cp1252" if path.name.endswith("platforms.csv") else "utf-8"  # as written
        text = path.read_bytes().decode(encoding)
        assert args["old"] in text, f"the fault's old text is not in {args['file']}"
        path.write_bytes(text.replace(args["old"], args["new"], 1).encode(encoding))
    elif kind == "bytes":
        path = wave / args["file"]
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * args["keep"])])
    elif kind == "write":
        (wave / args["file"]).write_text(args["text"], encoding="utf-8")
    elif kind == "empty":
        (wave / args["file"]).write_bytes(b"")
    elif kind == "raw_bytes":
        (wave / args["file"]).write_bytes(args["latin1"].encode("latin-1"))
    elif kind == "xlsx_part":
        corpus.edit_xlsx_part(
            wave / args["file"], args["part"], args["edits"], args.get("encoding", "utf-8")
        )
    elif kind == "xlsx_pad":
        corpus.pad_xlsx_part(wave / args["file"], args["part"], args["mib"], args["fill"])
    elif kind == "rename":
        (wave / args["file"]).rename(wave / args["to"])
    elif kind == "symlink":  # the file is moved out of raw/ and linked to from where it was
        path = wave / args["file"]
        outside = raw.parent / "elsewhere" / path.name
        outside.parent.mkdir(exist_ok=True)
        path.rename(outside)
        path.symlink_to(outside)
    elif kind == "rebuild":
        getattr(corpus, args["writer"])(wave / args["file"], **args.get("args", {}))
    elif kind == "spec":
        path = _spec_path(reference, args["force"])
        spec = yaml.safe_load(path.read_text())
        for key, value in args["set"].items():
            _set(spec, key, value)
        path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False))
    elif kind == "spec_add_file":
        path = _spec_path(reference, args["force"])
        spec = yaml.safe_load(path.read_text())
        spec["files"].append(args["entry"])
        path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False))
    else:  # pragma: no cover - a typo in cases.yaml
        raise ValueError(f"unknown action {kind}")
    corpus.refresh_manifest(raw)  # the fault is in the return, not in its checksum


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_the_corpus_has_every_kind_of_fault_the_issue_lists():
    assert len(CASES) >= 15
    assert len({case["id"] for case in CASES}) == len(CASES)
    described = " ".join(case["id"].replace("-", " ") + " " + case["fault"] for case in CASES)
    words = {
        "unknown label": "unknown label",
        "non-numeric count": "non numeric count",
        "negative count": "negative count",
        "total that does not add up": "total does not add up",
        "duplicated rows": "duplicated rows",
        "missing header": "missing header",
        "empty file": "empty file",
        "truncated xlsx": "truncated xlsx",
        "pdf without table": "pdf without table",
        "wrong encoding declared": "wrong encoding declared",
        "period outside the wave": "straddles the wave",
        "force not in reference": "force not in reference",
        "return listed twice": "return listed twice",
        "missing sheet": "missing sheet",
        "undeclared withheld marker": "undeclared withheld marker",
    }
    assert set(words) == FAULTS
    for fault, text in words.items():
        assert text in described, fault


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_broken_return_stops_with_a_clear_error_and_touches_nothing(case, good, tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(good, root)
    raw, reference, processed = root / "raw", root / "reference", root / "processed"
    apply_fault(case["action"], raw, reference)
    before = _tree(processed)
    with pytest.raises(InputError) as caught:
        clean.run_clean(raw, reference, processed)
    error, expect = caught.value, case["expect"]
    assert error.file.endswith(expect["file"]), error.message
    assert expect["place"] in error.place, error.message
    for words in expect["problem"]:
        assert words in error.problem, error.message
    for words in expect["fix"]:
        assert words in error.fix, error.message
    assert error.fix and "How to fix" in error.message
    assert _tree(processed) == before
