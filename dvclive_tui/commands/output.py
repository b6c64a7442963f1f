"""Writing a command's text to stdout."""

from __future__ import annotations

import sys

CHUNK = 1 << 16
"""Characters per write: one huge write to a pipe whose reader left can end with a partial
write and no error; pieces make the closed pipe show up as ``BrokenPipeError``."""


def write_stdout(text: str) -> None:
    """Write ``text`` to stdout in :data:`CHUNK`-sized pieces."""
    for start in range(0, len(text), CHUNK):
        sys.stdout.write(text[start : start + CHUNK])
