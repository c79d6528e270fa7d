"""axe-core violations inside Streamlit's own frontend, which the app cannot change: the one list of them.

Each entry names the axe rule, a CSS selector of the Streamlit-owned element (a violation counts as this
entry when its element is, or sits inside, an element the selector matches) and why the app cannot fix it.
tests/e2e/test_accessibility.py fails on any serious or critical violation not listed here, and on an entry
that no scan observes any more: when Streamlit fixes one, its entry goes. The list may only shrink.
"""

from typing import NamedTuple


class Known(NamedTuple):
    rule: str  # axe rule id
    selector: str  # the Streamlit-owned element (or an ancestor of it)
    reason: str  # why the app cannot change it


# Empty since the theme fix (December 2026, Streamlit 1.67, axe-core 4.12.1): every serious finding then was a
# contrast the app's own theme colours made (.streamlit/config.toml). Seen once, and not since: the tab list
# at 390 px flagged "scrollable-region-focusable" while no tab had tabindex 0 (react-aria's roving tabindex
# between two states); the scan now waits for the open tab to be the list's Tab stop, and fails if it never is.
KNOWN: tuple[Known, ...] = ()
