"""Loading models from ``.tflite`` files and MLTK ``.mltk.zip`` archives, safely, and saving copies.

A model is held as bytes plus its parsed parameters (:class:`LoadedModel`), so changing parameters or
saving never touches the user's original file. Archives are read in memory, never extracted: members
with absolute or ``..`` paths are refused and sizes are capped, so a hostile archive cannot write files
or exhaust memory.
"""

from __future__ import annotations

import dataclasses
import hashlib
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Mapping

from workbench.core.atomic_write import atomic_write_bytes
from workbench.core.errors import ModelError
from workbench.core.model.model_input import SpectrogramInput, spectrogram_input
from workbench.core.model.model_params import TFLITE_IDENTIFIER, read_params, read_params_and_identity, write_params
from workbench.core.model.tflite_graph import ModelGraph, parse_model

MAX_MODEL_BYTES = 64 * 1024 * 1024  # far above any microcontroller model; refuses accidents and bombs
MAX_ARCHIVE_BYTES = 4 * MAX_MODEL_BYTES  # declared uncompressed total of an archive
MAX_ARCHIVE_MEMBERS = 10_000
_MB = 1024 * 1024
TFLITE_SUFFIX = ".tflite"
ARCHIVE_SUFFIX = ".mltk.zip"
# the last suffix of a file the workbench opens as a model (an .mltk.zip ends in .zip)
MODEL_FILE_SUFFIXES = (TFLITE_SUFFIX, Path(ARCHIVE_SUFFIX).suffix)
# what a load failure's ``reason`` (ModelError) starts with when the message names the file in passing
NOT_FOUND = "was not found"
NOT_READ = "could not be read"
NOT_OPENED = "could not be opened"
# a zip file starts with a member's local header, or with the end record when it has no members
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
DAMAGED_ZIP = "is a damaged or truncated zip archive (not a valid zip file); copy or download it again"
# what reading a damaged archive raises: a bad directory or CRC, bad deflate data, a member cut short
_DAMAGED_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError)


@dataclass(frozen=True)
class LoadedModel:
    name: str
    tflite: bytes = field(repr=False)
    params: dict[str, Any]
    path: Path | None = None
    # a hash of the model without its parameters (read_params_and_identity): a rewrite of only the parameters
    # keeps it, so what was tuned for the model follows it; "" where it was not computed
    identity: str = field(default="", repr=False, compare=False)
    # the flatbuffer parsed once, at load: the classes, the runner, the output's kind and the views read this one
    graph: ModelGraph = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.graph is None:
            object.__setattr__(self, "graph", parse_model(self.tflite))

    @property
    def classes(self) -> tuple[str, ...]:
        """Class labels from the parameters, else ``class_0..`` from the output size."""
        classes = self.params.get("classes")
        if isinstance(classes, str) and classes:
            return tuple(c.strip() for c in classes.split(","))
        if isinstance(classes, (list, tuple)) and classes:
            return tuple(str(c) for c in classes)
        out = self.graph.tensors[self.graph.outputs[0]].shape
        return tuple(f"class_{i}" for i in range(int(out[-1]) if out else 1))

    @property
    def file_size(self) -> int:
        return len(self.tflite)

    @property
    def digest(self) -> str:
        """The SHA-256 of the whole flatbuffer (hex): its parameters change it too."""
        return hashlib.sha256(self.tflite).hexdigest()

    @property
    def network_digest(self) -> str:
        """The network's digest: :attr:`identity` (the model without its parameters), else :attr:`digest`. What
        tells this network from another saved under the same name, whatever parameters were saved into it since."""
        return self.identity or self.digest

    @property
    def spectrogram(self) -> SpectrogramInput:
        """How the frontend's spectrogram (``fe.*``, else the defaults) fills the model's input, without loading
        LiteRT: the rule :class:`~workbench.core.model.inference.ModelRunner` applies, for views that only
        describe the model (``problem`` is the sentence ``kws detect`` would fail with)."""
        graph = self.graph
        if not graph.inputs:
            raise ModelError(f"{self.name} has no input tensor, so no spectrogram can be fed to it")
        return spectrogram_input(graph.tensors[graph.inputs[0]].shape, self.params)


def _file_error(path: Path | str, reason: str) -> ModelError:
    """``PATH REASON``, the reason kept apart (:class:`ModelError`) for a caller that names the file its own way."""
    return ModelError(f"{path} {reason}", reason=reason)


def model_from_bytes(data: bytes, name: str, path: Path | None = None) -> LoadedModel:
    """Validate TFLite bytes (identifier, parseable graph, parameters) and wrap them.

    ``name`` is used when the parameters carry none; errors name ``path`` (or ``name``).
    """
    where = str(path) if path is not None else name
    if len(data) < len(TFLITE_IDENTIFIER) * 2 or data[4:8] != TFLITE_IDENTIFIER:
        raise _file_error(where, "is not a TensorFlow Lite model (no 'TFL3' identifier)")
    try:
        params, identity = read_params_and_identity(data)
        graph = parse_model(data)
    except ModelError as exc:
        raise ModelError(f"{where}: {exc}", reason=f"{NOT_OPENED}: {exc}") from None
    return LoadedModel(str(params.get("name") or name), data, dict(params), path, identity, graph)


def _read_archive(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ARCHIVE_MEMBERS:
                raise _file_error(path, f"has too many members ({len(members)}) to be an MLTK model archive")
            if sum(m.file_size for m in members) > MAX_ARCHIVE_BYTES:
                raise _file_error(path, f"unpacks to more than {MAX_ARCHIVE_BYTES // _MB} MB; "
                                        "refusing to read it as a model archive")
            for info in members:
                pure = PurePosixPath(info.filename.replace("\\", "/"))
                if pure.is_absolute() or ".." in pure.parts or info.filename.startswith("/"):
                    raise _file_error(path, f"contains an unsafe path ({info.filename!r}); refusing to read it")
            models = [m for m in members if m.filename.endswith(TFLITE_SUFFIX) and not m.is_dir()]
            if not models:
                raise _file_error(path, "contains no .tflite model")
            # MLTK archives hold <name>.tflite (float models may add <name>.float32.tflite); prefer the plain one
            models.sort(key=lambda m: (m.filename.count("."), len(m.filename)))
            member = models[0]
            too_large = f"{member.filename} is larger than {MAX_MODEL_BYTES // _MB} MB"
            if member.file_size > MAX_MODEL_BYTES:
                raise ModelError(f"{path}: {too_large}", reason=f"{NOT_OPENED}: {too_large}")
            with archive.open(member) as fh:
                data = fh.read(MAX_MODEL_BYTES + 1)
            if len(data) > MAX_MODEL_BYTES:
                raise ModelError(f"{path}: {too_large}", reason=f"{NOT_OPENED}: {too_large}")
            return data
    except _DAMAGED_ZIP_ERRORS:
        raise _file_error(path, DAMAGED_ZIP) from None
    except (OSError, RuntimeError, NotImplementedError) as exc:
        raise ModelError(f"cannot read {path}: {exc}", reason=f"{NOT_READ}: {exc}") from None


def load_model(path: str | Path) -> LoadedModel:
    """A model from a ``.tflite`` or ``.mltk.zip`` file; every failure is a clear ModelError."""
    path = Path(path)
    if not path.exists():
        raise ModelError(f"model file not found: {path}", reason=NOT_FOUND)
    if not path.is_file():
        what = "is a folder, not a model file" if path.is_dir() else "is not a model file"
        raise ModelError(f"{path} {what}: give a .tflite or .mltk.zip file", reason=what)
    name = path.name
    for suffix in (ARCHIVE_SUFFIX, TFLITE_SUFFIX, ".zip"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    if zipfile.is_zipfile(path):
        data = _read_archive(path)
    else:
        if path.stat().st_size > MAX_MODEL_BYTES:
            raise _file_error(path, f"is larger than {MAX_MODEL_BYTES // _MB} MB; not a microcontroller model")
        try:
            data = path.read_bytes()
        except OSError as exc:
            why = exc.strerror or exc
            raise ModelError(f"cannot read {path}: {why}", reason=f"{NOT_READ}: {why}") from None
        if data and _is_damaged_zip(data, path):  # (an empty file is said to be empty)
            raise _file_error(path, DAMAGED_ZIP)
    if not data:
        raise _file_error(path, "is empty")
    return model_from_bytes(data, name, path)


def _is_damaged_zip(data: bytes, path: Path) -> bool:
    """Whether bytes that :func:`zipfile.is_zipfile` refused were meant as a zip archive: they start as one
    (a download or copy cut short loses the directory at the end), or the file is named ``.zip`` and holds
    no TFLite model either. Why: "not a TensorFlow Lite model" would send the user after the wrong file."""
    if data.startswith(ZIP_SIGNATURES):
        return True
    return path.name.lower().endswith(Path(ARCHIVE_SUFFIX).suffix) and data[4:8] != TFLITE_IDENTIFIER


def model_with_params(model: LoadedModel, params: Mapping[str, Any]) -> LoadedModel:
    """A copy of ``model`` whose parameters are updated with ``params`` (keys mapped to None are removed)."""
    merged = {k: v for k, v in {**model.params, **params}.items() if v is not None}
    data = write_params(model.tflite, merged)
    return dataclasses.replace(model, tflite=data, params=read_params(data))


def model_copy_path(path: str | Path) -> Path:
    """Where a model copy is written: ``.tflite`` added to a name without a suffix; ModelError for another
    suffix (the bytes are a .tflite model whatever the name says, and the board tools go by the suffix)
    and for a folder (``folder`` + ``.tflite`` would be a file beside it the user never named, as
    ``kws params -o FOLDER`` refuses it too)."""
    target = Path(path)
    if target.is_dir():
        raise ModelError(f"Cannot write {target}: it is a folder.")
    if not target.suffix:
        return target.with_name(target.name + TFLITE_SUFFIX)
    if target.suffix.lower() != TFLITE_SUFFIX:
        raise ModelError(f"Cannot save the model copy as {target.name}: name it with the {TFLITE_SUFFIX} suffix.")
    return target


def changed_on_disk(model: LoadedModel) -> bool:
    """Whether the model's own file no longer holds the model as it was loaded: another tool (``kws params
    --in-place``, a re-export) rewrote it since. Why: writing the model's bytes back over it would undo that
    silently. A file that is gone has nothing to lose; one that cannot be read counts as changed."""
    path = model.path
    if path is None or not Path(path).exists():
        return False
    try:
        on_disk = _read_archive(Path(path)) if zipfile.is_zipfile(path) else Path(path).read_bytes()
    except (OSError, ModelError):
        return True
    return on_disk != model.tflite


def save_model(model: LoadedModel, path: str | Path) -> Path:
    """Write the model's bytes atomically."""
    path = Path(path)
    atomic_write_bytes(path, model.tflite, clean_stale=True)  # one model file: its folder is listed once
    return path
