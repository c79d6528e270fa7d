"""The gradient-flow sentences follow the measured numbers, whichever way they go."""

from types import SimpleNamespace

import numpy as np

from lstm_core.teaching.gradients import flow_said


def flow(init_first: float, trained_first: float):
    return SimpleNamespace(init=np.array([init_first, 0.5, 1.0]), trained=np.array([trained_first, 0.7, 1.0]))


def test_training_that_opens_the_path_is_said_with_its_factor():
    said = flow_said(flow(1.7e-5, 0.93), 3)
    assert "timestep 1 is 0.93 times its gradient with respect to timestep 3" in said and "1.7e-05" in said
    assert "about as strongly as to its last" in said and "opened the path 54,706-fold" in said


def test_a_path_that_stays_shut_or_narrows_is_said_so():
    shut = flow_said(flow(0.2, 0.001), 3)
    assert "barely reaches the loss" in shut and "narrowed the path" in shut and "opened" not in shut
    middle = flow_said(flow(0.1, 0.2), 3)
    assert "more weakly than the last" in middle and "changed it little" in middle


def test_gradients_that_are_not_numbers_say_so():
    assert flow_said(flow(float("nan"), 0.5), 3) == "The gradients are not numbers here, so there is no flow to read."


def test_where_the_opened_path_runs_is_said_for_the_runs_cell():
    assert "the forget gates' product below tells" in flow_said(flow(1e-4, 0.9), 3)
    assert "product of later z below tells" in flow_said(flow(1e-4, 0.9), 3, "gru")
    rnn = flow_said(flow(1e-4, 0.9), 3, "rnn")
    assert "no gate holds a path open" in rnn and "forget" not in rnn
