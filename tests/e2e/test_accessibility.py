"""axe-core on the real page: every tab and the Guided steps 1 and 3, at 1400 px and at 390 px, after the
default run has trained. A serious or critical violation fails unless it is inside Streamlit's own frontend
and listed, with its reason, in tests/support/axe_known.py; every listed one must still be seen.

One page load per width: the tabs are opened in it, then its Layout switch turns it to Guided (what a
``?mode=guided`` link opens on). At 390 px every Guided step is also checked for sideways scrolling.
Every finding, with its element, is written to test-results/axe.txt.
"""

from typing import NamedTuple

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.support import ROOT
from tests.support.axe_known import KNOWN
from tests.support.browser import PAGE_WIDTH, PHONE, TABS, TRAINING, WIDE, open_tab, wait_for_idle

FAILING = ("critical", "serious")  # axe's impacts, worst first: then "moderate", "minor"
WIDTHS = {"1400 px": WIDE, "390 px": PHONE}
GUIDED_SCANNED = (1, 3)  # the data (a radio, two charts) and predict-and-train (a text box, the training view)
GUIDED_STEPS = 7
KNOWN_AT_MOST = 0  # the list may only shrink: lower this with it; raising it needs the reason written there
AXE = Axe()


class Finding(NamedTuple):
    view: str  # "Pipeline", "Guided step 3"
    rule: str
    impact: str
    target: str  # axe's CSS selector of the element
    html: str
    detail: str  # for a contrast: "#a3a8b8 on #ffffff, 2.35"
    known: int | None  # its index in KNOWN when it is Streamlit's, else None


# For each finding's element: the first KNOWN selector (for its rule) that it matches or sits inside, or -1.
OWNER = """(found) => found.map(([target, selectors]) => {
  const el = document.querySelector(target);
  return el ? selectors.findIndex(s => s !== null && el.closest(s) !== null) : -1;
})"""


def scan(page: Page, view: str) -> list[Finding]:
    """axe-core on the page as it is now, one Finding per violating element."""
    nodes = [(v, node) for v in AXE.run(page).response["violations"] for node in v["nodes"]]
    targets = [" ".join(t if isinstance(t, str) else " ".join(t) for t in node["target"]) for _, node in nodes]
    owners = page.evaluate(OWNER, [[t, [k.selector if k.rule == v["id"] else None for k in KNOWN]]
                                   for t, (v, _) in zip(targets, nodes)])
    return [Finding(view, v["id"], v["impact"] or "minor", t, node["html"][:160], detail(node), None if i < 0 else i)
            for (v, node), t, i in zip(nodes, targets, owners)]


def detail(node: dict) -> str:
    data = next((c["data"] for c in node.get("any", []) if isinstance(c.get("data"), dict)), {})
    return f"{data['fgColor']} on {data['bgColor']}, {data['contrastRatio']}" if "contrastRatio" in data else ""


class Walk(NamedTuple):
    findings: list[Finding]
    widths: dict[str, int]  # view: document.documentElement.scrollWidth


def walk(page: Page, app_url: str, size: dict) -> Walk:
    findings, widths = [], {}

    def look(view: str, axe: bool = True) -> None:
        expect(page.get_by_test_id("stException")).to_have_count(0)
        if not view.startswith("Guided"):  # the open tab is the tab list's one Tab stop (roving tabindex)
            expect(page.get_by_role("tab", name=view)).to_have_attribute("tabindex", "0")
        widths[view] = page.evaluate(PAGE_WIDTH)
        if axe:
            findings.extend(scan(page, view))

    page.set_viewport_size(size)
    page.goto(app_url)
    expect(page.get_by_role("tabpanel", name="Training").get_by_text("Trained 5 of 5 epochs")).to_be_visible(timeout=TRAINING)
    wait_for_idle(page)
    look("Training")
    for name in TABS:
        if name != "Training":
            open_tab(page, name)
            look(name)
    page.get_by_test_id("stButtonGroup").get_by_text("Guided", exact=True).click()  # the Layout switch
    for step in range(1, GUIDED_STEPS + 1 if size == PHONE else max(GUIDED_SCANNED) + 1):
        if step > 1:
            page.get_by_role("button", name="Next", exact=True).click()
        expect(page.get_by_text(f"Step {step} of {GUIDED_STEPS}:")).to_be_visible(timeout=20_000)
        wait_for_idle(page)
        look(f"Guided step {step}", axe=step in GUIDED_SCANNED)
    return Walk(findings, widths)


@pytest.fixture(scope="module")
def walks(browser: Browser, app_url: str, delete_output_dir) -> dict[str, Walk]:
    """Both widths' scans, each in its own browser context (its own server session). The report goes in
    pytest-playwright's output folder, once that has been emptied (``delete_output_dir``)."""
    done = {}
    for label, size in WIDTHS.items():
        context = browser.new_context()
        try:
            done[label] = walk(context.new_page(), app_url, size)
        finally:
            context.close()
    report = ROOT / "test-results" / "axe.txt"
    report.parent.mkdir(exist_ok=True)
    report.write_text("".join(f"{label}\t{f.view}\t{f.rule}\t{f.impact}\t"
                              f"{'streamlit:' + KNOWN[f.known].rule if f.known is not None else 'app'}\t{f.target}\t{f.html}\t{f.detail}\n"
                              for label, w in done.items() for f in w.findings))
    return done


def said(findings: list[Finding]) -> str:
    by_rule: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        by_rule.setdefault((f.rule, f.impact), []).append(f)
    return "\n".join(f"  {rule} ({impact}) x{len(fs)}, e.g. in {fs[0].view}: {fs[0].target} {fs[0].html} {fs[0].detail}"
                     for (rule, impact), fs in by_rule.items())


@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_serious_or_critical_violation_in_what_the_app_controls(walks: dict[str, Walk], width: str):
    bad = [f for f in walks[width].findings if f.impact in FAILING and f.known is None]
    assert not bad, f"axe at {width}, serious or critical, not Streamlit's own:\n{said(bad)}"


def test_streamlits_own_violations_are_listed_once_and_each_is_still_seen(walks: dict[str, Walk]):
    assert len(KNOWN) <= KNOWN_AT_MOST, "tests/support/axe_known.py may only shrink"
    assert len({(k.rule, k.selector) for k in KNOWN}) == len(KNOWN), "an entry is listed twice"
    seen = {f.known for w in walks.values() for f in w.findings if f.known is not None}
    gone = [KNOWN[i] for i in range(len(KNOWN)) if i not in seen]
    assert not gone, f"no longer found, remove from tests/support/axe_known.py: {gone}"


def test_no_view_scrolls_sideways_on_a_phone(walks: dict[str, Walk]):
    widths = walks["390 px"].widths
    assert set(TABS) <= set(widths) and f"Guided step {GUIDED_STEPS}" in widths
    wide = {view: px for view, px in widths.items() if px > PHONE["width"]}
    assert not wide, f"wider than the 390 px screen (document scrollWidth): {wide}"
