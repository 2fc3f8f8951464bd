"""Where audio comes from: devices, files, synthetic signals, and the ring buffer the callback fills.

Grouped because every source shares one contract (:mod:`.source_base`): the producer only copies into
a preallocated ring, the engine's worker pulls from it.
"""
