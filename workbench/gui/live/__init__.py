"""The live views: waveform and level meter, spectrogram, class scores, detection log.

All of them pull only new rows from the session's histories on the window's one frame timer.
"""
