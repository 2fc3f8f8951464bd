"""How a kws child's command-line sentences read in the window (the child itself: test_kws_child_process)."""

from __future__ import annotations

from workbench.gui.kws_child_process import in_window_terms

BOXES = {"--background": "Background", "--labels": "Labels"}


def test_options_the_window_fills_in_are_named_as_its_boxes() -> None:
    said = "no keyword (give background-only audio with --background); give --labels (JSON, CSV or .txt)"
    assert in_window_terms(said, BOXES) == ("no keyword (give background-only audio with \u201cBackground\u201d); "
                                            "give \u201cLabels\u201d (JSON, CSV or .txt)")


def test_a_value_placeholder_after_a_named_box_goes_with_the_option() -> None:
    said = 'add --negatives WORDS or --negatives-from DIR|FILE; --out OUT is used; --labels (JSON)'
    boxes = {"--negatives": "Negative words", "--negatives-from": "Negatives from", "--labels": "Labels"}
    assert in_window_terms(said, boxes) == ("add \u201cNegative words\u201d or \u201cNegatives from\u201d; --out OUT "
                                            "is used; \u201cLabels\u201d (JSON)")


def test_other_options_and_longer_names_are_left_as_they_are() -> None:
    said = "--background-only streams; kws stream make --progress jsonl; x--background"
    assert in_window_terms(said, BOXES) == said


def test_a_command_line_giving_one_setting_names_the_box_and_the_setting_as_it_shows_them() -> None:
    """The training's remedies ("for one run: kws train --set PATH=VALUE") in the window's Settings ▸ Change… terms,
    the sentence's punctuation kept; without a box for its option the command line stays."""
    from workbench.gui.training.training_process import TRAINING_BOXES

    said = ("warning: no has too few: add clips, or set it (for one run: kws train --set "
            "data.validation_resplit_percent=20) to re-split; raise it, e.g. kws train --set "
            "data.silence_percentage=1.5 for at least 20; or kws train --set data.silence_percentage=2.")
    change = "\u201cSettings \u25b8 Change\u2026\u201d"
    assert in_window_terms(said, TRAINING_BOXES) == (
        f"warning: no has too few: add clips, or set it (for one run: {change}: data.validation_resplit_percent = 20) "
        f"to re-split; raise it, e.g. {change}: data.silence_percentage = 1.5 for at least 20; or {change}: "
        "data.silence_percentage = 2.")
    assert in_window_terms(said, BOXES) == said


def test_a_command_named_as_where_to_look_is_the_box_that_lists_what_it_prints() -> None:
    """"see kws specs" in the Training workspace is its Spec box, which lists the specs; a command line given options
    (one to type), a longer command name and a child without that box keep the command's words."""
    from workbench.gui.training.training_process import TRAINING_BOXES

    said = "a spec (tflite_micro_speech, see kws specs); kws specs --settings SPEC lists them; kws specsx"
    assert in_window_terms(said, TRAINING_BOXES) == ("a spec (tflite_micro_speech, see \u201cSpec\u201d); kws specs "
                                                     "--settings SPEC lists them; kws specsx")
    assert in_window_terms(said, BOXES) == said


def test_a_training_child_s_error_names_the_workspace_s_buttons_and_boxes(qtbot, tmp_path) -> None:
    """A real `kws train` child refusing an output folder that holds a run: the sentence speaks of Resume and the
    Output folder box, as the Training workspace shows it, not of --resume and --out."""
    from workbench.gui.training.training_process import FAILED, TrainingProcess
    from workbench.run_folder_layout import RUN_FILE

    out = tmp_path / "run"
    out.mkdir()
    (out / RUN_FILE).write_text("{}")
    child = TrainingProcess()
    with qtbot.waitSignal(child.finished, timeout=60_000) as ended:
        child.start(out, "--dataset", str(tmp_path))
    assert ended.args == [FAILED, f"{out} already holds a training run: continue it with \u201cResume\u201d or give "
                                  "\u201cOutput folder\u201d another folder."]


def test_a_command_line_to_run_is_the_button_that_runs_it_with_those_choices() -> None:
    """The calibration's split remedy ("make it with kws stream make --testing-percent 10 …") is the Calibration
    workspace's Build…, whose split boxes start from the model's run; its values and the sentence's full stop go
    with the line, a command line of another command stays, and so does one without a button for it."""
    from workbench.gui.calibration.calibration_inputs_view import CALIBRATION_BOXES

    said = ("the stream may hold clips the model trained on; make it with kws stream make --testing-percent 12.5 "
            "--split-method hash. See kws specs --settings SPEC")
    assert in_window_terms(said, CALIBRATION_BOXES) == ("the stream may hold clips the model trained on; make it "
                                                        "with \u201cBuild\u2026\u201d. See kws specs --settings SPEC")
    assert in_window_terms(said, BOXES) == said


def test_an_option_given_one_value_is_the_box_that_sets_exactly_that() -> None:
    """kws stream make's "keywords alone with --unknown-count 0" is the stream dialog's Keywords only; the option with
    another value, or a longer one, stays as it is."""
    from workbench.gui.calibration.stream_dialog import STREAM_BOXES

    said = "build a stream of keywords alone with --unknown-count 0; --unknown-count 05 or --unknown-count 0.5 differ"
    assert in_window_terms(said, STREAM_BOXES) == ("build a stream of keywords alone with \u201cKeywords only\u201d; "
                                                   "--unknown-count 05 or --unknown-count 0.5 differ")
