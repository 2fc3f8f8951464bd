"""RowHistory / EventLog: what the GUI timer pulls by cursor while the worker appends."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from workbench.core.history import EventLog, RowHistory


def rows(start: int, count: int, width: int = 3) -> np.ndarray:
    return (np.arange(start, start + count)[:, None] * np.ones(width)).astype(np.int32)


def test_since_returns_only_new_rows_in_order() -> None:
    h = RowHistory(10, 3, np.int32)
    h.append(rows(0, 4))
    got, cursor = h.since(0)
    assert cursor == 4 and got[:, 0].tolist() == [0, 1, 2, 3]
    h.append(rows(4, 3))
    got, cursor = h.since(cursor)
    assert cursor == 7 and got[:, 0].tolist() == [4, 5, 6]
    got, cursor = h.since(cursor)
    assert got.shape == (0, 3) and cursor == 7


def test_wraps_and_keeps_only_the_newest_capacity_rows() -> None:
    h = RowHistory(5, 3, np.int32)
    for start in range(0, 23, 3):
        h.append(rows(start, 3))
    assert h.total == 24
    got, cursor = h.since(0)
    assert got[:, 0].tolist() == [19, 20, 21, 22, 23] and cursor == 24
    assert h.latest(2)[:, 0].tolist() == [22, 23]


def test_block_larger_than_capacity_keeps_its_tail() -> None:
    h = RowHistory(4, 3, np.int32)
    h.append(rows(0, 2))
    h.append(rows(2, 9))
    assert h.total == 11
    assert h.since(0)[0][:, 0].tolist() == [7, 8, 9, 10]


def test_limit_and_bad_shape() -> None:
    h = RowHistory(8, 2, np.int16)
    h.append(np.arange(12).reshape(6, 2))
    got, _ = h.since(0, limit=2)
    assert got.tolist() == [[8, 9], [10, 11]]
    with pytest.raises(ValueError):
        RowHistory(0, 2, np.int16)


def test_concurrent_writer_and_reader_see_every_row_once() -> None:
    h = RowHistory(32768, 1, np.int64)  # larger than the stream: no row may fall off
    total = 20000
    seen: list[int] = []

    def writer() -> None:
        for start in range(0, total, 7):
            h.append(np.arange(start, min(start + 7, total))[:, None])

    t = threading.Thread(target=writer)
    t.start()
    cursor = 0
    while t.is_alive() or cursor < total:
        got, cursor = h.since(cursor)
        seen.extend(got[:, 0].tolist())
    t.join()
    assert seen == list(range(total))


def test_event_log_cursor_and_limit() -> None:
    log: EventLog[int] = EventLog(limit=3)
    for i in range(5):
        log.append(i)
    assert log.total == 5 and log.all() == [2, 3, 4]
    items, cursor = log.since(3)
    assert items == [3, 4] and cursor == 5
    assert log.since(0)[0] == [2, 3, 4]
