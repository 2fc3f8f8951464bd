"""The name of a model trained for other keywords than its spec's own (the runs themselves:
tests/training/run/test_keyword_model_names.py)."""

from __future__ import annotations

from workbench.training.spec.keyword_names import keywords_model_name


def test_the_names_stay_file_names_and_c_identifiers_and_short_for_many_keywords() -> None:
    own = ("yes", "no")
    assert keywords_model_name("tflite_micro_speech", own, own) == "tflite_micro_speech"
    assert keywords_model_name("tflite_micro_speech", own, ("no", "yes")) == "tflite_micro_speech_no_yes"
    many = ("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go")
    shortened = keywords_model_name("tflite_micro_speech", own, many)
    assert shortened.startswith("tflite_micro_speech_yes_no_up_down_plus6_") and len(shortened) < 50
    assert shortened != keywords_model_name("tflite_micro_speech", own, (*many[:-1], "six"))  # the digest differs
    for keywords in (("turn-on", "höhe"), ("はい", "いいえ"), ("_go_", "a b"), ("x" * 80,)):
        name = keywords_model_name("kws", own, keywords)
        assert name.isidentifier() and name.isascii() and "__" not in name and not name.endswith("_"), name
        assert name != keywords_model_name("kws", own, (*keywords, "z"))
    assert keywords_model_name("kws", own, ("turn-on", "off")) != keywords_model_name("kws", own, ("turn_on", "off"))
