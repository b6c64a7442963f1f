"""The opt-in that makes ``import dvclive`` give this package, for one process.

Third-party callbacks import ``dvclive`` themselves: transformers' ``DVCLiveCallback``
(``report_to="dvclive"``), Ultralytics' callback, accelerate's ``DVCLiveTracker``. To send them
to ``dvclive_writer``, run the script through the launcher, or call :func:`serve_as_dvclive`
before anything imports ``dvclive``::

    python -m dvclive_writer.run train.py --epochs 3

Then ``dvclive`` is ``dvclive_writer``, ``dvclive.X`` is ``dvclive_writer.X`` (the same module
objects, so ``isinstance`` checks hold) and ``dvclive.plots`` is
:mod:`dvclive_writer.plots_api`; ``importlib.metadata`` reports a ``dvclive`` distribution of
the API version implemented (:data:`DVCLIVE_API_VERSION`), as version checks such as
Ultralytics' expect. Nothing changes in a process that did not opt in, and the opt-in refuses
to start once a real ``dvclive`` is imported (it never mixes the two).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import ModuleType

#: The name served.
ALIAS = "dvclive"

#: The package serving it.
TARGET = "dvclive_writer"

#: The dvclive release whose API and files this package implements.
DVCLIVE_API_VERSION = "3.49.1"

#: dvclive packages whose counterpart here has another name (their modules follow).
RENAMED = {"plots": "plots_api"}


class AliasError(ImportError):
    """The opt-in cannot start (a real ``dvclive`` is imported already)."""


def target_name(fullname: str) -> str | None:
    """The module of this package serving ``fullname`` (``dvclive``/``dvclive.*``), or None."""
    if fullname == ALIAS:
        return TARGET
    if not fullname.startswith(ALIAS + "."):
        return None
    first, dot, rest = fullname[len(ALIAS) + 1 :].partition(".")
    return f"{TARGET}.{RENAMED.get(first, first)}{dot}{rest}"


class _AliasDistribution(importlib.metadata.Distribution):
    """``dvclive``'s metadata while served: its API version, summary naming the server."""

    def read_text(self, filename: str) -> str | None:
        if filename == "METADATA":
            return (
                "Metadata-Version: 2.1\n"
                f"Name: {ALIAS}\n"
                f"Version: {DVCLIVE_API_VERSION}\n"
                f"Summary: served by {TARGET} (python -m {TARGET}.run)\n"
            )
        return None

    def locate_file(self, path: str | os.PathLike[str]) -> Path:
        return Path(str(importlib.import_module(TARGET).__file__)).parent / path


class DvcliveAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finder and loader answering every ``dvclive`` import with this package's module."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        """The alias spec for ``dvclive``/``dvclive.*``; a missing counterpart is an error.

        Raises:
            ModuleNotFoundError: this package has no module for ``fullname`` (answered here
                so that no other finder loads a second copy from this package's folder).
        """
        name = target_name(fullname)
        if name is None:
            return None
        original = importlib.util.find_spec(name)
        if original is None:
            raise ModuleNotFoundError(
                f"No module named {fullname!r} ({TARGET} serves dvclive and has no {name!r})",
                name=fullname,
            )
        spec = importlib.machinery.ModuleSpec(
            fullname,
            self,
            origin=original.origin,
            is_package=original.submodule_search_locations is not None,
        )
        spec.loader_state = name
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        """This package's module itself (imported if needed)."""
        module = importlib.import_module(str(spec.loader_state))
        spec.loader_state = (spec.loader_state, module.__spec__)
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run; give the module back its own spec (the import system set ours)."""
        state = getattr(module.__spec__, "loader_state", None)
        if isinstance(state, tuple):
            module.__spec__ = state[1]

    def find_distributions(
        self, context: importlib.metadata.DistributionFinder.Context | None = None
    ) -> Iterable[importlib.metadata.Distribution]:
        """The served ``dvclive`` distribution, when asked for it by name (or for all)."""
        context = context or importlib.metadata.DistributionFinder.Context()
        name = context.name
        if name is None or name.lower().replace("_", "-") == ALIAS:
            return iter([_AliasDistribution()])
        return iter(())


def _installed() -> DvcliveAlias | None:
    return next((f for f in sys.meta_path if isinstance(f, DvcliveAlias)), None)


def is_serving() -> bool:
    """True when ``import dvclive`` gives this package in this process."""
    return _installed() is not None


def _real_dvclive_modules() -> Iterator[str]:
    for name, module in list(sys.modules.items()):
        if (name == ALIAS or name.startswith(ALIAS + ".")) and not getattr(
            module, "__name__", ""
        ).startswith(TARGET):
            yield name


def serve_as_dvclive() -> None:
    """Make ``import dvclive`` (and ``dvclive.*``) give this package in this process.

    Call it before anything imports ``dvclive``; calling it again does nothing.

    Raises:
        AliasError: a real ``dvclive`` module is imported already.
    """
    if is_serving():
        return
    loaded = sorted(_real_dvclive_modules())
    if loaded:
        origin = getattr(sys.modules[loaded[0]], "__file__", None)
        raise AliasError(
            f"dvclive is already imported (from {origin}); call serve_as_dvclive() before "
            "anything imports dvclive"
        )
    sys.meta_path.insert(0, DvcliveAlias())


def stop_serving() -> None:
    """Undo :func:`serve_as_dvclive`: remove the finder and the ``dvclive`` module names."""
    finder = _installed()
    if finder is None:
        return
    sys.meta_path.remove(finder)
    for name in list(sys.modules):
        if name == ALIAS or name.startswith(ALIAS + "."):
            del sys.modules[name]
