"""A small YAML reader for the plain files DVC and dvclive write, without a YAML library.

``params.yaml``, ``dvc.yaml`` and ``dvc.lock`` are almost always block mappings and
sequences of plain or simply quoted scalars. Importing a YAML library and running its
loader costs more than compare spends on everything else for a thousand such files, so
this reader handles exactly that subset and gives up (:class:`Unsupported`) on anything
else — anchors, tags, block scalars, flow mappings, escapes, multi-line scalars,
duplicate keys, dates, merge keys, tabs — for the full loader
(:mod:`~dvclive_writer.read.yaml12`) to read. Plain scalars resolve by the YAML 1.2
core schema exactly as that loader resolves them (``1e-05`` a float, ``yes`` a string,
``010`` the integer 10), keys included.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from dvclive_writer.read.yaml_core import (
    BOOL,
    FLOAT,
    INT,
    NULL,
    TIMESTAMP,
    core_float,
    core_int,
)

#: Characters that give up anywhere: tabs, byte order marks, line breaks YAML and Python
#: disagree on, and what YAML does not accept (control characters, surrogates).
_ODD_CHARACTERS = re.compile(
    "[^\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]"
)
#: Longest implicit key YAML allows (1024 characters, less the indicator).
_LONGEST_KEY = 1000
#: A plain scalar cannot start with these (quotes and ``[`` are handled separately).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


class Unsupported(Exception):
    """The document uses YAML this reader leaves to the full loader."""


def _resolve(text: str) -> Any:
    """A plain scalar as the YAML 1.2 core schema resolves it (first-character dispatch
    and rule order as the full loader's resolvers)."""
    first = text[:1]
    if first in ("t", "T", "f", "F") and BOOL.match(text):
        return text[0] in "tT"
    if first and first in "-+0123456789." and FLOAT.match(text):
        return _number(core_float, text)
    if first and first in "-+0123456789" and INT.match(text):
        return _number(core_int, text)
    if first == "<" and text == "<<":
        raise Unsupported("merge key")
    if first in ("~", "n", "N", "") and NULL.match(text):
        return None
    if first and first in "0123456789" and TIMESTAMP.match(text):
        raise Unsupported("timestamp")
    return text


def _number(parse: Callable[[str], Any], text: str) -> Any:
    """``parse(text)``; what the full loader refuses (``._``, too many digits) is left to it."""
    try:
        return parse(text)
    except ValueError:
        raise Unsupported("a number the full loader refuses") from None


def _quoted(text: str) -> tuple[str, str]:
    """``(value, rest after the closing quote)`` of a single- or double-quoted scalar."""
    quote = text[0]
    if quote == '"':
        end = text.find('"', 1)
        if end < 0 or "\\" in text[:end]:
            raise Unsupported("escapes or an unterminated string")
        return text[1:end], text[end + 1 :]
    position = 1
    parts: list[str] = []
    while True:
        end = text.find("'", position)
        if end < 0:
            raise Unsupported("unterminated string")
        parts.append(text[position:end])
        if text[end + 1 : end + 2] == "'":
            parts.append("'")
            position = end + 2
            continue
        return "".join(parts), text[end + 1 :]


def _scalar(text: str) -> Any:
    """An inline value: a quoted or plain scalar, or a flow sequence of scalars."""
    if not text:
        return None
    first = text[0]
    if first in "'\"":
        value, rest = _quoted(text)
        if rest.strip():
            raise Unsupported("text after a quoted scalar")
        return value
    if first == "[":
        return _flow_sequence(text)
    if first in _INDICATORS and not (first == "-" and text[1:2] not in ("", " ")):
        raise Unsupported(f"indicator {first!r}")
    if ": " in text or text.endswith(":"):
        raise Unsupported("a mapping where a scalar was expected")
    return _resolve(text)


def _flow_sequence(text: str) -> list[Any]:
    if not text.endswith("]") or any(char in text[1:-1] for char in "[]{}'\"#"):
        raise Unsupported("nested or quoted flow collection")
    inner = text[1:-1].strip()
    if not inner:
        return []
    items = [item.strip() for item in inner.split(",")]
    if any(not item or ": " in item or item.endswith(":") for item in items):
        raise Unsupported("empty or mapping item in a flow sequence")
    values = []
    for item in items:
        if item[0] in _INDICATORS and not (item[0] == "-" and item[1:2] not in ("", " ")):
            raise Unsupported(f"indicator {item[0]!r}")
        values.append(_resolve(item))
    return values


def _split_key(content: str) -> tuple[Any, str] | None:
    """``(key, rest)`` of a ``key: value`` line, or ``None`` when it is not one."""
    if content[0] in "'\"":
        key_text, rest = _quoted(content)
        if rest == ":" or rest.startswith(": "):
            return key_text, rest[1:].strip()
        if rest.strip().startswith(":"):
            raise Unsupported("space before a key's colon")
        return None
    index = content.find(": ")
    if index < 0:
        if not content.endswith(":"):
            return None
        index = len(content) - 1
    key_text = content[:index].rstrip()
    if not key_text or key_text[0] in _INDICATORS or len(key_text) > _LONGEST_KEY:
        raise Unsupported("complex or indicator key")
    return _resolve(key_text), content[index + 1 :].strip()


def _strip_comment(content: str) -> str:
    if content.startswith("#"):
        return ""
    index = content.find(" #")
    if index < 0:
        return content
    if "'" in content or '"' in content:
        raise Unsupported("a comment on a line with quotes")
    return content[:index].rstrip()


class _Reader:
    def __init__(self, text: str) -> None:
        lines: list[tuple[int, str]] = []
        for raw in text.split("\n"):
            line = raw[:-1] if raw.endswith("\r") else raw
            content = line.lstrip(" ")
            if not content:
                continue
            content = _strip_comment(content).rstrip(" ")
            if not content:
                continue
            if content in ("---", "...") or content.startswith(("--- ", "%")):
                raise Unsupported("document markers and directives")
            lines.append((len(line) - len(line.lstrip(" ")), content))
        self.lines = lines

    def node(self, index: int, indent: int) -> tuple[Any, int]:
        content = self.lines[index][1]
        if content == "-" or content.startswith("- "):
            return self.sequence(index, indent)
        if _split_key(content) is not None:
            return self.mapping(index, indent)
        if index + 1 < len(self.lines):
            raise Unsupported("a multi-line scalar")
        return _scalar(content), index + 1

    def nested(self, index: int, indent: int, *, allow_same: bool) -> tuple[Any, int]:
        """The value of ``key:`` / ``-`` with nothing after it: a deeper block (or, for a
        mapping value, a sequence at the same indent), else null."""
        lines = self.lines
        if index < len(lines):
            deeper, content = lines[index]
            if deeper > indent:
                return self.node(index, deeper)
            if allow_same and deeper == indent and (content == "-" or content.startswith("- ")):
                return self.sequence(index, indent)
        return None, index

    def mapping(self, index: int, indent: int) -> tuple[dict[Any, Any], int]:
        result: dict[Any, Any] = {}
        lines = self.lines
        while index < len(lines) and lines[index][0] == indent:
            content = lines[index][1]
            split = _split_key(content)
            if split is None:
                raise Unsupported("a line that is not a key")
            key, rest = split
            if key in result or isinstance(key, float):
                raise Unsupported("a duplicate or float key")
            if rest:
                value = _scalar(rest)
                index += 1
                if index < len(lines) and lines[index][0] > indent:
                    raise Unsupported("a multi-line value")
            else:
                value, index = self.nested(index + 1, indent, allow_same=True)
            result[key] = value
        if index < len(lines) and lines[index][0] > indent:
            raise Unsupported("bad indentation")
        return result, index

    def sequence(self, index: int, indent: int) -> tuple[list[Any], int]:
        items: list[Any] = []
        lines = self.lines
        while index < len(lines) and lines[index][0] == indent:
            content = lines[index][1]
            if content == "-":
                value, index = self.nested(index + 1, indent, allow_same=False)
                items.append(value)
                continue
            if not content.startswith("- "):
                break
            rest = content[2:]
            inner = indent + 2 + len(rest) - len(rest.lstrip(" "))
            rest = rest.lstrip(" ")
            if rest == "-" or rest.startswith("- "):
                raise Unsupported("a sequence inside a sequence entry")
            if _split_key(rest) is not None:
                self.lines[index] = (inner, rest)  # a compact mapping: its first key
                value, index = self.mapping(index, inner)
                items.append(value)
                continue
            items.append(_scalar(rest))
            index += 1
            if index < len(lines) and lines[index][0] > indent:
                raise Unsupported("a multi-line entry")
        if index < len(lines) and lines[index][0] > indent:
            raise Unsupported("bad indentation")
        return items, index


def load_simple(data: bytes | str) -> Any:
    """The document, or :class:`Unsupported` when it needs the full loader."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise Unsupported("not UTF-8") from None
    else:
        text = data
    if _ODD_CHARACTERS.search(text):
        raise Unsupported("tabs or unusual line breaks")
    reader = _Reader(text)
    if not reader.lines:
        return None
    first_indent = reader.lines[0][0]
    value, index = reader.node(0, first_indent)
    if index != len(reader.lines):
        raise Unsupported("content after the document's top node")
    return value
