"""Which MLTK app a firmware image is: its banners decide, an image with both is not judged, and S1 records
(``.s19``) are read as the other S-record files are."""

from __future__ import annotations

from pathlib import Path

import pytest
from sim_images import RECORD_DATA, s19_text, s37_text

from workbench.board.errors import WrongFirmware
from workbench.board.firmware.catalog import CLASSIFIER_APP, PROFILER_APP
from workbench.board.firmware.image_app import APP_BANNERS, check_image_app, image_app

FILLER = bytes(range(1, 200))
SPLIT_AT = RECORD_DATA - 5  # a banner starting here runs on into the next record


def image_data(*apps: str) -> bytes:
    """Filler with each app's banner in it, the first one split across two records."""
    data = FILLER[:SPLIT_AT]
    for app in apps:
        data += APP_BANNERS[app] + FILLER
    return data


def test_an_image_holding_both_banners_is_not_judged_by_its_name(tmp_path: Path) -> None:
    image = tmp_path / "mltk_audio_classifier-both.s37"
    image.write_text(s37_text(image_data(PROFILER_APP, CLASSIFIER_APP)))
    assert image_app(image) is None
    check_image_app(image, PROFILER_APP, "profile")  # the user's own build: flashed as asked


@pytest.mark.parametrize("app", [PROFILER_APP, CLASSIFIER_APP])
def test_s1_records_are_decoded_so_the_banner_is_found(tmp_path: Path, app: str) -> None:
    image = tmp_path / "app.s19"
    image.write_text(s19_text(image_data(app)))
    assert APP_BANNERS[app] not in image.read_bytes()  # only the decoded bytes hold it
    assert image_app(image) == app
    other = CLASSIFIER_APP if app == PROFILER_APP else PROFILER_APP
    with pytest.raises(WrongFirmware, match="The image app.s19 is MLTK's"):
        check_image_app(image, other, "run")


def test_the_banner_decides_over_the_name_and_the_name_only_when_there_is_none(tmp_path: Path) -> None:
    named_profiler = tmp_path / "mltk_model_profiler-brd2601-mvp.s37"
    named_profiler.write_text(s37_text(image_data(CLASSIFIER_APP)))
    assert image_app(named_profiler) == CLASSIFIER_APP
    named_profiler.write_text(s37_text(FILLER))
    assert image_app(named_profiler) == PROFILER_APP
    unnamed = tmp_path / "custom.s37"
    unnamed.write_text(s37_text(FILLER))
    assert image_app(unnamed) is None
