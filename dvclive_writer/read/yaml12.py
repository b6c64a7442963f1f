"""Fast YAML loading with the YAML 1.2 core schema, the way DVC reads params files.

DVC loads YAML with ``ruamel.yaml`` (``typ="safe"``, YAML 1.2), which costs about 0.6 ms per
small file. libyaml through PyYAML's ``CSafeLoader`` is ten times faster but resolves
scalars by YAML 1.1 rules (``1e-05`` is a string there, ``yes`` a bool, ``010`` octal). This
loader keeps libyaml's speed and swaps in ruamel's YAML 1.2 resolvers and number
constructors, so values (int vs float included) come out exactly as DVC sees them.

:func:`load_yaml12` composes the node graph first (libyaml, in C) and checks it with
:mod:`dvclive_writer.read.document_limits` before constructing anything: alias bombs,
self-containing aliases, deep nesting and over-long integers are refused with one readable
line, and tags beyond YAML's core schema (``!!python/...``) are refused as unsupported.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml  # type: ignore[import-untyped]

from dvclive_writer.read.document_limits import (
    INT_DIGITS_LIMIT,
    UnsafeDocument,
    check_yaml_graph,
    check_yaml_size,
)
from dvclive_writer.read.yaml_core import (
    BOOL,
    FLOAT,
    INT,
    NULL,
    TIMESTAMP,
    core_float,
    core_int,
)

_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_RESOLVERS: list[tuple[str, re.Pattern[str], str]] = [
    ("tag:yaml.org,2002:bool", BOOL, "tTfF"),
    ("tag:yaml.org,2002:float", FLOAT, "-+0123456789."),
    ("tag:yaml.org,2002:int", INT, "-+0123456789"),
    ("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), "<"),
    ("tag:yaml.org,2002:null", NULL, "~nN"),
    ("tag:yaml.org,2002:timestamp", TIMESTAMP, "0123456789"),
]


class Yaml12Loader(_BASE):  # type: ignore[misc]
    """libyaml-backed safe loader resolving plain scalars by the YAML 1.2 core schema."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}

    def construct_yaml_int(self, node: Any) -> int:
        """Decimal, ``0b``, ``0o`` and ``0x`` integers; a leading zero is still decimal."""
        text = str(self.construct_scalar(node))
        digits = len(text.replace("_", ""))
        if digits > INT_DIGITS_LIMIT:
            line = node.start_mark.line + 1
            raise UnsafeDocument(f"an integer with {digits} digits at line {line}")
        return core_int(text)

    def construct_yaml_float(self, node: Any) -> float:
        """Floats, ``.inf`` and ``.nan`` (underscores ignored)."""
        return core_float(str(self.construct_scalar(node)))


for _tag, _regexp, _first in _RESOLVERS:
    Yaml12Loader.add_implicit_resolver(_tag, _regexp, list(_first) or [""])
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:null", NULL, [""])
Yaml12Loader.add_constructor("tag:yaml.org,2002:int", Yaml12Loader.construct_yaml_int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", Yaml12Loader.construct_yaml_float)


def load_yaml12(data: bytes | str) -> Any:
    """Load one YAML document as DVC would, within the limits.

    Raises:
        UnsafeDocument: past a limit of :mod:`~dvclive_writer.read.document_limits`.
        yaml.YAMLError: bad syntax, or a tag outside the core schema.
    """
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
    check_yaml_size(raw)
    loader = Yaml12Loader(data)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_yaml_graph(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def describe_yaml_error(error: Exception) -> str:
    """One readable line for a YAML loading error (the problem and where it is)."""
    if isinstance(error, UnsafeDocument):
        return str(error)
    problem = getattr(error, "problem", None) or getattr(error, "context", None)
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    if problem is None:
        return " ".join(str(error).split())[:200]
    if "could not determine a constructor" in str(error):
        tag = str(error).split("tag '", 1)[-1].split("'", 1)[0]
        tag = tag.replace("tag:yaml.org,2002:", "!!")
        return f"unsupported tag {tag}{where}"
    return " ".join(str(problem).split())[:200] + where
