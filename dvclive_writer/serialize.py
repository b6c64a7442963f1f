"""YAML/JSON (de)serialisation with dvclive's exact output bytes, written atomically.

Every writer goes through :func:`atomic_write`: the bytes land in a temporary file in the
same directory, which then replaces the target with ``os.replace``. A reader (or a process
killed half-way) therefore sees either the old file or the new one, never a partial file.
ruamel.yaml is imported lazily, on first use.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from dvclive_writer.error import DvcLiveError

if TYPE_CHECKING:
    from ruamel.yaml import YAML

    from dvclive_writer.utils import StrPath

#: Suffix of the temporary files made by :func:`atomic_write` (``.<name>.<pid>.<tid>.tmp``).
TEMP_SUFFIX = ".tmp"


class YAMLError(DvcLiveError):
    """Base class of YAML errors."""


class YAMLFileCorruptedError(YAMLError):
    """A YAML file could not be parsed."""

    def __init__(self, path: Any) -> None:
        super().__init__(path, "YAML file structure is corrupted")


def temp_path_for(path: StrPath) -> str:
    """The temporary sibling used to replace ``path`` atomically from this thread."""
    directory, name = os.path.split(os.fspath(path))
    return os.path.join(directory, f".{name}.{os.getpid()}.{threading.get_ident()}{TEMP_SUFFIX}")


def atomic_write(path: StrPath, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``.

    The parent directory is created when missing. On any error the temporary file is removed
    and the target is left as it was.
    """
    tmp = temp_path_for(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    except FileNotFoundError:
        make_dir(path)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def make_dir(output_file: StrPath) -> None:
    """Create the parent directory of ``output_file`` if it has one."""
    output_dir = os.path.dirname(output_file)
    if output_dir:
        os.makedirs(output_dir, exist_ok=True)


def load_yaml(path: StrPath, typ: str = "safe") -> Any:
    """Parse a YAML file (``typ="rt"`` keeps comments); raise YAMLFileCorruptedError if bad."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError as _YAMLError

    yaml = YAML(typ=typ)
    with open(path, encoding="utf-8") as fd:
        text = fd.read()
    try:
        return yaml.load(text)
    except _YAMLError as exc:
        raise YAMLFileCorruptedError(path) from exc


def get_yaml() -> YAML:
    """dvclive's (and dvc's) round-trip dumper: block style, OrderedDict as a plain mapping."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    representer = yaml.Representer
    representer.add_representer(OrderedDict, representer.represent_dict)
    return yaml


def dumps_yaml(content: Any) -> str:
    """``content`` as dvclive writes it to YAML.

    Raises ruamel's ``RepresenterError`` for values it cannot represent; nothing is written.
    """
    stream = io.StringIO()
    get_yaml().dump(content, stream)
    return stream.getvalue()


def dump_yaml(content: Any, output_file: StrPath) -> None:
    """Write ``content`` as YAML, atomically (nothing is touched if it cannot be represented)."""
    atomic_write(output_file, dumps_yaml(content).encode("utf-8"))


def dumps_json(content: Any, indent: int = 4, **kwargs: Any) -> str:
    """``content`` as dvclive writes JSON: ``json.dump`` output plus a newline."""
    return json.dumps(content, indent=indent, **kwargs) + "\n"


def dump_json(content: Any, output_file: StrPath, indent: int = 4, **kwargs: Any) -> None:
    """Write ``content`` as dvclive's JSON, atomically."""
    atomic_write(output_file, dumps_json(content, indent=indent, **kwargs).encode("utf-8"))
