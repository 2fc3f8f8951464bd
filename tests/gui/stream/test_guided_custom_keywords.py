"""Guided recording for a custom keyword model: the words it offers are the model's keywords as spoken ("hey
lamp" for its class hey_lamp; no _unknown_, _silence_ or negative-word class), and the takes land in the very
folders ``kws dataset synth`` makes for those words, so own takes and synthetic clips are one class."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.gui.session_controller import SessionController
from workbench.gui.stream.guided_recording_view import DONE, GuidedRecordingView, GuidedTiming
from workbench.gui.stream.source_choice import MICROPHONE, SourceChoice
from workbench.synthesis.build_plan import check_word, folder_name
from word_clip import word_clip

SPOKEN = GuidedTiming(countdown_steps=2, step_ms=30, record_ms=2200, review_ms=30)  # room for the word's latency
WORD_AMPLITUDE = 0.4
CLASSES = "hey_lamp,don't,_unknown_,_silence_,_go_,_down_,_left_"  # a phrase, an apostrophe, negative-word classes


@pytest.fixture
def custom_model(tmp_path: Path) -> Path:
    """The bundled stream model's network (seven outputs) under the classes of a run on "hey lamp" and "don't"."""
    model = tmp_path / "lamp.tflite"
    assert main(["params", "kws_yes_no_stream", "-o", str(model), f"classes={CLASSES}"]) == 0
    return model


def test_the_words_offered_are_the_models_keywords_as_spoken(qtbot, custom_model: Path) -> None:
    control = SessionController()
    assert control.load_model(custom_model)
    view = GuidedRecordingView(control, timing=SPOKEN)
    qtbot.addWidget(view)
    assert view.words_edit.text() == "hey lamp, don't"
    view.start()  # no microphone here: refused for that, never for the words
    assert "not a word" not in view.result.text()
    control.close()


def _listening_view(qtbot, mic, model: Path, tmp_path: Path) -> GuidedRecordingView:  # type: ignore[no-untyped-def]
    """The guided recorder of a window streaming the virtual microphone with ``model``; each take hears a word said
    into it, and its takes go to ``tmp_path``/dataset (the controller is the view's ``controller``)."""
    control = SessionController()
    assert control.load_model(model)
    assert control.set_source(SourceChoice(MICROPHONE, device="pulse"))
    qtbot.waitUntil(lambda: control.running, timeout=10_000)
    view = GuidedRecordingView(control, timing=SPOKEN)
    qtbot.addWidget(view)
    said = word_clip(tmp_path, "said", WORD_AMPLITUDE)
    view.recording_started.connect(lambda *_take: mic.play(said, wait=False))  # a person says the word
    view.takes_spin.setValue(1)
    (tmp_path / "dataset").mkdir()  # chosen in a folder dialog: it exists
    view.set_folder(tmp_path / "dataset")
    return view


def _record_all(qtbot, view: GuidedRecordingView) -> set[str]:  # type: ignore[no-untyped-def]
    """Record a take of each word; the folders the takes were kept in."""
    with qtbot.waitSignal(view.finished, timeout=60_000) as finished:
        assert view.start(), view.result.text()
    assert finished.args == [2] and view.state == DONE, view.result.text()
    view.controller.close()
    return {path.parent.name for path in view.kept}


def test_takes_of_a_phrase_land_in_the_folders_of_its_synthetic_clips(qtbot, mic, custom_model: Path,
                                                                      tmp_path: Path) -> None:
    view = _listening_view(qtbot, mic, custom_model, tmp_path)
    view.words_edit.setText("hey lamp, don't")  # as typed, whatever the model's classes
    view.speaker_edit.setText("ada")
    synthesised = {folder_name(check_word(word)) for word in ("hey lamp", "don't")}  # kws dataset synth's folders
    assert _record_all(qtbot, view) == synthesised == {"hey_lamp", "don't"}


def test_takes_of_a_class_with_capitals_land_in_its_own_folder(qtbot, mic, tmp_path: Path) -> None:
    """A model's class Hey_Lamp is offered as "Hey Lamp"; its takes went to hey_lamp/ (kws dataset synth's folder of
    the phrase), which on a case-sensitive file system is another class: they would have trained as _unknown_."""
    model = tmp_path / "capitals.tflite"
    assert main(["params", "kws_yes_no", "-o", str(model), "classes=Hey_Lamp,Lamp_Off,_unknown_,_silence_"]) == 0
    view = _listening_view(qtbot, mic, model, tmp_path)
    assert view.words_edit.text() == "Hey Lamp, Lamp Off"
    assert _record_all(qtbot, view) == {"Hey_Lamp", "Lamp_Off"}
