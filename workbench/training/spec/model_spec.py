"""Model spec files: a small TOML format naming the layers and every setting of a training run.

Why declarative files (like MLTK's model files, without their Python): a spec can be listed, checked,
shown in the GUI, diffed and copied into the output folder as the exact record of how a model was
made, and a user can write one without knowing Keras. A *recipe* is a spec that ``extends`` another
and overrides a few settings (``recipes/default.toml`` reproduces the bundled default model).

Top-level keys: ``name``, ``description``, ``version``, ``extends``, ``init_from``, ``[[layers]]``
(see :mod:`.spec_layers`), and the tables ``[training]``, ``[data]``, ``[augmentation]``,
``[frontend]`` (``fe.*`` settings without the prefix), ``[detection]`` and ``[conversion]``, each
parsed into the dataclass of the same name below. Optional settings are switched off with ``"off"``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from workbench.core.errors import SettingsError
from workbench.core.frontend_settings import FrontendSettings
from workbench.datasets.layout import negative_class
from workbench.training.spec.layers import LayerShape, LayerSpec, infer_shapes, parse_layer
from workbench.spec_files import DEFAULT_KEYWORDS, load_spec_table
from workbench.training.spec.values import build_settings, settings_table

SILENCE = "_silence_"
UNKNOWN = "_unknown_"
_TOP_LEVEL = ("name", "description", "version", "extends", "init_from", "layers", "training", "data",
              "augmentation", "frontend", "detection", "conversion")


@dataclass(frozen=True)
class TrainingSettings:
    """Optimiser, loss and the callbacks' rules (MLTK tflite_micro_speech defaults)."""

    batch_size: int = 32
    max_epochs: int = 200  # MLTK trains "forever" (-1) and lets early stopping end it
    learning_rate: float = 0.001  # Adam's default, as MLTK's 'adam' string gives
    label_smoothing: float = 0.0
    class_weights: str = "balanced"  # "balanced" (n / (classes * count)) or "none"
    # multiplies the weights of the named classes: > 1 makes the model say that class more readily
    # (e.g. keywords over _unknown_ when missing a keyword costs more than a false alarm)
    class_weight_scale: dict[str, float] = field(default_factory=dict)
    checkpoint_monitor: str = "val_accuracy"
    early_stopping_monitor: str = "val_accuracy"
    early_stopping_patience: int = 20
    reduce_lr_monitor: str = "accuracy"  # MLTK watches the training accuracy here
    reduce_lr_factor: float = 0.25
    reduce_lr_patience: int = 7
    min_learning_rate: float = 0.0
    seed: int = 42
    frozen_layers: int = 0  # the first N spec layers keep their (initial) weights; batch norm among them
    # also keeps its statistics; of a layer widened from init_from only the imported part is kept
    init_expand: bool = False  # layers may be wider than init_from's (see model/weight_expansion.py)
    # when set, only the first N layers with weights come from init_from (the rest start fresh): a feature
    # extractor trained on other words or other speech under a new head with other classes
    init_layers: int | None = None
    # batch norm in inference mode throughout (its statistics and scale fixed, as Keras' transfer-learning
    # guide advises for fine-tuning): batches of augmented data then cannot shift what a trained model does
    freeze_batch_norm: bool = False
    # when set, only these classes' output units (the last dense layer's columns) learn; the other
    # classes keep their initial weights: repairs one class of a trained model without touching the rest
    trainable_classes: tuple[str, ...] = ()
    # knowledge distillation (run/teacher.py): a .tflite of the same classes whose probabilities are
    # blended into the targets, except for samples of the classes in teacher_skips
    teacher: str | None = None
    teacher_weight: float = 0.5
    teacher_skips: tuple[str, ...] = ()
    # train this many members (seeds seed, seed + 1, ...) of a widened fine-tune and merge them into one
    # model averaging their logits (model/ensemble_merge.py): removes the seed-to-seed variance of the
    # few weights that learn; each member adds its own copy of the added filters
    ensemble_members: int = 1

    def __post_init__(self) -> None:
        if self.batch_size <= 0 or self.max_epochs <= 0:
            raise ValueError("batch_size and max_epochs must be positive")
        if not self.learning_rate > 0 or not 0 < self.reduce_lr_factor < 1:
            raise ValueError("learning_rate must be positive and reduce_lr_factor in (0, 1)")
        if self.class_weights not in ("balanced", "none"):
            raise ValueError(f"class_weights must be 'balanced' or 'none', got {self.class_weights!r}")
        if not 0 <= self.label_smoothing < 1:
            raise ValueError("label_smoothing must be in [0, 1)")
        if any(not v > 0 for v in self.class_weight_scale.values()):
            raise ValueError("class_weight_scale values must be positive")
        if self.frozen_layers < 0:
            raise ValueError("frozen_layers must not be negative")
        if self.init_layers is not None and self.init_layers < 1:
            raise ValueError("init_layers must be at least 1 (leave it out to import every layer)")
        if not 0 <= self.teacher_weight <= 1:
            raise ValueError("teacher_weight must be in [0, 1]")
        if self.ensemble_members < 1:
            raise ValueError("ensemble_members must be at least 1")
        if self.ensemble_members > 1 and not (self.init_expand and self.trainable_classes):
            raise ValueError("ensemble_members > 1 merges widened fine-tunes: it needs init_expand and "
                             "trainable_classes")


@dataclass(frozen=True)
class DataSettings:
    """Which clips train, validate and test, and how many unknown and silence samples (MLTK rules)."""

    keywords: tuple[str, ...] = DEFAULT_KEYWORDS
    validation_percent: float = 15.0  # the dataset's split (as kws dataset info / kws evaluate)
    testing_percent: float = 10.0
    split_method: str = "hash"  # "hash" (official rule) or "stratified" (see workbench.datasets.splits)
    # when set: the non-test clips are re-split by speaker, this percentage to validation (for data
    # whose speakers sit mostly in one official split, such as the shared Speech Commands subset)
    validation_resplit_percent: float | None = None
    unknown_percentage: float = 3.0  # unknown samples = this x the mean keyword count
    silence_percentage: float = 0.2  # generated silence (zeros + background noise), same base
    silence_clips: bool = True  # also use the dataset's own _silence_ clips as silence samples
    unknown_word_weights: dict[str, float] = field(default_factory=dict)  # "hard" words drawn more
    resample_unknown_each_epoch: bool = False  # MLTK draws one fixed set
    max_clips_per_word: int | None = None  # cap per word folder, for quick trial runs
    # words confused with the keywords ("go" for "no") learned as classes of their own (``_go_``, after
    # _silence_) from all their clips instead of as a share of _unknown_; never detected (``_`` names)
    negative_words: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.keywords:
            raise ValueError("keywords must name at least one word")
        if len(set(self.keywords)) != len(self.keywords):
            raise ValueError(f"keywords must be distinct, got {', '.join(self.keywords)}")
        if any(k in (SILENCE, UNKNOWN) for k in self.keywords):
            raise ValueError(f"{SILENCE} and {UNKNOWN} are added automatically; list only keywords")
        if self.unknown_percentage < 0 or self.silence_percentage < 0:
            raise ValueError("unknown_percentage and silence_percentage must not be negative")
        if self.split_method not in ("hash", "stratified"):
            raise ValueError(f"split_method must be 'hash' or 'stratified', got {self.split_method!r}")
        if self.validation_resplit_percent is not None and not 0 < self.validation_resplit_percent < 100:
            raise ValueError("validation_resplit_percent must be between 0 and 100")
        if any(w <= 0 for w in self.unknown_word_weights.values()):
            raise ValueError("unknown_word_weights must be positive")
        if self.max_clips_per_word is not None and self.max_clips_per_word < 1:  # a slice never drops clips
            raise ValueError(f"max_clips_per_word must be at least 1 (or left out for every clip), "
                             f"got {self.max_clips_per_word}")
        clash = sorted(set(self.negative_words) & set(self.keywords))
        if clash:
            raise ValueError(f"negative_words must not be keywords: {', '.join(clash)}")
        if any(w.startswith("_") or not w for w in self.negative_words) or \
                len(set(self.negative_words)) != len(self.negative_words):
            raise ValueError("negative_words must be distinct word folder names (not _silence_ or _unknown_)")

    @property
    def classes(self) -> tuple[str, ...]:
        return (*self.keywords, UNKNOWN, SILENCE, *(negative_class(w) for w in self.negative_words))


@dataclass(frozen=True)
class AugmentationSettings:
    """Random transforms of each training sample (MLTK ParallelAudioDataGenerator semantics)."""

    offset_range: tuple[float, float] = (0.0, 1.0)
    # share of samples placed at offset 0 (sound first, zeros after), where evaluation and validation
    # place every clip (MLTK's default transform); the rest draw from offset_range
    offset_zero_share: float = 0.0
    trim_threshold_db: float | None = 20.0
    bg_noise_range: tuple[float, float] | None = (0.0, 0.3)
    silence_noise_range: tuple[float, float] | None = None  # None: bg_noise_range, as MLTK
    loudness_range: tuple[float, float] | None = None
    speed_range: tuple[float, float] | None = None  # tempo factor, pitch kept
    pitch_range: tuple[float, float] | None = None  # semitones, tempo kept
    augment_validation: bool = False
    # context (issue 16: in a stream other words come a moment before and after every keyword, training
    # clips have none): this share of word samples gets the end of another training word's spoken part
    # context_gap_s (seconds, between the spoken parts) before its own and/or the start of one after,
    # at a gain from context_gain_db relative to its file level, as the stream builder sets levels
    context_share: float = 0.0
    context_gap_s: tuple[float, float] = (0.3, 1.2)
    context_gain_db: tuple[float, float] = (-3.0, 3.0)
    # frontend history (issue 16: on the device the frontend never restarts, so its noise estimate and
    # gain control have heard the words before; training clips start from fresh state): this share of
    # samples is rendered by a frontend that first heard history_lead_s of the sample's background noise,
    # another training word, and history_gap_s of noise up to the 1 s window
    history_share: float = 0.0
    history_gap_s: tuple[float, float] = (0.3, 1.2)
    history_lead_s: tuple[float, float] = (0.2, 1.0)
    # spectrogram masks (SpecAugment, Park et al. 2019; Edge Impulse offers them too): this share of samples
    # gets frequency_masks bands of 0..frequency_mask_channels channels and time_masks runs of
    # 0..time_mask_frames frames set to what silence renders to, so no single band or moment decides --
    # a stand-in for the voices, microphones and rooms a small dataset lacks
    mask_share: float = 0.0
    frequency_masks: int = 2
    frequency_mask_channels: int = 5
    time_masks: int = 2
    time_mask_frames: int = 5

    def __post_init__(self) -> None:
        for name in ("offset_range", "bg_noise_range", "silence_noise_range", "loudness_range",
                     "speed_range", "pitch_range", "context_gap_s", "context_gain_db", "history_gap_s",
                     "history_lead_s"):
            value = getattr(self, name)
            if value is not None and value[0] > value[1]:
                raise ValueError(f"{name} must be (low, high), got {list(value)}")
        if not 0.0 <= self.offset_zero_share <= 1.0:
            raise ValueError("offset_zero_share must be between 0 and 1")
        if self.speed_range is not None and self.speed_range[0] <= 0:
            raise ValueError("speed_range must be positive")
        if not 0.0 <= self.context_share <= 1.0:
            raise ValueError("context_share must be between 0 and 1")
        if self.context_gap_s[0] < 0:
            raise ValueError("context_gap_s must not be negative")
        if not 0.0 <= self.history_share <= 1.0:
            raise ValueError("history_share must be between 0 and 1")
        if self.history_gap_s[0] < 0 or self.history_lead_s[0] < 0:
            raise ValueError("history_gap_s and history_lead_s must not be negative")
        if not 0.0 <= self.mask_share <= 1.0:
            raise ValueError("mask_share must be between 0 and 1")
        if min(self.frequency_masks, self.frequency_mask_channels, self.time_masks, self.time_mask_frames) < 0:
            raise ValueError("frequency_masks, frequency_mask_channels, time_masks and time_mask_frames "
                             "must not be negative")


@dataclass(frozen=True)
class DetectionDefaults:
    """Detection parameters stored in the model; ``detection_threshold`` "auto" is chosen on validation."""

    average_window_duration_ms: int = 1000
    detection_threshold: int | None = None  # None ("auto"): see threshold_selection.py
    suppression_ms: int = 750
    minimum_count: int = 3
    volume_gain: float = 2.0
    latency_ms: int = 100

    def __post_init__(self) -> None:
        """The detector's own rules (:class:`~workbench.core.detection.settings.DetectionSettings`), checked when
        the spec is read: a value the model cannot carry must not be found after the training -- nor settings
        with which the trained model could never detect anything (an "auto" threshold is chosen below 255)."""
        from workbench.core.detection.never_detects import never_detects_reason
        from workbench.core.detection.settings import DetectionSettings

        threshold = 0 if self.detection_threshold is None else self.detection_threshold
        try:
            settings = DetectionSettings(self.average_window_duration_ms, threshold, self.suppression_ms,
                                         self.minimum_count, self.volume_gain, self.latency_ms)
        except SettingsError as exc:
            raise ValueError(str(exc)) from None
        reason = never_detects_reason(settings)
        if reason:
            raise ValueError(reason)


@dataclass(frozen=True)
class ConversionSettings:
    """Full-integer conversion."""

    representative_samples: int = 500  # validation spectrograms that calibrate int8 ranges

    def __post_init__(self) -> None:
        if self.representative_samples < 1:
            raise ValueError("representative_samples must be at least 1")


@dataclass(frozen=True)
class ModelSpec:
    """A parsed, validated spec (or recipe); ``table`` is the merged TOML it came from."""

    name: str
    description: str
    version: int
    layers: tuple[LayerSpec, ...]
    training: TrainingSettings
    data: DataSettings
    augmentation: AugmentationSettings
    frontend: FrontendSettings
    detection: DetectionDefaults
    conversion: ConversionSettings
    init_from: str | None = None
    source: Path | None = None
    table: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def classes(self) -> tuple[str, ...]:
        return self.data.classes

    @property
    def input_shape(self) -> tuple[int, int, int]:
        frames, channels = self.frontend.spectrogram_shape
        return (frames, channels, 1)

    def shapes(self) -> list[LayerShape]:
        return infer_shapes(self.layers, self.input_shape, len(self.classes))

    @property
    def macs(self) -> int:
        return sum(s.macs for s in self.shapes())

    def replace(self, **changes: Any) -> "ModelSpec":
        """A copy with top-level fields or whole settings objects replaced (keeps ``table`` in step)."""
        spec = dataclasses.replace(self, **changes)
        table = dict(spec.table)
        for key in ("training", "data", "augmentation", "detection", "conversion"):
            table[key] = settings_table(getattr(spec, key))
        table["frontend"] = {k[3:]: v for k, v in spec.frontend.to_params().items()}
        table["name"], table["init_from"] = spec.name, spec.init_from
        if "layers" in changes:
            table["layers"] = [layer.as_table() for layer in spec.layers]
        return dataclasses.replace(spec, table={k: v for k, v in table.items() if v is not None})

    def to_toml(self) -> str:
        """The full resolved spec as TOML (written into every output folder)."""
        from workbench.training.spec.toml_writer import dumps

        return dumps({k: v for k, v in self.table.items() if k != "extends"})


def spec_from_table(table: Mapping[str, Any], where: str, source: Path | None = None) -> ModelSpec:
    """Validate a merged spec table."""
    unknown = sorted(set(table) - set(_TOP_LEVEL))
    if unknown:
        raise SettingsError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(_TOP_LEVEL)})")
    layers_table = table.get("layers")
    if not isinstance(layers_table, list) or not layers_table:
        raise SettingsError(f"{where}: a spec needs at least one [[layers]] entry")
    layers = tuple(parse_layer(t, f"{where}: layer {i + 1}") for i, t in enumerate(layers_table))
    try:
        frontend = FrontendSettings(**dict(table.get("frontend") or {}))
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{where}: [frontend]: {exc}") from None
    name = table.get("name") or (source.stem if source else "model")
    spec = ModelSpec(
        name=str(name), description=str(table.get("description", "")), version=int(table.get("version", 1)),
        layers=layers,
        training=build_settings(TrainingSettings, table.get("training"), f"{where}: [training]"),
        data=build_settings(DataSettings, table.get("data"), f"{where}: [data]"),
        augmentation=build_settings(AugmentationSettings, table.get("augmentation"), f"{where}: [augmentation]"),
        frontend=frontend,
        detection=_detection(table.get("detection"), f"{where}: [detection]"),
        conversion=build_settings(ConversionSettings, table.get("conversion"), f"{where}: [conversion]"),
        init_from=table.get("init_from") or None, source=source, table=dict(table))
    try:
        spec.shapes()
    except SettingsError as exc:
        raise SettingsError(f"{where}: {exc}") from None
    _check_masks_fit(spec, where)
    return spec


def _check_masks_fit(spec: ModelSpec, where: str) -> None:
    """A mask wider than the spectrogram would silence all of every masked sample while it keeps its label."""
    frames, channels = spec.frontend.spectrogram_shape
    aug = spec.augmentation
    if aug.frequency_mask_channels > channels or aug.time_mask_frames > frames:
        raise SettingsError(f"{where}: [augmentation]: a mask must fit the {frames} x {channels} spectrogram: "
                            f"frequency_mask_channels at most {channels} (got {aug.frequency_mask_channels}), "
                            f"time_mask_frames at most {frames} (got {aug.time_mask_frames})")


def check_named_classes(setting: str, named: Iterable[str], classes: Sequence[str]) -> None:
    """A training setting that names classes (``class_weight_scale``, ``trainable_classes``) must name classes
    the run trains; a misspelt one would otherwise change nothing, silently."""
    unknown = sorted(set(named) - set(classes))
    if unknown:
        raise SettingsError(f"{setting} names {', '.join(unknown)}, which the run does not train (its classes: "
                            f"{', '.join(classes)})")


def _detection(table: Mapping[str, Any] | None, where: str) -> DetectionDefaults:
    table = dict(table or {})
    if table.get("detection_threshold") == "auto":
        table.pop("detection_threshold")
    return build_settings(DetectionDefaults, table, where)


def load_spec(name_or_path: str | Path) -> ModelSpec:
    """Parse and validate a shipped spec/recipe by name, or a spec file."""
    table, path = load_spec_table(name_or_path)
    return spec_from_table(table, str(path.name), source=path)


