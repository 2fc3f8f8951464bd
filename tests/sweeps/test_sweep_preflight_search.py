"""Before Ray: every searched data value is planned from the datasets, and a board budget that no model of the
search space meets is refused -- each in one sentence naming what is wrong, not in every trial."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from workbench.core.errors import WorkbenchError
from workbench.sweeps.definition.sweep_file import SweepFile, load_sweep
from workbench.sweeps.sweep_preflight import check_datasets

from sweep_data import sweep_text, write_sweep

FILTERS = '"layers.1.filters" = { int = [4, 12] }'
KEYWORDS_SEARCH = '"data.keywords" = { choice = [["yes", "no"], ["yes", "maybe"]] }'


def _sweep(tmp_path: Path, dataset: Path, *, search: str = FILTERS, board: str = "") -> SweepFile:
    return load_sweep(write_sweep(tmp_path / "project", sweep_text(dataset, search=search, board=board),
                                  name="my_search.toml"))


def test_a_searched_keyword_the_dataset_lacks_is_refused_naming_key_and_value(tmp_path: Path,
                                                                              speech_slice: Path) -> None:
    sweep = _sweep(tmp_path, speech_slice, search=f"{FILTERS}\n{KEYWORDS_SEARCH}")
    with pytest.raises(WorkbenchError) as error:
        check_datasets(sweep)
    message = str(error.value)
    assert message.startswith('my_search.toml (spec tflite_micro_speech, [search] data.keywords = ["yes", '
                              '"maybe"]): ')
    assert "no samples of maybe" in message
    assert "\n" not in message


def test_searched_keywords_the_dataset_has_pass(tmp_path: Path, speech_slice: Path) -> None:
    sweep = _sweep(tmp_path, speech_slice, search='"data.keywords" = { choice = [["yes", "no"], ["yes", "go"]] }')
    assert check_datasets(sweep).keywords  # the first spec's data settings, as before


def test_a_searched_split_share_is_checked_at_both_ends(tmp_path: Path, speech_slice: Path) -> None:
    """The range's ends are checked: the end whose split cannot be made is named in the sentence."""
    sweep = _sweep(tmp_path, speech_slice, search='"data.validation_percent" = { uniform = [10.0, 99.0] }')
    with pytest.raises(WorkbenchError, match=r"\[search\] data\.validation_percent = 99\.0\)"):
        check_datasets(sweep)


@pytest.mark.parametrize(("board", "figure"), [("ram_kb = 1", r"RAM \(tensor arena\) [\d,]+ bytes > 1 KiB \(1,024 bytes\)"),
                                               ("flash_kb = 5", r"flash [\d,]+ bytes > 5 KiB \(5,120 bytes\)"),
                                               ("max_inference_ms = 1", r"time per inference [\d.]+ ms > 1 ms "
                                                                        r"\(max_inference_ms, estimated with the MVP\)")])
def test_a_budget_no_model_of_the_search_space_meets_is_refused(tmp_path: Path, speech_slice: Path,
                                                                board: str, figure: str) -> None:
    sweep = _sweep(tmp_path, speech_slice, board=board)
    with pytest.raises(WorkbenchError, match=rf"^my_search\.toml: even the smallest model of the search space "
                                             rf"\(spec tflite_micro_speech, layers\.1\.filters = 4, estimated\) "
                                             rf"does not fit the board budget: {figure}\.$"):
        check_datasets(sweep)


def test_a_budget_only_the_small_models_meet_is_not_refused(tmp_path: Path, speech_slice: Path) -> None:
    """12 filters need more than 11 kB of arena without the MVP, 4 filters less: the trials decide."""
    sweep = _sweep(tmp_path, speech_slice, board='ram_kb = 11\naccelerator = "none"')
    check_datasets(sweep)


def test_a_time_budget_only_the_fast_models_meet_is_not_refused(tmp_path: Path, speech_slice: Path) -> None:
    """With the MVP 8 filters take 6.1 ms per inference (estimated), 4 filters less than 5 ms, 12 more."""
    check_datasets(_sweep(tmp_path, speech_slice, board="max_inference_ms = 5"))


@pytest.mark.parametrize(("keywords", "where"), [
    ('keywords = ["yes", "go"]', ""),
    ('"data.keywords" = { choice = [["yes", "no"], ["yes", "go"]] }', ', [search] data.keywords = ["yes", "go"]')],
    ids=["sweep-keywords", "searched-keywords"])
def test_keywords_the_starting_models_outputs_would_keep_from_learning_are_refused_once(
        tmp_path: Path, speech_slice: Path, keywords: str, where: str) -> None:
    """The default recipe starts from MLTK's yes/no model and keeps its yes and no outputs frozen: kws train refuses
    a run for other keywords before it trains. Here before Ray starts, in kws train's sentence: every trial failed
    with it, and the sweep ended "finished" with no trial finished."""
    from workbench.training.spec.init_classes import check_init_classes, init_source
    from workbench.training.spec.model_spec import load_spec

    search = f"{FILTERS}\n{keywords}" if keywords.startswith('"') else FILTERS
    text = sweep_text(speech_slice, search=search, extra="" if keywords.startswith('"') else keywords)
    sweep = load_sweep(write_sweep(tmp_path / "project", text.replace('specs = ["tflite_micro_speech"]',
                                                                      'specs = ["default"]'), name="my_search.toml"))
    with pytest.raises(WorkbenchError) as error:
        check_datasets(sweep)
    default = load_spec("default")
    go = default.replace(data=dataclasses.replace(default.data, keywords=("yes", "go")))
    with pytest.raises(WorkbenchError) as refusal:  # what kws train says of such a run
        check_init_classes(init_source(go.init_from, go), go)
    assert str(error.value) == f"my_search.toml (spec default{where}): {refusal.value}"
