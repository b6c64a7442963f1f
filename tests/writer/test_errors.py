"""API misuse raises dvclive's exception types and messages, before anything is written."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import dvclive
import dvclive.error
import numpy as np
import pytest

import dvclive_writer
import dvclive_writer.error
from dvclive_writer import Live


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_error_hierarchy_matches_dvclive() -> None:
    names = [
        "DvcLiveError",
        "InvalidDataTypeError",
        "InvalidDvcyamlError",
        "InvalidImageNameError",
        "InvalidPlotTypeError",
        "InvalidParameterTypeError",
        "InvalidReportModeError",
    ]
    for name in names:
        ours = getattr(dvclive_writer.error, name)
        theirs = getattr(dvclive.error, name)
        assert [c.__name__ for c in ours.__mro__] == [c.__name__ for c in theirs.__mro__]


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("InvalidDataTypeError", ("m", type(None))),
        ("InvalidDvcyamlError", ()),
        ("InvalidImageNameError", ("img.bmp",)),
        ("InvalidPlotTypeError", ("nope",)),
        ("InvalidParameterTypeError", ("cannot represent an object: x",)),
        ("InvalidReportModeError", ("pdf",)),
    ],
)
def test_error_messages_and_attributes_match_dvclive(name: str, args: tuple[Any, ...]) -> None:
    ours = getattr(dvclive_writer.error, name)(*args)
    theirs = getattr(dvclive.error, name)(*args)
    assert str(ours) == str(theirs)
    assert ours.args == theirs.args
    for attr in ("name", "val"):
        assert getattr(ours, attr, None) == getattr(theirs, attr, None)


def test_env_constants_match_dvclive() -> None:
    import dvclive.env

    import dvclive_writer.env

    public = {k: v for k, v in vars(dvclive.env).items() if k.isupper()}
    assert {k: v for k, v in vars(dvclive_writer.env).items() if k.isupper()} == public


@pytest.mark.parametrize(
    "val", [None, [1], (1,), {"a": 1}, np.bool_(True), np.array([1.0]), object()]
)
def test_bad_metric_value_writes_nothing(
    val: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    live = Live(save_dvc_exp=False, report=None)  # no background report build to race
    live.log_metric("good", 1)
    live.next_step()
    before = snapshot(tmp_path)
    with pytest.raises(dvclive_writer.error.InvalidDataTypeError) as info:
        live.log_metric("bad", val)
    assert str(info.value) == f"Data 'bad' has not supported type {type(val)}"
    assert snapshot(tmp_path) == before
    assert "bad" not in live.summary


def test_torch_like_tensor_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    tensor_cls = type("Tensor", (), {"__module__": "torch"})
    live = Live(save_dvc_exp=False)
    with pytest.raises(dvclive_writer.error.InvalidDataTypeError):
        live.log_metric("t", tensor_cls())


def test_scalar_then_nested_name_raises_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs_dir = tmp_path / "theirs"
    theirs_dir.mkdir()
    monkeypatch.chdir(theirs_dir)
    theirs = dvclive.Live(save_dvc_exp=False)
    theirs.log_metric("a", 1)
    with pytest.raises(AttributeError) as theirs_info:
        theirs.log_metric("a/b", 2)

    ours_dir = tmp_path / "ours"
    ours_dir.mkdir()
    monkeypatch.chdir(ours_dir)
    live = Live(save_dvc_exp=False)
    live.log_metric("a", 1)
    before = snapshot(ours_dir)
    with pytest.raises(AttributeError) as ours_info:
        live.log_metric("a/b", 2)
    assert str(ours_info.value) == str(theirs_info.value)
    # dvclive has already appended a row to a/b.tsv at this point; we write nothing.
    assert snapshot(ours_dir) == before
    assert live.summary == {"a": 1}
    live.log_metric("c", 3)
    live.end()
    assert (ours_dir / "dvclive/plots/metrics/c.tsv").is_file()


class Unrepresentable:
    pass


@pytest.mark.parametrize("bad", [Unrepresentable(), np.float32(1.0), Path("x")])
def test_bad_param_keeps_params_file_and_does_not_poison(
    bad: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    live = Live(save_dvc_exp=False)
    live.log_params({"lr": 0.1, "epochs": 3})
    before = snapshot(tmp_path)
    with pytest.raises(dvclive_writer.error.InvalidParameterTypeError) as info:
        live.log_param("bad", bad)
    assert "cannot represent an object" in str(info.value)
    assert snapshot(tmp_path) == before
    live.log_param("batch", 32)
    assert (tmp_path / "dvclive/params.yaml").read_text() == "lr: 0.1\nepochs: 3\nbatch: 32\n"


def test_bad_param_message_matches_dvclive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(dvclive.error.InvalidParameterTypeError) as theirs:
        dvclive.Live(save_dvc_exp=False).log_param("p", Path("x"))
    with pytest.raises(dvclive_writer.error.InvalidParameterTypeError) as ours:
        Live(save_dvc_exp=False).log_param("p", Path("x"))
    assert str(ours.value) == str(theirs.value)


def test_bad_report_mode_raises_before_creating_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(dvclive_writer.error.InvalidReportModeError):
        Live(report="pdf")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("dvcyaml", ["other.yaml", "sub/dvc.yml", Path("a/b.yaml")])
def test_bad_dvcyaml_raises_before_creating_anything(
    dvcyaml: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(dvclive_writer.error.InvalidDvcyamlError):
        Live(dvcyaml=dvcyaml)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"dir": None},
        {"dir": 123},
        {"report": "auto"},
        {"report": True},
        {"dvcyaml": "x.yaml"},
        {"dvcyaml": 1},
        {"dvcyaml": []},
        {"unknown": 1},
    ],
    ids=repr,
)
def test_constructor_misuse_matches_dvclive_and_writes_nothing(
    kwargs: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raised = []
    for module in (dvclive, dvclive_writer):
        root = tmp_path / module.__name__
        root.mkdir()
        monkeypatch.chdir(root)
        with pytest.raises(Exception) as info:
            module.Live(**{"save_dvc_exp": False, **kwargs})
        raised.append(type(info.value).__name__)
        assert list(root.iterdir()) == []
    assert raised[1] == raised[0]


def test_dvcyaml_pathlike_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    live = Live(dvcyaml=Path("conf") / "dvc.yaml", save_dvc_exp=False)
    assert live.dvc_file == os.path.join("conf", "dvc.yaml")


def test_notebook_report_outside_jupyter_is_disabled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.WARNING, logger="dvclive_writer"):
        live = Live(report="notebook", save_dvc_exp=False)
    assert live._report.mode is None
    assert live.report_file is None
    assert "Report mode 'notebook' requires to be inside a notebook." in caplog.text


def test_report_file_property(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert Live(report=None, save_dvc_exp=False).report_file is None
    assert Live(report="md", save_dvc_exp=False).report_file == os.path.join("dvclive", "report.md")


def test_properties(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    live = Live(dir=Path("out"), save_dvc_exp=False)
    theirs = dvclive.Live(dir=Path("out2"), save_dvc_exp=False)
    assert live.dir == Path("out")
    assert isinstance(theirs.dir, Path)
    for prop in ("params_file", "metrics_file", "plots_dir", "artifacts_dir"):
        assert getattr(live, prop) == getattr(theirs, prop).replace("out2", "out")
    assert live.dvc_file == os.path.join("out", "dvc.yaml")
    assert live.step == 0
    live.step = 5
    assert live.step == 5


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("yes", True), ("only", True), ("TRUE", True), ("0", False), ("no", False)],
)
def test_env2bool_is_as_loose_as_dvclive(
    value: str, expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dvclive.utils import env2bool as theirs

    from dvclive_writer.utils import env2bool

    monkeypatch.setenv("X_FLAG", value)
    assert env2bool("X_FLAG") is theirs("X_FLAG") is expected


def test_huge_int_overflow_is_the_same_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OverflowError):
        dvclive.Live(save_dvc_exp=False).log_metric("big", 10**400)
    with pytest.raises(OverflowError):
        Live(save_dvc_exp=False).log_metric("big", 10**400)


@pytest.mark.parametrize(("existing", "error"), [([1], TypeError), ("text", AttributeError)])
def test_nested_name_under_a_hand_set_value_raises_like_dvclive(
    existing: Any, error: type[Exception], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    theirs = dvclive.Live(save_dvc_exp=False, dir="theirs")
    theirs.summary["a"] = existing
    with pytest.raises(error) as theirs_info:
        theirs.log_metric("a/b", 1)
    live = Live(save_dvc_exp=False, report=None, dir="ours")
    live.summary["a"] = existing
    with pytest.raises(error) as ours_info:
        live.log_metric("a/b", 1)
    assert str(ours_info.value) == str(theirs_info.value)
    assert not (tmp_path / "ours/plots").exists()
