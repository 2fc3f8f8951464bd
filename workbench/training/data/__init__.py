"""Training data without TensorFlow: which clips (sample plan), augmentation, spectrograms in workers."""
