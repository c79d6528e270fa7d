import numpy as np
import pandas as pd

from lstm_core.config import LSTMConfig
from lstm_core.pipeline.noise import Yardstick
from lstm_core.pipeline.run import history_frame
from lstm_core.present.tables import (
    epoch_table,
    final_metrics,
    ledger_note,
    param_ledger,
    sample_text,
    sequence_frame,
)


def test_sample_text_reads_like_the_seed():
    assert sample_text(np.array([0.75, 0.23, 0.5, 0.89])) == "[0.75, 0.23, ..., 0.89]"
    assert sample_text(np.array([0.1, 0.2])) == "[0.10, 0.20]"
    rows = np.array([[0.12, -0.05, 0.3, 0.33], [0.5, 0.5, 0.5, 0.5], [0.07, 0.01, 0.2, -0.12]], dtype=np.float32)
    assert sample_text(rows) == "[[0.12, -0.05, ..., 0.33], ..., [0.07, 0.01, ..., -0.12]]"
    assert sample_text(np.array([-0.0001])) == "[0.00]"


def test_ledger_works_the_formula_for_the_config():
    c = LSTMConfig(units=8, features=3)
    ledger = param_ledger(c, {"recurrent": 384, "dense": 9, "total": 393})
    assert list(ledger["Layer"]) == ["Input", "LSTM", "Dense", "Total"]
    assert ledger["Formula"][1] == ("4 weight blocks (3 gates and the candidate) x 8 units x "
                                    "(3 features + 8 recurrent inputs h(t-1) + 1 bias) = 384")
    assert ledger["Output shape"][1] == "(1000, 8)"
    one = param_ledger(LSTMConfig(units=1, features=1), {"recurrent": 12, "dense": 2, "total": 14})
    assert "x 1 unit x (1 feature + 1 recurrent input h(t-1) + 1 bias) = 12" in one["Formula"][1]


def test_the_ledger_note_counts_keras_and_pytorch_biases():
    note = ledger_note(LSTMConfig(units=8, features=3))
    assert "Keras keeps one bias per unit in each block, 4 x 8 x (3 + 8 + 1) = 384," in note  # the ledger's 384
    assert "PyTorch's nn.LSTM keeps two (`b_ih` and `b_hh`), 4 x 8 x (3 + 8 + 2) = 416." in note
    assert "4 x 20 x (5 + 20 + 1) = 2,080" in ledger_note(LSTMConfig()) and note.count(". ") == 0  # one sentence


def test_streamed_rows_become_a_table_with_observations_judged_by_the_runs_labels():
    rows = [dict(epoch=1, loss=0.66, accuracy=0.6, val_loss=0.6, val_accuracy=0.62),
            dict(epoch=2, loss=0.4, accuracy=0.82, val_loss=0.4, val_accuracy=0.8)]
    table = epoch_table(history_frame(rows))
    assert list(table.columns) == ["Epoch", "Loss", "Accuracy", "Val loss", "Val accuracy", "Observation"]
    assert table["Observation"][1].startswith("Fast improvement")
    assert len(epoch_table(history_frame([]))) == 0
    lopsided = Yardstick(train_chance=0.75, val_chance=0.75, n_train=800, n_val=200)  # 0.62 is below its chance
    assert "chance (0.750" in epoch_table(history_frame(rows), lopsided)["Observation"][0]


def test_final_metrics_report_change_since_epoch_one():
    h = pd.DataFrame(dict(epoch=[1, 2], loss=[0.6, 0.2], accuracy=[0.6, 0.9], val_loss=[0.6, 0.3], val_accuracy=[0.5, 0.85]))
    m = final_metrics(h)
    assert m[0] == {"label": "Final loss", "value": "0.200", "delta": "-0.400", "inverse": True, "flat": False}
    assert m[3]["label"] == "Final val accuracy" and m[3]["delta"] == "+0.350"


def test_one_epoch_has_no_change_to_show():
    one = history_frame([dict(epoch=1, loss=0.6, accuracy=0.7, val_loss=0.6, val_accuracy=0.7)])
    assert all(m["delta"] is None for m in final_metrics(one))


def test_a_nan_or_unchanged_final_metric_has_no_coloured_change():
    """A diverged run's '+nan' would show red, and an unchanged accuracy's '+0.000' green, as if it were progress."""
    h = pd.DataFrame(dict(epoch=[1, 2], loss=[0.6, np.nan], accuracy=[0.5, 0.5], val_loss=[0.6, np.nan],
                          val_accuracy=[0.5, 0.50004]))
    loss, accuracy, _, val_accuracy = final_metrics(h)
    assert loss["value"] == "nan" and loss["delta"] is None and not loss["flat"]
    assert accuracy["delta"] == "+0.000" and accuracy["flat"] and val_accuracy["flat"]


def test_a_change_within_its_noise_is_grey():
    """Validation accuracy 0.90 -> 0.93 on 200 held-out sequences is within 2 standard errors: no green arrow."""
    h = pd.DataFrame(dict(epoch=[1, 2], loss=[0.30, 0.29], accuracy=[0.5, 0.9], val_loss=[0.3, 0.2], val_accuracy=[0.90, 0.93]))
    loss, accuracy, val_loss, val_accuracy = final_metrics(h)
    assert loss["flat"] and val_accuracy["flat"] and not accuracy["flat"] and not val_loss["flat"]


def test_sequence_frame_counts_timesteps_from_one():
    f = sequence_frame(np.zeros((3, 2)), ["a", "b"])
    assert list(f.index) == [1, 2, 3] and list(f.columns) == ["a", "b"]
