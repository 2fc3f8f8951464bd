"""A guided recording session through a real (PulseAudio virtual) microphone: the prompt and countdown,
silent and clipped takes rejected and asked again, good takes cut to the clip length around the word and
saved in the dataset layout, Retake deleting the last take."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.assets import default_model_path, sample_audio_path
from workbench.core.audio.sources import list_input_devices
from workbench.datasets.layout import scan_dataset
from workbench.gui.session_controller import SessionController
from workbench.gui.stream.source_choice import FILE, MICROPHONE, SourceChoice
from workbench.gui.stream.guided_recording_view import DONE, IDLE, GuidedRecordingView, GuidedTiming
from workbench.gui.stream.guided_source import NO_MICROPHONE, NOT_A_MICROPHONE, SOURCE_LEFT, STREAM_STOPPED
from word_clip import word_clip

RATE = 16000
FAST = GuidedTiming(countdown_steps=2, step_ms=30, record_ms=2200, review_ms=30)


@pytest.fixture
def controller(qtbot, mic):
    control = SessionController()
    assert control.load_model(default_model_path())
    errors: list[str] = []
    control.error.connect(errors.append)
    assert control.set_source(SourceChoice(MICROPHONE, device="pulse")), errors
    session = control.session
    qtbot.waitUntil(lambda: session.spectrogram.total > 10, timeout=10_000)
    yield control
    control.close()


def test_a_guided_session_keeps_good_takes_and_asks_again_for_bad_ones(qtbot, controller, mic, tmp_path) -> None:
    good = word_clip(tmp_path, "good", 0.4)
    loud = word_clip(tmp_path, "loud", 4.0)  # clipped: far beyond full scale
    script = [None, loud, good, good, good]  # what the "person" says at each take
    view = GuidedRecordingView(controller, timing=FAST)
    qtbot.addWidget(view)
    assert view.words_edit.text() == "yes, no"  # the loaded model's keywords
    view.words_edit.setText("yes")
    view.takes_spin.setValue(2)
    view.speaker_edit.setText("ada")
    (tmp_path / "dataset").mkdir()  # chosen in a folder dialog: it exists
    view._ask_folder = lambda: str(tmp_path / "dataset")
    view.choose_folder()
    prompts, verdicts = [], []
    view.take_judged.connect(verdicts.append)

    def speak(word: str, take: int) -> None:
        prompts.append((word, take, view.prompt.text(), view.detail.text()))
        clip = script[len(prompts) - 1] if len(prompts) <= len(script) else good
        if clip is not None:
            mic.play(clip, wait=False)

    view.recording_started.connect(speak)
    with qtbot.waitSignal(view.finished, timeout=60_000) as finished:
        assert view.start()
    assert finished.args == [2] and view.state == DONE
    reasons = [v.reason for v in verdicts]
    assert not verdicts[0].ok and ("nothing was recorded" in reasons[0] or "too quiet" in reasons[0])
    assert not verdicts[1].ok and "too loud" in reasons[1]
    assert verdicts[2].ok and verdicts[3].ok and len(verdicts) == 4
    assert [p[:2] for p in prompts] == [("yes", 1), ("yes", 1), ("yes", 1), ("yes", 2)]  # rejected: same take
    assert prompts[0][2] == "“yes”" and "speak now" in prompts[0][3]
    files = sorted((tmp_path / "dataset" / "yes").glob("ada_nohash_yes_*.wav"))
    assert len(files) == 2 and view.saved_list.count() == 2
    for path in files:
        samples, rate = sf.read(path, dtype="int16")
        assert rate == RATE and samples.size == RATE
        loud_part = np.flatnonzero(np.abs(samples) > 3000)
        assert loud_part.size and 0.15 * RATE < loud_part[0] and loud_part[-1] < 0.85 * RATE  # centred word
    assert {c.speaker for c in scan_dataset(tmp_path / "dataset").clips} == {"ada"}

    first, last = view.kept
    view.recording_started.disconnect(speak)
    view.recording_started.connect(lambda word, take: mic.play(good, wait=False))
    with qtbot.waitSignal(view.finished, timeout=30_000) as again:
        view.retake()
    assert again.args == [2] and view.kept[0] == first and len(view.kept) == 2
    assert all(path.exists() for path in view.kept) and (last == view.kept[1] or not last.exists())
    assert len(list((tmp_path / "dataset" / "yes").glob("*.wav"))) == 2


def test_bad_words_and_a_stopped_stream_are_messages(qtbot, tmp_path) -> None:
    control = SessionController()
    assert control.load_model(default_model_path())
    view = GuidedRecordingView(control, timing=FAST)
    qtbot.addWidget(view)
    view.words_edit.setText("yes; no")
    assert not view.start() and "not a word" in view.result.text()
    assert view.speaker_edit.text().strip()  # a speaker id from the start: takes never lack one
    view.words_edit.setText("yes")
    view.speaker_edit.setText(" ")
    assert not view.start() and "who is speaking" in view.result.text()
    view.speaker_edit.setText("ada")
    control.set_source(SourceChoice(MICROPHONE, device="no such microphone anywhere"), start=False)
    assert not view.start() and "cannot start" in view.result.text()
    control.close()


def play_sample(qtbot, control: SessionController) -> None:
    """What start-up does without a microphone: loop the bundled sample."""
    assert control.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=True, loop=True))
    qtbot.waitUntil(lambda: control.running, timeout=10_000)


def assert_refused(view: GuidedRecordingView, sentence: str, folder: Path) -> None:
    """Start is off and says why, start() refuses with the same sentence, and nothing is recorded or saved."""
    assert not view.start_button.isEnabled() and view.start_button.toolTip() == sentence
    assert view.detail.text() == sentence  # said without hovering
    assert not view.start() and view.result.text() == sentence
    assert view.state == IDLE and not view.controller.session.recording
    assert not folder.exists() or not any(folder.rglob("*.wav"))


def test_without_a_microphone_the_looping_sample_is_never_recorded_as_takes(qtbot, tmp_path) -> None:
    if list_input_devices():
        pytest.skip("this machine has an audio input; the next test covers a file source beside a microphone")
    control = SessionController()
    assert control.load_model(default_model_path())
    play_sample(qtbot, control)
    view = GuidedRecordingView(control, timing=FAST)
    qtbot.addWidget(view)
    view.set_folder(tmp_path / "dataset")
    assert_refused(view, NO_MICROPHONE, tmp_path / "dataset")
    control.close()


def test_a_file_source_is_refused_and_a_session_stops_when_the_stream_leaves_the_microphone(
        qtbot, controller, mic, tmp_path) -> None:
    view = GuidedRecordingView(controller, timing=GuidedTiming(countdown_steps=2, step_ms=30, record_ms=60_000))
    qtbot.addWidget(view)
    view.words_edit.setText("yes")
    view.set_folder(tmp_path / "dataset")
    assert view.start_button.isEnabled()
    with qtbot.waitSignal(view.recording_started, timeout=10_000):
        assert view.start()
    assert controller.session.recording
    play_sample(qtbot, controller)  # e.g. Stream > Play the bundled sample during the session
    assert view.state == IDLE and view.result.text() == SOURCE_LEFT
    assert_refused(view, NOT_A_MICROPHONE.format(name=sample_audio_path().name), tmp_path / "dataset")
    assert controller.set_source(SourceChoice(MICROPHONE, device="pulse"))
    assert view.start_button.isEnabled() and view.detail.text().startswith("Press Start")


@pytest.mark.parametrize("during", ["countdown", "recording"])
def test_a_stream_that_stops_mid_session_ends_it_at_once_and_quietly(qtbot, controller, mic, tmp_path,
                                                                     during: str) -> None:
    """A microphone unplugged (here: the stream stopped) ends the session there and then, with one sentence in
    the view: no cut take judged, no "start the stream before recording" from the next countdown."""
    errors: list[str] = []
    controller.error.connect(errors.append)
    view = GuidedRecordingView(controller, timing=GuidedTiming(countdown_steps=3, step_ms=400, record_ms=60_000))
    qtbot.addWidget(view)
    view.words_edit.setText("yes")
    view.set_folder(tmp_path / "dataset")
    judged: list[object] = []
    view.take_judged.connect(judged.append)
    if during == "recording":
        with qtbot.waitSignal(view.recording_started, timeout=10_000):
            assert view.start()
    else:
        assert view.start() and view.state == "countdown"
    controller.stop()
    assert view.state == IDLE and view.result.text() == STREAM_STOPPED
    qtbot.wait(3 * 400)  # past the countdown that would have asked the stopped stream to record
    assert errors == [] and judged == [] and view.state == IDLE
    assert not (tmp_path / "dataset").exists() or not any((tmp_path / "dataset").rglob("*.wav"))
