"""The report in a real browser: Debian's headless Chromium opens reports/report.html, every
image loads, every inline SVG renders, the headline numbers on the page equal those in the
headline table, the page reads at 600 pixels wide, and a screenshot is saved under build/.

Skipped, with the reason, when Chromium or its driver is not installed (`.ci/run` installs
them when it can).
"""

from __future__ import annotations

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
HEADLINE = SOURCE / "reports" / "tables" / "headline.csv"
SCREENSHOTS = ROOT / "build"
WIDTH = 600

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
    f"--window-size={WIDTH},1000",
)


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
    if not REPORT.is_file():
        pytest.skip("reports/report.html is not built yet: run `make`")
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
        session.get(REPORT.resolve().as_uri())
        yield session
    finally:
        session.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_every_image_loads(browser):
    images = browser.execute_script(
        "return Array.from(document.images).map(i => "
        "({alt: i.alt, complete: i.complete, width: i.naturalWidth, height: i.naturalHeight}))"
    )
    assert images, "the report has no images"
    broken = [i["alt"][:60] for i in images if not (i["complete"] and i["width"] > 0)]
    assert not broken, f"images that did not load: {broken}"
    assert all(i["alt"].strip() for i in images), "an image has no alt text"


def test_every_inline_svg_renders(browser):
    boxes = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg')).map(s => "
        "{const b = s.getBoundingClientRect(); return [b.width, b.height];})"
    )
    assert all(w > 0 and h > 0 for w, h in boxes), f"inline SVGs with no size: {boxes}"


def test_headline_numbers_equal_the_headline_table(browser):
    headline = pd.read_csv(HEADLINE, dtype=str, keep_default_na=False)
    spans = browser.execute_script(
        "return Array.from(document.querySelectorAll('span.headline')).map(s => "
        "({key: s.dataset.measure, text: s.innerText, visible: s.offsetWidth > 0}))"
    )
    assert len(spans) >= 5, "the page marks too few headline numbers"
    for span in spans:
        value, unit = expected(headline, span["key"])
        match = re.fullmatch(r"([\d,]+(?:\.(\d+))?)(%?)", span["text"].strip())
        assert match, f"{span['key']}: '{span['text']}' is not a number"
        shown = float(match.group(1).replace(",", ""))
        places = len(match.group(2) or "")
        assert abs(shown - value) <= 0.5 * 10**-places + 1e-9, (span, value)
        assert (match.group(3) == "%") == (unit == "percent"), span
        assert span["visible"], f"{span['key']} is not visible"
    keys = {s["key"] for s in spans}
    assert {"facebook_owned_of_all_known", "all_known_count"} <= keys


def test_the_page_reads_at_600_pixels_and_is_saved_as_a_screenshot(browser):
    widths = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], f"the page is wider than the window at {WIDTH} px: {widths}"
    notice = browser.execute_script(
        "const n = document.getElementById('simulated-notice');"
        "return n ? n.getBoundingClientRect().top : null"
    )
    coverage = pd.read_csv(SOURCE / "data/processed/coverage.csv", dtype=str)
    if (coverage["provenance"] == "simulated").any():
        assert notice is not None and notice < 1000, "the simulated notice is not on first view"
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / "report-600px.png"
    assert browser.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1200, min(height, 16000))
    full = SCREENSHOTS / "report-full.png"
    assert browser.save_screenshot(str(full))
    browser.set_window_size(WIDTH, 1000)
