"""Silicon Labs EFR32 board tooling: find, flash, profile and classify on a real dev kit (Qt-free).

Why a package of its own: the CLI (``kws board …``) and the GUI's Board workspace both drive the same
objects, and none of them may need Qt or TensorFlow. What lives where:

- :mod:`.platforms`: part number → MLTK platform (``brd2601`` …) and the device facts Commander reports.
- :mod:`.ports`: serial ports (J-Link VCOM first) and the debuggers behind them.
- :mod:`.commander`: finding and running Simplicity Commander (``device info``, ``flash``, ``device reset``),
  its progress lines and its errors.
- :mod:`.flashing`: where the model goes in flash, whether image and model fit, the flash sequence.
- :mod:`.logs`: parsers of what MLTK's model profiler and audio classifier firmware print.
- :mod:`.uart`: a serial line reader that survives garbage, split lines and a vanished port.
- :mod:`.firmware`: the published MLTK firmware images, downloaded once and cached.
- :mod:`.measurements`: board measurements saved for the cycle-estimate refit.
- :mod:`.runs`: the whole flash → reset → read sequences (profile, classify, console).

The formats these follow are documented, with their MLTK sources, in docs/board.md.
"""
