"""Where in a file the audio a stream delivered came from, so a detection can say where IN THE FILE it is.

Why: a stream counts the samples it delivered (its *stream time*), but a file played with seeks, Loop, or picked up
by a new session mid-file (another model) delivers its samples from many places: "6.1 s of stream" says nothing a
user can compare with ``kws detect`` on the file or with their own labels in an audio editor.

:class:`DeliveryTimeline` is the source's record: a breakpoint (delivered count, file position) whenever delivery
jumps (the start, a seek, a loop wrap); between two breakpoints the file plays on sample by sample, so any delivered
count maps to a file position. :class:`FileClock` is a session's view of it: the session's first delivered sample
(a session made for another model starts mid-file), and the conversion between the engine's samples and the
source's (a model at another rate hears the file converted), turning an engine's sample count into file time.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Protocol

MS_PER_S = 1000
MAX_BREAKPOINTS = 4096  # the oldest jumps are forgotten: a detection is mapped right after its samples were read


@dataclass(frozen=True)
class Breakpoint:
    """From the ``delivered``-th sample of the stream on (0-based), delivery continues at file sample ``position``."""

    delivered: int
    position: int


class DeliveryTimeline:
    """The jumps of one source's delivery; not thread-safe (the source calls it under its own lock)."""

    def __init__(self, max_breakpoints: int = MAX_BREAKPOINTS) -> None:
        self._max = max(1, int(max_breakpoints))
        self._delivered: list[int] = [0]
        self._positions: list[int] = [0]

    def jump(self, delivered: int, position: int) -> None:
        """Delivery continues at file sample ``position`` after ``delivered`` samples; a jump before any sample was
        delivered since the last one replaces it (a seek while paused, then another)."""
        if delivered == self._delivered[-1]:
            self._positions[-1] = position
            return
        self._delivered.append(delivered)
        self._positions.append(position)
        if len(self._delivered) > self._max:
            del self._delivered[0], self._positions[0]

    def position_after(self, delivered: int) -> int:
        """The file position just after the ``delivered``-th delivered sample: where the audio heard up to then
        ends in the file (the delivered count of the start, 0, maps to the first position)."""
        if delivered <= 0:
            return self._positions[0]
        # the segment holding the last sample heard (index delivered - 1): a jump exactly at ``delivered`` comes after
        k = max(0, bisect.bisect_left(self._delivered, delivered) - 1)
        return self._positions[k] + delivered - self._delivered[k]

    @property
    def breakpoints(self) -> list[Breakpoint]:
        return [Breakpoint(d, p) for d, p in zip(self._delivered, self._positions)]


class FileTimedSource(Protocol):
    """A source that knows where in its file its delivered samples came from (:class:`FileSource`)."""

    sample_rate: int

    @property
    def delivered_samples(self) -> int: ...

    def file_position_after(self, delivered: int) -> int: ...


@dataclass(frozen=True)
class FileClock:
    """Turns a session's engine sample counts into file time: the engine heard the source from its
    ``first_delivered``-th sample on, at ``engine_rate`` (converted from the source's ``sample_rate``), and had
    counted ``first_engine_sample`` samples before."""

    source: FileTimedSource
    first_delivered: int
    first_engine_sample: int
    engine_rate: int

    @classmethod
    def of(cls, source: object, engine_samples: int, engine_rate: int) -> FileClock | None:
        """The clock of a session starting now on ``source`` (None: no file under it, a microphone or a generator)."""
        if not callable(getattr(source, "file_position_after", None)):
            return None
        timed: FileTimedSource = source  # type: ignore[assignment]
        return cls(timed, int(timed.delivered_samples), int(engine_samples), int(engine_rate))

    def file_time_s(self, engine_time_s: float) -> float:
        """Where in the file the audio the engine heard up to ``engine_time_s`` (its stream time) ends, in whole
        milliseconds as the detector's times (so a replay without jumps gives exactly ``kws detect``'s times)."""
        source_rate = self.source.sample_rate
        heard = round(engine_time_s * self.engine_rate) - self.first_engine_sample
        delivered = self.first_delivered + round(heard * source_rate / self.engine_rate)
        position = self.source.file_position_after(delivered)
        return position * MS_PER_S // source_rate / MS_PER_S
