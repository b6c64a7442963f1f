"""Where DVC keeps file contents: the local cache, then the default remote when it is a
local folder — located from DVC's config files without importing ``dvc``.

DVC builds its cache once from the working tree's config (levels system, global, repo
``.dvc/config`` and ``.dvc/config.local``; ``cache.dir`` relative to the file that sets
it), so a ``cache.dir`` committed in an old revision does not matter. Objects live at
``<cache>/files/md5/<h[:2]>/<h[2:]>`` for outputs recorded with ``hash: md5`` (DVC 3) and
at ``<cache>/<h[:2]>/<h[2:]>`` for outputs without it (DVC 2); remotes use the same two
layouts. Remotes that are not local folders (S3, SSH, ...) are never contacted.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_SECTION = re.compile(r"^\[\s*(.+?)\s*\]$")
_NAMED = re.compile(r"""^(\w+)\s+"(.+)"$""")
_URL_SCHEME = re.compile(r"^\w+://")


def parse_config(text: str) -> dict[str, dict[str, str]]:
    """A DVC config file (configobj INI) as ``{section: {key: value}}``; a named section
    ``['remote "name"']`` is keyed ``remote "name"``. Unparsable lines are skipped."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        match = _SECTION.match(line)
        if match:
            name = match.group(1)
            if len(name) >= 2 and name[0] == name[-1] and name[0] in "'\"":
                name = name[1:-1]
            named = _NAMED.match(name)
            if named:
                name = f'{named.group(1).lower()} "{named.group(2)}"'
            current = sections.setdefault(name.lower() if not named else name, {})
            continue
        if current is None or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        current[key.strip().lower()] = value
    return sections


def config_files(dvc_dir: Path) -> list[Path]:
    """DVC's config files, lowest precedence first (system, global, repo, local)."""
    home = Path(os.path.expanduser("~"))
    xdg_config = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
    xdg_dirs = (os.environ.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(os.pathsep)[0]
    system = os.environ.get("DVC_SYSTEM_CONFIG_DIR") or os.path.join(xdg_dirs, "dvc")
    user = os.environ.get("DVC_GLOBAL_CONFIG_DIR") or os.path.join(xdg_config, "dvc")
    return [
        Path(system) / "config",
        Path(user) / "config",
        dvc_dir / "config",
        dvc_dir / "config.local",
    ]


def _resolve(base: Path, value: str) -> str:
    """A path from a config file: URLs as they are, ``~`` expanded, relative ones
    against the folder of the file that says them."""
    if _URL_SCHEME.match(value):
        return value
    expanded = os.path.expanduser(value)
    if os.path.isabs(expanded):
        return expanded
    return os.path.abspath(os.path.join(base, expanded))


def load_config(dvc_dir: Path) -> dict[str, dict[str, str]]:
    """Every level merged; ``cache.dir`` and remote ``url`` made absolute per file."""
    merged: dict[str, dict[str, str]] = {}
    for path in config_files(dvc_dir):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for section, values in parse_config(text).items():
            for key, value in values.items():
                is_path = (section == "cache" and key == "dir") or (
                    section.startswith('remote "') and key == "url"
                )
                resolved = _resolve(path.parent, value) if is_path else value
                merged.setdefault(section, {})[key] = resolved
    return merged


def _local_folder(url: str) -> Path | None:
    if url.startswith("file://"):
        return Path(url[len("file://") :])
    if _URL_SCHEME.match(url) or re.match(r"^[\w.-]+@[\w.-]+:", url):
        return None  # a cloud or ssh remote: never contacted
    return Path(url)


@dataclass
class DvcStorage:
    """The local cache folder and the local-folder remotes of one DVC repository."""

    cache_dir: Path
    default_remote: str | None = None
    remotes: dict[str, Path | None] = field(default_factory=dict)
    """Remote name -> its folder, ``None`` for remotes that are not local folders."""
    _manifests: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_repo(cls, root: Path) -> DvcStorage:
        """The storage of the DVC repository at ``root`` (``root/.dvc``)."""
        dvc_dir = root / ".dvc"
        config = load_config(dvc_dir)
        cache = config.get("cache", {}).get("dir")
        remotes: dict[str, Path | None] = {}
        for section, values in config.items():
            if section.startswith('remote "') and "url" in values:
                remotes[section[len('remote "') : -1]] = _local_folder(values["url"])
        default = config.get("core", {}).get("remote")
        return cls(
            cache_dir=Path(cache) if cache else dvc_dir / "cache",
            default_remote=default or None,
            remotes=remotes,
        )

    def _folders(self, remote: str | None) -> list[Path]:
        folders = [self.cache_dir]
        name = remote or self.default_remote
        folder = self.remotes.get(name) if name else None
        if folder is not None:
            folders.append(folder)
        return folders

    def read(self, md5: str, *, legacy: bool, remote: str | None = None) -> bytes | None:
        """The content of an object (``.dir`` names included), or ``None`` when neither
        the cache nor a local remote has it."""
        if not re.fullmatch(r"[0-9a-f]{32}(\.dir)?", md5):
            return None
        relative = Path(md5[:2]) / md5[2:] if legacy else Path("files", "md5", md5[:2], md5[2:])
        for folder in self._folders(remote):
            try:
                with open(folder / relative, "rb") as handle:
                    return handle.read()
            except OSError:
                continue
        return None

    def manifest(
        self, md5: str, *, legacy: bool, remote: str | None = None
    ) -> dict[str, str] | None:
        """A directory's ``.dir`` listing as ``{relpath: md5}`` (``None`` when missing
        or unreadable)."""
        key = f"{legacy}:{remote}:{md5}"
        if key in self._manifests:
            return self._manifests[key]  # type: ignore[no-any-return]
        raw = self.read(md5, legacy=legacy, remote=remote)
        listing: dict[str, str] | None = None
        if raw is not None:
            try:
                items = json.loads(raw)
            except (ValueError, RecursionError):
                items = None
            if isinstance(items, list):
                listing = {
                    str(item["relpath"]).replace("\\", "/"): str(item["md5"])
                    for item in items
                    if isinstance(item, dict) and "relpath" in item and "md5" in item
                }
        self._manifests[key] = listing
        return listing
