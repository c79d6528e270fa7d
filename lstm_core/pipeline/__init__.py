"""From data to a trained model: the Keras model, its training, the order-free baselines, and the run it leaves."""
