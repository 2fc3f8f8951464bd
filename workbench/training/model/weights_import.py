"""``--init-from``: start training from an existing model's weights instead of random ones.

Why: a user with a few hundred clips of their own voice improves a good model far more than they
could train one from nothing, and the default model is fine-tuned from MLTK's reference. Sources:

* a Keras ``.h5`` (MLTK's archives hold one; legacy HDF5 layout ``model_weights/<layer>/...``),
* a Keras 3 ``.keras`` file,
* an MLTK ``.mltk.zip`` archive (its ``.h5`` is read in memory, never extracted),
* a ``.tflite`` model: int8 weights are dequantised; batch norm was folded into the convolution
  there, so the spec's batch-norm layer after it is set to pass its input through unchanged
  (:func:`calibrate_identity_batch_norm`, with real features, once training data exists).

Weights are matched layer by layer in order (layers that hold weights only) and must have the same
shapes: a model of another spec is refused with one sentence saying where they differ. With ``layers``
(a spec's ``init_layers``) only the first N layers with weights are taken -- the source's convolution
as a feature extractor under a new head, e.g. one trained on real speech of other words.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from workbench.core.errors import ModelError
from workbench.training.model.keras_builder import keras
from workbench.training.model.weight_expansion import ChannelGrowth, expand_layer

H5_SUFFIXES = (".h5", ".hdf5")
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
MAX_ARCHIVE_MEMBER_BYTES = 256 * 1024 * 1024


def _h5_layer_weights(h5: Any) -> list[tuple[str, list[np.ndarray]]]:
    group = h5["model_weights"] if "model_weights" in h5 else h5
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in group.attrs.get("layer_names", [])]
    layers = []
    for name in names:
        layer = group[name]
        weight_names = [w.decode() if isinstance(w, bytes) else str(w) for w in layer.attrs.get("weight_names", [])]
        if weight_names:
            layers.append((name, [np.asarray(layer[w]) for w in weight_names]))
    return layers


def _read_h5(data: bytes | Path, where: str) -> list[tuple[str, list[np.ndarray]]]:
    import h5py

    try:
        source = io.BytesIO(data) if isinstance(data, bytes) else str(data)
        with h5py.File(source, "r") as h5:
            layers = _h5_layer_weights(h5)
    except OSError as exc:
        raise ModelError(f"{where} is not a readable Keras .h5 file ({exc})") from None
    if not layers:
        raise ModelError(f"{where} holds no layer weights (is it a Keras model file?)")
    return layers


def _read_archive_h5(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if m.filename.lower().endswith(H5_SUFFIXES)]
            if not members:
                raise ModelError(f"{path} holds no Keras .h5 model to start from")
            member = min(members, key=lambda m: (m.filename.count("/"), len(m.filename)))
            if member.file_size > MAX_ARCHIVE_MEMBER_BYTES:
                raise ModelError(f"{path}: {member.filename} is too large to be a microcontroller model")
            return archive.read(member)
    except zipfile.BadZipFile:
        raise ModelError(f"{path} is not a valid zip archive") from None


def _read_keras(path: Path) -> list[tuple[str, list[np.ndarray]]]:
    try:
        model = keras.models.load_model(path, compile=False)
    except Exception as exc:  # Keras raises many types for a bad file
        raise ModelError(f"{path} is not a loadable .keras model ({str(exc).splitlines()[0]})") from None
    return [(layer.name, [np.asarray(w) for w in layer.get_weights()]) for layer in model.layers
            if layer.get_weights()]


def _read_tflite(path: Path) -> list[tuple[str, list[np.ndarray]]]:
    from workbench.core.model.model_file import load_model

    graph = load_model(path).graph
    layers = []
    for op in graph.operators:
        if op.op not in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"):
            continue
        weights = graph.tensor(op.inputs[1])
        bias = graph.tensor(op.inputs[2]) if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
        kernel = _dequantize(weights, axis=0 if op.op != "DEPTHWISE_CONV_2D" else 3)
        if op.op == "CONV_2D":  # OHWI -> HWIO
            kernel = kernel.transpose(1, 2, 3, 0)
        elif op.op == "DEPTHWISE_CONV_2D":  # 1 x H x W x (C*M) -> H x W x C x M
            kernel = kernel[0][:, :, :, None]
        else:  # (units, inputs) -> (inputs, units)
            kernel = kernel.T
        arrays = [kernel] + ([_dequantize(bias, axis=0)] if bias is not None else [])
        layers.append((f"{op.op.lower()}_{op.index}", arrays))
    if not layers:
        raise ModelError(f"{path} has no convolution or dense layer to take weights from")
    return layers


def _dequantize(tensor: Any, axis: int) -> np.ndarray:
    if tensor is None or tensor.data is None:
        raise ModelError("the .tflite model's weights are not stored in the file")
    values = np.frombuffer(tensor.data, dtype=np.dtype(tensor.dtype)).reshape(tensor.shape).astype(np.float64)
    if tensor.dtype.startswith("float"):
        return values.astype(np.float32)
    scale = np.asarray(tensor.scale, dtype=np.float64)
    zero = np.asarray(tensor.zero_point, dtype=np.float64)
    if scale.size > 1:
        shape = [1] * values.ndim
        shape[axis] = scale.size
        scale, zero = scale.reshape(shape), zero.reshape(shape)
    return ((values - zero) * scale).astype(np.float32)


def read_source_weights(path: str | Path) -> tuple[list[tuple[str, list[np.ndarray]]], bool]:
    """(layer name, arrays) per weighted layer of the model at ``path``; True when BN was folded."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"model to start from not found: {path}")
    name = path.name.lower()
    if name.endswith(".tflite"):
        return _read_tflite(path), True
    if zipfile.is_zipfile(path) and not name.endswith(".keras"):
        return _read_h5(_read_archive_h5(path), str(path)), False
    if name.endswith(".keras"):
        return _read_keras(path), False
    if not name.endswith(H5_SUFFIXES) and not _starts_like_hdf5(path):
        raise ModelError(f"{path} is no model to start from: give a .h5, .keras, .mltk.zip or .tflite model of the "
                         "same spec, or a bundled model's name")
    return _read_h5(path, str(path)), False


def _starts_like_hdf5(path: Path) -> bool:
    """True when the file begins with HDF5's signature (a Keras .h5 saved under another name)."""
    try:
        with path.open("rb") as stream:
            return stream.read(len(HDF5_SIGNATURE)) == HDF5_SIGNATURE
    except OSError:
        return False


def weight_key(path: str) -> str:
    """A weight's ``layer/variable`` name: the same in a model built from its spec and in one loaded from
    a checkpoint (Keras prefixes the model's name only in the first), so import masks match both."""
    return "/".join(path.split("/")[-2:])


def imported_mask(masks: dict[str, np.ndarray], variable: Any) -> np.ndarray | None:
    """Where ``variable`` (of a built or a loaded model) came from the source, or None if no part did."""
    return masks.get(weight_key(variable.path))


@dataclass
class Imported:
    """What an initialisation did: batch norms still to calibrate, and which weights came from the source."""

    pending_batch_norm: dict[str, np.ndarray] = field(default_factory=dict)  # layer -> scale factors
    masks: dict[str, np.ndarray] = field(default_factory=dict)  # weight_key -> True where imported


def _kind(layer: keras.layers.Layer) -> str:
    if isinstance(layer, keras.layers.DepthwiseConv2D):
        return "depthwise_conv2d"
    if isinstance(layer, keras.layers.Conv2D):
        return "conv2d"
    if isinstance(layer, keras.layers.Dense):
        return "dense"
    return "batch_norm"


def apply_weights(model: keras.Model, source: list[tuple[str, list[np.ndarray]]], folded_bn: bool,
                  where: str, expand: bool = False, layers: int | None = None) -> Imported:
    """Copy ``source`` into ``model``'s weighted layers in order (only the first ``layers`` when given).

    With ``expand`` a spec layer may be wider than the source's (see :mod:`.weight_expansion`);
    otherwise shapes must match. Returns, for a source with folded batch norm, each batch-norm layer
    still to calibrate with the per-channel factor its preceding layer was scaled by
    (:func:`_unfold_scale`), and the masks of the imported weights.
    """
    targets = [layer for layer in model.layers if layer.weights]
    if folded_bn:
        targets = [t for t in targets if not isinstance(t, keras.layers.BatchNormalization)]
    if layers is not None:
        if layers > min(len(targets), len(source)):
            raise ModelError(f"init_layers = {layers}, but {where} has {len(source)} layers with weights and the "
                             f"spec {len(targets)}{' besides batch norm (folded in a .tflite)' if folded_bn else ''}")
        targets, source = targets[:layers], source[:layers]
    elif len(targets) != len(source):
        raise ModelError(f"{where} has {len(source)} layers with weights but the spec has {len(targets)}: "
                         "start from a model of the same spec (or set init_layers to take only the first ones)")
    imported = Imported()
    growth: ChannelGrowth | None = None
    for target, (source_name, arrays) in zip(targets, source):
        current = [np.asarray(w) for w in target.get_weights()]
        if not expand and [w.shape for w in current] != [a.shape for a in arrays]:
            raise ModelError(f"{where}: layer {source_name} has weights {[list(a.shape) for a in arrays]} but the "
                             f"spec's {target.name} needs {[list(w.shape) for w in current]}: start from a model "
                             "of the same spec (or set init_expand to widen it, init_layers to take only the "
                             "layers before it)")
        grown, growth = expand_layer(_kind(target), current, arrays, growth, f"{where}: {source_name}")
        if target is model.layers[-1]:
            _mute_new_outputs(grown.arrays, arrays)
        target.set_weights(grown.arrays)
        for variable, mask in zip(target.weights, grown.imported):
            imported.masks[weight_key(variable.path)] = mask
    if folded_bn:
        for before, layer in zip(model.layers, model.layers[1:]):
            if isinstance(layer, keras.layers.BatchNormalization) and before in targets:
                imported.pending_batch_norm[layer.name] = _unfold_scale(before)
    return imported


def _mute_new_outputs(arrays: list[np.ndarray], source: list[np.ndarray]) -> None:
    """Zero the kernel columns of output units the source lacks (classes added to a trained model).

    A freshly initialised column over a few thousand flattened features gives its class logits as
    large as the trained ones, at random: the loss starts several times higher than the imported model's
    and the trained classes are shaken before the new one learns anything. At zero, a new class starts
    with no say (logit = its bias, 0) and learns from its own samples.
    """
    kernel, columns = arrays[0], source[0].shape[-1]
    if kernel.ndim == 2 and kernel.shape[1] > columns:
        kernel[:, columns:] = 0.0


def _unfold_scale(layer: keras.layers.Layer) -> np.ndarray:
    """Scale a layer whose weights had batch norm folded in back to a trainable size; returns the factors.

    Folding divides by the batch's standard deviation, which leaves kernels orders of magnitude
    smaller than a freshly initialised layer's; Adam moves every weight by about the learning rate per
    step whatever its size, so such a kernel would be wiped out in a few batches. Each output channel
    is therefore scaled to the He-normal standard deviation of its layer (sqrt(2 / fan_in), the size of
    a freshly initialised layer before a ReLU, close to MLTK's trained kernels); the batch norm after it
    takes the inverse factor (:func:`calibrate_identity_batch_norm`), so the model computes the same.
    """
    weights = layer.get_weights()
    kernel = weights[0]
    receptive = int(np.prod(kernel.shape[:-2]))
    fan_in = receptive * (kernel.shape[-2] if not isinstance(layer, keras.layers.DepthwiseConv2D) else 1)
    target = np.sqrt(2.0 / fan_in)
    spread = kernel.reshape(-1, kernel.shape[-1]).std(axis=0) if not isinstance(
        layer, keras.layers.DepthwiseConv2D) else kernel.reshape(-1, kernel.shape[-2] * kernel.shape[-1]).std(axis=0)
    factor = np.where(spread > 0, target / np.maximum(spread, 1e-12), 1.0).astype(np.float32)
    scaled = [kernel * factor.reshape(kernel.shape[-2:]) if isinstance(layer, keras.layers.DepthwiseConv2D)
              else kernel * factor] + [w * factor for w in weights[1:]]
    layer.set_weights(scaled)
    return factor


def calibrate_identity_batch_norm(model: keras.Model, pending: dict[str, np.ndarray], features: np.ndarray) -> None:
    """Make each batch-norm layer in ``pending`` undo its input's scale factor, for data like ``features``.

    With the layer input's statistics (mean, var) over ``features`` as moving statistics,
    gamma = sqrt(var + eps) / factor and beta = mean / factor give BN(x) = x / factor in inference
    mode (and, for batches like ``features``, in training mode too): the model computes exactly what
    the .tflite it came from computes.
    """
    for name, factor in pending.items():
        layer = model.get_layer(name)
        x = features.astype(np.float32)
        for before in model.layers[:model.layers.index(layer)]:
            x = np.asarray(before(x, training=False))
        axes = tuple(range(x.ndim - 1))
        mean, var = x.mean(axis=axes), x.var(axis=axes)
        gamma = np.sqrt(var + layer.epsilon) / factor
        layer.set_weights([gamma.astype(np.float32), (mean / factor).astype(np.float32), mean.astype(np.float32),
                           var.astype(np.float32)])


def initialise_from(model: keras.Model, path: str | Path, expand: bool = False, layers: int | None = None) -> Imported:
    """Load ``path``'s weights into ``model`` (see :func:`apply_weights`)."""
    source, folded = read_source_weights(path)
    return apply_weights(model, source, folded, str(path), expand, layers)
