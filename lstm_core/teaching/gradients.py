"""What the measured gradient flow through time says (pipeline.gradients), from its numbers.

Each figure is the first timestep's ‖∂loss/∂x_1‖ relative to the last's, averaged over the held-out
sequences: a fact about these weights on these sequences, so no noise band applies. The sentences
compare the trained model with the same model as built, because the textbook's "an LSTM keeps early
steps alive" is something training does (or does not do), and a run can contradict it.
"""

from __future__ import annotations

import math

OPEN, VANISHED = 0.5, 0.01  # a first step at half the last's reaches the loss about as well; under 1% it has faded
OPENED = 10  # training changed the first step's share by this factor or more: it opened (or closed) the path


def share(value: float) -> str:
    """0.93 -> '0.93', 1.7e-05 -> '0.000017' as '1.7e-05': two significant figures, readable either way."""
    return f"{value:.2g}" if value >= 0.01 else f"{value:.1e}"


# Where each cell's trace shows which path carried early steps (the LSTM's and GRU's gate products; the
# SimpleRNN has only its hidden state).
PATHS = {"lstm": " Whether the cell path carries them, or the hidden state, the forget gates' product below tells.",
         "gru": " How much of that rides the update gate's path, the product of later z below tells.",
         "rnn": " A SimpleRNN has only its hidden state to carry them: no gate holds a path open."}


def flow_said(flow, timesteps: int, cell: str = "lstm") -> str:
    """The trained and the as-built first-step shares, what they mean, and what training did to them."""
    first, start = float(flow.trained[0]), float(flow.init[0])
    if not (math.isfinite(first) and math.isfinite(start)):
        return "The gradients are not numbers here, so there is no flow to read."
    head = (f"Measured on the held-out sequences: after training, the loss's gradient with respect to timestep 1 is "
            f"{share(first)} times its gradient with respect to timestep {timesteps}; as built, before training, it "
            f"was {share(start)}.")
    if first >= OPEN:
        now = " The trained model reaches back to its first step about as strongly as to its last."
    elif first < VANISHED:
        now = (" Even after training the first step barely reaches the loss: this model's answer rests on its "
               "last steps.")
    else:
        now = " The first step still reaches the loss, more weakly than the last."
    if start > 0 and first / start >= OPENED:
        change = (f" Training opened the path {first / start:,.0f}-fold: the trained weights let early steps reach "
                  "the answer, which they did not at the start." + PATHS[cell])
    elif start > 0 and start / max(first, 1e-300) >= OPENED:
        change = " Training narrowed the path: the model learned to rely on later steps."
    else:
        change = " Training changed it little."
    return head + now + change
