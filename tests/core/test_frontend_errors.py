"""Bad arguments to the frontend raise clear Python exceptions, never crash the interpreter."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from workbench import _frontend
from workbench.core.frontend import MicroFrontend, quantize
from workbench.core.frontend_settings import FrontendSettings, FrontendSettingsError

SECOND = np.zeros(16000, dtype=np.int16)


@pytest.fixture(scope="module")
def fe() -> MicroFrontend:
    return MicroFrontend()


def test_float_audio_is_rejected_with_a_hint(fe: MicroFrontend) -> None:
    with pytest.raises(TypeError, match="int16.*float32.*32767"):
        fe.process_clip(SECOND.astype(np.float32))
    with pytest.raises(TypeError, match="int16"):
        fe.feed(np.zeros(320, dtype=np.float64))


@pytest.mark.parametrize("dtype", [np.int32, np.uint16, np.int8, np.uint8])
def test_other_integer_dtypes_are_rejected(fe: MicroFrontend, dtype: type) -> None:
    with pytest.raises(TypeError, match="int16"):
        fe.process_clip(SECOND.astype(dtype))


@pytest.mark.parametrize("n", [0, 1, 15999, 16001, 32000])
def test_wrong_clip_length(fe: MicroFrontend, n: int) -> None:
    with pytest.raises(ValueError, match="exactly 16000 samples"):
        fe.process_clip(np.zeros(n, dtype=np.int16))


def test_two_dimensional_audio(fe: MicroFrontend) -> None:
    with pytest.raises(ValueError, match="one-dimensional"):
        fe.process_clip(np.zeros((16000, 2), dtype=np.int16))
    with pytest.raises(ValueError, match="one-dimensional"):
        fe.feed(np.zeros((2, 160), dtype=np.int16))


@pytest.mark.parametrize("dtype", [np.float32, np.int16, "complex64", "nonsense"])
def test_bad_output_dtype(fe: MicroFrontend, dtype: object) -> None:
    with pytest.raises(ValueError, match="uint16 or numpy.int8"):
        fe.process_clip(SECOND, dtype=dtype)


def test_empty_chunk_streams_nothing(fe: MicroFrontend) -> None:
    out = fe.feed(np.zeros(0, dtype=np.int16))
    assert out.shape == (0, 40)


def test_non_contiguous_chunk_is_accepted() -> None:
    audio = (np.arange(32000) % 200 - 100).astype(np.int16)
    a, b = MicroFrontend(), MicroFrontend()
    assert np.array_equal(a.feed(audio[::2]), b.feed(audio[::2].copy()))


ABSURD_SETTINGS = [  # (changes, what FrontendSettings says, what the native frontend says)
    ({"filterbank_n_channels": 0}, "filterbank_n_channels must be 1..256", "filterbank_n_channels must be 1..256"),
    ({"filterbank_n_channels": -3}, "filterbank_n_channels", "filterbank_n_channels"),
    ({"fft_length": 256}, "longer than fe.fft_length", "longer than fft_length"),
    ({"fft_length": 1024}, "smallest power of two", "smallest power of two"),
    ({"window_step_ms": 0}, "at least 1", "at least 1"),
    ({"window_step_ms": 40}, "must not exceed fe.window_size_ms", "must not exceed window_size_ms"),
    ({"sample_rate_hz": 0}, "sample_rate_hz", "sample_rate_hz"),
    ({"filterbank_upper_band_limit": 9000.0}, "not be above half the sample rate", "not be above half the sample rate"),
    ({"filterbank_lower_band_limit": 8000.0, "filterbank_upper_band_limit": 7000.0}, "band limits", "band limits"),
    ({"noise_reduction_enable": False}, "pcan_enable needs fe.noise_reduction_enable",
     "pcan_enable needs noise_reduction_enable"),
    ({"noise_reduction_even_smoothing": 1.5}, "0..1", "0..1"),
    ({"log_scale_shift": 40}, "log_scale_shift", "log_scale_shift"),
    ({"pcan_gain_bits": 0}, "pcan_gain_bits", "pcan_gain_bits"),
    ({"dc_notch_filter_coefficient": 1.0}, "dc_notch_filter_coefficient", "dc_notch_filter_coefficient"),
]


@pytest.mark.parametrize("changes,message,_native", ABSURD_SETTINGS)
def test_absurd_settings_are_refused_in_one_sentence(changes: dict, message: str, _native: str) -> None:
    """FrontendSettings refuses what the native frontend would: a model with such values is never run."""
    with pytest.raises(FrontendSettingsError, match=message):
        FrontendSettings().replace(**changes)


@pytest.mark.parametrize("changes,_message,native", ABSURD_SETTINGS)
def test_the_native_frontend_checks_the_same_limits(changes: dict, _message: str, native: str) -> None:
    """The C side's own checks, reached without FrontendSettings' (its last line of defence)."""
    unchecked = object.__new__(FrontendSettings)
    for f in dataclasses.fields(FrontendSettings):
        object.__setattr__(unchecked, f.name, changes.get(f.name, getattr(FrontendSettings(), f.name)))
    frontend = object.__new__(MicroFrontend)
    frontend._settings = unchecked
    with pytest.raises(FrontendSettingsError, match=native):
        frontend._make_native()


def test_an_input_of_hours_is_refused_a_minute_is_not() -> None:
    """A model's or a spec's fe.sample_length_ms of 100,000,000 made every input 28 hours of audio: kws train's
    preview ran out of time (and memory) instead of saying so."""
    with pytest.raises(FrontendSettingsError) as caught:
        FrontendSettings(sample_length_ms=100_000_000)
    assert str(caught.value) == ("fe.sample_length_ms must be at most 60000 (a minute of audio in one model input), "
                                 "got 100000000")
    assert FrontendSettings(sample_length_ms=60_000).n_frames == (60_000 - 30) // 20 + 1


def test_window_longer_than_sample_is_rejected() -> None:
    with pytest.raises(ValueError, match="longer than the sample"):
        FrontendSettings(sample_length_ms=20)


@pytest.mark.parametrize(
    "field,value,error",
    [
        ("filterbank_n_channels", 40.5, TypeError),
        ("filterbank_n_channels", "40", TypeError),
        ("pcan_enable", 0.5, TypeError),
        ("pcan_strength", "strong", TypeError),
        ("pcan_offset", float("nan"), ValueError),
    ],
)
def test_wrongly_typed_settings(field: str, value: object, error: type) -> None:
    with pytest.raises(error, match=field):
        FrontendSettings(**{field: value})


def test_unknown_fe_key_is_rejected_other_keys_ignored() -> None:
    with pytest.raises(ValueError, match="fe.windw_size_ms"):
        FrontendSettings.from_params({"fe.windw_size_ms": 30})
    assert FrontendSettings.from_params({"classes": ["yes"], "fe.window_step_ms": 10}).window_step_ms == 10


@pytest.mark.parametrize("key,meant", [("fe.pcan|enable", "fe.pcan_enable"),
                                       ("fe.log_scale_e\x1dable", "fe.log_scale_enable")])
def test_an_unknown_setting_names_the_setting_it_resembles(key: str, meant: str) -> None:
    """A damaged byte in a model's parameters (or a typo) leaves a name close to the one meant."""
    with pytest.raises(FrontendSettingsError) as err:
        FrontendSettings.from_params({key: True})
    assert str(err.value) == f"unknown frontend setting {key!r} (did you mean {meant!r}?): correct or remove it"
    with pytest.raises(FrontendSettingsError, match=r"^unknown frontend setting 'fe.volume': correct or remove it$"):
        FrontendSettings.from_params({"fe.volume": 2})  # nothing like it: no guess


def test_settings_round_trip_through_params() -> None:
    s = FrontendSettings(filterbank_n_channels=32, dc_notch_filter_enable=True, pcan_offset=40.0)
    params = s.to_params()
    assert all(k.startswith("fe.") for k in params) and len(params) == 28
    assert FrontendSettings.from_params(params) == s


def test_dynamic_int8_needs_a_whole_window() -> None:
    fe = MicroFrontend(FrontendSettings(quantize_dynamic_scale_enable=True))
    with pytest.raises(ValueError, match="dynamic int8"):
        fe.feed(np.zeros(640, dtype=np.int16), dtype=np.int8)
    rows = fe.feed(np.zeros(16000, dtype=np.int16))
    assert quantize(rows, fe.settings).dtype == np.int8


def test_native_rejects_wrong_buffers_directly() -> None:
    native = MicroFrontend()._stream
    out = np.empty((4, 40), dtype=np.uint16)
    with pytest.raises(TypeError, match="int16"):
        native.feed(np.zeros(10, dtype=np.float32), out)
    with pytest.raises(TypeError, match="uint16"):
        native.feed(np.zeros(10, dtype=np.int16), np.empty((4, 40), dtype=np.int16))
    with pytest.raises(ValueError, match="whole number of frames"):
        native.feed(np.zeros(10, dtype=np.int16), np.empty(41, dtype=np.uint16))
    with pytest.raises(TypeError):
        native.feed(b"\x00\x01", out)  # bytes have format 'B'
    with pytest.raises(TypeError):
        _frontend.Frontend(sample_rate_hz=16000)  # missing settings


def test_output_buffer_too_small_stops_before_the_frame() -> None:
    audio = (np.arange(1000) * 37 % 2000 - 1000).astype(np.int16)
    native = MicroFrontend()._stream
    frames, consumed = native.feed(audio, np.empty((0, 40), dtype=np.uint16))
    assert frames == 0 and consumed < 480
    room = np.empty((3, 40), dtype=np.uint16)
    more, rest = native.feed(audio[consumed:], room)
    assert consumed + rest == audio.size
    assert np.array_equal(room[:more], MicroFrontend().feed(audio))


def test_the_band_limit_message_names_the_sample_rate_and_its_half() -> None:
    """At 8000 Hz the limit is 4000 Hz: "half the sample rate (8000 Hz)" read as if half were 8000 Hz."""
    with pytest.raises(FrontendSettingsError) as refused:
        FrontendSettings().replace(sample_rate_hz=8000)
    assert str(refused.value).endswith("must not be above half the sample rate: fe.sample_rate_hz is 8000 Hz, so at "
                                       "most 4000 Hz")


# A feed on a thread (the GIL released inside it) while the main thread re-initialises the same native frontend,
# which used to free the buffers the feed was using (free(): invalid size). Run in a child process, so a
# regression aborts the child, not pytest.
REINIT_WHILE_FEEDING = textwrap.dedent("""
    import threading
    import numpy as np
    from workbench.core.frontend import MicroFrontend

    OTHER = dict(sample_rate_hz=16000, window_size_ms=1, window_step_ms=1, fft_length=16, n_channels=1,
                 lower_band_limit=125.0, upper_band_limit=7000.0, noise_reduction_enable=False, smoothing_bits=10,
                 even_smoothing=0.025, odd_smoothing=0.06, min_signal_remaining=0.05, pcan_enable=False,
                 pcan_strength=0.95, pcan_offset=80.0, pcan_gain_bits=21, log_scale_enable=True,
                 log_scale_shift=6, activity_enable=False, activity_alpha_a=0.5, activity_alpha_b=0.8,
                 activity_arm_threshold=0.75, activity_trip_threshold=0.8, dc_notch_enable=False,
                 dc_notch_coefficient=0.95)
    frontend = MicroFrontend()
    native = frontend._stream
    audio = np.random.default_rng(0).integers(-3000, 3000, 16000 * 600, dtype=np.int16)
    out = np.empty((frontend.frames_for(audio.size), frontend.n_channels), np.uint16)
    for attempt in range(20):
        native.reset()
        fed = []
        feeder = threading.Thread(target=lambda: fed.append(native.feed(audio, out)))
        feeder.start()
        while feeder.is_alive():  # until the feed is seen inside the C code: reset is refused then
            try:
                native.reset()
            except RuntimeError:
                break
        try:
            native.__init__(**OTHER)
        except RuntimeError as exc:
            feeder.join()
            print("refused:", exc)
            print("fed frames:", fed[0][0], "of", out.shape[0])
            native.__init__(**OTHER)  # once the feed is over, re-initialising is allowed
            print("re-initialised after the feed")
            break
        feeder.join()
        native = MicroFrontend()._stream  # the feed ended before the re-init: try again on a fresh frontend
""")


def test_reinitialising_while_another_thread_feeds_is_refused_not_a_crash() -> None:
    child = subprocess.run([sys.executable, "-c", REINIT_WHILE_FEEDING], capture_output=True, text=True,
                           timeout=300)
    assert child.returncode == 0, child.stderr
    lines = child.stdout.splitlines()
    assert lines[0] == "refused: Frontend is being used by another thread", child.stdout
    frames = lines[1].split()
    assert frames[2] == frames[4]  # the feed finished its whole array with the buffers it started with
    assert lines[2] == "re-initialised after the feed"


@pytest.mark.parametrize("field,value,stored", [
    ("window_step_ms", np.int64(10), 10),
    ("filterbank_n_channels", np.uint8(32), 32),
    ("window_size_ms", np.float32(30.0), 30),
    ("pcan_enable", np.bool_(False), False),
    ("noise_reduction_enable", np.int64(1), True),
    ("pcan_offset", np.int32(40), 40.0),
])
def test_numpy_scalars_are_taken_and_stored_as_plain_python_values(field: str, value: object, stored: object) -> None:
    settings = FrontendSettings().replace(**{field: value})
    kept = settings.to_params()[f"fe.{field}"]
    assert kept == stored and type(kept) is type(stored)
    assert FrontendSettings.from_params(settings.to_params()) == settings


def test_numpy_bools_are_bools_and_still_not_numbers() -> None:
    assert FrontendSettings(dc_notch_filter_enable=np.bool_(True)).to_params()["fe.dc_notch_filter_enable"] is True
    for field, value in [("window_step_ms", np.bool_(True)), ("window_step_ms", True),
                         ("pcan_enable", np.float64(1.0)), ("pcan_offset", np.bool_(True))]:
        with pytest.raises(TypeError, match=field):
            FrontendSettings(**{field: value})
