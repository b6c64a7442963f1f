"""Writing reports and their PNG charts: atomic, and never over something that is not a file.

A report is written to a fresh temporary file in the target's folder (``mkstemp``: a name
nobody else holds, opened exclusively, so a planted symlink is never followed) and renamed
over the target. A FIFO, device, socket or folder at the target is refused
(:class:`OutputTargetError`) instead of being replaced by a regular file.
"""

from __future__ import annotations

import functools
import os
import stat
import tempfile
from pathlib import Path


class OutputTargetError(OSError):
    """The output path holds something a report must not replace (one readable line)."""


def output_problem(path: Path, *, allow_symlink: bool = True) -> str | None:
    """Why ``path`` cannot receive a report (``"is a FIFO, ..."``), or ``None`` when it can.

    It can when nothing is there or a regular file is (replaced by rename). A symbolic link
    is replaced itself, never written through; ``allow_symlink=False`` refuses it (a
    command's explicit output, where the user may expect the link's target to change).
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return "lies under a file, not a folder"
    except OSError as error:
        return f"cannot be checked: {error.strerror or error}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return None if allow_symlink else "is a symbolic link (not replaced)"
    return f"is {_kind(mode)}, not a regular file"


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and ``os.replace`` it into place.

    Readers (a browser reloading, a watcher) see the old file or the new one, never a
    half-written one.

    Raises:
        OutputTargetError: ``path`` is a FIFO, device, socket or folder.
    """
    problem = output_problem(path)
    if problem is not None:
        raise OutputTargetError(f"{path}: {problem}")
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path``'s folder, symlinks resolved, is ``folder`` or below it."""
    real_folder = os.path.realpath(folder)
    real_parent = os.path.realpath(path.parent)
    return os.path.commonpath([real_folder, real_parent]) == real_folder


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


@functools.cache
def _umask() -> int:
    """The process umask, read once (by setting it and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
