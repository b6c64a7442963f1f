"""Pure parsers for the files of a dvclive directory: bytes in, data out, never raises.

Used on files read from disk by the tailer and on blobs read from git objects by the
experiment comparison. Metric histories (``plots/metrics/**.tsv``) go through
:func:`parse_metric_tsv` (a polars fast path for big inputs, a tolerant pure-Python path for
everything else, incremental tails included); ``metrics.json``, plot JSON and ``dvc.yaml``
/ ``params.yaml`` through :func:`parse_json_bytes` and :func:`parse_yaml_bytes`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from dvclive_writer.read.document_limits import load_json

#: Inputs at least this big try the polars reader first (below it, polars' fixed cost per call
#: outweighs the pure-Python parser: measured crossover 16–24 KiB; a 2,000-row dvclive TSV is
#: ~52 KiB and parses 4–5× faster through polars).
FAST_PATH_MIN_BYTES = 16 * 1024
#: Whole histories up to this size may share one polars call (:func:`parse_metric_tsvs`).
BATCH_FILE_MAX_BYTES = 1 << 20

_STEP_NAMES = ("step",)
_TIMESTAMP_NAMES = ("timestamp",)
_BOOLS = {"true": 1.0, "false": 0.0}


@dataclass(frozen=True)
class TsvLayout:
    """Where the columns of a metric file are (indices into a row's cells)."""

    step: int
    value: int
    timestamp: int | None
    width: int
    value_name: str | None = None
    """The value column's header (the metric's basename), ``None`` when headerless."""

    @classmethod
    def for_width(cls, width: int) -> TsvLayout | None:
        """dvclive's layout for a headerless row of ``width`` cells (3: with timestamp)."""
        if width == 3:
            return cls(step=1, value=2, timestamp=0, width=3)
        if width == 2:
            return cls(step=0, value=1, timestamp=None, width=2)
        return None


@dataclass
class TsvTable:
    """A parsed metric history: steps, values and (optionally) epoch-ms timestamps."""

    steps: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    timestamps: npt.NDArray[np.int64] | None
    """Epoch milliseconds, ``-1`` where a row had none; ``None`` when no row had any."""
    layout: TsvLayout | None
    """The header's layout (``None`` for a headerless or empty input)."""
    has_header: bool = False
    separator: bytes = b"\t"
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def value_name(self) -> str | None:
        """The value column's name from the header, if any."""
        return None if self.layout is None else self.layout.value_name


@dataclass(frozen=True)
class ParseResult:
    """A parsed document: ``value`` when it parsed, else ``error`` (one readable line)."""

    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the document parsed."""
        return self.error is None


def detect_separator(first_line: bytes) -> bytes:
    """Tab for dvclive's TSVs; a comma for CSV-looking lines without tabs."""
    if b"\t" in first_line:
        return b"\t"
    if b"," in first_line:
        return b","
    return b"\t"


def parse_metric_tsv(data: bytes) -> TsvTable:
    """Parse a whole metric history file (header optional, CRLF, nan/inf, odd cells).

    Every line is parsed, the last one even without its newline. A first line that names a
    ``step`` or ``timestamp`` column, or whose step cell is no number, is the header
    (``[timestamp]\\tstep\\t<name>``); without one (a file truncated in place) rows are
    read by their width: 3 cells are ``timestamp, step, value`` and 2 are ``step, value``.
    Inputs of at least :data:`FAST_PATH_MIN_BYTES` go through polars when they are regular.
    """
    try:
        return _parse_metric_tsv(data)
    except Exception as error:  # pragma: no cover - a last guard; parsers never raise
        return _empty_table(None, warnings=[f"unreadable metric file: {error}"])


def parse_metric_tsvs(histories: Sequence[bytes]) -> list[TsvTable]:
    """Parse several whole metric histories: the same tables as :func:`parse_metric_tsv` on
    each, faster for many small files (a run's first read, a fleet of runs).

    Regular histories (a header, complete rows, no quotes, carriage returns or blank lines)
    whose headers share a layout are parsed by ONE polars call and split by their row
    counts: polars' fixed cost per call is most of the time of a small file. Anything else,
    or a batch polars refuses, is parsed one by one.
    """
    tables: list[TsvTable | None] = [None] * len(histories)
    groups: dict[tuple[int, int, int | None, int, bytes], list[tuple[int, TsvLayout, bytes]]] = {}
    for index, data in enumerate(histories):
        split = _regular_history(data)
        if split is None:
            tables[index] = parse_metric_tsv(data)
            continue
        layout, separator, body = split
        key = (layout.step, layout.value, layout.timestamp, layout.width, separator)
        groups.setdefault(key, []).append((index, layout, body))
    for (*_, separator), members in groups.items():
        parsed = _parse_group(members, separator) if len(members) > 1 else None
        for position, (index, _, _) in enumerate(members):
            one = parsed[position] if parsed is not None else parse_metric_tsv(histories[index])
            tables[index] = one
    return [table for table in tables if table is not None]


def _regular_history(data: bytes) -> tuple[TsvLayout, bytes, bytes] | None:
    """(layout, separator, body) of a history that polars reads exactly as the row parser
    does, else ``None``."""
    if len(data) > BATCH_FILE_MAX_BYTES or not data.endswith(b"\n"):
        return None
    if data.startswith(b"\xef\xbb\xbf") or b"\x00" in data[:4096]:
        return None
    newline = data.find(b"\n")
    first_line = data[:newline]
    separator = detect_separator(first_line)
    layout = header_layout(first_line, separator)
    if layout is None or layout.width < 2:
        return None
    body = data[newline + 1 :]
    # Blank lines need no scan: polars skips them, so the row counts then disagree and the
    # group is parsed file by file (_parse_group).
    if not body or b"\r" in body or b'"' in body:
        return None
    return layout, separator, body


def _parse_group(
    members: list[tuple[int, TsvLayout, bytes]], separator: bytes
) -> list[TsvTable] | None:
    """One polars call over the members' bodies, split back per member (``None``: refused)."""
    layout = members[0][1]
    table = _parse_fast(b"".join(body for _, _, body in members), layout, separator)
    counts = [body.count(b"\n") for _, _, body in members]
    if table is None or len(table) != sum(counts):
        return None
    stops = np.cumsum(counts)[:-1]
    steps = np.split(table.steps, stops)
    values = np.split(table.values, stops)
    stamps = None if table.timestamps is None else np.split(table.timestamps, stops)
    return [
        TsvTable(
            steps=steps[i],
            values=values[i],
            timestamps=None if stamps is None else stamps[i],
            layout=member_layout,
            has_header=True,
            separator=separator,
        )
        for i, (_, member_layout, _) in enumerate(members)
    ]


def parse_metric_rows(
    data: bytes, layout: TsvLayout | None, *, separator: bytes = b"\t"
) -> TsvTable:
    """Parse body rows (no header) with a known layout, e.g. lines appended to a tailed file.

    Large tails (a reader catching up on a fast writer) take the polars path when regular.
    """
    try:
        if layout is not None and len(data) >= FAST_PATH_MIN_BYTES:
            table = _parse_fast(data, layout, separator)
            if table is not None:
                return table
        return _parse_body(data, layout, separator, has_header=layout is not None)
    except Exception as error:  # pragma: no cover - a last guard; parsers never raise
        return _empty_table(layout, warnings=[f"unreadable metric rows: {error}"])


def header_layout(first_line: bytes, separator: bytes = b"\t") -> TsvLayout | None:
    """The layout a header line describes, or ``None`` when the line is a data row."""
    line = _decode(first_line).rstrip("\r\n")
    cells = [_unquote(cell) for cell in line.split(_sep(separator))]
    lowered = [cell.lower() for cell in cells]
    named = any(c in _STEP_NAMES or c in _TIMESTAMP_NAMES for c in lowered)
    if not named:
        data_layout = TsvLayout.for_width(len(cells))
        if data_layout is not None and _parse_step(cells[data_layout.step]) is not None:
            return None
        if not line.strip() or all(_is_number(cell) for cell in cells):
            return None
    step = next((i for i, c in enumerate(lowered) if c in _STEP_NAMES), None)
    timestamp = next((i for i, c in enumerate(lowered) if c in _TIMESTAMP_NAMES), None)
    if step is not None and len(cells) == 2:
        timestamp = None  # "step\ttimestamp": the history of a metric named "timestamp"
    if step is None:
        step = next((i for i in range(len(cells)) if i != timestamp), 0)
    value = next((i for i in range(len(cells)) if i not in (timestamp, step)), None)
    if value is None:
        value = step
    return TsvLayout(
        step=step,
        value=value,
        timestamp=timestamp,
        width=len(cells),
        value_name=cells[value],
    )


def parse_json_bytes(data: bytes) -> ParseResult:
    """Parse JSON (``NaN``/``Infinity`` tokens accepted); an error message instead of raising.

    Documents nested past :data:`~dvclive_writer.read.document_limits.MAX_NESTING` or
    holding an integer past Python's digit limit are refused with one readable line.
    """
    text, error = _text(data)
    if text is None:
        return ParseResult(error=error)
    try:
        return ParseResult(value=load_json(text))
    except ValueError as exc:
        return ParseResult(error=f"invalid JSON: {_one_line(str(exc))}")
    except Exception as exc:  # pragma: no cover - a last guard; parsers never raise
        return ParseResult(error=f"invalid JSON: {_one_line(str(exc))}")


def parse_yaml_bytes(data: bytes) -> ParseResult:
    """Parse YAML as DVC does (YAML 1.2 core schema); an error message instead of raising.

    Alias bombs, self-containing aliases, deep nesting, over-long integers and tags outside
    the core schema (``!!python/...``) are refused with one readable line
    (:func:`~dvclive_writer.read.yaml12.load_yaml12`).
    """
    text, error = _text(data)
    if text is None:
        return ParseResult(error=error)
    from dvclive_writer.read.yaml12 import describe_yaml_error, load_yaml12

    try:
        return ParseResult(value=load_yaml12(text))
    except Exception as exc:
        return ParseResult(error=f"invalid YAML: {_one_line(describe_yaml_error(exc))}")


# -- internals ---------------------------------------------------------------------------


def _text(data: bytes) -> tuple[str | None, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        return None, "empty file"
    if b"\x00" in data:
        return None, "binary content (NUL bytes)"
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start})"


def _one_line(message: str) -> str:
    return " ".join(message.split())[:200]


def _parse_metric_tsv(data: bytes) -> TsvTable:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096]:
        return _empty_table(None, warnings=["binary content, not a metric history"])
    newline = data.find(b"\n")
    first_line = data if newline < 0 else data[:newline]
    separator = detect_separator(first_line)
    layout = header_layout(first_line, separator)
    if layout is None:
        return _parse_body(data, None, separator, has_header=False)
    if layout.width < 2:
        return _empty_table(layout, warnings=["no step and value columns in the header"])
    body = b"" if newline < 0 else data[newline + 1 :]
    if len(body) >= FAST_PATH_MIN_BYTES:
        table = _parse_fast(body, layout, separator)
        if table is not None:
            return table
    return _parse_body(body, layout, separator, has_header=True)


def _parse_fast(body: bytes, layout: TsvLayout, separator: bytes) -> TsvTable | None:
    """polars' CSV reader on a regular body; ``None`` sends the caller to the slow path."""
    try:
        import polars as pl

        names = [f"c{i}" for i in range(layout.width)]
        schema: dict[str, Any] = dict.fromkeys(names, pl.String)
        schema[names[layout.step]] = pl.Int64
        schema[names[layout.value]] = pl.Float64
        if layout.timestamp is not None:
            schema[names[layout.timestamp]] = pl.Int64
        frame = pl.read_csv(
            body,
            separator=separator.decode(),
            has_header=False,
            schema=schema,
            quote_char='"',
        )
    except Exception:
        return None
    used = [names[layout.step], names[layout.value]]
    if layout.timestamp is not None:
        used.append(names[layout.timestamp])
    if any(frame[column].null_count() for column in used):
        return None
    steps = frame[names[layout.step]].to_numpy()
    values = frame[names[layout.value]].to_numpy()
    timestamps = None if layout.timestamp is None else frame[names[layout.timestamp]].to_numpy()
    return TsvTable(
        steps=np.asarray(steps, dtype=np.int64),
        values=np.asarray(values, dtype=np.float64),
        timestamps=None if timestamps is None else np.asarray(timestamps, dtype=np.int64),
        layout=layout,
        has_header=True,
        separator=separator,
    )


def _parse_body(
    data: bytes, layout: TsvLayout | None, separator: bytes, *, has_header: bool
) -> TsvTable:
    """The tolerant row-by-row parser (small inputs, tails, odd files)."""
    sep = _sep(separator)
    steps: list[int] = []
    values: list[float] = []
    stamps: list[int] = []
    any_stamp = layout is not None and layout.timestamp is not None
    bad_rows = 0
    first_bad = ""
    odd_values = 0
    first_odd = ""
    text = _decode(data)
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        cells = line.split(sep)
        row_layout = layout if layout is not None and len(cells) == layout.width else None
        if row_layout is None:
            row_layout = TsvLayout.for_width(len(cells))
        if row_layout is None:
            bad_rows += 1
            first_bad = first_bad or line
            continue
        step = _parse_step(_unquote(cells[row_layout.step]))
        if step is None:
            bad_rows += 1
            first_bad = first_bad or line
            continue
        raw_value = _unquote(cells[row_layout.value])
        value = _parse_value(raw_value)
        if value is None:
            odd_values += 1
            first_odd = first_odd or raw_value
            value = math.nan
        stamp = -1
        if row_layout.timestamp is not None:
            any_stamp = True
            parsed_stamp = _parse_step(_unquote(cells[row_layout.timestamp]))
            stamp = -1 if parsed_stamp is None else parsed_stamp
        steps.append(step)
        values.append(value)
        stamps.append(stamp)
    warnings: list[str] = []
    if bad_rows:
        warnings.append(f"{bad_rows} unreadable row(s) skipped, first: {_clip(first_bad)!r}")
    if odd_values:
        warnings.append(
            f"{odd_values} non-numeric value(s) read as NaN, first: {_clip(first_odd)!r}"
        )
    return TsvTable(
        steps=_int_array(steps),
        values=np.array(values, dtype=np.float64),
        timestamps=_int_array(stamps) if any_stamp else None,
        layout=layout,
        has_header=has_header,
        separator=separator,
        warnings=warnings,
    )


def _int_array(numbers: list[int]) -> npt.NDArray[np.int64]:
    try:
        return np.array(numbers, dtype=np.int64)
    except OverflowError:
        clipped = [max(min(n, 2**63 - 1), -(2**63)) for n in numbers]
        return np.array(clipped, dtype=np.int64)


def _empty_table(layout: TsvLayout | None, *, warnings: list[str]) -> TsvTable:
    return TsvTable(
        steps=np.empty(0, dtype=np.int64),
        values=np.empty(0, dtype=np.float64),
        timestamps=None,
        layout=layout,
        warnings=warnings,
    )


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _sep(separator: bytes) -> str:
    return separator.decode("ascii", errors="replace") or "\t"


def _unquote(cell: str) -> str:
    cell = cell.strip()
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


def _clip(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number(cell: str) -> bool:
    cell = _unquote(cell)
    if cell.lower() in _BOOLS:
        return False
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _parse_step(cell: str) -> int | None:
    try:
        return int(cell)
    except ValueError:
        pass
    try:
        number = float(cell)
    except ValueError:
        return None
    if not math.isfinite(number) or number != int(number):
        return None
    return int(number)


def _parse_value(cell: str) -> float | None:
    """A float (``nan``/``inf``/``Infinity`` included); bools as 1/0; ``None`` otherwise."""
    try:
        return float(cell)
    except ValueError:
        pass
    return _BOOLS.get(cell.lower())
