"""The charts' text alternatives, from constructed data: each sentence's numbers, and where they sit."""

from types import SimpleNamespace

import numpy as np
import pandas as pd

from lstm_core.present import alt
from lstm_core.teaching.task import Example


def history(loss, val_loss, accuracy=None, val_accuracy=None) -> pd.DataFrame:
    n = len(loss)
    return pd.DataFrame({"epoch": range(1, n + 1), "loss": loss, "val_loss": val_loss,
                         "accuracy": accuracy or [0.5] * n, "val_accuracy": val_accuracy or [0.5] * n})


def test_a_falling_loss_gives_its_ends_and_the_best_validation_epoch():
    said = alt.training_curve(history([0.672, 0.5, 0.3, 0.1, 0.071], [0.65, 0.4, 0.2, 0.082, 0.09]), "Loss")
    assert said == ("Line chart of training (solid) and validation (dashed) loss per epoch. Loss fell from 0.672 to "
                    "0.071 over 5 epochs; validation loss was lowest at epoch 4 (0.082).")


def test_a_rising_loss_a_flat_one_and_accuracy_at_its_highest():
    assert "Loss rose from 0.300 to 0.500 over 2 epochs" in alt.training_curve(history([0.3, 0.5], [0.3, 0.2]), "Loss")
    assert "Loss stayed at 0.693 over 2 epochs" in alt.training_curve(history([0.6931, 0.6932], [0.7, 0.7]), "Loss")
    said = alt.training_curve(history([0.6, 0.4, 0.3], [0.6, 0.4, 0.3], [0.5, 0.7, 0.9], [0.55, 0.95, 0.9]),
                              "Accuracy", guess=0.8)
    assert "Accuracy rose from 0.500 to 0.900 over 3 epochs; validation accuracy was highest at epoch 2 (0.950)." in said
    assert said.endswith("Your prediction, 0.800, is the grey dotted line.")
    assert "prediction" not in alt.training_curve(history([0.6, 0.4], [0.6, 0.4]), "Loss", guess=0.8)  # not drawn there


def test_a_run_still_training_counts_its_epochs_so_far():
    said = alt.training_curve(history([0.7, 0.6, 0.5], [0.7, 0.6, 0.55]), "Loss", total_epochs=10)
    assert "fell from 0.700 to 0.500 over the first 3 of 10 epochs" in said
    one = alt.training_curve(history([0.7], [0.65]), "Loss", total_epochs=10)
    assert "Loss after epoch 1 was 0.700; validation loss 0.650." in one


def test_a_diverged_history_says_from_which_epoch():
    diverged = history([0.65, np.inf, np.nan], [0.6, np.nan, np.nan], [0.6, 0.5, 0.5], [0.62, 0.5, 0.5])
    loss = alt.training_curve(diverged, "Loss")
    assert ("Loss after epoch 1 was 0.650; it was not a number from epoch 2 on: training diverged; validation loss was "
            "lowest at epoch 1 (0.600).") in loss
    assert "it is meaningless from epoch 2 on: training diverged" in alt.training_curve(diverged, "Accuracy")
    nothing = alt.training_curve(history([np.nan, np.nan], [np.nan, np.nan]), "Loss")
    assert nothing.endswith("Loss was not a number from epoch 1: training diverged.")


def test_a_heatmap_gives_its_shape_scale_mean_and_where_its_lowest_and_highest_are():
    values = np.zeros((3, 4))
    values[1, 2], values[2, 0] = -0.8, 0.9
    said = alt.heatmap(values, "Hidden state h", "hidden_state")
    assert said == ("Heatmap of Hidden state h: 3 timesteps (rows) by 4 units (columns), coloured on a fixed scale "
                    "from -1 to 1. Mean 0.008; lowest -0.800 at timestep 2, unit 3; highest 0.900 at timestep 3, unit 1.")
    assert "fixed scale from 0 to 1." in alt.heatmap(values + 0.5, "Forget gate f", "forget_gate")
    assert "from -0.9 to 0.9." in alt.heatmap(values, "Cell state c", "cell_state")  # its largest size, both ways
    assert "from -2 to 2." in alt.heatmap(values, "Before: cell state c", "cell_state", (-2.0, 2.0))  # shared with After
    assert "values beyond it drawn as its ends" in alt.heatmap(values, "Change in h", "difference")
    values[0, 0] = np.nan
    assert alt.heatmap(values, "h", "hidden_state").endswith("1 of its 12 values is not a number.")
    assert alt.heatmap(np.full((2, 2), np.nan), "h", "hidden_state").endswith("Its values are not numbers.")


def test_a_heatmaps_numbers_are_timesteps_by_units_to_3_decimals():
    table = alt.heatmap_numbers(np.array([[0.12345, -0.0001], [1.0, 0.5]]))
    assert list(table.columns) == ["Unit 1", "Unit 2"] and list(table.index) == [1, 2]
    assert table.index.name == "Timestep" and table.loc[1, "Unit 1"] == 0.123 and str(table.loc[1, "Unit 2"]) == "0.0"


def lesson_example(label: int) -> Example:
    ramp = np.linspace(-0.5, 0.5, 4)[:, None] * (1 if label else -1) + np.zeros((4, 2))
    return Example(index=4 if label else 9, label=label, values=ramp, target=None, next_value=None)


def test_an_example_names_its_sample_and_label_and_how_its_average_moved():
    up, down = lesson_example(1), lesson_example(0)
    said = alt.example(up, True, ("feature 1", "feature 2"))
    assert said == ("Line chart of sample 4: label 1 (up): its 2 features (thin lines) and their average (thick line) "
                    "over 4 timesteps. Their average rose from -0.50 at timestep 1 to 0.50 at timestep 4.")
    assert "sample 9: label 0 (down)" in alt.example(down, True) and "fell from 0.50 at timestep 1 to -0.50" in alt.example(down, True)
    table = alt.example_numbers(up, True, ("feature 1", "feature 2"))
    assert list(table.columns) == ["average", "feature 1", "feature 2"] and table.loc[4, "average"] == 0.5  # the thick line first


def test_the_neutral_example_does_not_give_its_label_away():
    for e in (lesson_example(1), lesson_example(0)):
        said = alt.example(e, True, neutral="Sequence A")
        assert said.startswith("Line chart of Sequence A:") and "at timestep 1 and" in said
        for word in ("label", "up", "down", "rose", "fell", f"sample {e.index}"):
            assert word not in said.split("Sequence A")[1].replace("timestep", ""), word


def test_a_file_example_is_in_the_files_units_with_its_next_row():
    e = Example(index=12, label=1, values=np.zeros((3, 1)), target=np.array([315.71, 316.0, 317.2]), next_value=318.1)
    said = alt.example(e, False, target="co2")
    assert "sample 12: label 1 (rises next)" in said and "'co2' over the window's 3 rows" in said
    assert "It rose from 315.71 to 317.2 over the window; the next row, the hollow dot, is 318.1." in said
    neutral = alt.example(e, False, target="co2", neutral="Sequence B")
    assert "label" not in neutral and "rose" not in neutral and "It is 315.71 in row 1 and 317.2 in row 3" in neutral
    assert list(alt.example_numbers(e, False, target="co2").index) == ["1", "2", "3", "next row"]


def test_gradient_flow_gives_timestep_1_as_built_and_trained():
    flow = SimpleNamespace(init=np.array([0.0012, 0.1, 1.0]), trained=np.array([0.31, 0.6, 1.0]))
    assert alt.gradient_flow(flow).endswith("Timestep 1's gradient is 1.2e-03 of timestep 3's as built and 0.31 after "
                                            "training.")
    assert list(alt.gradient_numbers(flow)["As built"]) == ["1.2e-03", "0.1", "1"]
    broken = SimpleNamespace(init=np.array([0.0, 1.0]), trained=np.array([np.nan, 1.0]))
    assert "0 (not drawn on the log scale) of timestep 2's as built and not a number after" in alt.gradient_flow(broken)


def test_the_cell_comparison_gives_each_models_timestep_1_over_its_seeds():
    rows = [{"timestep": t, "model": m, "seed": s, "value": v}
            for m, firsts in (("LSTM", (0.02, 0.04)), ("SimpleRNN", (1e-5, 1e-5)))
            for s, first in enumerate(firsts) for t, v in ((1, first), (2, 1.0))]
    said = alt.cells_gradient(rows, "after training")
    assert said.endswith("Timestep 1's, after training: LSTM 0.02 to 0.04 (2 seeds); SimpleRNN 1.0e-05 (2 seeds).")
    assert "relative to timestep 2's" in said
    assert alt.cells_gradient(rows[2:], "as built").endswith("LSTM 0.04 (1 seed); SimpleRNN 1.0e-05 (2 seeds).")
    table = alt.cells_numbers(rows)
    assert list(table.columns) == ["LSTM, seed 0", "LSTM, seed 1", "SimpleRNN, seed 0", "SimpleRNN, seed 1"]
    assert table.loc[1, "LSTM, seed 1"] == "0.04"


def test_the_memory_horizon_gives_each_cell_at_its_shortest_and_longest_lag_and_chance():
    rows = [{"lag": lag, "model": m, "val_accuracy": acc}
            for m, accs in (("LSTM", (0.99, 0.9, 0.52)), ("GRU", (1.0, 0.95, 0.6))) for lag, acc in zip((6, 25, 50), accs)]
    said = alt.memory_horizon(rows, 0.5)
    assert "chance (0.500)" in said
    assert said.endswith("LSTM 0.990 at lag 6 and 0.520 at lag 50; GRU 1.000 at lag 6 and 0.600 at lag 50.")
    assert list(alt.horizon_numbers(rows).columns) == ["LSTM", "GRU"]


def test_compare_gives_each_runs_final_validation_value():
    runs = pd.concat([history([0.6, 0.4], [0.6, 0.45], [0.6, 0.8], [0.6, 0.955]).assign(run="units=20"),
                      history([0.7, np.nan], [0.7, np.nan], [0.5, 0.5], [0.5, 0.53]).assign(run="units=4")])
    assert alt.compare(runs, "Accuracy").endswith("Final validation accuracy, units=20: 0.955; units=4: 0.530.")
    assert "for 2 runs" in alt.compare(runs, "Loss")
    assert alt.compare(runs, "Loss").endswith("units=20: 0.450; units=4: not a number.")
    assert list(alt.compare_numbers(runs, "Loss").columns) == ["Run", "Epoch", "Training", "Validation"]


def test_the_pipeline_sparklines_and_the_cell_diagram_say_what_they_show():
    rows = np.arange(24, dtype=float).reshape(3, 4, 2) / 24
    said = alt.input_sparklines(rows, [0.0, 1.0])
    assert said.startswith("Small line charts of samples 0 to 2") and "each of its 2 features over 4 timesteps" in said
    assert "from 0 to 1." in said
    states = np.array([[-0.5, 0.25], [0.1, 0.9]])
    assert alt.state_sparklines(states).endswith("The bars run: sample 0 from -0.500 to 0.250; sample 1 from 0.100 to 0.900.")
    diagram = alt.cell_diagram("lstm")
    assert diagram.startswith("Diagram of one LSTM cell at one timestep")
    assert "; computed at each step: forget gate f, input gate i, candidate g, output gate o;" in diagram
