"""The Keras side (imports TensorFlow): building, initialising, converting and labelling models."""
