"""Names for people: dotted keys of nested values and paths as the user would type them."""

from __future__ import annotations

import os
from pathlib import Path

from dvclive_writer.read.naming import flatten, natural_key, relative_inside, shown_path
from tests.data.conftest import inside


def test_flatten_joins_nested_keys_and_keeps_empty_mappings_and_lists() -> None:
    data = {"optim": {"lr": 0.1, "betas": [0.9, 0.99]}, "empty": {}, 3: {"x": None}}
    assert flatten(data) == {"optim.lr": 0.1, "optim.betas": [0.9, 0.99], "empty": {}, "3.x": None}
    assert flatten(data, "/")["optim/lr"] == 0.1
    assert flatten([1, 2]) == {} and flatten(None) == {}


def test_shown_path_inside_and_outside_the_current_folder(tmp_path: Path) -> None:
    work = tmp_path / "work"
    run = work / "runs" / "a" / "dvclive"
    run.mkdir(parents=True)
    other = tmp_path / "elsewhere" / "dvclive"
    other.mkdir(parents=True)
    with inside(work):
        assert shown_path(run) == "runs/a/dvclive"
        assert shown_path("runs/a/dvclive") == "runs/a/dvclive"
        assert shown_path(work) == "."
        assert shown_path(other) == other.as_posix()
        assert shown_path(other, outside="name") == "dvclive"
        assert shown_path(other, outside="relative") == "../elsewhere/dvclive"
        assert shown_path("../elsewhere/dvclive", outside="given") == "../elsewhere/dvclive"
        assert relative_inside(other) is None
    assert shown_path(run, tmp_path) == "work/runs/a/dvclive"


def test_a_path_typed_through_a_link_still_counts_as_inside(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "dvclive").mkdir(parents=True)
    link = tmp_path / "link"
    os.symlink(real, link)
    with inside(real):
        assert shown_path(link / "dvclive") == "dvclive"


def test_natural_key_orders_numbers_by_value_and_always_compares() -> None:
    names = ["run10", "run2", "run", "2", "10", "a1b10", "a1b9", "a1"]
    expected = ["2", "10", "a1", "a1b9", "a1b10", "run", "run2", "run10"]
    assert sorted(names, key=natural_key) == expected
