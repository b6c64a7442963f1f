"""How a run's things are named for people: dotted keys of nested values, paths as typed.

Shared by every view (tables, reports, one-shot printers, the experiments table), so a
nested param reads ``optim.lr`` and a run folder ``runs/a/dvclive`` everywhere.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePath
from typing import Any, Literal

Outside = Literal["absolute", "given", "name", "relative"]
"""How :func:`shown_path` writes a path outside its base: absolute, as given, its last part
only, or relative with ``..`` parts."""


def flatten(data: Any, separator: str = ".") -> dict[str, Any]:
    """Nested mappings as one level of joined keys: ``{"a": {"b": 1}}`` -> ``{"a.b": 1}``.

    As dvc-render does: an empty nested mapping stays a value (``{"e": {}}``), lists stay
    values, keys become strings. Anything that is not a mapping flattens to ``{}``.
    """
    if not isinstance(data, Mapping):
        return {}
    return dict(_flatten(data, "", separator))


def _flatten(mapping: Mapping[Any, Any], prefix: str, separator: str) -> Iterator[tuple[str, Any]]:
    for key, value in mapping.items():
        name = f"{prefix}{separator}{key}" if prefix else str(key)
        if isinstance(value, Mapping) and value:
            yield from _flatten(value, name, separator)
        else:
            yield name, value


def relative_inside(
    path: str | os.PathLike[str], base: str | os.PathLike[str] | None = None
) -> str | None:
    """``path`` relative to ``base`` (default: the current folder) in POSIX form when it lies
    inside it (``"."`` for ``base`` itself), else ``None``.

    Compared as written (made absolute) first, then with symbolic links resolved, so a path
    typed through a linked folder still counts as inside.
    """
    start = os.path.abspath(base if base is not None else os.curdir)
    target = os.path.abspath(path)
    for candidate, folder in ((target, start), (os.path.realpath(target), os.path.realpath(start))):
        try:
            relative = PurePath(candidate).relative_to(folder)
        except ValueError:
            continue
        return relative.as_posix()
    return None


def shown_path(
    path: str | os.PathLike[str],
    base: str | os.PathLike[str] | None = None,
    *,
    outside: Outside = "absolute",
) -> str:
    """A path as the user would type it: relative to ``base`` (default: the current folder)
    when inside it, else as ``outside`` says (absolute, as given, the last part, or with
    ``..``)."""
    inside = relative_inside(path, base)
    if inside is not None:
        return inside
    if outside == "given":
        return Path(path).as_posix()
    absolute = Path(os.path.abspath(path))
    if outside == "name":
        return absolute.name or absolute.as_posix()
    if outside == "relative":
        try:
            start = os.path.abspath(base if base is not None else os.curdir)
            return Path(os.path.relpath(absolute, start)).as_posix()
        except ValueError:  # another drive on Windows
            return absolute.as_posix()
    return absolute.as_posix()


_DIGITS = re.compile(r"(\d+)")


def natural_key(path: str | PurePath) -> list[str | int]:
    """A sort key that orders the numbers in names by value: ``runs/2`` before ``runs/10``
    (SLURM tasks, folds, trials). Text and numbers alternate, so keys always compare."""
    parts: list[str | int] = []
    for index, part in enumerate(_DIGITS.split(str(path))):
        parts.append(int(part) if index % 2 else part)
    return parts
