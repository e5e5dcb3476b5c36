"""The report's two pages: the findings page (reports/report.html), short, whose title and
main points say the build's main finding in words, and the technical annex (reports/annex.html)
with every section, every figure with its alt text and every table. On both, every number equals
the table it comes from; a changed table changes the pages; nothing is loaded from outside.

The pages are rebuilt into a temporary copy of the project's built tables (so the tests never
touch reports/); the copy has the same layout, so each page must come out byte for byte as the
committed one.
"""

from __future__ import annotations

import base64
import math
import os
import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest
from markupsafe import escape
from page_measures import expected

from src import sdc
from src.errors import InputError
from src.helpers import ROOT
from src.report import numbers
from src.report import run as report
from src.report.page import figure_title
from src.vocab import METHOD_CHECK

#: Where the built tables are read from: this project, or (to check a report against another
#: build with the same layout) the folder in REPORT_SOURCE_ROOT.
SOURCE = Path(os.environ.get("REPORT_SOURCE_ROOT", ROOT))
FOLDERS = (
    "data/processed",
    "reports/tables",
    "reports/figures",
    "reports/waves",
    "data/raw/published",
    "data/raw/simulation-study",
)
REFERENCE_FILES = [f"data/reference/{name}.csv" for name in report.REFERENCE_TABLES]
REFERENCE_FILES.append("data/reference/tables.yaml")

#: The annex's sections.
SECTIONS = [
    "findings",
    "published",
    "published-denominators",
    "figures",
    "uncertainty",
    "withheld",
    "coverage",
    "reconciliation",
    "cleaning",
    "context",
    "caveats",
    "quality",
    "quality-accuracy",
    "quality-revisions",
    "methods",
    "methods-sources",
    "methods-unit",
    "methods-withheld",
    "methods-denominators",
    "methods-convention",
    "methods-exact",
    "methods-study",
    "methods-intervals",
    "methods-sdc",
    "methods-simulated",
    "sources",
]


def _needs_build() -> None:
    needed = ("reports/tables/headline.csv", "data/processed/coverage.csv", "reports/figures")
    missing = [f for f in needed if not (SOURCE / f).exists()]
    if missing:
        pytest.skip(f"the tables are not built yet ({', '.join(missing)}): run `make` first")


def copy_project(target: Path) -> report.Paths:
    """A copy of the built tables in the project's layout under ``target``."""
    for folder in FOLDERS:
        shutil.copytree(SOURCE / folder, target / folder)
    for file in REFERENCE_FILES:
        (target / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SOURCE / file, target / file)
    return paths_in(target)


def paths_in(root: Path) -> report.Paths:
    return report.Paths(
        processed=root / "data/processed",
        tables=root / "reports/tables",
        figures=root / "reports/figures",
        published=root / "data/raw/published",
        study=root / "data/raw/simulation-study",
        reference=root / "data/reference",
        out=root / "reports/report.html",
        root=root,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[report.Paths, str, str]:
    """The copy's paths, the annex and the findings page, as built from the copy."""
    _needs_build()
    paths = copy_project(tmp_path_factory.mktemp("project"))
    out, _ = report.build_report(paths)
    return paths, paths.annex.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(built) -> Page:
    """The annex."""
    return Page.parse(built[1])


@pytest.fixture(scope="module")
def findings(built) -> Page:
    """The findings page."""
    return Page.parse(built[2])


@pytest.fixture(scope="module", params=["findings", "annex"])
def each(request, built) -> Page:
    """Each page in turn."""
    return Page.parse(built[2] if request.param == "findings" else built[1])


# --- A small HTML reader --------------------------------------------------------------------


class Page(HTMLParser):
    """Elements of the report as the tests need them: every element's attributes, the text of
    cells, headline spans, headings and images, and every table with its cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.tables: list[dict] = []
        self.headings: list[tuple[int, str]] = []
        self.spans: list[dict] = []
        self.cited: list[dict] = []
        self.text_parts: list[str] = []
        self._stack: list[dict] = []  # open elements whose text we collect

    @classmethod
    def parse(cls, html: str) -> Page:
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        self.elements.append((tag, attrs))
        if tag == "table":
            self.tables.append({"attrs": attrs, "rows": [], "caption": "", "header_scopes": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append({"attrs": attrs, "cells": []})
        if tag in ("td", "th", "caption", "span", "h1", "h2", "h3", "h4", "figcaption"):
            self._stack.append({"tag": tag, "attrs": attrs, "text": []})
        if tag == "th" and self.tables:
            self.tables[-1]["header_scopes"].append(attrs.get("scope", ""))

    def handle_endtag(self, tag):
        if not self._stack or self._stack[-1]["tag"] != tag:
            return
        item = self._stack.pop()
        text = " ".join("".join(item["text"]).split())
        for outer in self._stack:
            outer["text"].append(text)
        if tag in ("td", "th") and self.tables and self.tables[-1]["rows"]:
            self.tables[-1]["rows"][-1]["cells"].append({"attrs": item["attrs"], "text": text})
        elif tag == "caption" and self.tables:
            self.tables[-1]["caption"] = text
        elif tag == "span" and "headline" in item["attrs"].get("class", "").split():
            self.spans.append({"attrs": item["attrs"], "text": text})
        elif tag == "span" and "cited" in item["attrs"].get("class", "").split():
            self.cited.append({"attrs": item["attrs"], "text": text})
        elif tag in ("h1", "h2", "h3", "h4"):
            self.headings.append((int(tag[1]), item["attrs"].get("id", "")))
        elif tag == "figcaption":
            self.text_parts.append(text)

    def handle_data(self, data):
        if self._stack:
            self._stack[-1]["text"].append(data)

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.elements if "id" in a}

    def table(self, table_id: str) -> dict:
        matches = [t for t in self.tables if t["attrs"].get("id") == table_id]
        assert matches, f"no table {table_id}"
        return matches[0]


# --- Checking a shown value against its source ----------------------------------------------


def shown_number(text: str) -> tuple[float, int]:
    """The number in a cell's text and its decimal places ('15,263.5' -> (15263.5, 1))."""
    match = re.fullmatch(r"([+-]?[\d,]+(?:\.(\d+))?)%?", text.strip())
    assert match, f"not a number: {text!r}"
    return float(match.group(1).replace(",", "")), len(match.group(2) or "")


def check_cell(kind: str, value: str, text: str) -> None:
    """The text a reader sees agrees with the CSV value, whatever the cell's kind."""
    if kind in ("count", "number", "int", "percent", "points"):
        if value.strip() == "":
            assert text == numbers.MISSING
            return
        shown, places = shown_number(text)
        assert abs(shown - float(value)) <= 0.5 * 10**-places + 1e-9, (value, text)
        assert text.endswith("%") == (kind == "percent"), (kind, text)
    elif kind == "sdc":
        true = math.floor(float(value) + 0.5)
        if true <= sdc.REDACTION_THRESHOLD:
            assert text == sdc.REDACTED, (value, text)
        else:
            shown, _ = shown_number(text)
            assert shown % sdc.ROUNDING_BASE == 0 and abs(shown - true) <= 2.5, (value, text)
    elif kind == "redacted":
        if value == "":
            assert text == sdc.REDACTED
        else:
            assert shown_number(text)[0] == float(value)
    elif kind == "bool":
        expected = {"True": "yes", "False": "no"}.get(value, value)
        assert text == expected, (value, text)
    elif kind == "code":
        assert text, value
    else:
        assert text == " ".join(value.split()), (value, text)


def site_links(field: str) -> list[str]:
    """The links a source field stands for: one per ';'-separated site, a bare site over
    https (daventryexpress.co.uk -> https://daventryexpress.co.uk)."""
    parts = [p.strip() for p in field.split(";") if p.strip()]
    return [p if p.startswith(("http://", "https://")) else f"https://{p}" for p in parts]


def source_tables(page: Page) -> list[dict]:
    return [t for t in page.tables if t["attrs"].get("data-source")]


# --- The tests ------------------------------------------------------------------------------


def test_the_committed_pages_are_what_the_tables_give(built):
    """Rebuilt from copies of the tables, each page is byte for byte the committed one."""
    for name, html in (("annex.html", built[1]), ("report.html", built[2])):
        committed = SOURCE / "reports" / name
        if not committed.is_file():
            pytest.skip(f"reports/{name} is not built yet: run `make`")
        assert html == committed.read_text(encoding="utf-8"), name


def test_a_rebuild_is_byte_identical_and_not_rewritten(built):
    paths, annex, html = built
    before = [paths.out.stat().st_mtime_ns, paths.annex.stat().st_mtime_ns]
    out, _ = report.build_report(paths)
    assert out.read_text(encoding="utf-8") == html
    assert paths.annex.read_text(encoding="utf-8") == annex
    assert [paths.out.stat().st_mtime_ns, paths.annex.stat().st_mtime_ns] == before


#: Sections the data may give nothing for: the release's two denominators (when it published
#: a stated total and the parts that should add up to it) and the simulation study of the wave.
DENOMINATORS = ["published-denominators", "methods-denominators"]
STUDY = ["methods-study"]


def test_every_section_is_there_with_headings_in_order(page):
    consistency = pd.read_csv(
        SOURCE / "reports/tables/published_consistency.csv", dtype=str, keep_default_na=False
    )
    national = consistency[consistency["geography"] == "national"]
    two_totals = (national["stated_total"] != "").any() and (national["sum_of_parts"] != "").any()
    study = (SOURCE / "data/raw/simulation-study" / f"{build_wave()}.csv").is_file()
    absent = (DENOMINATORS if not two_totals else []) + (STUDY if not study else [])
    for section in absent:
        assert section not in page.ids(), section
    expected = [s for s in SECTIONS if s not in absent]
    missing = [s for s in expected if s not in page.ids()]
    assert not missing, f"sections missing: {missing}"
    if "published-none" in page.ids():  # nothing published: the page says so, with no table
        assert "table-statements" not in page.ids()
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    jumps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert not jumps, f"heading levels skip: {jumps}"


def build_value(key: str) -> str:
    build = pd.read_csv(SOURCE / "reports/tables/build.csv", dtype=str, keep_default_na=False)
    return build.set_index("key").loc[key, "value"]


def test_the_simulated_notice_is_prominent_when_any_return_is_simulated(built, page):
    coverage = processed("coverage", dtype=str)  # the rows of the build's wave
    simulated = (coverage["provenance"] == "simulated").any()
    assert ("simulated-notice" in page.ids()) == simulated
    sentence = str(escape(build_value("returns_sentence")))
    assert sentence
    # The annex says what the build's returns are once, in build.csv's words, in its notice
    # (the tables and the caveats, data of their own, may hold it too).
    html = re.sub(r"<table\b.*?</table>|<ul id=\"caveat-list\".*?</ul>", "", built[1], flags=re.S)
    assert html.count(sentence) == (1 if simulated else 0)
    if simulated:
        notice = html.index('id="simulated-notice"')
        assert notice < html.index(sentence) < html.index("</div>", notice)
        assert notice < html.index('id="findings"')


def test_the_findings_page_says_what_the_build_is_made_of_once_under_its_title(built):
    html = re.sub(r"<img\b[^>]*>", "", built[2])  # an image's alt text may say it too
    said = str(escape(build_value("badge") or build_value("returns_sentence")))
    assert html.count(said) == 1
    assert html.index("</h1>") < html.index(said) < html.index('class="lead"')
    assert str(escape(build_value("returns_sentence"))) not in html or said in html


def test_every_figure_is_inlined_with_its_alt_text_and_data(page):
    figures = SOURCE / "reports" / "figures"
    stems = sorted(
        {p.stem for p in figures.glob("*.svg")}
        | {p.stem for p in figures.glob("*.png") if not p.stem.endswith("-print")}
    )
    assert stems, "no figures built"
    images = [a for tag, a in page.elements if tag == "img"]
    assert len(images) == len(stems)
    by_alt = {a["alt"]: a for a in images}
    links = {
        a.get("download"): a["href"] for tag, a in page.elements if tag == "a" and "download" in a
    }
    for stem in stems:
        alt = (figures / f"{stem}.txt").read_text(encoding="utf-8").strip()
        assert alt in by_alt, f"figure {stem}: no image with its alt text"
        image = figures / f"{stem}.svg"
        if not image.is_file():
            image = figures / f"{stem}.png"
        src = by_alt[alt]["src"]
        assert src.startswith("data:image/")
        assert base64.b64decode(src.split(",", 1)[1]) == image.read_bytes()
        # The description is the image's alt text only: no caption or other text repeats it.
        assert not any(alt in unescape(text) for text in page.text_parts), f"{stem}: alt twice"
        assert sum(a.get("alt") == alt for _, a in page.elements) == 1
        data = links.get(f"{stem}.csv")
        assert data, f"figure {stem}: no link to its data"
        assert base64.b64decode(data.split(",", 1)[1]) == (figures / f"{stem}.csv").read_bytes()
        page.table(f"figure-data-{stem}")


def test_every_figure_links_to_its_committed_files_at_full_size(page):
    """Each chart links, relative to the report, to its own SVG (and PNG and PDF) as committed
    in reports/figures/, so a reader can open it with its text at full size."""
    figures = SOURCE / "reports" / "figures"
    hrefs = {a["href"] for tag, a in page.elements if tag == "a" and "href" in a}
    svgs = sorted(figures.glob("*.svg"))
    assert svgs
    for svg in svgs:
        for ext in ("svg", "png", "pdf"):
            if svg.with_suffix(f".{ext}").is_file():
                assert f"figures/{svg.stem}.{ext}" in hrefs, f"no full-size {ext} of {svg.stem}"


def test_every_cell_equals_its_source_table(built, page):
    """Each cell of a table copied from a CSV shows that CSV's value, formatted for a reader."""
    paths = built[0]
    tables = source_tables(page)
    assert len(tables) >= 15
    assert cells_equal_their_sources(paths, tables) > 200


def test_every_cell_and_quoted_number_of_the_findings_page_equals_its_source(built, findings):
    """The comparison's cells, and each number or phrase its title and points quote, show the
    value of the table, row and column they name."""
    paths = built[0]
    quoted = [
        {"attrs": {"data-source": c["attrs"]["data-source"]}, "rows": [c]} for c in findings.cited
    ]
    assert findings.cited, "the findings page quotes no table"
    assert cells_equal_their_sources(paths, source_tables(findings)) > 10
    assert cells_equal_their_sources(paths, quoted) == len(quoted)


def cells_equal_their_sources(paths, tables) -> int:
    """How many cells were checked; each shows its source's value (``data-value``, its text)."""
    checked = 0
    for table in tables:
        source = pd.read_csv(
            paths.root / table["attrs"]["data-source"], dtype=str, keep_default_na=False
        )
        for row in table["rows"]:
            if "data-row" not in row["attrs"]:
                continue
            data = source.iloc[int(row["attrs"]["data-row"])]
            for cell in row.get("cells", [row]):
                column = cell["attrs"]["data-column"]
                assert cell["attrs"]["data-value"] == data[column], (table["attrs"], column)
                check_cell(cell["attrs"]["data-kind"], data[column], cell["text"])
                checked += 1
    return checked


# --- The findings page ----------------------------------------------------------------------

#: The findings page is one a reader finishes: fewer visible words than this.
MOST_WORDS = 1500


def visible_words(html: str) -> int:
    """The words a reader sees: the page without its style, scripts and tags."""
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return len(unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_visible_words_are_counted_without_tags_style_or_script():
    html = "<style>p { color: red }</style><p>One <b>two</b>&nbsp;three</p><script>x y</script>"
    assert visible_words(html) == 3


def test_every_findings_page_built_is_short(built):
    """The findings page of this build (and of any variant or wave build with one) has fewer
    than MOST_WORDS visible words."""
    pages = {"rebuilt": built[2]} | {
        p.relative_to(SOURCE).as_posix(): p.read_text(encoding="utf-8")
        for p in (SOURCE / "reports").rglob("report.html")
    }
    counts = {name: visible_words(html) for name, html in pages.items()}
    assert all(n < MOST_WORDS for n in counts.values()), counts


def points_of(html: str) -> list[str]:
    """The main points' text: the lead under the title, then the list."""
    lead = re.findall(r'<p class="lead">(.*?)</p>', html, re.S)
    listed = re.findall(r'<ul class="main-points">(.*?)</ul>', html, re.S)
    items = re.findall(r"<li>(.*?)</li>", listed[0], re.S) if listed else []
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", p)).split()) for p in lead + items]


def test_the_findings_page_leads_with_its_main_finding(built, findings):
    """One h1, in the main finding's block, naming whatever leads the build's tables; the build
    said to be real, simulated or mixed once, under it; then the main points, what is real
    first; no contents list; one link to the annex."""
    html = built[2]
    assert [level for level, _ in findings.headings].count(1) == 1
    block = html[html.index('id="main-finding"') :]
    assert block.index("<h1>") < block.index('class="lead"') < block.index("</div>")
    assert 'class="contents"' not in html
    headline = pd.read_csv(SOURCE / "reports/tables/headline.csv", dtype=str, keep_default_na=False)
    platforms = pd.read_csv(SOURCE / "reports/tables/platforms.csv", dtype=str)
    owner = headline[
        (headline["platform_group"] == build_value("owner_group"))
        & (headline["unit"] == "percent")
        & (headline["denominator"] == "all_known")
    ]
    title = unescape(re.sub(r"<[^>]+>", "", html.split("<h1>")[1].split("</h1>")[0]))
    if not owner.empty and (
        platforms.empty or float(platforms["share"].iloc[0]) <= float(owner["computed"].iloc[0])
    ):
        assert title.startswith(build_value("owner_group_name")), title
    elif len(platforms):
        assert title.startswith(platforms["name"].iloc[0]), title
    points = points_of(html)
    assert 1 <= len(points) <= 6
    checks = pd.read_csv(SOURCE / "reports/tables/release_checks.csv", dtype=str)
    wrong = checks[checks["agrees"] == "False"]
    if len(wrong):  # the release against itself comes first
        assert " ".join(wrong["finding"].iloc[0].split()) in points[0]
    annex = [a for tag, a in findings.elements if tag == "a" and a.get("href") == "annex.html"]
    assert len(annex) == 1


def test_on_simulated_returns_a_computed_number_is_a_check_of_the_method(built):
    """A point quoting a number computed from the returns says it is a check of the method,
    unless every return of the build is real."""
    if build_value("returns") == "real":
        pytest.skip("every return of this build is real")
    for point, html in zip(points_of(built[2]), _point_html(built[2]), strict=True):
        if 'class="headline"' in html:
            assert METHOD_CHECK in point, point


def _point_html(html: str) -> list[str]:
    lead = re.findall(r'<p class="lead">(.*?)</p>', html, re.S)
    listed = re.findall(r'<ul class="main-points">(.*?)</ul>', html, re.S)
    return lead + (re.findall(r"<li>(.*?)</li>", listed[0], re.S) if listed else [])


def test_the_findings_page_s_figures_are_the_annex_s_with_a_note(built, findings, page):
    """Three or four figures, each one of the annex's (the same image and alt text) with a note
    beside it."""
    shown = [a for tag, a in findings.elements if tag == "img"]
    annex = {a["alt"]: a["src"] for tag, a in page.elements if tag == "img"}
    assert 1 <= len(shown) <= 4
    assert all(annex.get(a["alt"]) == a["src"] for a in shown)
    assert built[2].count('class="what-to-know"') == len(shown)


def test_every_findings_table_is_shown(page):
    shown = {
        a["data-source"]
        for _, a in page.elements
        if a.get("data-source", "").startswith("reports/tables/")
    }
    # Every table with rows (one with none, as the comparison with a release that published
    # nothing about the wave, has nothing to show).
    built = {
        f"reports/tables/{p.name}"
        for p in (SOURCE / "reports" / "tables").glob("*.csv")
        if len(pd.read_csv(p, dtype=str))
    }
    assert built <= shown, f"tables not in the report: {sorted(built - shown)}"


def test_every_caveat_is_listed(built):
    caveats = pd.read_csv(SOURCE / "reports/tables/caveats.csv", dtype=str, keep_default_na=False)
    html = unescape(built[1])
    for _, row in caveats.iterrows():
        assert f'data-caveat="{row["caveat"]}">{row["text"]}</li>' in html, row["caveat"]


def build_wave() -> str:
    """The wave of the committed build (reports/tables/build.csv): the page shows its rows of
    the processed tables, which hold every wave."""
    build = pd.read_csv(SOURCE / "reports/tables/build.csv", dtype=str, keep_default_na=False)
    return dict(zip(build["key"], build["value"], strict=True))["wave"]


def processed(name: str, **options) -> pd.DataFrame:
    """A processed table's rows of the build's wave (their row numbers kept)."""
    table = pd.read_csv(SOURCE / f"data/processed/{name}.csv", **options)
    return table[table["wave"] == build_wave()]


def test_every_force_asked_is_in_the_coverage_table(page):
    coverage = processed("coverage", dtype=str)
    rows = page.table("table-coverage")["rows"][1:]  # after the header row
    assert sorted(int(r["attrs"]["data-row"]) for r in rows) == list(coverage.index)
    rec = processed("reconciliation", dtype=str)
    assert len(page.table("table-reconciliation")["rows"]) - 1 == len(rec)


def test_the_headline_numbers_equal_the_headline_table(each):
    headline = pd.read_csv(SOURCE / "reports/tables/headline.csv", dtype=str, keep_default_na=False)
    assert len(each.spans) >= 3
    seen = set()
    for span in each.spans:
        key = span["attrs"]["data-measure"]
        value, _ = expected(headline, key)
        shown, places = shown_number(span["text"])
        assert abs(shown - value) <= 0.5 * 10**-places + 1e-9, (key, span["text"], value)
        assert span["text"].endswith("%") == (not key.endswith("_count"))
        seen.add(key)
    owner = build_value("owner_group")
    assert seen, "no headline number on the page"
    if not headline[(headline["platform_group"] == owner) & (headline["unit"] == "percent")].empty:
        assert f"{owner}_of_all_known" in seen


def test_derived_tables_add_up_to_the_processed_tables(page):
    """The totals the report works out itself, recomputed here independently."""
    rec = processed("reconciliation")
    table = page.table("table-reconciliation-totals")
    header = [c["text"] for c in table["rows"][0]["cells"]]
    for row in table["rows"][1:]:
        cells = dict(zip(header, [c["text"] for c in row["cells"]], strict=True))
        part = rec[rec["unit"] == cells["Unit"]]
        for column in ("total_lower", "mapped_upper", "unexplained"):
            label = column.replace("_", " ").capitalize()
            assert shown_number(cells[label])[0] == part[column].sum(), column
    log = processed("cleaning_log", keep_default_na=False)
    table = page.table("table-cleaning-actions")
    rows = table["rows"][1:]
    assert sum(shown_number(r["cells"][3]["text"])[0] for r in rows) == len(log)
    assert sum(shown_number(r["cells"][5]["text"])[0] for r in rows) == log["count_lower"].sum()


def test_a_changed_table_changes_the_page(built, tmp_path):
    paths = copy_project(tmp_path)
    headline_csv = paths.tables / "headline.csv"
    headline = pd.read_csv(headline_csv, dtype=str, keep_default_na=False)
    share = (headline["platform_group"] == "facebook_owned") & (headline["unit"] == "percent")
    headline.loc[share, "computed"] = "12.3"
    headline.to_csv(headline_csv, index=False, lineterminator="\n")
    coverage_csv = paths.processed / "coverage.csv"
    coverage = pd.read_csv(coverage_csv, dtype=str, keep_default_na=False)
    first_row = coverage.index[coverage["wave"] == build_wave()][0]
    coverage.loc[first_row, "outcome"] = (
        "no_response" if coverage.loc[first_row, "outcome"] != "no_response" else "data"
    )
    coverage.to_csv(coverage_csv, index=False, lineterminator="\n")
    out, _ = report.build_report(paths)
    changed = Page.parse(paths.annex.read_text(encoding="utf-8"))
    for page in (changed, Page.parse(out.read_text(encoding="utf-8"))):
        spans = {s["attrs"]["data-measure"]: s["text"] for s in page.spans}
        assert spans["facebook_owned_of_all_known"] == "12.3%"
    first = changed.table("table-coverage")["rows"][1]["cells"]
    outcome = next(c for c in first if c["attrs"]["data-column"] == "outcome")
    assert outcome["attrs"]["data-value"] == coverage.loc[first_row, "outcome"]
    assert out.read_text(encoding="utf-8") != built[2]


def test_owned_platforms_as_slugs_change_only_the_build_table(built, tmp_path):
    """build.csv's owned_platforms written otherwise (the same slugs, unspaced), and
    uncertainty.csv with a column the pages do not show: the findings page is as before, and
    in the annex only the build table's own cell changes."""
    paths = copy_project(tmp_path)
    build_csv = paths.tables / "build.csv"
    build = pd.read_csv(build_csv, dtype=str, keep_default_na=False)
    owned = build["key"] == "owned_platforms"
    before = build.loc[owned, "value"].iloc[0]
    slugs = ",".join(s.strip() for s in before.split(","))
    assert slugs != before, "owned_platforms lists one platform: nothing to respell"
    build.loc[owned, "value"] = slugs
    build.to_csv(build_csv, index=False, lineterminator="\n")
    uncertainty_csv = paths.tables / "uncertainty.csv"
    uncertainty = pd.read_csv(uncertainty_csv, dtype=str, keep_default_na=False)
    uncertainty["in_owner_group"] = "True"
    uncertainty.to_csv(uncertainty_csv, index=False, lineterminator="\n")
    out, _ = report.build_report(paths)
    assert out.read_text(encoding="utf-8") == built[2]
    html = paths.annex.read_text(encoding="utf-8")
    row = int(build.index[owned][0])
    cell = (
        '<td role="cell" data-column="value" data-kind="text" data-value="{0}" '
        'data-label="Value">{0}</td>'
    )
    old_row = cell.format(escape(before))
    assert built[1].count(old_row) == 1
    assert html == built[1].replace(old_row, cell.format(escape(slugs)))
    shown = Page.parse(html)
    table = shown.table("table-build")
    assert any(r["attrs"].get("data-row") == str(row) for r in table["rows"])
    columns = {
        c["attrs"]["data-column"]
        for r in shown.table("table-uncertainty")["rows"][1:]
        for c in r["cells"]
    }
    assert "in_owner_group" not in columns


def test_nothing_is_loaded_from_outside_and_links_out_only_to_sources(built, each):
    page = each
    sources = set()
    for csv in (SOURCE / "data/raw/published").glob("*.csv"):
        urls = pd.read_csv(csv, dtype=str, keep_default_na=False).get("source_url")
        if urls is not None:
            sources |= {link for u in urls for link in site_links(u)}
    for tag, attrs in page.elements:
        assert tag not in ("script", "iframe", "object", "embed"), tag
        if tag == "link":
            assert attrs.get("rel") not in ("stylesheet", "preload", "prefetch", "icon"), attrs
        if "src" in attrs:
            assert attrs["src"].startswith("data:"), attrs["src"][:80]
        href = attrs.get("href", "")
        if re.match(r"^[a-z][a-z0-9+.-]*:", href) and not href.startswith("data:"):
            assert unquote(href) in sources or href in sources, f"external link: {href}"
    assert not re.search(r"url\(\s*['\"]?https?:|@import", built[1] + built[2])


def test_ids_are_unique_and_every_link_inside_the_page_lands(each):
    page = each
    ids = [a["id"] for _, a in page.elements if "id" in a]
    assert len(ids) == len(set(ids)), "duplicate ids"
    anchors = [a["href"][1:] for tag, a in page.elements if a.get("href", "").startswith("#")]
    assert set(anchors) <= set(ids)


def test_tables_are_accessible(each):
    page = each
    for table in page.tables:
        assert table["caption"], f"table {table['attrs'].get('id')} has no caption"
        assert table["header_scopes"] and all(s in ("col", "row") for s in table["header_scopes"])


def test_a_missing_table_names_the_file_and_the_fix(tmp_path):
    _needs_build()
    paths = copy_project(tmp_path)
    (paths.tables / "uncertainty.csv").unlink()
    with pytest.raises(InputError, match="uncertainty.csv") as caught:
        report.build_report(paths)
    assert "make" in caught.value.fix


def test_a_figure_without_alt_text_stops_the_build(tmp_path):
    _needs_build()
    paths = copy_project(tmp_path)
    alt = sorted(paths.figures.glob("*.txt"))[0]
    alt.write_text("  \n")
    with pytest.raises(InputError, match="alt text"):
        report.build_report(paths)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("0", sdc.REDACTED),
        ("7", sdc.REDACTED),
        ("7.4", sdc.REDACTED),
        ("8", "10"),
        ("12", "10"),
        ("12.5", "15"),
        ("1234", "1,235"),
        ("", numbers.MISSING),
    ],
)
def test_counts_below_national_level_follow_the_output_rule(value, shown):
    assert numbers.safe_count(value) == shown


def test_figure_headings_come_from_file_names():
    assert figure_title("1-platform-shares") == "Platform shares"
    assert figure_title("5-whatsapp-tipoffs", {"whatsapp": "WhatsApp"}) == ("WhatsApp tipoffs")


def test_numbers_are_formatted_as_ons_style_asks():
    assert numbers.fmt_percent("52.4") == "52.4%"  # one decimal place for a lay reader
    assert numbers.fmt_percent("52.45") == "52.5%"
    assert numbers.fmt_count("9477.0") == "9,477"
    assert numbers.fmt_count("9477.5") == "9,477.5"
    assert numbers.fmt_points("-0.25") in ("-0.2", "-0.3")
    assert numbers.fmt_points("-0.01") == "0.0"
    assert numbers.fmt_points("0.3") == "+0.3"
    assert numbers.fmt_count("") == numbers.MISSING
    assert numbers.fmt_number("54.76190476190476") == "54.76"
    assert numbers.fmt_number("3305.5") == "3,305.5"
    assert numbers.fmt_number("5083.0") == "5,083"


# --- Links, file names, cards and the software list -----------------------------------------


def test_every_link_resolves(each):
    """Every href on the page lands: an anchor on an id of the page, a relative link on a file
    or folder that exists beside the committed report, a data: URI on bytes that decode, and
    an http(s) link is a well-formed URL (no network is used)."""
    page = each
    ids = page.ids()
    base = SOURCE / "reports"
    hrefs = [a["href"] for _, a in page.elements if "href" in a]
    assert hrefs
    bad = []
    for href in hrefs:
        if href.startswith("#"):
            ok = href[1:] in ids
        elif href.startswith("data:"):
            header, _, payload = href.partition(",")
            ok = header.endswith(";base64") and len(base64.b64decode(payload, validate=True)) > 0
        elif re.match(r"^[a-z][a-z0-9+.-]*:", href):
            parts = urlsplit(href)
            ok = (
                parts.scheme in ("http", "https")
                and re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", parts.netloc.lower()) is not None
                and not re.search(r"[\s;<>\"]", href)
            )
        else:
            ok = bool(href) and (base / unquote(href.split("#")[0])).exists()
        if not ok:
            bad.append(href[:100])
    assert not bad, f"links that do not resolve: {bad}"


def test_a_source_field_naming_several_sites_links_to_each(page):
    hrefs = [a["href"] for tag, a in page.elements if tag == "a" and "href" in a]
    several = 0
    for csv in sorted((SOURCE / "data/raw/published").glob("*.csv")):
        urls = pd.read_csv(csv, dtype=str, keep_default_na=False).get("source_url", [])
        for field in {u for u in urls if u}:
            links = site_links(field)
            several += len(links) > 1
            for link in links:
                assert link in hrefs, f"{csv.name}: '{field}' has no link to {link}"
    assert several, "no source names several sites: the test checks nothing"
    assert not [h for h in hrefs if ";" in h and not h.startswith("data:")]


def test_file_names_wrap_at_their_separators_never_mid_word(built):
    """Every displayed path allows a break after each / _ - . (a <wbr>), and nothing lets the
    browser break a word anywhere (word-break: break-all)."""
    html = built[1]
    assert "break-all" not in html and "overflow-wrap: anywhere" not in html
    codes = re.findall(r"<code>(.*?)</code>", html)
    paths = [c for c in codes if re.search(r"[/_.-].", c)]
    assert len(paths) > 10
    for code in paths:
        unbroken = re.search(r"[/_.-](?!<wbr>)(?=.)", code)
        assert not unbroken, f"a path that cannot wrap at '{unbroken.group()}': {code}"
    cells = re.findall(r'<t[dh] [^>]*data-kind="path"[^>]*>(.*?)</t[dh]>', html)
    assert cells and all("<wbr>" in c for c in cells if "/" in c)


def test_every_cell_is_labelled_with_its_column_for_the_stacked_layout(each):
    """On a phone a row is a card whose lines are labelled from data-label: each body cell's
    label is its column's heading, and the table keeps its roles (table, row, cell)."""
    checked = 0
    for table in each.tables:
        assert table["attrs"].get("role") == "table", table["attrs"].get("id")
        header, *body = table["rows"]
        headings = [c["text"] for c in header["cells"]]
        for row in body:
            assert row["attrs"].get("role") == "row"
            labels = [c["attrs"].get("data-label") for c in row["cells"]]
            assert labels == headings, (table["attrs"].get("id"), labels, headings)
            checked += len(labels)
    assert checked
