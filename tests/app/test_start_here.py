"""Start here, at the top of the Training tab: the task, one up and one down sequence of the learner's
data, and what the model outputs; for a CSV run, the file's target in its own units."""

import json

import numpy as np

from app.views.training import START_HERE
from lstm_core.formats import literal
from tests.app.conftest import new_app, show, shown, train_with


def chart_rows(chart) -> list[dict]:
    """A chart's inline data: Streamlit sends it beside the spec, as Arrow."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    return convert_arrow_bytes_to_pandas_df(chart.proto.data.data).to_dict("records")


def start_here(at):
    """The Start here box, and its charts' specs and elements (one chart per example)."""
    box = next(e for e in at.tabs[1].expander if e.label.startswith("Start here"))
    charts = box.get("vega_lite_chart")
    return box, [json.loads(chart.proto.spec) for chart in charts], charts


def test_the_lesson_starts_with_the_task_and_one_sequence_of_each_label():
    at = new_app()
    box, specs, charts = start_here(at)
    said = " ".join(m.value for m in box.markdown)
    assert "The LSTM reads one in time order and predicts its label" in said and "above 0.5 counts as label 1" in said
    run = shown(at)
    names = [spec["title"] for spec in specs]
    for name, chart in zip(names, charts):  # 'sample 4: label 1 (up)': that sequence of the run's data, with that label
        index, label = int(name.split(":")[0].split()[1]), int(name.split("label ")[1][0])
        assert run.dataset.y[index] == label and index < run.config.train_sequences
        drawn = [r["value"] for r in chart_rows(chart) if r["line"] == "feature 1"]
        assert np.allclose(drawn, run.dataset.x[index, :, 0])
    assert sorted(int(n.split("label ")[1][0]) for n in names) == [0, 1]
    assert any("thick line: their average" in c.value for c in box.caption)
    at.session_state[START_HERE] = False  # collapsed, it stays collapsed and draws nothing
    show(at, "Training")
    assert not next(e for e in at.tabs[1].expander if e.label.startswith("Start here")).get("vega_lite_chart")


def test_a_csv_run_starts_with_its_target_in_the_file_units():
    at = new_app()
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    rows = "".join(f"2024-01-{i % 28 + 1:02d},{1000 + (i * 7) % 11 * 10}\n" for i in range(60))
    at.sidebar.file_uploader(key="upload").set_value(("shop.csv", ("day,sales ($)\n" + rows).encode(), "text/csv")).run()
    train_with(at, epochs=1, units=2)
    show(at, "Training")
    box, specs, charts = start_here(at)
    said = " ".join(m.value for m in box.markdown)
    assert literal("'sales ($)' rises in the next row") in said
    values = [r["value"] for chart in charts for r in chart_rows(chart)]
    assert min(values) >= 1000 and max(values) <= 1100  # the file's own units, not 0..1
    assert all(spec["layer"][0]["encoding"]["y"]["title"] == "sales ($)" for spec in specs)
    assert any("in the file's own units" in c.value and "scaled" in c.value for c in box.caption)
    stages = " ".join(c.value for c in show(at, "Pipeline").tabs[0].caption)  # the stage card: file units, scaled beside
    run = shown(at)
    low, span = run.dataset.scale
    first = run.dataset.x[0, 0, 0] * span[0] + low[0]
    assert literal(f"sample 0: 'sales ($)' {first:,.5g} (scaled {run.dataset.x[0, 0, 0]:.2f})") in stages
