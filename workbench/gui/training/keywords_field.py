"""The Training form's Keywords field: the keywords it lists, the chosen spec's own, and the words a built dataset
brings to it.

Why the field follows the spec: ``kws train --keywords`` overrides the spec's keywords, so a spec written for
up/down trained with a field still saying "yes,no" gives a yes/no model under the spec's name. Choosing a spec
shows its keywords, read as ``kws train`` reads them (:mod:`workbench.spec_files`); the user may then edit them,
and ``--keywords`` is passed only when they differ from the spec's (:class:`TrainingSettingsView`).

Why a dataset built with "Synthesize…" changes the field (:meth:`KeywordsField.take_built`): its own words are
what it was built for; left at the spec's yes,no, the form counts them as ``_unknown_`` and refuses to train
(:func:`~workbench.gui.datasets.build_folder.keywords_after_build` says which words stay). Takes of the guided
recorder's words (:meth:`KeywordsField.take_recorded`) change it the same way, for the same reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from workbench.core.errors import SettingsError
from workbench.core.toml_file import toml_or_text
from workbench.gui.datasets.build_folder import built_keywords, keywords_after_build, word_clip_counts
from workbench.gui.training import training_settings_words as words
from workbench.spec_files import spec_keywords

KEYWORDS_SETTING = "data.keywords"  # the spec setting the Keywords field owns (kws train --keywords)


def keyword_setting_list(text: str | None) -> list[str] | None:
    """The keywords a ``data.keywords`` TOML text lists; None for no text, or one that is no list of words (left
    as a --set value: ``kws train`` says what is wrong with it)."""
    value = toml_or_text(text) if text is not None else None
    return [word.strip() for word in value] if isinstance(value, list) and all(
        isinstance(word, str) for word in value) else None


def own_keywords(name_or_file: str) -> list[str] | None:
    """The keywords spec ``name_or_file`` trains on without ``--keywords``; None when it cannot be read (``kws
    train`` will say why), and the form then passes its Keywords field as it is, which is never wrong."""
    try:
        return list(spec_keywords(name_or_file))
    except SettingsError:
        return None


class KeywordsField(QLineEdit):
    """The comma-separated keywords; :attr:`listed` gives them whenever they were set, or typed and left."""

    listed = Signal(list)

    def __init__(self, chosen_spec: Callable[[], str], parent: QWidget | None = None) -> None:
        """``chosen_spec`` names the spec the form trains (a shipped name or a .toml file); its keywords are shown."""
        super().__init__(",".join(own_keywords(chosen_spec()) or ()), parent)
        self._chosen_spec = chosen_spec
        self.setToolTip(words.KEYWORDS_TIP)
        self.editingFinished.connect(lambda: self.listed.emit(self.keyword_list()))

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.text().split(",") if k.strip()]

    def spec_keywords(self) -> list[str] | None:
        """The chosen spec's own keywords (what it trains on without --keywords); None when it cannot be read."""
        return own_keywords(self._chosen_spec())

    def set_keywords(self, keywords: list[str]) -> None:
        """Show ``keywords``, as if typed (the Data table counts them at once)."""
        self.setText(",".join(keywords))
        self.listed.emit(self.keyword_list())

    def follow_spec(self) -> None:
        """Show the chosen spec's keywords (left as they are for a spec that cannot be read)."""
        keywords = self.spec_keywords()
        if keywords is not None:
            self.set_keywords(keywords)

    def take_built(self, folder: str) -> None:
        """The keywords after a dataset was built in ``folder`` for its words (:func:`keywords_after_build`); left
        alone while a run, or a stopped run's Resume, holds the field (it is disabled then)."""
        self._take_words(built_keywords(folder))

    def take_recorded(self, folder: Path, recorded: list[str]) -> None:
        """The keywords once the takes of ``recorded`` (word folders of the dataset ``folder``) are to train, as after
        a build; the spec's own keywords that ``folder`` holds takes of count as recorded too. Left alone while a run
        holds the field.

        Why those stay: a second session of "yes" alone, into the folder of the first session's yes and no, would
        otherwise replace the spec's yes,no by yes, and no's takes would train as _unknown_."""
        counts = word_clip_counts(folder)
        held = [word for word in self.keyword_list() if counts.get(word)]
        self._take_words(held + [word for word in recorded if word not in held])

    def _take_words(self, brought: list[str]) -> None:
        shown = self.keyword_list()
        wanted = keywords_after_build(shown, self.spec_keywords(), brought)
        if brought and self.isEnabled() and wanted != shown:
            self.set_keywords(wanted)

    def check(self) -> None:
        """SettingsError when the field lists no keyword: ``kws train`` would silently train the spec's own keywords
        while the form and the Data table showed none."""
        if not self.keyword_list():
            raise SettingsError(words.NO_KEYWORDS.format(spec=", ".join(self.spec_keywords() or ()) or "unreadable"))
