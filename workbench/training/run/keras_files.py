"""Keras model files as bytes, so that a run writes them like every other file: atomically.

Why not ``model.save(path)``: Keras and h5py write straight into the file. When the disk fills, h5py
raises a raw HDF5 message, keeps its half-written file open, fails again when that object is
finalised and can crash the interpreter at exit (a segfault instead of an error), and the temporary
file stays behind. These files are the size of a tiny model, so they are serialised in memory first;
the only disk write is then :func:`workbench.core.atomic_write.atomic_write_bytes`, which fails with
one sentence naming the file, removes its temporary file and leaves the previous file as it was.

The serialisers are Keras' own (the ones ``model.save`` and ``model.save_weights`` call), given an
in-memory file instead of a path, so the bytes are exactly what those calls would write. They live in
Keras' private modules; should a Keras release move them, ``model.save`` into the system's temporary
folder takes their place.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Callable

from workbench.training.model.keras_builder import keras  # first: it quiets TensorFlow before Keras loads

# the weights entry of a .keras archive: the same HDF5 file ``model.save_weights("x.weights.h5")`` writes
ARCHIVE_WEIGHTS_ENTRY = "model.weights.h5"


def _saved_through_a_temporary_file(save: Callable[[str], None], suffix: str) -> bytes:
    """What ``save(path)`` writes, read back from the system's temporary folder.

    Why: the fallback for a Keras whose in-memory serialisers moved (they are not public API); a full
    temporary folder then fails as Keras fails, but the run's own folder is still written atomically.
    """
    with tempfile.TemporaryDirectory(prefix="kws-keras-") as folder:
        path = Path(folder) / f"model{suffix}"
        save(str(path))
        return path.read_bytes()


def _in_memory_serialisers() -> tuple[Any, Any] | None:
    """Keras' own ``.keras`` and legacy ``.h5`` serialisers, or None when this Keras keeps them elsewhere."""
    try:  # after keras_builder (see the import above)
        from keras.src.legacy.saving import legacy_h5_format
        from keras.src.saving import saving_lib
    except ImportError:
        return None
    return saving_lib, legacy_h5_format


def keras_archive(model: keras.Model) -> bytes:
    """The ``.keras`` file of ``model`` (architecture, weights and optimizer state)."""
    serialisers = _in_memory_serialisers()
    if serialisers is None:
        return _saved_through_a_temporary_file(model.save, ".keras")
    buffer = io.BytesIO()
    serialisers[0].save_model(model, buffer)
    return buffer.getvalue()


def archive_weights(archive: bytes) -> bytes:
    """The ``.weights.h5`` file of the model in a ``.keras`` archive (what ``model.load_weights`` reads).

    Why from the archive rather than a second serialisation: ``save_weights`` writes the very same HDF5
    file (one walk over the model's state), and a checkpoint's best weights then match its archive.
    """
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        return zipped.read(ARCHIVE_WEIGHTS_ENTRY)


def legacy_h5(model: keras.Model) -> bytes:
    """The legacy ``.h5`` file of ``model`` (what ``model.save("x.h5")`` writes; MLTK's tools read it)."""
    import h5py

    serialisers = _in_memory_serialisers()
    if serialisers is None:
        return _saved_through_a_temporary_file(model.save, ".h5")
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        serialisers[1].save_model_to_hdf5(model, h5, include_optimizer=True)
    return buffer.getvalue()
