"""How a dataset's clips are read unless told otherwise: the keywords they are counted for, and MLTK's silence trim.

Why a module of its own: ``kws dataset --help`` and ``kws evaluate --help`` show them, and the modules that apply
them load numpy (:mod:`~workbench.datasets.summary` through the dataset scan, :mod:`~workbench.datasets.clip_length`
itself); a help text must not (``kws`` imports only what the command named needs).
"""

DEFAULT_KEYWORDS = ("yes", "no")  # the seed model's keywords
MLTK_TRIM_DB = 20.0  # tflite_micro_speech's trim_threshold_db: silence this far below a clip's peak is trimmed
# the default recipe's validation_resplit_percent: the share of the non-test clips a re-split by speaker puts in
# validation, which the warnings about keywords with few training clips suggest (kws train --set data.…=20)
RESPLIT_PERCENT = 20.0
