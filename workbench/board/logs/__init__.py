"""Parsers of what MLTK's EFR32 firmware prints over the serial port (model profiler, audio classifier).

Why by line content: MLTK 0.20's own profiler-log parser walks layers with a state machine and loses
RESHAPE (absent from the metrics pass) and FULLY_CONNECTED (whose "not supported" line comes first).
Here every line is recognised on its own, so each figure lands on its layer whatever else is printed
around it (repeated kernel messages, noise, a line split by the reader).
"""
