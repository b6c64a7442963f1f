"""Deterministic per-step images."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from dvclive_writer.read.model import ImageSeries


def write_frames(folder: Path, steps: list[int], size: int = 32) -> ImageSeries:
    """Seeded-gradient PNGs ``<folder>/<step>.png`` and their series."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = []
    for step in steps:
        rng = np.random.default_rng(step)
        yy, xx = np.mgrid[0:size, 0:size]
        red = (xx * 255 // (size - 1)).astype(np.uint8)
        green = (yy * 255 // (size - 1)).astype(np.uint8)
        blue = np.full((size, size), (step * 40) % 256, dtype=np.uint8)
        pixels = np.stack((red, green, blue), axis=2)
        pixels[rng.integers(0, size), :, :] = 255
        path = folder / f"{step}.png"
        Image.fromarray(pixels).save(path)
        frames.append((step, path))
    return ImageSeries(name=folder.name, frames=frames, version=len(frames))
