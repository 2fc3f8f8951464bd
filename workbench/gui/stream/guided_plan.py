"""Where a guided recording session stands: which take of which word comes next, and the takes kept so far.

Why apart from the dialog: the order of takes (every take of a word, then the next word), what Retake and Skip word
do to it and when the session is over are plain bookkeeping; kept out of the widgets, the dialog
(:mod:`workbench.gui.stream.guided_recording_view`) only times, records, judges and shows, and the bookkeeping reads
in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_TAKES = 5


@dataclass
class GuidedPlan:
    """``takes`` takes of each of ``words`` in turn; ``position`` counts the takes kept or skipped so far."""

    words: list[str] = field(default_factory=list)
    takes: int = DEFAULT_TAKES
    position: int = 0
    kept: list[Path] = field(default_factory=list)
    last_kept: Path | None = None  # what Retake deletes; None after a skip (the take before it is another word's)

    @property
    def word(self) -> str:
        """The word of the next take ("" before a session)."""
        return self.words[min(self.position // self.takes, len(self.words) - 1)] if self.words else ""

    @property
    def take_number(self) -> int:
        """The next take of its word, from 1."""
        return self.position % self.takes + 1

    @property
    def word_number(self) -> int:
        """The next take's word, from 1."""
        return self.position // self.takes + 1

    @property
    def done(self) -> bool:
        return self.position >= len(self.words) * self.takes

    def keep(self, path: Path) -> None:
        """The take of the current word and number was saved at ``path``: on to the next."""
        self.kept.append(path)
        self.last_kept = path
        self.position += 1

    def take_back(self) -> Path | None:
        """Forget the last kept take (Retake), so the same take comes again; its path (None: nothing to take back)."""
        path, self.last_kept = self.last_kept, None
        if path is None:
            return None
        self.kept.remove(path)
        self.position -= 1
        return path

    def skip_word(self) -> None:
        """Leave the current word's remaining takes: the next take is the next word's first."""
        self.position = self.word_number * self.takes
        self.last_kept = None
