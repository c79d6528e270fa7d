import re
from collections import defaultdict
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

from lstm_core.config import LSTMConfig
from lstm_core.pipeline._keras import keras
from lstm_core.pipeline.train import history_frame, train
from lstm_core.teaching.quiz import (
    FIXED,
    LEVELS,
    SEED_QUESTION,
    Question,
    _best_epoch_question,
    _final_accuracy_question,
    _forget_question,
    draw_quiz,
    generated_questions,
    grade,
)
from lstm_core.teaching.text import STAGE_TEXT
from lstm_core.tracing.trace import trace_sample


def answer(q):
    return q.options[q.answer]


def test_at_least_nine_fixed_questions_in_three_levels():
    assert len(FIXED) >= 9
    for level in LEVELS[:3]:
        assert sum(q.level == level for q in FIXED) >= 3


@pytest.mark.parametrize("q", FIXED, ids=lambda q: q.id)
def test_every_fixed_question_has_four_options_one_correct_and_its_own_reason_for_each(q):
    assert len(q.options) == 4 and len(set(q.options)) == 4
    assert 0 <= q.answer < 4 and len(q.why) == 4 and all(len(w) > 20 for w in q.why)
    assert len(set(q.why)) == 4  # each option is explained on its own, not with a shared line
    wrong = q.why_not()
    assert len(wrong) == 3 and q.answer not in [q.options.index(w.option) for w in wrong]
    assert q.reason[:1] == q.why[q.answer][:1].upper() or q.reason == q.why[q.answer]


def test_a_question_whose_options_share_an_explanation_is_refused():
    with pytest.raises(ValueError, match="different reason"):
        Question("x", "Basics", "?", ("a", "b", "c", "d"), 0, ("right because", "wrong", "wrong", "wrong too"))


def test_the_seed_question_keeps_its_wording_and_a_real_misconception_replaces_random_noise():
    assert SEED_QUESTION.prompt == "What does the LSTM layer output represent?"
    assert answer(SEED_QUESTION) == "A summary vector capturing sequence patterns"
    assert "Random noise" not in SEED_QUESTION.options
    assert {"Raw input data unchanged", "Final prediction score"} <= set(SEED_QUESTION.options)
    cell = next(o for o in SEED_QUESTION.options if "cell state" in o)  # 'the LSTM outputs its cell state'
    assert "h = o·tanh(c)" in SEED_QUESTION.why[SEED_QUESTION.options.index(cell)]
    dense = SEED_QUESTION.why[SEED_QUESTION.options.index("Final prediction score")]
    assert "comes from the Dense layer" in dense


THROWAWAYS = ("Random noise", "Keras cannot multiply matrices", "It adds more timesteps",
              "Yes: it doubles with each timestep", "The validation data is broken",
              "The model is perfect on half the data", "Exactly 1: an LSTM never forgets")


def test_no_throwaway_or_second_defensible_option_is_left():
    """'Random noise' and the like teach nothing; 'the validation data is broken' can be right for a CSV
    whose held-out part is its latest stretch, and 'perfect on half the data' describes 0.50 accuracy."""
    options = {o for q in FIXED for o in q.options}
    assert not options & set(THROWAWAYS)
    overfit = {q.id: q for q in FIXED}["overfitting"]
    assert not any("validation data" in o.lower() or "held-out" in o.lower() for o in overfit.options)
    chance = {q.id: q for q in FIXED}["chance"]
    assert not any("half the data" in o for o in chance.options)


def test_the_right_option_is_neither_systematically_the_longest_nor_the_shortest():
    def strictly(compare):
        return sum(compare(len(answer(q)), [len(o) for i, o in enumerate(q.options) if i != q.answer]) for q in FIXED)

    longest = strictly(lambda right, others: right > max(others))
    shortest = strictly(lambda right, others: right < min(others))
    assert longest <= len(FIXED) // 3 and shortest <= len(FIXED) // 3, (longest, shortest)
    # Comparable lengths: no right option towers over its question's longest distractor.
    for q in FIXED:
        assert len(answer(q)) <= 1.2 * max(len(o) for i, o in enumerate(q.options) if i != q.answer), q.id


def _words(text):
    return re.findall(r"[a-z0-9']+", text.lower())


def test_no_right_option_repeats_the_stage_descriptions():
    """The Pipeline tab shows these sentences: an option copied from them is found by matching, not by understanding."""
    def runs(text):  # every 4 words in a row
        w = _words(text)
        return {tuple(w[i:i + 4]) for i in range(len(w) - 3)}

    stage_runs = set().union(*map(runs, STAGE_TEXT.values()))
    assert runs("outputs its last hidden state: a summary") <= stage_runs  # what it catches
    for q in FIXED:
        assert not runs(answer(q)) & stage_runs, q.id


def test_the_parameter_formula_offers_equally_complete_wrong_formulas():
    """No ladder of ever-more-complete formulas with the right one on top: every option has the same
    form k x U x (F + aU + b), and each wrong one is a count someone really computes."""
    q = {q.id: q for q in FIXED}["param-formula"]
    assert answer(q) == "4 x U x (F + U + 1)" and "Keras" in q.prompt
    assert all(re.fullmatch(r"\d x U x \(F \+ \d?U \+ \d\)", o) for o in q.options), q.options
    why = dict(zip(q.options, q.why))
    assert "PyTorch keeps two bias vectors" in why["4 x U x (F + U + 2)"] and "Keras keeps one" in why["4 x U x (F + U + 2)"]
    assert "GRU" in why["3 x U x (F + U + 1)"] and "candidate g" in why["3 x U x (F + U + 1)"]
    assert "h(t-1), not the cell state" in why["4 x U x (F + 2U + 1)"]


def _gru_params(units, features, reset_after):
    gru = keras.layers.GRU(units, reset_after=reset_after)
    gru.build((None, 3, features))
    return gru.count_params()


def test_the_gru_count_is_told_for_both_of_keras_gru_forms(varied_run):
    """3U(F+U+1) is a GRU with reset_after=False only; Keras's default GRU has a second bias per block."""
    u, f = varied_run.config.units, varied_run.config.features
    assert _gru_params(u, f, True) == 3 * u * (f + u + 2) and _gru_params(u, f, False) == 3 * u * (f + u + 1)
    fixed = {q.id: q for q in FIXED}["param-formula"]
    gen = generated_questions(varied_run)[0]
    fixed_why = dict(zip(fixed.options, fixed.why))["3 x U x (F + U + 1)"]
    gen_why = dict(zip(gen.options, gen.why))[f"{3 * u * (f + u + 1):,}"]
    assert "reset_after=True" in fixed_why and "3 x U x (F + U + 2)" in fixed_why
    assert "reset_after=True" in gen_why and f"3 x {u} x ({f} + {u} + 2)" in gen_why
    for q in (*FIXED, *generated_questions(varied_run, trace_sample(varied_run, 0))):
        for why in q.why:  # wherever one form is named, the other is too
            assert ("reset_after=False" in why) == ("reset_after=True" in why), (q.id, why)


def test_gate_facts_the_questions_teach():
    """Three gates and a candidate; i adds i·g to the cell; f and i are independent; 0.73 is the starting bias."""
    qs = {q.id: q for q in FIXED}
    assert "c = f·c_prev + i·g" in qs["input-gate"].why[qs["input-gate"].answer]
    assert "It overwrites the cell state with the new input" in qs["input-gate"].options
    assert "GRU" in qs["input-gate"].why[qs["input-gate"].options.index("It equals 1 minus the forget gate at each step")]
    assert answer(qs["forget-start"]).startswith("The forget bias starts at 1")
    assert "unit_forget_bias=True" in qs["forget-start"].why[qs["forget-start"].answer]
    assert "i | f | c | o" in qs["factor-four"].why[qs["factor-four"].answer]
    assert "remember" not in answer(qs["forget-open"]).lower()  # f is a share kept, not an amount stored


@pytest.fixture(scope="module", params=[(3, 2, 5), (8, 5, 4), (16, 1, 2)], ids=lambda p: f"u{p[0]}-f{p[1]}-e{p[2]}")
def varied_run(request):
    units, features, epochs = request.param
    return train(LSTMConfig(sequences=100, timesteps=5, features=features, units=units, epochs=epochs, batch_size=20))


def _keras_forget_gate(lstm, weights, x):
    """The mean forget gate at the last step, from Keras's own hidden states and the kernel's f block."""
    kernel, recurrent, bias = weights
    twin = keras.layers.LSTM(lstm.units, return_sequences=True)
    twin.build(x.shape)
    twin.set_weights(weights)
    h_prev = np.asarray(twin(x))[0, -2]
    u = lstm.units
    f = 1 / (1 + np.exp(-(x[0, -1] @ kernel[:, u:2 * u] + h_prev @ recurrent[:, u:2 * u] + bias[u:2 * u])))
    return float(f.mean())


def test_generated_answers_agree_with_an_independent_computation(varied_run):
    run = varied_run
    trace = trace_sample(run, 2)
    qs = {q.id: q for q in generated_questions(run, trace)}
    lstm = run.model.get_layer("lstm")
    assert answer(qs["gen-params"]) == f"{lstm.count_params():,}"
    n, units = run.config.sequences, lstm.output.shape[-1]
    assert answer(qs["gen-shape"]) == f"{n} sequences x {units} units"
    val_loss = run.history["val_loss"].to_numpy()
    if "gen-best-epoch" in qs:
        last = len(val_loss)
        assert int(np.argmin(val_loss)) + 1 != last
        assert answer(qs["gen-best-epoch"]).startswith(f"Epoch {last}'s")  # the weights fit ended with
    else:
        assert answer(qs["gen-final-acc"]) == f"{run.history['val_accuracy'].to_numpy()[-1]:.3f}"  # as the table shows
    x = run.dataset.x[2:3]
    now = _keras_forget_gate(lstm, lstm.get_weights(), x)
    w0 = run.initial_weights
    before = _keras_forget_gate(lstm, [w0["kernel"], w0["recurrent_kernel"], w0["bias"]], x)
    assert abs(before - 1 / (1 + np.exp(-1))) < 0.1  # Keras's forget bias of 1 sets the start
    forget = qs["gen-forget"]
    assert f"averages {now:.2f}" in forget.prompt and f"averaged {before:.2f}" in forget.prompt
    shown_now, shown_before = round(now, 2), round(before, 2)
    assert answer(forget).startswith(f"It keeps about {shown_now:.0%} of the cell state")
    moved = abs(round(shown_now - shown_before, 2)) >= 0.02
    assert ("untrained" in answer(forget)) and (("up from" in answer(forget) or "down from" in answer(forget)) == moved)


def test_generated_distractors_are_distinct_and_real_misconceptions(varied_run):
    for q in generated_questions(varied_run, trace_sample(varied_run, 0)):
        assert len(q.options) == 4 and len(set(q.options)) == 4 and len(set(q.why)) == 4, q
    q = generated_questions(varied_run)[0]
    u, f = varied_run.config.units, varied_run.config.features
    why = dict(zip(q.options, q.why))
    assert "PyTorch" in why[f"{4 * u * (f + u + 2):,}"]  # two biases per block
    assert "GRU" in why[f"{3 * u * (f + u + 1):,}"]  # three blocks
    assert f"{u * (f + u + 1):,}" not in q.options and f"{4 * u * (f + u):,}" not in q.options  # no ladder of partial counts


def test_draw_is_seeded_always_has_the_seed_question_and_every_level(varied_run):
    a = draw_quiz(varied_run, seed=3)
    b = draw_quiz(varied_run, seed=3)
    c = draw_quiz(varied_run, seed=4)
    assert [q.id for q in a] == [q.id for q in b] and [q.options for q in a] == [q.options for q in b]
    assert a[0].id == c[0].id == "seed" and a[0].prompt == SEED_QUESTION.prompt
    assert sorted(a[0].options) == sorted(SEED_QUESTION.options) and answer(a[0]) == answer(SEED_QUESTION)
    assert {q.level for q in a} == set(LEVELS)
    assert [q.id for q in a] != [q.id for q in c] or [q.options for q in a] != [q.options for q in c]


def test_the_right_answer_lands_on_every_letter_for_every_question(small_run, default_run):
    """Every question is shuffled, the seed question too: over 200 draws no question keeps its answer on one letter."""
    letters = defaultdict(set)
    fixed = {q.id: q for q in FIXED}
    for run in (small_run, default_run):
        trace = trace_sample(run, 0)
        for seed in range(200):
            for q in draw_quiz(run, trace, seed=seed):
                letters[q.id].add(q.answer)
                if q.id in fixed:  # each option moved with its reason, and the right one stayed right
                    original = fixed[q.id]
                    assert dict(zip(q.options, q.why)) == dict(zip(original.options, original.why))
                    assert answer(q) == answer(original)
    expected = {q.id for q in FIXED} | {"gen-params", "gen-shape", "gen-cells", "gen-best-epoch", "gen-final-acc",
                                        "gen-forget", "gen-gradient"}
    assert set(letters) == expected
    assert {qid: sorted(seen) for qid, seen in letters.items() if seen != {0, 1, 2, 3}} == {}


def test_grade_scores_the_answered_questions_and_counts_the_others():
    qs = list(FIXED[:4])
    marked = grade(qs, {qs[0].id: qs[0].answer, qs[1].id: (qs[1].answer + 1) % 4, qs[2].id: None})
    assert marked.marks == (True, False, None, None)
    assert marked.score == "1 / 2" and marked.unanswered == 2
    assert marked.unanswered_note() == "2 questions not answered: not scored."
    everything = grade(qs, {q.id: q.answer for q in qs})
    assert everything.score == "4 / 4" and everything.unanswered_note() == ""


def test_nothing_answered_gives_no_score():
    marked = grade(list(FIXED[:3]), {})
    assert marked.answered == 0 and marked.score == "" and marked.marks == (None, None, None)


def test_feedback_names_the_pick_and_the_right_answer_and_keeps_the_reasons_apart():
    q = SEED_QUESTION.shuffled(np.random.default_rng(3))
    right = "ABCD"[q.answer]
    dense = q.options.index("Final prediction score")
    wrong = q.feedback(dense)
    assert not wrong.correct
    assert wrong.said == f"Your answer: {'ABCD'[dense]}. The right answer: {right}."
    assert wrong.why == "The layer returns its last hidden state h: one number per unit for each sequence, built up " \
                        "step by step from everything it read."  # why the right one is right, as a sentence
    assert [w.letter for w in wrong.why_not][0] == "ABCD"[dense] and wrong.why_not[0].picked  # the pick leads
    assert "comes from the Dense layer" in wrong.why_not[0].reason
    assert sorted(w.letter for w in wrong.why_not) == sorted(set("ABCD") - {right})
    assert all(w.reason not in wrong.why for w in wrong.why_not)  # the why and each why-not are separate
    good = q.feedback(q.answer)
    assert good.correct and good.said == f"Your answer: {right}. Right." and not any(w.picked for w in good.why_not)
    assert q.feedback(None) is None


def test_a_reason_that_opens_with_a_symbol_keeps_its_case():
    q = next(q for q in FIXED if q.id == "forget-open")
    erased = q.options.index("It is erased: a forget gate of 1 means forget all")
    f_first = next(w for w in q.why_not(erased) if w.picked).reason
    assert f_first.startswith("The name misleads")
    holds = next(w for w in q.why_not() if w.option.startswith("It holds a lot"))
    assert holds.reason.startswith("f is a share")  # f, the gate, not "F"


@pytest.mark.parametrize("config", [
    LSTMConfig(sequences=60, timesteps=4, features=2, units=2, epochs=2, batch_size=20),  # units == features
    LSTMConfig(sequences=60, timesteps=2, features=1, units=1, epochs=1, batch_size=20),  # everything 1
    LSTMConfig(sequences=10, timesteps=3, features=3, units=3, epochs=1, batch_size=5, seed=1),  # tiny validation set
], ids=["units-eq-features", "all-ones", "tiny"])
def test_every_question_has_four_distinct_options_for_edge_configs(config):
    run = train(config)
    quiz = draw_quiz(run, trace_sample(run, 0))
    assert len(quiz) == 10
    for q in quiz:
        assert len(set(q.options)) == 4 and len(set(q.why)) == 4, q
    shape = {q.id: q for q in quiz}["gen-shape"]
    assert answer(shape) == f"{config.sequences} sequence{'s' * (config.sequences > 1)} x {config.units} unit{'s' * (config.units > 1)}"
    t, u = config.timesteps, config.units
    assert f"{config.sequences} sequences x {t} timesteps x {u} unit{'s' * (u > 1)}" in shape.options  # return_sequences
    numbers = [tuple(int(p.split()[0]) for p in o.split(" x ")) for o in shape.options]
    assert len(set(numbers)) == 4  # not the same shape twice in other words (units == features)


def test_a_one_unit_lstm_is_not_offered_its_own_shape_as_a_wrong_answer():
    """With 1 unit the LSTM's output is (n, 1): '20 sequences x 1 output' is not wrong."""
    run = train(LSTMConfig(sequences=20, timesteps=3, features=2, units=1, epochs=1, batch_size=10))
    qs = {q.id: q for q in generated_questions(run)}
    shape = qs["gen-shape"]
    assert answer(shape) == "20 sequences x 1 unit" and "20 sequences x 1 output" not in shape.options
    # With 1 unit PyTorch's count 4(F+1+2) and 'the gates read c' 4(F+2+1) are the same number: offered once.
    assert len(set(qs["gen-params"].options)) == 4 and f"{4 * (2 + 3):,}" in qs["gen-params"].options


def _history(val_loss, val_acc, acc=None):
    rows = [{"epoch": i + 1, "loss": 0.7 - 0.01 * i, "accuracy": (acc or val_acc)[i], "val_loss": v, "val_accuracy": a}
            for i, (v, a) in enumerate(zip(val_loss, val_acc))]
    return SimpleNamespace(history=history_frame(rows), config=SimpleNamespace(epochs=len(rows)))


def test_a_best_epoch_the_table_cannot_tell_apart_or_that_is_the_last_is_not_asked():
    tie = _history([0.69312, 0.69301, 0.69349, 0.69400], [0.5, 0.5, 0.5, 0.5])  # 0.693 twice at 3 decimals
    assert _best_epoch_question(tie) is None
    last_is_best = _history([0.69, 0.61, 0.55, 0.52], [0.5, 0.6, 0.7, 0.7])  # the last weights are the best ones
    assert _best_epoch_question(last_is_best) is None
    assert _best_epoch_question(_history([0.69, 0.52, 0.55], [0.5, 0.7, 0.7])) is None  # 3 epochs


def test_the_best_epoch_question_teaches_that_the_traced_weights_are_the_last_epochs():
    q = _best_epoch_question(_history([0.69, 0.61, 0.52, 0.55], [0.5, 0.6, 0.7, 0.7]))
    assert "lowest at epoch 3 of 4" in q.prompt and "Prediction trace" in q.prompt
    assert answer(q).startswith("Epoch 4's")
    assert "0.550" in q.why[q.answer] and "0.520" in q.why[q.answer]
    restores = "Epoch 3's: Keras restores the best epoch when fit ends"  # the misconception it corrects
    assert restores in q.options and "EarlyStopping(restore_best_weights=True)" in q.why[q.options.index(restores)]
    start = "The starting weights: the trace shows the untrained model"
    assert start in q.options and "epoch 4's" in q.why[q.options.index(start)]
    assert any(o.startswith("An average of all 4 epochs") for o in q.options)


def _epochs_named(option):
    return [int(n) for n in re.findall(r"\bepoch (\d+)", option, flags=re.IGNORECASE)]


def _four_answers(q):
    """The answer each option gives: an epoch's number, the starting weights (0) or the average ('all')."""
    answers = []
    for option in q.options:
        named = _epochs_named(option)
        answers.append(named[0] if len(named) == 1 else 0 if "starting weights" in option
                       else "all" if "average" in option.lower() else option)
    return answers


@pytest.mark.parametrize("val_loss,val_acc", [
    ([0.69, 0.61, 0.52, 0.55], [0.5, 0.6, 0.7, 0.7]),
    ([0.69, 0.61, 0.52, 0.55], [0.5, 0.8, 0.7, 0.7]),  # the best accuracy at a third epoch
    ([0.50, 0.61, 0.62, 0.55, 0.58], [0.7, 0.6, 0.6, 0.6, 0.6]),  # lowest at epoch 1
])
def test_the_best_epoch_options_are_four_different_answers(val_loss, val_acc):
    """Two options naming the same epoch let a guesser rule both out; every option is its own answer."""
    q = _best_epoch_question(_history(val_loss, val_acc))
    answers = _four_answers(q)
    assert len(set(map(str, answers))) == 4 and 0 in answers and "all" in answers, q.options
    assert all(len(_epochs_named(o)) <= 1 for o in q.options)
    best, last = int(np.argmin(val_loss)) + 1, len(val_loss)
    assert answers[q.answer] == last and best in answers


def test_a_real_run_whose_lowest_validation_loss_came_early_is_asked_about_its_last_weights(default_run):
    h = default_run.history
    best, last = int(h.loc[h["val_loss"].idxmin(), "epoch"]), len(h)
    q = _best_epoch_question(default_run)
    if best == last:  # the default run's loss rises at its last epoch; if that ever changes, the question is not asked
        assert q is None
    else:
        assert answer(q).startswith(f"Epoch {last}'s") and f"epoch {best} of {last}" in q.prompt
        answers = _four_answers(q)
        assert len(set(map(str, answers))) == 4 and sorted(map(str, answers)) == sorted(map(str, [last, best, 0, "all"]))


def test_final_accuracy_distractors_for_a_perfect_run_are_values_it_never_reached():
    run = _history([0.3] * 50, [1.0] * 50)  # 100% everywhere: the usual misreadings all collapse into 1.000
    q = _final_accuracy_question(run)
    assert answer(q) == "1.000" and len(set(q.options)) == 4 and len(set(q.why)) == 4
    assert all(o != "1.000" for o in q.options[1:])


@pytest.mark.parametrize("val_loss,val_acc,acc", [
    ([0.66, 0.60, 0.62], [0.50, 0.60, 0.635], [0.6, 0.7, 0.365]),  # the training accuracy happens to be 1 - p
    ([0.66, 0.60, 0.62], [0.50, 0.60, 0.635], [0.6, 0.7, 0.635]),  # 1 - p would fill a collapsed misreading
    ([0.66, 0.60, 0.365], [0.50, 0.60, 0.635], [0.6, 0.7, 0.635]),  # the Val loss happens to be 1 - p
    ([0.66, 0.60, 0.62], [0.25, 0.50, 0.5625], [0.6, 0.7, 0.5625]),  # 1 - p is one of the +-0.125 steps
])
def test_no_final_accuracy_distractor_is_one_minus_the_answer(val_loss, val_acc, acc):
    """Beside p, a 1 - p hints that the answer is one of the two."""
    q = _final_accuracy_question(_history(val_loss, val_acc, acc=acc))
    assert answer(q) == f"{val_acc[-1]:.3f}" and len(set(q.options)) == 4
    assert f"{1 - val_acc[-1]:.3f}" not in q.options and f"{1 - float(answer(q)):.3f}" not in q.options, q.options
    assert not any("got wrong" in why for why in q.why)


def test_no_final_accuracy_distractor_is_one_minus_the_answer_on_random_tables():
    rng = np.random.default_rng(0)
    for _ in range(300):
        epochs = int(rng.integers(1, 8))
        val_acc = list(np.round(rng.integers(0, 41, epochs) / 40, 3))  # 40 held-out sequences
        q = _final_accuracy_question(_history(list(rng.uniform(0.2, 0.8, epochs)), val_acc,
                                              acc=list(rng.integers(0, 161, epochs) / 160)))
        assert f"{1 - float(answer(q)):.3f}" not in q.options or answer(q) == "0.500", q.options


def test_final_accuracy_distractors_are_the_columns_and_rows_learners_misread():
    run = _history([0.66, 0.60, 0.62], [0.55, 0.81, 0.74], acc=[0.6, 0.7, 0.9])
    q = _final_accuracy_question(run)
    assert answer(q) == "0.740"
    why = dict(zip(q.options, q.why))
    assert "training accuracy" in why["0.900"]
    assert "highest Val accuracy" in why["0.810"] and "epoch 2" in why["0.810"]
    assert "after epoch 1" in why["0.550"]


def test_a_diverged_run_is_asked_only_what_its_table_shows(diverged_run):
    assert _best_epoch_question(diverged_run) is not None  # its finite epochs alone would make one
    ids = [q.id for q in generated_questions(diverged_run, trace_sample(diverged_run, 0))]
    assert ids == ["gen-params", "gen-shape", "gen-cells", "gen-final-acc"]  # no forget gate of NaN, no lowest NaN loss


def _with_forget(trace, now, before, i=0.5, c=0.1):
    """The trace with every unit's last-step forget gate at ``now`` (``before`` untrained), input gate i and cell c."""
    def last(name, value, gates):
        g = np.array(gates[name], dtype=float)
        g[-1, :] = value
        return g

    gates = {**trace.gates, "forget_gate": last("forget_gate", now, trace.gates),
             "input_gate": last("input_gate", i, trace.gates), "cell_state": last("cell_state", c, trace.gates)}
    start = trace.initial_gates
    initial = None if before is None else {**start, "forget_gate": last("forget_gate", before, start)}
    return replace(trace, gates=gates, initial_gates=initial)


def test_the_forget_question_reads_the_share_kept_and_what_training_moved(small_run):
    trace = trace_sample(small_run, 0)
    up = _forget_question(_with_forget(trace, 0.81, 0.74))
    assert "averages 0.81 over 4 units" in up.prompt and "averaged 0.74" in up.prompt
    assert answer(up) == "It keeps about 81% of the cell state, up from 74% untrained"
    assert "sigmoid(1)" in up.why[up.answer] and "+0.07" in up.why[up.answer]
    assert "Training alone made it 81%; the 74% before was random noise" in up.options
    assert any("remember" in o for o in up.options)  # 'remembers 81% of the input': f is a share of c
    down = _forget_question(_with_forget(trace, 0.70, 0.74))
    assert answer(down) == "It keeps about 70% of the cell state, down from 74% untrained"
    still = _forget_question(_with_forget(trace, 0.75, 0.74))  # moved 0.01: the value is the starting one
    assert answer(still) == "It keeps about 75% of the cell state, as it did untrained"
    assert "Training taught this step to keep 75% of the cell state" in still.options
    assert "mostly where it started" in still.why[still.answer]
    edge = _forget_question(_with_forget(trace, 0.70, 0.68))  # 0.70 - 0.68 is 0.0199999... in floats: still 0.02
    assert answer(edge) == "It keeps about 70% of the cell state, up from 68% untrained"
    for q in (up, down, still, edge):
        assert len(set(q.options)) == 4 and len(set(q.why)) == 4


def test_the_forget_question_never_offers_a_sum_to_one_that_happens_to_hold(small_run):
    trace = trace_sample(small_run, 0)
    apart = _forget_question(_with_forget(trace, 0.81, 0.74, i=0.6))
    assert "The input gate is near 0.19: the two gates add to 1" in apart.options
    assert "GRU" in apart.why[apart.options.index("The input gate is near 0.19: the two gates add to 1")]
    summing = _forget_question(_with_forget(trace, 0.81, 0.74, i=0.2))  # i + f = 1.01 here: '0.19' would be right
    assert not any("add to 1" in o for o in summing.options) and len(set(summing.options)) == 4


def test_the_forget_question_is_skipped_without_a_clean_start(small_run):
    trace = trace_sample(small_run, 0)
    assert _forget_question(_with_forget(trace, 0.81, None)) is None  # no untrained trace to compare with
    assert _forget_question(_with_forget(trace, np.nan, 0.74)) is None
    assert _forget_question(_with_forget(trace, 0.81, np.nan)) is None
    assert _forget_question(_with_forget(trace, 0.81, 0.74, c=np.nan)) is None
    assert _forget_question(_with_forget(trace, 0.81, 0.60)) is None  # not where the bias of 1 starts f: not 'the bias'
    assert _forget_question(_with_forget(trace, 0.81, 0.77)) is not None
    assert _forget_question(replace(trace, initial_gates=None)) is None


def test_a_real_trace_is_asked_about_its_own_numbers(small_run):
    trace = trace_sample(small_run, 0)
    q = _forget_question(trace)
    now = float(np.mean(trace.gates["forget_gate"][-1]))
    before = float(np.mean(trace.initial_gates["forget_gate"][-1]))
    assert f"averages {now:.2f}" in q.prompt and f"averaged {before:.2f}" in q.prompt
    assert answer(q).startswith(f"It keeps about {round(now, 2):.0%}")


def test_the_gradient_question_is_answered_by_the_runs_measured_flow(small_run):
    """After training, how strongly the gradient reaches timestep 1: the right option is the bin the
    measured share falls in, and every reason quotes the measurement."""
    from lstm_core.teaching.gradients import share
    from lstm_core.teaching.quiz import GRADIENT_BINS

    q = {q.id: q for q in generated_questions(small_run)}["gen-gradient"]
    first = float(small_run.gradient_flow.trained[0])
    low, high, name = next(b for b in GRADIENT_BINS if b[0] <= first < b[1])
    assert answer(q) == name and len(set(q.options)) == 4
    assert all(share(first) in why for why in q.why)


# --- A GRU or SimpleRNN run: every question fits its cell -------------------------------------------------------

def _keras_count(layer, features):
    layer.build((None, 3, features))
    return layer.count_params()


def test_a_gru_or_simplernn_quiz_is_about_its_own_cell(other_cell_run):
    """The seed question, the parameter and shape questions name the run's cell; the fixed questions on shapes and on
    gates are its own; LSTM concept questions that stay say they are about LSTMs; no trace question reads a forget gate."""
    from lstm_core.config import CELL_NAMES
    from lstm_core.teaching.quiz import CELL_FIXED, fixed_questions

    run = other_cell_run
    cell, name = run.config.cell, CELL_NAMES[run.config.cell]
    trace = trace_sample(run, 0)
    own = {q.id for q in CELL_FIXED[cell]}
    about_the_run = {"seed", "dense-role", "overfitting", "chance"}  # about this model, or about any model
    for seed in range(12):
        quiz = draw_quiz(run, trace, seed=seed)
        qs = {q.id: q for q in quiz}
        assert quiz[0].id == "seed" and quiz[0].prompt == f"What does the {name} layer output represent?"
        assert len(own & set(qs)) == 2  # its own parameter formula and its own gate question
        for q in quiz[1:5]:
            assert q.id in own | about_the_run or "LSTM" in q.prompt, (q.id, q.prompt)
        for q in quiz:
            assert len(set(q.options)) == 4 and len(set(q.why)) == 4, q.id
            if q.id in own | about_the_run or q.id.startswith("gen-"):
                assert "LSTM's" not in answer(q) and "forget gate" not in q.prompt, (q.id, answer(q))
        assert "gen-forget" not in qs
    layer = run.model.get_layer(cell)
    qs = {q.id: q for q in generated_questions(run, trace)}
    assert answer(qs["gen-params"]) == f"{layer.count_params():,}" and name in qs["gen-params"].prompt
    assert qs["gen-shape"].prompt == f"What shape does the {name} layer output for your data?"
    assert answer(qs["gen-shape"]) == f"{run.config.sequences} sequences x {layer.output.shape[-1]} units"
    assert answer({q.id: q for q in fixed_questions(cell)}["dense-role"]) == f"It weighs the {name}'s units into one score from 0 to 1"


def test_the_parameter_question_offers_the_other_cells_formulas_as_its_mistakes(other_cell_run):
    """Each wrong count is a formula someone really uses, checked against Keras's own layers."""
    run = other_cell_run
    u, f = run.config.units, run.config.features
    lstm = _keras_count(keras.layers.LSTM(u), f)
    gru = _keras_count(keras.layers.GRU(u), f)
    gru_one_bias = _keras_count(keras.layers.GRU(u, reset_after=False), f)
    q = generated_questions(run)[0]
    why = dict(zip(q.options, q.why))
    assert answer(q) == f"{run.config.recurrent_parameters:,}"
    assert f"{lstm:,}" in why and "as an LSTM" in why[f"{lstm:,}"]  # the LSTM's four blocks
    if run.config.cell == "gru":
        assert answer(q) == f"{gru:,}"
        assert "second bias" in why[f"{gru_one_bias:,}"] and "reset_after=False" in why[f"{gru_one_bias:,}"]
        assert f"3 x {u} x ({f} + {u} + 2) = {gru:,}" in q.why[q.answer]
    else:
        assert answer(q) == f"{_keras_count(keras.layers.SimpleRNN(u), f):,}"
        assert f"{gru:,}" in why and "GRU" in why[f"{gru:,}"]
        assert "PyTorch" in why[f"{u * (f + u + 2):,}"]
        assert f"{u} x ({f} + {u} + 1) = {answer(q)}" in q.why[q.answer]
    for w in q.why:  # wherever one GRU form is named, the other is too
        assert ("reset_after=False" in w) == ("reset_after=True" in w), w


@pytest.mark.parametrize("features,units,word,right", [(3, 4, "most", "LSTM"), (5, 20, "most", "LSTM"),
                                                       (1, 1, "fewest", "SimpleRNN")])
def test_the_cell_comparison_is_answered_by_keras_counts(features, units, word, right):
    """At 1 feature and 1 unit the LSTM and the GRU tie (12 each): the question asks for the fewest instead."""
    from lstm_core.config import CELL_NAMES
    from lstm_core.teaching.quiz import _cells_question

    for cell in ("lstm", "gru", "rnn"):
        q = _cells_question(LSTMConfig(features=features, units=units, cell=cell))
        counts = {"LSTM": _keras_count(keras.layers.LSTM(units), features),
                  "GRU": _keras_count(keras.layers.GRU(units), features),
                  "SimpleRNN": _keras_count(keras.layers.SimpleRNN(units), features)}
        assert f"the {word} trainable parameters" in q.prompt and f"({features} feature" in q.prompt
        assert answer(q).startswith(f"The {right},")
        assert (max if word == "most" else min)(counts, key=counts.get) == right
        for why in q.why:  # every reason quotes all three counts
            assert all(f"{name} " in why and f"= {n:,}" in why for name, n in counts.items()), why
        mine = next(w for o, w in zip(q.options, q.why) if o.startswith(f"The {CELL_NAMES[cell]},"))
        assert mine.endswith("It is your model's cell.")
        assert len(set(q.options)) == 4 and len(set(q.why)) == 4


def _keras_update_gate(gru, weights, x):
    """The mean update gate z at the last step, from Keras's own hidden states and the kernel's z block."""
    kernel, recurrent, bias = weights
    twin = keras.layers.GRU(gru.units, return_sequences=True)
    twin.build(x.shape)
    twin.set_weights(weights)
    h_prev = np.asarray(twin(x))[0, -2]
    u = gru.units
    z = 1 / (1 + np.exp(-(x[0, -1] @ kernel[:, :u] + bias[0, :u] + h_prev @ recurrent[:, :u] + bias[1, :u])))
    return float(z.mean())


def test_the_gate_question_reads_the_cells_own_measured_gate(other_cell_run):
    """A GRU is asked what its update gate kept, measured as Keras computes it, against its untrained value; a
    SimpleRNN, with no gate, is asked no gate question."""
    run = other_cell_run
    trace = trace_sample(run, 2)
    qs = {q.id: q for q in generated_questions(run, trace)}
    assert "gen-forget" not in qs
    if run.config.cell == "rnn":
        assert "gen-update" not in qs
        flow = qs.get("gen-gradient")
        assert flow is None or any(o.endswith("steps of tanh") for o in flow.options)
        return
    gru = run.model.get_layer("gru")
    x = run.dataset.x[2:3]
    now = _keras_update_gate(gru, gru.get_weights(), x)
    w0 = run.initial_weights
    before = _keras_update_gate(gru, [w0["kernel"], w0["recurrent_kernel"], w0["bias"]], x)
    q = qs["gen-update"]
    assert f"averages {now:.2f}" in q.prompt and f"averaged {before:.2f}" in q.prompt
    kept = f"{round(now, 2):.0%}"
    assert answer(q).startswith(f"It keeps about {kept} of the old h")
    moved = abs(round(round(now, 2) - round(before, 2), 2)) >= 0.02
    assert ("up from" in answer(q) or "down from" in answer(q)) == moved
    assert "h = z·h_prev + (1 - z)·candidate" in q.why[q.answer]


def _with_update(trace, now, before, r=0.3):
    def last(gates, name, value):
        g = np.array(gates[name], dtype=float)
        g[-1, :] = value
        return g

    gates = {**trace.gates, "update_gate": last(trace.gates, "update_gate", now),
             "reset_gate": last(trace.gates, "reset_gate", r)}
    start = trace.initial_gates
    initial = None if before is None else {**start, "update_gate": last(start, "update_gate", before)}
    return replace(trace, gates=gates, initial_gates=initial)


def test_the_update_question_reads_what_training_moved_and_offers_no_option_that_happens_to_hold(other_cell_run):
    from lstm_core.teaching.quiz import _update_question

    if other_cell_run.config.cell != "gru":  # the SimpleRNN has no update gate: generated_questions never asks
        assert "update_gate" not in trace_sample(other_cell_run, 0).gates
        return
    trace = trace_sample(other_cell_run, 0)
    up = _update_question(_with_update(trace, 0.81, 0.52))
    assert "averages 0.81 over 4 units" in up.prompt and "averaged 0.52" in up.prompt
    assert answer(up) == "It keeps about 81% of the old h, up from 52% untrained" and "+0.29" in up.why[up.answer]
    assert "19% comes from the candidate" in up.why[up.answer]
    assert "It keeps about 81% of the old h, as it did untrained" in up.options
    swapped = "The units drop about 81% of the old h and keep 19%"
    assert swapped in up.options and "other way round" in up.why[up.options.index(swapped)]
    still = _update_question(_with_update(trace, 0.51, 0.50))
    assert answer(still) == "It keeps about 51% of the old h, as it did untrained"
    assert not any(o.startswith("The units drop") for o in still.options)  # 51% dropped is about 51% kept
    assert "Training taught this step to keep 51% of the old h" in still.options
    adds = _update_question(_with_update(trace, 0.81, 0.52, r=0.2))  # r + z = 1.01: 'they add to 1' would hold
    assert not any("add to 1" in o for o in adds.options)
    apart = _update_question(_with_update(trace, 0.9, 0.52, r=0.6))
    reset = "The reset gate is near 0.10: the two gates add to 1"
    assert reset in apart.options and "r averages 0.60" in apart.why[apart.options.index(reset)]
    for q in (up, still, adds, apart):
        assert len(set(q.options)) == 4 and len(set(q.why)) == 4
    assert _update_question(_with_update(trace, 0.81, None)) is None
    assert _update_question(_with_update(trace, np.nan, 0.5)) is None


def test_the_fixed_questions_per_cell_teach_keras_counts_and_gates():
    from lstm_core.teaching.quiz import CELL_FIXED, fixed_questions, seed_question

    gru, rnn = ({q.id: q for q in CELL_FIXED[c]} for c in ("gru", "rnn"))
    assert answer(gru["gru-param-formula"]) == "3 x U x (F + U + 2)" and "reset_after=True" in gru["gru-param-formula"].prompt
    assert _keras_count(keras.layers.GRU(7), 5) == 3 * 7 * (5 + 7 + 2)
    assert answer(rnn["rnn-param-formula"]) == "U x (F + U + 1)"
    assert _keras_count(keras.layers.SimpleRNN(7), 5) == 7 * (5 + 7 + 1)
    assert "h = z·h_prev + (1 - z)·candidate" in gru["gru-update"].why[gru["gru-update"].answer]
    assert "no gate" in rnn["rnn-no-gates"].why[rnn["rnn-no-gates"].options.index("A hidden forget gate that Keras fixes at 1")]
    assert fixed_questions("lstm") is FIXED and seed_question("lstm") is SEED_QUESTION
    for cell in ("gru", "rnn"):
        qs = fixed_questions(cell)
        assert len({q.id for q in qs}) == len(qs) == len(FIXED) + 2
        about = {q.id: q for q in qs}
        assert about["forget-open"].prompt.startswith("In an LSTM") and about["input-gate"].prompt.startswith("In an LSTM")
        for q in qs:
            assert len(set(q.options)) == 4 and len(set(q.why)) == 4, q.id
            for why in q.why:
                assert ("reset_after=False" in why) == ("reset_after=True" in why), (q.id, why)


def test_the_why_gates_comparison_adds_a_question_on_which_cell_reaches_furthest(small_run):
    from lstm_core.teaching.quiz import generated_questions
    from tests.teaching.test_why_gates import TEXTBOOK, runs

    assert not [q for q in generated_questions(small_run) if q.id.startswith(("gen-cells-reach", "gen-forget-bias"))]
    overlap = next(q for q in generated_questions(small_run, compared=TEXTBOOK) if q.id == "gen-cells-reach")
    assert overlap.options[overlap.answer] == "None on every seed: the seeds overlap"
    assert "LSTM 1.2 to 1.7; GRU 4.0e-03 to 0.28; SimpleRNN 1.0e-06 to 3.6" in overlap.why[overlap.answer]
    ahead = runs(lstm=([1] * 3, [2.0, 3.0, 4.0], [0.9] * 3), gru=([1] * 3, [0.1, 0.2, 0.3], [0.9] * 3),
                 rnn=([1] * 3, [0.5, 1.0, 1.5], [0.9] * 3))
    q = next(q for q in generated_questions(small_run, compared=ahead) if q.id == "gen-cells-reach")
    assert q.options[q.answer] == "LSTM" and q.why[q.answer].startswith("its lowest seed is above every other cell's highest")


@pytest.mark.parametrize("one,zero,right", [([0.05, 0.08, 0.19], [0.0025, 0.004, 0.012], "more strongly, on every seed"),
                                            ([0.001, 0.002, 0.003], [0.05, 0.06, 0.07], "less strongly, on every seed"),
                                            ([0.01, 0.05, 0.1], [0.02, 0.03, 0.2], "No clear difference")])
def test_the_forget_bias_question_follows_the_measured_seeds(small_run, one, zero, right):
    from lstm_core.teaching.quiz import generated_questions
    from tests.teaching.test_why_gates import runs

    compared = runs(lstm=(one, [1] * 3, [0.9] * 3), lstm_bias0=(zero, [1] * 3, [0.9] * 3))
    q = next(q for q in generated_questions(small_run, compared=compared) if q.id == "gen-forget-bias")
    assert right in q.options[q.answer] and q.options[-1] == "Nothing: a bias cannot change a gradient"
