"""What ``kws train`` was asked to do, recorded in ``run.json`` so ``--resume`` can repeat it.

Why a record: a resumed run must use the same datasets, spec, keywords, seed and starting weights as
the run it continues, whatever the second command line says; only the epoch limit may change.
"""

from __future__ import annotations

import json
import math
import shlex
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.core.errors import SettingsError
from workbench.datasets.dataset_option import WEIGHT_SEPARATOR, dataset_option_value
from workbench.run_folder_layout import RUN_KEYWORDS_KEY, RUN_SETTINGS_KEY, RUN_SPEC_KEY

REPEAT_COMMENT = "#"  # the spec.toml header's lines are TOML comments: the file reads as the spec alone
REPEAT_FOLDER_SUFFIX = "_repeat"  # the repeat command's --out: beside the run, as kws train needs a new folder
SPACE, DELETE = 0x20, 0x7F  # the control characters are below the one and the other itself
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\", "'": "\\'"}  # bash's $'...' escapes


def _folder(text: str) -> Path:
    """A dataset folder as given, ``~`` expanded."""
    return Path(text).expanduser()


@dataclass(frozen=True)
class DatasetArg:
    """A dataset folder and how strongly its training clips count (1.0: as is)."""

    path: Path
    weight: float = 1.0

    @classmethod
    def parse(cls, text: str) -> "DatasetArg":
        """``DIR`` or ``DIR:WEIGHT`` (a Windows drive letter is not mistaken for a weight). A folder whose own name
        ends in ``:NUMBER`` ("séance 12:30") is that folder when it exists: read as folder "séance 12" with weight 30
        it trained on another folder or none; ``séance 12:30:1`` gives it a weight. ``~`` is the home folder also
        where no shell expanded it (``--dataset=~/takes:2``): the scan expanded it, but the weight, matched against
        the folder as given, never applied."""
        head, sep, tail = text.rpartition(WEIGHT_SEPARATOR)
        if sep and head and len(head) > 1 and not _folder(text).is_dir():
            try:
                weight = float(tail)
            except ValueError:
                if _folder(head).is_dir() and not _folder(text).exists():  # DIR:abc -- a mistyped weight, not a folder
                    raise SettingsError(f"The weight of dataset {head} must be a number, not {tail!r}.") from None
                return cls(_folder(text))
            if not 0 < weight < math.inf:
                raise SettingsError(f"The weight of dataset {head} must be a positive number, not {tail}.")
            return cls(_folder(head), weight)
        return cls(_folder(text))

    def argument(self) -> str:
        """The ``--dataset`` text that gives this dataset again from anywhere: the folder absolute, the weight
        in full when it is not 1 (or the folder's name holds ":")."""
        return dataset_option_value(self.path.resolve(), self.weight)


@dataclass(frozen=True)
class TrainRequest:
    datasets: tuple[DatasetArg, ...]
    out: Path
    spec: str = "tflite_micro_speech"
    keywords: tuple[str, ...] | None = None
    epochs: int | None = None
    seed: int | None = None
    init_from: str | None = None
    resume: bool = False
    mltk_zip: bool = False
    workers: int = 0
    evaluate: bool = True
    command: tuple[str, ...] = field(default_factory=tuple)
    # spec settings changed for this run (kws train --set PATH=VALUE), in the order given; OUT/spec.toml holds
    # the result, so a resumed run reads them from there (applying them again to it changes nothing)
    settings: tuple[tuple[str, Any], ...] = ()

    def to_record(self) -> dict[str, Any]:
        """The request as ``run.json`` keeps it: folders absolute, so the record means the same from anywhere.

        ``init_from`` is stored as the run's start made it (absolute: see ``pipeline._anchored``); ``spec`` as
        typed, for the record only (a resumed run reads ``OUT/spec.toml``).
        """
        record = asdict(self)  # the field names are the keys (run_folder_layout names the two the GUI reads)
        record["datasets"] = [{"path": str(d.path.resolve()), "weight": d.weight} for d in self.datasets]
        record[RUN_SETTINGS_KEY] = {path: value for path, value in self.settings}
        record["out"] = str(self.out.resolve())  # a record of where it ran; --resume takes OUT from its command line
        record["versions"] = {"workbench": __version__, "python": sys.version.split()[0]}
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "TrainRequest":
        datasets = tuple(DatasetArg(Path(d["path"]), float(d.get("weight", 1.0))) for d in record["datasets"])
        keywords = tuple(record[RUN_KEYWORDS_KEY]) if record.get(RUN_KEYWORDS_KEY) else None
        return cls(datasets=datasets, out=Path(record["out"]), spec=record.get(RUN_SPEC_KEY, ""), keywords=keywords,
                   epochs=record.get("epochs"), seed=record.get("seed"), init_from=record.get("init_from"),
                   mltk_zip=bool(record.get("mltk_zip")), workers=int(record.get("workers", 0)),
                   evaluate=bool(record.get("evaluate", True)), command=tuple(record.get("command", ())),
                   settings=tuple(dict(record.get(RUN_SETTINGS_KEY) or {}).items()))

    def resumed(self, stored: "TrainRequest") -> "TrainRequest":
        """The stored run's request with this command line's epoch limit, workers and outputs."""
        epochs = self.epochs if self.epochs is not None else stored.epochs
        return replace(stored, out=self.out, resume=True, epochs=epochs,
                       workers=self.workers or stored.workers, mltk_zip=self.mltk_zip or stored.mltk_zip)


def dumps(request: TrainRequest) -> str:
    return json.dumps(request.to_record(), indent=2) + "\n"


def repeat_header(request: TrainRequest, spec_path: Path) -> str:
    """The comment lines ``OUT/spec.toml`` starts with: the ``kws train`` command that repeats the run.

    Why: the spec holds every setting the run trained with (``--epochs``, ``--seed``, ``--keywords``,
    ``--init-from`` and ``--set`` included), but a spec cannot name the datasets, so ``--spec OUT/spec.toml``
    alone trains on nothing; the command adds them as this run had them (and a new ``--out``: kws train refuses
    a folder that holds a run). The other options (``--workers``, ``--no-evaluate``, ``--mltk-zip``) do not
    change the model.
    """
    command = ["kws", "train", "--spec", str(spec_path.resolve())]
    for dataset in request.datasets:
        command += ["--dataset", dataset.argument()]
    command += ["--out", f"{request.out.resolve()}{REPEAT_FOLDER_SUFFIX}"]
    return (f"{REPEAT_COMMENT} every setting this training run used, its command-line options included; a spec names "
            f"no datasets,\n{REPEAT_COMMENT} so repeat the run with\n{REPEAT_COMMENT}   "
            f"{' '.join(map(shell_word, command))}\n")


def shell_word(text: str) -> str:
    """``text`` as one word of a POSIX shell command on one line: quoted as :func:`shlex.quote` does, or, when it
    holds a line break or another control character, in bash's ``$'...'`` form with escapes. Why: a dataset folder
    whose name held a line break split the spec.toml's comment line, and the spec (and so ``--resume``) no longer
    read as TOML."""
    if not any(ord(char) < SPACE or ord(char) == DELETE for char in text):
        return shlex.quote(text)
    escaped = "".join(_ESCAPES.get(char, f"\\x{ord(char):02x}" if ord(char) < SPACE or ord(char) == DELETE else char)
                      for char in text)
    return f"$'{escaped}'"
