"""Real headless Chromium for browser tests: Debian's package driven by Playwright (no browser
download). Missing Chromium skips the test on a developer's machine and fails it on CI."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "run" / "test-artifacts"


def require_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI needs it (make browser)", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing (make browser)")


@contextmanager
def chromium() -> Iterator[object]:
    require_chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
