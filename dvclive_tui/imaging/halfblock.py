"""PNG/JPG to half-cell blocks: each cell is "▀" with the upper pixel as foreground colour
and the lower pixel as background, after a LANCZOS resize that keeps the aspect ratio.

Terminal cells are about twice as tall as wide, so two stacked half-cell pixels are roughly
square. Results are cached by (path, mtime, size, target box, background); a file that
cannot be decoded yet (half-written, corrupt) gives ``None`` so the caller can keep its last
good frame and retry. Files are read through :mod:`dvclive_writer.read.files` (regular
files only, at most ``IMAGE_CAP`` bytes) and decoded from memory only when they hold at
most ``IMAGE_PIXELS`` pixels: a FIFO, a device or a decompression bomb gives ``None`` too.
"""

from __future__ import annotations

import functools
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from rich.color import Color
from rich.segment import Segment
from rich.style import Style

from dvclive_writer.read.files import IMAGE_CAP, IMAGE_PIXELS, probe, read_file

UPPER_HALF = "▀"
"""The block whose foreground is the top pixel and background the bottom pixel."""

Rgb = tuple[int, int, int]
PixelArray = npt.NDArray[np.uint8]


@dataclass(frozen=True, eq=False)
class HalfBlockImage:
    """An image as a grid of half-cell pixel pairs."""

    top: PixelArray
    """``(rows, columns, 3)`` RGB of the upper half of each cell."""
    bottom: PixelArray
    """``(rows, columns, 3)`` RGB of the lower half of each cell."""
    source_size: tuple[int, int]
    """Width and height of the decoded image in pixels."""

    @property
    def width(self) -> int:
        """Width in cells."""
        return int(self.top.shape[1])

    @property
    def height(self) -> int:
        """Height in cells."""
        return int(self.top.shape[0])

    def segment_rows(self, base: Style | None = None) -> list[list[Segment]]:
        """Rich segments, one list per row of cells."""
        styles: dict[tuple[int, ...], Style] = {}
        rows: list[list[Segment]] = []
        pairs = np.concatenate((self.top, self.bottom), axis=2).tolist()
        for row in pairs:
            segments: list[Segment] = []
            for pixel in row:
                key = tuple(pixel)
                style = styles.get(key)
                if style is None:
                    style = Style(
                        color=Color.from_rgb(key[0], key[1], key[2]),
                        bgcolor=Color.from_rgb(key[3], key[4], key[5]),
                    )
                    if base is not None:
                        style = base + style
                    styles[key] = style
                segments.append(Segment(UPPER_HALF, style))
            rows.append(list(Segment.simplify(segments)))
        return rows


def fit_cells(
    image_width: int, image_height: int, max_columns: int, max_rows: int
) -> tuple[int, int]:
    """Largest ``(columns, rows)`` of cells showing the image with its aspect ratio."""
    if image_width <= 0 or image_height <= 0 or max_columns <= 0 or max_rows <= 0:
        return 0, 0
    scale = min(max_columns / image_width, 2 * max_rows / image_height)
    columns = max(1, min(max_columns, int(image_width * scale + 0.5)))
    rows = max(1, min(max_rows, int(image_height * scale / 2 + 0.5)))
    return columns, rows


def render_image(
    path: str | os.PathLike[str],
    max_columns: int,
    max_rows: int,
    *,
    background: Rgb = (0, 0, 0),
) -> HalfBlockImage | None:
    """Decode and resize an image to fit ``max_columns`` x ``max_rows`` cells.

    Args:
        path: PNG/JPG (anything Pillow reads).
        max_columns: Width of the box in cells.
        max_rows: Height of the box in cells.
        background: Colour that transparent pixels are blended onto.

    Returns:
        The half-block image, or ``None`` when the file is missing, half-written, corrupt,
        no regular file, or too large.
    """
    found = probe(path)
    if found is None or found.kind != "file" or found.size > IMAGE_CAP:
        return None
    return _render_cached(
        str(Path(path)), found.mtime_ns, found.size, max_columns, max_rows, background
    )


@functools.lru_cache(maxsize=128)
def _render_cached(
    path: str, mtime_ns: int, size: int, max_columns: int, max_rows: int, background: Rgb
) -> HalfBlockImage | None:
    del mtime_ns, size  # cache key only
    from PIL import Image

    data = read_file(path, IMAGE_CAP).data
    if data is None:
        return None
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > IMAGE_PIXELS:
                return None
            opened.load()
            image = opened.convert("RGBA")
    except Exception:
        # A half-written or hostile file: PIL's plugins raise many kinds of errors, and a
        # library may have patched Image.open (Ultralytics retries with a HEIF plugin it
        # may not have, raising ModuleNotFoundError). The last good frame stays shown.
        return None
    columns, rows = fit_cells(image.width, image.height, max_columns, max_rows)
    if columns == 0:
        return None
    flat = Image.new("RGBA", image.size, (*background, 255))
    flat.alpha_composite(image)
    resized = flat.convert("RGB").resize((columns, rows * 2), Image.Resampling.LANCZOS)
    pixels = np.asarray(resized, dtype=np.uint8).reshape(rows, 2, columns, 3)
    return HalfBlockImage(
        top=np.ascontiguousarray(pixels[:, 0]),
        bottom=np.ascontiguousarray(pixels[:, 1]),
        source_size=(image.width, image.height),
    )
