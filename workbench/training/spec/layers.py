"""The layer vocabulary of model spec files, and the shapes and MACs a layer list implies.

Why without TensorFlow: ``kws specs`` and the GUI show each spec's MACs and parameter count so a user
can trade compute for accuracy before training, and a spec's mistakes (a misspelt option, a kernel
larger than its input) are reported with the file and layer named, before TensorFlow is loaded.

MACs are counted as ``workbench.profiler`` (and MLTK) counts them on the converted int8 model:
batch norm folds into the convolution before it, ReLU fuses, dropout disappears, flatten is a
reshape, pooling and global pooling have no MACs; a test checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from workbench.core.errors import SettingsError
from workbench.training.spec.values import coerce

CLASSES_UNITS = "classes"  # a dense layer whose width is the number of classes
PADDINGS = ("same", "valid")
ACTIVATIONS = ("none", "relu", "softmax")

# kind -> {option: (type, default)}; None default = required
_PAIR = tuple[int, int]
LAYER_OPTIONS: dict[str, dict[str, tuple[Any, Any]]] = {
    "conv2d": {"filters": (int, None), "kernel": (_PAIR, None), "strides": (_PAIR, (1, 1)),
               "padding": (str, "same"), "use_bias": (bool, True)},
    "depthwise_conv2d": {"kernel": (_PAIR, None), "strides": (_PAIR, (1, 1)), "padding": (str, "same"),
                         "depth_multiplier": (int, 1), "use_bias": (bool, True)},
    "batch_norm": {"momentum": (float, 0.99), "epsilon": (float, 0.001)},
    "relu": {},
    "dropout": {"rate": (float, None)},
    "flatten": {},
    "average_pool": {"pool": (_PAIR, None), "strides": (_PAIR | None, None), "padding": (str, "valid")},
    "max_pool": {"pool": (_PAIR, None), "strides": (_PAIR | None, None), "padding": (str, "valid")},
    "global_average_pool": {},
    "dense": {"units": (int | str, CLASSES_UNITS), "activation": (str, "none"), "use_bias": (bool, True)},
}


@dataclass(frozen=True)
class LayerSpec:
    """One layer of a spec: its kind and every option (defaults filled in)."""

    kind: str
    options: tuple[tuple[str, Any], ...]

    def get(self, name: str) -> Any:
        return dict(self.options)[name]

    def as_table(self) -> dict[str, Any]:
        table: dict[str, Any] = {"type": self.kind}
        for key, value in self.options:
            if value is not None:
                table[key] = list(value) if isinstance(value, tuple) else value
        return table


@dataclass(frozen=True)
class LayerShape:
    """What one layer does to a (height, width, channels) or (features,) shape."""

    layer: LayerSpec
    output_shape: tuple[int, ...]
    macs: int
    params: int


def parse_layer(table: Mapping[str, Any], where: str) -> LayerSpec:
    """A validated :class:`LayerSpec` from a ``[[layers]]`` table."""
    table = dict(table)
    kind = table.pop("type", None)
    if not isinstance(kind, str) or kind not in LAYER_OPTIONS:  # (a list or table is no name, and unhashable)
        raise SettingsError(f"{where}: 'type' must be one of {', '.join(LAYER_OPTIONS)}, got {kind!r}")
    allowed = LAYER_OPTIONS[kind]
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise SettingsError(f"{where} ({kind}): unknown option {unknown[0]!r}"
                            f" (known: {', '.join(allowed) or 'none'})")
    options = []
    for name, (kind_type, default) in allowed.items():
        if name in table:
            value = coerce(table[name], kind_type, f"{where}.{name}")
        elif default is None and not _optional(kind_type):
            raise SettingsError(f"{where} ({kind}): option {name!r} is required")
        else:
            value = default
        options.append((name, value))
    layer = LayerSpec(kind, tuple(options))
    _check_values(layer, where)
    return layer


def _optional(kind_type: Any) -> bool:
    return type(None) in getattr(kind_type, "__args__", ())


def _check_values(layer: LayerSpec, where: str) -> None:
    opts = dict(layer.options)
    if "padding" in opts and opts["padding"] not in PADDINGS:
        raise SettingsError(f"{where}: padding must be one of {', '.join(PADDINGS)}, got {opts['padding']!r}")
    if "activation" in opts and opts["activation"] not in ACTIVATIONS:
        raise SettingsError(f"{where}: activation must be one of {', '.join(ACTIVATIONS)}, "
                            f"got {opts['activation']!r}")
    if layer.kind == "dropout" and not 0.0 <= opts["rate"] < 1.0:
        raise SettingsError(f"{where}: dropout rate must be in [0, 1), got {opts['rate']}")
    units = opts.get("units")
    if isinstance(units, str) and units != CLASSES_UNITS:
        raise SettingsError(f"{where}: units must be a number or {CLASSES_UNITS!r}, got {units!r}")
    for name in ("filters", "depth_multiplier", "units"):
        if isinstance(opts.get(name), int) and opts[name] <= 0:
            raise SettingsError(f"{where}: {name} must be positive, got {opts[name]}")
    for name in ("kernel", "strides", "pool"):
        if opts.get(name) is not None and min(opts[name]) <= 0:
            raise SettingsError(f"{where}: {name} must be positive, got {list(opts[name])}")


def _spatial_out(size: int, window: int, stride: int, padding: str) -> int:
    if padding == "same":
        return -(-size // stride)
    return (size - window) // stride + 1


def infer_shapes(layers: tuple[LayerSpec, ...], input_shape: tuple[int, int, int],
                 n_classes: int) -> list[LayerShape]:
    """Each layer's output shape, MACs and trainable+BN parameters; SettingsError when impossible."""
    shape: tuple[int, ...] = tuple(input_shape)
    result: list[LayerShape] = []
    for index, layer in enumerate(layers):
        where = f"layer {index + 1} ({layer.kind})"
        opts = dict(layer.options)
        macs = params = 0
        if layer.kind in ("conv2d", "depthwise_conv2d", "average_pool", "max_pool"):
            if len(shape) != 3:
                raise SettingsError(f"{where} needs a height x width x channels input, got {list(shape)}")
            h, w, c = shape
            window = opts.get("kernel") or opts["pool"]
            strides = opts.get("strides") or window
            oh = _spatial_out(h, window[0], strides[0], opts["padding"])
            ow = _spatial_out(w, window[1], strides[1], opts["padding"])
            if oh <= 0 or ow <= 0:
                raise SettingsError(f"{where}: a {window[0]}x{window[1]} window does not fit a {h}x{w} input")
            taps = window[0] * window[1]
            if layer.kind == "conv2d":
                oc = opts["filters"]
                macs, params = oh * ow * oc * taps * c, taps * c * oc + (oc if opts["use_bias"] else 0)
            elif layer.kind == "depthwise_conv2d":
                oc = c * opts["depth_multiplier"]
                macs, params = oh * ow * oc * taps, taps * oc + (oc if opts["use_bias"] else 0)
            else:
                oc = c
            shape = (oh, ow, oc)
        elif layer.kind == "batch_norm":
            params = 4 * shape[-1]
        elif layer.kind == "flatten":
            shape = (_product(shape),)
        elif layer.kind == "global_average_pool":
            if len(shape) != 3:
                raise SettingsError(f"{where} needs a height x width x channels input, got {list(shape)}")
            shape = (shape[-1],)
        elif layer.kind == "dense":
            if len(shape) != 1:
                raise SettingsError(f"{where} needs a flat input: add a flatten or global_average_pool "
                                    f"layer before it (input is {list(shape)})")
            units = n_classes if opts["units"] == CLASSES_UNITS else int(opts["units"])
            macs, params = shape[0] * units, shape[0] * units + (units if opts["use_bias"] else 0)
            shape = (units,)
        result.append(LayerShape(layer, shape, macs, params))
    last = layers[-1] if layers else None
    if last is None or last.kind != "dense" or last.get("activation") != "softmax":
        raise SettingsError("the last layer must be a dense layer with activation = \"softmax\"")
    if result[-1].output_shape != (n_classes,):
        raise SettingsError(f"the last layer must output one score per class ({n_classes}), "
                            f"got {list(shape)}")
    return result


def _product(shape: tuple[int, ...]) -> int:
    total = 1
    for d in shape:
        total *= d
    return total
