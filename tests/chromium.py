"""Debian's headless Chromium driven by selenium, for the tests that look at pages in a real browser.

``.ci/run`` installs ``chromium`` and ``chromium-driver``; without them (or selenium) the tests
that need a browser skip, saying what to install. Screenshots are taken only when SYMNN_SCREENSHOTS
names a folder (they cost time nobody sees in a CI run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         "--hide-scrollbars"]


@contextmanager
def chromium(width: int = 1280, height: int = 900):
    """A headless Chromium with a fresh profile, quit (and the profile removed) at the end."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver); "
                    ".ci/run installs them")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e .[test])")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="symnn-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--window-size={width},{height}", f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER, log_output=subprocess.DEVNULL), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot_folder() -> Path | None:
    """The folder SYMNN_SCREENSHOTS names (made if need be), or None: then no screenshots are taken."""
    folder = os.environ.get("SYMNN_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def viewport(browser, width: int, height: int) -> None:
    """A viewport exactly ``width`` px wide (a window's size would include whatever frame the browser draws)."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def full_page_screenshot(browser, path: Path, width: int) -> None:
    """The whole page, not just the viewport: the viewport is made as tall as the page for the shot."""
    height = browser.execute_script("return document.documentElement.scrollHeight")
    viewport(browser, width, min(height, 12000))
    browser.save_screenshot(str(path))
