"""Small adapters, one per speech engine, behind one interface (:mod:`.base`).

Each adapter knows how to tell whether its engine is installed (and how to install it), which voices it
offers, and how to speak a word with a given rate and pitch. They never download: Piper and Kokoro
voices are read from installed wheels, the others are programs from the system's packages.
"""
