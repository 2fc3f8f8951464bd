"""The greedy arena planner on hand-made lifetimes (layout worked out by hand)."""

from workbench.profiler.memory import PlannedBuffer, align, greedy_plan


def test_buffers_alive_together_do_not_overlap_and_reuse_happens():
    # a(0-1, 64) b(1-2, 32) c(2-3, 64): a and c never live together -> c reuses a's space
    bufs = [PlannedBuffer(64, 0, 1, 0), PlannedBuffer(32, 1, 2, 1), PlannedBuffer(64, 2, 3, 2)]
    placed, peak = greedy_plan(bufs)
    offsets = {p.tensor: p.offset for p in placed}
    assert offsets[0] == 0 and offsets[2] == 0 and offsets[1] == 64
    assert peak == 96


def test_gap_is_filled_first_fit():
    bufs = [PlannedBuffer(100, 0, 0, 0), PlannedBuffer(50, 1, 2, 1), PlannedBuffer(40, 0, 2, 2)]
    placed, peak = greedy_plan(bufs)
    offsets = {p.tensor: p.offset for p in placed}
    assert offsets == {0: 0, 2: 100, 1: 0}
    assert peak == 140


def test_align():
    assert [align(x) for x in (0, 1, 16, 17, 4000, 1960)] == [0, 16, 16, 32, 4000, 1968]
