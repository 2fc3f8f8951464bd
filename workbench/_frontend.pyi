"""Type stub of the private native frontend; use workbench.core.frontend instead."""

from typing import Any, final

@final  # its C type lacks Py_TPFLAGS_BASETYPE: subclassing it raises TypeError
class Frontend:
    def __init__(
        self,
        *,
        sample_rate_hz: int,
        window_size_ms: int,
        window_step_ms: int,
        fft_length: int,
        n_channels: int,
        lower_band_limit: float,
        upper_band_limit: float,
        noise_reduction_enable: bool,
        smoothing_bits: int,
        even_smoothing: float,
        odd_smoothing: float,
        min_signal_remaining: float,
        pcan_enable: bool,
        pcan_strength: float,
        pcan_offset: float,
        pcan_gain_bits: int,
        log_scale_enable: bool,
        log_scale_shift: int,
        activity_enable: bool,
        activity_alpha_a: float,
        activity_alpha_b: float,
        activity_arm_threshold: float,
        activity_trip_threshold: float,
        dc_notch_enable: bool,
        dc_notch_coefficient: float,
    ) -> None: ...
    def feed(self, samples: Any, out: Any, /) -> tuple[int, int]: ...  # METH_VARARGS: no keywords
    def reset(self) -> None: ...
    def samples_to_next_frame(self) -> int: ...
    def take_activity(self) -> bool: ...
    def geometry(self) -> dict[str, int]: ...
