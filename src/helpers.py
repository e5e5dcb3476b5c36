"""The ground every module stands on: project paths (and the build folders a notebook may write
to), deterministic and atomic writes, hashing, YAML, the one CSV format out and in, and the
generated blocks of hand-written files."""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import yaml

from src.errors import InputError


def find_root(start: Path | None = None) -> Path:
    """The project root: the nearest folder at or above ``start`` holding ``pyproject.toml``
    and a ``Makefile``. Notebooks use this so that they run the same under papermill (which
    starts the kernel where it is called from) and nbval (which starts it beside the notebook).
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "Makefile").is_file():
            return folder
    raise FileNotFoundError(f"no project root (pyproject.toml and Makefile) at or above {here}")


ROOT = find_root(Path(__file__).parent)
RAW = ROOT / "data" / "raw"
REFERENCE = ROOT / "data" / "reference"
PROCESSED = ROOT / "data" / "processed"
REPORTS = ROOT / "reports"
#: Published figures, transcribed (real, not simulated), read by the findings and the report.
PUBLISHED = RAW / "published"


def build_folder(output_dir: str, source: str = "parameters") -> Path:
    """The build folder ``output_dir`` names (relative to the project root), resolved; an
    :class:`~src.errors.InputError` (naming ``source``) unless it lies inside ``reports/``."""
    fix = (
        "give output_dir as a folder inside reports/, relative to the project root: reports "
        "(make's default build), reports/variants/<name> (a variant) or reports/scratch/<name> "
        "(a run by hand), e.g. `-p output_dir reports/scratch/mine`"
    )
    if not isinstance(output_dir, str) or not output_dir.strip():
        raise InputError(
            source, "parameter output_dir", f"{output_dir!r} is not a folder name", fix
        )
    reports = REPORTS.resolve()
    folder = (ROOT / output_dir).resolve()
    if not folder.is_relative_to(reports):
        raise InputError(
            source,
            "parameter output_dir",
            f"'{output_dir}' is {folder}, outside {reports} (the build folders' home): "
            "nothing was written",
            fix,
        )
    return folder


def rel(path: Path | str) -> str:
    """``path`` relative to the project root when it is inside it, for messages and tables."""
    p = Path(path).resolve()
    try:
        return p.relative_to(ROOT).as_posix()
    except ValueError:
        return str(p)


def sha256_file(path: Path | str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


#: A parameters file or a reading spec is a few kilobytes; a megabyte is no hand-written YAML.
MAX_YAML_BYTES = 1024 * 1024


def check_yaml(text: str, file: str) -> None:
    """Refuse YAML ``text`` that is more than plain values (an InputError naming ``file``): one
    above :data:`MAX_YAML_BYTES`, an anchor or alias (``&a``, ``*a``: a few of them can expand
    to gigabytes) or a tag (``!!python/...``, which only a program writes). Text that is not
    valid YAML is left to the loader, which says where."""
    size = len(text.encode("utf-8"))
    if size > MAX_YAML_BYTES:
        raise InputError(
            file,
            "whole file",
            f"the file is {size:,} bytes, above the limit of {MAX_YAML_BYTES:,} for YAML "
            "written by hand (MAX_YAML_BYTES)",
            "check that it is the right file; keep only the keys it needs",
        )
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            alias = isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)
            tag = getattr(event, "tag", None)
            if alias or tag:
                what = "anchors and aliases (&, *) are" if alias else "tags are"
                here = "" if alias else f" (here {tag.replace('tag:yaml.org,2002:', '!!')})"
                raise InputError(
                    file,
                    f"line {event.start_mark.line + 1}",
                    f"YAML {what} not allowed{here}",
                    "write every value out in full, as plain YAML (names, numbers, dates, "
                    "lists [a, b]); nothing here needs an anchor, alias or tag",
                )
    except yaml.YAMLError:
        return


def load_yaml(path: Path | str):
    """The YAML file ``path``, once :func:`check_yaml` has passed it."""
    text = Path(path).read_text(encoding="utf-8")
    check_yaml(text, rel(path))
    return yaml.safe_load(text)


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it over ``path`` only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(path: Path | str, text: str) -> Path:
    """Write UTF-8 text with ``\\n`` line ends, atomically; only rewrite when the bytes change."""
    data = text.encode("utf-8")
    target = Path(path)
    if target.is_file() and target.read_bytes() == data:
        return target
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


#: Text a spreadsheet would run as a formula (OWASP's CSV injection: a cell starting with
#: = + @, a tab or a carriage return, or - not starting a number).
_FORMULA = re.compile(r"^(?:[=+@\t\r]|-(?![\d.]+$))")


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell a spreadsheet would run as a formula written with a leading
    ``'`` (so that it opens as the text it is); ``df`` itself when there is none."""
    out = None
    for column in df.columns:
        values = df[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        text = values.astype(str)
        risky = values.notna() & text.str.contains(_FORMULA)
        if risky.any():
            out = df.copy() if out is None else out
            out[column] = out[column].astype(object)
            out.loc[risky, column] = "'" + text[risky]
    return df if out is None else out


def csv_text(df: pd.DataFrame) -> str:
    """The one CSV format for every table the project writes: UTF-8, ``\\n``, no index, and no
    text cell a spreadsheet would run as a formula (:func:`spreadsheet_safe`)."""
    buffer = io.StringIO()
    spreadsheet_safe(df).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def csv_rows(df: pd.DataFrame) -> bytes:
    """The rows of ``csv_text(df)`` without its header, as UTF-8 bytes: by pyarrow (faster) for
    text and whole numbers when no field needs quoting, else by pandas."""
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    simple = all(
        pd.api.types.is_string_dtype(t) or pd.api.types.is_integer_dtype(t) for t in df.dtypes
    )
    df = spreadsheet_safe(df)
    if simple and len(df):
        buffer = io.BytesIO()
        options = arrow_csv.WriteOptions(include_header=False, quoting_style="none")
        try:
            arrow_csv.write_csv(pa.Table.from_pandas(df, preserve_index=False), buffer, options)
            return buffer.getvalue()
        except pa.ArrowInvalid:
            pass  # a field that needs quoting
    return csv_text(df).split("\n", 1)[1].encode("utf-8")


def read_csv_text(source: Path | str | io.StringIO) -> pd.DataFrame:
    """A CSV the project wrote (or a reference table) as text, exactly as it is: every column a
    string, no guessing of types or missing values, a UTF-8 byte-order mark ignored. The one
    reader of every CSV :func:`csv_text` writes."""
    return pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def write_csv(df: pd.DataFrame, path: Path | str) -> Path:
    return write_text(path, csv_text(df))


def write_many(outputs: dict[Path | str, str | bytes | Path]) -> None:
    """Write several files so that either all change or none does: each to a temporary file
    beside its target, all moved into place at the end. A :class:`~pathlib.Path` value is a
    file already written, moved into place with the others."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, content in outputs.items():
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):  # a file already written (too large to hold)
                if target.is_file() and filecmp.cmp(content, target, shallow=False):
                    continue
                if os.stat(content).st_dev != os.stat(target.parent).st_dev:
                    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
                    os.close(fd)
                    shutil.copyfile(content, tmp)  # onto the target's file system first
                    content = Path(tmp)
                staged.append((content, target))
                os.chmod(content, 0o644)
                continue
            data = content.encode("utf-8") if isinstance(content, str) else content
            if target.is_file() and target.read_bytes() == data:
                continue
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((Path(tmp), target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()


def replace_block(text: str, name: str, content: str) -> str:
    """Replace the body of the generated block ``name`` in ``text`` (a hand-written file such
    as the README): what lies between ``<!-- name:start -->`` and ``<!-- name:end -->``. The
    markers must exist exactly once."""
    pattern = re.compile(
        rf"(<!-- {re.escape(name)}:start -->\n).*?(<!-- {re.escape(name)}:end -->)", re.S
    )
    found = len(pattern.findall(text))
    if found != 1:
        raise ValueError(f"block '{name}': expected one pair of markers, found {found}")
    return pattern.sub(lambda m: m.group(1) + content.strip("\n") + "\n" + m.group(2), text)
