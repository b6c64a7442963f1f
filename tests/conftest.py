"""Shared test set-up: deterministic environment, top-level ``snapshots/`` for SVG baselines."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Snapshots must not depend on the developer's shell; set before Textual is imported.
os.environ.pop("TEXTUAL_THEME", None)
os.environ.pop("NO_COLOR", None)
os.environ["TEXTUAL_ANIMATIONS"] = "none"
os.environ.setdefault("DVC_NO_ANALYTICS", "1")
os.environ.setdefault("DVC_STUDIO_OFFLINE", "1")
os.environ.setdefault("GIT_AUTHOR_NAME", "dvclive-tui tests")
os.environ.setdefault("GIT_AUTHOR_EMAIL", "tests@example.invalid")
os.environ.setdefault("GIT_COMMITTER_NAME", "dvclive-tui tests")
os.environ.setdefault("GIT_COMMITTER_EMAIL", "tests@example.invalid")

SNAPSHOT_ROOT = Path(__file__).resolve().parent.parent / "snapshots"

try:
    import pytest_textual_snapshot
except ImportError:  # pragma: no cover - the test extra always installs it
    pytest_textual_snapshot = None
else:

    class TopLevelSVGExtension(pytest_textual_snapshot.SVGImageExtension):  # type: ignore[misc]
        """Store SVG snapshots as ``snapshots/<test_module>/<test_name>.svg``.

        The plugin has no option for this, and the ``syrupy==4.8.0`` it pins has no
        ``--snapshot-dirname`` (README, Development); ``snap_compare`` looks the extension
        class up at call time, so replacing the module attribute is enough.
        """

        @classmethod
        def dirname(cls, *, test_location) -> str:  # type: ignore[no-untyped-def,override]
            return str(SNAPSHOT_ROOT / Path(test_location.filepath).stem)

    pytest_textual_snapshot.SVGImageExtension = TopLevelSVGExtension


@pytest.fixture(autouse=True)
def _deterministic_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No colour opt-outs, no Studio, no DVCLive env leaking from the developer's shell."""
    for name in (
        "NO_COLOR",
        "DVCLIVE_RESUME",
        "DVCLIVE_TEST",
        "DVCLIVE_OPEN",
        "DVC_ROOT",
        "DVC_EXP_BASELINE_REV",
        "DVC_EXP_NAME",
        "DVC_STUDIO_TOKEN",
        "STUDIO_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    yield
