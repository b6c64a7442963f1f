"""``Live()`` on a non-zero rank: same API and checks, no files (in-process, no framework)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from dvclive_writer import Live
from dvclive_writer.error import InvalidDataTypeError, InvalidReportModeError
from dvclive_writer.nonzero_rank import NonZeroRankLive
from dvclive_writer.ranks import process_rank


def test_every_public_name_of_live_is_answered_without_writing() -> None:
    public = {name for name in vars(Live) if not name.startswith("_")} | {
        "__enter__",
        "__exit__",
        "__init__",
    }
    assert public - set(vars(NonZeroRankLive)) == set()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"RANK": "1"}, ("RANK", 1)),
        ({"LOCAL_RANK": "3", "SLURM_PROCID": "0"}, ("LOCAL_RANK", 3)),
        ({"SLURM_PROCID": "2"}, ("SLURM_PROCID", 2)),
        ({"RANK": "x", "JSM_NAMESPACE_RANK": "0"}, ("JSM_NAMESPACE_RANK", 0)),
        ({}, None),
    ],
)
def test_rank_is_read_as_lightning_reads_it(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: object
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert process_rank() == expected


def test_rank_one_writes_nothing_and_checks_like_live(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("RANK", "1")
    with caplog.at_level(logging.WARNING, logger="dvclive_writer"):
        live = Live("run", monitor_system=True)
    assert type(live) is NonZeroRankLive and isinstance(live, Live)
    assert "writes nothing in this process: RANK=1" in caplog.text
    with live:
        live.log_params({"lr": 0.1})
        live.log_metric("train/loss", 0.5)
        live.log_image("img.png", object())
        live.log_artifact("model.pt", type="model")
        live.next_step()
        live.make_report()
        with pytest.raises(InvalidDataTypeError):
            live.log_metric("bad", [1])  # type: ignore[arg-type]
    assert live.summary == {"train": {"loss": 0.5}} and live.step == 1
    assert live.metrics_file == str(Path("run") / "metrics.json")
    assert list(in_tmp.iterdir()) == []
    with pytest.raises(InvalidReportModeError):
        Live("run", report="pdf")  # type: ignore[arg-type]


def test_rank_one_resumes_at_rank_zeros_step(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (in_tmp / "run").mkdir()
    (in_tmp / "run" / "metrics.json").write_text(json.dumps({"loss": 0.1, "step": 4}))
    monkeypatch.setenv("SLURM_PROCID", "1")
    live = Live("run", resume=True)
    assert live.step == 5 and live.summary["loss"] == 0.1


@pytest.mark.parametrize("env", [{"RANK": "0"}, {"RANK": "1", "DVCLIVE_WRITER_ALL_RANKS": "1"}])
def test_rank_zero_and_the_opt_out_write(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    live = Live("run", report=None, save_dvc_exp=False)
    assert type(live) is Live
    live.log_metric("loss", 1.0)
    live.end()
    assert (in_tmp / "run" / "metrics.json").exists()
