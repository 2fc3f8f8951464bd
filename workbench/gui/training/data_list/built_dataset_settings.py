"""What a dataset built with "Synthesize…" puts in the Training form: its folder in the Data list, its words in the
Keywords field (:meth:`~workbench.gui.training.keywords_field.KeywordsField.take_built`), and -- when its clips are
longer than the model hears -- their length as the model's.

Why the length: a phrase too long for 1 s is built into longer clips (the builder's Clip length, ``kws dataset synth
--sample-ms``); trained at the spec's 1 s, each clip is cut to its first second -- the phrase the clips were made long
for -- and the run only warns. ``kws dataset synth`` ends with a "train with" line that adds ``--set
frontend.sample_length_ms=MS``; the form does the same, as a changed setting: its Settings row shows it, the status
line says why, and the run's ``run.json`` and ``spec.toml`` record it. The length comes from the build's
``synth.json`` (:func:`~workbench.datasets.synthetic.synthetic_clip_ms`), not from measuring clips.

Why the length follows the Data list afterwards: it was set for those clips. While the list holds synthetic clips
longer than the spec's input, the form trains at the longest of them (shorter clips are padded); once none is left
(the built folder removed, Speech Commands chosen instead) a longer input would hear only padding, so the spec's own
length comes back -- both said in the status line. A length the user set (in "Change…", or by choosing another spec
or a run folder, which replace the changed settings) is theirs: nothing here changes it again. So is the length set
here once the user accepts "Change…" with it unchanged: they saw it there and kept it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject

from workbench.core.errors import SettingsError
from workbench.core.toml_file import toml_or_text, toml_value
from workbench.datasets.synthetic import SAMPLE_LENGTH_SETTING, synthetic_clip_ms
from workbench.gui.training.data_list.dataset_panel import DatasetPanel
from workbench.gui.training.training_settings_view import TrainingSettingsView
from workbench.spec_files import spec_sample_length_ms

if TYPE_CHECKING:
    from workbench.gui.window.workspace_host import WorkspaceHost

LENGTH_SET = ("Sample length set to {ms} ms ({setting}), the length of the clips built in {folder}: the model hears "
              "the whole phrase.")
LENGTH_BACK = ("The sample length is the spec's own {ms} ms again: no dataset in the Data list has longer clips "
               "(it was {was} ms for the clips built in {folder}).")


@dataclass(frozen=True)
class LongClips:
    """The longest synthetic clips of the Data list: how long, in whole ms, and the folder that holds them."""

    ms: int
    folder: Path


def longest_clips(folders: list[Path]) -> LongClips | None:
    """The longest clips ``folders`` were synthesised with (their manifests); None when none is synthetic."""
    lengths = [(clip_ms, folder) for folder in folders if (clip_ms := synthetic_clip_ms(folder)) is not None]
    if not lengths:
        return None
    clip_ms, folder = max(lengths, key=lambda pair: pair[0])
    return LongClips(math.ceil(clip_ms), folder)  # a model shorter than its clips by a fraction of a ms still cuts


class BuiltDatasetSettings(QObject):
    """Takes each build of the dataset builder into ``datasets`` and ``settings``; ``say`` gets the status line."""

    def __init__(self, datasets: DatasetPanel, settings: TrainingSettingsView, say: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.datasets, self.settings, self.say = datasets, settings, say
        self.set_ms: int | None = None  # the length set here that the form still trains at; None: none
        self._set_for: Path | None = None  # the folder whose clips it was set for
        datasets.changed.connect(self._follow_datasets)
        settings.spec_settings_changed.connect(self._forget_if_replaced)
        settings.spec_settings_accepted.connect(self._forget)

    def open_builder(self, host: "WorkspaceHost", parent: Any) -> Any:
        """The synthetic dataset builder, whose builds join the form (:meth:`take`)."""
        from workbench.gui.datasets.dataset_builder_dialog import open_dataset_builder  # the dialog is not small

        dialog = open_dataset_builder(host, parent)
        dialog.built.connect(self.take)
        return dialog

    def take(self, folder: str) -> None:
        """A dataset was built in ``folder``: it joins the Data list, its words the Keywords field, and its clip length
        becomes the model's when the form's is shorter (module docstring); a length set here follows the build also
        when ``folder`` was listed already (emptied and built again at another length: the list itself is unchanged)."""
        self.datasets.add_folder(folder)
        self.settings.take_built_keywords(folder)
        if self.set_ms is not None:  # a folder already listed, built again (at another length), changes no list
            self._follow_datasets()
        longest, form_ms = longest_clips(self.datasets.folders()), self.form_ms()
        if longest is not None and form_ms is not None and longest.ms > form_ms and self._editable():
            self._train_at(longest)

    def form_ms(self) -> int | None:
        """The sample length the form trains at: its changed setting, else the chosen spec's; None when unreadable
        (``kws train`` says why)."""
        changed = self.settings.spec_settings.get(SAMPLE_LENGTH_SETTING)
        if changed is not None:
            value = toml_or_text(changed)
            return value if isinstance(value, int) and not isinstance(value, bool) else None
        return self._spec_ms()

    def _spec_ms(self) -> int | None:
        try:
            return spec_sample_length_ms(self.settings.chosen_spec())
        except SettingsError:
            return None

    def _editable(self) -> bool:
        """Whether the spec's settings may change: not while a run, or a stopped run's Resume, holds them."""
        return self.settings.settings_button.isEnabled()

    def _train_at(self, longest: LongClips) -> None:
        self.set_ms, self._set_for = longest.ms, longest.folder  # before the change: _forget_if_replaced sees it
        self.settings.set_spec_settings({**self.settings.spec_settings, SAMPLE_LENGTH_SETTING: toml_value(longest.ms)})
        self.say(LENGTH_SET.format(ms=longest.ms, setting=SAMPLE_LENGTH_SETTING, folder=longest.folder))

    def _follow_datasets(self) -> None:
        """The Data list changed: a length set here follows its longest synthetic clips (module docstring)."""
        if self.set_ms is None or not self._editable():
            return
        longest, spec_ms = longest_clips(self.datasets.folders()), self._spec_ms()
        if spec_ms is None:  # the spec cannot be read: kws train says why, and the length stays as the form shows it
            return
        if longest is not None and longest.ms > spec_ms:
            if longest.ms != self.set_ms:
                self._train_at(longest)
            return
        was, folder = self.set_ms, self._set_for
        self.set_ms = self._set_for = None
        self.settings.set_spec_settings({path: text for path, text in self.settings.spec_settings.items()
                                         if path != SAMPLE_LENGTH_SETTING})
        self.say(LENGTH_BACK.format(ms=spec_ms, was=was, folder=folder))

    def _forget(self) -> None:
        """The user accepted the form's settings: a length set here is theirs from now on (module docstring)."""
        self.set_ms = self._set_for = None

    def _forget_if_replaced(self) -> None:
        """The changed settings changed: a length no longer the one set here is the user's from now on."""
        shown = self.settings.spec_settings.get(SAMPLE_LENGTH_SETTING)
        if self.set_ms is not None and shown != toml_value(self.set_ms):
            self.set_ms = self._set_for = None
