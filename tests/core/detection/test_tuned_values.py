"""Remembered tuning as data: only the values tuned away from the file are kept, each with the file's value it was
tuned from; on a later open they apply only where the file still holds that value (another tool's newer value of
the same key wins and is named); an old entry of every setting applies the values differing from the file."""

from __future__ import annotations

import json

from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuned_values import remembered_sentence, tuned_values, values_to_apply
from workbench.core.detection.tuning import DetectionTuning

IN_FILE = DetectionSettings(detection_threshold=155, suppression_ms=750, minimum_count=3)


def tuned_to(**changes: object) -> DetectionTuning:
    tuning = DetectionTuning(IN_FILE)
    tuning.set(**changes)
    return tuning


def test_only_the_tuned_values_are_kept_with_what_they_were_tuned_from() -> None:
    tuned, tuned_from = tuned_values(tuned_to(detection_threshold=211))
    assert tuned == {"detection_threshold": 211} and tuned_from == {"detection_threshold": 155}
    assert tuned_values(DetectionTuning(IN_FILE)) == ({}, {})


def test_the_other_tools_values_of_untouched_keys_are_not_replaced() -> None:
    tuned, tuned_from = json.loads(json.dumps(tuned_values(tuned_to(detection_threshold=211))))  # as stored
    rewritten = IN_FILE.replace(suppression_ms=640, minimum_count=5)
    remembered = values_to_apply(tuned, tuned_from, rewritten)
    assert remembered.params == {"detection_threshold": 211} and remembered.set_aside == {}


def test_a_key_the_other_tool_changed_too_takes_the_files_value() -> None:
    tuned, tuned_from = tuned_values(tuned_to(detection_threshold=211, suppression_ms=900))
    remembered = values_to_apply(tuned, tuned_from, IN_FILE.replace(suppression_ms=640))
    assert remembered.params == {"detection_threshold": 211}
    assert remembered.set_aside == {"suppression_ms": 640}
    sentence = remembered_sentence("mine", {"detection_threshold": 211}, remembered.set_aside)
    assert sentence == ("kept your tuning of mine: detection_threshold 211; Reset gives the file's values; the "
                        "file changed since you tuned it, so its own values are in use: suppression_ms 640")


def test_an_old_entry_of_every_setting_applies_what_differs_from_the_file() -> None:
    whole = {"detection_threshold_list": None, **IN_FILE.replace(detection_threshold=211).to_params()}
    remembered = values_to_apply(whole, None, IN_FILE)
    assert remembered.params == {"detection_threshold": 211} and remembered.set_aside == {}
    assert remembered_sentence("mine", {}, {}) is None
