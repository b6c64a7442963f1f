"""Distributed training: only the process of rank zero writes a run.

Launchers (``torchrun``, Lightning, accelerate, SLURM's ``srun``, ``jsrun``) start one process
per device and give each its rank in an environment variable; every process runs the same
script. A bare ``Live()`` in each of them would share one directory: each new ``Live`` clears
the files of the run, and the ranks overwrite each other's ``metrics.json`` and append to the
same TSVs. So ``Live()`` in a process whose rank is not zero returns a ``NonZeroRankLive``
(:mod:`dvclive_writer.nonzero_rank`): it logs a warning, accepts every call (with ``Live``'s
checks and exceptions), keeps ``summary``, ``step`` and params in memory, and touches no file.
``Live(resume=True)`` reads the step and summary of the run as rank zero does.

The rank is read as Lightning reads it: the first of ``RANK``, ``LOCAL_RANK``,
``SLURM_PROCID``, ``JSM_NAMESPACE_RANK`` that is set. ``DVCLIVE_WRITER_ALL_RANKS=1`` turns
this off (for jobs whose tasks are independent runs, each with its own ``dir``).
"""

from __future__ import annotations

import os
from typing import Any

from dvclive_writer.utils import env2bool

#: The variables a launcher sets to a process's rank, in the order Lightning reads them.
RANK_VARIABLES = ("RANK", "LOCAL_RANK", "SLURM_PROCID", "JSM_NAMESPACE_RANK")

#: Truthy: every rank writes (the ``Live`` of each process is a real one).
ALL_RANKS = "DVCLIVE_WRITER_ALL_RANKS"


def process_rank() -> tuple[str, int] | None:
    """``(variable, rank)`` from the first rank variable set, or None outside a launcher.

    A value that is not an integer is ignored (as if unset).
    """
    for name in RANK_VARIABLES:
        value = os.environ.get(name)
        if value is None:
            continue
        try:
            return name, int(value)
        except ValueError:
            continue
    return None


def nonzero_rank() -> tuple[str, int] | None:
    """``(variable, rank)`` when this process must not write a run, else None."""
    found = process_rank()
    if found is None or found[1] == 0 or env2bool(ALL_RANKS):
        return None
    return found


class WritesOnRankZero:
    """``Live``'s base: ``Live(...)`` on a non-zero rank makes a ``NonZeroRankLive``.

    Subclasses of ``Live`` are left alone. The hook is ``__new__`` on a base class so that
    ``inspect.signature(Live)`` still shows ``Live.__init__``'s parameters.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        """An instance of ``cls``, or of ``NonZeroRankLive`` (see the module doc)."""
        from dvclive_writer.live import Live

        if cls is Live and nonzero_rank() is not None:
            from dvclive_writer.nonzero_rank import NonZeroRankLive

            cls = NonZeroRankLive
        return super().__new__(cls)
