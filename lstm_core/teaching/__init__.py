"""What the page says: texts, stages, observations, insights, concepts and the quiz, all measured on the run."""
