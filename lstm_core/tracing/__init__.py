"""What happens inside the trained LSTM: the NumPy cell checked against Keras, and probes of edited inputs."""
