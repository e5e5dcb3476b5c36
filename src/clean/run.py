"""The cleaning step's orchestrator: raw returns -> one tidy, checked table of instances, with
every count accounted for. The only module of the step that reads or writes files.

``run_clean()`` is what ``notebooks/10-clean.ipynb`` calls. In order, it

1. checks every file under ``data/raw`` against ``MANIFEST.csv`` (``src.data.manifest.verify_raw``:
   regular files only, no symbolic link, names make can use, no manifest path outside);
2. loads and checks the reference tables, the limits of the checks (``limits.csv``) and each
   wave's outcomes and reading specs (:mod:`src.clean.specs`, :mod:`src.clean.checks`);
3. reads every table's bytes and parses them by its spec (:mod:`src.clean.readers`; a workbook
   is first held to :mod:`src.clean.safety`, and is opened once, as a PDF page is parsed once,
   however many tables it holds), then cleans all the tables of the wave in one pass
   (:func:`src.clean.tables.clean_tables`): counts parsed (withheld markers -> the force's own
   [lower, upper], each count held to a plausible ceiling, :mod:`src.clean.counts`), labels
   mapped through ``platform_labels.csv``, periods placed in the wave's periods
   (``periods.csv``, :mod:`src.clean.periods`), total rows, excluded labels and rows outside
   the wave set aside with their reason;
4. reads each record-level extract a batch at a time (:mod:`src.clean.extracts`) and cleans
   each batch (:mod:`src.clean.records`, :mod:`src.clean.classify`), duplicated records and
   records outside the wave set aside; the rows of records.csv go to :class:`RecordsOut` as they
   are made, which checks them and writes them to part files beside the output folder;
5. reconciles every table (:mod:`src.clean.tables`): its printed total (or the sum of its rows)
   must equal what was counted plus what was excluded with a reason; any unexplained difference
   stops the run;
6. puts the tables together (:mod:`src.clean.processed`), checks every output table once
   (:mod:`src.data.schemas`) and moves them all, or none, into ``data/processed/``.

Any problem raises :class:`src.errors.InputError` naming the file, the place and the fix, before
any output is replaced (the part files of records.csv are removed with their temporary folder).
Nothing is ever written under ``data/raw``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from src.clean import extracts, readers
from src.clean.checks import (
    check_outcomes,
    check_overlaps,
    check_periods,
    check_questions,
    check_specs_cover,
    parse_outcomes,
)
from src.clean.classify import Classifier
from src.clean.context import Context, Parts
from src.clean.counts import Limits, limits_from_table
from src.clean.processed import CleanResult, combine, concat, coverage, in_order, typed
from src.clean.records import clean_extract
from src.clean.specs import Spec, check_specs, parse_spec
from src.clean.tables import TableCells, clean_tables
from src.data.manifest import MANIFEST, read_manifest, verify_raw
from src.data.reference import Reference, load_reference
from src.data.schemas import PROCESSED_SCHEMAS, validate, validate_processed
from src.errors import InputError
from src.helpers import (
    PROCESSED,
    RAW,
    REFERENCE,
    csv_rows,
    csv_text,
    read_csv_text,
    rel,
    write_many,
)

__all__ = [
    "CleanResult",
    "clean_wave",
    "load_specs",
    "read_limits",
    "read_outcomes",
    "read_spec",
    "run_clean",
]
LIMITS = "limits.csv"


# --- Specs -------------------------------------------------------------------------------------


def read_spec(path: Path | str) -> Spec:
    """Read one spec file and check its shape (not yet against the reference data)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(rel(path), "", "not UTF-8 text", "save the spec as UTF-8") from None
    return parse_spec(text, rel(path))


def _check_paths(specs: list[Spec], raw_wave_dir: Path) -> None:
    seen: dict[str, str] = {}
    for spec in specs:
        for i, file in enumerate(spec.files):
            key = f"key 'files[{i}].path'"
            where = f"{spec.source}, {key}"
            target = (raw_wave_dir / file.path).resolve()
            if raw_wave_dir.resolve() not in target.parents:
                raise InputError(
                    spec.source,
                    key,
                    f"path '{file.path}' points outside {rel(raw_wave_dir)}",
                    "give the path relative to the wave's raw folder",
                )
            if target.as_posix() in seen:
                raise InputError(
                    spec.source,
                    key,
                    f"'{file.path}' is listed twice (also at {seen[target.as_posix()]}), "
                    "so its counts would be read twice",
                    "list each file once: merge the two entries' tables into one",
                )
            seen[target.as_posix()] = where
            if not target.is_file():
                raise InputError(
                    spec.source,
                    key,
                    f"no file '{file.path}' in {rel(raw_wave_dir)}",
                    "correct the path (it is relative to the wave's raw folder and case-sensitive)",
                )


def load_specs(
    wave: str,
    spec_dir: Path | str,
    raw_wave_dir: Path | str,
    forces: pd.DataFrame | Iterable[str],
    offence_groups: pd.DataFrame | Iterable[str] | None = None,
) -> list[Spec]:
    """Every spec for ``wave``, checked; sorted by force.

    ``forces`` (and, if given, ``offence_groups``) are the reference tables or their ids.
    Checks: the shape of each spec; the force is in forces.csv and matches the file name; the
    wave; every offence group named; every path exists under ``raw_wave_dir``; no file is listed
    twice, in one spec or in two.
    """
    spec_dir, raw_wave_dir = Path(spec_dir), Path(raw_wave_dir)
    if not spec_dir.is_dir():
        raise InputError(
            rel(spec_dir), "", "no spec folder for this wave", "write one spec per force there"
        )
    paths = sorted(spec_dir.glob("*.yaml")) + sorted(spec_dir.glob("*.yml"))
    specs = [read_spec(path) for path in paths]
    check_specs(specs, wave, forces, offence_groups)
    _check_paths(specs, raw_wave_dir)
    return sorted(specs, key=lambda s: s.force)


# --- A wave ------------------------------------------------------------------------------------


def read_outcomes(path: Path, reference: Reference) -> pd.DataFrame:
    """outcomes.csv of a wave, checked: one row per force asked, each force in forces.csv."""
    if not path.is_file():
        raise InputError(
            rel(path), "", "the wave has no outcomes.csv", "add one row per force asked"
        )
    return check_outcomes(parse_outcomes(path.read_bytes(), rel(path)), reference, rel(path))


def read_limits(reference_dir: Path | str) -> Limits:
    """The plausibility limits of the cleaning, ``limits.csv`` of the reference folder."""
    path = Path(reference_dir) / LIMITS
    fix = "restore it with `git checkout -- data/reference/limits.csv` (columns limit, value, note)"
    if not path.is_file():
        raise InputError(rel(path), "", "the limits of the cleaning's checks are missing", fix)
    try:
        table = read_csv_text(path)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(rel(path), "", f"cannot be read as a UTF-8 CSV ({error})", fix) from None
    return limits_from_table(table, rel(path))


def _read_manifest(raw_dir: Path) -> pd.DataFrame | None:
    """The manifest, if there is one (``run_clean`` has already verified it)."""
    return read_manifest(raw_dir) if (raw_dir / MANIFEST).is_file() else None


class RecordsOut:
    """``records.csv``, written as it is made, with bounded memory.

    Each extract's rows are handed over a batch at a time and held until some
    :data:`FLUSH_ROWS` rows are waiting (or the table is put together); then they are typed
    and checked against the table's schema together, in one validation, and each extract's
    appended to a part file of its own in ``folder``. :meth:`assemble` puts the parts together
    in the table's order (by wave, force and file; each part is in line order, so the table's
    key, file and line, is unique across batches as within each).
    """

    FLUSH_ROWS = 250_000

    def __init__(self, folder: Path, shown: str):
        self.folder, self.shown = Path(folder), shown
        self.parts: dict[tuple[str, str, str], Path] = {}
        self.waiting: list[tuple[Path, pd.DataFrame]] = []
        self.rows = 0

    def writer(self, wave: str, force: str, source_file: str) -> Callable[[pd.DataFrame], None]:
        """A function that hands over a batch of one extract's rows."""
        path = self.folder / f"part-{len(self.parts)}.csv"
        self.parts[(wave, force, source_file)] = path
        path.write_bytes(b"")

        def write(rows: pd.DataFrame) -> None:
            self.waiting.append((path, rows))
            if sum(len(r) for _, r in self.waiting) >= self.FLUSH_ROWS:
                self.flush()

        return write

    def flush(self) -> None:
        """Check the rows waiting, together, and append each extract's to its part."""
        if not self.waiting:
            return
        rows = typed(pd.concat([r for _, r in self.waiting], ignore_index=True), "records")
        validate(
            rows,
            PROCESSED_SCHEMAS["records"],
            self.shown,
            "this table is built by src/clean: the failing rows show which input slipped "
            "past a check; fix that input (or the check) and run again",
            row_offset=self.rows + 2,
        )
        start = 0
        for path, batch in self.waiting:
            with open(path, "ab") as handle:
                handle.write(csv_rows(rows.iloc[start : start + len(batch)]))
            start += len(batch)
        self.rows += len(rows)
        self.waiting = []

    def assemble(self) -> Path:
        """The whole table, header first, in one file of ``folder``."""
        self.flush()
        target = self.folder / "records.csv"
        header = csv_text(pd.DataFrame(columns=list(PROCESSED_SCHEMAS["records"].columns)))
        with open(target, "wb") as out:
            out.write(header.encode("utf-8"))
            for key in sorted(self.parts):
                with open(self.parts[key], "rb") as part:
                    shutil.copyfileobj(part, out, 1 << 24)
        return target


def _records_loader(path: Path) -> Callable[[], pd.DataFrame]:
    """A function that reads ``path``, a records.csv, back as the typed table."""
    return lambda: typed(read_csv_text(path), "records")


def clean_wave(
    wave: str,
    raw_dir: Path | str,
    reference: Reference,
    limits: Limits,
    records: RecordsOut,
) -> CleanResult:
    """Clean every return of one wave. The rows of records.csv go to ``records`` as they are
    made; nothing else is written."""
    raw_dir = Path(raw_dir)
    wave_row = reference.wave(wave)
    wave_dir = raw_dir / "waves" / wave
    outcomes_path = wave_dir / "outcomes.csv"
    outcomes = read_outcomes(outcomes_path, reference)
    specs = load_specs(
        wave,
        reference.directory / "specs" / wave,
        wave_dir,
        reference.forces,
        reference.offence_groups,
    )
    check_specs_cover(
        specs, outcomes, _read_manifest(raw_dir), rel(outcomes_path), wave, rel(raw_dir / MANIFEST)
    )
    parts, tables = Parts(), []
    periods = reference.periods_of(wave)
    classifier = Classifier(reference.contact_keywords)  # each distinct text matched once
    for spec in specs:
        for file in spec.files:
            path = wave_dir / file.path
            ctx = Context(
                wave=wave_row,
                periods=periods,
                spec=spec,
                file=file,
                source_file=f"waves/{wave}/{file.path}",
                shown=rel(path),
                reference=reference,
                limits=limits,
            )
            if file.format == "records":
                with open(path, "rb") as source:
                    extract = extracts.open_records(source, ctx.shown, file)
                    write = records.writer(wave, spec.force, ctx.source_file)
                    parts.extend(clean_extract(extract, ctx, write, classifier))
                continue
            cells = readers.read_table_cells(path.read_bytes(), ctx.shown, file, spec.source)
            tables += [
                TableCells(ctx, table, i, table_cells)
                for i, (table, table_cells) in enumerate(zip(file.tables, cells, strict=True))
            ]
    parts.extend(clean_tables(tables))  # every table of the wave in one pass
    instances = concat(parts.instances, "instances")
    if len(instances):
        check_overlaps(instances, raw_dir)
        check_questions(instances, outcomes, reference, rel(outcomes_path))
        check_periods(instances, outcomes, wave_row, rel(outcomes_path))
    instances = in_order(instances, ["wave", "force", "source_file"])
    reconciliation = in_order(
        concat(parts.reconciliation, "reconciliation"),
        ["wave", "force", "source_file", "table", "block"],
    )
    return CleanResult(
        instances=instances,
        coverage=coverage(wave, outcomes, instances, specs, reconciliation),
        reconciliation=reconciliation,
        cleaning_log=in_order(concat(parts.log, "cleaning_log"), ["wave", "force", "source_file"]),
    )


def waves_present(raw_dir: Path, reference: Reference) -> list[str]:
    """The waves of waves.csv that have a folder of returns under ``raw_dir/waves``."""
    return [w for w in reference.waves["wave"] if (raw_dir / "waves" / w).is_dir()]


def run_clean(
    raw_dir: Path | str = RAW,
    reference_dir: Path | str = REFERENCE,
    processed_dir: Path | str = PROCESSED,
    write: bool = True,
) -> CleanResult:
    """Verify, read, clean, reconcile and check every wave; then write data/processed/*.csv.

    Returns the tables (``.instances``, ``.coverage``, ``.reconciliation``, ``.cleaning_log``,
    ``.records``). Every output is written together or not at all, and only after every check
    has passed, so a failed run leaves the previous outputs byte-for-byte as they were.
    """
    raw_dir, processed_dir = Path(raw_dir), Path(processed_dir)
    verify_raw(raw_dir)  # the manifest check comes first, always
    reference = load_reference(reference_dir)
    limits = read_limits(reference_dir)
    waves = waves_present(raw_dir, reference)
    if not waves:
        raise InputError(
            rel(raw_dir / "waves"),
            "",
            "no wave folder to clean (none of waves.csv's waves is there)",
            "add the returns under data/raw/waves/<wave>/",
        )
    # records.csv is written as it is made, beside the output's folder (on its file system,
    # so that it can be moved into place), and moved there only if every check passes
    beside = processed_dir.parent if write and processed_dir.parent.is_dir() else None
    with tempfile.TemporaryDirectory(prefix=".records-", dir=beside) as folder:
        records = RecordsOut(Path(folder), rel(processed_dir / "records.csv"))
        result = combine([clean_wave(w, raw_dir, reference, limits, records) for w in waves])
        tables = result.held()
        validate_processed(tables, rel(processed_dir))
        assembled, result.record_rows = records.assemble(), records.rows
        outputs: dict[Path, str | Path] = {
            processed_dir / f"{name}.csv": csv_text(df) for name, df in tables.items()
        }
        if write:
            outputs[processed_dir / "records.csv"] = assembled
            write_many(outputs)
            result.load_records = _records_loader(processed_dir / "records.csv")
        else:  # read into memory before the folder goes
            result.load_records = _records_loader(assembled)
            result.records  # noqa: B018
    return result
