"""How ``make`` runs a notebook (``scripts/run_notebook.py``): a kernel started before papermill
is imported, so it boots while papermill loads, and an executed copy that is the same bytes on
every run. A stop prints one message, its traceback in :func:`log_path`."""

from __future__ import annotations

from pathlib import Path

from src.errors import stops
from src.runner.kernels import kernel_option, start, stop

__all__ = ["kernel_option", "log_path", "main", "start", "stop"]

#: The log of a run whose command line names no output notebook.
FALLBACK_LOG = Path(__file__).resolve().parents[2] / "build" / "logs" / "run_notebook.log"


def log_path(argv: list[str]) -> Path:
    """Where a run that stops writes its traceback: beside the executed copy, OUTPUT with the
    suffix ``.log`` (``build/notebooks/executed/10-clean.log`` under make)."""
    if len(argv) > 1 and not argv[1].startswith("-"):
        return Path(argv[1]).with_suffix(".log")
    return FALLBACK_LOG


def main(argv: list[str]) -> int:
    """Run the notebook papermill's ``argv`` names; the exit code (a stop exits through
    ``SystemExit`` with its message printed). The kernel is shut down whatever happens."""
    log = log_path(argv)
    source = argv[0] if argv else "(no notebook)"
    with stops(f"scripts/run_notebook.py {source}", log):
        manager = start(kernel_option(argv))
        try:
            from src.runner.run import run  # papermill is imported while the kernel boots
        except BaseException:
            stop(manager)
            raise
        return run(argv, manager, log)
