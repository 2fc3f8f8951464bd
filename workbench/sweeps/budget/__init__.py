"""Does a model fit the board: from its spec before training, and from the real model after."""
