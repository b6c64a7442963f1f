"""``Live.log_image``: PIL images, numpy arrays, matplotlib figures and image files.

Files land in ``<dir>/plots/images/<name>`` with the bytes dvclive writes for the same input
(the same Pillow/matplotlib calls), but through a temporary file and ``os.replace`` so that a
reader never sees a half-written image. numpy, Pillow and matplotlib are only imported when a
value of theirs is logged.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from typing import Any

from dvclive_writer.error import InvalidDataTypeError, InvalidImageNameError
from dvclive_writer.logger import logger
from dvclive_writer.serialize import temp_path_for
from dvclive_writer.state import Registries, RunPaths
from dvclive_writer.utils import isinstance_without_import

IMAGES_SUBFOLDER = "images"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".gif", ".png")

# Pillow/matplotlib format for each accepted suffix (the check is case-sensitive, as dvclive's).
_PIL_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".png": "PNG"}

_NDARRAY = ("numpy", "ndarray")
_FIGURE = ("matplotlib.figure", "Figure")
_PIL_IMAGE = ("PIL.Image", "Image")


def could_log_image(val: object) -> bool:
    """Whether ``log_image`` accepts ``val``: an array, a figure, a PIL image or a path."""
    if any(isinstance_without_import(val, *kind) for kind in (_NDARRAY, _FIGURE, _PIL_IMAGE)):
        return True
    return isinstance(val, str | PurePath)


def images_dir(paths: RunPaths) -> Path:
    """``<dir>/plots/images``."""
    return Path(paths.plots_dir) / IMAGES_SUBFOLDER


def write_image(val: Any, path: Path) -> None:
    """Save an array, figure or PIL image to ``path`` atomically (format from its suffix)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(temp_path_for(path))
    fmt = _PIL_FORMATS[path.suffix]
    try:
        if isinstance_without_import(val, *_NDARRAY):
            from PIL import Image as PILImage

            PILImage.fromarray(val).save(tmp, format=fmt)
        elif isinstance_without_import(val, *_FIGURE):
            import matplotlib.pyplot as plt

            val.savefig(tmp, format=path.suffix[1:])
            plt.close(val)
        else:
            val.save(tmp, format=fmt)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _check_name(name: str) -> None:
    if Path(name).suffix not in IMAGE_SUFFIXES:
        raise InvalidImageNameError(name)


def log_image(paths: RunPaths, registries: Registries, step: int, name: str, val: Any) -> str:
    """Write ``val`` to ``<dir>/plots/images/<name>`` and register it at ``step`` for dvc.yaml.

    Returns the name the image was stored under (a path's suffix is added to a bare name).

    Raises:
        InvalidDataTypeError: ``val`` is not an array, figure, PIL image or path.
        InvalidImageNameError: ``name`` does not end in ``.jpg .jpeg .gif .png``.
        FileNotFoundError: ``val`` names a file that does not exist.
    """
    if not could_log_image(val):
        raise InvalidDataTypeError(name, type(val))

    if isinstance(val, str | PurePath):
        from PIL import Image as PILImage

        source_suffix = Path(val).suffix
        if not Path(name).suffix and source_suffix in IMAGE_SUFFIXES:
            name = f"{name}{source_suffix}"
        with PILImage.open(val) as opened:
            _check_name(name)
            write_image(opened, images_dir(paths) / name)
    else:
        _check_name(name)
        write_image(val, images_dir(paths) / name)
    registries.images[name] = step
    logger.debug(f"Logged {name}: {val}")
    return name
