"""Filter expressions, table columns, sorting and YAML 1.2 loading (headless)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from dvclive_tui.experiments.filter import FilterError, compile_filter
from dvclive_tui.experiments.table import build_columns, changed_columns, sort_rows
from dvclive_tui.experiments.view import TableView
from dvclive_writer.read.yaml12 import load_yaml12
from tests.compare.factory import build_experiments


@pytest.fixture
def view(tmp_path: Path) -> TableView:
    return TableView.build(build_experiments(tmp_path).experiments)


def names(view: TableView) -> list[str]:
    return [exp.label for exp in view.rows]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('lr >= 0.003 and optimizer == "adam"', ["brisk-lion", "dark-fox"]),
        ("lr < 0.01", ["calm-owl", "eager-elk"]),
        ('optimizer in ["sgd"] or acc > 0.8', ["brisk-lion", "calm-owl", "eager-elk"]),
        ("not (train.loss > 0.2)", ["brisk-lion"]),
        ("loss > 0.5", ["calm-owl", "eager-elk"]),
        ('name ~ "*-o*"', ["calm-owl"]),
        ("*-f*", ["dark-fox"]),
        ("eager-elk", ["eager-elk"]),
        ("missing_key > 1", []),
        ('lr > "text"', []),
        ("0.001 < lr < 0.05", ["dark-fox", "eager-elk"]),
        ("`dvclive/params.yaml:seed` == 1", ["brisk-lion", "calm-owl", "dark-fox", "eager-elk"]),
    ],
)
def test_filter_expressions(view: TableView, expression: str, expected: list[str]) -> None:
    view.set_filter(expression)
    assert names(view) == expected


@pytest.mark.parametrize(
    "expression",
    ["__import__('os').system('true')", "lr.__class__ == 1", "lr + 1 > 2", "f(lr)", "lr[0] > 1"],
)
def test_filter_rejects_anything_but_comparisons(expression: str) -> None:
    with pytest.raises(FilterError):
        compile_filter(expression)


def test_columns_sort_and_only_changed(view: TableView) -> None:
    columns = build_columns(view.experiments)
    labels = [column.label for column in columns]
    assert labels[:3] == ["train.loss", "acc", "step"]  # metrics first, in file order
    assert labels[3:] == ["lr", "optimizer", "epochs", "seed"]
    acc = next(column for column in columns if column.label == "acc")
    ordered = sort_rows(view.experiments, acc, reverse=True)
    assert [exp.label for exp in ordered] == ["brisk-lion", "dark-fox", "eager-elk", "calm-owl"]
    changed = [column.label for column in changed_columns(view.experiments, columns)]
    assert "epochs" not in changed and "seed" not in changed and "lr" in changed


def test_starred_rows_stay_first_and_survive_filters(view: TableView) -> None:
    view.starred.add(view.experiments[3].key)
    view.set_filter("lr >= 0.01")
    assert names(view) == ["eager-elk", "brisk-lion", "dark-fox"]


@pytest.mark.parametrize(
    "document",
    [
        "lr: 1e-05\nb: 1e5\nc: .5\nd: 1.",
        "a: 010\nb: 0o17\nc: 0x1F\nd: 0b101\ne: 1_000\nf: +12\ng: -0.0",
        "a: yes\nb: on\nc: NO\nd: True\ne: false",
        "a: .nan\nb: -.inf\nc: .Inf",
        "a:\nb: ~\nc: null\nd: 2020-01-02\ne: '1'\nf: [1, 2.0, x]",
        "nested:\n  a: 1\n  b:\n  - 1\n  - 2\nflag: true\nnone:\n",
    ],
)
def test_yaml12_loads_like_ruamel(document: str) -> None:
    expected = YAML(typ="safe").load(document)
    actual = load_yaml12(document)
    assert repr(actual) == repr(expected)
    assert [type(v) for v in actual.values()] == [type(v) for v in expected.values()]
