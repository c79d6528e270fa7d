"""The data a model learns from: the synthetic lesson data, a CSV file's windows, and the learner's choice of them."""
