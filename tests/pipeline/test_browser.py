"""The report in a real browser: Debian's headless Chromium opens both pages, the findings page
(reports/report.html) and the technical annex (reports/annex.html), at a desktop width (1366
pixels) and a phone width (390 pixels).

On both pages at both widths: every image loads, every inline SVG renders, the headline numbers
equal those in the headline table, nothing reaches past the right edge of the window (no
page-level horizontal scroll), axe-core finds no accessibility violation, and a full-page
screenshot is saved to build/screenshots/<page>-<width>.png. On a phone's first screen (390 by
844 pixels) the findings page shows its main finding whole. In the annex, at the desktop width
no table scrolls or clips a cell; at the phone width the tables stack as cards that keep their
table semantics.

Skipped, with the reason, when Chromium or its driver is not installed (`.ci/run` installs
them when it can). The axe-core check is skipped, with the reason, when axe-core is not
installed under build/node (`npm install --prefix build/node axe-core`).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from page_measures import expected

from src.helpers import ROOT

pytestmark = pytest.mark.browser

SOURCE = Path(os.environ.get("REPORT_SOURCE_ROOT", ROOT))
REPORT = SOURCE / "reports" / "report.html"
ANNEX = SOURCE / "reports" / "annex.html"
PAGES = {"findings": REPORT, "annex": ANNEX}
HEADLINE = SOURCE / "reports" / "tables" / "headline.csv"
SCREENSHOTS = ROOT / "build" / "screenshots"
AXE = ROOT / "build" / "node" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP, PHONE = 1366, 390
WIDTHS = (DESKTOP, PHONE)
HEIGHT = 900
#: A phone's first screen: 390 by 844 CSS pixels.
PHONE_HEIGHT = 844

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    f"--window-size={DESKTOP},{HEIGHT}",
)

#: Every element whose right edge lies past the viewport (ignoring elements with no box and
#: those inside a closed <details>), as [tag, id or class, text, right edge].
OVERFLOWING = """
const width = document.documentElement.clientWidth;
const out = [];
for (const el of document.body.querySelectorAll('*')) {
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) continue;
  if (box.right > width + 0.5) {
    out.push([el.tagName, el.id || el.className || '', (el.innerText || '').slice(0, 60),
              Math.round(box.right)]);
  }
}
return [width, document.documentElement.scrollWidth, out.slice(0, 20)];
"""

#: Every table container that scrolls sideways, and every cell whose content is wider than
#: the cell, as [table id, what, scrollWidth, clientWidth].
CLIPPED = """
const out = [];
for (const wrap of document.querySelectorAll('.table-wrap')) {
  const id = (wrap.querySelector('table') || {}).id || '';
  if (wrap.scrollWidth > wrap.clientWidth) out.push([id, 'container', wrap.scrollWidth,
                                                     wrap.clientWidth]);
  for (const cell of wrap.querySelectorAll('td, th')) {
    if (cell.scrollWidth > cell.clientWidth + 1) {
      out.push([id, cell.innerText.slice(0, 40), cell.scrollWidth, cell.clientWidth]);
    }
  }
}
return out;
"""

OPEN_ALL = "document.querySelectorAll('details').forEach(d => { d.open = true; });"
CLOSE_ALL = "document.querySelectorAll('details').forEach(d => { d.open = false; });"


def _binary(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser(request):
    chromium = _binary("chromium", "chromium-browser")
    driver = _binary("chromedriver")
    if not chromium or not driver:
        missing = [n for n, p in (("chromium", chromium), ("chromedriver", driver)) if not p]
        reason = (
            f"{' and '.join(missing)} not installed, so the report cannot be opened in a "
            "browser; install with `apt-get install chromium chromium-driver` (as .ci/run does)"
        )
        # Shown even under `pytest -q` (which hides skip reasons), since a skipped browser check
        # should never pass unnoticed.
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(f"\ntest_browser skipped: {reason}")
        pytest.skip(reason)
    if not REPORT.is_file() or not ANNEX.is_file():
        pytest.skip("reports/report.html or reports/annex.html is not built yet: run `make`")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    session = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    session.set_page_load_timeout(60)
    try:
        yield session
    finally:
        session.quit()
        shutil.rmtree(profile, ignore_errors=True)


def opened(browser, name: str):
    """``browser`` on page ``name`` (findings or annex), loaded once while it stays there."""
    url = PAGES[name].resolve().as_uri()
    if browser.current_url != url:
        browser.get(url)
    return browser


def at_width(browser, width: int, height: int = HEIGHT):
    """The page laid out in a viewport ``width`` CSS pixels wide, scrolled to the top."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    browser.execute_script(CLOSE_ALL + "window.scrollTo(0, 0);")
    assert browser.execute_script("return document.documentElement.clientWidth") == width
    return browser


@pytest.fixture(params=list(PAGES), ids=str)
def either(request, browser):
    """The browser on each page in turn."""
    return opened(browser, request.param)


@pytest.fixture(params=[(n, w) for n in PAGES for w in WIDTHS], ids=lambda p: f"{p[0]}-{p[1]}px")
def page(request, browser):
    name, width = request.param
    return at_width(opened(browser, name), width), width


@pytest.fixture
def annex(browser):
    return opened(browser, "annex")


def test_every_image_loads(either):
    browser = either
    images = browser.execute_script(
        "return Array.from(document.images).map(i => "
        "({alt: i.alt, complete: i.complete, width: i.naturalWidth, height: i.naturalHeight}))"
    )
    assert images, "the report has no images"
    broken = [i["alt"][:60] for i in images if not (i["complete"] and i["width"] > 0)]
    assert not broken, f"images that did not load: {broken}"
    assert all(i["alt"].strip() for i in images), "an image has no alt text"


def test_every_inline_svg_renders(either):
    boxes = either.execute_script(
        "return Array.from(document.querySelectorAll('svg')).map(s => "
        "{const b = s.getBoundingClientRect(); return [b.width, b.height];})"
    )
    assert all(w > 0 and h > 0 for w, h in boxes), f"inline SVGs with no size: {boxes}"


def test_headline_numbers_equal_the_headline_table(page):
    browser, width = page
    headline = pd.read_csv(HEADLINE, dtype=str, keep_default_na=False)
    spans = browser.execute_script(
        "return Array.from(document.querySelectorAll('span.headline')).map(s => "
        "({key: s.dataset.measure, text: s.innerText, visible: s.offsetWidth > 0}))"
    )
    assert len(spans) >= 3, "the page marks too few headline numbers"
    for span in spans:
        value, unit = expected(headline, span["key"])
        match = re.fullmatch(r"([\d,]+(?:\.(\d+))?)(%?)", span["text"].strip())
        assert match, f"{span['key']}: '{span['text']}' is not a number"
        shown = float(match.group(1).replace(",", ""))
        places = len(match.group(2) or "")
        assert abs(shown - value) <= 0.5 * 10**-places + 1e-9, (span, value)
        assert (match.group(3) == "%") == (unit == "percent"), span
        assert span["visible"], f"{span['key']} is not visible at {width} px"


def test_the_main_finding_is_on_a_phone_s_first_screen(browser):
    """On a 390 by 844 screen, the findings page's main finding (its title, what the build is
    made of and the first main point) ends inside the first screen: nothing long comes before
    it."""
    at_width(opened(browser, "findings"), PHONE, PHONE_HEIGHT)
    top, title, bottom = browser.execute_script(
        "const m = document.getElementById('main-finding');"
        "const box = m.getBoundingClientRect();"
        "return [box.top, m.querySelector('h1').getBoundingClientRect().bottom, box.bottom];"
    )
    print(f"\nthe main finding at {PHONE} px ends at {bottom:.0f} px (its title at {title:.0f})")
    assert 0 <= top < title < bottom <= PHONE_HEIGHT, (top, title, bottom)


def test_the_simulated_notice_is_on_first_view_of_the_annex(annex):
    """When a return of the build's wave is simulated, the annex's notice is on first view; when
    none is, there is no notice."""
    for width in WIDTHS:
        _notice_is_on_first_view(at_width(annex, width), width)


def _notice_is_on_first_view(browser, width):
    build = pd.read_csv(SOURCE / "reports/tables/build.csv", dtype=str, keep_default_na=False)
    wave = build.set_index("key").loc["wave", "value"]
    coverage = pd.read_csv(SOURCE / "data/processed/coverage.csv", dtype=str)
    simulated = coverage.loc[coverage["wave"] == wave, "provenance"].eq("simulated").any()
    bottom = browser.execute_script(
        "const n = document.getElementById('simulated-notice');"
        "return n ? n.getBoundingClientRect().bottom : null"
    )
    if not simulated:
        assert bottom is None, "a notice of simulated returns on a build of real returns"
        return
    assert bottom is not None and bottom <= HEIGHT, f"the notice is below the fold at {width} px"


@pytest.mark.parametrize("opened", [False, True], ids=["as-opened", "details-open"])
def test_nothing_reaches_past_the_right_edge(page, opened):
    """No page-level horizontal scroll: no element's right edge is past the viewport, with the
    collapsed tables closed (as a reader first sees the page) and open."""
    browser, width = page
    if opened:
        browser.execute_script(OPEN_ALL)
    viewport, scroll_width, outside = browser.execute_script(OVERFLOWING)
    assert viewport == width
    assert scroll_width <= width, f"the page scrolls sideways at {width} px ({scroll_width} px)"
    assert not outside, f"elements past the right edge at {width} px: {outside}"


def test_no_table_scrolls_or_clips_a_cell_at_the_desktop_width(annex):
    browser = annex
    at_width(browser, DESKTOP).execute_script(OPEN_ALL)
    clipped = browser.execute_script(CLIPPED)
    assert not clipped, f"tables or cells cut off at {DESKTOP} px: {clipped}"
    assert browser.execute_script("return document.querySelectorAll('.table-wrap').length") > 15


def test_every_note_column_is_on_screen_at_the_desktop_width(annex):
    """Each Note cell lies inside its table's frame and the window, wide enough to read."""
    browser = annex
    at_width(browser, DESKTOP).execute_script(OPEN_ALL)
    notes = browser.execute_script(
        "return Array.from(document.querySelectorAll('td[data-column=\"note\"]')).map(c => {"
        "const b = c.getBoundingClientRect(), f = c.closest('.table-wrap').getBoundingClientRect();"
        "return [c.closest('table').id, b.left - f.left, f.right - b.right, b.right, b.width];})"
    )
    assert notes, "no table with a Note column"
    hidden = [n for n in notes if n[1] < 0 or n[2] < 0 or n[3] > DESKTOP or n[4] < 150]
    assert not hidden, f"Note cells cut off or squeezed at {DESKTOP} px: {hidden[:5]}"


def test_tables_stack_as_cards_with_their_semantics_at_the_phone_width(annex):
    browser = annex
    at_width(browser, PHONE).execute_script(OPEN_ALL)
    # The published statements, or the national figures when nothing was published to compare.
    ids = [i for i in ("table-statements", "table-headline") if browser.find_elements("id", i)]
    table = browser.find_element("id", ids[0])
    cells = table.find_elements("css selector", "tbody td")
    assert cells
    # Each cell is a line of its card, labelled with its column's heading ...
    headings = [
        h.get_attribute("textContent").strip()
        for h in table.find_elements("css selector", "thead th")
    ]
    for cell in cells[:20]:
        assert cell.get_attribute("data-label") in headings
        assert cell.value_of_css_property("display") != "table-cell"
        label = browser.execute_script(
            "return getComputedStyle(arguments[0], '::before').content", cell
        )
        assert cell.get_attribute("data-label") in label
    # ... as wide as the card, and still a table cell to a screen reader.
    first = cells[0].rect
    assert first["width"] > PHONE * 0.7, first
    assert table.aria_role == "table"
    assert {c.aria_role for c in cells[:20]} == {"cell"}
    assert table.find_element("css selector", "thead th").aria_role == "columnheader"
    assert table.find_element("css selector", "tbody th").aria_role == "rowheader"


def test_axe_core_finds_no_violations(page):
    browser, width = page
    if not AXE.is_file():
        pytest.skip(
            f"axe-core is not installed ({AXE.relative_to(ROOT)} missing): run "
            "`npm install --prefix build/node axe-core` to check the page with it"
        )
    browser.execute_script(OPEN_ALL)
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    browser.set_script_timeout(120)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => [v.id, v.help, v.nodes.length,"
        " v.nodes.slice(0, 3).map(n => n.target.join(' '))])))"
        ".catch(e => done([['error', String(e), 0, []]]));"
    )
    assert result == [], f"axe-core violations on {browser.current_url} at {width} px: {result}"


def test_a_full_page_screenshot_is_saved(page):
    browser, width = page
    height = browser.execute_script("return document.documentElement.scrollHeight")
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        },
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = next(n for n, p in PAGES.items() if p.resolve().as_uri() == browser.current_url)
    path = SCREENSHOTS / f"{name}-{width}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    from PIL import Image

    with Image.open(path) as image:
        assert image.size == (width, height)
    assert path.stat().st_size > 10_000
