"""Read the params and metrics of one revision the way ``dvc exp show`` collects them.

Given a :class:`~dvclive_tui.experiments.sources.FileSource` (a commit tree or a directory),
find its ``dvc.yaml`` files, gather the params files (stage params deps, top-level
``params``, the root ``params.yaml``) and metrics files (stage metrics, top-level
``metrics``), and load them. Corrupt or missing files become per-file errors; nothing
raises. Parsed files are memoised by content identity (blob id), so experiments sharing a
file parse it once.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from dvclive_tui.experiments.dvcyaml import (
    DEFAULT_PARAMS_FILE,
    DvcYamlSpec,
    merge_params,
    parse_dvc_yaml,
)
from dvclive_tui.experiments.pipeline import deps_and_outs
from dvclive_tui.experiments.sources import FileSource
from dvclive_writer.read.document_limits import check_nesting, load_json


class FileError(NamedTuple):
    """Why one file could not be read: DVC's error type name and a readable message."""

    type: str
    msg: str


@dataclass
class FileResult:
    """One params or metrics file: its data, or the error that prevented reading it."""

    data: Any = None
    error: FileError | None = None


@dataclass
class RevisionData:
    """Everything ``dvc exp show`` reports for one revision, plus where dvclive wrote."""

    params: dict[str, FileResult] = field(default_factory=dict)
    metrics: dict[str, FileResult] = field(default_factory=dict)
    plots: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """``(repo-relative path, plot properties)`` from every ``dvc.yaml``."""
    deps: dict[str, Any] = field(default_factory=dict)
    """Stage dependencies: ``path -> {hash, size, nfiles}``."""
    outs: dict[str, Any] = field(default_factory=dict)
    """Stage outputs and ``.dvc`` data: ``path -> {hash, size, nfiles, use_cache, ...}``."""
    dvc_yaml_errors: dict[str, str] = field(default_factory=dict)
    json_safe: bool = False
    """Known to come back from a JSON round trip exactly (every file it was read from
    does): the read cache can keep it without checking."""


class FileStore(Protocol):
    """Where parsed files persist between runs (see ``read_cache.ReadCache``)."""

    def get_file(self, key: str) -> Any:
        """The parsed value, or a sentinel that is neither data nor :class:`FileError`."""

    def put_file(self, key: str, value: Any) -> None:
        """Remember a parsed value (data or :class:`FileError`)."""

    def keep(self, key: str) -> None:
        """Note that a remembered value is still in use."""


class ParseCache:
    """Parsed files keyed by ``(content identity, format)``, shared across revisions,
    optionally backed by a persistent :class:`FileStore`."""

    def __init__(self, store: FileStore | None = None) -> None:
        self._items: dict[tuple[str, str], Any] = {}
        self._unsafe: set[tuple[str, str]] = set()
        self.unsafe_loads = 0
        """Loads so far whose data might not survive a JSON round trip (YAML with
        integer keys, dates...): :func:`read_revision` tells its data apart by it."""
        self._specs: dict[tuple[str, int], tuple[Any, DvcYamlSpec]] = {}
        self.store = store

    def spec(self, path: str, loaded: Any) -> DvcYamlSpec:
        """The spec of a loaded ``dvc.yaml`` (built once per loaded document; revisions
        sharing the file share its spec, which nobody changes)."""
        key = (path, id(loaded))
        known = self._specs.get(key)
        if known is not None and known[0] is loaded:
            return known[1]
        spec = parse_dvc_yaml(path, loaded)
        self._specs[key] = (loaded, spec)
        return spec

    def load(self, source: FileSource, path: str) -> Any:
        """Load ``path`` by its suffix; returns the data or a :class:`FileError`."""
        kind = _format_of(path)
        identity = source.identity(path)
        key = (identity, kind) if identity is not None else None
        store_key = f"{kind}:{identity}"
        # Files of commits are not kept on disk: their revision's data is (read_cache).
        store = self.store if getattr(source, "keep_parsed", True) else None
        if key is not None and key in self._items:
            if store is not None:
                store.keep(store_key)
            self.unsafe_loads += key in self._unsafe
            return self._items[key]
        if key is not None and store is not None:
            stored = store.get_file(store_key)
            if isinstance(stored, FileError) or _is_data(stored):
                self._items[key] = stored  # it came from JSON: safe
                return stored
        raw = source.read(path)
        if raw is None:  # never cached: a missing object may be fetched later
            return missing_error(source, path)
        result = decode(raw, path, kind)
        safe = kind == "json" or isinstance(result, FileError) or survives_json(result)
        self.unsafe_loads += not safe
        if key is not None:
            self._items[key] = result
            if not safe:
                self._unsafe.add(key)
            if store is not None and safe:
                store.put_file(store_key, result)
        return result


def missing_error(source: FileSource, path: str) -> FileError:
    """Why ``path`` could not be read, as DVC says it: the source's own reason when it
    has one (a DVC-tracked file whose object is missing), else "no such file"."""
    why = getattr(source, "why_missing", None)
    found = why(path) if why is not None else None
    if found is not None:
        return FileError(*found)
    return FileError("FileNotFoundError", f"[Errno 2] No such file or directory: '{path}'")


def survives_json(value: Any) -> bool:
    """Whether ``value`` comes back from a JSON round trip exactly, types included: only
    plain dicts with string keys, lists, strings, ints, floats (NaN and infinities too),
    booleans and ``None`` do (tuples, integer keys, dates do not)."""
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            for key in item:
                if type(key) is not str:
                    return False
            extend(item.values())
        elif kind is list:
            extend(item)
        elif kind not in _LEAVES:
            return False
    return True


_LEAVES = frozenset({str, int, float, bool, type(None)})


def _is_data(value: Any) -> bool:
    return isinstance(value, dict | list | str | int | float | bool) or value is None


def _format_of(path: str) -> str:
    suffix = posixpath.splitext(path)[1].lower()
    if suffix == ".json":
        return "json"
    if suffix == ".toml":
        return "toml"
    if suffix == ".py":
        return "py"
    return "yaml"


def decode(raw: bytes, path: str, kind: str) -> Any:
    """Decode a params/metrics file like DVC's ``load_path`` (errors as :class:`FileError`)."""
    try:
        if kind == "json":
            return load_json(raw) or {}
        if kind == "toml":
            import tomllib

            document = tomllib.loads(raw.decode("utf-8"))
            check_nesting(document)
            return document or {}
        if kind == "py":
            return FileError("ParseError", f"unable to read: '{path}', Python params unsupported")
        from dvclive_tui.experiments.simple_yaml import Unsupported, load_simple

        try:
            simple = load_simple(raw)
            check_nesting(simple)
            return simple or {}
        except Unsupported:
            from dvclive_writer.read.yaml12 import load_yaml12  # the full loader

            return load_yaml12(raw) or {}
    except Exception:
        label = {"json": "JSON", "toml": "TOML"}.get(kind, "YAML")
        return FileError(
            f"{label}FileCorruptedError",
            f"unable to read: '{path}', {label} file structure is corrupted",
        )


def extract_metrics(value: Any) -> Any:
    """Keep numbers, strings and nested mappings of them (DVC's ``_extract_metrics``)."""
    if isinstance(value, int | float | str):
        return value
    if not isinstance(value, dict):
        return None
    kept: dict[str, Any] = {}
    for key, item in value.items():
        extracted = extract_metrics(item)
        if extracted not in (None, {}):
            kept[key] = extracted
    return kept


def _select_keys(config: Any, key_paths: list[str]) -> Any:
    """The parts of ``config`` named by dotted key paths, nested as in the file."""
    if not key_paths:
        return config
    selected: dict[str, Any] = {}
    for key_path in key_paths:
        node: Any = config
        parts = key_path.split(".")
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                break
            node = node[part]
        else:
            target = selected
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = node
    return selected


def _expand(source: FileSource, paths: list[str]) -> list[str]:
    expanded: list[str] = []
    for path in paths:
        items = [path] if source.exists(path) or not source.is_dir(path) else []
        items = items or source.files_under(path)
        expanded.extend(item for item in items if item not in expanded)
    return expanded


def load_specs(source: FileSource, cache: ParseCache) -> tuple[list[DvcYamlSpec], dict[str, str]]:
    """Parse every ``dvc.yaml`` of ``source``; returns the specs and per-file errors."""
    specs: list[DvcYamlSpec] = []
    errors: dict[str, str] = {}
    for path in source.dvc_yaml_files():
        loaded = cache.load(source, path)
        if isinstance(loaded, FileError):
            errors[path] = loaded.msg
            continue
        spec = cache.spec(path, loaded)
        if spec.error:
            errors[path] = spec.error
        specs.append(spec)
    return specs, errors


def read_revision(source: FileSource, cache: ParseCache) -> RevisionData:
    """Collect the params, metrics and plot declarations of one revision."""
    unsafe_before = cache.unsafe_loads
    specs, errors = load_specs(source, cache)
    data = RevisionData(dvc_yaml_errors=errors)

    param_entries: list[dict[str, list[str]]] = []
    for spec in specs:
        param_entries.extend(spec.stage_params)
    for spec in specs:
        param_entries.extend({path: []} for path in spec.params)
    if source.exists(DEFAULT_PARAMS_FILE):
        param_entries.append({DEFAULT_PARAMS_FILE: []})
    merged = merge_params(param_entries)
    for path, keys in merged.items():
        for file in _expand(source, [path]):
            loaded = cache.load(source, file)
            if isinstance(loaded, FileError):
                data.params[file] = FileResult(error=loaded)
            else:
                data.params[file] = FileResult(data=_select_keys(loaded, keys))

    metric_paths = [path for spec in specs for path in spec.stage_metrics]
    metric_paths += [path for spec in specs for path in spec.metrics]
    for file in _expand(source, metric_paths):
        loaded = cache.load(source, file)
        if isinstance(loaded, FileError):
            data.metrics[file] = FileResult(error=loaded)
        else:
            data.metrics[file] = FileResult(data=extract_metrics(loaded) or {})

    for spec in specs:
        data.plots.extend(spec.plots)
    data.deps, data.outs = deps_and_outs(source, specs, lambda path: cache.load(source, path))
    data.json_safe = cache.unsafe_loads == unsafe_before
    return data
