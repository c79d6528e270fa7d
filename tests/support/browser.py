"""What the browser tests (tests/e2e) share: waiting for a script run to end, opening a tab, the sizes.

Imports Playwright, so unlike tests/support/server.py the benchmarks do not import it.
"""

from playwright.sync_api import Page, expect

TRAINING = 180_000  # ms: the first run imports TensorFlow and trains
WIDE = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
PAGE_WIDTH = "() => document.documentElement.scrollWidth"  # more than the viewport: the page scrolls sideways
TABS = ("Pipeline", "Training", "Prediction trace", "Why gates?", "Quiz", "Compare")  # streamlit_app.TABS


def wait_for_idle(page: Page, timeout: int = TRAINING) -> None:
    """The script run has finished (Streamlit's own e2e helper waits for the same attribute)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


def open_tab(page: Page, name: str) -> None:
    """Click a tab and wait until it is open and its run has ended.

    The tabs rerun on change, and each run sends the tab it ran for: a run still going for the tab
    clicked before can show that one again for a moment, until the new run's own tab arrives.
    """
    tab = page.get_by_role("tab", name=name)
    tab.click()
    try:
        expect(tab).to_have_attribute("aria-selected", "true", timeout=20_000)
    except AssertionError:  # with both cores kept busy, a press was lost 2 times in 15 runs: press again, as a learner would
        wait_for_idle(page)
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true", timeout=TRAINING)
    wait_for_idle(page)
    expect(tab).to_have_attribute("aria-selected", "true")
