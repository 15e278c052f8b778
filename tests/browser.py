"""Driving Debian's Chromium (headless, through Debian's chromedriver and selenium) for the
browser tests: why it cannot run here, starting it, loading a page and reading its console.
One browser serves the whole test session (the `chromium` fixture in conftest.py)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# What Chromium needs here: no sandbox (root, containers), no GPU, and none of the background
# connections a closed network refuses (they would fill the log with errors).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1500,950",
)
SCREENSHOTS = Path(__file__).resolve().parent.parent / "out"


def why_no_browser() -> str | None:
    if shutil.which("dot") is None:
        return "Graphviz's dot is missing (the explorer's layout needs it)"
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        return (
            "browser tests skipped: Debian's chromium and chromium-driver are not installed "
            "(make test installs them as root with apt-get; or apt-get install chromium "
            "chromium-driver)"
        )
    try:
        import selenium  # noqa: F401
    except ImportError:
        return 'browser tests skipped: selenium is missing (pip install -e ".[test]")'
    return None


@contextlib.contextmanager
def start_chromium():
    """A headless Chromium with a fresh profile, its console log kept for the checks."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="minigrad-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, path: Path) -> list[dict]:
    """Load a page and wait until its script ran; the console errors of the load."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser")  # drop what earlier pages left
    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, 30, poll_frequency=0.02).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    return console_errors(driver)


def console_errors(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def screenshot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / name
    driver.save_screenshot(str(path))
    return path
