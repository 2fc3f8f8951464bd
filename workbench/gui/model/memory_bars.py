"""The Profile workspace's memory box: the model's flash and estimated runtime memory against the xG24 Dev Kit's.

Why one unit: ``kws profile`` prints memory as MLTK does, in kB of 1000 bytes (21,616 bytes -> 21.6k), so the
bars do too; the datasheet's 1536 and 256 (kB of 1024 bytes, as Commander counts) are named as the datasheet's
so that the chip stays recognisable without a KiB figure beside a kB one for the same memory. The RAM bars are
named as ``kws profile``'s lines and the Board workspace name the tensor arena, "runtime memory" (a bar called "RAM
arena" beside a board's "runtime memory" read as another figure). The MVP's bar is hidden for the accelerator none,
as ``kws profile`` leaves out its "with MVP" line then.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from workbench.profiler.device_limits import BYTES_PER_COMMANDER_KB, XG24_FLASH_BYTES, XG24_RAM_BYTES, format_kb
from workbench.profiler.export import RUNTIME_MEMORY_LABEL, RUNTIME_MEMORY_WITH_MVP, uses_mvp
from workbench.profiler.report import ProfileSummary

PERCENT = 100.0
CHIP_TEXT = (f"EFR32MG24: {format_kb(XG24_FLASH_BYTES)} flash, {format_kb(XG24_RAM_BYTES)} RAM (kB of 1000 bytes, "
             f"as kws profile counts; the datasheet's {XG24_FLASH_BYTES // BYTES_PER_COMMANDER_KB} and "
             f"{XG24_RAM_BYTES // BYTES_PER_COMMANDER_KB} kB are of {BYTES_PER_COMMANDER_KB} bytes)")
RUNTIME_MEMORY_TIP = ("The TensorFlow Lite Micro tensor arena, estimated: kws profile's \"{label} (bytes), estimated\" "
                      "line, the figure the board reports as its runtime memory")


class MemoryBars(QGroupBox):
    """Flash and the runtime memory (CPU only, with the MVP) as bars of the chip's capacity (:meth:`show_summary`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        # a short title: a group box is never narrower than its title; the chip's sizes in a wrapping line
        super().__init__("Memory vs the xG24 Dev Kit", parent)
        self.flash_bar, self.ram_bar, self.ram_mvp_bar = QProgressBar(self), QProgressBar(self), QProgressBar(self)
        self.chip_label = QLabel(CHIP_TEXT, self)
        self.chip_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chip_label)
        self.ram_label = QLabel("Runtime memory, CPU (est.)", self)
        self.ram_label.setToolTip(RUNTIME_MEMORY_TIP.format(label=RUNTIME_MEMORY_LABEL))
        self.ram_mvp_label = QLabel("Runtime memory, MVP (est.)", self)
        self.ram_mvp_label.setToolTip(RUNTIME_MEMORY_TIP.format(label=RUNTIME_MEMORY_WITH_MVP))
        for label, bar in ((QLabel("Flash (model)", self), self.flash_bar),
                           (self.ram_label, self.ram_bar),
                           (self.ram_mvp_label, self.ram_mvp_bar)):
            row = QHBoxLayout()
            row.addWidget(label)
            row.addWidget(bar, 1)
            layout.addLayout(row)

    def show_summary(self, s: ProfileSummary | None) -> None:
        """The bars of a profile's summary (None: empty bars); no MVP bar for the accelerator none."""
        for widget in (self.ram_mvp_label, self.ram_mvp_bar):
            widget.setVisible(uses_mvp(s))
        values = ((self.flash_bar, s.flash_bytes if s else 0, XG24_FLASH_BYTES),
                  (self.ram_bar, s.arena_bytes if s else 0, XG24_RAM_BYTES),
                  (self.ram_mvp_bar, s.arena_bytes_mvp if s else 0, XG24_RAM_BYTES))
        for bar, used, capacity in values:
            bar.setRange(0, capacity)
            bar.setValue(min(used, capacity))
            bar.setFormat(f"{format_kb(used)} of {format_kb(capacity)} ({PERCENT * used / capacity:.1f}%)")
