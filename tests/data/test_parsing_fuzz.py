"""The parsers never raise and stay sane on random bytes, truncations and interleaved writes."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dvclive_writer.read.parsing import (
    FAST_PATH_MIN_BYTES,
    TsvTable,
    parse_json_bytes,
    parse_metric_rows,
    parse_metric_tsv,
    parse_metric_tsvs,
    parse_yaml_bytes,
)
from dvclive_writer.read.reader import RunReader
from tests.data.conftest import FakeClock

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: A metric file exactly as dvclive writes it (timestamp column, repr floats, nan/inf).
DVCLIVE_TSV = b"timestamp\tstep\tloss\n" + b"".join(
    f"{1_700_000_000_000 + step * 37}\t{step}\t{value}\n".encode()
    for step, value in enumerate(["0.5", "0.25", "nan", "inf", "-inf", "1e-05", "True", "3"])
)
EXPECTED_VALUES = [0.5, 0.25, math.nan, math.inf, -math.inf, 1e-05, 1.0, 3.0]

tsv_like = st.lists(
    st.one_of(
        st.sampled_from(
            [
                b"\t",
                b"\n",
                b"\r\n",
                b"step",
                b"timestamp",
                b"nan",
                b"inf",
                b"-",
                b"Infinity",
                b"True",
                b'"',
                b",",
                b"1e309",
                b"99999999999999999999999",
                b"0.5",
                b"\x00",
            ]
        ),
        st.integers(-(2**70), 2**70).map(lambda n: str(n).encode()),
        st.binary(max_size=8),
    ),
    max_size=60,
).map(b"".join)


def _check_table(data: bytes) -> None:
    table = parse_metric_tsv(data)
    assert len(table.steps) == len(table.values)
    assert table.steps.dtype == np.int64 and table.values.dtype == np.float64
    if table.timestamps is not None:
        assert len(table.timestamps) == len(table.steps)
    assert all(isinstance(warning, str) for warning in table.warnings)


@FUZZ
@given(st.binary(max_size=512))
def test_random_bytes_never_raise(data: bytes) -> None:
    _check_table(data)
    for parser in (parse_json_bytes, parse_yaml_bytes):
        result = parser(data)
        assert (result.error is None) == result.ok
        assert result.error is None or "\n" not in result.error


@FUZZ
@given(tsv_like)
def test_tsv_shaped_noise_never_raises(data: bytes) -> None:
    _check_table(data)
    rows = parse_metric_rows(data, None)
    assert len(rows.steps) == len(rows.values)


def test_every_truncation_of_a_dvclive_file_is_a_prefix_of_the_full_parse() -> None:
    full = parse_metric_tsv(DVCLIVE_TSV)
    np.testing.assert_array_equal(full.values, EXPECTED_VALUES)
    assert full.steps.tolist() == list(range(8))
    for cut in range(len(DVCLIVE_TSV) + 1):
        data = DVCLIVE_TSV[:cut]
        complete = data[: data.rfind(b"\n") + 1]
        table = parse_metric_tsv(complete)
        count = len(table)
        assert table.steps.tolist() == list(range(count))
        np.testing.assert_array_equal(table.values, full.values[:count])
        _check_table(data)  # the raw cut, partial last line included, never raises


@pytest.mark.parametrize(
    "document",
    [
        b'{\n    "roc": [{"fpr": 0.0, "threshold": Infinity}]\n}\n',
        b'{"a": NaN, "b": -Infinity, "n": {"c": [1, 2]}}\n',
    ],
)
def test_every_truncation_of_json_never_raises(document: bytes) -> None:
    assert parse_json_bytes(document).ok
    for cut in range(len(document)):
        result = parse_json_bytes(document[:cut])
        assert result.ok or result.error


def test_every_truncation_of_yaml_never_raises() -> None:
    document = b"lr: 0.01\nnested:\n  a: 1\n  b:\n  - 1\n  - 2\nflag: true\nnone:\nnan: .nan\n"
    assert parse_yaml_bytes(document).value["nested"] == {"a": 1, "b": [1, 2]}
    for cut in range(len(document)):
        parse_yaml_bytes(document[:cut])


@FUZZ
@given(st.lists(st.integers(1, 40), min_size=1, max_size=40))
def test_interleaved_partial_writes_end_in_the_full_history(
    tmp_path_factory: pytest.TempPathFactory, chunk_sizes: list[int]
) -> None:
    run_dir = tmp_path_factory.mktemp("interleave") / "dvclive"
    metrics = run_dir / "plots" / "metrics"
    metrics.mkdir(parents=True)
    path = metrics / "loss.tsv"
    path.write_bytes(b"")
    reader = RunReader(run_dir, clock=FakeClock())
    position = 0
    sizes = iter(chunk_sizes)
    while position < len(DVCLIVE_TSV):
        size = next(sizes, len(DVCLIVE_TSV))
        with path.open("ab") as handle:
            handle.write(DVCLIVE_TSV[position : position + size])
        position += size
        reader.poll()
        series = reader.run.metrics.get("loss")
        if series is not None:
            assert series.steps.tolist() == list(range(len(series)))
    series = reader.run.metrics["loss"]
    np.testing.assert_array_equal(series.values, EXPECTED_VALUES)
    assert series.timestamps is not None
    assert series.timestamps.tolist() == [1_700_000_000_000 + step * 37 for step in range(8)]


def test_fast_and_slow_paths_agree(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(size=6000)
    values[::97] = np.nan
    values[5] = np.inf
    lines = [b"timestamp\tstep\tacc\r\n"]
    lines += [f"{1_700_000_000_000 + i}\t{i}\t{v!r}\r\n".encode() for i, v in enumerate(values)]
    data = b"".join(lines)
    assert len(data) > FAST_PATH_MIN_BYTES
    fast = parse_metric_tsv(data)
    header_end = data.index(b"\n") + 1
    body_lines = data[header_end:].splitlines(keepends=True)
    # Chunks under FAST_PATH_MIN_BYTES take the pure-Python row parser.
    chunks = [b"".join(body_lines[i : i + 200]) for i in range(0, len(body_lines), 200)]
    assert all(len(chunk) < FAST_PATH_MIN_BYTES for chunk in chunks)
    slow_parts = [parse_metric_rows(chunk, fast.layout) for chunk in chunks]
    slow_values = np.concatenate([part.values for part in slow_parts])
    slow_steps = np.concatenate([part.steps for part in slow_parts])
    slow_timestamps = np.concatenate([part.timestamps for part in slow_parts])  # type: ignore[misc]
    np.testing.assert_array_equal(fast.values, slow_values)
    np.testing.assert_array_equal(fast.steps, slow_steps)
    assert fast.timestamps is not None
    np.testing.assert_array_equal(fast.timestamps, slow_timestamps)
    # A big tail (a reader catching up) goes through the fast path and agrees too.
    tail = parse_metric_rows(data[header_end:], fast.layout)
    np.testing.assert_array_equal(tail.values, slow_values)
    np.testing.assert_array_equal(tail.steps, slow_steps)
    odd = data + b"1\t6000\tFalse\r\n"
    mixed = parse_metric_tsv(odd)  # polars refuses "False": the slow path takes over
    assert mixed.values[-1] == 0.0 and len(mixed) == len(values) + 1


_clean_cell = st.floats(width=64).map(lambda value: repr(value).encode())
_odd_cell = st.sampled_from([b"True", b"False", b"x", b"", b"1e309", b"-3"])
_cell = st.one_of(_clean_cell, _clean_cell, _clean_cell, _odd_cell)
_row = st.tuples(st.integers(-5, 10**6), st.integers(0, 10**4), _cell).map(
    lambda row: b"%d\t%d\t%s\n" % row
)
dvclive_history = st.tuples(
    st.sampled_from([b"timestamp\tstep\tloss\n", b"step\tloss\n", b"timestamp\tstep\tacc\n"]),
    st.lists(_row, max_size=30, unique_by=lambda row: row),
).map(lambda parts: parts[0] + b"".join(parts[1]))
"""Histories shaped as dvclive writes them (a timestamp column, or not), with odd cells."""


def _same_table(batched: TsvTable, alone: TsvTable) -> None:
    np.testing.assert_array_equal(batched.steps, alone.steps)
    np.testing.assert_array_equal(batched.values, alone.values)
    if alone.timestamps is None:
        assert batched.timestamps is None
    else:
        np.testing.assert_array_equal(batched.timestamps, alone.timestamps)
    assert (batched.layout, batched.has_header, batched.separator, batched.warnings) == (
        alone.layout,
        alone.has_header,
        alone.separator,
        alone.warnings,
    )


@FUZZ
@given(st.lists(st.one_of(dvclive_history, tsv_like), max_size=12))
def test_batched_first_reads_parse_as_each_file_alone(histories: list[bytes]) -> None:
    batched = parse_metric_tsvs(histories)
    assert len(batched) == len(histories)
    for data, table in zip(histories, batched, strict=True):
        _same_table(table, parse_metric_tsv(data))
