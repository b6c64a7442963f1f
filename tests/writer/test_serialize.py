"""serialize: dvclive's bytes, atomic replacement, clear errors on corrupt YAML."""

from __future__ import annotations

import datetime
import math
from collections import OrderedDict
from pathlib import Path
from typing import Any

import dvclive.serialize
import numpy as np
import pytest

from dvclive_writer import serialize
from dvclive_writer.utils import NumpyEncoder

YAML_CASES: list[Any] = [
    {},
    {"lr": 0.01, "nested": {"a": 1, "b": [1, 2]}, "flag": True, "none": None},
    {"nan": math.nan, "inf": -math.inf, "tuple": (1, 2), "set": {3}},
    {"date": datetime.date(2020, 1, 2), "multi": "a\nb", "unicode": "héllo ✓"},
    OrderedDict([("b", 1), ("a", [{"x": 1}, {"y": [None]}])]),
    {"plots": [{"dvclive/plots/metrics": {"x": "step"}}, "dvclive/plots/images"]},
]


@pytest.mark.parametrize("content", YAML_CASES)
def test_dump_yaml_bytes_match_dvclive(content: Any, tmp_path: Path) -> None:
    dvclive.serialize.dump_yaml(content, tmp_path / "theirs.yaml")
    serialize.dump_yaml(content, tmp_path / "ours.yaml")
    assert (tmp_path / "ours.yaml").read_bytes() == (tmp_path / "theirs.yaml").read_bytes()


JSON_CASES: list[Any] = [
    {},
    {"a": 1, "nested": {"b": "nan", "c": 0.1}, "step": 3},
    {"np32": np.float32(0.1), "np_int": np.int64(5), "nan": math.nan, "u": "é"},
]


@pytest.mark.parametrize("content", JSON_CASES)
def test_dump_json_bytes_match_dvclive(content: Any, tmp_path: Path) -> None:
    dvclive.serialize.dump_json(content, tmp_path / "theirs.json", cls=dvclive.plots.NumpyEncoder)
    serialize.dump_json(content, tmp_path / "ours.json", cls=NumpyEncoder)
    assert (tmp_path / "ours.json").read_bytes() == (tmp_path / "theirs.json").read_bytes()


def test_dump_creates_parent_directories(tmp_path: Path) -> None:
    serialize.dump_json({"a": 1}, tmp_path / "x" / "y" / "m.json")
    assert (tmp_path / "x/y/m.json").read_text() == '{\n    "a": 1\n}\n'


def test_unrepresentable_yaml_leaves_the_old_file(tmp_path: Path) -> None:
    from ruamel.yaml.representer import RepresenterError

    target = tmp_path / "params.yaml"
    serialize.dump_yaml({"ok": 1}, target)
    with pytest.raises(RepresenterError):
        serialize.dump_yaml({"bad": object()}, target)
    assert target.read_text() == "ok: 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["params.yaml"]


def test_failed_replace_removes_the_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "occupied"
    target.mkdir()
    (target / "inside").write_text("keep")
    with pytest.raises(OSError):
        serialize.atomic_write(target, b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["occupied"]
    assert (target / "inside").read_text() == "keep"


def test_load_yaml_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("a: [1, 2\n")
    with pytest.raises(serialize.YAMLFileCorruptedError) as info:
        serialize.load_yaml(path)
    assert info.value.args == (path, "YAML file structure is corrupted")
    assert isinstance(info.value, serialize.YAMLError)


def test_load_yaml_round_trip_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("# top\na: 1  # one\n")
    data = serialize.load_yaml(path, typ="rt")
    data["b"] = 2
    serialize.dump_yaml(data, path)
    assert path.read_text() == "# top\na: 1  # one\nb: 2\n"
