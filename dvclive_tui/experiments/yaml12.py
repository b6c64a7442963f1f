"""Fast YAML loading with the YAML 1.2 core schema, the way DVC reads params files.

DVC loads YAML with ``ruamel.yaml`` (``typ="safe"``, YAML 1.2), which costs about 0.6 ms per
small file. libyaml through PyYAML's ``CSafeLoader`` is ten times faster but resolves
scalars by YAML 1.1 rules (``1e-05`` is a string there, ``yes`` a bool, ``010`` octal). This
loader keeps libyaml's speed and swaps in ruamel's YAML 1.2 resolvers and number
constructors, so values (int vs float included) come out exactly as DVC sees them.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml  # type: ignore[import-untyped]

_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_RESOLVERS: list[tuple[str, re.Pattern[str], str]] = [
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    (
        "tag:yaml.org,2002:float",
        re.compile(
            r"""^(?:
             [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
            |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
            |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""",
            re.X,
        ),
        "-+0123456789.",
    ),
    (
        "tag:yaml.org,2002:int",
        re.compile(
            r"""^(?:[-+]?0b[0-1_]+
            |[-+]?0o?[0-7_]+
            |[-+]?[0-9_]+
            |[-+]?0x[0-9a-fA-F_]+)$""",
            re.X,
        ),
        "-+0123456789",
    ),
    ("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), "<"),
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), "~nN"),
    (
        "tag:yaml.org,2002:timestamp",
        re.compile(
            r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
            |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
            (?:[Tt]|[ \t]+)[0-9][0-9]?
            :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
            (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
            re.X,
        ),
        "0123456789",
    ),
]


class Yaml12Loader(_BASE):  # type: ignore[misc]
    """libyaml-backed safe loader resolving plain scalars by the YAML 1.2 core schema."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}

    def construct_yaml_int(self, node: Any) -> int:
        """Decimal, ``0b``, ``0o`` and ``0x`` integers; a leading zero is still decimal."""
        text = str(self.construct_scalar(node)).replace("_", "")
        sign = -1 if text[0] == "-" else 1
        if text[0] in "+-":
            text = text[1:]
        for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
            if text.startswith(prefix):
                return sign * int(text[2:], base)
        return sign * int(text)

    def construct_yaml_float(self, node: Any) -> float:
        """Floats, ``.inf`` and ``.nan`` (underscores ignored)."""
        text = str(self.construct_scalar(node)).replace("_", "").lower()
        sign = -1.0 if text[0] == "-" else 1.0
        if text[0] in "+-":
            text = text[1:]
        if text == ".inf":
            return sign * float("inf")
        if text == ".nan":
            return float("nan")
        return sign * float(text)


for _tag, _regexp, _first in _RESOLVERS:
    Yaml12Loader.add_implicit_resolver(_tag, _regexp, list(_first) or [""])
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), [""]
)
Yaml12Loader.add_constructor("tag:yaml.org,2002:int", Yaml12Loader.construct_yaml_int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", Yaml12Loader.construct_yaml_float)


def load_yaml12(data: bytes | str) -> Any:
    """Load one YAML document as DVC would (raises ``yaml.YAMLError`` on bad syntax)."""
    return yaml.load(data, Loader=Yaml12Loader)
