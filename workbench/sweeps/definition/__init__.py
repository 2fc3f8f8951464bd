"""What a sweep is: its file, search space, the specs of its trials and the objective that ranks them."""
