"""Whole board runs: the shared steps (:mod:`.job`), profiling (:mod:`.profile_run`, with
:mod:`.measured_report`), classifying (:mod:`.classify_run`) and the raw console (:mod:`.console`)."""
