"""Starting a wider model from a narrower one: the old filters and units copied in, new ones added.

Why: a trained model sometimes needs one more ability (MLTK's reference never learned that real
background noise is ``_silence_``) and its few filters cannot learn it without forgetting what they
know. Widening a layer (say 8 -> 10 convolution filters) and copying the trained weights into the
first part keeps the trained function exactly -- the new filters feed the next dense layer through
rows that start at zero -- while giving the new ability its own features. With ``frozen_layers`` the
copied part stays fixed and only the added part learns (:mod:`workbench.training.run.model_setup`).

Rules, layer by layer in order: an array of the same shape is copied; a larger one gets the source
in its leading slice (the rest keeps the fresh initialisation) -- convolution kernels along their
input and output channels, biases and batch-norm vectors along their channels; a dense kernel after
a flatten whose channels grew gets each source row at the position of the same (height, width,
channel) feature, and zeros in the rows of the new channels. ``imported`` masks say which entries
came from the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workbench.core.errors import ModelError


@dataclass
class ChannelGrowth:
    """The last layer's channels before and after widening (feeds a later flatten -> dense mapping)."""

    source: int
    target: int


@dataclass
class Expanded:
    arrays: list[np.ndarray]
    imported: list[np.ndarray] = field(default_factory=list)  # one boolean mask per array


def _leading(target: np.ndarray, source: np.ndarray, where: str) -> tuple[np.ndarray, np.ndarray]:
    if source.ndim != target.ndim or any(s > t for s, t in zip(source.shape, target.shape)):
        raise ModelError(f"{where}: weights {list(source.shape)} do not fit into {list(target.shape)}")
    out = target.copy()
    mask = np.zeros(target.shape, dtype=bool)
    region = tuple(slice(0, n) for n in source.shape)
    out[region] = source
    mask[region] = True
    return out, mask


def _dense_after_flatten(target: np.ndarray, source: np.ndarray, growth: ChannelGrowth,
                         where: str) -> tuple[np.ndarray, np.ndarray]:
    rows_t, rows_s = target.shape[0], source.shape[0]
    positions = rows_s // growth.source
    if positions * growth.source != rows_s or positions * growth.target != rows_t:
        raise ModelError(f"{where}: cannot map {rows_s} dense inputs onto {rows_t} after the channels grew "
                         f"from {growth.source} to {growth.target}")
    out = np.zeros_like(target)  # new features start with no say in any output
    out[:, source.shape[1]:] = target[:, source.shape[1]:]
    mask = np.zeros(target.shape, dtype=bool)
    rows = (np.arange(positions)[:, None] * growth.target + np.arange(growth.source)[None, :]).reshape(-1)
    out[rows, :source.shape[1]] = source
    mask[rows, :source.shape[1]] = True
    return out, mask


def _output_channels(kind: str, kernel: np.ndarray) -> int:
    if kind == "depthwise_conv2d":  # (height, width, channels, multiplier)
        return int(kernel.shape[2] * kernel.shape[3])
    return int(kernel.shape[-1])


def expand_layer(kind: str, targets: list[np.ndarray], sources: list[np.ndarray], growth: ChannelGrowth | None,
                 where: str) -> tuple[Expanded, ChannelGrowth | None]:
    """One layer's arrays with its source copied in, and the channel growth it passes on.

    ``kind``: ``conv2d``, ``depthwise_conv2d``, ``dense`` or ``batch_norm``.
    """
    if len(targets) != len(sources):
        raise ModelError(f"{where}: {len(sources)} weight arrays for a layer that has {len(targets)}")
    if kind == "depthwise_conv2d" and targets[0].shape[3] > 1 and targets[0].shape != sources[0].shape:
        raise ModelError(f"{where}: widening a depthwise layer with a depth multiplier is not supported")
    dense_rows = kind == "dense" and growth is not None
    result = Expanded([])
    for index, (target, source) in enumerate(zip(targets, sources)):
        if dense_rows and index == 0:
            array, mask = _dense_after_flatten(target, source, growth, where)  # type: ignore[arg-type]
        elif target.shape == source.shape:
            array, mask = source, np.ones(target.shape, dtype=bool)
        else:
            array, mask = _leading(target, source, where)
        result.arrays.append(np.asarray(array, dtype=target.dtype))
        result.imported.append(mask)
    if kind in ("conv2d", "depthwise_conv2d"):
        before, after = _output_channels(kind, sources[0]), _output_channels(kind, targets[0])
        return result, (ChannelGrowth(before, after) if after != before else growth if kind == "depthwise_conv2d"
                        else None)
    if kind == "dense":
        return result, None
    return result, growth
