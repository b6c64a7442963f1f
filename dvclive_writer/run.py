"""``python -m dvclive_writer.run``: run a script with ``import dvclive`` served by this package.

Usage::

    python -m dvclive_writer.run [--quiet] train.py [ARGS ...]
    python -m dvclive_writer.run [--quiet] -m package.module [ARGS ...]

The script runs as ``__main__`` with ``sys.argv`` and ``sys.path[0]`` as ``python train.py``
would set them, after :func:`dvclive_writer.alias.serve_as_dvclive`; one line on stderr says
which ``dvclive`` the process gets (``--quiet`` drops it). Under ``torchrun`` give the
launcher as the module: ``torchrun --nproc_per_node 2 -m dvclive_writer.run train.py``.
Child processes that a framework starts with ``sys.executable`` run without the opt-in.
"""

from __future__ import annotations

import os
import runpy
import sys
from collections.abc import Sequence

from dvclive_writer.alias import DVCLIVE_API_VERSION, AliasError, serve_as_dvclive

USAGE = "usage: python -m dvclive_writer.run [--quiet] (SCRIPT | -m MODULE) [ARGS ...]"


def _installed_dvclive() -> str | None:
    """The version of a real ``dvclive`` installed beside this package, if any."""
    import importlib.metadata

    try:
        return importlib.metadata.version("dvclive")
    except importlib.metadata.PackageNotFoundError:
        return None


def announce(shadowed: str | None) -> str:
    """The line saying what ``import dvclive`` gives (``shadowed``: a real one's version)."""
    import dvclive_writer

    where = os.path.dirname(str(dvclive_writer.__file__))
    note = f"; the installed dvclive {shadowed} is not used" if shadowed else ""
    return (
        f"dvclive_writer.run: import dvclive -> dvclive_writer ({where}), "
        f"dvclive {DVCLIVE_API_VERSION} API{note}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the launcher's arguments, opt in, and run the script or module."""
    args = list(sys.argv[1:] if argv is None else argv)
    quiet = False
    while args and args[0] in ("--quiet", "-q"):
        quiet = True
        args.pop(0)
    if args and args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if not args or (args[0] == "-m" and len(args) < 2):
        print(USAGE, file=sys.stderr)
        return 2
    if args[0] != "-m" and not os.path.isfile(args[0]):
        print(f"dvclive_writer.run: can't open file {args[0]!r}: no such file", file=sys.stderr)
        return 2
    shadowed = _installed_dvclive()
    try:
        serve_as_dvclive()
    except AliasError as exc:
        print(f"dvclive_writer.run: {exc}", file=sys.stderr)
        return 2
    if not quiet:
        print(announce(shadowed), file=sys.stderr)
    if args[0] == "-m":
        module, rest = args[1], args[2:]
        sys.argv = [module, *rest]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return 0
    script, rest = args[0], args[1:]
    sys.argv = [script, *rest]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
