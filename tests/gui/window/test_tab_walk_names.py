"""Tab reaches the Training log and the Profile workspace's details, and a screen reader names them. The walk of
tests.gui.spoken used to stop after 200 widgets of the window's focus chain, before these, so the accessible-name
test never saw that the log, its tabs, the layer details and the Profile tabs were unnamed."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QTabWidget

from tests.gui.spoken import spoken_name, tab_walk


def _unnamed_stops(window, key: str) -> tuple[list, list[str]]:  # type: ignore[no-untyped-def]
    window.show_workspace(key)
    stops = [w for w in tab_walk(window, window) if w.isVisible()]
    return stops, [f"{type(w).__name__} in {type(w.parentWidget()).__name__}" for w in stops if not spoken_name(w)]


def test_tab_reaches_the_training_log_and_its_tabs_which_are_named(window) -> None:  # type: ignore[no-untyped-def]
    training = window.training.training
    stops, unnamed = _unnamed_stops(window, "training")
    assert training.log in stops and training.tabs in stops
    assert unnamed == []
    assert spoken_name(training.log) == "Training log"


def test_tab_reaches_the_profile_details_and_tabs_which_are_named(window) -> None:  # type: ignore[no-untyped-def]
    profile = window.profile_view
    tabs = profile.findChild(QTabWidget)
    stops, unnamed = _unnamed_stops(window, "profile")
    assert profile.details_scroll in stops and tabs in stops
    assert unnamed == []
    tabs.setCurrentIndex(tabs.count() - 1)  # the layer diagram, in a scroll area of its own
    diagram = [w for w in tab_walk(window, window) if isinstance(w, QScrollArea) and tabs.isAncestorOf(w)]
    assert [spoken_name(w) for w in diagram if w.isVisible()] == ["Layer diagram"]
