"""The YAML 1.2 core schema's plain scalars as DVC (ruamel, ``typ="safe"``) resolves them.

One home for the patterns and the number parsing shared by the full loader
(:mod:`dvclive_writer.read.yaml12`) and the dashboard's small reader of DVC's YAML files;
no YAML library is imported here.
"""

from __future__ import annotations

import re

BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
FLOAT = re.compile(
    r"""^(?:
     [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0o?[0-7_]+
    |[-+]?[0-9_]+
    |[-+]?0x[0-9a-fA-F_]+)$""",
    re.X,
)
NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
TIMESTAMP = re.compile(
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
    (?:[Tt]|[ \t]+)[0-9][0-9]?
    :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
    (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)


def core_int(text: str) -> int:
    """An :data:`INT` scalar: decimal, ``0b``, ``0o`` and ``0x``; a leading zero is still
    decimal; underscores ignored. Raises ``ValueError`` past Python's digit limit."""
    text = text.replace("_", "")
    sign = -1 if text[0] == "-" else 1
    if text[0] in "+-":
        text = text[1:]
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if text.startswith(prefix):
            return sign * int(text[2:], base)
    return sign * int(text)


def core_float(text: str) -> float:
    """A :data:`FLOAT` scalar, ``.inf`` and ``.nan`` included; underscores ignored. Raises
    ``ValueError`` for what the pattern takes but is no number (``._``), as ruamel does."""
    text = text.replace("_", "").lower()
    sign = -1.0 if text[0] == "-" else 1.0
    if text[0] in "+-":
        text = text[1:]
    if text == ".inf":
        return sign * float("inf")
    if text == ".nan":
        return float("nan")
    return sign * float(text)
