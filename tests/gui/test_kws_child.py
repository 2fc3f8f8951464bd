"""How a kws child's command-line sentences read in the window (the child itself: test_kws_child_process)."""

from __future__ import annotations

from workbench.gui.kws_child import in_window_terms

BOXES = {"--background": "Background", "--labels": "Labels"}


def test_options_the_window_fills_in_are_named_as_its_boxes() -> None:
    said = "no keyword (give background-only audio with --background); give --labels (JSON, CSV or .txt)"
    assert in_window_terms(said, BOXES) == ("no keyword (give background-only audio with \u201cBackground\u201d); "
                                            "give \u201cLabels\u201d (JSON, CSV or .txt)")


def test_other_options_and_longer_names_are_left_as_they_are() -> None:
    said = "--background-only streams; kws stream make --progress jsonl; x--background"
    assert in_window_terms(said, BOXES) == said
