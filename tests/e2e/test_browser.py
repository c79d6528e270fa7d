"""The real app in headless Chromium: first run, a retrain from the slider, every tab, the quiz."""

import json
import os
import re

import pytest
from playwright.sync_api import Page, expect

from tests.support import ROOT
from tests.support.browser import PAGE_WIDTH, PHONE, TRAINING, WIDE, open_tab, wait_for_idle


@pytest.fixture()
def loaded(page: Page, app_url: str) -> Page:
    page.set_viewport_size(WIDE)
    page.goto(app_url)
    training = page.get_by_role("tabpanel", name="Training")  # a first visit opens on Training, no click
    expect(training.get_by_text("Trained 5 of 5 epochs")).to_be_visible(timeout=TRAINING)
    wait_for_idle(page)
    return page


def test_first_visit_trains_and_shows_every_stage(loaded: Page):
    page = loaded
    expect(page.get_by_role("heading", name="LSTM Pipeline Trace")).to_be_visible()
    expect(page.get_by_role("tab", name="Training")).to_have_attribute("aria-selected", "true")
    panel = page.get_by_role("tabpanel", name="Training")
    expect(panel.get_by_text("Trained 5 of 5 epochs")).to_be_visible()
    table = panel.get_by_test_id("stTable")
    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(6)  # header + one row per epoch
    expect(table.get_by_role("columnheader", name="Observation")).to_have_count(1)
    expect(table.get_by_role("row").nth(1)).to_contain_text("Starting point")
    charts = panel.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(4)  # Start here's two sequences, then loss and accuracy: two pairs side by side
    page.set_viewport_size({"width": 1024, "height": 768})  # a workshop projector, sidebar open
    page.wait_for_timeout(500)  # the charts re-fit to their columns
    right_edge = panel.bounding_box()["x"] + panel.bounding_box()["width"]
    for i in range(4):
        drawn = charts.nth(i).locator("canvas, svg.marks").first.bounding_box()
        assert drawn["x"] + drawn["width"] <= right_edge + 1, f"chart {i} is cut off at 1024 px"
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_tab(page, "Pipeline")
    expect(page.get_by_text("1000 sequences x 10 timesteps x 5 features").first).to_be_visible()
    page.set_viewport_size({"width": 1024, "height": 768})  # the stage cards' sparklines stay inside their cards
    page.wait_for_timeout(500)
    panel = page.get_by_role("tabpanel", name="Pipeline")
    charts = panel.get_by_test_id("stVegaLiteChart")
    for card, next_title in enumerate(("2 · LSTM Layer", "3 · Dense Layer")):  # stage 1's and stage 2's sparklines
        drawn = charts.nth(card).locator("canvas, svg.marks").first.bounding_box()
        next_card = panel.get_by_text(next_title).first.bounding_box()
        assert drawn["x"] + drawn["width"] <= next_card["x"], f"stage {card + 1}'s chart runs into the next card"
    page.set_viewport_size({"width": 1400, "height": 1000})
    expect(page.get_by_text("1000 sequences x 20 units").first).to_be_visible()
    expect(page.get_by_text("1000 sequences x 1 output").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_slider_and_train_change_the_shapes_and_every_tab_renders(loaded: Page):
    page = loaded
    open_tab(page, "Pipeline")  # the shapes in words; the tab stays open through the retrain
    slider = page.get_by_test_id("stSidebar").get_by_role("slider").first  # "Units"
    slider.focus()
    for _ in range(12):
        page.keyboard.press("ArrowRight")
    expect(slider).to_have_value("32")
    expect(page.get_by_text("1000 sequences x 20 units").first).to_be_visible()  # moving alone does not retrain
    page.get_by_test_id("stSidebar").get_by_role("button", name="Train").click()
    expect(page.get_by_text("1000 sequences x 32 units").first).to_be_visible(timeout=TRAINING)
    wait_for_idle(page)
    for name in ("Pipeline", "Training", "Prediction trace", "Why gates?", "Quiz", "Compare"):
        open_tab(page, name)
        expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")
        expect(page.get_by_test_id("stException")).to_have_count(0)
    open_tab(page, "Prediction trace")
    # Looked up inside the tab: until the switch's rerun ends, the Quiz tab's question 9, which names
    # the gate inspector, is still on the page (on a loaded machine an unscoped lookup finds that one).
    trace = page.get_by_role("tabpanel", name="Prediction trace")
    expect(trace.get_by_text("Gate inspector", exact=True)).to_be_visible()
    expect(trace.get_by_text(re.compile(r"^Checked: our step-by-step recomputation agrees with Keras"))).to_be_visible()
    trace.get_by_text("Forget gate (f)").click()
    wait_for_idle(page)
    expect(trace.get_by_text("Forget gate f (0 to 1)")).to_be_visible()
    open_tab(page, "Compare")  # two runs this session: the default and the 32-unit one
    compare = page.get_by_role("tabpanel", name="Compare")
    expect(compare.get_by_test_id("stTable").get_by_role("row")).to_have_count(3)
    expect(compare.get_by_role("cell", name="units=32", exact=True)).to_have_count(1)
    expect(compare.get_by_test_id("stVegaLiteChart")).to_have_count(2)  # loss above accuracy, one legend
    open_tab(page, "Pipeline")
    shot = ROOT / "test-results" / "pipeline.png"
    shot.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"), full_page=False)
    assert shot.stat().st_size > 10_000
    assert page.url.endswith("?units=32")  # the address holds the run: a reload brings it back, not the default
    page.reload()
    expect(page.get_by_role("tabpanel", name="Training").get_by_text("Trained 5 of 5 epochs")).to_be_visible(timeout=TRAINING)
    open_tab(page, "Pipeline")
    expect(page.get_by_text("1000 sequences x 32 units").first).to_be_visible()


def test_quiz_marks_the_seed_question_correct(loaded: Page):
    page = loaded
    open_tab(page, "Quiz")
    right = re.compile(r"^[ABCD]\. A summary vector capturing sequence patterns$")  # options are shuffled
    page.get_by_text(right).click()
    wait_for_idle(page)
    open_tab(page, "Prediction trace")  # a question sends the learner to the trace and back:
    expect(page.get_by_text("Layer 1 · Input sequence")).to_be_visible(timeout=TRAINING)
    open_tab(page, "Quiz")  # the answer is still picked
    answer = page.get_by_role("radio", name=right)
    expect(answer).to_be_checked(timeout=TRAINING)
    page.get_by_role("button", name="Check answers").click()
    wait_for_idle(page)
    expect(page.get_by_text(re.compile(r"^Your answer: [ABCD]\. Right\.$"))).to_be_visible()  # under its question
    expect(page.get_by_text(re.compile(r"^1 / \d+$"))).to_be_visible()


def test_exports_download_in_the_browser(loaded: Page, tmp_path):
    page = loaded
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Export this run").click()
    with page.expect_download(timeout=60_000) as csv:
        sidebar.get_by_role("button", name="History (CSV)").click()
    lines = open(csv.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0] == "epoch,loss,accuracy,val_loss,val_accuracy,observation" and len(lines) == 6
    # Clicked straight after each other: a download that reran the app would renew every file's id, and a
    # click that came before the page had the new ids would fail (a CI run timed out on it).
    with page.expect_download(timeout=60_000) as whole:
        sidebar.get_by_role("button", name="Whole run (JSON)").click()
    assert json.loads(open(whole.value.path(), encoding="utf-8").read())["config"]["units"] == 20
    with page.expect_download(timeout=60_000) as model:
        sidebar.get_by_role("button", name="Trained model (.keras)").click()
    assert model.value.suggested_filename.endswith(".keras")
    path = tmp_path / model.value.suggested_filename
    model.value.save_as(path)
    from lstm_core.pipeline._keras import keras

    assert keras.models.load_model(path).get_layer("lstm").units == 20


def test_upload_the_example_csv_and_train_on_it(loaded: Page):
    page = loaded
    open_tab(page, "Pipeline")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Upload CSV").click()
    wait_for_idle(page)
    sidebar.locator('input[type="file"]').set_input_files(str(ROOT / "data" / "co2.csv"))
    expect(sidebar.get_by_text("2284 rows; numeric columns co2")).to_be_visible(timeout=30_000)
    expect(sidebar.get_by_text("2262 sequences x 10 timesteps x 2 features")).to_be_visible()
    sidebar.get_by_role("button", name="Train").click()
    expect(page.get_by_text("2262 sequences x 20 units").first).to_be_visible(timeout=TRAINING)
    wait_for_idle(page)
    expect(page.get_by_text("co2.csv: 2262 windows of 10 consecutive rows")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_file_over_the_size_cap_is_refused_and_the_sidebar_names_the_file_still_in_use(loaded: Page):
    """The browser refuses a file over server.maxUploadSize and never sends it: the app cannot see it, so
    the sidebar always says which file is in use, and that a refused one is not."""
    page = loaded
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Upload CSV").click()
    wait_for_idle(page)
    files = sidebar.locator('input[type="file"]')
    files.set_input_files(str(ROOT / "data" / "co2.csv"))
    using = sidebar.get_by_text(re.compile(r"^Using co2\.csv \(uploaded \d\d:\d\d\)\. A file over 2 MB is refused above, "
                                           r"in red, and not used\.$"))
    expect(using).to_be_visible(timeout=30_000)
    files.set_input_files({"name": "big.csv", "mimeType": "text/csv", "buffer": b"v\n" + b"1\n2\n" * 800_000})  # 3.2 MB
    expect(sidebar.get_by_text("File must be 2.0MB or smaller")).to_be_visible()
    wait_for_idle(page)
    expect(using).to_be_visible()  # co2.csv is still the file in use, and the line says so
    expect(sidebar.get_by_text("2284 rows; numeric columns co2")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_room_link_that_falls_back_shows_what_it_used_and_keeps_the_lock(page: Page, app_url: str):
    page.goto(f"{app_url}/?units=eight&epochs=2&lock=1")
    expect(page.get_by_text("URL parameter units='eight' was not used")).to_be_visible(timeout=TRAINING)
    expect(page.get_by_role("tabpanel", name="Training").get_by_text("Trained 2 of 2 epochs")).to_be_visible(timeout=TRAINING)
    wait_for_idle(page)
    assert page.url.endswith("/?epochs=2&lock=1"), page.url  # a reload asks for what was used
    page.reload()
    expect(page.get_by_role("tabpanel", name="Training").get_by_text("Trained 2 of 2 epochs")).to_be_visible(timeout=TRAINING)
    wait_for_idle(page)
    expect(page.get_by_text("was not used")).to_have_count(0)
    expect(page.get_by_text("This setup is locked by the link")).to_be_visible()


def test_the_learning_rate_box_shows_every_digit_the_run_uses(page: Page, app_url: str):
    page.goto(f"{app_url}/?learning_rate=1.5e-05&epochs=1")
    expect(page.get_by_role("tabpanel", name="Training").get_by_text("Trained 1 of 1 epoch")).to_be_visible(timeout=TRAINING)
    wait_for_idle(page)
    page.get_by_text("Advanced").click()
    box = page.get_by_role("spinbutton", name="Learning rate")
    expect(box).to_have_value("0.000015")  # '%.5f' would show 0.00002 while training with 1.5e-05


def test_the_server_process_never_loads_tensorflow(loaded: Page, server):
    """After a training and every tab, TensorFlow's libraries are mapped in a worker, not in the server."""
    proc, _ = server
    for name in ("Pipeline", "Prediction trace", "Why gates?", "Quiz", "Compare"):
        open_tab(page=loaded, name=name)
    maps = open(f"/proc/{proc.pid}/maps").read()
    assert "tensorflow" not in maps and "libtensorflow" not in maps
    children = [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(int(p)) == proc.pid]
    assert any("tensorflow" in _maps(pid) for pid in children), "no worker process has TensorFlow loaded"


def _parent(pid: int) -> int | None:
    try:
        return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _maps(pid: int) -> str:
    try:
        return open(f"/proc/{pid}/maps").read()
    except OSError:
        return ""


# Table cells whose text runs past their table's visible edge (a cell can sit inside its own cell's box
# and still be cut off by the table's container).
CLIPPED_CELLS = """() => [...document.querySelectorAll('[data-testid="stTable"]')].flatMap(table => {
  const edge = table.getBoundingClientRect();
  return [...table.querySelectorAll('td, th')].filter(cell => {
    const text = document.createRange();
    text.selectNodeContents(cell);
    return [...text.getClientRects()].some(r => r.width > 0 && (r.right > edge.right + 1 || r.left < edge.left - 1));
  }).map(cell => cell.innerText.slice(0, 40));
})"""
# Cells of one word (a number, a header such as "Accuracy") split over lines: "0.6" above "50".
BROKEN_WORDS = """() => [...document.querySelectorAll('[data-testid="stTable"] td, [data-testid="stTable"] th')]
  .filter(cell => !/\\s/.test(cell.innerText.trim()) && cell.innerText.trim()).filter(cell => {
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT), lines = new Set();
    while (walk.nextNode()) {
      const text = document.createRange();
      text.selectNodeContents(walk.currentNode);
      [...text.getClientRects()].filter(r => r.width > 0).forEach(r => lines.add(Math.round(r.top)));
    }
    return lines.size > 1;
  }).map(cell => cell.innerText)"""
STATUS_LINES = """() => (document.querySelector('[data-testid="stMain"]').innerText.match(/epoch \\d+ of 8/g) || []).length"""
SIDEWAYS = """() => { const main = document.querySelector('[data-testid="stMain"]'); return main.scrollWidth - main.clientWidth; }"""


def test_on_a_phone_training_has_one_status_line_and_no_view_is_cut_off_at_the_side(page: Page, app_url: str):
    page.set_viewport_size(PHONE)
    page.goto(f"{app_url}/?units=24&epochs=8")  # a link trains its setup on a first visit
    done = page.get_by_role("tabpanel", name="Training").get_by_text("Trained 8 of 8 epochs")
    seen = set()
    for _ in range(TRAINING // 100):
        if done.count():
            break
        seen.add(page.evaluate(STATUS_LINES))
        page.wait_for_timeout(100)
    assert 1 in seen and seen <= {0, 1}, f"status lines counted while training: {seen}"
    wait_for_idle(page)
    expect(page.get_by_text("on a phone, open it with » at the top left")).to_be_visible()
    for name in ("Training", "Pipeline", "Prediction trace", "Why gates?", "Quiz", "Compare"):
        open_tab(page, name)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        assert page.evaluate(CLIPPED_CELLS) == [], f"{name}: table cells cut off at 390 px"
        assert page.evaluate(BROKEN_WORDS) == [], f"{name}: numbers or headers broken over lines at 390 px"
        assert page.evaluate(SIDEWAYS) <= 0, f"{name}: the page scrolls sideways at 390 px"
        assert page.evaluate(PAGE_WIDTH) <= PHONE["width"], f"{name}: the document is wider than 390 px"


def test_play_steps_through_time_and_pause_stops_it(loaded: Page):
    page = loaded
    open_tab(page, "Prediction trace")
    trace = page.get_by_role("tabpanel", name="Prediction trace")
    step = trace.get_by_role("slider", name="Timestep")  # its value: the timestep shown
    expect(step).to_have_value("1")
    trace.get_by_role("button", name="Play").click()
    expect(step).to_have_value("4", timeout=15_000)  # about one step a second
    trace.get_by_role("button", name="Pause").click()
    expect(trace.get_by_role("button", name="Play")).to_be_visible(timeout=5_000)
    stopped = step.input_value()
    page.wait_for_timeout(2_500)
    assert step.input_value() == stopped and int(stopped) < 10  # paused, not run to the end
    expect(trace.get_by_text(f"Timestep {stopped} of 10")).to_be_visible()  # the table below follows the slider


def test_a_guided_link_leads_from_the_data_to_the_quiz(page: Page, app_url: str):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_url}/?mode=guided")
    expect(page.get_by_text("Step 1 of 7: The data")).to_be_visible(timeout=TRAINING)
    wait_for_idle(page)
    expect(page.get_by_role("tab")).to_have_count(0)  # one step at a time, no tabs
    page.get_by_text("Sequence A", exact=True).last.click()  # the radio's option
    wait_for_idle(page)
    expect(page.get_by_text(re.compile(r"^(Right|Not this time): Sequence A is sample"))).to_be_visible()
    for title in ("Shapes", "Train, with a prediction", "Read the table", "Step through time", "Knock a gate out",
                  "The quiz"):
        page.get_by_role("button", name="Next", exact=True).click()
        expect(page.get_by_text(re.compile(rf"^Step \d of 7: {re.escape(title)}$"))).to_be_visible(timeout=20_000)
        wait_for_idle(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("1. What does the LSTM layer output represent?")).to_be_visible()
    assert "mode=guided" in page.url
