"""Benchmark pieces: the machine, timed commands with their peak memory, generated corpora of
any number of waves or record-level rows, and the notebooks' code run as plain Python.

``python -m bench`` puts them together and writes ``bench/README.md``;
``tests/tools/test_benchmark_smoke.py`` runs the smallest sizes through the same functions.

Every measured run is a fresh process, started by :func:`run_process`, which reads its wall
time, CPU time and peak resident memory (its own or that of a process it waited for, such as a
papermill kernel). The work itself runs in :func:`main`, the worker, so that the parent never
holds the data it measures. The rebuild runs in a copy of the working tree (:func:`project_copy`),
so the project's own outputs are never touched.

The corpora are SIMULATED (``src.simulate``) and written under a temporary folder; nothing is
written into ``data/``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import importlib.metadata
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from src.helpers import RAW, REFERENCE, ROOT, csv_text, write_many, write_text

BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python" if (BIN / "python").exists() else Path(sys.executable)
PACKAGES = (
    "pandas",
    "numpy",
    "pyarrow",
    "pandera",
    "scipy",
    "matplotlib",
    "openpyxl",
    "pdfplumber",
    "papermill",
    "ipykernel",
)
FIRST_YEAR = 2020  # benchmark waves run from October of this year, one a year
RECORDS_FORCE = "leicestershire"  # the force whose extract layout the generator copies
RECORDS_WAVE = "2019-10_2020-09"
MIB = 1024 * 1024
#: Where `make bench` writes its results (the README links to them).
RESULTS = ROOT / "bench" / "README.md"


# --- The machine -------------------------------------------------------------------------------


def _proc_field(path: str, name: str) -> str:
    """The value of the first ``name: value`` line of a /proc file, or '' when there is none."""
    with contextlib.suppress(OSError):
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == name:
                return value.strip()
    return ""


def machine() -> dict[str, str]:
    """What the numbers were measured on: CPU, cores, memory, OS, Python and package versions.

    Read from /proc and :mod:`platform`; the host name is deliberately left out.
    """
    memory_kib = _proc_field("/proc/meminfo", "MemTotal").split()
    memory = f"{int(memory_kib[0]) / MIB:.1f} GiB" if memory_kib else "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    make = subprocess.run(["make", "--version"], capture_output=True, text=True, check=False)
    info = {
        "CPU": _proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "Cores": f"{os.cpu_count()} logical, {usable} usable by this process",
        "Memory": memory,
        "System": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "make": make.stdout.splitlines()[0] if make.stdout else "unknown",
    }
    for name in PACKAGES:
        try:
            info[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            info[name] = "not installed"
    return info


def load_average() -> str:
    """The 1, 5 and 15-minute load averages (other work on the machine slows every measure)."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


# --- Timed processes ---------------------------------------------------------------------------


@dataclass
class Run:
    """One measured process: wall time, peak resident memory, and what its worker reported."""

    seconds: float
    peak_bytes: int
    report: dict = field(default_factory=dict)
    returncode: int = 0
    cpu_seconds: float = 0.0  # user + system, of the command and every process it waited for

    @property
    def peak_mib(self) -> float:
        return self.peak_bytes / MIB


GNU_TIME = Path("/usr/bin/time")


def peak_method() -> str:
    """How :func:`run_process` measures peak memory on this machine."""
    if GNU_TIME.is_file():
        return "maximum resident set size reported by GNU time (`/usr/bin/time -f %M`)"
    return (
        "ru_maxrss from os.wait4 (GNU time is not installed; on Linux this also counts the "
        "benchmark process's own memory at the moment it started the child)"
    )


def run_process(
    command: Sequence[str | Path],
    *,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    report_file: Path | None = None,
    check: bool = True,
) -> Run:
    """Run ``command`` to the end; its wall time, peak RSS and (if any) JSON report.

    The peak is the maximum resident set size of the command, or of any process it waited for
    (a papermill kernel, a make recipe), as GNU time reports it. (``ru_maxrss`` of a child read
    directly would include this process's own memory: Linux keeps the high-water mark of the
    image the child was forked from across ``exec``. GNU time's fork is small.) Output goes to
    a temporary file, shown in the error if the command fails.
    """
    command = shown = [str(c) for c in command]
    with tempfile.TemporaryDirectory(prefix="bench-run-") as folder:
        peak_file = Path(folder) / "peak"
        log_file = Path(folder) / "log"
        if GNU_TIME.is_file():
            command = [str(GNU_TIME), "-q", "-f", "%M %U %S", "-o", str(peak_file), *command]
        with open(log_file, "wb") as log:
            start = time.perf_counter()
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env={**os.environ, **(env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if check and process.returncode != 0:
            tail = log_file.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"`{' '.join(shown)}` failed (exit {process.returncode}):\n{tail}")
        measured = peak_file.read_text().split()[-3:] if peak_file.is_file() else []
    if len(measured) == 3:
        peak_kib, cpu = int(measured[0]), float(measured[1]) + float(measured[2])
    else:
        peak_kib, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    report = json.loads(report_file.read_text(encoding="utf-8")) if report_file else {}
    return Run(seconds, peak_kib * 1024, report, process.returncode, cpu)


def repeat(command: Sequence[str | Path], times: int, **options) -> list[float]:
    """Wall times of ``times`` runs of ``command`` (options as for :func:`run_process`)."""
    return [run_process(command, **options).seconds for _ in range(times)]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# --- Generated corpora -------------------------------------------------------------------------


def bench_waves(n: int) -> list[str]:
    """``n`` annual wave ids, October to September, from ``FIRST_YEAR``."""
    return [f"{y}-10_{y + 1}-09" for y in range(FIRST_YEAR, FIRST_YEAR + n)]


def _reference_copy(folder: Path, waves: Sequence[str]) -> Path:
    """A copy of data/reference (without its specs) whose waves.csv and periods.csv also list
    ``waves`` (each in two half-years)."""
    from simulation.generate import load_wave

    reference = folder / "reference"
    shutil.copytree(REFERENCE, reference, ignore=shutil.ignore_patterns("specs", ".*"))
    (reference / "specs").mkdir()
    table = pd.read_csv(reference / "waves.csv", dtype=str, keep_default_na=False)
    periods = pd.read_csv(reference / "periods.csv", dtype=str, keep_default_na=False)
    rows, spans = [], []
    for wave in waves:
        if wave in set(table["wave"]):
            continue
        info = load_wave(wave, REFERENCE)
        row = dict.fromkeys(table.columns, "")
        row.update({"wave": wave, "start": info.start.isoformat(), "end": info.end.isoformat()})
        row["note"] = "SIMULATED benchmark wave (bench/measures.py); not a real request."
        rows.append(row)
        for period, (start, end) in info.periods.items():
            spans.append([wave, period, start.isoformat(), end.isoformat(), period])
    table = pd.concat([table, pd.DataFrame(rows, columns=table.columns)], ignore_index=True)
    periods = pd.concat([periods, pd.DataFrame(spans, columns=periods.columns)], ignore_index=True)
    write_text(reference / "waves.csv", csv_text(table))
    write_text(reference / "periods.csv", csv_text(periods))
    return reference


def simulate_waves(n: int, seed: int = 20240101) -> list:
    """Draw ``n`` SIMULATED waves of every force (not written): ``src.simulate.Simulation``s.

    Each wave is the published wave's shape with counts scaled by 1.05, 1.10, ... so that no
    two waves are the same. The generator's own check of the extract texts is skipped (its
    tests make it); every count target is still checked.
    """
    from simulation.generate import simulate_wave

    return [
        simulate_wave(
            wave, "", "", seed + 100 * i, scale=1 + 0.05 * (i + 1), write=False, check_text=False
        )
        for i, wave in enumerate(bench_waves(n))
    ]


def write_wave_corpus(folder: Path, simulations: Sequence) -> tuple[Path, Path]:
    """Write the simulated waves as a raw folder (with its manifest) and a reference folder.

    Returns ``(raw_dir, reference_dir)``, ready for ``src.clean.run_clean``.
    """
    from src.data.manifest import update_manifest

    raw = folder / "raw"
    reference = _reference_copy(folder, [s.wave.wave for s in simulations])
    outputs: dict[Path, str | bytes] = {}
    meta: dict[str, dict[str, str]] = {}
    for sim in simulations:
        outputs.update({raw / p: b for p, b in sim.files.items()})
        outputs.update({reference / "specs" / p: t for p, t in sim.specs.items()})
        meta.update(sim.meta)
    write_many(outputs)
    update_manifest(raw, meta)
    return raw, reference


def write_records_corpus(folder: Path, n_rows: int, seed: int = 7) -> tuple[Path, Path]:
    """A corpus of one force that sent one SIMULATED record-level extract of ``n_rows`` crimes.

    Returns ``(raw_dir, reference_dir)``, ready for ``src.clean.run_clean``.
    """
    from simulation.generate import load_wave, simulate_records
    from src.data.manifest import update_manifest

    raw = folder / "raw"
    reference = _reference_copy(folder, [RECORDS_WAVE])
    wave = load_wave(RECORDS_WAVE, reference)
    name = f"{RECORDS_FORCE}/benchmark extract {n_rows}.csv"
    wave_dir = raw / "waves" / RECORDS_WAVE
    entry = simulate_records(n_rows, seed, wave_dir / name, wave=RECORDS_WAVE)
    entry["path"] = name
    entry["note"] = f"SIMULATED extract of {n_rows} rows for the benchmark (bench/measures.py)."
    outcome = {
        "force": RECORDS_FORCE,
        "request_ref": "BENCH-1",
        "date_requested": (wave.end + dt.timedelta(days=5)).isoformat(),
        "date_answered": (wave.end + dt.timedelta(days=25)).isoformat(),
        "outcome": "data",
        "questions_answered": "both",
        "period_start": wave.start.isoformat(),
        "period_end": wave.end.isoformat(),
        "provenance": "simulated",
        "note": "SIMULATED benchmark return.",
    }
    spec = {
        "force": RECORDS_FORCE,
        "wave": RECORDS_WAVE,
        "note": "SIMULATED benchmark extract (bench/measures.py).",
        "files": [entry],
    }
    write_many(
        {
            wave_dir / "outcomes.csv": csv_text(pd.DataFrame([outcome])),
            reference / "specs" / RECORDS_WAVE / f"{RECORDS_FORCE}.yaml": yaml.safe_dump(
                spec, sort_keys=False, allow_unicode=True
            ),
        }
    )
    common = {
        "wave": RECORDS_WAVE,
        "force": RECORDS_FORCE,
        "request_ref": outcome["request_ref"],
        "date_requested": outcome["date_requested"],
        "date_answered": outcome["date_answered"],
        "outcome": "data",
        "format": "csv",
        "provenance": "simulated",
    }
    update_manifest(
        raw,
        {
            f"waves/{RECORDS_WAVE}/outcomes.csv": {**common, "content": "outcomes"},
            f"waves/{RECORDS_WAVE}/{name}": {
                **common,
                "content": "records",
                "period_start": outcome["period_start"],
                "period_end": outcome["period_end"],
            },
        },
    )
    return raw, reference


# --- The floor: every file opened and its cells read, nothing else ----------------------------


def floor_plan(raw: Path, reference: Path) -> list[dict]:
    """What the floor reads: every return file of every wave under ``raw``, with its format and
    the parts of it the specs read (sheets, pages, columns). Read here, before any timing."""
    from src.clean.run import read_spec

    plan = []
    for wave_dir in sorted(p for p in (raw / "waves").iterdir() if p.is_dir()):
        for spec_path in sorted((reference / "specs" / wave_dir.name).glob("*.yaml")):
            for file in read_spec(spec_path).files:
                wheres = [t.where for t in file.tables]
                plan.append(
                    {
                        "path": str(wave_dir / file.path),
                        "format": file.format,
                        "encoding": file.text_encoding,
                        "delimiter": file.text_delimiter,
                        "sheets": sorted({w.sheet for w in wheres if w.sheet}),
                        "pages": sorted({w.page for w in wheres if w.page}),
                        "columns": list(file.columns.model_dump().values())
                        if file.format == "records"
                        else [],
                    }
                )
    return plan


def read_floor(plan: list[dict]) -> int:
    """Open every file of ``plan`` and read its cells with the libraries the cleaning step's
    readers use (the csv module, openpyxl, pdfplumber, pyarrow), and nothing else: no spec, no
    check, no cleaning. Returns the number of cells (or fields) read."""
    import openpyxl
    import pdfplumber
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    cells = 0
    for item in plan:
        path, kind = Path(item["path"]), item["format"]
        if kind == "csv":
            text = path.read_bytes().decode(item["encoding"])
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=item["delimiter"]))
            cells += sum(len(r) for r in rows)
        elif kind == "xlsx":
            book = openpyxl.load_workbook(
                io.BytesIO(path.read_bytes()), read_only=True, data_only=True
            )
            for sheet in item["sheets"]:
                cells += sum(len(r) for r in book[sheet].iter_rows(values_only=True))
            book.close()
        elif kind == "pdf":
            with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
                for page in item["pages"]:
                    for found in pdf.pages[page - 1].extract_tables():
                        cells += sum(len(r) for r in found)
        else:  # a record-level extract: the columns the spec names, a batch at a time
            with open(path, "rb") as source:
                reader = arrow_csv.open_csv(
                    source,
                    arrow_csv.ReadOptions(encoding=item["encoding"], block_size=8 << 20),
                    arrow_csv.ParseOptions(delimiter=item["delimiter"]),
                    arrow_csv.ConvertOptions(
                        include_columns=item["columns"],
                        column_types=dict.fromkeys(item["columns"], pa.large_string()),
                    ),
                )
                cells += sum(batch.num_rows * batch.num_columns for batch in reader)
    return cells


def repository_wave_corpus(folder: Path, wave: str) -> tuple[Path, Path]:
    """The repository's own returns of one wave, alone: ``data/raw/waves/<wave>/`` and its rows
    of the manifest, with a copy of data/reference. Returns ``(raw_dir, reference_dir)``."""
    from src.data.manifest import MANIFEST

    raw, reference = folder / "raw", folder / "reference"
    shutil.copytree(RAW / "waves" / wave, raw / "waves" / wave)
    shutil.copytree(REFERENCE, reference, ignore=shutil.ignore_patterns(".*"))
    manifest = pd.read_csv(RAW / MANIFEST, dtype=str, keep_default_na=False)
    mine = manifest[manifest["path"].str.startswith(f"waves/{wave}/")]
    write_text(raw / MANIFEST, csv_text(mine))
    return raw, reference


def repository_waves() -> list[str]:
    """Every wave with returns in the repository, oldest first."""
    return sorted(p.name for p in (RAW / "waves").iterdir() if p.is_dir())


def measure_repository_waves(work: Path) -> list[Scale]:
    """Each of the repository's waves alone through the cleaning step, with its floor."""
    out = []
    for i, wave in enumerate(repository_waves()):
        folder = work / f"repository-{wave}"
        raw, reference = repository_wave_corpus(folder, wave)
        out.append(Scale(i + 1, clean_run(raw, reference, folder), wave))
        shutil.rmtree(folder)
    return out


def clean_run(raw: Path, reference: Path, work: Path) -> Run:
    """The cleaning step (verify, read, clean or classify, validate, write) on a corpus, in a
    fresh worker process; its report has the step's time and the rows of each table."""
    report = work / "clean-report.json"
    processed = work / "processed"
    command = [PYTHON, "-m", "bench.measures", "clean", raw, reference, processed, report]
    return run_process(command, report_file=report)


def baseline_run(work: Path) -> Run:
    """A worker that only imports what the cleaning step imports: the memory floor."""
    report = work / "baseline-report.json"
    return run_process([PYTHON, "-m", "bench.measures", "baseline", report], report_file=report)


@contextlib.contextmanager
def scratch(prefix: str = "bench-") -> Iterator[Path]:
    """A temporary folder under build/ (inside the project, as the notebooks' provenance needs),
    removed afterwards."""
    (ROOT / "build").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=prefix, dir=ROOT / "build") as folder:
        yield Path(folder)


# --- A copy of the project, for the rebuild -------------------------------------------------


def project_files(root: Path = ROOT) -> list[str]:
    """The working tree as ``make`` sees it: tracked and untracked files that git does not
    ignore (so not .venv, build/ or caches), including edits not yet committed."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return sorted(p for p in set(listed.split("\0")) if p and (root / p).is_file())


def project_copy(dest: Path, root: Path = ROOT) -> Path:
    """Copy the working tree to ``dest`` (modification times kept, so make sees the same tree)
    and link the project's .venv into it. The rebuild runs there, never in the project."""
    for name in project_files(root):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    (dest / ".venv").symlink_to(root / ".venv", target_is_directory=True)
    return dest


def copy_env(copy: Path) -> dict[str, str]:
    """Environment that makes the copy's ``src`` the one imported (the .venv's .pth file names
    the project; PYTHONPATH comes first), in scripts and in papermill's kernels alike."""
    return {"PYTHONPATH": str(copy.resolve()), "MPLBACKEND": "Agg"}


def check_copy(copy: Path) -> None:
    """Stop unless the copy imports its own ``src`` and make would not touch the shared .venv."""
    found = subprocess.run(
        [PYTHON, "-c", "from src.helpers import ROOT; print(ROOT)"],
        cwd=copy,
        env={**os.environ, **copy_env(copy)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if Path(found).resolve() != copy.resolve():
        raise RuntimeError(f"the copy imports src from {found}, not from {copy}")
    stamp = subprocess.run(["make", "-q", ".venv/.installed"], cwd=copy, check=False)
    if stamp.returncode != 0:
        raise RuntimeError(
            "the environment is not up to date with requirements.txt: run `make setup` first "
            "(the benchmark never installs anything)"
        )


# --- Notebooks, under papermill and as plain Python --------------------------------------------


def makefile_variable(name: str, root: Path = ROOT) -> str:
    """The value of variable ``name`` as the project's Makefile sets it (make expands it)."""
    done = subprocess.run(
        [
            "make",
            "-s",
            "--no-print-directory",
            f"--eval=_bench-print: ; @echo $({name})",
            "_bench-print",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    value = done.stdout.strip()
    if not value:
        raise ValueError(f"the Makefile in {root} does not set {name}")
    return value


def kernel_name() -> str:
    """The Jupyter kernel the Makefile runs notebooks with (``KERNEL``)."""
    return makefile_variable("KERNEL")


def empty_notebook(path: Path) -> Path:
    """A notebook with one cell that does nothing: papermill's and the kernel's own cost."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    name = kernel_name()
    nb.metadata["kernelspec"] = {"name": name, "display_name": name, "language": "python"}
    nbformat.write(nb, path)
    return path


def papermill_command(notebook: Path, output: Path) -> list[str | Path]:
    """``notebook`` executed as the Makefile runs it: papermill and the clean-up in one process
    (scripts/run_notebook.py), with the Makefile's kernel and options (``PAPERMILL_OPTIONS``)."""
    options = makefile_variable("PAPERMILL_OPTIONS").split()
    return [BIN / "python", ROOT / "scripts" / "run_notebook.py", notebook, output, *options]


def _literal(value) -> str:
    """``value`` as Python source; only the plain types a parameters file holds."""
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if value is None or isinstance(value, str | int | float | bool):
        return repr(value)
    raise ValueError(f"parameter value {value!r} is not a string, number, list or null")


def notebook_code(notebook: Path, parameters: dict | None = None) -> list[str]:
    """The source of each code cell; ``parameters`` are assigned in a cell after the one tagged
    ``parameters``, as papermill injects them.

    Read as plain JSON: importing nbformat costs seconds (its schema validator's imports),
    which is part of papermill's overhead, not of the notebooks' work.
    """
    code = []
    for cell in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        if re.search(r"^\s*[%!]", source, re.M):
            raise ValueError(f"{Path(notebook).name}: a cell uses IPython syntax (% or !)")
        code.append(source)
        if parameters and "parameters" in cell.get("metadata", {}).get("tags", []):
            code.append("\n".join(f"{k} = {_literal(v)}" for k, v in parameters.items()))
    return code


def notebook_plan(copy: Path) -> list[dict]:
    """Every notebook ``make all`` runs, in order, with its parameters as the Makefile passes
    them: the three default steps (20 and 30 told ``output_dir reports``), then each variant's
    findings (``-f params/variants/<name>.yaml -p output_dir reports/variants/<name>``) and
    figures (only ``-p output_dir reports/variants/<name>``)."""
    default = {"output_dir": "reports"}
    plan = [
        {"label": Path(n).stem, "notebook": str(copy / n), "parameters": default if i else {}}
        for i, n in enumerate(NOTEBOOKS)
    ]
    for path in sorted((copy / "params" / "variants").glob("*.yaml")):
        folder = {"output_dir": f"reports/variants/{path.stem}"}
        findings = {**(yaml.safe_load(path.read_text(encoding="utf-8")) or {}), **folder}
        for notebook, parameters in zip(NOTEBOOKS[1:], (findings, folder), strict=True):
            plan.append(
                {
                    "label": f"variants/{path.stem}/{Path(notebook).stem}",
                    "notebook": str(copy / notebook),
                    "parameters": parameters,
                }
            )
    return plan


def plain_run(plan: list[dict], cwd: Path, env: dict[str, str], work: Path) -> Run:
    """Each notebook of ``plan`` (see :func:`notebook_plan`) as plain Python, one after the
    other in one process (no kernel, no papermill); its report has each notebook's time."""
    report, plan_file = work / "plain-report.json", work / "plain-plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    command = [PYTHON, "-m", "bench.measures", "notebooks", plan_file, report]
    return run_process(command, cwd=cwd, env=env, report_file=report)


# --- Measures ----------------------------------------------------------------------------------

# The default outputs, step by step, as make targets (docs/architecture.md); then the rest of
# `make all`.
REBUILD_STEPS = (
    ("notebooks/10-clean.ipynb", "notebooks/executed/10-clean.ipynb"),
    ("notebooks/20-findings.ipynb", "notebooks/executed/20-findings.ipynb"),
    ("notebooks/30-figures.ipynb", "notebooks/executed/30-figures.ipynb"),
    ("report (scripts/build_report.py)", "reports/report.html"),
)
EXTRA_STEPS = (
    ("variants (params/variants/*.yaml)", "variants"),
    ("README.md (scripts/update_readme.py)", "README.md"),
    ("anything else in `make all`", "all"),
)
NOTEBOOKS = tuple(source for source, _ in REBUILD_STEPS if source.endswith(".ipynb"))
# Every executed notebook of `make all`: the last default step (and so the ones before it) and
# every variant.
NOTEBOOK_TARGETS = ("notebooks/executed/30-figures.ipynb", "variants")


@dataclass
class Step:
    """One timed make target (or other step) of the rebuild."""

    name: str
    target: str
    run: Run


@dataclass
class Rebuild:
    """(a) no-op make, (b) the rebuild by step, (c) the same notebooks as plain Python.

    (c) is measured ``samples`` times, each sample all three ways one after the other, so that
    a slow spell of the machine falls on all of them; its figures are the medians.
    """

    steps: list[Step]
    extras: list[Step]
    noop_query: list[float]  # `make -q all`
    noop_make: list[float]  # `make`
    empty_notebook: Run
    papermill: dict[str, list[Run]]  # notebook -> each sample of it alone, as make runs it
    plain: list[Run]  # each sample of every notebook of `make all` as plain Python, one process
    parallel: list[Run] = field(default_factory=list)  # each sample of `make -j<jobs>`
    jobs: int = 1
    startup: dict[str, float] = field(default_factory=dict)  # what start-up costs, by part
    full_make: Run | None = None  # `make` from a cleaned tree, as a user runs it

    @property
    def default_seconds(self) -> float:
        return sum(s.run.seconds for s in self.steps)

    @property
    def make_notebook_seconds(self) -> float:
        """The notebook steps as make runs them, in (b)."""
        return sum(s.run.seconds for s in self.steps if s.name in NOTEBOOKS)

    @property
    def samples(self) -> int:
        return len(self.plain)

    def papermill_median(self, notebook: str) -> float:
        return median([r.seconds for r in self.papermill[notebook]])

    @property
    def papermill_seconds(self) -> float:
        return sum(self.papermill_median(n) for n in self.papermill)

    def plain_median(self, label: str) -> float:
        """The median time of one notebook (a label of :func:`notebook_plan`) as plain Python."""
        return median([r.report["seconds"][label] for r in self.plain])

    @property
    def plain_labels(self) -> list[str]:
        return list(self.plain[0].report["seconds"])

    @property
    def plain_seconds(self) -> float:
        """Every notebook of ``make all`` as plain Python, start-up included (median)."""
        return median([r.seconds for r in self.plain])

    @property
    def plain_startup_seconds(self) -> float:
        """The plain process's own start-up and imports, outside every notebook (median)."""
        return median([r.seconds - sum(r.report["seconds"].values()) for r in self.plain])

    @property
    def plain_default_seconds(self) -> float:
        """The three default notebooks as plain Python, with the process's start-up."""
        return self.plain_startup_seconds + sum(self.plain_median(Path(n).stem) for n in NOTEBOOKS)

    @property
    def parallel_seconds(self) -> float:
        return median([r.seconds for r in self.parallel])


@dataclass
class Scale:
    """(d) one corpus size through the cleaning step."""

    size: int
    run: Run
    label: str = ""

    @property
    def seconds(self) -> float:
        """The step itself (run_clean), without the process's start-up and imports."""
        return self.run.report["seconds"]

    @property
    def floor(self) -> float:
        """Opening every file and reading its cells, nothing else, in the same process (the
        fastest of its rounds, as :attr:`seconds` is of ``run_clean``'s)."""
        return self.run.report["floor_seconds"]

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor


def measure_rebuild(work: Path, repeats: int = 5, samples: int = 3) -> Rebuild:
    """Rebuild a copy of the project from nothing, one make target at a time; time a no-op make
    and papermill's start-up on an empty notebook; then, ``samples`` times, each default notebook
    under papermill, every notebook of ``make all`` under ``make -j`` from a cleaned tree, and
    the same notebooks' code as plain Python.

    Runs in ``work/project`` so that the project's own outputs are never touched; the copy's
    ``make clean`` removes only the copy's outputs.
    """
    copy = project_copy(work / "project")
    check_copy(copy)
    options = {"cwd": copy, "env": copy_env(copy)}
    run_process(["make", "clean"], **options)
    steps = [Step(n, t, run_process(["make", t], **options)) for n, t in REBUILD_STEPS]
    extras = [Step(n, t, run_process(["make", t], **options)) for n, t in EXTRA_STEPS]
    left = run_process(["make", "-q", "all"], check=False, **options)
    if left.returncode:
        raise RuntimeError("make still has work to do after `make all`: a rule is not a no-op")
    noop_query = repeat(["make", "-q", "all"], repeats, **options)
    noop_make = repeat(["make"], repeats, **options)
    empty = empty_notebook(work / "empty.ipynb")
    empty_run = run_process(papermill_command(empty, work / "empty-out.ipynb"), **options)
    startup = measure_startup(work, empty, empty_run.seconds, options)
    jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    (work / "papermill").mkdir()
    papermill: dict[str, list[Run]] = {n: [] for n in NOTEBOOKS}
    plain, parallel = [], []
    for _ in range(samples):
        for n in NOTEBOOKS:
            output = work / "papermill" / Path(n).name
            papermill[n].append(run_process(papermill_command(copy / n, output), **options))
        plain.append(plain_run(notebook_plan(copy), copy, copy_env(copy), work))
        run_process(["make", "clean"], **options)
        parallel.append(run_process(["make", f"-j{jobs}", *NOTEBOOK_TARGETS], **options))
    run_process(["make", "clean"], **options)
    full_make = run_process(["make", f"JOBS={jobs}"], **options)
    return Rebuild(
        steps,
        extras,
        noop_query,
        noop_make,
        empty_run,
        papermill,
        plain,
        parallel,
        jobs,
        startup,
        full_make,
    )


SLOW_IMPORT = "rfc3987_syntax"  # optional IRI checker jsonschema imports if it is installed


def without_module(work: Path, module: str, env: dict[str, str]) -> dict[str, str]:
    """``env`` with ``module`` marked unavailable in every Python process started with it (a
    ``sitecustomize`` first on PYTHONPATH sets ``sys.modules[module] = None``), as if it were
    not installed. For measuring what the module's import costs; nothing else uses it."""
    folder = work / f"without-{module}"
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(
        f"import sys\n\nsys.modules.setdefault({module!r}, None)\n", encoding="utf-8"
    )
    paths = [str(folder), env.get("PYTHONPATH", "")]
    return {**env, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


STOCK_PAPERMILL = "`papermill` command line, empty notebook"
RUNNER_EMPTY = "`scripts/run_notebook.py`, empty notebook"


def measure_startup(
    work: Path, empty: Path, empty_seconds: float, options: dict
) -> dict[str, float]:
    """Where a notebook's fixed cost goes: an empty notebook under papermill's own command line
    (its kernel started after its imports, the notebook saved after every cell) and under
    scripts/run_notebook.py as the Makefile runs it; and importing nbformat, as installed and
    with :data:`SLOW_IMPORT` marked unavailable."""
    blocked = {**options, "env": without_module(work, SLOW_IMPORT, options["env"])}
    importing = [PYTHON, "-c", "import nbformat"]
    stock = [BIN / "papermill", empty, work / "empty-stock.ipynb", "-k", kernel_name()]
    stock += ["--no-progress-bar", "--log-level", "WARNING"]
    return {
        STOCK_PAPERMILL: run_process(stock, **options).seconds,
        f"{STOCK_PAPERMILL}, {SLOW_IMPORT} unavailable": run_process(stock, **blocked).seconds,
        RUNNER_EMPTY: empty_seconds,
        "`import nbformat`": run_process(importing, **options).seconds,
        f"`import nbformat`, {SLOW_IMPORT} unavailable": run_process(importing, **blocked).seconds,
    }


def measure_waves(work: Path, sizes: Sequence[int], seed: int = 20240101) -> list[Scale]:
    """Corpora of the first ``n`` of ``max(sizes)`` simulated waves through the cleaning step."""
    simulations = simulate_waves(max(sizes), seed)
    out = []
    for n in sorted(sizes):
        folder = work / f"waves-{n}"
        raw, reference = write_wave_corpus(folder, simulations[:n])
        out.append(Scale(n, clean_run(raw, reference, folder)))
        shutil.rmtree(folder)
    return out


def measure_records(work: Path, sizes: Sequence[int], seed: int = 7) -> list[Scale]:
    """Record-level extracts of each size through the cleaning step (read, classify, validate,
    write records.csv)."""
    out = []
    for n in sorted(sizes):
        folder = work / f"records-{n}"
        raw, reference = write_records_corpus(folder, n, seed)
        out.append(Scale(n, clean_run(raw, reference, folder)))
        shutil.rmtree(folder)
    return out


# --- Targets and the results file --------------------------------------------------------------

NOOP_SECONDS = 0.1
REBUILD_SECONDS = 60.0
MAKE_SECONDS = 20.0  # `make` from a cleaned tree: every wave, every variant, the report
PAPERMILL_RATIO = 1.5
GROWTH_SLACK = 1.2  # linear: n times the corpus costs at most 1.2 n times as much
WAVE_SECONDS = 1.5  # run_clean of one wave, in one process
FLOOR_RATIO = 2.0  # run_clean against the floor measured in the same process
WAVES_TARGET = 10
WAVES_SECONDS = 8.0
RECORDS_TARGETS = {  # rows -> (seconds of run_clean, peak bytes of the process)
    1_000_000: (6.0, 600 * MIB),
    10_000_000: (60.0, 1024 * MIB),
}
BENCHMARK_SECONDS = 1200.0


@dataclass(frozen=True)
class Check:
    """A measure against its target; ``passed`` is None for a measure that is only reported."""

    measure: str
    measured: str
    target: str
    passed: bool | None

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "**FAIL**", None: "reported"}[self.passed]


@dataclass
class Results:
    """Everything one benchmark run measured."""

    machine: dict[str, str]
    load_before: str
    load_after: str
    commit: str
    baseline: Run
    waves: list[Scale]
    records: list[Scale]
    rebuild: Rebuild | None = None
    repository: list[Scale] = field(default_factory=list)
    total_seconds: float = 0.0


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def mib(run: Run) -> str:
    return f"{run.peak_mib:,.0f} MiB"


def _growth_checks(rows: list[Scale], unit: str) -> list[Check]:
    """Time and peak memory of the largest size against the smallest: at most
    ``GROWTH_SLACK`` times the ratio of their sizes."""
    if len(rows) < 2:
        return []
    small, large = rows[0], rows[-1]
    allowed = GROWTH_SLACK * large.size / small.size
    what = f"{large.size:,} {unit} against {small.size:,}"
    time_ratio = large.seconds / small.seconds
    memory_ratio = large.run.peak_bytes / small.run.peak_bytes
    return [
        Check(f"{what}: time", f"{time_ratio:.1f}x", f"<= {allowed:g}x", time_ratio <= allowed),
        Check(
            f"{what}: peak memory",
            f"{memory_ratio:.1f}x",
            f"<= {allowed:g}x",
            memory_ratio <= allowed,
        ),
    ]


def _wave_checks(row: Scale, what: str) -> list[Check]:
    """run_clean of one wave: its time, and against the floor measured in the same process."""
    return [
        Check(
            f"`run_clean`, {what}, in one process",
            seconds(row.seconds),
            f"< {WAVE_SECONDS:g} s",
            row.seconds < WAVE_SECONDS,
        ),
        Check(
            f"`run_clean`, {what}, against its floor ({seconds(row.floor)}, same process)",
            f"{row.ratio:.2f}x",
            f"<= {FLOOR_RATIO:g}x",
            row.ratio <= FLOOR_RATIO,
        ),
    ]


def checks(results: Results) -> list[Check]:
    """Every measured figure against its target (bench/README.md, first table)."""
    out = []
    rebuild = results.rebuild
    if rebuild:
        q, m = median(rebuild.noop_query), median(rebuild.noop_make)
        noop = f"< {NOOP_SECONDS:g} s"
        out += [
            Check("No-op `make -q all` (median)", seconds(q), noop, q < NOOP_SECONDS),
            Check("No-op `make` (median)", seconds(m), noop, m < NOOP_SECONDS),
            Check(
                "Full rebuild of the default outputs, one step at a time",
                seconds(rebuild.default_seconds),
                f"< {REBUILD_SECONDS:g} s",
                rebuild.default_seconds < REBUILD_SECONDS,
            ),
        ]
        if rebuild.full_make:
            out.append(
                Check(
                    "`make` from a cleaned tree: every wave, every variant, the report "
                    f"({rebuild.jobs} jobs at a time)",
                    seconds(rebuild.full_make.seconds),
                    f"< {MAKE_SECONDS:g} s",
                    rebuild.full_make.seconds < MAKE_SECONDS,
                )
            )
        if rebuild.parallel:
            both = rebuild.parallel_seconds / rebuild.plain_seconds
            out.append(
                Check(
                    f"Every notebook of `make all`, {rebuild.jobs} at a time as `make` runs "
                    "them, against the same code as plain Python",
                    f"{both:.2f}x",
                    f"<= {PAPERMILL_RATIO:g}x",
                    both <= PAPERMILL_RATIO,
                )
            )
        ratio = rebuild.papermill_seconds / rebuild.plain_default_seconds
        out.append(
            Check(
                "The three default notebooks one after the other under papermill against the "
                "same code as plain Python",
                f"{ratio:.2f}x",
                "",
                None,
            )
        )
    for row in results.repository:
        out += _wave_checks(row, f"the repository's wave {row.label}")
    for row in results.waves:
        if row.size == 1:
            out += _wave_checks(row, "one generated wave of every force")
        if row.size == WAVES_TARGET:
            out.append(
                Check(
                    f"`run_clean`, {row.size} generated waves",
                    seconds(row.seconds),
                    f"< {WAVES_SECONDS:g} s",
                    row.seconds < WAVES_SECONDS,
                )
            )
    out += _growth_checks(results.waves, "waves")
    for row in results.records:
        if row.size in RECORDS_TARGETS:
            limit, peak = RECORDS_TARGETS[row.size]
            out += [
                Check(
                    f"`run_clean`, {row.size:,} records",
                    seconds(row.seconds),
                    f"< {limit:g} s",
                    row.seconds < limit,
                ),
                Check(
                    f"{row.size:,} records: peak memory of the process",
                    mib(row.run),
                    f"< {peak / MIB:,.0f} MiB",
                    row.run.peak_bytes < peak,
                ),
            ]
    out += _growth_checks(results.records, "records")
    if results.total_seconds:
        out.append(
            Check(
                "The whole benchmark",
                seconds(results.total_seconds),
                f"< {BENCHMARK_SECONDS / 60:g} min",
                results.total_seconds < BENCHMARK_SECONDS,
            )
        )
    return out


def table(header: Sequence[str], rows: Sequence[Sequence[object]], right: int = 1) -> str:
    """A Markdown table; columns from ``right`` on are right-aligned."""
    align = ["---" if i < right else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _scale_table(rows: list[Scale], unit: str) -> str:
    first = rows[0]
    body = []
    for row in rows:
        report = row.run.report
        size = report["raw_bytes"] / MIB
        body.append(
            [
                row.label or f"{row.size:,}",
                f"{report['raw_files']:,}",
                f"{size:,.1f} MiB",
                f"{report['rows']['instances']:,}",
                f"{report['rows']['records']:,}",
                seconds(row.seconds),
                seconds(row.floor),
                f"{row.ratio:.2f}x",
                seconds(row.run.seconds),
                mib(row.run),
                f"{row.seconds / first.seconds:.2f}x",
                f"{row.run.peak_bytes / first.run.peak_bytes:.2f}x",
                f"{row.size / first.size:g}x",
            ]
        )
    header = [
        unit,
        "raw files",
        "raw size",
        "instances",
        "records",
        "step time",
        "floor",
        "step / floor",
        "whole process",
        "peak memory",
        "time growth",
        "memory growth",
        "size growth",
    ]
    if rows[0].label:  # the repository's waves: one each, not a growing corpus
        keep = [i for i, h in enumerate(header) if "growth" not in h]
        header = [header[i] for i in keep]
        body = [[r[i] for i in keep] for r in body]
    return table(header, body)


STEP_HEADER = ["step", "make target", "wall time", "CPU time", "peak memory"]


def _rebuild_sections(rebuild: Rebuild, empty_seconds: float) -> list[str]:
    step_rows = [
        [
            f"`{s.name}`",
            f"`make {s.target}`",
            seconds(s.run.seconds),
            seconds(s.run.cpu_seconds),
            mib(s.run),
        ]
        for s in rebuild.steps
    ]
    cpu = sum(s.run.cpu_seconds for s in rebuild.steps)
    step_rows.append(
        ["**default outputs**", "", f"**{seconds(rebuild.default_seconds)}**", seconds(cpu), ""]
    )
    extra_rows = [
        [
            s.name,
            f"`make {s.target}`",
            seconds(s.run.seconds),
            seconds(s.run.cpu_seconds),
            mib(s.run),
        ]
        for s in rebuild.extras
    ]
    by_notebook = []
    for name in NOTEBOOKS:
        times = [r.seconds for r in rebuild.papermill[name]]
        by_notebook.append(
            [
                f"`{name}`",
                seconds(rebuild.plain_median(Path(name).stem)),
                seconds(rebuild.papermill_median(name)),
                f"{min(times):.2f} to {max(times):.2f} s",
            ]
        )
    by_notebook.append(
        ["interpreter start-up and imports, once", seconds(rebuild.plain_startup_seconds), "", ""]
    )
    plain_default = rebuild.plain_default_seconds
    by_notebook.append(
        [
            "**all three**",
            f"**{seconds(plain_default)}**",
            f"**{seconds(rebuild.papermill_seconds)}** "
            f"({rebuild.papermill_seconds / plain_default:.2f}x)",
            "",
        ]
    )
    parallel = []
    if rebuild.parallel:
        each = ", ".join(seconds(r.seconds) for r in rebuild.parallel)
        plain_each = ", ".join(seconds(r.seconds) for r in rebuild.plain)
        parallel = [
            f"Every notebook `make all` runs ({len(rebuild.plain_labels)}: the three above and "
            "each variant's findings and figures), from a cleaned tree, "
            f"{rebuild.jobs} at a time as `make` runs them (`make -j{rebuild.jobs}`: "
            "independent notebooks side by side) took "
            f"{each} (median {seconds(rebuild.parallel_seconds)}), against {plain_each} "
            f"(median {seconds(rebuild.plain_seconds)}) for the same code, with the same "
            "parameters, as plain Python in one process, one notebook after the other: "
            f"{rebuild.parallel_seconds / rebuild.plain_seconds:.2f}x. This is the figure "
            "judged against the target, which lets independent notebooks run side by side; "
            "the three default notebooks one after the other are reported, not judged. Most of "
            "what separates them from plain Python is that each notebook's fresh kernel "
            "imports pandas and the rest again, where the plain process imports them once.",
            "",
        ]
    full = []
    if rebuild.full_make:
        full = [
            f"`make` itself, from a cleaned tree, builds every output with {rebuild.jobs} jobs "
            "at a time (independent notebooks side by side, as the Makefile does by default): "
            f"{seconds(rebuild.full_make.seconds)}, against "
            f"{seconds(rebuild.default_seconds + sum(s.run.seconds for s in rebuild.extras))} "
            "for the steps above one at a time.",
            "",
        ]
    runs = ", ".join(f"{t:.3f}" for t in rebuild.noop_query)
    make_runs = ", ".join(f"{t:.3f}" for t in rebuild.noop_make)
    return [
        "## (a) No-op make",
        "",
        "On a tree that `make all` has just built, so that nothing is out of date: "
        f"`make -q all` took {runs} s (median {seconds(median(rebuild.noop_query))}); "
        f"`make` took {make_runs} s (median {seconds(median(rebuild.noop_make))}).",
        "",
        "## (b) Full rebuild, step by step",
        "",
        "A copy of the working tree (under `build/`, so the project's own outputs are never "
        "touched) is cleaned with its `make clean`, then built one make target at a time, in "
        "dependency order, so each row is that step alone: for a notebook, papermill with a "
        "fresh kernel, then the Makefile's clean-up of the executed notebook, exactly as the "
        "Makefile runs them. CPU time is that of every process of the step; peak memory is "
        "the largest process (the kernel, for a notebook).",
        "",
        table(STEP_HEADER, step_rows, right=2),
        "",
        "The rest of `make all` (not part of the default outputs):",
        "",
        table(STEP_HEADER, extra_rows, right=2),
        "",
        *full,
        "## (c) Papermill against plain Python",
        "",
        "The same notebooks' code cells, with their default parameters, run one after the "
        "other in a single plain Python process (no kernel, no papermill, nothing displayed), "
        "against each notebook run as the Makefile runs it (`scripts/run_notebook.py`: papermill "
        "with the Makefile's kernel and options, a fresh kernel per notebook, then the clean-up "
        f"of the executed copy). Each was measured {rebuild.samples} times, the ways taking "
        "turns, so that a slow spell of the machine falls on all of them; the figures are "
        "medians, with the range of the notebook runs.",
        "",
        table(["notebook", "plain Python", "under papermill", "range"], by_notebook),
        "",
        *parallel,
        f"A notebook whose only cell is `pass` takes {seconds(empty_seconds)} as the Makefile "
        "runs it: starting Python, papermill and a kernel, before any of a notebook's own "
        "imports. The runner starts the kernel before it imports papermill, so that the two "
        "overlap, and writes the executed copy once, at the end; papermill's own command line "
        "does neither. nbformat validates with jsonschema, which imports the optional "
        f"`{SLOW_IMPORT}` when it is installed; the runner blocks it:",
        "",
        table(["start-up", "wall time"], [[k, seconds(v)] for k, v in rebuild.startup.items()]),
        "",
    ]


def render(results: Results, notes: str = "") -> str:
    """bench/README.md: the machine, every measure against its target, the details of each
    part, and ``notes`` (what was made faster, and how)."""
    rows = [[c.measure, c.measured, c.target, c.verdict] for c in checks(results)]
    machine_rows = [[k, v] for k, v in results.machine.items()]
    baseline = results.baseline
    parts = [
        "# Benchmark: how long a rebuild takes, and how it grows",
        "",
        "Written by `make bench` (`python -m bench`, with `bench/measures.py`); rerun it rather "
        "than editing this file. Everything measured is built from SIMULATED returns: the "
        "repository's per-force returns are simulated, and so are the extra waves and the "
        "record-level extracts generated for the scale runs.",
        "",
        f"Measured at commit `{results.commit}`. Load average (1, 5 and 15 minutes) before the "
        f"run: {results.load_before}; after: {results.load_after}. Other work on the machine "
        "slows every figure below.",
        "",
        "## Machine",
        "",
        table(["", ""], machine_rows, right=2),
        "",
        "## Results against the targets",
        "",
        table(["measure", "measured", "target", "result"], rows, right=1),
        "",
    ]
    if results.rebuild:
        parts += _rebuild_sections(results.rebuild, results.rebuild.empty_notebook.seconds)
    parts += [
        "## (d) Scale",
        "",
        "Each size is a generated corpus run through the cleaning step, `src.clean.run_clean` "
        "(check every file against the manifest, read each return by its spec, clean or "
        "classify, reconcile, validate every table, write the processed tables), in a fresh "
        "process. *Step time* is `run_clean` alone; *whole process* adds the interpreter's "
        f"start-up and the imports. Peak memory is the {peak_method()}. A process that only "
        f"imports the cleaning step takes {seconds(baseline.seconds)} and peaks at "
        f"{mib(baseline)}: the floor under every peak below.",
        "",
        "*Floor* is, in the same process and with the same libraries as the cleaning step's "
        "readers (the csv module, openpyxl, pdfplumber, pyarrow, all imported first), opening "
        "every file the specs name and reading the cells of the sheets, pages and columns they "
        "name, and nothing else: no check, no parsing of a count, no cleaning, nothing written. "
        "The worker reads the floor, then runs `run_clean`, and, when the step took under "
        f"{REPEAT_BELOW_SECONDS:g} s, does both again, {REPEAT_ROUNDS} rounds in all; the "
        "fastest of each is shown (this machine's timings vary by a third from one minute to "
        "the next). *Step / floor* is what the cleaning costs over merely reading the returns.",
        "",
    ]
    if results.repository:
        parts += [
            "### The repository's waves",
            "",
            "Each wave with returns in `data/raw/waves/`, alone (its folder and its rows of the "
            "manifest, with a copy of `data/reference`).",
            "",
            _scale_table(results.repository, "wave"),
            "",
        ]
    if results.waves:
        first = results.waves[0]
        forces = first.run.report["rows"]["coverage"] // first.size
        sizes = ", ".join(str(w.size) for w in results.waves)
        parts += [
            "### Waves of every force",
            "",
            f"The first {sizes} of {results.waves[-1].size} simulated annual waves, each asking "
            f"all {forces} forces in `data/reference/forces.csv`, answered in the mix of formats "
            "(CSV, XLSX, PDF, record-level extracts, refusals) of the repository's wave, with "
            "counts scaled by 1.05, 1.10, ... so that no two waves are alike.",
            "",
            _scale_table(results.waves, "waves"),
            "",
        ]
    if results.records:
        parts += [
            "### Record-level extracts",
            "",
            "One force sending one extract of each size (one row per crime, the platform in "
            "free text), read with pyarrow, each text classified with "
            "`data/reference/contact_keywords.csv`, validated and written to `records.csv`.",
            "",
            _scale_table(results.records, "rows"),
            "",
        ]
    if notes:
        parts += ["## What was made faster, and how", "", notes.strip(), ""]
    return "\n".join(parts)


# --- The worker (run as ``python -m bench.measures``) -----------------------------------------------


REPEAT_ROUNDS = 3  # rounds of (floor, run_clean) for a corpus that cleans quickly
REPEAT_BELOW_SECONDS = 5.0


def _clean_worker(raw: str, reference: str, processed: str, report: str) -> None:
    start = time.perf_counter()
    import openpyxl  # noqa: F401  (the readers' libraries: imported before the floor and the
    import pdfplumber  # noqa: F401  step are timed, so that neither pays for them)
    from pyarrow import csv as _  # noqa: F401

    from src import clean

    imported = time.perf_counter()
    plan = floor_plan(Path(raw), Path(reference))
    floors, steps = [], []
    while True:  # floor, step, and again when they are short: the faster of each is kept
        floor_start = time.perf_counter()
        read_floor(plan)
        step_start = time.perf_counter()
        floors.append(step_start - floor_start)
        result = clean.run_clean(raw, reference, processed, write=True)
        steps.append(time.perf_counter() - step_start)
        if len(steps) == REPEAT_ROUNDS or steps[0] > REPEAT_BELOW_SECONDS:
            break
    rows = {name: len(table) for name, table in result.held().items()}
    rows["records"] = result.record_rows
    files = sum(1 for p in Path(raw).rglob("*") if p.is_file())
    report_data = {
        "import_seconds": imported - start,
        "seconds": min(steps),
        "step_runs": steps,
        "floor_seconds": min(floors),
        "floor_runs": floors,
        "rows": rows,
        "raw_files": files,
        "raw_bytes": sum(p.stat().st_size for p in Path(raw).rglob("*") if p.is_file()),
    }
    Path(report).write_text(json.dumps(report_data), encoding="utf-8")


def _baseline_worker(report: str) -> None:
    start = time.perf_counter()
    from src import clean  # noqa: F401

    Path(report).write_text(
        json.dumps({"import_seconds": time.perf_counter() - start}), encoding="utf-8"
    )


def _notebooks_worker(plan: str, report: str) -> None:
    times = {}
    for entry in json.loads(Path(plan).read_text(encoding="utf-8")):
        notebook = Path(entry["notebook"])
        start = time.perf_counter()
        namespace: dict = {"__name__": "__main__"}
        for i, source in enumerate(notebook_code(notebook, entry["parameters"])):
            exec(compile(source, f"{notebook.name} [cell {i + 1}]", "exec"), namespace)
        times[entry["label"]] = time.perf_counter() - start
    Path(report).write_text(json.dumps({"seconds": times}), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    """The worker: ``clean RAW REFERENCE PROCESSED REPORT``, ``baseline REPORT`` or
    ``notebooks PLAN REPORT``. Each writes a JSON report for the parent to read."""
    parser = argparse.ArgumentParser(prog="python -m bench.measures")
    sub = parser.add_subparsers(dest="task", required=True)
    for name, args in (
        ("clean", ["raw", "reference", "processed", "report"]),
        ("baseline", ["report"]),
        ("notebooks", ["plan", "report"]),
    ):
        task = sub.add_parser(name)
        for arg in args:
            task.add_argument(arg)
    args = vars(parser.parse_args(argv))
    task = args.pop("task")
    {"clean": _clean_worker, "baseline": _baseline_worker, "notebooks": _notebooks_worker}[task](
        **args
    )


if __name__ == "__main__":
    main()
