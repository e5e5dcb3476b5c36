"""The manifest of data/raw (``MANIFEST.csv``, columns in docs/architecture.md): one row per file
as received, with its sha256. :func:`verify_raw` checks every file against it before anything is
read; :func:`update_manifest` adds or refreshes rows (the simulation and
``scripts/add_return.py`` record files with it)."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

import pandas as pd

from src.errors import InputError
from src.helpers import RAW, csv_text, read_csv_text, rel, sha256_file, write_text
from src.vocab import FILE_PROVENANCES

MANIFEST = "MANIFEST.csv"
NOT_LISTED = frozenset({MANIFEST, "README.md"})
COLUMNS = (
    "path",
    "wave",
    "force",
    "request_ref",
    "date_requested",
    "date_answered",
    "format",
    "content",
    "outcome",
    "period_start",
    "period_end",
    "provenance",
    "bytes",
    "sha256",
)
FORMATS = frozenset({"csv", "xlsx", "pdf", "txt"})
CONTENTS = frozenset(
    {"return", "records", "refusal", "outcomes", "published", "simulated truth", "simulation study"}
)
_HEX64 = r"^[0-9a-f]{64}$"
#: Characters make cannot take in a list of prerequisites (GNU make 4.3, tried one by one in a
#: name with spaces escaped as the Makefile escapes them): ':' starts a rule or a pattern, '#' a
#: comment, ';' a recipe, '=' an assignment, '|' the order-only prerequisites, '$' a variable;
#: '%' is a pattern, '*', '?', '[' and ']' are wildcards, '\\' an escape (and, at the end, a
#: line continuation); a control character (a tab, a line break) splits the line. Spaces are
#: fine (escaped). Besides these, a name ending in ')' after a '(' is read as a library member,
#: 'lib(member)' (checked by :func:`make_unsafe`).
MAKE_UNSAFE = re.compile(r"[:#%$*?\[\];=\\|\x00-\x1f\x7f]")
MAKE_UNSAFE_SHOWN = ": # % $ * ? [ ] ; = \\ | or a control character (a tab, a line break)"


def make_unsafe(path: str) -> str:
    """What in ``path`` make cannot use in a list of files, said for a message ('' if nothing):
    "holds ':', '|'", "ends in '(...)'" or both."""
    found = sorted(set(MAKE_UNSAFE.findall(path)))
    said = [f"holds {', '.join(repr(c) for c in found)}"] if found else []
    if path.endswith(")") and "(" in path:
        said.append("ends in '(...)'")
    return " and ".join(said)


def make_safe(path: str) -> str:
    """``path`` with every character make cannot use replaced by '-' (the rename to suggest)."""
    safe = MAKE_UNSAFE.sub("-", path)
    if safe.endswith(")") and "(" in safe:
        safe = safe.replace("(", "-").replace(")", "-")
    return safe


def outside_raw(path: str) -> bool:
    """Whether a manifest path would point outside data/raw: absolute, or with a '..' part."""
    posix = path.replace("\\", "/")
    return (
        PurePosixPath(posix).is_absolute()
        or bool(re.match(r"^[A-Za-z]:", posix))
        or ".." in PurePosixPath(posix).parts
    )


def ignored(relative: PurePosixPath) -> bool:
    """Whether a path under data/raw is not a return: hidden (a name starting with a dot, such
    as an interrupted write's ``.name.tmp``) or a spreadsheet program's lock file beside an open
    workbook (``~$name.xlsx``)."""
    return any(part.startswith((".", "~$")) for part in relative.parts)


def files_on_disk(raw_dir: Path | str = RAW) -> list[str]:
    """Every file under ``raw_dir`` that the manifest must list, as sorted posix paths.

    The manifest itself and README.md are not listed; what :func:`ignored` names is ignored,
    as the Makefile ignores it.
    """
    raw_dir = Path(raw_dir)
    found = []
    for path in raw_dir.rglob("*"):
        relative = path.relative_to(raw_dir)
        if not path.is_file() or ignored(relative):
            continue
        if relative.as_posix() in NOT_LISTED:
            continue
        found.append(relative.as_posix())
    return sorted(found)


def _bad_rows(manifest: pd.DataFrame, mask: pd.Series) -> str:
    return ", ".join(str(i + 2) for i in manifest.index[mask][:10])


def read_manifest(raw_dir: Path | str = RAW) -> pd.DataFrame:
    """The one reader of ``MANIFEST.csv``: as text, its shape checked (not yet the files it
    lists); a copy saved by a spreadsheet (byte-order mark, CRLF) reads the same."""
    path = Path(raw_dir) / MANIFEST
    where = rel(path)
    if not path.is_file():
        raise InputError(
            where,
            "",
            "the manifest of raw files is missing",
            "restore it with `git checkout -- data/raw/MANIFEST.csv`",
        )
    try:
        manifest = read_csv_text(path)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(
            where, "", f"cannot be read as a UTF-8 CSV ({error})", "restore it from git"
        ) from None
    missing = [c for c in COLUMNS if c not in manifest.columns]
    extra = [c for c in manifest.columns if c not in COLUMNS]
    if missing or extra:
        parts = [("missing", missing), ("unexpected", extra)]
        problem = "; ".join(f"{what} column(s) {', '.join(cs)}" for what, cs in parts if cs)
        raise InputError(
            where,
            "header row",
            problem,
            f"the columns must be exactly: {', '.join(COLUMNS)} (docs/architecture.md)",
        )
    checks = [
        (manifest["path"] == "", "path", "is empty", "give the path relative to data/raw"),
        (
            manifest["path"].map(outside_raw).astype(bool),
            "path",
            "is outside data/raw (an absolute path, or one with '..')",
            "give the path of a file under data/raw, relative to data/raw (raw files are kept "
            "there, as received); remove the row if the file does not belong there",
        ),
        (
            manifest["path"].duplicated(keep=False),
            "path",
            "is listed more than once",
            "keep one row per file",
        ),
        (
            ~manifest["sha256"].str.match(_HEX64),
            "sha256",
            "is not a 64-character lower-case hex digest",
            "write the file's sha256 (`sha256sum <file>`)",
        ),
        (
            ~manifest["bytes"].str.fullmatch(r"\d+"),
            "bytes",
            "is not a whole number",
            "write the file's size in bytes",
        ),
        (
            ~manifest["provenance"].isin(FILE_PROVENANCES),
            "provenance",
            "is not 'real', 'simulated' or 'mixed'",
            "say whether the file is real or simulated (mixed: an outcomes file whose rows say)",
        ),
        (
            ~manifest["format"].isin(FORMATS),
            "format",
            f"is not one of {', '.join(sorted(FORMATS))}",
            "give the file's format",
        ),
        (
            ~manifest["content"].isin(CONTENTS),
            "content",
            f"is not one of {', '.join(sorted(CONTENTS))}",
            "say what the file holds",
        ),
    ]
    for mask, column, problem, fix in checks:
        if mask.any():
            values = ", ".join(sorted(set(manifest.loc[mask, column]))[:5])
            raise InputError(
                where,
                f"rows {_bad_rows(manifest, mask)}, column '{column}'",
                f"{column} {problem} ({values or 'empty'})",
                fix,
            )
    return manifest


def _shown(raw_dir: Path, relative: str) -> str:
    """A path under ``raw_dir`` as messages show it: the link's own name, never its target's."""
    return f"{rel(raw_dir)}/{relative}"


def _entry_problem(path: Path, relative: str) -> tuple[str, str, str] | None:
    """(place, problem, fix) if the entry ``path`` may not be in data/raw, else None."""
    if path.is_symlink():
        target = os.readlink(path)
        return (
            "file type",
            f"is a symbolic link (to '{target}'), not a file: raw files must be regular files, "
            "as received",
            "replace the link with a copy of the file as received, or remove it (and its row "
            "in MANIFEST.csv)",
        )
    if not path.is_file() and not path.is_dir():
        return (
            "file type",
            "is not a regular file (a named pipe, a socket or a device): raw files must be "
            "regular files, as received",
            "remove it from data/raw",
        )
    bad = make_unsafe(relative)
    if bad:
        return (
            "file name",
            f"the name {bad}, which make cannot use in a list of files (make cannot take "
            f"{MAKE_UNSAFE_SHOWN}, nor a name ending in '(...)', which it reads as a library "
            "member)",
            f"rename it to '{make_safe(relative)}' (relative to data/raw) and update its row "
            "in data/raw/MANIFEST.csv (path), or record it with scripts/add_return.py",
        )
    return None


def check_entries(raw_dir: Path | str = RAW) -> None:
    """Every entry under ``raw_dir`` (those :func:`ignored` aside) is a regular file or a
    folder, not a symbolic link, and has a name make can use; else an InputError naming it."""
    raw_dir = Path(raw_dir)
    for path in sorted(raw_dir.rglob("*")):
        relative = path.relative_to(raw_dir).as_posix()
        if ignored(PurePosixPath(relative)):
            continue
        problem = _entry_problem(path, relative)
        if problem:
            raise InputError(_shown(raw_dir, relative), *problem)


def check_new_file(raw_dir: Path | str, path: str) -> str:
    """The posix form of ``path`` (relative to ``raw_dir``) if it may be recorded in the
    manifest: inside ``raw_dir``, there, a regular file (no symbolic link on the way) with a
    name make can use. Else an InputError saying which rule it breaks."""
    raw_dir = Path(raw_dir)
    posix = PurePosixPath(path).as_posix()
    if outside_raw(path):
        raise InputError(
            path,
            "path",
            "is outside data/raw (an absolute path, or one with '..')",
            "put the file under data/raw/waves/<wave>/<force>/ and give its path relative to "
            "data/raw",
        )
    parts = PurePosixPath(posix).parts
    for depth in range(1, len(parts) + 1):
        relative = "/".join(parts[:depth])
        entry = raw_dir / relative
        if entry.is_symlink() or depth == len(parts):
            if not entry.exists() and not entry.is_symlink():
                raise InputError(
                    _shown(raw_dir, posix),
                    "path",
                    "there is no such file",
                    "put the file, as received, under data/raw first (the path is relative to "
                    "data/raw and case-sensitive)",
                )
            problem = _entry_problem(entry, posix if depth == len(parts) else relative)
            if problem:
                raise InputError(_shown(raw_dir, relative), *problem)
    if not (raw_dir / posix).is_file():
        raise InputError(
            _shown(raw_dir, posix), "path", "is a folder, not a file", "give the file's path"
        )
    return posix


def verify_raw(raw_dir: Path | str = RAW) -> pd.DataFrame:
    """Check every file under ``raw_dir`` against the manifest (and its names and kinds, by
    :func:`check_entries`); return the manifest. Any fault is an :class:`InputError`."""
    raw_dir = Path(raw_dir)
    manifest = read_manifest(raw_dir)
    check_entries(raw_dir)
    where = rel(raw_dir / MANIFEST)
    listed = set(manifest["path"])
    present = set(files_on_disk(raw_dir))
    missing = sorted(listed - present)
    on_disk = {unicodedata.normalize("NFC", p): p for p in present - listed}
    for path in missing:  # there, but its name in another Unicode form than its row's
        if (found := on_disk.get(unicodedata.normalize("NFC", path))) is not None:
            raise InputError(
                rel(raw_dir / path),
                f"listed in {where}",
                "the file is there, but its name is spelt with other Unicode characters than "
                "its row's (an accent stored as a separate mark, as some systems save names), so "
                "the two do not match",
                f"rename it to the manifest's spelling: mv '{rel(raw_dir / found)}' "
                f"'{rel(raw_dir / path)}'",
            )
    if missing:
        shown = "; ".join(missing[:5])
        raise InputError(
            rel(raw_dir / missing[0]),
            f"listed in {where}",
            f"{len(missing)} listed file(s) missing: {shown}",
            "restore it with `git checkout -- <path>`, or remove its row if it was listed in error",
        )
    unlisted = sorted(present - listed)
    if unlisted:
        shown = "; ".join(unlisted[:5])
        raise InputError(
            rel(raw_dir / unlisted[0]),
            f"not in {where}",
            f"{len(unlisted)} file(s) not in the manifest: {shown}",
            "add a row for it (python scripts/add_return.py, see data/raw/README.md), "
            "or remove it if it does not belong in data/raw",
        )
    for row in manifest.itertuples(index=False):
        path = raw_dir / row.path
        if str(path.stat().st_size) != row.bytes or sha256_file(path) != row.sha256:
            raise InputError(
                rel(path),
                f"row for '{row.path}' in {where}",
                "changed since it was recorded; raw returns are immutable",
                f"restore it with `git checkout -- {rel(path)}`, or if a corrected return was "
                "received, add it as a new file and update its manifest row",
            )
    return manifest


def file_row(raw_dir: Path | str, path: str, meta: Mapping[str, str]) -> dict[str, str]:
    """A manifest row for ``path`` (relative to ``raw_dir``): ``meta`` plus size and sha256."""
    target = Path(raw_dir) / path
    unknown = set(meta) - set(COLUMNS)
    if unknown:
        raise ValueError(f"not manifest columns: {', '.join(sorted(unknown))}")
    row = {column: str(meta.get(column, "") or "") for column in COLUMNS}
    row["path"] = Path(path).as_posix()
    row["bytes"] = str(target.stat().st_size)
    row["sha256"] = sha256_file(target)
    return row


def manifest_text(rows: Iterable[Mapping[str, str]]) -> str:
    """The manifest as CSV text: the fixed columns, sorted by path."""
    frame = pd.DataFrame(list(rows), columns=list(COLUMNS)).fillna("")
    return csv_text(frame.sort_values("path", kind="stable").reset_index(drop=True))


def update_manifest(
    raw_dir: Path | str,
    metas: Mapping[str, Mapping[str, str]],
    *,
    drop: Iterable[str] = (),
) -> pd.DataFrame:
    """Add or refresh the rows of the paths in ``metas`` (each path's columns), size and sha256
    recomputed; other rows are kept as they are (so a changed file is still caught), those in
    ``drop`` removed."""
    raw_dir = Path(raw_dir)
    rows: dict[str, dict[str, str]] = {}
    if (raw_dir / MANIFEST).is_file():
        rows = {r["path"]: r for r in read_manifest(raw_dir).to_dict("records")}
    for path in drop:
        rows.pop(Path(path).as_posix(), None)
    for path, meta in metas.items():
        rows[Path(path).as_posix()] = file_row(raw_dir, path, meta)
    write_text(raw_dir / MANIFEST, manifest_text(rows.values()))
    return read_manifest(raw_dir)
