"""The guided session's bookkeeping without widgets: the order of takes, Retake and Skip word."""

from pathlib import Path

from workbench.gui.stream.guided_plan import GuidedPlan


def test_takes_come_word_by_word_and_the_plan_ends_after_the_last():
    plan = GuidedPlan(["yes", "no"], takes=2)
    seen = []
    while not plan.done:
        seen.append((plan.word, plan.take_number, plan.word_number))
        plan.keep(Path(f"{plan.word}-{plan.take_number}.wav"))
    assert seen == [("yes", 1, 1), ("yes", 2, 1), ("no", 1, 2), ("no", 2, 2)]
    assert plan.kept == [Path("yes-1.wav"), Path("yes-2.wav"), Path("no-1.wav"), Path("no-2.wav")]


def test_retake_asks_the_same_take_again_and_forgets_it():
    plan = GuidedPlan(["yes", "no"], takes=2)
    plan.keep(Path("a.wav"))
    assert plan.take_back() == Path("a.wav")
    assert (plan.word, plan.take_number, plan.kept) == ("yes", 1, [])
    assert plan.take_back() is None  # one take back only: the one before it stays


def test_skip_word_goes_to_the_next_word_and_leaves_nothing_to_retake():
    plan = GuidedPlan(["yes", "no"], takes=3)
    plan.keep(Path("a.wav"))
    plan.skip_word()
    assert (plan.word, plan.take_number, plan.last_kept) == ("no", 1, None)
    plan.skip_word()
    assert plan.done and plan.kept == [Path("a.wav")]
