"""Images and sklearn/custom plots of the chosen experiments, side by side.

One item (an image name or a plot name) is shown at a time, in one column per experiment;
``n``/``p`` step through the items every experiment has logged. A worker reads them (git
objects or files) behind a loading indicator; images of committed experiments are written
once to a private temporary folder (removed at exit) so the shared image widget can read
them like files on disk.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from dvclive_tui.app.widgets.image_view import ImageView
from dvclive_tui.app.widgets.plot_view import PlotView
from dvclive_tui.experiments.model import Experiment
from dvclive_tui.experiments.series import ExperimentDetails, ImageFile, load_details
from dvclive_tui.text import sanitize
from dvclive_writer.read.model import ImageSeries, PlotConfig, PlotData

_IMAGE_DIR: Path | None = None


def _image_dir() -> Path:
    """A private folder for this process, removed when it exits."""
    global _IMAGE_DIR
    if _IMAGE_DIR is None:
        _IMAGE_DIR = Path(tempfile.mkdtemp(prefix="dvclive-tui-images-"))
        atexit.register(shutil.rmtree, _IMAGE_DIR, True)
    return _IMAGE_DIR


def image_path(image: ImageFile) -> Path:
    """A file holding the image's bytes (content-addressed, written once)."""
    digest = hashlib.sha1(image.data, usedforsecurity=False).hexdigest()
    suffix = Path(image.name).suffix or ".png"
    target = _image_dir() / f"{digest}{suffix}"
    if not target.exists():
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(image.data)
        partial.replace(target)
    return target


def image_series(details: ExperimentDetails) -> dict[str, ImageSeries]:
    """Images grouped as the watch view does: ``steps/3.png`` frames form series ``steps``."""
    grouped: dict[str, ImageSeries] = {}
    for name, image in sorted(details.images.items()):
        folder, _, base = name.rpartition("/")
        stem = base.rsplit(".", 1)[0]
        if folder and stem.isdigit():
            series = grouped.setdefault(folder, ImageSeries(name=folder))
            series.frames.append((int(stem), image_path(image)))
        else:
            grouped[name] = ImageSeries(name=name, frames=[(None, image_path(image))])
    for series in grouped.values():
        series.frames.sort(key=lambda frame: -1 if frame[0] is None else frame[0])
    return grouped


def media_items(details: list[ExperimentDetails]) -> list[tuple[str, str]]:
    """``(kind, name)`` of every image (series) and plot of any experiment, images first."""
    images = sorted({name for d in details for name in image_series(d)})
    plots = sorted({name for d in details for name in d.plots})
    return [("image", name) for name in images] + [("plot", name) for name in plots]


@dataclass(frozen=True)
class Media:
    """What the screen shows, read by its worker."""

    details: list[ExperimentDetails]
    """Images, plots and metrics of each experiment, in column order."""
    images: list[dict[str, ImageSeries]]
    """Each experiment's images grouped into series (files written to the private folder)."""
    items: list[tuple[str, str]]
    """``(kind, name)`` of every image series and plot of any experiment, images first."""


def read_media(experiments: list[Experiment]) -> Media:
    """Read the images and plots of ``experiments`` (git objects or files; blocking)."""
    details = [load_details(exp) for exp in experiments]
    return Media(details, [image_series(one) for one in details], media_items(details))


class MediaScreen(Screen[None]):
    """One column per experiment showing the same image or plot.

    Args:
        experiments: The experiments shown, one column each.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back", tooltip="Back to the table"),
        Binding("n,right", "step(1)", "Next item", tooltip="Next image or plot"),
        Binding("p,left", "step(-1)", "Prev item", tooltip="Previous image or plot"),
    ]

    @dataclass
    class Loaded(Message):
        """The worker read the media."""

        media: Media
        """What to show."""

    def __init__(self, experiments: list[Experiment]) -> None:
        super().__init__()
        self.experiments = experiments
        self.media = Media([], [], [])
        """What is shown (empty until the worker read it)."""
        self.index = 0
        """Position of the item shown in :attr:`Media.items`."""

    @property
    def items(self) -> list[tuple[str, str]]:
        """``(kind, name)`` of every item, in the order ``n`` steps through them."""
        return self.media.items

    def compose(self) -> ComposeResult:
        """A title, one column per experiment (label, image, plot, note), the footer."""
        yield Static("", id="media-title", markup=False)
        with Horizontal(id="media-columns"):
            for position, exp in enumerate(self.experiments):
                with Vertical(classes="media-column", id=f"media-col-{position}"):
                    yield Static(sanitize(exp.label), classes="media-label", markup=False)
                    yield ImageView(id=f"media-image-{position}")
                    yield PlotView(id=f"media-plot-{position}")
                    yield Static("", classes="media-missing", id=f"media-missing-{position}")
        yield Footer()

    def on_mount(self) -> None:
        """Read the media behind a loading indicator."""
        self.query_one("#media-columns").loading = True
        self._load()

    @work(thread=True, exclusive=True, group="media", description="read images and plots")
    def _load(self) -> None:
        self.post_message(self.Loaded(read_media(self.experiments)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if not self.is_attached:
            return  # read for a screen that was closed meanwhile
        self.media = message.media
        self.index = 0
        self.query_one("#media-columns").loading = False
        self._show()

    def _show(self) -> None:
        title = self.query_one("#media-title", Static)
        if not self.items:
            title.update("No images or plots logged by the chosen experiments")
        else:
            kind, name = self.items[self.index]
            title.update(sanitize(f"{kind} {self.index + 1}/{len(self.items)}: {name}"))
        for position, details in enumerate(self.media.details):
            image_view = self.query_one(f"#media-image-{position}", ImageView)
            plot_view = self.query_one(f"#media-plot-{position}", PlotView)
            missing = self.query_one(f"#media-missing-{position}", Static)
            image_view.display = plot_view.display = False
            missing.update("")
            if not self.items:
                continue
            kind, name = self.items[self.index]
            images = self.media.images[position]
            if kind == "image" and name in images:
                image_view.set_series(images[name])
                image_view.display = True
            elif kind == "plot" and name in details.plots:
                plot = details.plots[name]
                if plot.error:
                    missing.update(sanitize(f"! {plot.path}: {plot.error}"))
                    continue
                config = plot.config if isinstance(plot.config, PlotConfig) else PlotConfig()
                data = PlotData(name, plot.kind, plot.path, config, plot.rows)
                plot_view.set_plot(data)
                plot_view.display = True
            else:
                missing.update("(not logged)")

    def action_step(self, delta: int) -> None:
        """Show the next (``delta`` 1) or previous (-1) item."""
        if self.items:
            self.index = (self.index + delta) % len(self.items)
            self._show()
