"""What a walk of a run's ``plots/`` folder found: metric histories, images, plot files.

dvclive writes metric histories under ``plots/metrics`` (``.tsv``), images under
``plots/images`` (one file, or a folder of per-step files ``steps/3.png``) and plot JSON
under ``plots/sklearn`` and ``plots/custom``. :func:`classify` sorts a transport's
:class:`~dvclive_writer.read.files.Listing` of ``plots/`` into those kinds and into the
unknown files and problems the reader warns about; :func:`update_images` turns the images
into the run's :class:`~dvclive_writer.read.model.ImageSeries`. Hidden files are left out:
writers' temporary siblings (``.roc.json.<pid>.<tid>.tmp`` while a plot is replaced
atomically) and desktop litter (``.DS_Store``) are no part of the run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from dvclive_writer.read.files import (
    IMAGE_CAP,
    IMAGE_SUFFIXES,
    METRIC_SUFFIXES,
    NOT_REGULAR,
    too_large,
)
from dvclive_writer.read.listing import Listing
from dvclive_writer.read.model import Changes, ImageSeries, Run

PLOTS = "plots"
PLOT_KINDS = ("sklearn", "custom")
UNKNOWN_FILE = "unknown file: dvclive does not write this kind of file here"
_INTEGER = re.compile(r"-?\d+")


@dataclass
class Scan:
    """What one walk of the directory tree found (paths relative to the run root)."""

    metrics: dict[str, str] = field(default_factory=dict)
    """Relative path -> metric name."""
    images: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    """Relative path -> (image series name, step)."""
    image_stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Relative path -> (mtime in ns, size) of each image."""
    plots: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Relative path -> (kind, name)."""
    unknown: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    """Entries that were not listed or are not read -> why."""
    folders: dict[str, int] = field(default_factory=dict)
    """Relative folder path (``""``: the run root) -> st_mtime_ns."""


def classify(listing: Listing) -> Scan:
    """Sort the files of a listing of ``plots/`` by what dvclive writes where."""
    scan = Scan(folders=dict(listing.folders), problems=dict(listing.errors))
    prefix = f"{PLOTS}/"
    for rel in sorted(listing.files, key=walk_key):
        stat = listing.files[rel]
        if rel.rsplit("/", 1)[-1].startswith(".") or not rel.startswith(prefix):
            continue
        folder, _, inner = rel[len(prefix) :].partition("/")
        if not inner:
            scan.unknown.append(rel)
        elif folder == "metrics" and inner.endswith(METRIC_SUFFIXES):
            scan.metrics[rel] = inner.rsplit(".", 1)[0]
        elif folder == "images" and inner.endswith(IMAGE_SUFFIXES):
            if stat.kind != "file":
                scan.problems[rel] = NOT_REGULAR
            elif stat.size > IMAGE_CAP:
                scan.problems[rel] = too_large(stat.size, IMAGE_CAP)
            else:
                scan.images[rel] = image_slot(inner)
                scan.image_stats[rel] = (stat.mtime_ns, stat.size)
        elif folder in PLOT_KINDS and inner.endswith(".json"):
            scan.plots[rel] = (folder, inner[: -len(".json")])
        else:
            scan.unknown.append(rel)
    return scan


def walk_key(rel: str) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """Sort key of the order a depth-first walk meets files, whatever order a transport
    lists them in: a folder's files by name, then its sub-folders, last name first.

    Runs keep that order in their images and plots (``ls --json`` shows it, and the first
    of two plots with one name keeps the plain key).
    """
    *folders, name = rel.split("/")
    key = [(1, (*(-ord(char) for char in folder), 1)) for folder in folders]
    key.append((0, tuple(ord(char) for char in name)))
    return tuple(key)


def image_slot(rel: str) -> tuple[str, int | None]:
    """``steps/3.png`` -> (``steps``, 3); anything else is a single image (name, None)."""
    folder, _, filename = rel.rpartition("/")
    stem = filename.rsplit(".", 1)[0]
    if folder and _INTEGER.fullmatch(stem):
        return folder, int(stem)
    return rel, None


def update_images(
    run: Run, root: Path, scan: Scan, previous: dict[str, tuple[int, int]], changes: Changes
) -> bool:
    """Bring ``run.images`` up to ``scan`` (``previous``: the last scan's image stats);
    whether anything changed. A series' version moves when a frame comes, goes or changes."""
    if scan.image_stats == previous:
        return False
    series_by_name: dict[str, list[tuple[int | None, Path]]] = {}
    for rel, (name, step) in scan.images.items():
        series_by_name.setdefault(name, []).append((step, root / rel))
    changed_names = {
        scan.images[rel][0]
        for rel in set(scan.image_stats) | set(previous)
        if rel in scan.images and scan.image_stats.get(rel) != previous.get(rel)
    }
    for rel in set(previous) - set(scan.image_stats):
        changed_names.add(image_slot(rel.removeprefix(f"{PLOTS}/images/"))[0])
    for name, frames in series_by_name.items():
        frames.sort(key=lambda frame: (frame[0] is not None, frame[0] or 0, str(frame[1])))
        series = run.images.get(name)
        if series is None:
            run.images[name] = ImageSeries(name=name, frames=frames, version=1)
        elif name in changed_names:
            series.frames = frames
            series.version += 1
    for name in list(run.images):
        if name not in series_by_name:
            del run.images[name]
    changes.images = True
    return True
