"""A learner with a keyboard only, from the sidebar to the quiz, with reduced motion asked for: after the page
loads, every action is a key press (Tab, Shift+Tab, Enter, Space, the arrows); the page is only read."""

import re

from playwright.sync_api import Locator, Page, expect

from tests.support.browser import TRAINING, WIDE, wait_for_idle

FOCUSED = "(el) => el === document.activeElement || el.contains(document.activeElement)"


def reach(page: Page, target: Locator, key: str = "Tab", presses: int = 120) -> None:
    """Press ``key`` until ``target`` (or something inside it) has the keyboard focus (no press if it has)."""
    target.wait_for(state="attached")
    if target.evaluate(FOCUSED):
        return
    for _ in range(presses):
        page.keyboard.press(key)
        if target.evaluate(FOCUSED):
            return
    raise AssertionError(f"{presses} presses of {key} never reached {target}")


def test_a_keyboard_alone_trains_steps_through_time_and_checks_the_quiz(page: Page, app_url: str):
    page.emulate_media(reduced_motion="reduce")
    page.set_viewport_size(WIDE)
    page.goto(app_url)
    expect(page.get_by_role("tabpanel", name="Training").get_by_text("Trained 5 of 5 epochs")).to_be_visible(timeout=TRAINING)
    wait_for_idle(page)
    sidebar = page.get_by_test_id("stSidebar")

    epochs = sidebar.get_by_role("slider", name="Epochs")  # a slider, moved by its arrow keys
    reach(page, epochs)
    page.keyboard.press("ArrowLeft")
    expect(epochs).to_have_value("4")
    expect(page.get_by_text("Epochs 5 → 4")).to_be_visible()  # the settings note: nothing trains until Train

    advanced = sidebar.locator("summary", has_text="Advanced")  # an expander: Enter opens it
    reach(page, advanced)
    page.keyboard.press("Enter")
    expect(sidebar.get_by_role("spinbutton", name="Learning rate")).to_be_visible()

    reach(page, sidebar.get_by_role("button", name="Train"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("tabpanel", name="Training").get_by_text("Trained 4 of 4 epochs")).to_be_visible(timeout=TRAINING)
    wait_for_idle(page)

    tab = page.get_by_role("tab", name="Training")  # the tab list: one stop, its arrow keys choose a tab
    reach(page, tab)
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Prediction trace")).to_have_attribute("aria-selected", "true")
    wait_for_idle(page)
    trace = page.get_by_role("tabpanel", name="Prediction trace")
    step = trace.get_by_role("slider", name="Timestep")
    expect(step).to_have_value("1")
    page.wait_for_timeout(2_500)  # the player never moves by itself: more than two of Play's steps
    expect(step).to_have_value("1")

    reach(page, trace.get_by_role("button", name="Next timestep"))
    page.keyboard.press("Enter")
    expect(step).to_have_value("2")
    expect(trace.get_by_text("Timestep 2 of 10")).to_be_visible()
    wait_for_idle(page)

    reach(page, trace.get_by_role("button", name="Play"))
    page.keyboard.press("Enter")
    pause = trace.get_by_role("button", name="Pause")
    expect(pause).to_be_visible()
    expect(step).to_have_value("3", timeout=10_000)  # reduced motion: Play still steps
    expect(pause).to_be_focused()  # the same button, relabelled
    page.keyboard.press("Enter")
    expect(trace.get_by_role("button", name="Play")).to_be_visible()
    wait_for_idle(page)
    stopped = step.input_value()
    assert stopped in ("3", "4"), stopped

    reach(page, trace.get_by_role("radio", name="Input gate (i)"), key="Shift+Tab")  # the group's checked option
    page.keyboard.press("ArrowRight")  # from the Input gate to the next option
    expect(trace.get_by_role("radio", name="Forget gate (f)")).to_be_checked()
    expect(trace.get_by_text("Forget gate f (0 to 1)")).to_be_visible()
    wait_for_idle(page)

    reach(page, page.get_by_role("tab", name="Prediction trace"), key="Shift+Tab")
    page.keyboard.press("ArrowRight")  # Why gates?
    expect(page.get_by_role("tab", name="Why gates?")).to_have_attribute("aria-selected", "true")
    wait_for_idle(page)
    # The tab's rerun redraws the tab list, which can drop the focus (1 run in 4): find the open tab again.
    reach(page, page.get_by_role("tab", name="Why gates?"), key="Shift+Tab")
    page.keyboard.press("ArrowRight")  # Quiz
    expect(page.get_by_role("tab", name="Quiz")).to_have_attribute("aria-selected", "true")
    wait_for_idle(page)

    quiz = page.get_by_role("tabpanel", name="Quiz")
    first = quiz.get_by_role("radiogroup").first  # question 1, nothing picked yet
    reach(page, first)
    page.keyboard.press("Space")
    expect(first.get_by_role("radio").first).to_be_checked()
    wait_for_idle(page)
    reach(page, quiz.get_by_role("button", name="Check answers"))
    page.keyboard.press("Enter")
    expect(quiz.get_by_text(re.compile(r"^Your answer: A\. (Right\.|The right answer: [BCD]\.)"))).to_be_visible()
    expect(quiz.get_by_test_id("stMetric").filter(has_text="Score")).to_contain_text(re.compile(r"[01] / \d+"))
