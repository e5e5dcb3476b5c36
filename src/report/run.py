"""The report: two self-contained HTML pages read in a browser. ``reports/report.html`` is the
findings page (the main finding, the main points, the comparison with the release and a few
figures, short enough to finish); ``reports/annex.html`` beside it is the technical annex
(methods, every table and figure, reconciliation, cleaning, quality, provenance, sources).

Every number on the pages is read from a computed table: the processed tables in
``data/processed/`` and the findings in ``reports/tables/`` (and the figures' own data and alt
text in ``reports/figures/``). Nothing is typed in. Each page is rendered with its Jinja2
template (``src/report/templates/``) and written through :func:`src.helpers.write_text`, so a
rebuild from the same tables writes the same bytes and leaves the file untouched.

How the tables reach the page, so that a test can check every cell against its source:

- a table copied from a CSV carries ``data-source`` (the CSV's path) and each of its cells
  ``data-row`` (0-based data row of the CSV), ``data-column`` and ``data-value`` (the CSV text);
- a count below the national level (per force, per file, per label) is shown after the output
  disclosure rule of :mod:`src.sdc` and marked ``data-kind="sdc"``;
- a number or phrase quoted in prose is a ``<span class="cited">`` with the same attributes;
- each headline number is a ``<span class="headline" data-measure="...">`` whose measure key is
  :func:`src.report.numbers.measure_key` of its row of ``reports/tables/headline.csv``.

Figures are inlined as data URIs (SVG, or PNG when there is no SVG), with their alt text as the
``alt`` attribute (only there: the caption names the figure and links to it at full size, to the
committed SVG, PNG and PDF beside the report), and their data as a table and a download link.

This module is the step's orchestrator and the only one that reads or writes files: it loads
every input, renders the pages (:mod:`src.report.page`) and writes them, and it reads the tables
the README's generated blocks need (:mod:`src.report.readme`) and rewrites README.md.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pandas as pd

from src.data.tables import FILE as TABLES_FILE
from src.data.tables import Descriptions, load_descriptions
from src.errors import InputError
from src.helpers import PROCESSED, RAW, REFERENCE, REPORTS, ROOT, write_text
from src.provenance import FILENAME as PROVENANCE_FILE
from src.report import readme
from src.report.html import wbr
from src.report.page import annex_context, findings_context, render
from src.report.points import Build, main_points, title
from src.report.prose import group_names, headline_numbers
from src.report.sections import FINDINGS_TABLES

TEMPLATES = Path(__file__).parent / "templates"
#: Each page's template, and the context it is rendered with.
PAGES = {"report.html.j2": findings_context, "annex.html.j2": annex_context}
#: The annex's file, beside the findings page.
ANNEX = "annex.html"
#: The files of a figure the page links to at full size, in this order.
FULL_SIZE = ("svg", "png", "pdf")

# --- Inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paths:
    """Where the report reads from and writes to (tests point these at copies)."""

    processed: Path = PROCESSED
    tables: Path = REPORTS / "tables"
    figures: Path = REPORTS / "figures"
    published: Path = RAW / "published"
    study: Path = RAW / "simulation-study"
    reference: Path = REFERENCE
    out: Path = REPORTS / "report.html"
    root: Path = ROOT

    @property
    def annex(self) -> Path:
        return self.out.with_name(ANNEX)

    def name(self, path: Path) -> str:
        """``path`` as a reader finds it in the repository (relative to the root)."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def link(self, path: Path) -> str:
        """A relative link from the pages to ``path``."""
        return Path(os.path.relpath(Path(path).resolve(), self.out.parent.resolve())).as_posix()


def read_table(path: Path) -> pd.DataFrame:
    """A CSV as text, exactly as written (no guessing of types or missing values)."""
    if not Path(path).is_file():
        raise InputError(
            str(path),
            "",
            "a table the report needs is missing",
            "run `make` (data/processed/ comes from notebooks/10-clean.ipynb, reports/tables/ "
            "from notebooks/20-findings.ipynb, reports/figures/ from notebooks/30-figures.ipynb)",
        )
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@dataclass
class Inputs:
    processed: dict[str, pd.DataFrame]
    tables: dict[str, pd.DataFrame]
    published: dict[str, pd.DataFrame]
    reference: dict[str, pd.DataFrame]
    figures: list[dict]
    provenance: dict[str, dict]
    files: list[Path] = field(default_factory=list)
    #: Each other wave's build (reports/waves/<wave>/tables/): its build.csv and headline.csv.
    other_waves: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    #: The simulation study of this build's wave (data/raw/simulation-study/<wave>.csv), if any.
    study: pd.DataFrame | None = None
    #: What each table and column is (data/reference/tables.yaml).
    descriptions: Descriptions | None = None


PROCESSED_TABLES = ("coverage", "reconciliation", "cleaning_log", "instances")
REFERENCE_TABLES = (
    "forces",
    "waves",
    "platforms",
    "groups",
    "revisions",
    "conventions",
    "offence_groups",
    "readings",
    "verdicts",
)


def load(paths: Paths) -> Inputs:
    """Read every table, figure and provenance file the report shows."""
    files: list[Path] = []

    def read(path: Path) -> pd.DataFrame:
        files.append(path)
        return read_table(path)

    processed = {n: read(paths.processed / f"{n}.csv") for n in PROCESSED_TABLES}
    tables = {n: read(paths.tables / f"{n}.csv") for n in FINDINGS_TABLES}
    for extra in sorted(paths.tables.glob("*.csv")):
        if extra.stem not in tables:
            tables[extra.stem] = read(extra)
    wave = dict(zip(tables["build"]["key"], tables["build"]["value"], strict=True)).get("wave")
    if (
        wave
    ):  # data/processed/ holds every wave: the pages show this build's (rows keep their number)
        processed = {n: t[t["wave"] == wave] for n, t in processed.items()}
    published = {p.stem: read(p) for p in sorted(paths.published.glob("*.csv"))}
    reference = {n: read(paths.reference / f"{n}.csv") for n in REFERENCE_TABLES}
    figures = load_figures(paths, files)
    other_waves = {
        folder.name: {n: read(folder / "tables" / f"{n}.csv") for n in ("build", "headline")}
        for folder in sorted((paths.tables.parent / "waves").glob("*"))
        if (folder / "tables" / "build.csv").is_file()
    }
    provenance = {}
    for folder in (paths.processed, paths.tables, paths.figures):
        path = folder / PROVENANCE_FILE
        if path.is_file():
            files.append(path)
            provenance[paths.name(folder)] = json.loads(path.read_text(encoding="utf-8"))
    study_file = paths.study / f"{wave}.csv"
    study = read(study_file) if wave and study_file.is_file() else None
    files.append(paths.reference / TABLES_FILE)
    descriptions = load_descriptions(paths.reference)
    return Inputs(
        processed,
        tables,
        published,
        reference,
        figures,
        provenance,
        files,
        other_waves,
        study,
        descriptions,
    )


#: The ending of a figure's print copy (``<stem>-print.png``, 200 dpi), written beside it.
PRINT_SUFFIX = "-print"


def load_figures(paths: Paths, files: list[Path]) -> list[dict]:
    """Each figure in ``reports/figures``: its image (SVG, else PNG), alt text and data (as a
    table and as the file's bytes). ``<stem>-print.png``, the 200 dpi copy for print, is a
    version of figure ``<stem>``, not a figure of its own."""
    stems = sorted(
        {p.stem for p in paths.figures.glob("*.svg")}
        | {p.stem for p in paths.figures.glob("*.png") if not p.stem.endswith(PRINT_SUFFIX)}
    )
    figures = []
    for stem in stems:
        image = paths.figures / f"{stem}.svg"
        mime = "image/svg+xml"
        if not image.is_file():
            image, mime = paths.figures / f"{stem}.png", "image/png"
        alt_path, data_path = paths.figures / f"{stem}.txt", paths.figures / f"{stem}.csv"
        for needed, what in ((alt_path, "alt text"), (data_path, "data")):
            if not needed.is_file():
                raise InputError(
                    paths.name(needed),
                    "",
                    f"figure '{stem}' has no {what}",
                    "every figure is saved with src.figures.save_figure, which writes its data "
                    "(.csv) and alt text (.txt): rerun notebooks/30-figures.ipynb",
                )
        alt = alt_path.read_text(encoding="utf-8").strip()
        if not alt:
            raise InputError(
                paths.name(alt_path),
                "",
                f"figure '{stem}' has empty alt text",
                "describe the chart and its main numbers in the .txt file's generator",
            )
        files.extend([image, alt_path, data_path])
        figures.append(
            {
                "stem": stem,
                "image": image,
                "image_bytes": image.read_bytes(),
                "full_size": [
                    f for f in (paths.figures / f"{stem}.{ext}" for ext in FULL_SIZE) if f.is_file()
                ],
                "mime": mime,
                "alt": alt,
                "data_path": data_path,
                "data_bytes": data_path.read_bytes(),
                "data": read_table(data_path),
            }
        )
    return figures


# --- The page -------------------------------------------------------------------------------


def environment_for_template() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["wbr"] = wbr
    return env


def build_report(paths: Paths | None = None) -> tuple[Path, list[Path]]:
    """Read every table, render both pages and write them (each only if its bytes changed).
    Returns the findings page's path (the annex is :attr:`Paths.annex`) and every file they
    were built from (for their provenance)."""
    paths = paths or Paths()
    inputs = load(paths)
    env = environment_for_template()
    pages = [
        render(env.get_template(name), context(inputs, paths)) for name, context in PAGES.items()
    ]
    write_text(paths.annex, pages[1])
    out = write_text(paths.out, pages[0])
    return out, sorted(set(inputs.files) | set(TEMPLATES.glob("*.j2")))


# --- The README's generated blocks ----------------------------------------------------------


def read_headline(path: Path) -> pd.DataFrame:
    """headline.csv as the README quotes it: numbers as numbers, ``figure_id`` as text."""
    return pd.read_csv(path, dtype={"figure_id": str}, keep_default_na=False)


def readme_build(tables: Path) -> tuple[dict[str, str], pd.DataFrame]:
    """A build's parameters (build.csv) and headline table, from its tables folder."""
    return readme.build_values(read_table(tables / "build.csv")), read_headline(
        tables / "headline.csv"
    )


def readme_findings(tables: Path = REPORTS / "tables") -> str:
    """The README's findings block from the tables in ``tables`` (and the main figure beside
    them, if it is built): the findings page's title and main points, then the headline table."""
    t = {path.stem: read_table(path) for path in sorted(tables.glob("*.csv"))}
    build = readme.build_values(t["build"])
    reference = {n: read_table(REFERENCE / f"{n}.csv") for n in ("forces", "groups", "platforms")}
    forces = reference["forces"]
    b = Build(
        t,
        build,
        {name: Paths().name(tables / f"{name}.csv") for name in t},
        headline_numbers(t["headline"], Paths().name(tables / "headline.csv")),
        group_names(reference, build),
        dict(zip(forces["force"], forces["name"], strict=True)),
    )
    image = tables.parent / "figures" / f"{readme.MAIN_FIGURE}.png"
    figure = None
    if image.is_file():
        alt = image.with_suffix(".txt").read_text(encoding="utf-8")
        figure = (alt, image.relative_to(ROOT).as_posix())
    words = [title(b).striptags(), *(point.striptags() for point in main_points(b))]
    return readme.findings_block(build, read_headline(tables / "headline.csv"), words, figure)


def readme_variants(reports: Path = REPORTS) -> str:
    """The README's variants block: the default build and each one in reports/variants/."""
    folders = {"default": reports / "tables"}
    for folder in sorted((reports / "variants").glob("*/tables")):
        folders[folder.parent.name] = folder
    builds = {name: readme_build(folder) for name, folder in folders.items()}
    figures = {
        name: (folder.parent / "figures").relative_to(ROOT).as_posix()
        for name, folder in folders.items()
        if name != "default"
    }
    return readme.variants_block(builds, figures)


def readme_waves(reports: Path = REPORTS) -> str:
    """The README's waves block: the default build's cross-wave tables and every other wave's
    build folder (reports/waves/<wave>/)."""
    tables = reports / "tables"
    waves = pd.read_csv(tables / "waves.csv", keep_default_na=False)
    statements = pd.read_csv(tables / "wave_statements.csv", keep_default_na=False)
    folders = {
        folder.name: folder.relative_to(ROOT).as_posix()
        for folder in sorted((reports / "waves").glob("*"))
        if folder.is_dir()
    }
    return readme.waves_block(waves, statements, folders)


def readme_sources(published: Path = RAW / "published") -> str:
    """The README's sources block from every published-figures file."""
    tables = {path.name: read_table(path) for path in sorted(Path(published).glob("*.csv"))}
    return readme.sources_block(tables)


def readme_returns(processed: Path = PROCESSED, reference: Path = REFERENCE) -> str:
    """What every wave's returns are (real, simulated, how many of each), from coverage.csv."""
    return readme.returns_block(
        read_table(Path(processed) / "coverage.csv"),
        read_table(Path(reference) / "forces.csv"),
        read_table(Path(reference) / "waves.csv"),
    )


def readme_blocks() -> dict[str, str]:
    """Every generated block of README.md, by name, from the project's tables."""
    return {
        "returns": readme_returns(),
        "findings": readme_findings(),
        "variants": readme_variants(),
        "waves": readme_waves(),
    }


#: The data READMEs, each with its own generated block of what the returns are.
DATA_READMES = (RAW / "README.md", PROCESSED / "README.md")
#: The dictionary of every output table's columns (its block from tables.yaml).
TABLES_DOC = ROOT / "docs" / "tables.md"


def update_readme(path: Path = ROOT / "README.md") -> Path:
    """Rewrite the README's generated blocks (what the returns are, findings, variants, waves)
    from the tables, the block of what the returns are in each data README, the list of
    sources in data/raw/README.md and the dictionary of the tables' columns (docs/tables.md)."""
    returns = readme_returns()
    docs = {doc: {"returns": returns} for doc in DATA_READMES}
    docs[RAW / "README.md"]["sources"] = readme_sources()
    docs[TABLES_DOC] = {"tables": readme.tables_block(load_descriptions())}
    for doc, blocks in docs.items():
        if doc.is_file():
            write_text(doc, readme.update(doc.read_text(encoding="utf-8"), blocks))
    return write_text(path, readme.update(path.read_text(encoding="utf-8"), readme_blocks()))
