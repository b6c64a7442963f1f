"""What a report draws: tables, charts with their data blocks, image groups, in page order.

Filled by :func:`~dvclive_writer.report.content.collect`, drawn by the html, Markdown and PNG
renderers; nothing here reads files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dvclive_writer.plotting.palette import PALETTE
from dvclive_writer.read.files import IMAGE_CAP, read_file
from dvclive_writer.read.model import PlotConfig

#: Colours of experiments (the ``rev`` field): dvc-render's seven, then the Okabe-Ito
#: palette of the series palette without its yellow (unreadable on white), so
#: 14 experiments get distinct colours before the cycle repeats.
REV_COLORS: tuple[str, ...] = (
    "#945dd6",
    "#13adc7",
    "#f46837",
    "#48bb78",
    "#4299e1",
    "#ed8936",
    "#f56565",
    *(c for c in PALETTE if c.upper() != "#F0E442"),
)


@dataclass
class Table:
    """A params or summary table: one row per experiment, nested keys flattened with dots."""

    title: str
    rows: list[dict[str, Any]]


@dataclass
class Block:
    """One experiment's data for a chart, column-wise."""

    rev: str
    columns: dict[str, list[Any]]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), []))


@dataclass
class Chart:
    """A dvc-render Vega chart: template properties plus data blocks."""

    name: str
    """Identity: ``static/<metric>`` (as dvclive), ``sklearn/<name>`` or ``custom/<name>``."""
    kind: str
    """``"metric"``, ``"sklearn"`` or ``"custom"``."""
    config: PlotConfig
    blocks: list[Block]
    total_points: int = 0
    """Points before decimation (all experiments)."""
    _digest: str | None = field(default=None, repr=False)

    @property
    def properties(self) -> dict[str, Any]:
        """dvc-render ``VegaRenderer`` properties (template, x, y, title, labels)."""
        props: dict[str, Any] = {"template": self.config.template}
        for key in ("x", "y", "title", "x_label", "y_label"):
            value = getattr(self.config, key)
            if value is not None:
                props[key] = value
        return props

    @property
    def digest(self) -> str:
        """Content hash of the config and drawn data (cache key for rendered charts)."""
        if self._digest is None:
            hasher = hashlib.blake2b(digest_size=16)
            hasher.update(repr((self.kind, self.config)).encode())
            for block in self.blocks:
                hasher.update(block.rev.encode())
                for key, column in block.columns.items():
                    hasher.update(key.encode())
                    hasher.update(repr(column).encode())
            self._digest = hasher.hexdigest()
        return self._digest


@dataclass
class Frame:
    """One image to show: its caption and where its bytes are."""

    caption: str
    path: Path
    root: Path | None = None
    """The run directory the image belongs to: its bytes are read only from inside it."""

    def read(self) -> bytes | None:
        """The image's bytes (at most :data:`~dvclive_writer.read.files.IMAGE_CAP`, a
        regular file inside :attr:`root`), or ``None`` when they cannot be read."""
        root = None if self.root is None else str(self.root)
        return read_file(self.path, IMAGE_CAP, root=root).data


@dataclass
class ImageGroup:
    """An image name (or per-step folder) of one experiment, with the frames to show."""

    name: str
    rev: str
    frames: list[Frame]
    total_frames: int


@dataclass
class ReportContent:
    """Everything a report renderer draws, in order."""

    experiments: list[str]
    tables: list[Table]
    metrics: list[Chart]
    images: list[ImageGroup]
    sklearn: list[Chart]
    custom: list[Chart]
    undrawn_metrics: int = 0
    """Metrics past the report's chart limit, which get no chart."""

    @property
    def undrawn_note(self) -> str:
        """The line saying how many metrics got no chart (empty when all did)."""
        if not self.undrawn_metrics:
            return ""
        return f"{self.undrawn_metrics} more metrics are not drawn; their TSV files hold them."

    @property
    def charts(self) -> list[Chart]:
        """Every chart in page order: metrics, then sklearn plots, then custom plots."""
        return [*self.metrics, *self.sklearn, *self.custom]
