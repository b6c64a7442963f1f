"""An image pane with a step scrubber, drawn with half-cell blocks.

Per-step images (``images/steps/<step>.png``) get a frame label ``step 12 (5/40)`` and keys to
move between frames; the selected step survives :meth:`ImageView.set_series` refreshes, and
the view follows new frames only while it shows the newest one. Frames are decoded in a
worker thread; until one is ready (or while a half-written file cannot be decoded) the last
good frame stays, labelled "(loading…)".
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Unpack

from rich.segment import Segment
from rich.style import Style
from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from dvclive_tui.app.widgets.strips import StripWidget, WidgetOptions
from dvclive_tui.imaging.halfblock import HalfBlockImage, render_image
from dvclive_tui.remote.fetch import materialize
from dvclive_tui.text import sanitize
from dvclive_writer.read.model import ImageSeries

RETRY_SECONDS = 0.5
"""Delay before retrying an image that could not be decoded (half-written file)."""

DecodeKey = tuple[Path, int | None, int, int, tuple[int, int, int]]
"""What a decoded frame depends on: file, series version, box (columns, rows), background."""


class ImageView(StripWidget, can_focus=True):
    """Shows one frame of an :class:`~dvclive_writer.read.model.ImageSeries` as half-cell blocks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,comma", "prev_frame", "Prev frame"),
        Binding("right,full_stop", "next_frame", "Next frame"),
        Binding("home", "first_frame", "First frame", show=False),
        Binding("end", "last_frame", "Last frame", show=False),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | ← / , | Previous frame. |
    | → / . | Next frame. |
    | Home | First frame. |
    | End | Newest frame (and follow new ones). |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "imageview--label",
        "imageview--placeholder",
        "imageview--scrubber",
    }
    """
    | Class | Description |
    | :- | :- |
    | `imageview--label` | The frame label (name, step, position) and the scrubber's knob. |
    | `imageview--placeholder` | "no image" and "loading" messages. |
    | `imageview--scrubber` | The scrubber track under per-step images. |
    """

    DEFAULT_CSS = """
    ImageView {
        height: 1fr;
        min-height: 4;
    }
    ImageView > .imageview--label {
        color: $foreground;
        text-style: bold;
    }
    ImageView:focus > .imageview--label {
        text-style: bold underline;
    }
    ImageView > .imageview--placeholder {
        color: $foreground 60%;
    }
    ImageView > .imageview--scrubber {
        color: $foreground 30%;
    }
    """

    selected_step: reactive[int | None] = reactive(None)
    """Step of the frame shown (``None`` for a single image or before any frame)."""

    @dataclass
    class Decoded(Message):
        """A frame was decoded (posted by the decoding worker to its view)."""

        key: DecodeKey
        """What was decoded."""
        image: HalfBlockImage | None
        """The frame, or ``None`` when the file could not be decoded (yet)."""

    def __init__(self, series: ImageSeries | None = None, **options: Unpack[WidgetOptions]) -> None:
        """Create an image view.

        Args:
            series: Images to show (or call :meth:`set_series` later).
            **options: Textual's widget keywords (``name``, ``id``, ``classes``, ``disabled``).
        """
        super().__init__(**options)
        self._series: ImageSeries | None = None
        self._frames: list[tuple[int | None, Path]] = []
        self._last_good: HalfBlockImage | None = None
        self._wanted: DecodeKey | None = None
        """The frame asked of the decoding worker last."""
        self._decoded: tuple[DecodeKey, HalfBlockImage | None] | None = None
        """The newest answer of the decoding worker."""
        if series is not None:
            self.set_series(series)

    @property
    def frame_index(self) -> int:
        """Index of the shown frame in the series (``-1`` when there is none)."""
        if not self._frames:
            return -1
        steps = [step for step, _ in self._frames]
        if self.selected_step in steps:
            return steps.index(self.selected_step)
        return len(self._frames) - 1

    @property
    def frame_label(self) -> str:
        """``step 12 (5/40)`` for per-step images, the name for a single image."""
        if self._series is None or not self._frames:
            return ""
        index = self.frame_index
        step = self._frames[index][0]
        name = sanitize(self._series.name)
        if step is None:
            return name
        return f"{name} · step {step} ({index + 1}/{len(self._frames)})"

    def set_series(self, series: ImageSeries) -> None:
        """Show ``series``; keeps the selected step unless the newest frame was shown."""
        was_newest = not self._frames or self.frame_index == len(self._frames) - 1
        renamed = self._series is not None and self._series.name != series.name
        self._series = series
        self._frames = sorted(series.frames, key=lambda frame: -1 if frame[0] is None else frame[0])
        steps = [step for step, _ in self._frames]
        if not self._frames:
            self.selected_step = None
        elif was_newest or renamed or self.selected_step not in steps:
            self.selected_step = self._nearest_step(steps, was_newest or renamed)
        self.invalidate()

    def _nearest_step(self, steps: list[int | None], newest: bool) -> int | None:
        if newest or self.selected_step is None:
            return steps[-1]
        earlier = [step for step in steps if step is not None and step <= self.selected_step]
        return earlier[-1] if earlier else steps[0]

    def _select(self, index: int) -> None:
        if self._frames:
            index = min(max(index, 0), len(self._frames) - 1)
            self.selected_step = self._frames[index][0]

    def action_prev_frame(self) -> None:
        """Show the previous frame."""
        self._select(self.frame_index - 1)

    def action_next_frame(self) -> None:
        """Show the next frame."""
        self._select(self.frame_index + 1)

    def action_first_frame(self) -> None:
        """Show the first frame."""
        self._select(0)

    def action_last_frame(self) -> None:
        """Show the newest frame and follow new ones."""
        self._select(len(self._frames) - 1)

    def watch_selected_step(self) -> None:
        """Redraw for the new frame."""
        self.invalidate()

    def _frame_path(self) -> Path | None:
        index = self.frame_index
        return self._frames[index][1] if index >= 0 else None

    def strips_key(self) -> Hashable:
        """The series, its version and the frame shown."""
        return (
            id(self._series),
            self._series.version if self._series else None,
            self._frame_path(),
        )

    def build_strips(self, width: int, height: int) -> list[Strip]:
        """The frame label, then the image centred below it, then the scrubber."""
        path = self._frame_path()
        base = self.rich_style
        label_style = self.get_component_rich_style("imageview--label")
        note_style = self.get_component_rich_style("imageview--placeholder")
        strips: list[Strip] = []
        if path is None:
            message = (
                "no image"
                if self._series is None
                else f"{sanitize(self._series.name)}: no image yet"
            )
            strips.append(Strip([Segment(message[:width], note_style)]))
        else:
            scrubber = len(self._frames) > 1 and height >= 4
            image_rows = max(1, height - 1 - int(scrubber))
            version = self._series.version if self._series else None
            key: DecodeKey = (path, version, width, image_rows, _rgb(base))
            image = self._image_for(key)
            label = self.frame_label
            if image is None:
                image = self._last_good
                label += " (loading…)"
            else:
                self._last_good = image
            strips.append(Strip([Segment(label[:width], label_style)]))
            if image is not None:
                left = max(0, (width - image.width) // 2)
                pad = [Segment(" " * left, base)] if left else []
                for row in image.segment_rows():
                    strips.append(Strip([*pad, *row]))
            if scrubber:
                strips.extend(Strip.blank(width, base) for _ in range(1 + image_rows - len(strips)))
                strips.append(self._scrubber(width, label_style + Style(underline=False)))
        return [strip.adjust_cell_length(width, base) for strip in strips[: max(0, height)]]

    def _image_for(self, key: DecodeKey) -> HalfBlockImage | None:
        """The decoded frame of ``key``; ``None`` (after asking the worker) until it is ready."""
        if self._decoded is not None and self._decoded[0] == key:
            return self._decoded[1]
        if key != self._wanted:
            self._wanted = key
            self._decode(key)
        return None

    @work(thread=True, exclusive=True, group="decode-image", description="decode an image")
    def _decode(self, key: DecodeKey) -> None:
        path, _version, columns, rows, background = key
        materialize(path)  # a remote run's frame: fetched now, when shown
        self.post_message(
            self.Decoded(key, render_image(path, columns, rows, background=background))
        )

    @on(Decoded)
    def _on_decoded(self, message: Decoded) -> None:
        message.stop()
        if message.key != self._wanted or not self.is_attached:
            return  # a frame no longer wanted (the user moved on)
        self._decoded = (message.key, message.image)
        if message.image is None:
            self.set_timer(RETRY_SECONDS, self._retry)
        self.invalidate()

    def _scrubber(self, width: int, knob: Style) -> Strip:
        """A track with a knob at the shown frame's position: ``━━━━●━━━━━``."""
        track = self.get_component_rich_style("imageview--scrubber")
        position = round(self.frame_index / (len(self._frames) - 1) * (width - 1))
        return Strip(
            [
                Segment("━" * position, track),
                Segment("●", knob),
                Segment("━" * (width - 1 - position), track),
            ],
            width,
        )

    def _retry(self) -> None:
        """Ask the worker again for a frame that could not be decoded."""
        if self._decoded is not None and self._decoded[1] is None:
            self._wanted = self._decoded = None
            self.invalidate()


def _rgb(style: Style) -> tuple[int, int, int]:
    """Background colour of a rich style as RGB (black when unset)."""
    color = style.bgcolor
    if color is None:
        return (0, 0, 0)
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)
