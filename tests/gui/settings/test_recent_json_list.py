"""RecentJsonList: a JSON list in a real settings file, most recent first -- a hand-edited value (no JSON, no list,
entries of another shape) reads as its entries of the list's shape; an entry put first replaces its older version
and the least recent beyond the maximum is forgotten; another window's (process's) entries written meanwhile are
kept and the list is on disk at once; a list a change leaves as it was is not written again."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from tests.gui.other_window_settings import CHILD_TIMEOUT_S, REPO
from workbench.gui.settings.recent_json_list import RecentJsonList

KEY = "test/recent"
MAXIMUM = 3
DEEPER_THAN_THE_PARSER = 100_000  # nested lists the JSON parser gives up on (RecursionError)
# another window: a process of its own (QSettings objects of one file in one process share what they hold)
SET_IN_ANOTHER_PROCESS = ("import sys; from PySide6.QtCore import QSettings; "
                          "s = QSettings(sys.argv[1], QSettings.Format.IniFormat); "
                          "s.setValue(sys.argv[2], sys.argv[3]); s.sync()")


def is_name(item: Any) -> bool:
    return isinstance(item, str)


def named(name: str) -> Any:
    return lambda item: item == name


def settings_file(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def recent(qsettings: QSettings, before_read: Any = None) -> RecentJsonList:
    return RecentJsonList(qsettings, KEY, MAXIMUM, is_name, before_read=before_read)


def set_by_another_window(path: Path, text: str) -> None:
    """Store ``text`` under KEY of the settings file ``path`` as another window does, and wait until it is written."""
    result = subprocess.run([sys.executable, "-c", SET_IN_ANOTHER_PROCESS, str(path), KEY, text],
                            capture_output=True, text=True, cwd=REPO, timeout=CHILD_TIMEOUT_S)
    assert result.returncode == 0, result.stderr


def on_disk(path: Path, folder: Path) -> Any:
    """The list in the file on disk, as a window started now reads it (a copy: see SET_IN_ANOTHER_PROCESS)."""
    folder.mkdir()
    return json.loads(str(QSettings(str(shutil.copy(path, folder / path.name)), QSettings.Format.IniFormat)
                          .value(KEY)))


@pytest.mark.parametrize("text, entries", [
    ("[not json", []),
    ("[" * DEEPER_THAN_THE_PARSER, []),
    ('{"a": "b"}', []),
    ("7", []),
    ('["a", 3, null, ["b"], {"c": 1}, "d"]', ["a", "d"]),
])
def test_a_hand_edited_value_reads_as_its_entries_of_the_lists_shape(text: str, entries: list[str],
                                                                     tmp_path: Path) -> None:
    qsettings = settings_file(tmp_path)
    qsettings.setValue(KEY, text)
    assert recent(qsettings).entries() == entries
    assert recent(qsettings).held_entries() == entries


def test_a_value_that_is_no_text_reads_as_no_entries(tmp_path: Path) -> None:
    (tmp_path / "settings.ini").write_text("[test]\nrecent=a, b\n", encoding="utf-8")  # an INI list, not JSON
    assert recent(settings_file(tmp_path)).entries() == []


def test_an_entry_put_first_replaces_its_older_version_and_the_least_recent_is_forgotten(tmp_path: Path) -> None:
    qsettings = settings_file(tmp_path)
    entries = recent(qsettings)
    for name in ("a", "b"):
        entries.put_first(name, same=named(name))
    assert entries.put_first("a", same=named("a")) == ["a", "b"]  # moved to the front, not listed twice
    assert entries.put_first("c", same=named("c")) == ["c", "a", "b"]
    assert entries.put_first("d", same=named("d")) == ["d", "c", "a"]  # "b", the least recent: forgotten
    assert json.loads(str(qsettings.value(KEY))) == ["d", "c", "a"]
    assert entries.merge(lambda items: ["e", *items]) == ["e", "d", "c"]


def test_remove_forgets_only_the_entry_even_from_a_list_longer_than_the_maximum(tmp_path: Path) -> None:
    qsettings = settings_file(tmp_path)
    qsettings.setValue(KEY, json.dumps(["a", "b", "c", "d", "e"]))  # a hand-edited file: over MAXIMUM
    assert recent(qsettings).remove(named("b")) == ["a", "c", "d", "e"]
    assert json.loads(str(qsettings.value(KEY))) == ["a", "c", "d", "e"]


def test_another_windows_entries_are_kept_and_the_list_is_on_disk_at_once(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    mine = recent(settings_file(tmp_path))
    mine.put_first("a", same=named("a"))
    set_by_another_window(path, json.dumps(["b", "a"]))
    assert mine.held_entries() == ["a"]  # as this window read the file
    assert mine.entries() == ["b", "a"]  # read again
    set_by_another_window(path, json.dumps(["c", "b", "a"]))
    assert mine.put_first("d", same=named("d")) == ["d", "c", "b"]
    assert on_disk(path, tmp_path / "restarted") == ["d", "c", "b"]
    set_by_another_window(path, json.dumps(["e", "d", "c"]))
    assert mine.remove(named("d")) == ["e", "c"]
    assert on_disk(path, tmp_path / "removed") == ["e", "c"]


def test_a_list_left_as_it_was_is_not_written_again(tmp_path: Path) -> None:
    """The hand-edited text stays as it was (spacing, an entry of another shape): a write would make it plain."""
    qsettings = settings_file(tmp_path)
    text = '[ "a",  7, "b" ]'
    qsettings.setValue(KEY, text)
    entries = recent(qsettings)
    assert entries.put_first("a", same=named("a")) == ["a", "b"]
    assert entries.remove(named("z")) == ["a", "b"]
    assert entries.merge(list) == ["a", "b"]
    assert qsettings.value(KEY) == text
    assert entries.put_first("b", same=named("b")) == ["b", "a"]
    assert qsettings.value(KEY) == json.dumps(["b", "a"])


def test_before_read_runs_before_every_read(tmp_path: Path) -> None:
    """E.g. an older version's value moved into the list: every read has it, also the one a change starts from."""
    qsettings = settings_file(tmp_path)

    def move_older_value() -> None:
        if qsettings.contains("test/older"):
            qsettings.setValue(KEY, json.dumps([qsettings.value("test/older")]))
            qsettings.remove("test/older")

    qsettings.setValue("test/older", "old")
    assert recent(qsettings, move_older_value).held_entries() == ["old"]
    qsettings.setValue("test/older", "older")
    assert recent(qsettings, move_older_value).put_first("new", same=named("new")) == ["new", "older"]
