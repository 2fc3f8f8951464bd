"""Listen to and look at the clips of a dataset folder: the list, Play, and the model's spectrogram.

Why: before training on a synthetic set, a person should hear what the voices made of the word and see
what the model will see -- the spectrogram from the project's own frontend (fresh state per clip, as
training computes it), with the settings of the loaded model when there is one.
Playing goes through sounddevice without blocking; a machine without an output device gets a message.
A clip that cannot be read (a damaged or cut-off WAV) is said so in the info line, naming it, with the plot
emptied and Play off: a message box per selection would stack one box on another while the user arrows
through the list.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from workbench.core.audio.audio_file import load_audio
from workbench.core.audio.devices import sounddevice_module
from workbench.core.errors import WorkbenchError
from workbench.core.frontend import MicroFrontend
from workbench.core.frontend_settings import FrontendSettings
from workbench.gui import theme
from workbench.gui.widgets.flexible_label import flexible_width
from workbench.gui.live.plot_style import fixed_plot
from workbench.gui.widgets.message_label import MessageLabel

PATH_ROLE = Qt.ItemDataRole.UserRole
MAX_LISTED = 5000
SAMPLE_RATE = 16000
PLOT_DESCRIPTION = "The selected clip's spectrogram as the model sees it: frames across, mel bands up."
NO_CLIPS_HINT = "Build the clips to see their spectrograms here"
NO_SELECTION_HINT = "Select a clip to see its spectrogram here"
UNREADABLE_HINT = "No spectrogram: this clip cannot be read"
NO_OUTPUT_DEVICE = "no audio output device was found"
AXES = ("bottom", "left")
HINT_RANGE = (0.0, 1.0)  # the empty plot's range; the hint stands at its centre
HINT_WIDTH_FRACTION = 0.9  # the hint wraps within this part of the plot's width
MIN_WIDTH_CHARS = 24  # the narrowest the preview gets, in average characters of its font


def dataset_clips(folder: Path) -> list[Path]:
    """The clips of a dataset folder (word folders' WAVs, not background noise), sorted, at most MAX_LISTED."""
    clips: list[Path] = []
    if not folder.is_dir():
        return clips
    for word in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        clips += sorted(word.glob("*.wav"))
        if len(clips) >= MAX_LISTED:
            break
    return clips[:MAX_LISTED]


def has_output_device(sounddevice: ModuleType) -> bool:
    """Whether PortAudio has a default output device (without one, playing fails with "Error querying device
    -1", which tells a user nothing)."""
    try:
        sounddevice.query_devices(kind="output")
    except (getattr(sounddevice, "PortAudioError", RuntimeError), ValueError):
        return False
    return True


def clip_name(path: Path) -> str:
    """``word/file.wav``: how the list names a clip."""
    return f"{path.parent.name}/{path.name}"


class ClipPreviewView(QWidget):
    """Clips of one folder; selecting one shows its spectrogram, Play plays it. ``error(message)`` when Play
    fails (a clip that cannot be read is said so in :attr:`info`, no message)."""

    error = Signal(str)

    def __init__(self, parent: QWidget | None = None, dark: bool | None = None) -> None:
        """``dark`` None: follow the application's palette, now and whenever it changes (the dialog that
        shows this view is not one of the window's workspaces, so nothing else tells it)."""
        super().__init__(parent)
        self._follow_palette = dark is None
        self.folder: Path | None = None
        self.frontend = MicroFrontend(FrontendSettings())
        self.clip_list = QListWidget()
        self.clip_list.setToolTip("The clips built so far: <word>/<speaker>_nohash_<n>.wav")
        self.clip_list.currentItemChanged.connect(lambda item, _old: self.show_clip(item))
        self.clip_list.itemDoubleClicked.connect(lambda _item: self.play())
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Play the selected clip on the default output device")
        self.play_button.clicked.connect(self.play)
        self.info = flexible_width(MessageLabel())  # wraps: a long clip name never widens the dialog
        self.info.show_text("no clip selected")
        self.plot_widget, self.plot = fixed_plot()
        theme.describe_view(self.plot_widget, "Clip spectrogram", PLOT_DESCRIPTION)
        self.plot.setLabel("bottom", "frame")
        self.plot.setLabel("left", "mel band")
        self.plot.setMouseEnabled(x=False, y=False)
        lut = pg.colormap.get(theme.SPECTROGRAM_COLORMAP).getLookupTable(nPts=256, alpha=False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(lut)
        self.plot.addItem(self.image)
        self.hint = pg.TextItem(anchor=(0.5, 0.5))  # stands where the spectrogram will be, instead of empty axes
        self.hint.textItem.document().setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignCenter))
        self.plot.addItem(self.hint, ignoreBounds=True)
        self.plot.vb.sigResized.connect(self._fit_hint)
        self.spectrogram: np.ndarray | None = None
        self._dark = True
        buttons = QHBoxLayout()
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.info, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.clip_list, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.plot_widget, 3)
        self.play_button.setEnabled(False)
        self.set_dark(theme.palette_is_dark() if dark is None else dark)
        self._show_hint()

    def set_dark(self, dark: bool) -> None:
        """Restyle the spectrogram plot's background, axes and hint for the palette."""
        self._dark = dark
        theme.style_chart(self.plot_widget, dark, fixed_left_axis=False)
        self.hint.setColor(theme.plot_colors(dark).foreground)
        self.hint.setFont(theme.app_font())

    @property
    def hint_text(self) -> str:
        """The sentence shown instead of a spectrogram ("" while one is shown)."""
        return self.hint.textItem.toPlainText() if self.hint.isVisible() else ""

    def _show_hint(self, text: str | None = None) -> None:
        """No clip to show: a sentence saying how to get one (or ``text``), not axes around nothing."""
        for axis in AXES:
            self.plot.showAxis(axis, False)
        if text is None:
            text = NO_SELECTION_HINT if self.clip_list.count() else NO_CLIPS_HINT
        self.hint.setText(text, color=theme.plot_colors(self._dark).foreground)
        self.hint.setVisible(True)
        self.plot.setXRange(*HINT_RANGE, padding=0)
        self.plot.setYRange(*HINT_RANGE, padding=0)
        self.hint.setPos(sum(HINT_RANGE) / 2, sum(HINT_RANGE) / 2)

    def _fit_hint(self) -> None:
        """The hint wraps inside the plot (a narrow preview at a large font would cut it at both ends)."""
        self.hint.setTextWidth(max(1.0, self.plot.vb.width() * HINT_WIDTH_FRACTION))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """At least MIN_WIDTH_CHARS wide: the splitter beside the builder's form never squeezes the info line
        into a column of single words (the info line itself has no minimum width: it wraps)."""
        hint = super().minimumSizeHint()
        return QSize(max(hint.width(), self.fontMetrics().averageCharWidth() * MIN_WIDTH_CHARS), hint.height())

    def _hide_hint(self) -> None:
        self.hint.setVisible(False)
        for axis in AXES:
            self.plot.showAxis(axis, True)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """View > Dark palette changes the application palette: restyle with it."""
        super().changeEvent(event)
        if self._follow_palette and event.type() == QEvent.Type.PaletteChange:
            self.set_dark(theme.palette_is_dark())

    def set_frontend(self, settings: FrontendSettings) -> None:
        """Show spectrograms as the model with these settings sees them."""
        self.frontend = MicroFrontend(settings)
        self.show_clip(self.clip_list.currentItem())

    def set_folder(self, folder: Path | None) -> None:
        self.folder = folder
        self.refresh()

    def refresh(self) -> None:
        """Re-read the folder's clips (keeps the selection when it is still there)."""
        current = self.current_path()
        self.clip_list.blockSignals(True)
        self.clip_list.clear()
        clips = dataset_clips(self.folder) if self.folder is not None else []
        for path in clips:
            item = QListWidgetItem(f"{path.parent.name}/{path.name}")
            item.setData(PATH_ROLE, str(path))
            self.clip_list.addItem(item)
            if current is not None and path == current:
                self.clip_list.setCurrentItem(item)
        self.clip_list.blockSignals(False)
        if self.clip_list.currentItem() is None and self.clip_list.count():
            self.clip_list.setCurrentRow(0)
        elif self.clip_list.currentItem() is None:
            self._show_hint()  # the folder has no clips (yet)

    def current_path(self) -> Path | None:
        item = self.clip_list.currentItem()
        return Path(item.data(PATH_ROLE)) if item is not None else None

    def _samples(self, path: Path) -> np.ndarray:
        return load_audio(path, self.frontend.settings.sample_rate_hz).samples

    def _clear_plot(self, hint: str | None = None) -> None:
        self.play_button.setEnabled(False)
        self.image.clear()
        self.spectrogram = None
        self._show_hint(hint)

    def show_clip(self, item: QListWidgetItem | None) -> None:
        if item is None:
            self.info.show_text("no clip selected")
            self._clear_plot()
            return
        path = Path(item.data(PATH_ROLE))
        try:
            samples = self._samples(path)
        except WorkbenchError as exc:  # the reason names the file by its full path: by its list name here
            reason = str(exc).rstrip(".")
            self.info.show_error(reason.replace(str(path), clip_name(path)) if str(path) in reason
                                 else f"{clip_name(path)} cannot be read: {reason}")
            self._clear_plot(UNREADABLE_HINT)
            return
        self.play_button.setEnabled(True)
        length = self.frontend.settings.sample_length
        clip = np.zeros(length, np.int16)
        clip[:min(length, samples.size)] = samples[:length]
        self.spectrogram = self.frontend.process_clip(clip, dtype=np.uint16)
        self._hide_hint()
        self.image.setImage(self.spectrogram.T, autoLevels=False, levels=(0, max(1, int(self.spectrogram.max()))))
        frames, channels = self.spectrogram.shape
        self.plot.setXRange(0, frames, padding=0)
        self.plot.setYRange(0, channels, padding=0)
        peak = int(np.max(np.abs(samples.astype(np.int32)))) if samples.size else 0
        level = f"{20 * np.log10(peak / 32767):.0f} dBFS" if peak else "silent"
        self.info.show_text(f"{clip_name(path)}: {samples.size / SAMPLE_RATE:.2f} s, peak {level}")

    def play(self) -> None:
        """Play the selected clip; ``error`` says why not (no output device, the clip gone since)."""
        path = self.current_path()
        if path is None or self.spectrogram is None:  # a clip that cannot be read: the info line says so
            return
        try:
            samples = self._samples(path)
            sounddevice = sounddevice_module()
            if not has_output_device(sounddevice):
                self.error.emit(f"Cannot play the clip: {NO_OUTPUT_DEVICE}.")
                return
            sounddevice.play(samples, self.frontend.settings.sample_rate_hz)
        except Exception as exc:  # WorkbenchError, PortAudio errors: a message, never a traceback
            reason = (str(exc).splitlines() or [type(exc).__name__])[0].rstrip(".")
            self.error.emit(f"Cannot play the clip: {reason}.")
