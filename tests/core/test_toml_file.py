"""One setting's value as TOML text and back: what kws specs --settings prints and kws train --set reads."""

from __future__ import annotations

import datetime
import math
import tomllib

import pytest

from workbench.core.toml_file import toml_or_text, toml_value


@pytest.mark.parametrize("value", [0.5, 12, -3, True, False, "off", "a \"quoted\" name", [-1.0, 1.0], ["yes", "no"],
                                   {"_silence_": 0.5, "a b": 1}, [], {}, 1e-05, [[1, 2], [3]],
                                   datetime.date(2026, 12, 5), datetime.datetime(2026, 12, 5, 9, 30),
                                   datetime.time(9, 30)])
def test_a_value_reads_back_as_itself(value: object) -> None:
    text = toml_value(value)
    assert toml_or_text(text) == value and tomllib.loads(f"v = {text}")["v"] == value


def test_spellings() -> None:
    assert toml_value({}) == "{}" and toml_value({"a b": 1}) == '{ "a b" = 1 }' and toml_value((1, 2)) == "[1, 2]"
    assert toml_value(float("inf")) == "inf" and math.isnan(toml_or_text(toml_value(float("nan"))))
    with pytest.raises(ValueError, match="TOML cannot hold"):
        toml_value(object())


def test_text_that_is_not_toml_is_taken_as_it_is() -> None:
    assert toml_or_text("off") == "off" and toml_or_text(" models/x=1.tflite ") == "models/x=1.tflite"
    assert toml_or_text("") == "" and toml_or_text("[1, 2") == "[1, 2"
